"""Loading a whole record, exported by `transition export`, into an empty database.

An office moves its record between stores (a SQLite file, the council's
PostgreSQL server) with `export` then `restore`: elections with the profiles
they were kept under, members, accounts, candidacies, checklist items with
their ids, dates the law changed for an office, and the audit trail exactly
as it was (who, when, what). Exporting the restored database gives the same
file byte for byte.

The export names the schema it was written at. The rows go into a database
at that schema, and the migrations then bring it to the current one, as they
would have brought the old database itself; so an export made by an earlier
release restores too. Everything happens in one transaction: a refused or
failed restore leaves nothing behind.

What it loads is checked as the commands check what people type
(`transition.store.transfer.vetting`): keys, values, references, the trail's chain
recomputed, and the rows against the trail's row events. The database's
triggers that write, number and chain events are set aside for the load
alone (`transition.restoring` on PostgreSQL, `transition_context` on SQLite),
by the owner: the trail goes in as it was. An export made before the trail
had a chain gets an event saying where the chain begins.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transition.errors import TransitionError
from transition.store import migrations
from transition.store.backends import Location, Mode, backend_for, backend_of, database_errors
from transition.store.errors import Refused, Remedy
from transition.store.trail import journal
from transition.store.transfer import vetting

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection

#: The export's tables: its key and the database table, in the order rows go
#: in (each after the rows it refers to).
TABLES = (
    ("elections", "election"),
    ("members", "member"),
    ("accounts", "account"),
    ("candidacies", "candidacy"),
    ("checklist", "checklist_item"),
    ("overrides", "office_override"),
    ("evidence", "evidence_file"),
    ("attachments", "attachment"),
    ("events", "event"),
)
FORMAT = "transition-export"
#: Larger than the record of any council (a 3,000-member province exports
#: about 60 MB); a bigger file is not an export.
MAX_EXPORT_BYTES = 1 << 30


def read_export(path: Path) -> dict[str, Any]:
    """The export's content, refused with the reason if it is not one."""
    try:
        if not path.is_file():
            raise TransitionError(f"{path} is not a file; give an export written by `export`")
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise TransitionError(f"{path} is larger than any export (1 GB); check the file")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TransitionError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise TransitionError(f"{path} is not a transition export (not JSON: {error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Refused(
            f'{path} is not a transition export (it has no "format": "{FORMAT}")', Remedy.EXPORT
        )
    schema = data.get("schema")
    if schema not in migrations.REVISIONS:
        raise TransitionError(
            f"{path} is an export of schema {schema!r}, which this transition cannot read "
            f"(it knows {', '.join(migrations.REVISIONS)}); restore it with a newer transition"
        )
    return data


def restore(location: Location, path: Path) -> dict[str, int]:
    """Restore the export at `path` into the empty database at `location`."""
    data = read_export(path)
    vetting.check_export(data, TABLES)
    where = str(location)
    counts: dict[str, int] = {}
    backend = backend_for(location)
    try:
        return _restore(location, data, where, counts)
    except database_errors(backend) as error:
        raise backend.error(error, location) from None


def _restore(
    location: Location, data: dict[str, Any], where: str, counts: dict[str, int]
) -> dict[str, int]:
    def build(connection: Connection) -> None:
        counts.update(load(connection, data, where))

    backend = backend_for(location)
    if backend.create_for_restore(location, build):
        return counts
    engine = backend.open(location, Mode.RESTORE)
    try:
        with engine.connect() as connection:  # before the write lock, which strangers lack
            _refuse_a_record(connection, where)
        with backend.writer(engine).connect() as connection, connection.begin():
            backend.lock_for_restore(connection)
            build(connection)
    finally:
        engine.dispose()
    return counts


