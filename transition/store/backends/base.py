"""What a database must do to hold a record: the one interface both
backends keep (as pipx keeps its backends behind `backends/_base.py`).

Everything the two databases do differently is a method here, answered by
`transition.store.backends.sqlite` and `transition.store.backends.postgres`;
nothing else in the store asks which database it is on. A new database would
be a new module, not a branch in every other one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.sql.elements import ColumnElement

    from transition.errors import TransitionError
    from transition.store.backends.access import Access


class Mode(Enum):
    """What a command opens the record for."""

    #: Read one consistent snapshot.
    READ = "read"
    #: Change the record: queue for the writer lock before reading anything.
    WRITE = "write"
    #: Read a record that may lack some of its tables or triggers, to name
    #: them (`transition check`).
    INSPECT = "inspect"
    #: Give a shared database its tables if it has none (`transition init`).
    CREATE = "create"
    #: Bring a shared database's tables up to this version (`upgrade --confirm`).
    UPGRADE = "upgrade"
    #: Fill an empty database with an export: make or bring its tables to
    #: the export's schema (`transition restore`).
    RESTORE = "restore"

    @property
    def writes(self) -> bool:
        """Whether this mode's transactions change the record: they queue for
        the writer lock, and every other mode's the database keeps from
        writing (CREATE, UPGRADE and RESTORE change the schema when the
        record is opened, not in its transactions)."""
        return self is Mode.WRITE


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
        if self.url is not None:
            from transition.store.backends.postgres import describe

            return describe(self.url)
        return str(self.path)


class Backend(Protocol):
    """One database that can hold a record."""

    #: SQLAlchemy's name for its dialect.
    name: str
    #: Whether the database knows who is signed in and enforces roles
    #: (`transition access`); on SQLite access is the file's.
    has_roles: bool

    # -- opening ---------------------------------------------------------------

    def open(self, location: Location, mode: Mode) -> Engine:
        """An engine on a current record at `location`, refusing in one line
        what is not one (and leaving it as it was)."""
        ...

    def schema_revision(self, location: Location) -> str | None:
        """The record's schema revision; None where there is no record yet."""
        ...

    def writer(self, engine: Engine) -> Engine:
        """The same engine, with transactions that queue for the writer lock first."""
        ...

    def reader(self, engine: Engine) -> Engine:
        """The same engine, with transactions the database refuses to let write."""
        ...

    def is_retryable(self, error: BaseException) -> bool:
        """Whether the database undid the transaction only to keep concurrent
        ones apart, so that running it again may succeed."""
        ...

    def error(self, error: BaseException, location: Location) -> TransitionError:
        """A failure of the database as one line for the user (no password)."""
        ...

    def errors(self) -> tuple[type[BaseException], ...]:
        """The driver's own errors, beside SQLAlchemy's."""
        ...

    # -- who and what ------------------------------------------------------

    def access(self, connection: Connection) -> Access:
        """Who is really signed in, whatever `--by` says, and what they may
        see and change (in one round trip where the database is a server)."""
        ...

    def item_owner(self, connection: Connection, item_id: int) -> str | None:
        """The name of the member an item one may not see belongs to."""
        ...

    # -- the trail ------------------------------------------------------------

    def begin_trail(self, connection: Connection, actor: str, recorder: str) -> int:
        """Tell the trail's triggers who this transaction's changes are by;
        the first id its events can have (0 where the database numbers them)."""
        ...

    def seal_trail(self, connection: Connection, first: int) -> None:
        """The transaction's last step: chain its events where the database
        does not, and forget who made them."""
        ...

    def clock(self) -> ColumnElement[Any]:
        """The database's own clock, as an event's time."""
        ...

    def chain_head(self, connection: Connection, at: Sequence[int] = ()) -> tuple[Any, ...] | None:
        """(events, last id, last chain) of the whole trail, whatever rows
        the user may see, then the hash of each event `at` (None for one
        there is not): what a command checks its anchors against, asked at once."""
        ...

    def restoring(self, connection: Connection, on: bool) -> None:
        """Set the trail's triggers aside while a restore loads an export's
        own trail (`on`), and put them back."""
        ...

    def integrity_problems(self, connection: Connection) -> tuple[list[str], bool]:
        """What the database itself finds wrong with its pages, schema and
        foreign keys, and whether the record lacks tables the tool's own
        checks need."""
        ...

    # -- rows ---------------------------------------------------------------

    def take_ids(self, connection: Connection, table: Table, count: int, given: int) -> list[int]:
        """`count` new ids for rows of `table`, never given out before,
        smallest first; `given` is the largest this transaction has had (0
        for none), whose rows may not be written yet."""
        ...

    def status_query(self) -> str:
        """The query that counts the council's status, taking :election and
        :today, a row per candidacy (`transition.store.status`)."""
        ...

    # -- restoring ---------------------------------------------------------

    def create_for_restore(self, location: Location, build: Callable[[Connection], object]) -> bool:
        """Make a new record at `location` with what `build` loads, if the
        database makes records whole (a new file); whether it did."""
        ...

    def holds_record(self, connection: Connection) -> bool | None:
        """Whether the database holds a record though the user may see no
        row of it; None where what one sees is all there is."""
        ...

    def lock_for_restore(self, connection: Connection) -> None:
        """Keep any other restore or upgrade out until this one commits."""
        ...

    def after_load(self, connection: Connection, tables: list[Table]) -> None:
        """What the database needs after rows were loaded with their ids."""
        ...
