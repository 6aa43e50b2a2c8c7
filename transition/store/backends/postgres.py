"""The council's shared record on a PostgreSQL server.

An office that outgrows one SQLite file keeps its record on the council's
server instead: `--db postgresql://user@host:port/dbname`. The same Alembic
migrations make the same tables; what differs is kept here.

- Concurrency is the server's. Every writing command takes the lock of the
  trail's head (`transition_write_lock()`, migration 0007) before it reads
  anything, so writers queue as they do on SQLite (BEGIN IMMEDIATE) and the
  audit trail stays one line of events; each then reads at READ COMMITTED,
  seeing every change committed before it. Only a role the record knows can
  take that lock, and no wait is longer than the lock timeout
  (TRANSITION_LOCK_TIMEOUT seconds): a command that waits longer stops with
  one line naming who holds the record.
  Reading commands see one REPEATABLE READ snapshot. A serialization failure
  or deadlock (which the lock should make impossible) is retried.
- Nobody upgrades a shared database by accident: a database at an older
  schema is refused until whoever administers it runs `transition upgrade
  --confirm`, after a pg_dump; upgrades take a lock so two never run at once.
- A connection problem is one line that never shows the password.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from transition.errors import TransitionError
from transition.store.backends.base import Location, Mode
from transition.store.errors import NoAccess, NoTables, SchemaBehind
from transition.store.migrations import HEAD, check_known, migrate

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.elements import ColumnElement

    from transition.store.backends.access import Access

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
#: The pg_advisory_xact_lock key upgrades take (only the owner upgrades, and
#: a stranger holding it delays an upgrade, never a writer).
UPGRADE_LOCK = 0x75706772  # "upgr"
CONNECT_TIMEOUT_S = 10
#: How long a command keeps using the connection it signed in with before
#: it signs in afresh (`remind --send` works for minutes between transactions).
REUSE_S = 30
#: How long any statement waits for a lock, unless TRANSITION_LOCK_TIMEOUT says.
LOCK_TIMEOUT_S = 120
LOCK_NOT_AVAILABLE = "55P03"
UNDEFINED_TABLE = "42P01"
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
    if url.host and "@" in url.host:
        raise TransitionError(
            "the URL's user or password holds an '@': write it as %40 "
            "(postgresql://USER:PASS%40WORD@HOST:PORT/DATABASE), or keep the password "
            "in PGPASSWORD or ~/.pgpass"
        )
    if not url.database:
        raise TransitionError(
            f"{describe(url)} names no database; write postgresql://USER@HOST:PORT/DATABASE"
        )
    return url.set(drivername="postgresql+psycopg")


def describe(url: URL) -> str:
    """The URL as messages show it: never with its password, whether in the
    user part or the query (`?password=`, which libpq takes too)."""
    from sqlalchemy.engine import URL

    query = {key: value for key, value in url.query.items() if "password" not in key.lower()}
    shown = URL.create("postgresql", url.username, None, url.host, url.port, url.database, query)
    return shown.render_as_string(hide_password=False)


def engine(url: URL) -> Engine:
    """An engine that signs in once for the command: the connection that
    checks the schema at open runs the command's transactions too, since
    signing in (a new server process, a SCRAM exchange) costs more than all
    of an everyday command's statements on a nearby server."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    from transition.store.backends.psycopg_dialect import DRIVER

    made = create_engine(
        url.set(drivername=f"postgresql+{DRIVER}"),  # psycopg's, asking less at sign-in
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=-1,  # a second connection at once, were one wanted, is closed after
        pool_recycle=REUSE_S,
        isolation_level="REPEATABLE READ",
        # No column is an hstore: spare the type's look-up when signing in.
        use_native_hstore=False,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "transition",
            "options": f"-c lock_timeout={lock_timeout_s() * 1000}",
        },
    )

    @event.listens_for(made, "begin")
    def _begin(connection: Connection) -> None:
        # A writer queues for the record before it reads anything (see above).
        if connection.get_execution_options().get("immediate", False):
            connection.exec_driver_sql("SELECT transition_write_lock()")

    return made


def lock_timeout_s() -> int:
    """TRANSITION_LOCK_TIMEOUT, in whole seconds (at least 1), else the default."""
    import os

    value = os.environ.get("TRANSITION_LOCK_TIMEOUT", "").strip()
    if not value:
        return LOCK_TIMEOUT_S
    if not (value.isdigit() and 1 <= int(value) <= 86_400):
        raise TransitionError(
            f"TRANSITION_LOCK_TIMEOUT is {value!r}; give whole seconds from 1 to 86400, "
            "or leave it unset for 120"
        )
    return int(value)


