"""Who is signed in to the record, and what they may change.

On SQLite, access is the file's: whoever can open it may do everything, and
the one who did is the operating system login. On PostgreSQL the server
knows who connected; the roles it gives (office staff, clerk, auditor) are
enforced by the database itself (`transition.store.roles`), and checked here
first so that a refusal is one clear line.
"""

from __future__ import annotations

import os
from typing import Any


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
