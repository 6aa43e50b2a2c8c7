"""Due dates as a calendar feed (iCalendar), for Outlook, Google or Apple calendars.

One all-day event per key date of the election and per step of the members
asked for:

- an open step whose due date is known falls on it; one waiting on the
  filing date falls on the latest day it can be due (nomination day), marked
  so, and moves when the filing date is known; an overdue one sits on the day
  the feed is made, marked OVERDUE;
- a step done, waived or no longer applying stays in the feed, cancelled
  (STATUS:CANCELLED), so that importing the newer file removes it from a
  calendar that already holds it;
- an election-period restriction that reaches a member is one event over
  all its days (DTEND the day after the last, RFC 5545's exclusive end), its
  alarm at 9:00 the working morning before it starts (the last day before
  it that the profile's closures leave open); one with a start or an end
  still hanging on a filing date not yet known falls on the latest days it
  can be, marked so, and moves when the filing date is known, as a step due
  on filing does.

UIDs never change for the same thing and are unique to this record, not only
to this database (two offices' feeds can share one calendar): they carry a
hash of the election's name, municipality and moment of creation, which an
export and restore keep. SEQUENCE rises whenever an event's date or text
changes, so calendars take the newest. A step's alarms ring at 9:00 (Toronto)
14 days and 1 day ahead. The lines are written as the icalendar package writes
them (`transition.documents.ical_lines`, which says why not by the package
itself), so text from the record cannot break the file's structure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, func, select

from transition.core.periods import PlannedPeriod
from transition.core.terms import ItemStatus
from transition.documents import ical_lines
from transition.documents.content import header
from transition.documents.html import slug
from transition.store.listings import checklist_entries
from transition.store.models import Election, Event, Member, key
from transition.store.periods import planned_periods
from transition.store.tracker import Tracker
from transition.store.trail.events import Action, Subject

#: An alarm rings at 9:00: this long after the midnight a day begins.
MORNING = timedelta(hours=9)


def mornings_before(days: int) -> timedelta:
    """How long before an all-day event's start (its midnight) 9:00 falls,
    `days` days ahead."""
    return timedelta(days=days) - MORNING


#: Relative to the start of an all-day event (midnight), the morning before:
#: 9:00 fourteen days and one day ahead.
ALARMS = (
    ("14 days ahead", mornings_before(14)),
    ("1 day ahead", mornings_before(1)),
)
#: A period's alarm looks back this many days at most for a working day (a
#: run of closures longer than any holiday season rings the day before).
LONGEST_CLOSURE = 31
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
#: What can move or reword a member's period, besides the election's dates:
#: whether they run and on which option, their filing date, their accounts.
PERIOD_CHANGES = (
    Action.CANDIDACY_SET,
    Action.CANDIDACY_FILING,
    Action.ACCOUNT_ADDED,
    Action.ACCOUNT_CHANGED,
)
#: Days an overdue event can move to today before the count wraps; a change
#: recorded in the trail is worth more than all of them.
OVERDUE_SPAN = 10_000


def calendar_feed(tracker: Tracker, election: Election, members: list[Member]) -> bytes:
    head = header(tracker, election)
    properties = [
        "VERSION:2.0\r\n",
        ical_lines.prop("PRODID", "-//transition//election-period social media transitions//EN"),
        ical_lines.prop("X-WR-CALNAME", f"{head['election_title']}: social media transition"),
        ical_lines.prop("X-WR-TIMEZONE", "America/Toronto"),
    ]
    return ical_lines.calendar(properties, _events(tracker, election, members, head))


def _events(
    tracker: Tracker, election: Election, members: list[Member], head: dict[str, Any]
) -> Iterator[str]:
    """The feed's events, in order: the key dates, the steps, the periods."""
    domain = f"{slug(election.municipality)}.transition"
    record = _record_key(election)
    stamp = f"DTSTAMP:{ical_lines.utc_moment(datetime.now(UTC))}\r\n"
    note = " Projected under current law." if head["projected"] else ""
    election_changes = _changes(tracker, ELECTION_CHANGES, Event.subject)
    election_sequence = election_changes.get(str(Subject("election", election.id)), 0)
    for n, (label, day) in enumerate(head["key_dates"]):
        yield _event(
            uid=f"election-{record}-key-{n}@{domain}",
            summary=f"{head['election_title']}: {label}",
            day=day,
            description=f"{head['law']}.{note}",
            stamp=stamp,
            sequence=election_sequence,
        )
    profile = tracker.find.profile(election)
    explanations = {step.id: step.explanation for step in profile.steps}
    wanted = {member.id for member in members}
    changes = _changes(tracker, ITEM_CHANGES, Event.item_id)
    today = tracker.today
    # One member's feed asks for that member's steps and periods alone.
    only = members[0] if len(members) == 1 else None
    for extra, row in checklist_entries(tracker, election, only, include_superseded=True):
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
        yield _event(
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
    planned = planned_periods(tracker, election, only) if profile.periods else {}
    if planned:
        is_open = tracker.find.closures(profile).is_open
        member_changes = _changes(tracker, PERIOD_CHANGES, Event.member_id)
        for member in members:
            for one in planned.get(key(member), ()):
                yield _period_event(
                    one,
                    uid=f"period-{member.id}-{one.period.id}-{record}@{domain}",
                    member=member.name,
                    stamp=stamp,
                    # Anything that moves a period is counted once, so it only rises.
                    sequence=election_sequence + member_changes.get(member.id, 0),
                    is_open=is_open,
                )


def _period_event(
    planned: PlannedPeriod,
    *,
    uid: str,
    member: str,
    stamp: str,
    sequence: int,
    is_open: Callable[[date], bool],
) -> str:
    """One period as one event over its days, for one member."""
    period = planned.period
    first = planned.starts or planned.latest_start
    last = planned.ends or planned.latest_end
    on = f" ({', '.join(planned.accounts)})" if planned.accounts else ""
    summary = f"{member}: {period.title}{on}"
    waiting = [
        f"{end} on filing, by {day.isoformat()} at the latest"
        for end, day, known in (
            ("starts", planned.latest_start, planned.starts),
            ("ends", planned.latest_end, planned.ends),
        )
        if known is None
    ]
    if waiting:
        summary += f" ({'; '.join(waiting)})"
    days = f"{first.isoformat()} to {last.isoformat()}"
    if waiting:
        days += ", the latest it can be until the filing date is known"
    description = (
        f"{period.explanation} In force {period.describe()}: {days}. Source: {period.source}."
    )
    ahead = _working_days_back(first, is_open)
    alarms = [(f"starts {first:%A} {first.isoformat()}", mornings_before(ahead))] if ahead else []
    return _event(
        uid=uid,
        summary=summary,
        day=first,
        last_day=last,
        description=description,
        stamp=stamp,
        sequence=sequence,
        alarms=alarms,
    )


def _working_days_back(day: date, is_open: Callable[[date], bool]) -> int:
    """How many days before `day` the last working day before it falls (1 for
    the day before, more over a weekend or a closure); 0 where none can be."""
    for back in range(1, LONGEST_CLOSURE + 1):
        if day.toordinal() - back < 1:
            return back - 1
        if is_open(day - timedelta(days=back)):
            return back
    return 1


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
    stamp: str,
    sequence: int = 0,
    cancelled: bool = False,
    last_day: date | None = None,
    alarms: Sequence[tuple[str, timedelta]] = ALARMS,
) -> str:
    """An all-day event from `day` through `last_day` (the one day by default);
    `stamp` is its DTSTAMP line. A cancelled one rings no alarm."""
    last = last_day or day
    # An all-day event ends, exclusive, the day after its last (RFC 5545
    # 3.6.1). The calendar's last day has no day after: one day long, an event
    # ending there goes without an end; a longer one says how many days it is.
    end = last + timedelta(days=1) if last < date.max else None
    length = timedelta(days=(last - day).days + 1) if end is None and last > day else None
    return ical_lines.event(
        summary=summary,
        start=day,
        end=end,
        length=length,
        stamp=stamp,
        uid=uid,
        sequence=sequence,
        description=description,
        cancelled=cancelled,
        alarms=() if cancelled else [(f"{summary} ({ahead})", before) for ahead, before in alarms],
    )


def _changes(tracker: Tracker, actions: tuple[str, ...], key: Any) -> dict[Any, int]:
    """How often each thing changed in ways its event shows: its SEQUENCE."""
    query = (
        select(key, func.count(col(Event.id))).where(col(Event.action).in_(actions)).group_by(key)
    )
    return dict(tracker.session.exec(query).all())