def load(connection: Connection, data: dict[str, Any], where: str) -> dict[str, int]:
    """Put the export's rows into the empty database on `connection` (inside
    the caller's transaction), then migrate it to the current schema. The
    number of rows of each table."""
    from sqlalchemy import MetaData

    schema = data["schema"]
    _refuse_a_record(connection, where)
    _migrate_to(connection, schema)
    if _at_least(schema, "0007_content_trail"):
        journal.restoring(connection, True)
    metadata = MetaData()
    metadata.reflect(connection)
    counts = {}
    for key, name in TABLES:
        table = metadata.tables.get(name)
        if table is None:  # a table later schemas added
            if data.get(key):
                raise TransitionError(f"the export of schema {schema} has {key}, which it cannot")
            continue
        rows = _rows(data, key, table, schema)
        for start in range(0, len(rows), 5000):
            connection.execute(table.insert(), rows[start : start + 5000])
        counts[key] = len(rows)
    backend_of(connection).after_load(
        connection, [metadata.tables[name] for _, name in TABLES if name in metadata.tables]
    )
    vetting.check_loaded(connection, lambda revision: _at_least(schema, revision))
    if _at_least(schema, "0007_content_trail"):
        journal.restoring(connection, False)
    migrations.migrate(connection)
    if not _at_least(schema, "0004_audit_chain") and counts.get("events"):
        journal.chained_at_restore(connection, schema, counts["events"])
    return counts


def _at_least(schema: str, revision: str) -> bool:
    return migrations.at_least(schema, revision)


def _refuse_a_record(connection: Connection, where: str) -> None:
    """Only an empty database takes a restore: one with no tables, or with
    transition's tables and not one row in them."""
    from sqlalchemy import inspect

    tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    held = backend_of(connection).holds_record(connection)
    if held is None:
        held = any(
            name in tables and connection.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first()
            for _, name in TABLES
        )
    if held:
        raise TransitionError(
            f"{where} already holds a record; restore into an empty database "
            "(a new file, or a new PostgreSQL database)"
        )
    others = (
        tables
        - {name for _, name in TABLES}
        - {
            "access_grant",
            "event_head",
            "transition_context",
        }
    )
    if others:
        raise TransitionError(f"{where} holds tables of another application; choose another")


def _migrate_to(connection: Connection, schema: str) -> None:
    """Bring the empty database to the export's schema: up, or (its tables
    holding nothing) down."""
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None or migrations.REVISIONS.index(current) <= migrations.REVISIONS.index(schema):
        migrations.migrate(connection, schema)
        return
    if (
        "access_grant" in inspect(connection).get_table_names()
        and connection.exec_driver_sql("SELECT 1 FROM access_grant LIMIT 1").first()
    ):
        raise TransitionError(
            f"this export is of schema {schema}, older than the database's, which would lose "
            "its access grants: restore into a database without grants, then grant access"
        )
    migrations.downgrade(connection, schema)


def _rows(data: dict[str, Any], key: str, table: Table, schema: str) -> list[dict[str, Any]]:
    rows = data.get(key)
    if not isinstance(rows, list):
        raise TransitionError(
            f"the export has no {key!r}, so it is not a complete export of schema {schema}"
        )
    columns = {column.name: column for column in table.columns}
    converted = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != set(columns):
            found = sorted(row) if isinstance(row, dict) else type(row).__name__
            raise TransitionError(
                f"row {number} of {key!r} does not have the columns of schema {schema} "
                f"({', '.join(sorted(columns))}; found {found}): not a complete export"
            )
        converted.append({name: _value(columns[name], row[name], key, number) for name in row})
    return converted


def _value(column: Column[Any], value: Any, key: str, number: int) -> Any:
    """A JSON value as the column takes it: dates and times from ISO text."""
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
        if kind is bytes:
            return base64.b64decode(value, validate=True)
    except (TypeError, ValueError, binascii.Error):
        raise TransitionError(
            f"row {number} of {key!r}: {column.name} {_shown(value)} is not "
            f"{'base64' if kind is bytes else 'a date'}; "
            "not a transition export"
        ) from None
    return value


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
