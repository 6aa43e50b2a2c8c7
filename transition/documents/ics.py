"""Due dates as a calendar feed (iCalendar), for Outlook, Google or Apple calendars.

One all-day event per key date of the election and per open step whose due
date is known. Each has a UID that never changes for the same thing, so
importing the file again updates events instead of adding copies, and a step
marked done simply drops out. Alarms ring 14 days and 1 day ahead. The
icalendar package writes the file, so text from the database (names, notes)
is escaped and cannot break its structure.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, func, select

from transition.documents.content import header
from transition.documents.html import slug
from transition.store.models import Election, Event, Member
from transition.store.queries import checklist_entries
from transition.store.tracker import Tracker

ALARMS = (timedelta(days=14), timedelta(days=1))


def calendar_feed(tracker: Tracker, election: Election, members: list[Member]) -> bytes:
    from icalendar import Calendar

    head = header(tracker, election)
    domain = f"{slug(election.municipality)}.transition"
    feed = Calendar()
    feed.add("prodid", "-//transition//election-period social media transitions//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{head['election_title']}: social media transition")
    stamp = datetime.now(UTC)
    note = " Projected under current law." if head["projected"] else ""
    for n, (label, day) in enumerate(head["key_dates"]):
        feed.add_component(
            _event(
                # By the election's id: names in other scripts slug alike.
                uid=f"election-{election.id}-key-{n}@{domain}",
                summary=f"{head['election_title']}: {label}",
                day=day,
                description=f"{head['law']}.{note}",
                stamp=stamp,
            )
        )
    profile = tracker.find.profile(election)
    explanations = {step.id: step.explanation for step in profile.steps}
    wanted = {member.id for member in members}
    moves = _times_moved(tracker)
    for extra, row in checklist_entries(tracker, election, None, include_superseded=False):
        if extra["member_id"] not in wanted or row["status"] != "open" or not row["due"]:
            continue
        on = f" ({row['account']})" if row["account"] else ""
        feed.add_component(
            _event(
                uid=f"item-{row['id']}@{domain}",
                summary=f"{row['member']}: {row['title']}{on}",
                day=date.fromisoformat(row["due"]),
                description=(
                    f"{explanations.get(row['step'], '')} (bulletin para {row['paragraph']}; "
                    f"step {row['step']}). Mark it done with: transition done {row['id']}"
                ),
                stamp=stamp,
                sequence=moves.get(row["id"], 0),
            )
        )
    return feed.to_ical()


def _event(
    *, uid: str, summary: str, day: date, description: str, stamp: datetime, sequence: int = 0
) -> Any:
    from icalendar import Alarm
    from icalendar import Event as CalendarEvent

    event = CalendarEvent()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    if day < date.max:  # an all-day event ends the next day; the calendar's last has none
        event.add("dtend", day + timedelta(days=1))
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("transp", "TRANSPARENT")
    for ahead in ALARMS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add(
            "description", f"{summary} ({ahead.days} day{'s' if ahead.days != 1 else ''} ahead)"
        )
        alarm.add("trigger", -ahead)
        event.add_component(alarm)
    return event


def _times_moved(tracker: Tracker) -> dict[int, int]:
    """How often each step's date moved, by item: its SEQUENCE, so calendars
    take the newest."""
    query = (
        select(Event.item_id, func.count(col(Event.id)))
        .where(Event.action == "item.moved")
        .group_by(Event.item_id)
    )
    return dict(tracker.session.exec(query).all())
