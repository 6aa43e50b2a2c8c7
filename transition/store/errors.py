"""The store's refusals, as data.

Each carries what it is about (the name looked for and the candidates, the
schema found and the one needed), so a caller can act on it; its text is a
plain statement of the fact. How to put it right in a command's words (which
command lists the names, which flag to give) is the command line's
(`transition.cli.wording`), as sqlite-utils' `NotFoundError` leaves its
wording to its CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from transition.errors import TransitionError

#: The auditor's answer to any change.
AUDITOR_REFUSAL = "you are this record's auditor: you may read everything and change nothing"


class StoreError(TransitionError):
    """A refusal of the store (exit status 1).

    It crosses process boundaries whole (a PDF is read in a worker process),
    with its data, though its constructor takes other arguments than its text."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuilt, (type(self), str(self), self.__dict__)


def _rebuilt(kind: type[StoreError], text: str, data: dict[str, Any]) -> StoreError:
    error = kind.__new__(kind)
    Exception.__init__(error, text)
    error.__dict__.update(data)
    return error


class NotFound(StoreError):
    """No `kind` is called (or numbered) `wanted`; `close` are the names
    that come nearest, if any."""

    def __init__(self, kind: str, wanted: str | int, close: Sequence[str] = ()) -> None:
        self.kind = kind
        self.wanted = wanted
        self.close = tuple(close)
        shown = repr(wanted) if isinstance(wanted, str) else str(wanted)
        super().__init__(f"there is no {kind} {shown}")


class Ambiguous(StoreError):
    """`wanted` matches several `kind`s (`matches`, the first few of
    `count`): `exactly` when they are the same name but for case or accents."""

    def __init__(
        self, kind: str, wanted: str, matches: Sequence[str], count: int, exactly: bool
    ) -> None:
        self.kind = kind
        self.wanted = wanted
        self.matches = tuple(matches)
        self.count = count
        self.exactly = exactly
        names = ", ".join(repr(name) for name in self.matches)
        more = f" and {count - len(self.matches)} more" if count > len(self.matches) else ""
        super().__init__(f"{wanted!r} matches {count} {kind}s ({names}{more})")


class NoElection(StoreError):
    """No election to work on was named, and none follows: the record has
    none (`any_at_all` false), or every one is over."""

    def __init__(self, any_at_all: bool) -> None:
        self.any_at_all = any_at_all
        super().__init__(
            "every election in the database is over" if any_at_all else "there is no election yet"
        )


class SchemaNewer(StoreError):
    """The record at `where` has a schema this version does not know."""

    def __init__(self, where: str, revision: str) -> None:
        self.where = where
        self.revision = revision
        super().__init__(
            f"{where} was written by a newer version of transition (schema {revision})"
        )


class SchemaBehind(StoreError):
    """A shared record at `where` is at schema `revision`, older than `head`,
    and only its administrator upgrades it."""

    def __init__(self, where: str, revision: str, head: str) -> None:
        self.where = where
        self.revision = revision
        self.head = head
        super().__init__(f"{where} is at schema {revision} and this transition needs {head}")


class NoTables(StoreError):
    """A shared database at `where` has no transition tables yet."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(f"{where} has no transition tables yet")


class ClerkOnly(StoreError):
    """Only the clerk may do `what`; the user serves `served` (members'
    names), or is the auditor, who changes nothing."""

    def __init__(self, what: str, served: Sequence[str], auditor: bool = False) -> None:
        self.what = what
        self.served = tuple(served)
        self.auditor = auditor
        if auditor:
            super().__init__(AUDITOR_REFUSAL)
        else:
            served_text = " and ".join(self.served) or "no member"
            super().__init__(
                f"only the clerk may {what}; you may change only {served_text}'s record"
            )


class Conflict(StoreError):
    """The server undid the transaction `attempts` times to keep concurrent
    ones apart; nothing was changed."""

    def __init__(self, attempts: int) -> None:
        self.attempts = attempts
        super().__init__(
            f"the server undid this change {attempts} times to keep concurrent changes apart"
        )


class NoAccess(StoreError):
    """The signed-in `user` holds no grant on the shared record."""

    def __init__(self, user: str) -> None:
        self.user = user
        super().__init__(f"user {user} has no access to this record")


class ReadOnly(StoreError):
    """A transaction of a record opened for reading tried to change it;
    nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            "the record was opened for reading, so nothing was changed; open it for "
            "writing (mode=Mode.WRITE) to change it"
        )


class WrongKindOfElection(StoreError):
    """A change made for one kind of election asked of the other: a
    regular election's dates are the law's, a by-election's the clerk's."""

    def __init__(self, election: str, kind: str) -> None:
        self.election = election
        self.kind = kind
        if kind == "regular":
            text = f"the {election} election is a regular election; its dates follow the law"
        else:
            text = f"{election} is a by-election: its dates are the clerk's, not one office's"
        super().__init__(text)


class NothingToRecord(StoreError):
    """A note, evidence or a file was to be recorded, and none was given."""

    def __init__(self) -> None:
        super().__init__("there is no note, evidence or file to record")


class Remedy(StrEnum):
    """What puts a refusal right, in the store's terms: the command line says
    it in its own words (which flag, which command)."""

    #: Open another database instead.
    OTHER_DATABASE = "another database"
    #: Create the folder the database would be in, or open another.
    CREATE_FOLDER = "the folder created, or another database"
    #: Remove the file in the database's place, or open another.
    REMOVE_FILE = "the file removed, or another database"
    #: Check the record: it names every problem it finds.
    CHECK = "a check of the record"
    #: A JSON export of a record, as the export writes it.
    EXPORT = "an export of a record"
    #: The file saved as UTF-8, or its encoding given.
    ENCODING = "the file's encoding"
    #: Another encoding given.
    OTHER_ENCODING = "another encoding"
    #: A member named exactly as recorded: the list of members shows them.
    MEMBER_NAMES = "the members' names"
    #: A ward given, or the office made the mayor's.
    WARD = "a ward, or the mayor's office"
    #: No ward given, or the office made the mayor's.
    NO_WARD = "no ward, or the mayor's office"
    #: A file the record keeps, named as the list of evidence shows it.
    EVIDENCE_LIST = "the record's evidence files"
    #: The clerk's sign-off, given by the clerk.
    CLERK_SIGNS = "the clerk's own sign-in"


class Refused(StoreError):
    """A refusal whose text states the fact and whose `remedy` the caller
    puts in its own words."""

    def __init__(self, fact: str, remedy: Remedy) -> None:
        self.fact = fact
        self.remedy = remedy
        super().__init__(fact)


class UnknownEncoding(StoreError):
    """`encoding` names no text encoding Python knows (a usage mistake: exit 2)."""

    exit_code = 2

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        super().__init__(f"{encoding!r} is not a text encoding Python knows")


#: How many of a file's bad rows a refusal shows.
SHOWN_PROBLEMS = 10


class BadRows(StoreError):
    """A file's rows refused, each problem with its line (the first few
    shown, and how many more); `remedy`, if the rows' problems share one, is
    what puts them right."""

    def __init__(self, what: str, problems: Sequence[str], remedy: Remedy | None = None) -> None:
        self.problems = tuple(problems)
        self.remedy = remedy
        shown = list(self.problems[:SHOWN_PROBLEMS])
        if len(self.problems) > len(shown):
            shown.append(f"and {len(self.problems) - len(shown)} more like them")
        super().__init__(f"{what}, so nothing was imported: " + "; ".join(shown))
