"""The tracker: one transaction on the record, as a command sees it.

A command opens one tracker, does its work through it, and the transaction
commits or rolls back whole. The work splits along what it does: `find`
reads (`transition.store.lookup`), `change` and `mark` are the user's
actions (`changes`, `marking`), `checklists` keeps each checklist in step
with its anchors, and `journal` writes every change to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from transition.core.closures import HolidaySource, package_holidays
from transition.store.backends.access import access_of
from transition.store.changes import Changes
from transition.store.checklists import Checklists
from transition.store.errors import ReadOnly
from transition.store.ids import Ids
from transition.store.lookup import Finder
from transition.store.marking import Marking
from transition.store.trail.journal import Journal


@dataclass
class Tracker:
    session: Session
    #: The day the command works as of (a Toronto date).
    today: date
    #: Who the command says makes each change (`--by`, else TRANSITION_USER,
    #: else the login).
    actor: str
    #: Where holiday dates come from (the command line keeps them on disk).
    holidays: HolidaySource = package_holidays
    #: What the user should hear about what was recorded, though it was.
    warnings: list[str] = field(default_factory=list)
    #: Who is really signed in, recorded beside the actor on every event.
    recorder: str = ""
    #: Trust the record as it now is, whatever this machine saw of it before
    #: (`transition fingerprint --anchor`; `transition.store.trail.anchors`).
    anchor: bool = False
    #: Where the record is, as messages show it (anchors are kept by it).
    where: str = ""

    def __post_init__(self) -> None:
        #: What the signed-in user may see and change (all of it on SQLite).
        self.access = access_of(self.session)
        self.recorder = self.recorder or self.access.user
        self.ids = Ids(self.session)
        self.find = Finder(self)
        self.journal = Journal(self)
        self.checklists = Checklists(self)
        self.change = Changes(self)
        self.mark = Marking(self)
        #: Whether this transaction writes (and so queued for the write lock).
        self.writing = self.session.connection().get_execution_options().get("immediate", False)
        if self.writing:
            self.journal.begin()
        event.listen(self.session, "before_flush", lambda *_: self._writable())
        event.listen(self.session, "after_flush", lambda *_: self._written())
        event.listen(self.session, "before_commit", lambda *_: self.write())

    def _writable(self) -> None:
        """A transaction opened for reading changes nothing: say so in one
        line before the database refuses (it would, `Backend.reader`)."""
        session = self.session
        if not self.writing and (session.new or session.dirty or session.deleted):
            raise ReadOnly()

    def _written(self) -> None:
        """After each flush: the rows are in, so their events can follow."""
        self.find.written()
        self.journal.write()

    def write(self) -> None:
        """Write what is pending: new and changed rows, then their events,
        then (on SQLite) their chain."""
        self.session.flush()
        self.journal.write()
        if self.writing:
            self.journal.seal()

    def keep(self, row: Any) -> None:
        """Add a new member, account, candidacy or item to the record with its
        id (`transition.store.ids`): the session writes it at its next flush,
        in a batch with the others, and `find` knows it at once."""
        if not self.writing:
            raise ReadOnly()
        row.id = self.ids.next(type(row))
        self.session.add(row)
        self.find.remember(row)
