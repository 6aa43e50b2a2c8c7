"""The council's shared record on a PostgreSQL server.

An office that outgrows one SQLite file keeps its record on the council's
server instead: `--db postgresql://user@host:port/dbname`. The same Alembic
migrations make the same tables; what differs is kept here.

- Concurrency is the server's. Every writing command takes one transaction-
  level advisory lock before it reads anything, so writers queue as they do
  on SQLite (BEGIN IMMEDIATE) and the audit trail stays one line of events;
  each then reads at READ COMMITTED, seeing every change committed before it.
  Reading commands see one REPEATABLE READ snapshot. A serialization failure
  or deadlock (which the lock should make impossible) is retried.
- Nobody upgrades a shared database by accident: a database at an older
  schema is refused until whoever administers it runs `transition upgrade
  --confirm`, after a pg_dump; upgrades take a lock so two never run at once.
- A connection problem is one line that never shows the password.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from transition.errors import TransitionError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
#: pg_advisory_xact_lock keys: one every writing command takes, one for upgrades.
WRITE_LOCK = 0x7472616E  # "tran"
UPGRADE_LOCK = 0x75706772  # "upgr"
CONNECT_TIMEOUT_S = 10
#: SQLSTATEs that mean "run the whole transaction again".
RETRYABLE = {"40001", "40P01"}


def is_postgres(value: str) -> bool:
    return value.startswith(SCHEMES)


def parse_url(value: str) -> URL:
    """The SQLAlchemy URL for `value`, always with the psycopg 3 driver."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise TransitionError(
            f"{_hide_password(value)} is not a PostgreSQL URL; write "
            "postgresql://USER@HOST:PORT/DATABASE"
        ) from None
    if not url.database:
        raise TransitionError(
            f"{describe(url)} names no database; write postgresql://USER@HOST:PORT/DATABASE"
        )
    return url.set(drivername="postgresql+psycopg")


def describe(url: URL) -> str:
    """The URL as messages show it: never with its password."""
    from sqlalchemy.engine import URL

    shown = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    return shown.render_as_string(hide_password=False)


def engine(url: URL) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    made = create_engine(
        url,
        poolclass=NullPool,  # one command, one connection
        isolation_level="REPEATABLE READ",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "transition"},
    )

    @event.listens_for(made, "begin")
    def _begin(connection):  # type: ignore[no-untyped-def]
        # A writer queues for the record before it reads anything (see above).
        if connection.get_execution_options().get("immediate", False):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return made


def writer(made: Engine) -> Engine:
    return made.execution_options(immediate=True, isolation_level="READ COMMITTED")


def lock_for_upgrade(connection: Connection) -> None:
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")


def revision(connection: Connection, where: str) -> str | None:
    """The database's schema revision; None for a database with no tables.
    A database that holds other tables but no revision is not ours."""
    from sqlalchemy import inspect

    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        if tables:
            raise TransitionError(
                f"{where} holds tables of another application, not transition's; "
                "choose another database"
            )
        return None
    row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise TransitionError(f"{where} has an empty schema record, so it is not transition's")
    return row[0]


def is_retryable(error: BaseException) -> bool:
    return getattr(getattr(error, "orig", error), "sqlstate", None) in RETRYABLE


def database_error(error: BaseException, url: URL) -> TransitionError:
    """What a PostgreSQL failure means for the user, in one line; never the password."""
    original = getattr(error, "orig", None) or error
    state = getattr(original, "sqlstate", None) or ""
    detail = _hide_password(" ".join(str(original).split()), url.password)
    text = detail.lower()
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    user = url.username or "(your login)"
    if "password authentication failed" in text:
        what = f"the server at {where} refused the password for user {user}; check it"
    elif "no password supplied" in text:
        what = (
            f"the server at {where} wants a password for user {user}: give it in the URL, "
            "PGPASSWORD or ~/.pgpass"
        )
    elif f'database "{(url.database or "").lower()}" does not exist' in text:
        what = (
            f"there is no database {url.database} on the server at {where}; "
            "ask its administrator to create it, or check the URL"
        )
    elif "role" in text and "does not exist" in text:
        what = f"there is no user {user} on the server at {where}; check the URL"
    elif "timeout expired" in text or "timed out" in text:
        what = f"the server at {where} did not answer within {CONNECT_TIMEOUT_S} s; try again"
    elif (
        "connection refused" in text
        or "could not connect" in text
        or ("connection to server" in text and "failed" in text)
    ):
        what = (
            f"cannot reach the PostgreSQL server at {where}: is it running, "
            "and is the address right?"
        )
    elif state == "42501" or "permission denied" in text or "must be owner" in text:
        first = detail.split(" DETAIL:")[0]
        what = f"the server refused user {user}: {first}; ask the database's administrator"
    else:
        what = f"the database {describe(url)} reported: {detail}"
    return TransitionError(f"{what} (nothing was changed)")


def _hide_password(text: str, password: str | None = None) -> str:
    text = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)
    if password:
        text = text.replace(password, "***")
    return text


def driver_errors() -> tuple[type[BaseException], ...]:
    """The errors a PostgreSQL connection can raise outside SQLAlchemy's own."""
    import psycopg

    return (psycopg.Error,)


def connection_info(made: Engine) -> dict[str, Any]:
    """Who and where, as the server sees the connection (for messages and logs)."""
    with made.connect() as connection:
        row = connection.exec_driver_sql("SELECT current_user, current_database()").one()
    return {"user": row[0], "database": row[1]}
