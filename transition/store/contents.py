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
from typing import Any

#: The record's tables, as their rows' events name them.
TABLES = (
    "election",
    "office_override",
    "member",
    "account",
    "candidacy",
    "checklist_item",
    "access_grant",
)
Key = tuple[str, int]


def replay(events: Iterable[Any]) -> dict[Key, str]:
    """What every row holds according to the trail: (table, id) to the JSON
    text of its fields, as its last event wrote it."""
    state: dict[Key, str] = {}
    for event in events:
        if not event.action.startswith("row."):
            continue
        table, _, key = event.subject.partition(" ")
        if event.action == "row.delete":
            state.pop((table, int(key)), None)
        elif event.after is not None:
            state[(table, int(key))] = event.after
    return state


def rows(
    connection: Any, member_id: int | None = None
) -> tuple[dict[Key, dict[str, Any]], dict[str, dict[str, type | None]]]:
    """What every row of the record holds now (one member's, if given), and
    the kind of value each column holds, table by table."""
    from sqlalchemy import MetaData, Table, inspect, select

    present = set(inspect(connection).get_table_names())
    metadata = MetaData()
    found: dict[Key, dict[str, Any]] = {}
    kinds: dict[str, dict[str, type | None]] = {}
    for name in TABLES:
        if name not in present:
            continue  # access_grant is PostgreSQL's alone
        table = Table(name, metadata, autoload_with=connection)
        query = select(table)
        if member_id is not None:
            if name in ("election", "office_override"):
                continue
            if name == "member":
                query = query.where(table.c.id == member_id)
            elif name == "checklist_item":
                candidacy = Table("candidacy", metadata, autoload_with=connection)
                query = query.where(
                    table.c.candidacy_id.in_(
                        select(candidacy.c.id).where(candidacy.c.member_id == member_id)
                    )
                )
            else:
                query = query.where(table.c.member_id == member_id)
        types = kinds[name] = {column.name: _kind(column) for column in table.columns}
        for row in connection.execute(query).mappings():
            found[(name, row["id"])] = {
                column: canonical(value, types[column]) for column, value in row.items()
            }
    return found, kinds


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
            wanted = canonical(want[column], types.get(column)) if column in want else "(absent)"
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


def _kind(column: Any) -> type | None:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return None
    return kind if kind in (bool, date, datetime) else None


def _shown(value: Any) -> str:
    return "empty" if value is None else repr(value)
