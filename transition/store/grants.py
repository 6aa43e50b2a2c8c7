"""Granting access to the council's record on PostgreSQL.

`transition access grant USER --office MEMBER` lets a staffer see and change
that member's record (repeatable: a staffer may serve several members);
`--clerk` gives everything, the grants included; `--auditor` lets one read
everything and change nothing. USER is a PostgreSQL login role, created
(without a password) when it does not exist yet, which needs the right to
create roles. The database enforces what each may do (migration 0005); the
grants live in its `access_grant` table, and every change of them is in the
audit trail. On SQLite there is no one to grant to: access is the file's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from transition.errors import TransitionError
from transition.store.backends import backend_of
from transition.store.models import Member
from transition.store.shapes import Grant
from transition.store.trail.events import Action, Subject
from transition.store.values import clean_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from transition.store.tracker import Tracker

KINDS = ("office", "clerk", "auditor")
LABELS = {"office": "office staff", "clerk": "clerk", "auditor": "auditor"}


def grant(tracker: Tracker, user: str, kind: str, members: list[Member]) -> list[str]:
    """Give `user` a role (office staff of each of `members`, clerk, or auditor)."""
    connection = _server(tracker)
    tracker.access.check_clerk("manage access to the record")
    user = _role_name(user)
    created = _ensure_login(connection, user)
    said = [f"created the login role {user} (without a password)"] if created else []
    # No member: the one grant of a clerk or an auditor.
    targets: Sequence[Member | None] = members or [None]
    for member in targets:
        member_id = member.id if member else None
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM access_grant WHERE role_name = %(user)s AND kind = %(kind)s "
            "AND coalesce(member_id, 0) = %(member)s",
            {"user": user, "kind": kind, "member": member_id or 0},
        ).first()
        what = LABELS[kind] + (f" of {member.name}" if member else "")
        if exists:
            said.append(f"{user} is already {what}; nothing changed")
            continue
        connection.exec_driver_sql(
            "INSERT INTO access_grant (role_name, kind, member_id) "
            "VALUES (%(user)s, %(kind)s, %(member)s)",
            {"user": user, "kind": kind, "member": member_id},
        )
        tracker.journal.record(
            Action.ACCESS_GRANTED,
            Subject("access", user),
            f"made {user} {what}",
            member,
            after={"role": user, "kind": kind, "member": member.name if member else None},
        )
        said.append(f"{user} is now {what}")
    return said


def revoke(tracker: Tracker, user: str) -> str:
    """Take every grant from `user` (the login role itself stays)."""
    connection = _server(tracker)
    tracker.access.check_clerk("manage access to the record")
    user = _role_name(user)
    held = list_grants(tracker, user)
    if not held:
        return f"{user} holds no access to this record; nothing changed"
    roles = "; ".join(_described(row) for row in held)
    tracker.journal.record(
        Action.ACCESS_REVOKED,
        Subject("access", user),
        f"took from {user}: {roles}",
        before={"held": roles},
    )
    # The event first: a clerk who revokes their own grant may still write it.
    tracker.journal.write()
    connection.exec_driver_sql(
        "DELETE FROM access_grant WHERE role_name = %(user)s", {"user": user}
    )
    return f"{user} no longer has access ({roles})"


def list_grants(tracker: Tracker, user: str | None = None) -> list[Grant]:
    connection = _server(tracker)
    if user is None:
        tracker.access.check_reads_all("the list of who has access")
    rows = connection.exec_driver_sql(
        "SELECT g.role_name, g.kind, m.name, g.granted_at, g.granted_by FROM access_grant g "
        "LEFT JOIN member m ON m.id = g.member_id "
        "WHERE CAST(%(user)s AS text) IS NULL OR g.role_name = %(user)s "
        "ORDER BY g.role_name, g.kind, m.name",
        {"user": user},
    ).all()
    return [
        {
            "user": role,
            "role": kind,
            "member": name,
            "granted_at": at.isoformat(timespec="seconds"),
            "granted_by": by,
        }
        for role, kind, name, at, by in rows
    ]


def _described(row: Grant) -> str:
    return LABELS[row["role"]] + (f" of {row['member']}" if row["member"] else "")


def _server(tracker: Tracker) -> Connection:
    connection = tracker.session.connection()
    if not backend_of(connection).has_roles:
        raise TransitionError(
            "on SQLite, access is the file's: whoever can open the file may read and change "
            "the record (see 'Sharing a database with a team' in the README); roles need "
            "the council's record on PostgreSQL"
        )
    return connection


def _role_name(user: str) -> str:
    user = clean_text(user, "user name")
    if len(user.encode("utf-8")) > 63:
        raise TransitionError(f"{user!r} is longer than a PostgreSQL role name can be (63 bytes)")
    return user


def _ensure_login(connection: Connection, user: str) -> bool:
    """Create the login role if it does not exist; whether it was created."""
    if connection.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(user)s", {"user": user}
    ).first():
        return False
    may = connection.exec_driver_sql(
        "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
    ).scalar()
    if not may:
        raise TransitionError(
            f"there is no login role {user} on the server, and you may not create roles: "
            f"ask its administrator to run CREATE ROLE {user} LOGIN, then grant again"
        )
    quoted = connection.dialect.identifier_preparer.quote_identifier(user)
    connection.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
    return True
