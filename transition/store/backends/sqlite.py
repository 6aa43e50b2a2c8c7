"""Where the database lives, and opening it without ever damaging it.

A new database is built beside its final path and moved into place only when
complete, readable by its owner alone. An existing file is checked before
SQLite touches it: a file that is not a `transition` database, or one written
by a newer version, is refused and left as it was. An older one is copied
(SQLite's backup API) and then upgraded by the Alembic migrations, under a
write lock so two processes never upgrade at once.

Every connection has foreign keys on, WAL journaling and a busy timeout;
writes begin with BEGIN IMMEDIATE, so two staff members saving at once wait
for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transition.errors import TransitionError
from transition.store.backends.base import Location, Mode
from transition.store.errors import Refused, Remedy
from transition.store.migrations import HEAD, REVISIONS, check_known, migrate
from transition.store.trail.chain import GENESIS, content_hash, moment_text

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.pool import ConnectionPoolEntry
    from sqlalchemy.sql.elements import ColumnElement

    from transition.store.backends.access import Access

#: What a database at HEAD holds (SQLite's own sqlite_ objects aside); a test
#: keeps this list and the migrations in step.
SCHEMA_OBJECTS: tuple[tuple[str, str], ...] = (
    ("table", "account"),
    ("table", "alembic_version"),
    ("table", "candidacy"),
    ("table", "checklist_item"),
    ("table", "election"),
    ("table", "event"),
    ("table", "member"),
    ("table", "office_override"),
    ("table", "transition_context"),
    ("index", "ix_account_member_id"),
    ("index", "ix_candidacy_election_id"),
    ("index", "ix_candidacy_member_id"),
    ("index", "ix_checklist_item_candidacy_id"),
    ("index", "ix_event_at"),
    ("index", "ix_event_item_id"),
    ("index", "ix_event_member_id"),
    ("index", "ix_event_reminders"),
    ("index", "ix_event_unchained"),
    ("index", "ix_office_override_election_id"),
    ("trigger", "event_append_only_delete"),
    ("trigger", "event_append_only_update"),
    ("trigger", "event_item_member"),
    *(
        ("trigger", f"{table}_trail_{verb}")
        for table in (
            "account",
            "candidacy",
            "checklist_item",
            "election",
            "member",
            "office_override",
        )
        for verb in ("delete", "insert", "update")
    ),
)

#: How long a command waits its turn behind another that writes: longer than
#: the longest import a council makes (3,000 members take about half a minute).
BUSY_TIMEOUT_MS = 600_000
SQLITE_HEADER = b"SQLite format 3\x00"


def database_path(option: str | None) -> Path:
    """`--db`, else TRANSITION_DB, else a file in the user's data folder."""
    value = option or os.environ.get("TRANSITION_DB")
    if not value:
        from platformdirs import user_data_path

        return user_data_path("transition", appauthor=False) / "transition.db"
    if value.startswith("sqlite:///"):
        value = value.removeprefix("sqlite:///")
    elif "://" in value:
        raise TransitionError(
            f"{value.split('@')[-1]} is not a database URL transition knows; give a file "
            "path, sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
        )
    if not value:
        raise TransitionError("the database path is empty; give a file path")
    # Resolved before SQLite sees it: a symlink is followed to the file it
    # names (made owner-only there), and "?" or "#" are letters of a file name.
    return Path(os.path.realpath(Path(value).expanduser()))


