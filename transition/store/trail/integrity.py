"""`transition check`: is the database whole, and does it agree with itself?

SQLite's own integrity and foreign-key checks come first; then the tool's:
every checklist item belongs to a candidacy and to a step of its election's
profile, the audit trail accounts for every record and for every item's
present state, and every field of every row is what the trail's row events
replay to (`transition.store.trail.contents`), so nothing changed without leaving
an event, whoever changed it and however.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from transition.core.terms import ItemStatus
from transition.errors import TransitionError
from transition.store.backends import backend_of
from transition.store.errors import Refused, Remedy
from transition.store.models import Account, Candidacy, ChecklistItem, Election, Event, Member
from transition.store.tracker import Tracker
from transition.store.trail import anchors, contents
from transition.store.trail.chain import GENESIS, Fingerprint, first_break
from transition.store.trail.events import Action, Subject, by_the_database
from transition.store.trail.journal import chain_head

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: The status each kind of item event leaves behind.
STATUS_AFTER = {
    Action.ITEM_ADDED: ItemStatus.OPEN,
    Action.ITEM_DONE: ItemStatus.DONE,
    Action.ITEM_REOPENED: ItemStatus.OPEN,
    Action.ITEM_WAIVED: ItemStatus.WAIVED,
}


def problems(tracker: Tracker) -> tuple[list[str], dict[str, int]]:
    """Every problem found, and how many of each thing were checked. What is
    doubtful but may be right is in `doubts`."""
    tracker.access.check_reads_all("check")
    session = tracker.session
    connection = session.connection()
    found, lacking_tables = backend_of(connection).integrity_problems(connection)
    if lacking_tables:
        return found, {}  # the tool's own checks need every table

    events = session.exec(select(Event).order_by(col(Event.id))).all()
    broken = first_break(events[: len(events) - len(_awaiting_chain(events))])
    if broken is not None:
        found.append(f"audit trail: {broken}; the trail was changed outside transition")
    found.extend(contents_problems(connection, events))
    _, unseen = anchors.look(session, tracker.where)
    if unseen:
        found.append(f"this machine's anchor: {unseen}")
    by_subject: dict[str, list[Event]] = defaultdict(list)
    by_item: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if _is_row_event(event):
            continue  # replayed above, field by field
        by_subject[event.subject].append(event)
        if event.item_id is not None:
            by_item[event.item_id].append(event)

    steps_of: dict[int, set[str]] = {}
    for election in session.exec(select(Election)).all():
        assert election.id is not None  # a stored election
        try:
            steps_of[election.id] = {step.id for step in tracker.find.profile(election).steps}
        except TransitionError as error:
            found.append(f"election {election.name}: its profile cannot be read ({error})")
            steps_of[election.id] = set()
        _expect(by_subject, Subject("election", election.id), Action.ELECTION_ADDED, found)
    for member in session.exec(select(Member)).all():
        _expect(by_subject, Subject("member", member.id), Action.MEMBER_ADDED, found)
    accounts = session.exec(select(Account)).all()
    for account in accounts:
        _expect(by_subject, Subject("account", account.id), Action.ACCOUNT_ADDED, found)

    candidacies = {c.id: c for c in session.exec(select(Candidacy)).all()}
    items = session.exec(select(ChecklistItem).order_by(col(ChecklistItem.id))).all()
    for item in items:
        assert item.id is not None  # a stored item
        candidacy = candidacies.get(item.candidacy_id)
        if candidacy is None:
            found.append(
                f"item {item.id} belongs to candidacy {item.candidacy_id}, which does not exist"
            )
            continue
        if item.step_id not in steps_of.get(candidacy.election_id, set()):
            found.append(f"item {item.id}: step {item.step_id!r} is not in its election's profile")
        found.extend(replay_item(item, by_item.get(item.id, [])))
    from transition.store.attachments import file_problems

    wrong_files, files = file_problems(tracker)
    found.extend(wrong_files)
    checked = {
        "elections": len(steps_of),
        "members": len(session.exec(select(Member)).all()),
        "accounts": len(accounts),
        "items": len(items),
        "files": files,
        "events": len(events),
    }
    return found, checked


def contents_problems(
    connection: Connection, events: Sequence[Event], member_id: int | None = None
) -> list[str]:
    """Each row (of one member, if given) whose fields differ from what the
    trail's row events replay to."""
    actual, kinds = contents.rows(connection, member_id)
    if member_id is not None:
        events = [event for event in events if event.member_id == member_id]
    expected = contents.replay(events)
    return [
        f"{line}: changed without an event"
        for line in contents.differences(expected, actual, kinds)
    ]


def _awaiting_chain(events: Sequence[Event]) -> list[Event]:
    """The row events at the end of a SQLite trail that its triggers wrote for
    a writer around transition: chained at transition's next change, and
    named by `doubts` until then, not a break in the chain."""
    waiting: list[Event] = []
    for event in reversed(events):
        if event.chain is not None or not _is_row_event(event) or event.actor:
            break
        waiting.append(event)
    return waiting


def _is_row_event(event: Event) -> bool:
    return by_the_database(event.action)


def _expect(
    by_subject: dict[str, list[Event]], subject: Subject, action: Action, found: list[str]
) -> None:
    if not any(event.action == action for event in by_subject.get(str(subject), [])):
        found.append(f"{subject} has no {action} event in the audit trail")


