"""Due dates as a calendar feed (iCalendar), for Outlook, Google or Apple calendars.

One all-day event per key date of the election and per step of the members
asked for:

- an open step whose due date is known falls on it; one waiting on the
  filing date falls on the latest day it can be due (nomination day), marked
  so, and moves when the filing date is known; an overdue one sits on the day
  the feed is made, marked OVERDUE;
- a step done, waived or no longer applying stays in the feed, cancelled
  (STATUS:CANCELLED), so that importing the newer file removes it from a
  calendar that already holds it.

UIDs never change for the same thing and are unique to this record, not only
to this database (two offices' feeds can share one calendar): they carry a
hash of the election's name, municipality and moment of creation, which an
export and restore keep. SEQUENCE rises whenever an event's date or text
changes, so calendars take the newest. Alarms ring at 9:00 (Toronto) 14 days
and 1 day ahead. The icalendar package writes the file, so text from the
record cannot break its structure.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, func, select

from transition.core.terms import ItemStatus
from transition.documents.content import header
from transition.documents.html import slug
from transition.store.listings import checklist_entries
from transition.store.models import Election, Event, Member
from transition.store.tracker import Tracker
from transition.store.trail.events import Action, Subject

#: Relative to the start of an all-day event (midnight), the morning before:
#: 9:00 fourteen days and one day ahead.
ALARMS = (
    ("14 days ahead", timedelta(days=14) - timedelta(hours=9)),
    ("1 day ahead", timedelta(days=1) - timedelta(hours=9)),
)
#: What changes an item's event: its date, its status, its text.
ITEM_CHANGES = (
    Action.ITEM_MOVED,
    Action.ITEM_DONE,
    Action.ITEM_REOPENED,
    Action.ITEM_WAIVED,
    Action.ITEM_SUPERSEDED,
    Action.ITEM_RESTORED,
)
ELECTION_CHANGES = (Action.ELECTION_DATES, Action.ELECTION_OVERRIDE)
#: Days an overdue event can move to today before the count wraps; a change
#: recorded in the trail is worth more than all of them.
OVERDUE_SPAN = 10_000


def calendar_feed(tracker: Tracker, election: Election, members: list[Member]) -> bytes:
    from icalendar import Calendar

    head = header(tracker, election)
    domain = f"{slug(election.municipality)}.transition"
    record = _record_key(election)
    feed = Calendar()
    feed.add("prodid", "-//transition//election-period social media transitions//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{head['election_title']}: social media transition")
    feed.add("x-wr-timezone", "America/Toronto")
    stamp = datetime.now(UTC)
    note = " Projected under current law." if head["projected"] else ""
    election_changes = _changes(tracker, ELECTION_CHANGES, Event.subject)
    for n, (label, day) in enumerate(head["key_dates"]):
        feed.add_component(
            _event(
                uid=f"election-{record}-key-{n}@{domain}",
                summary=f"{head['election_title']}: {label}",
                day=day,
                description=f"{head['law']}.{note}",
                stamp=stamp,
                sequence=election_changes.get(str(Subject("election", election.id)), 0),
            )
        )
    profile = tracker.find.profile(election)
    explanations = {step.id: step.explanation for step in profile.steps}
    wanted = {member.id for member in members}
    changes = _changes(tracker, ITEM_CHANGES, Event.item_id)
    today = tracker.today
    for extra, row in checklist_entries(tracker, election, None, include_superseded=True):
        if extra["member_id"] not in wanted:
            continue
        on = f" ({row['account']})" if row["account"] else ""
        day = date.fromisoformat(row["due"] or row["latest"])
        summary = f"{row['member']}: {row['title']}{on}"
        # Each recorded change outranks any run of overdue days, so the
        # SEQUENCE never falls when an overdue step is done or moved.
        sequence = changes.get(row["id"], 0) * OVERDUE_SPAN
        cancelled = row["status"] != ItemStatus.OPEN or row["superseded"]
        if cancelled:
            summary += f" ({'no longer applies' if row['superseded'] else row['status']})"
        elif row["overdue"]:
            sequence += min((today - day).days, OVERDUE_SPAN - 1)  # it moves to today
            summary = f"OVERDUE since {day.isoformat()}: {summary}"
            day = today
        elif not row["due"]:
            summary += " (on filing; nomination day is the latest)"
        feed.add_component(
            _event(
                uid=f"item-{row['id']}-{record}@{domain}",
                summary=summary,
                day=day,
                description=(
                    f"{explanations.get(row['step'], '')} (bulletin para {row['paragraph']}; "
                    f"step {row['step']}). Mark it done with: transition done {row['id']}"
                ),
                stamp=stamp,
                sequence=sequence,
                cancelled=cancelled,
            )
        )
    return feed.to_ical()


def _record_key(election: Election) -> str:
    """Twelve hex digits that set this record's election apart from any other's."""
    created = election.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    seed = f"{election.municipality}|{election.name}|{created}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]


def _event(
    *,
    uid: str,
    summary: str,
    day: date,
    description: str,
    stamp: datetime,
    sequence: int = 0,
    cancelled: bool = False,
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
    if cancelled:
        event.add("status", "CANCELLED")
        return event
    for ahead, before in ALARMS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{summary} ({ahead})")
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def _changes(tracker: Tracker, actions: tuple[str, ...], key: Any) -> dict[Any, int]:
    """How often each thing changed in ways its event shows: its SEQUENCE."""
    query = (
        select(key, func.count(col(Event.id))).where(col(Event.action).in_(actions)).group_by(key)
    )
    return dict(tracker.session.exec(query).all())
