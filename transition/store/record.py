"""The store's front door: open a record, run transactions on it.

    with open_record("council.db", today=day, actor="Sam", mode=Mode.WRITE) as record:
        said = record.transaction(lambda tracker: tracker.mark.done([12], "posted", None))

`open_record` finds the database (`--db`'s value, a `Location`, else
TRANSITION_DB, else the user's data folder), opens it through its backend,
refusing in one line what is not a current record, and gives a `Record`.
Each `transaction` runs its work on a fresh `Tracker` inside one database
transaction, committed whole when the work returns and rolled back whole
when it raises. Where the server undid the transaction to keep concurrent
ones apart, the work runs again, on a fresh tracker: so work must not print
or otherwise act outside the record; it returns what its caller shows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING, Any, TypeVar

from transition.core.closures import HolidaySource
from transition.store.backends import (
    Location,
    Mode,
    backend_for,
    database_errors,
    locate,
    prepare,
)
from transition.store.errors import Conflict

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import SessionTransaction

    from transition.store.tracker import Tracker

T = TypeVar("T")

#: How often a transaction the server undid runs again.
ATTEMPTS = 8

#: How many transactions this process has open now (see `in_transaction`).
_open = 0


def in_transaction() -> bool:
    """Whether a transaction on a record is open in this process: nothing
    may be printed then, since its work may run again, or be undone after
    it was reported (the tests hold every command to this)."""
    return _open > 0


def load(location: Location | None = None, mode: Mode = Mode.READ) -> None:
    """Import now what opening a record and its transactions need (SQLAlchemy,
    SQLModel, the tracker and its parts), for a caller that wants the cost
    paid up front: the command line freezes what is loaded before a command
    works (`transition.cli.startup.settle`), so the garbage collector never
    walks these libraries' objects again. Given the record about to be
    opened, what its opening can begin early runs while they load
    (`backends.prepare`)."""
    if location is not None:
        prepare(location, mode)
    import sqlalchemy.exc  # noqa: F401
    import sqlmodel  # noqa: F401

    import transition.store.tracker
    import transition.store.trail.anchors  # noqa: F401


def open_record(
    db: str | PathLike[str] | Location | None = None,
    *,
    today: date,
    actor: str,
    mode: Mode = Mode.READ,
    holidays: HolidaySource | None = None,
    commit: Callable[[SessionTransaction, bool], None] | None = None,
) -> Record:
    """The record at `db`, open for `mode`'s transactions, as `actor` working
    as of `today` (a Toronto date).

    `holidays` are where closure calendars get holiday dates (default: the
    `holidays` package, cached on disk). `commit` commits a transaction
    (given it and whether it changed the record): the command line's keeps
    an interrupt from landing between a commit and its exit status."""
    location = db if isinstance(db, Location) else locate(None if db is None else str(db))
    backend = backend_for(location)
    engine = backend.open(location, mode)
    if holidays is None:
        from transition.store.holiday_cache import cached_holidays

        holidays = cached_holidays
    return Record(location, engine, today, actor, mode, holidays, commit or _commit)


class Record:
    """An open record: its database, and transactions run on it."""

    def __init__(
        self,
        location: Location,
        engine: Engine,
        today: date,
        actor: str,
        mode: Mode,
        holidays: HolidaySource,
        commit: Callable[[SessionTransaction, bool], None],
    ) -> None:
        self.location = location
        self.backend = backend_for(location)
        self.engine = engine
        self.today = today
        self.actor = actor
        self.mode = mode
        self.holidays = holidays
        self._commit = commit
        #: What the user should hear about the last transaction committed,
        #: though it was done (a filing date on a closed day, a trail cut off).
        self.warnings: list[str] = []

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def transaction(self, work: Callable[[Tracker], T]) -> T:
        """What `work` returns, given a tracker inside one transaction that
        commits when it returns; run again (on a fresh tracker) where the
        server undid the transaction to keep concurrent ones apart."""
        for attempt in range(ATTEMPTS):
            try:
                return self._once(work)
            except _Undone:
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise Conflict(ATTEMPTS)

    def _once(self, work: Callable[[Tracker], T]) -> T:
        from sqlmodel import Session

        from transition.store.tracker import Tracker
        from transition.store.trail import anchors

        writes = self.mode.writes
        bind = (self.backend.writer if writes else self.backend.reader)(self.engine)
        where = str(self.location)
        global _open
        _open += 1
        try:
            with Session(bind, expire_on_commit=False) as session:
                transaction = session.begin()
                tracker = Tracker(session, self.today, self.actor, self.holidays, where=where)
                result = work(tracker)
                tracker.write()  # the rows still to write, while an interrupt undoes them
                seen, broken = anchors.look(session, where, trust=tracker.anchor)
                self._commit(transaction, writes)
        except database_errors(self.backend) as error:
            if self.backend.is_retryable(error):
                raise _Undone() from None
            raise self.backend.error(error, self.location) from None
        finally:
            _open -= 1
        if seen is not None:  # the day this machine saw it, whatever `today` says
            from transition.core.calendar import toronto_today

            anchors.keep(seen, toronto_today().isoformat())
        self.warnings = [*tracker.warnings, *([broken] if broken else [])]
        return result


def transact(
    db: str | PathLike[str] | Location | None,
    work: Callable[[Tracker], T],
    *,
    today: date,
    actor: str,
    mode: Mode = Mode.READ,
    **options: Any,
) -> T:
    """Open the record, run one transaction of `work` on it, and close it."""
    with open_record(db, today=today, actor=actor, mode=mode, **options) as record:
        return record.transaction(work)


def _commit(transaction: SessionTransaction, changed: bool) -> None:
    transaction.commit()


class _Undone(Exception):
    """The server undid the transaction: nothing was changed."""