def open_database(
    path: Path, *, default_location: bool = False, write: bool = False, whole: bool = True
) -> Engine:
    """An engine on a current `transition` database at `path`, created if missing.

    A file missing any of transition's tables, indexes or triggers is refused
    (unless not `whole`: `transition check` opens it to name them all); before
    a command writes, SQLite's quick check must pass, so a damaged file is
    refused rather than written to."""
    if not path.exists():
        if default_location:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise Refused(f"the folder {path.parent} does not exist", Remedy.CREATE_FOLDER)
        create(path)
    else:
        check_file(path)
        _check_writable(path)
    revision = read_revision(path)
    check_known(revision, path)
    engine = _engine(path)
    try:
        if revision != HEAD:
            _upgrade(engine, path)
        if whole or write:
            _check_schema(engine, path)
        if write:
            _quick_check(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return engine


def missing_objects(connection: sqlite3.Connection | Connection) -> list[str]:
    """Transition's tables, indexes and triggers the file lacks, as "trigger X"."""
    execute = _driver_sql(connection)
    present = {(kind, name) for kind, name in execute("SELECT type, name FROM sqlite_master")}
    return [f"{kind} {name}" for kind, name in SCHEMA_OBJECTS if (kind, name) not in present]


def _check_schema(engine: Engine, path: Path) -> None:
    with engine.connect() as connection:
        missing = missing_objects(connection)
    if missing:
        raise Refused(
            f"{path} lacks {len(missing)} of transition's tables, indexes or triggers "
            f"({missing[0]} first): restore the file from a backup",
            Remedy.CHECK,
        )


def _quick_check(engine: Engine, path: Path) -> None:
    """SQLite's quick check of every page, before anything is written. A page
    damaged badly enough makes the check itself fail, rather than report."""
    from sqlalchemy.exc import DBAPIError

    found = _checked_ahead(path)
    if found is None:
        try:
            with engine.connect() as connection:
                found = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check(5)")]
        except DBAPIError as error:
            found = [str(error.orig)]
    if found != ["ok"]:
        raise Refused(
            f"{path} is damaged ({found[0]}); nothing was written to it: restore it from a backup",
            Remedy.CHECK,
        )


@dataclass
class _Ahead:
    """A quick check begun before the file was opened (`check_ahead`)."""

    #: The file as it was when the check began (`_identity`).
    identity: tuple[int, ...]
    thread: threading.Thread
    #: What the check found, once the thread is done.
    found: list[str]


#: The quick checks begun ahead, by file.
_AHEAD: dict[Path, _Ahead] = {}


def check_ahead(path: Path) -> None:
    """Begin the quick check of `path` in a thread of its own, before a
    command that writes loads its libraries: SQLite reads every page (75 ms
    on a 60 MB record, more the more evidence it keeps) without holding
    Python's lock, so the check costs the command nothing while it imports.
    Opening the file for the write takes its answer (`_quick_check`), or
    checks again if the file changed since the check began."""
    _AHEAD.clear()  # one a process: a check an earlier open never took is moot
    identity = _identity(path)
    if identity is None:
        return
    found: list[str] = []
    thread = threading.Thread(target=_check_into, args=(path, found), daemon=True)
    _AHEAD[path] = _Ahead(identity, thread, found)
    thread.start()


def _check_into(path: Path, found: list[str]) -> None:
    try:
        # Read and write, never create: a file gone since is not made anew.
        connection = sqlite3.connect(
            f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            found.extend(row[0] for row in connection.execute("PRAGMA quick_check(5)"))
        finally:
            connection.close()
    except sqlite3.Error as error:
        found[:] = [str(error)]


def _checked_ahead(path: Path) -> list[str] | None:
    """What the check begun ahead found, if it checked the file as it is now."""
    ahead = _AHEAD.pop(path, None)
    if ahead is None:
        return None
    ahead.thread.join()
    if not ahead.found or ahead.identity != _identity(path):
        return None
    return ahead.found


def _identity(path: Path) -> tuple[int, ...] | None:
    """The file as it stands, with its write-ahead log (where a write lands
    first): device, inode, size and time of each."""
    try:
        stat = path.stat()
    except OSError:
        return None
    try:
        log = path.with_name(path.name + "-wal").stat()
    except OSError:
        return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, log.st_size, log.st_mtime_ns)


def check_file(path: Path) -> None:
    if path.is_dir():
        raise TransitionError(f"{path} is a folder; give the path of a database file")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise TransitionError(f"cannot read {path}: {error.strerror}") from None
    if not header:
        raise Refused(f"{path} is an empty file, not a transition database", Remedy.REMOVE_FILE)
    if header != SQLITE_HEADER:
        raise Refused(
            f"{path} is not a transition database (not SQLite at all)", Remedy.OTHER_DATABASE
        )


def _check_writable(path: Path) -> None:
    """SQLite keeps its journal beside the database, so even reading needs write access."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise TransitionError(
            f"{path} is read-only (or its folder is); transition needs to write beside it: "
            "ask for write access, or copy it somewhere writable"
        )


def database_error(error: BaseException, path: Path) -> TransitionError:
    """What a SQLite failure means for the user, in one line; nothing was changed."""
    detail = str(getattr(error, "orig", None) or error).splitlines()[0]
    text = detail.lower()
    if "full" in text:
        what = f"the disk holding {path} is full; free some space and try again"
    elif "locked" in text or "busy" in text:
        what = f"{path} stayed busy with another command for ten minutes; try again"
    elif "readonly" in text or "read-only" in text:
        what = f"{path} is read-only; ask for write access, or copy it somewhere writable"
    elif "disk i/o" in text or "file too large" in text:
        what = f"could not read or write {path} ({detail}): is its disk full or failing?"
    elif "unable to open" in text:
        what = f"cannot open {path}: is its disk full, or its folder not writable?"
    elif "malformed" in text or "not a database" in text:
        what = f"{path} is damaged or not a database ({detail}); restore it from a backup"
    else:
        what = f"the database {path} reported: {detail}"
    return TransitionError(f"{what} (nothing was changed)")


def _engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    # The path goes to sqlite3 itself: in a URL, a "?" would start parameters.
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        ),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event, below, choose how transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A write takes the lock up front: a deferred transaction that later
        # tries to write can fail with "database is locked" whatever the
        # busy timeout, an immediate one simply waits its turn.
        options = connection.get_execution_options()
        # A reader's transaction may not write, whatever its work tries
        # (`reader`); the setting is the connection's, so every begin says it.
        read_only = options.get("read_only", False)
        connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
        immediate = options.get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, with transactions that take the write lock first."""
    return engine.execution_options(immediate=True)


def read_revision(path: Path) -> str | None:
    """The file's schema revision, None for an empty SQLite file.

    Read with the plain sqlite3 module before SQLAlchemy opens the file, so a
    file that is not ours is refused before anything could change it.
    """
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return _revision(connection, path)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise database_error(error, path) from None
    except UnicodeDecodeError:
        # Bytes written over the schema's own page read back as names that
        # are not text: the file is damaged, whatever SQLite has yet noticed.
        raise TransitionError(
            f"{path} is damaged or not a database (its schema is not readable text); "
            "restore it from a backup (nothing was changed)"
        ) from None


def _driver_sql(connection: sqlite3.Connection | Connection) -> Callable[[str], Any]:
    """How to run SQL text through a DBAPI or a SQLAlchemy connection."""
    if isinstance(connection, sqlite3.Connection):
        return connection.execute
    return connection.exec_driver_sql


def _revision(connection: sqlite3.Connection | Connection, path: Path) -> str | None:
    """The revision seen through a DBAPI or SQLAlchemy connection. Only a file
    with no schema objects at all may become a transition database; anything
    else without one of transition's revisions is another application's."""
    execute = _driver_sql(connection)
    objects = {
        (kind, name)
        for kind, name in execute("SELECT type, name FROM sqlite_master")
        if not name.startswith("sqlite_")
    }
    foreign = Refused(
        f"{path} is a SQLite database of another application, not transition's",
        Remedy.OTHER_DATABASE,
    )
    if ("table", "alembic_version") not in objects:
        if objects:
            raise foreign
        return None
    row = execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise foreign
    ours = {("table", "checklist_item"), ("table", "event"), ("table", "candidacy")}
    revision: str = row[0]
    if revision not in REVISIONS and not ours <= objects:
        raise foreign
    return revision


def _upgrade(engine: Engine, path: Path) -> None:
    """Migrate to HEAD under the write lock, after a backup of a non-empty file."""
    with writer(engine).connect() as connection, connection.begin():
        revision = _revision(connection, path)  # again, now that we hold the lock
        if revision == HEAD:
            return
        if revision is not None:
            backup(path, backup_path(path, revision))
        migrate(connection)


def create(path: Path, build: Callable[[Connection], object] | None = None) -> None:
    """Build a new database beside `path` (the current schema, or what `build`
    makes on the connection), then move it into place whole."""
    _remove_abandoned_scratch(path)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        os.close(os.open(scratch, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        engine = _engine(scratch)
        try:
            with engine.connect() as connection, connection.begin():
                (build or migrate)(connection)
        finally:
            engine.dispose()
        if build is not None:
            os.link(scratch, path)  # refused (FileExistsError) if another made one since
            return
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(scratch, path)  # a link, unlike a rename, never replaces a database
    except OSError as error:
        raise TransitionError(f"cannot create {path}: {error.strerror}") from None
    finally:
        for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
            leftover.unlink(missing_ok=True)


def _remove_abandoned_scratch(path: Path) -> None:
    """Scratch databases left by a process that died while creating one."""
    for scratch in path.parent.glob(f".{path.name}.*.new"):
        pid = scratch.name.removeprefix(f".{path.name}.").removesuffix(".new")
        if pid.isdigit() and not _alive(int(pid)):
            for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
                leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def backup_path(path: Path, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.{label}.{stamp}.bak")


def backup_to(source: Path, target: Path) -> int:
    """Back up to `target`, replacing it only once the copy is complete and
    passes SQLite's integrity check; its size. Partial copies left by backups
    that were killed are removed first; this one's is removed whatever ends it."""
    if not target.name or target.is_dir():
        raise TransitionError(f"give the backup a file name, not {str(target) or 'nothing'}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TransitionError(f"cannot back up to {target}: {error.strerror or error}") from None
    _remove_abandoned(target.parent.glob(f".{target.name}.*.partial"), ".partial")
    scratch = target.with_name(f".{target.name}.{os.getpid()}.partial")
    _remove_with_journals(scratch)
    try:
        backup(source, scratch)
        found = _integrity(scratch)
        if found != ["ok"]:
            raise TransitionError(
                f"the copy of {source} fails SQLite's integrity check ({found[0]}): the "
                "database is damaged; nothing was written to "
                f"{target}: restore the database from an earlier backup"
            )
        os.replace(scratch, target)
    except (OSError, sqlite3.Error) as error:
        raise TransitionError(f"cannot back up to {target}: {error}") from None
    finally:
        _remove_with_journals(scratch)
    return target.stat().st_size


def _integrity(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # A damaged page's names come back in the report as bytes that are not text.
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            return [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
        except UnicodeDecodeError:
            # SQLite's own error names what it read off the damaged schema
            # page, bytes that Python cannot make text of for the message.
            return ["the schema page is damaged (names that are not text)"]


def _remove_with_journals(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{end}") for end in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


def _remove_abandoned(paths: Iterable[Path], suffix: str) -> None:
    """Scratch files of processes that no longer run (their pid in the name)."""
    for scratch in paths:
        pid = scratch.name.removesuffix(suffix).rpartition(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            _remove_with_journals(scratch)


def backup(source: Path, target: Path) -> Path:
    """A consistent copy of a live database, readable by its owner only."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    live.close()
    copy.close()
    return target


#: SQLite's clock, written as SQLAlchemy writes a datetime there (microseconds).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


class SQLite:
    """A record in one file: whoever can open the file may do everything,
    the writer lock is BEGIN IMMEDIATE, and transition chains the trail."""

    name = "sqlite"
    has_roles = False

    def open(self, location: Location, mode: Mode) -> Engine:
        assert location.path is not None
        try:
            return open_database(
                location.path,
                default_location=location.default,
                write=mode.writes,
                whole=mode is not Mode.INSPECT,
            )
        except sqlite3.Error as error:
            raise database_error(error, location.path) from None
        finally:
            _AHEAD.pop(location.path, None)  # taken, or moot if the open failed first

    def schema_revision(self, location: Location) -> str | None:
        assert location.path is not None
        if not location.path.exists():
            return None
        check_file(location.path)
        return read_revision(location.path)

    def writer(self, engine: Engine) -> Engine:
        return writer(engine)

    def reader(self, engine: Engine) -> Engine:
        return engine.execution_options(read_only=True)

    def is_retryable(self, error: BaseException) -> bool:
        # The writer lock is taken before anything is read: nothing to retry.
        return False

    def error(self, error: BaseException, location: Location) -> TransitionError:
        assert location.path is not None
        return database_error(error, location.path)

    def errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def access(self, connection: Connection) -> Access:
        # Whoever can open the file may do everything; they are the system's login.
        from transition.store.backends.access import Access, system_login

        return Access(user=system_login(), everything=True)

    def item_owner(self, connection: Connection, item_id: int) -> str | None:
        return None  # whoever opens the file sees every item

    def begin_trail(self, connection: Connection, actor: str, recorder: str) -> int:
        connection.exec_driver_sql("DELETE FROM transition_context")
        connection.exec_driver_sql(
            "INSERT INTO transition_context (actor, recorded_by) VALUES (?, ?)", (actor, recorder)
        )
        first: int = connection.exec_driver_sql(
            "SELECT coalesce(max(id), 0) + 1 FROM event"
        ).scalar_one()
        return first

    def seal_trail(self, connection: Connection, first: int) -> None:
        connection.exec_driver_sql("DELETE FROM transition_context")
        seal(connection, first)

    def clock(self) -> ColumnElement[Any]:
        from sqlalchemy import literal_column

        return literal_column(SQLITE_NOW)

    def chain_head(self, connection: Connection, at: Sequence[int] = ()) -> tuple[Any, ...] | None:
        # Row events a writer around transition left are chained at its next
        # change; until then the head is the last chained event. The events
        # up to it are all of them less the few after it: SQLite counts a
        # whole table from its smallest index, where counting up to an id
        # walks the table itself (25 ms on 120,000 events, at every open).
        row = connection.exec_driver_sql(
            "SELECT (SELECT count(*) FROM event) "
            "- (SELECT count(*) FROM event AS o WHERE o.id > e.id), e.id, e.chain "
            "FROM event AS e WHERE e.chain IS NOT NULL ORDER BY e.id DESC LIMIT 1"
        ).first()
        if row is None:
            return None
        hashes = [
            connection.exec_driver_sql("SELECT chain FROM event WHERE id = ?", (i,)).scalar()
            for i in at
        ]
        return (*row, *hashes)

    def restoring(self, connection: Connection, on: bool) -> None:
        if on:
            connection.exec_driver_sql(
                "INSERT INTO transition_context (actor, recorded_by, restoring) VALUES ('', '', 1)"
            )
        else:
            connection.exec_driver_sql("DELETE FROM transition_context")

    def integrity_problems(self, connection: Connection) -> tuple[list[str], bool]:
        found: list[str] = []
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            found.extend(f"SQLite integrity: {line}" for line in integrity)
        missing = missing_objects(connection)
        found.extend(f"missing {what}" for what in missing)
        if any(what.startswith("table ") for what in missing):
            return found, True  # the tool's own checks need every table
        for table, rowid, parent, _ in connection.exec_driver_sql("PRAGMA foreign_key_check"):
            found.append(f"{table} row {rowid} points to a missing {parent}")
        return found, False

    def take_ids(self, connection: Connection, table: Table, count: int, given: int) -> list[int]:
        # The writer holds the file's lock for the whole transaction: the
        # next ids are simply those past the largest written or given out
        # (what SQLite itself would choose).
        if not given:
            from sqlalchemy import func, select

            given = connection.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(given + 1, given + 1 + count))

    def status_query(self) -> str:
        from transition.store.status import QUERY

        return QUERY

    def create_for_restore(self, location: Location, build: Callable[[Connection], object]) -> bool:
        assert location.path is not None
        if location.path.exists():
            return False
        if not location.path.parent.is_dir():
            raise Refused(f"the folder {location.path.parent} does not exist", Remedy.CREATE_FOLDER)
        create(location.path, build)
        return True

    def holds_record(self, connection: Connection) -> bool | None:
        return None  # whoever opens the file sees every row

    def lock_for_restore(self, connection: Connection) -> None:
        pass  # the writer's BEGIN IMMEDIATE keeps every other writer out

    def after_load(self, connection: Connection, tables: list[Table]) -> None:
        pass  # SQLite's next id is one past the largest, whatever loaded it


def seal(connection: Connection, first: int = 0) -> int:
    """Chain the events that carry no hash yet, in id order, after the last one
    that does (SQLite; PostgreSQL chains each as it is inserted): those from
    id `first` on (this transaction's), and the row events the file's
    triggers wrote for a writer around transition since. An event anyone
    else inserted by hand stays unchained, for `check` to name. How many."""
    # `chain IS NULL` as written is the partial index's own (0012): SQLite
    # reads that index, a handful of events, and not the trail.
    rows = connection.exec_driver_sql(
        "SELECT id, at, actor, recorded_by, action, member_id, item_id, subject, summary, "
        "before, after FROM event WHERE chain IS NULL AND (id >= ? OR "
        "(action IN ('row.insert', 'row.update', 'row.delete') AND actor = '' "
        "AND recorded_by IS NULL)) ORDER BY id",
        (first,),
    ).all()
    if not rows:
        return 0
    previous = (
        connection.exec_driver_sql(
            "SELECT chain FROM event WHERE id < ? AND chain IS NOT NULL ORDER BY id DESC LIMIT 1",
            (rows[0][0],),
        ).scalar()
        or GENESIS
    )
    sealed = []
    for row in rows:
        previous = content_hash(previous, row[0], moment_text(row[1]), row[2:])
        sealed.append((previous, row[0]))
    connection.exec_driver_sql("UPDATE event SET chain = ? WHERE id = ?", sealed)
    return len(sealed)


BACKEND = SQLite()
