"""The record's schema: the Alembic revisions this version knows, and
running them.

Both databases take the same migrations (`migrations/versions`, shipped in
the wheel); each backend decides when to run them (a SQLite file upgrades
itself after a backup, a shared PostgreSQL database only when its
administrator asks) and under which lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from transition.store.errors import SchemaNewer

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

#: The Alembic revisions this version knows, oldest first; the last is the
#: schema this code reads and writes. tests/store/test_database.py checks
#: this list against the scripts in migrations/versions.
REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_closures",
    "0003_event_item",
    "0004_audit_chain",
    "0005_access",
    "0006_names",
    "0007_content_trail",
    "0008_council_items",
    "0009_contacts",
    "0010_evidence",
    "0011_council_status",
    "0012_unchained_events",
    "0013_reminder_events",
)
HEAD = REVISIONS[-1]


def at_least(revision: str, than: str) -> bool:
    """Whether schema `revision` is `than` or later."""
    return REVISIONS.index(revision) >= REVISIONS.index(than)


def check_known(revision: str | None, where: Path | str) -> None:
    """Refuse a record a newer transition wrote: this one cannot read it."""
    if revision is not None and revision not in REVISIONS:
        raise SchemaNewer(str(where), revision)


def migrate(connection: Connection, revision: str = HEAD) -> None:
    """Run the migrations up to `revision` on a connection the caller holds
    in a transaction (and, where it matters, a lock)."""
    from alembic import command

    command.upgrade(_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    """Take the migrations back to `revision` (only ever on an empty database:
    a restore of an export made at an earlier schema)."""
    from alembic import command

    command.downgrade(_config(connection), revision)


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    from transition.files import resource_dir

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["connection"] = connection
    return config
