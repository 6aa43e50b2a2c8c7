"""`transition check`: is the database whole, and does it agree with itself?

SQLite's own integrity and foreign-key checks come first; then the tool's:
every checklist item belongs to a candidacy and to a step of its election's
profile, and the audit trail accounts for every record and for every item's
present state, so nothing changed without leaving an event.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlmodel import col, select

from transition.errors import TransitionError
from transition.store.chain import GENESIS, Fingerprint, first_break
from transition.store.database import missing_objects
from transition.store.journal import chain_head
from transition.store.models import Account, Candidacy, ChecklistItem, Election, Event, Member
from transition.store.tracker import Tracker

#: The status each kind of item event leaves behind.
STATUS_AFTER = {
    "item.added": "open",
    "item.done": "done",
    "item.reopened": "open",
    "item.waived": "waived",
}


def problems(tracker: Tracker) -> tuple[list[str], dict[str, int]]:
    """Every problem found, and how many of each thing were checked. What is
    doubtful but may be right is in `doubts`."""
    tracker.access.check_reads_all("check")
    session = tracker.session
    found: list[str] = []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # PostgreSQL checks its pages and enforces foreign keys itself.
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            found.extend(f"SQLite integrity: {line}" for line in integrity)
        missing = missing_objects(connection)
        found.extend(f"missing {what}" for what in missing)
        if any(what.startswith("table ") for what in missing):
            return found, {}  # the tool's own checks need every table
        for table, rowid, parent, _ in connection.exec_driver_sql("PRAGMA foreign_key_check"):
            found.append(f"{table} row {rowid} points to a missing {parent}")

    events = session.exec(select(Event).order_by(col(Event.id))).all()
    broken = first_break(events)
    if broken is not None:
        found.append(f"audit trail: {broken}; the trail was changed outside transition")
    by_subject: dict[str, list[Event]] = defaultdict(list)
    by_item: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        by_subject[event.subject].append(event)
        if event.item_id is not None:
            by_item[event.item_id].append(event)

    steps_of: dict[int, set[str]] = {}
    for election in session.exec(select(Election)).all():
        try:
            steps_of[election.id] = {step.id for step in tracker.find.profile(election).steps}
        except TransitionError as error:
            found.append(f"election {election.name}: its profile cannot be read ({error})")
            steps_of[election.id] = set()
        _expect(by_subject, f"election {election.id}", "election.added", found)
    for member in session.exec(select(Member)).all():
        _expect(by_subject, f"member {member.id}", "member.added", found)
    accounts = session.exec(select(Account)).all()
    for account in accounts:
        _expect(by_subject, f"account {account.id}", "account.added", found)

    candidacies = {c.id: c for c in session.exec(select(Candidacy)).all()}
    items = session.exec(select(ChecklistItem).order_by(col(ChecklistItem.id))).all()
    for item in items:
        candidacy = candidacies.get(item.candidacy_id)
        if candidacy is None:
            found.append(
                f"item {item.id} belongs to candidacy {item.candidacy_id}, which does not exist"
            )
            continue
        if item.step_id not in steps_of.get(candidacy.election_id, set()):
            found.append(f"item {item.id}: step {item.step_id!r} is not in its election's profile")
        found.extend(_replay(item, by_item.get(item.id, [])))
    checked = {
        "elections": len(steps_of),
        "members": len(session.exec(select(Member)).all()),
        "accounts": len(accounts),
        "items": len(items),
        "events": len(events),
    }
    return found, checked


def _expect(
    by_subject: dict[str, list[Event]], subject: str, action: str, found: list[str]
) -> None:
    if not any(event.action == action for event in by_subject.get(subject, [])):
        found.append(f"{subject} has no {action} event in the audit trail")


def _replay(item: ChecklistItem, events: list[Event]) -> list[str]:
    """Replay the item's events; the state they lead to must be the state it has."""
    if not events or events[0].action != "item.added":
        return [f"item {item.id} has no item.added event in the audit trail"]
    status, superseded = "open", False
    for event in events:
        after: dict[str, Any] = json.loads(event.after) if event.after else {}
        status = after.get("status", STATUS_AFTER.get(event.action, status))
        if event.action == "item.superseded":
            superseded = True
        elif event.action == "item.restored":
            superseded = False
    found = []
    if status != item.status:
        found.append(f"item {item.id} is {item.status}, but its audit trail ends at {status}")
    if superseded != (item.superseded_at is not None):
        state = "superseded" if item.superseded_at else "current"
        found.append(f"item {item.id} is {state}, but its audit trail says otherwise")
    return found


def doubts(tracker: Tracker) -> list[str]:
    """What was recorded as given but deserves a second look: a filing date on
    a day the clerk's office was closed (it may have opened specially), or
    outside a filing window the law has since moved."""
    from transition.store.queries import candidacies, filing_warnings

    found = []
    for election in tracker.session.exec(select(Election).order_by(col(Election.id))).all():
        try:
            dates = tracker.find.calendar(election)
        except TransitionError:
            continue  # its profile cannot be read: `problems` says so
        for member, candidacy in candidacies(tracker, election):
            for warning in filing_warnings(dates, member.office, candidacy.filing_date):
                found.append(f"{member.name} in {election.name}: {warning}")
    return found


def fingerprint(tracker: Tracker) -> Fingerprint:
    """The record as it stands: its number of events and the head of their chain."""
    count, _, head = chain_head(tracker.session)
    return Fingerprint(count, head)


def verify(tracker: Tracker, wanted: Fingerprint) -> str:
    """Whether the record still holds, unchanged, the record `wanted` pinned:
    its first `wanted.events` events chain as they did. What differs raises."""
    tracker.access.check_reads_all("verify")
    query = select(Event).order_by(col(Event.id)).limit(wanted.events)
    events = tracker.session.exec(query).all()
    broken = first_break(events)
    if broken is not None:
        raise TransitionError(f"the record has changed: {broken}")
    if len(events) < wanted.events:
        raise TransitionError(
            f"the record has changed: it holds {len(events)} events, and the fingerprint "
            f"{wanted} was taken when it held {wanted.events}"
        )
    last = events[-1] if events else None
    head = last.chain if last else GENESIS
    if not head.startswith(wanted.head):
        at = f"event {last.id}" if last else "the empty trail"
        raise TransitionError(
            f"the record has changed: {at} has hash {head[:16]}, the fingerprint says "
            f"{wanted.head}; an earlier event differs from the one the fingerprint pinned"
        )
    now = fingerprint(tracker)
    later = now.events - wanted.events
    since = f"; {later} event(s) were added since" if later else ""
    return f"{wanted} holds: the record still contains it unchanged{since} (now {now})"