def lock_holders(url: URL) -> list[str]:
    """Who holds a lock on the record's tables now, as "user (since HH:MM)":
    for the one line a command that waited too long prints."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    made = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with made.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT DISTINCT a.usename, a.xact_start FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.granted AND l.pid <> pg_backend_pid() AND l.locktype = 'relation' "
                "AND l.relation IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = "
                "'public'::regnamespace AND c.relkind = 'r') "
                "AND NOT EXISTS (SELECT 1 FROM pg_locks w WHERE w.pid = l.pid AND NOT w.granted) "
                "ORDER BY a.xact_start"
            ).all()
    except Exception:
        return []
    finally:
        made.dispose()
    from transition.core.calendar import TORONTO

    return [
        f"{user} (since {start.astimezone(TORONTO):%H:%M})" if start else str(user)
        for user, start in rows
    ]


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
    return _version(connection, where)


def current_revision(connection: Connection, where: str) -> str | None:
    """`revision`, read outside any transaction in one statement where the
    database holds a record (as it does but once in its life); only a
    database without one is looked through for whose tables it holds."""
    from sqlalchemy.exc import ProgrammingError

    connection.execution_options(isolation_level="AUTOCOMMIT")
    try:
        return _version(connection, where)
    except ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) != UNDEFINED_TABLE:
            raise
    return revision(connection, where)


def _version(connection: Connection, where: str) -> str:
    row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise TransitionError(f"{where} has an empty schema record, so it is not transition's")
    found: str = row[0]
    return found


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
    elif "does not support ssl" in text:
        what = (
            f"the server at {where} does not accept SSL connections, and the URL asks for "
            "them (sslmode); drop sslmode from the URL, or ask its administrator to enable SSL"
        )
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
    elif state == LOCK_NOT_AVAILABLE or "lock timeout" in text:
        holders = lock_holders(url)
        who = ", ".join(holders) if holders else "another session"
        what = (
            f"the record stayed locked by {who} for more than {lock_timeout_s()} s; "
            "try again when it is free, or ask the database's administrator"
        )
    elif state == "42501" or "permission denied" in text or "must be owner" in text:
        first = detail.split(" DETAIL:")[0].split(" CONTEXT:")[0]
        what = f"the server refused user {user}: {first}; ask the database's administrator"
    else:
        what = f"the database {describe(url)} reported: {detail}"
    return TransitionError(f"{what} (nothing was changed)")


def _hide_password(text: str, password: str | None = None) -> str:
    return redact(text.replace(password, "***") if password else text)


def redact(text: str) -> str:
    """`text` without any password it could carry: a URL's user part or
    query, libpq's `password=` setting, and PGPASSWORD's value. Every error
    line goes through here before it is printed."""
    import os

    text = re.sub(r"(://[^:/@\s]*:)\S*@", r"\1***@", text)
    text = re.sub(r"(\w*password\s*=\s*)('[^']*'|[^&\s]+)", r"\1***", text, flags=re.I)
    secret = os.environ.get("PGPASSWORD")
    return text.replace(secret, "***") if secret else text


def driver_errors() -> tuple[type[BaseException], ...]:
    """The errors a PostgreSQL connection can raise outside SQLAlchemy's own."""
    import psycopg

    return (psycopg.Error,)


#: The council's status (`transition.store.status`), counted by a function
#: that sees every member's steps (migration 0011), since office staff may
#: see how the council stands though not other members' steps.
STATUS_QUERY = "SELECT * FROM council_status(:election, :today)"

#: Who is signed in, whether they are (or act as) the record's owner, who may
#: do everything, and what their grants give them: one round trip.
ACCESS = (
    "SELECT current_user, pg_has_role(current_user, "
    "(SELECT relowner FROM pg_class WHERE oid = 'event'::regclass), 'MEMBER'), "
    "g.kinds, g.members, g.names FROM (SELECT array_agg(g.kind) AS kinds, "
    "array_agg(g.member_id) AS members, array_agg(m.name) AS names "
    "FROM access_grant g LEFT JOIN member m ON m.id = g.member_id "
    "WHERE g.role_name = current_user) AS g"
)


