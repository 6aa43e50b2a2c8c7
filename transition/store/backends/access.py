"""Who is signed in to the record, and what they may change.

On SQLite, access is the file's: whoever can open it may do everything, and
the one who did is the operating system login. On PostgreSQL the server
knows who connected; the roles it gives (office staff, clerk, auditor) are
enforced by the database itself (`transition.store.grants`), and checked here
first so that a refusal is one clear line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from transition.errors import TransitionError
from transition.store.backends import backend_of
from transition.store.errors import AUDITOR_REFUSAL, ClerkOnly

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def system_login() -> str:
    """The operating system's account of this process (not $USER, which anyone
    can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        import getpass

        return getpass.getuser()


@dataclass(frozen=True)
class Access:
    """What the signed-in user may see and change on this record."""

    user: str
    #: The file's (SQLite), or the database's owner: everything.
    everything: bool = False
    kinds: frozenset[str] = frozenset()
    #: The members an office staffer serves: id to name.
    members: dict[int, str] = field(default_factory=dict)

    @property
    def reads_all(self) -> bool:
        return self.everything or bool(self.kinds & {"clerk", "auditor"})

    @property
    def clerk(self) -> bool:
        return self.everything or "clerk" in self.kinds

    def check_clerk(self, what: str) -> None:
        """Elections, members and grants are the clerk's (and the owner's)."""
        if self.clerk:
            return
        auditor = "auditor" in self.kinds and not self.members
        raise ClerkOnly(what, sorted(self.members.values()), auditor=auditor)

    def check_member(self, member_id: int, name: str, what: str = "steps") -> None:
        """A member's candidacy, accounts and steps: the clerk's, or their office's."""
        if self.clerk or member_id in self.members:
            return
        if not self.members:
            raise TransitionError(AUDITOR_REFUSAL)
        raise TransitionError(f"you may change only {self._served()}'s {what}, not {name}'s")

    def check_reads_all(self, what: str) -> None:
        if not self.reads_all:
            raise TransitionError(
                f"{what} needs the whole record, which only the clerk and the auditor see; "
                f"you see {self._served()}'s"
            )

    def _served(self) -> str:
        return " and ".join(sorted(self.members.values())) or "no member"


EVERYTHING = Access(user="", everything=True)


def access_of(session: Session) -> Access:
    """Who is signed in (whatever `--by` or TRANSITION_USER say), and their
    access: all of it on SQLite; on PostgreSQL, the owner's, or what the
    grants give (refused if they give nothing)."""
    connection = session.connection()
    return backend_of(connection).access(connection)
