"""Who hears about a step: an office's addresses, a step's owner, the clerk's address.

Reminders go to people, so the record learns where they are: a member's
office keeps its contact addresses (`member.emails`, several joined by
"; "), a step may have an owner with an address of their own
(`checklist_item.owner`, `checklist_item.owner_email`), and an election
the address of its clerk (`election.clerk_email`). Every column starts
empty.

SQLite's trail triggers name each table's columns (0007), so the three
tables' `*_trail_*` triggers are made again with the new columns; the
events written before this revision lack them, which `transition check`
reads as empty, as the columns were. PostgreSQL's trail takes the whole
row and its policies are the rows', so there only the columns are added:
the clerk changes members and elections, and office staff their own
member's steps, as before.

Revision ID: 0009_contacts
Revises: 0008_council_items
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_contacts"
down_revision: str | None = "0008_council_items"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The columns this revision adds, table by table.
COLUMNS = {
    "election": ("clerk_email",),
    "member": ("emails",),
    "checklist_item": ("owner", "owner_email"),
}
#: SQLite's clock, written as SQLAlchemy writes a datetime (as in 0007).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        if not postgresql:
            _drop_sqlite_triggers(table)
        for column in columns:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR")
        if not postgresql:
            _sqlite_triggers(table)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        if not postgresql:
            _drop_sqlite_triggers(table)
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        if not postgresql:
            _sqlite_triggers(table)


# -- SQLite's trail triggers, as 0007 makes them --------------------------------


def _drop_sqlite_triggers(table: str) -> None:
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER {table}_trail_{verb}")


def _sqlite_member(table: str, row: str) -> str:
    """The SQL for the member a row belongs to, if any."""
    if table == "member":
        return f"{row}.id"
    if table == "checklist_item":
        return f"(SELECT member_id FROM candidacy WHERE id = {row}.candidacy_id)"
    return "NULL"


def _sqlite_json(columns: list[str], row: str) -> str:
    return "json_object(" + ", ".join(f"'{name}', {row}.{name}" for name in columns) + ")"


def _sqlite_triggers(table: str) -> None:
    """The table's row events, with every column it has now."""
    rows = op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})").all()
    columns = sorted(row[1] for row in rows)
    for verb in ("INSERT", "UPDATE", "DELETE"):
        row = "OLD" if verb == "DELETE" else "NEW"
        before = "NULL" if verb == "INSERT" else _sqlite_json(columns, "OLD")
        after = "NULL" if verb == "DELETE" else _sqlite_json(columns, "NEW")
        item = f"{row}.id" if table == "checklist_item" and verb != "DELETE" else "NULL"
        when = "(SELECT restoring FROM transition_context) IS NOT 1"
        if verb == "UPDATE":
            changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in columns)
            when += f" AND ({changed})"
        op.execute(
            f"CREATE TRIGGER {table}_trail_{verb.lower()} AFTER {verb} ON {table} "
            f"WHEN {when} BEGIN "
            "INSERT INTO event (at, actor, recorded_by, action, member_id, item_id, "
            "subject, summary, before, after) VALUES ("
            f"{SQLITE_NOW}, coalesce((SELECT actor FROM transition_context), ''), "
            "(SELECT recorded_by FROM transition_context), "
            f"'row.{verb.lower()}', {_sqlite_member(table, row)}, {item}, "
            f"'{table} ' || {row}.id, '{verb.lower()} {table} ' || {row}.id, "
            f"{before}, {after}); END"
        )
