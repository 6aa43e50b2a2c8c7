"""Who is signed in to the record, and what they may change.

On SQLite, access is the file's: whoever can open it may do everything, and
the one who did is the operating system login. On PostgreSQL the server
knows who connected; the roles it gives (office staff, clerk, auditor) are
enforced by the database itself (`transition.store.roles`), and checked here
first so that a refusal is one clear line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from transition.errors import TransitionError


def authenticated_actor(session: Any) -> str:
    """The signed-in user, whatever `--by` or TRANSITION_USER say."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SELECT current_user").scalar_one()
    return system_login()


def system_login() -> str:
    """The operating system's account of this process (not $USER, which anyone
    can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        import getpass

        return getpass.getuser()


#: What each role may do, in the words refusals use.
AUDITOR_REFUSAL = "you are this record's auditor: you may read everything and change nothing"


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
        if "auditor" in self.kinds and not self.members:
            raise TransitionError(AUDITOR_REFUSAL)
        raise TransitionError(
            f"only the clerk may {what}; you may change only {self._served()}'s record"
        )

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


def access_of(session: Any, user: str) -> Access:
    """The signed-in user's access: all of it on SQLite; on PostgreSQL, the
    owner's, or what the grants give (refused if they give nothing)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return Access(user=user, everything=True)
    owner = connection.exec_driver_sql(
        "SELECT pg_has_role(current_user, "
        "(SELECT relowner FROM pg_class WHERE oid = 'event'::regclass), 'MEMBER')"
    ).scalar_one()
    if owner:
        return Access(user=user, everything=True)
    rows = connection.exec_driver_sql(
        "SELECT g.kind, g.member_id, m.name FROM access_grant g "
        "LEFT JOIN member m ON m.id = g.member_id WHERE g.role_name = current_user"
    ).all()
    if not rows:
        raise TransitionError(
            f"user {user} has no access to this record; ask its clerk or owner to run "
            f"`transition access grant {user} --office MEMBER` (or --clerk, --auditor)"
        )
    return Access(
        user=user,
        kinds=frozenset(kind for kind, _, _ in rows),
        members={member_id: name for kind, member_id, name in rows if kind == "office"},
    )
