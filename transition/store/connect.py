"""Where the record is, and opening it: a SQLite file or a PostgreSQL database.

`--db` (else TRANSITION_DB, else a file in the user's data folder) names
either a file (or sqlite:///PATH) or a PostgreSQL URL. Every command opens
the record through `open_record`, which refuses what is not a current
`transition` database in one line and leaves it as it was; the SQLite side
is `transition.store.database`, the PostgreSQL side `transition.store.postgres`.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from transition.errors import TransitionError
from transition.store import database, postgres

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

HEAD = database.HEAD
REVISIONS = database.REVISIONS


@dataclass(frozen=True)
class Location:
    """A SQLite file (`path`) or a PostgreSQL database (`url`)."""

    path: Path | None = None
    url: URL | None = None
    #: The user named no database: the file in their data folder.
    default: bool = False

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    def __str__(self) -> str:
        return postgres.describe(self.url) if self.url is not None else str(self.path)


def locate(option: str | None) -> Location:
    """`--db`, else TRANSITION_DB, else the file in the user's data folder."""
    value = option or os.environ.get("TRANSITION_DB")
    if value and postgres.is_postgres(value):
        return Location(url=postgres.parse_url(value))
    return Location(path=database.database_path(value), default=not value)


def open_record(
    location: Location,
    *,
    create: bool = True,
    upgrade: bool = False,
    write: bool = False,
    whole: bool = True,
) -> Engine:
    """An engine on a current `transition` database.

    A SQLite file is created if missing and upgraded (after a backup) if old.
    A PostgreSQL database is given its tables only when `create` (what
    `transition init` asks) and upgraded only when `upgrade` (what `transition
    upgrade --confirm` asks): it is shared, and its administrator decides.
    """
    if location.path is not None:
        try:
            return database.open_database(
                location.path, default_location=location.default, write=write, whole=whole
            )
        except sqlite3.Error as error:
            raise database.database_error(error, location.path) from None
    return _open_postgres(location.url, create=create, upgrade=upgrade)  # type: ignore[arg-type]


def _open_postgres(url: URL, *, create: bool, upgrade: bool) -> Engine:
    made = postgres.engine(url)
    where = postgres.describe(url)
    try:
        with made.connect() as connection:
            revision = postgres.revision(connection, where)
        database.check_known(revision, where)
        if revision != HEAD:
            _prepare(made, url, revision, create=create, upgrade=upgrade)
    except BaseException as error:
        made.dispose()
        if isinstance(error, TransitionError):
            raise
        raise record_error(error, Location(url=url)) from None
    return made


def _prepare(made: Engine, url: URL, revision: str | None, *, create: bool, upgrade: bool) -> None:
    """Create or upgrade the schema, under the upgrade lock, if the user asked."""
    where = postgres.describe(url)
    if revision is None and not create:
        raise TransitionError(
            f"{where} has no transition tables yet; whoever administers it runs "
            f"`transition init --db {where}` to create them"
        )
    if revision is not None and not upgrade:
        raise TransitionError(
            f"{where} is at schema {revision} and this transition needs {HEAD}; whoever "
            f"administers the database takes a backup (pg_dump) and runs "
            f"`transition upgrade --confirm --db {where}`"
        )
    # READ COMMITTED: once the lock is ours, see what an upgrade before us did.
    committed = made.execution_options(isolation_level="READ COMMITTED")
    with committed.connect() as connection, connection.begin():
        postgres.lock_for_upgrade(connection)
        if postgres.revision(connection, where) != HEAD:  # again, now that we hold the lock
            database.migrate(connection)


def schema_revision(location: Location) -> str | None:
    """The record's schema revision; None where there is no database or no
    tables yet. Refuses (as opening does) what is not a `transition` database."""
    if location.path is not None:
        if not location.path.exists():
            return None
        database.check_file(location.path)
        return database.read_revision(location.path)
    made = postgres.engine(location.url)  # type: ignore[arg-type]
    try:
        with made.connect() as connection:
            return postgres.revision(connection, str(location))
    except TransitionError:
        raise
    except Exception as error:
        raise record_error(error, location) from None
    finally:
        made.dispose()


def writer(engine: Engine) -> Engine:
    """The same engine, with transactions that queue for the write lock first."""
    if engine.dialect.name == "postgresql":
        return postgres.writer(engine)
    return database.writer(engine)


def record_error(error: BaseException, location: Location) -> TransitionError:
    """A database failure as one line for the user; nothing was changed."""
    if location.url is not None:
        return postgres.database_error(error, location.url)
    return database.database_error(error, location.path)  # type: ignore[arg-type]


def is_retryable(error: BaseException, location: Location) -> bool:
    return location.is_postgres and postgres.is_retryable(error)
