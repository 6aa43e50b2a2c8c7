"""The audit trail: the one place that writes events.

Every change on the record is written here, in the same transaction as the
change itself: who made it (the actor), when (UTC, shown in Toronto time),
what it was, and the fields before and after. The database refuses to
update or delete an event (triggers made by the migrations), so the trail
only grows.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from transition.store.chain import GENESIS, event_hash
from transition.store.models import ChecklistItem, Event, Member

if TYPE_CHECKING:
    from transition.store.tracker import Tracker


class Journal:
    """Writes the events of the tracker's transaction, each linked to the one
    before it (`transition.store.chain`). Writers hold the write lock, so the
    head read here is still the head when the transaction commits.

    Events are kept as plain rows and written in one statement after the
    rows they refer to (`write`, at every flush of the session): an import's
    tens of thousands of events then cost a batch, not an object each."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._head: tuple[int, str] | None = None
        self._pending: list[dict[str, Any]] = []

    def record(
        self,
        action: str,
        subject: str,
        summary: str,
        member: Member | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        item: ChecklistItem | None = None,
    ) -> None:
        """One event: `action` (such as "item.done") on `subject` ("member 3")."""
        last_id, previous = self.head()
        event = SimpleNamespace(
            id=last_id + 1,
            at=now(),
            actor=self.tracker.actor,
            recorded_by=self.tracker.recorder,
            action=action,
            member_id=member.id if member else None,
            item_id=item.id if item else None,
            subject=subject,
            summary=summary,
            before=_json(before),
            after=_json(after),
        )
        event.chain = event_hash(previous, event)
        self._pending.append(vars(event))
        self._head = (event.id, event.chain)

    def write(self) -> None:
        """Write the events recorded since the last write. The rows they refer
        to must be written first: the tracker calls this after each flush."""
        if self._pending:
            rows, self._pending = self._pending, []
            self.tracker.session.connection().execute(insert(Event), rows)

    def head(self) -> tuple[int, str]:
        """The last event's id and chain: where the next event links."""
        if self._head is None:
            _, last_id, chain = chain_head(self.tracker.session)
            self._head = (last_id, chain)
        return self._head

    def item(
        self,
        action: str,
        item: ChecklistItem,
        member: Member,
        summary: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An event about one checklist item, referring to it."""
        self.record(action, f"item {item.id}", summary, member, before, after, item)


def chain_head(session: Any) -> tuple[int, int, str]:
    """How many events there are, the last one's id and its chain. On
    PostgreSQL through a function that sees the whole trail, since office
    staff see only their members' events."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        row = connection.exec_driver_sql("SELECT * FROM transition_chain_head()").first()
    else:
        row = connection.exec_driver_sql(
            "SELECT (SELECT count(*) FROM event), id, chain FROM event ORDER BY id DESC LIMIT 1"
        ).first()
    if row is None or row[1] is None:
        return 0, 0, GENESIS
    return int(row[0]), int(row[1]), row[2] or GENESIS


def fields(row: Any, *names: str) -> dict[str, Any]:
    """The named fields of a row as JSON-ready values: what an event keeps."""
    return {name: _plain(getattr(row, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, before and after."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def now() -> datetime:
    return datetime.now(UTC)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)
