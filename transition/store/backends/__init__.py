"""The databases a record can live in: a SQLite file, or a PostgreSQL
database a council shares.

`locate` reads where the record is (`--db`, else TRANSITION_DB, else a file
in the user's data folder); `backend_for` gives the backend that keeps it,
and `backend_of` the one behind an open connection. These are the only
places that ask which database it is.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from transition.store.backends.base import Backend, Location, Mode

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

__all__ = [
    "Backend",
    "Location",
    "Mode",
    "backend_for",
    "backend_of",
    "database_errors",
    "locate",
    "prepare",
]


def locate(option: str | None) -> Location:
    """`--db`, else TRANSITION_DB, else the file in the user's data folder."""
    from transition.store.backends import postgres, sqlite

    value = option or os.environ.get("TRANSITION_DB")
    if value and postgres.is_postgres(value):
        return Location(url=postgres.parse_url(value))
    return Location(path=sqlite.database_path(value), default=not value)


def prepare(location: Location, mode: Mode) -> None:
    """Begin what opening the record for `mode` can do before the command
    loads its libraries: for a write to a SQLite file, the quick check of
    its pages (`sqlite.check_ahead`)."""
    if location.path is not None and mode.writes:
        from transition.store.backends.sqlite import check_ahead

        check_ahead(location.path)


def backend_for(location: Location) -> Backend:
    """The backend that keeps the record at `location`."""
    return _backend("postgresql" if location.url is not None else "sqlite")


def backend_of(connection: Connection | Session) -> Backend:
    """The backend behind an open connection (or session)."""
    from sqlalchemy.orm import Session

    if isinstance(connection, Session):
        connection = connection.connection()
    return _backend(connection.dialect.name)


def database_errors(backend: Backend) -> tuple[type[BaseException], ...]:
    """What a failing database raises through `backend`: SQLAlchemy's errors
    from the driver, and the driver's own."""
    from sqlalchemy.exc import DBAPIError

    return (DBAPIError, *backend.errors())


def _backend(name: str) -> Backend:
    if name == "postgresql":
        from transition.store.backends.postgres import BACKEND

        return BACKEND
    from transition.store.backends.sqlite import BACKEND as SQLITE

    return SQLITE