def replay_item(item: Any, events: list[Any]) -> list[str]:
    """Replay the item's events; the state they lead to must be the state it has."""
    if not events or events[0].action != Action.ITEM_ADDED:
        return [f"item {item.id} has no item.added event in the audit trail"]
    status, superseded = ItemStatus.OPEN, False
    for event in events:
        after: dict[str, Any] = json.loads(event.after) if event.after else {}
        status = after.get("status", STATUS_AFTER.get(event.action, status))
        if event.action == Action.ITEM_SUPERSEDED:
            superseded = True
        elif event.action == Action.ITEM_RESTORED:
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
    from transition.store.listings import candidacies, filing_warnings, outside_summary

    found = []
    outside = select(Event).where(
        col(Event.action).in_((Action.ROW_INSERT, Action.ROW_UPDATE, Action.ROW_DELETE))
    )
    for event in tracker.session.exec(outside.where(Event.actor == "").order_by(col(Event.id))):
        who = f"by {event.recorded_by}" if event.recorded_by else "by a writer with the file"
        found.append(f"event {event.id}: {outside_summary(event)} ({who})")
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
    """The record as it stands: its number of events, the head of their chain,
    and (for whoever reads the whole record) the digest of its contents as
    the trail replays them. Taken once a transaction: a sheet per member
    of the whole council prints the same one."""
    taken: Fingerprint | None = tracker.__dict__.get("_fingerprint")
    if taken is not None:
        return taken
    count, _, head = chain_head(tracker.session)
    if tracker.access.reads_all:
        taken = Fingerprint(count, head, contents.digest(_replayed(tracker, count)))
    else:
        taken = Fingerprint(count, head)
    tracker.__dict__["_fingerprint"] = taken
    return taken


def _replayed(tracker: Tracker, count: int) -> dict[tuple[str, int], str]:
    """The contents the first `count` events replay to, read as plain rows
    (a province's trail is a hundred thousand events)."""
    query = (
        select(Event.action, Event.subject, Event.after)
        .where(col(Event.id) <= count)
        .where(col(Event.action).startswith("row."))
        .order_by(col(Event.id))
    )
    return contents.replay(tracker.session.connection().execute(query))


def vouched_for(tracker: Tracker, member: Member) -> None:
    """Refuse to print a member's record where its rows are not what the trail
    says: a sheet must not carry facts changed without an event."""
    events = tracker.session.exec(
        select(Event).where(Event.member_id == member.id).order_by(col(Event.id))
    ).all()
    waiting = [event for event in events if event.chain is None]
    if waiting:
        raise Refused(
            f"{member.name}'s record was changed outside transition (event {waiting[0].id}), "
            "and the trail has not chained that change yet, so no fingerprint could pin "
            "it; the next change made through transition chains it, and the sheet can "
            "be printed then",
            Remedy.CHECK,
        )
    unexplained = contents_problems(tracker.session.connection(), list(events), member.id)
    if unexplained:
        raise Refused(
            f"{member.name}'s record was changed without an event ({unexplained[0]}); "
            "a sheet would print what the trail does not vouch for",
            Remedy.CHECK,
        )


def verify(tracker: Tracker, wanted: Fingerprint, member: Member | None = None) -> str:
    """Whether the record still holds, unchanged, the record `wanted` pinned:
    its first `wanted.events` events chain as they did, its rows are what the
    trail says, and (for a sign-off sheet, which names its member) none of
    the member's rows changed since. What differs raises."""
    tracker.access.check_reads_all("verify")
    events = tracker.session.exec(select(Event).order_by(col(Event.id))).all()
    pinned = events[: wanted.events]
    broken = first_break(pinned)
    if broken is not None:
        raise TransitionError(f"the record has changed: {broken}")
    if len(pinned) < wanted.events:
        raise TransitionError(
            f"the record has changed: it holds {len(pinned)} events, and the fingerprint "
            f"{wanted} was taken when it held {wanted.events}"
        )
    last = pinned[-1] if pinned else None
    # first_break refused an event without a hash: the last one has one.
    head = last.chain if last and last.chain else GENESIS
    if not head.startswith(wanted.head):
        at = f"event {last.id}" if last else "the empty trail"
        raise TransitionError(
            f"the record has changed: {at} has hash {head[:16]}, the fingerprint says "
            f"{wanted.head}; an earlier event differs from the one the fingerprint pinned"
        )
    if wanted.contents and not contents.digest(contents.replay(pinned)).startswith(wanted.contents):
        raise TransitionError(
            f"the record has changed: its contents at event {wanted.events} are not those "
            f"the fingerprint {wanted} pinned"
        )
    unexplained = contents_problems(tracker.session.connection(), events)
    if unexplained:
        more = (
            f" (and {len(unexplained) - 1} more; `transition check` lists them)"
            if len(unexplained) > 1
            else ""
        )
        raise TransitionError(f"the record has changed: {unexplained[0]}{more}")
    outside = [
        event for event in events[wanted.events :] if _is_row_event(event) and not event.actor
    ]
    if outside:
        from transition.store.listings import outside_summary

        raise TransitionError(
            f"the record has changed since the fingerprint {wanted}: "
            f"{outside_summary(outside[0])} (event {outside[0].id}"
            + (f", and {len(outside) - 1} more" if len(outside) > 1 else "")
            + ")"
        )
    if member is not None:
        since = [
            event
            for event in events[wanted.events :]
            if _is_row_event(event) and event.member_id == member.id
        ]
        if since:
            first = since[0]
            raise TransitionError(
                f"the record has changed since the fingerprint {wanted}: {len(since)} change(s) "
                f"to {member.name}'s record, the first {first.summary} (event {first.id}, by "
                f"{first.recorded_by or 'a writer outside transition'}); print a new sheet"
            )
    now = fingerprint(tracker)
    later = now.events - wanted.events
    since_text = f"; {later} event(s) were added since" if later else ""
    whose = f" for {member.name}" if member is not None else ""
    return f"{wanted} holds{whose}: the record still contains it unchanged{since_text} (now {now})"
