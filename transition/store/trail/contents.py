"""The record's contents, replayed from the trail and compared with its rows.

Since migration 0007 the database writes a row event for every row any
writer changes, with the whole row after the change (`row.insert`,
`row.update`, `row.baseline`) or before it (`row.delete`). Replaying those
events in order gives what every row should hold; a row that holds anything
else was changed with its triggers set aside, which only the tables' owner
(PostgreSQL) or someone editing the file (SQLite) can do. `transition check`
names each such row and field, and `verify` refuses a fingerprint over them.

The replayed state has a digest a third party can recompute from an export:
for each row the trail says exists, its last row event's `after` text exactly
as stored; SHA-256 of the JSON array of `[table, id, text]` triples sorted by
table then id, written with compact separators (`,` and `:`), non-ASCII
characters as themselves, in UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from transition.store.backends import backend_of
from transition.store.trail.events import Action, Subject, is_row_event

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection

#: The record's tables, as their rows' events name them.
TABLES = (
    "election",
    "office_override",
    "member",
    "account",
    "candidacy",
    "checklist_item",
    "evidence_file",
    "attachment",
    "access_grant",
)
#: Columns the trail covers through another (a file's bytes, by its SHA-256).
UNTRAILED = {"evidence_file": ("content",)}
Key = tuple[str, int]


def replay(events: Iterable[Any]) -> dict[Key, str]:
    """What every row holds according to the trail: (table, id) to the JSON
    text of its fields, as its last event wrote it."""
    state: dict[Key, str] = {}
    for event in events:
        if not is_row_event(event.action):
            continue
        subject = Subject.parse(event.subject)
        key = (subject.kind, int(subject.key or 0))
        if event.action == Action.ROW_DELETE:
            state.pop(key, None)
        elif event.after is not None:
            state[key] = event.after
    return state


def rows(
    connection: Connection, member_id: int | None = None
) -> tuple[dict[Key, dict[str, Any]], dict[str, dict[str, type | None]]]:
    """What every row of the record holds now (one member's, if given), and
    the kind of value each column holds, table by table."""
    from sqlalchemy import select

    found: dict[Key, dict[str, Any]] = {}
    kinds: dict[str, dict[str, type | None]] = {}
    tables = record_tables(backend_of(connection).has_roles)
    candidacy = tables["candidacy"]
    for name, table in tables.items():
        left_out = UNTRAILED.get(name, ())
        query = select(*(column for column in table.columns if column.name not in left_out))
        if member_id is not None:
            if name in ("election", "office_override"):
                continue
            if name == "member":
                query = query.where(table.c.id == member_id)
            elif name == "checklist_item":
                mine = select(candidacy.c.id).where(candidacy.c.member_id == member_id)
                query = query.where(table.c.candidacy_id.in_(mine))
            else:
                query = query.where(table.c.member_id == member_id)
        types = kinds[name] = {
            column.name: _kind(column) for column in table.columns if column.name not in left_out
        }
        for row in connection.execute(query).mappings():
            found[(name, row["id"])] = {
                column: canonical(value, types[column]) for column, value in row.items()
            }
    return found, kinds


def record_tables(postgresql: bool) -> dict[str, Table]:
    """The record's tables as the models declare them, and on PostgreSQL the
    grants (migration 0005 makes that table; no model maps it)."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table
    from sqlmodel import SQLModel

    import transition.store.models  # noqa: F401  (declares the tables)

    tables = {name: SQLModel.metadata.tables[name] for name in TABLES[:-1]}
    if postgresql:
        tables["access_grant"] = Table(
            "access_grant",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("role_name", String),
            Column("kind", String),
            Column("member_id", Integer),
            Column("granted_at", DateTime(timezone=True)),
            Column("granted_by", String),
        )
    return tables


def differences(
    expected: dict[Key, str],
    actual: dict[Key, dict[str, Any]],
    kinds: dict[str, dict[str, type | None]],
) -> list[str]:
    """Every row whose contents the trail does not explain, in words."""
    found = []
    for key in sorted(set(expected) | set(actual)):
        table, row_id = key
        if key not in expected:
            found.append(f"{table} {row_id} is in the record but not in the audit trail")
            continue
        if key not in actual:
            found.append(f"{table} {row_id} is in the audit trail but was deleted without an event")
            continue
        have, want = actual[key], json.loads(expected[key])
        types = kinds.get(table, {})
        for column in sorted(set(have) | set(want)):
            # A column a later revision added is empty in the events before it.
            wanted = canonical(want[column], types.get(column)) if column in want else None
            if have.get(column, "(absent)") != wanted:
                found.append(
                    f"{table} {row_id}: {column} is {_shown(have.get(column, '(absent)'))}, "
                    f"but the audit trail says {_shown(wanted)}"
                )
    return found


def digest(state: dict[Key, str]) -> str:
    """The replayed state's SHA-256 (the encoding is in this module's docstring)."""
    triples = [[table, row_id, text] for (table, row_id), text in sorted(state.items())]
    encoded = json.dumps(triples, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def canonical(value: Any, kind: type | None) -> Any:
    """A row's value as the comparison and the digest see it, whichever store
    wrote it: SQLite's 0/1 and naive UTC text, PostgreSQL's JSON times."""
    if value is None or kind is None:
        return value
    if kind is bool:
        return bool(value)
    if kind is datetime:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    if kind is date:
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    return value


def _kind(column: Column[Any]) -> type | None:
    """The Python kind of a column's values where stores write it differently."""
    from sqlalchemy import Boolean, Date, DateTime

    kind = getattr(column.type, "impl_instance", column.type)
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, DateTime):
        return datetime
    if isinstance(kind, Date):
        return date
    return None


def _shown(value: Any) -> str:
    """A value as a finding shows it: a long text (an election's rules) cut short."""
    if value is None:
        return "empty"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