class PostgreSQL:
    """A record a council shares on its server: the server knows who is
    signed in, enforces the roles, and numbers, dates and chains the trail."""

    name = "postgresql"
    has_roles = True

    def open(self, location: Location, mode: Mode) -> Engine:
        assert location.url is not None
        made = engine(location.url)
        where = describe(location.url)
        try:
            with made.connect() as connection:
                found = current_revision(connection, where)
            check_known(found, where)
            if found != HEAD:
                self._prepare(made, where, found, mode)
        except BaseException as error:
            made.dispose()
            if isinstance(error, TransitionError):
                raise
            raise database_error(error, location.url) from None
        return made

    def _prepare(self, made: Engine, where: str, found: str | None, mode: Mode) -> None:
        """Create or upgrade the schema, under the upgrade lock, if the user asked:
        the database is shared, and its administrator decides."""
        if found is None and mode not in (Mode.CREATE, Mode.RESTORE):
            raise NoTables(where)
        if found is not None and mode not in (Mode.UPGRADE, Mode.RESTORE):
            raise SchemaBehind(where, found, HEAD)
        # READ COMMITTED: once the lock is ours, see what an upgrade before us did.
        committed = made.execution_options(isolation_level="READ COMMITTED")
        with committed.connect() as connection, connection.begin():
            lock_for_upgrade(connection)
            if revision(connection, where) != HEAD:  # again, now that we hold the lock
                migrate(connection)

    def schema_revision(self, location: Location) -> str | None:
        assert location.url is not None
        made = engine(location.url)
        try:
            with made.connect() as connection:
                return current_revision(connection, str(location))
        except TransitionError:
            raise
        except Exception as error:
            raise database_error(error, location.url) from None
        finally:
            made.dispose()

    def writer(self, engine: Engine) -> Engine:
        return writer(engine)

    def reader(self, engine: Engine) -> Engine:
        # Said in the transaction's BEGIN, not a statement of its own.
        return engine.execution_options(postgresql_readonly=True)

    def is_retryable(self, error: BaseException) -> bool:
        return is_retryable(error)

    def error(self, error: BaseException, location: Location) -> TransitionError:
        assert location.url is not None
        return database_error(error, location.url)

    def errors(self) -> tuple[type[BaseException], ...]:
        return driver_errors()

    def access(self, connection: Connection) -> Access:
        from transition.store.backends.access import Access

        user, owner, kinds, members, names = connection.exec_driver_sql(ACCESS).one()
        if owner:
            return Access(user=user, everything=True)
        if not kinds:
            raise NoAccess(user)
        return Access(
            user=user,
            kinds=frozenset(kinds),
            members={
                member_id: name
                for kind, member_id, name in zip(kinds, members, names, strict=True)
                if kind == "office"
            },
        )

    def item_owner(self, connection: Connection, item_id: int) -> str | None:
        owner: str | None = connection.exec_driver_sql(
            "SELECT transition_item_member(%(item)s)", {"item": item_id}
        ).scalar()
        return owner

    def begin_trail(self, connection: Connection, actor: str, recorder: str) -> int:
        # The server knows who is signed in; the trigger records it.
        connection.exec_driver_sql(
            "SELECT set_config('transition.actor', %(actor)s, true)", {"actor": actor}
        )
        return 0

    def seal_trail(self, connection: Connection, first: int) -> None:
        pass  # the server chained each event as it was inserted

    def clock(self) -> ColumnElement[Any]:
        # The server's clock; its trigger sets it again under the trail's lock.
        from sqlalchemy import func

        return func.clock_timestamp()

    def chain_head(self, connection: Connection, at: Sequence[int] = ()) -> tuple[Any, ...] | None:
        # Through functions that see the whole trail: office staff see only
        # their members' events.
        hashes = "".join(f", transition_chain_at(%(at{n})s)" for n in range(len(at)))
        row = connection.exec_driver_sql(
            f"SELECT h.events, h.last_id, h.chain{hashes} FROM transition_chain_head() AS h",
            {f"at{n}": event_id for n, event_id in enumerate(at)},
        ).first()
        return None if row is None else tuple(row)

    def restoring(self, connection: Connection, on: bool) -> None:
        connection.exec_driver_sql(
            "SELECT set_config('transition.restoring', %(on)s, true)", {"on": "on" if on else ""}
        )

    def integrity_problems(self, connection: Connection) -> tuple[list[str], bool]:
        return [], False  # the server checks its pages and enforces foreign keys itself

    def take_ids(self, connection: Connection, table: Table, count: int, given: int) -> list[int]:
        from sqlalchemy import func, select

        sequence = func.pg_get_serial_sequence(table.name, "id")
        taken = connection.execute(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        ).scalars()
        return sorted(taken)

    def status_query(self) -> str:
        return STATUS_QUERY

    def create_for_restore(self, location: Location, build: Callable[[Connection], object]) -> bool:
        return False  # a database is made by its administrator; a restore fills it

    def holds_record(self, connection: Connection) -> bool | None:
        # Whoever restores may see no row at all (row-level security): the
        # database itself says whether it holds any.
        from sqlalchemy import inspect

        if "event_head" not in inspect(connection).get_table_names():
            return None
        empty = connection.exec_driver_sql("SELECT transition_is_empty()").scalar()
        return not empty

    def lock_for_restore(self, connection: Connection) -> None:
        lock_for_upgrade(connection)

    def after_load(self, connection: Connection, tables: list[Table]) -> None:
        """Each table's sequence past the ids the export brought, and the
        tables analysed: until the server's autovacuum gets round to them
        (a minute or more), the planner knows nothing of the rows loaded, and
        the province's `status` took 1.0 s instead of 0.6."""
        from sqlalchemy import func, select

        for table in tables:
            following = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
            connection.execute(
                select(func.setval(func.pg_get_serial_sequence(table.name, "id"), following, False))
            )
        connection.exec_driver_sql("ANALYZE " + ", ".join(table.name for table in tables))


BACKEND = PostgreSQL()
