"""The audit trail: what transition says of each change, beside what the
database itself records.

Every change transition makes is described here, in the same transaction as
the change itself: who made it (the actor), what it was in words, and the
fields before and after. The database's triggers (migration 0007) add a row
event for every row any writer changes, and date, number and chain every
event: on PostgreSQL as each is inserted, on SQLite through `seal` as the
transaction ends. The database refuses to update or delete an event, so the
trail only grows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from transition.store.backends import backend_of
from transition.store.errors import ReadOnly
from transition.store.models import ChecklistItem, Event, Member
from transition.store.trail.chain import GENESIS
from transition.store.trail.events import Action, Subject

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

    from transition.store.tracker import Tracker


class Journal:
    """Writes the events of the tracker's transaction.

    The database numbers, dates and chains every event (`transition.store.trail.chain`),
    and its triggers write a row event for every row the transaction changes
    (migration 0007): on PostgreSQL the server does all of it as each event is
    inserted; on SQLite, which has no server, `seal` chains the transaction's
    events just before it commits. What the journal adds is the meaning: who
    the command says made the change, what it was, and a summary in words.

    Events are kept as plain rows and written in one statement after the
    rows they refer to (`write`, at every flush of the session): an import's
    tens of thousands of events then cost a batch, not an object each."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._pending: list[dict[str, Any]] = []
        #: The first id this transaction's events can have (SQLite).
        self._first = 0

    def begin(self) -> None:
        """Tell the database's triggers who this transaction's changes are by,
        before anything changes."""
        connection = self.tracker.session.connection()
        backend = backend_of(connection)
        self._first = backend.begin_trail(connection, self.tracker.actor, self.tracker.recorder)

    def record(
        self,
        action: Action,
        subject: Subject,
        summary: str,
        member: Member | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        item: ChecklistItem | None = None,
    ) -> None:
        """One event: `action` (such as item.done) on `subject` (member 3)."""
        self._pending.append(
            {
                "actor": self.tracker.actor,
                "recorded_by": self.tracker.recorder,
                "action": action,
                "member_id": member.id if member else None,
                "item_id": item.id if item else None,
                "subject": str(subject),
                "summary": summary,
                "before": _json(before),
                "after": _json(after),
            }
        )

    def write(self) -> None:
        """Write the events recorded since the last write. The rows they refer
        to must be written first: the tracker calls this after each flush."""
        if self._pending:
            if not self.tracker.writing:
                raise ReadOnly()
            rows, self._pending = self._pending, []
            connection = self.tracker.session.connection()
            connection.execute(insert(Event).values(at=database_now(connection)), rows)

    def seal(self) -> None:
        """The transaction's last step: on SQLite, chain its events (and any a
        writer around transition left unchained) and clear the context."""
        connection = self.tracker.session.connection()
        backend_of(connection).seal_trail(connection, self._first)

    def item(
        self,
        action: Action,
        item: ChecklistItem,
        member: Member,
        summary: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An event about one checklist item, referring to it."""
        self.record(action, Subject("item", item.id), summary, member, before, after, item)


def database_now(connection: Connection) -> ColumnElement[Any]:
    """The database's clock, as an event's time, so the trail's times never
    depend on which PC wrote them."""
    return backend_of(connection).clock()


def as_moment(value: datetime | str) -> datetime:
    """An event's time as the chain hashes it, from a row read without types."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def restoring(connection: Connection, on: bool) -> None:
    """Set the trail's triggers aside while a restore loads an export's own
    trail as it was (`on`), and put them back (not `on`)."""
    backend_of(connection).restoring(connection, on)


def chained_at_restore(connection: Connection, schema: str, events: int) -> None:
    """An export from before the trail was chained: its events were chained
    at this restore, which the trail must say, since it cannot vouch for them."""
    summary = (
        f"restored from an export of schema {schema}, whose trail had no hash chain: "
        f"its {events} events were chained at this restore, and the trail vouches for "
        "them only from here"
    )
    connection.execute(
        insert(Event).values(
            at=database_now(connection),
            actor="",
            recorded_by="transition restore",
            action=Action.TRAIL_RESTORED,
            subject="record",
            summary=summary,
        )
    )
    backend_of(connection).seal_trail(connection, 0)


def chain_head(session: Session) -> tuple[int, int, str]:
    """How many events there are, the last one's id and its chain, whatever
    rows the user may see (office staff see only their members' events)."""
    head, _ = chain_points(session, ())
    return head


def chain_points(
    session: Session, at: Sequence[int]
) -> tuple[tuple[int, int, str], list[str | None]]:
    """The head (as `chain_head`) and the hash of each event `at` (None for
    one there is not), whatever rows one may see: asked of the database at once."""
    connection = session.connection()
    row = backend_of(connection).chain_head(connection, at)
    if row is None or row[1] is None:
        return (0, 0, GENESIS), [None] * len(at)
    return (int(row[0]), int(row[1]), row[2] or GENESIS), list(row[3:])


def fields(row: object, *names: str) -> dict[str, Any]:
    """The named fields of a row as JSON-ready values: what an event keeps."""
    return {name: _plain(getattr(row, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, before and after."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def now() -> datetime:
    return datetime.now(UTC)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)
