"""Events refer to the checklist item they are about.

The audit trail named an item only in its subject text ("item 12"), which the
calendar feed and `transition check` then parsed back. Events gain an
`item_id` column, filled here for every earlier event from that text. The
trail is append-only, so its triggers are set aside for this one upgrade,
inside the same transaction, and made again before it ends.

Revision ID: 0003_event_item
Revises: 0002_closures
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_event_item"
down_revision: str | None = "0002_closures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("UPDATE", "DELETE")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    # SQLite adds a column with a foreign key by copying the table, which
    # drops its triggers; they are made again once the new column is filled.
    for verb in APPEND_ONLY:
        op.execute(f"DROP TRIGGER event_append_only_{verb.lower()}")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_event_item_id"), ["item_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_event_item_id_checklist_item", "checklist_item", ["item_id"], ["id"]
        )
    op.execute(
        "UPDATE event SET item_id = CAST(substr(subject, 6) AS INTEGER) "
        "WHERE subject LIKE 'item %' "
        "AND CAST(substr(subject, 6) AS INTEGER) IN (SELECT id FROM checklist_item)"
    )
    for verb in APPEND_ONLY:
        _create_trigger(verb)


def _upgrade_postgresql() -> None:
    op.add_column("event", sa.Column("item_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_event_item_id"), "event", ["item_id"], unique=False)
    op.create_foreign_key(
        "fk_event_item_id_checklist_item", "event", "checklist_item", ["item_id"], ["id"]
    )
    op.execute("ALTER TABLE event DISABLE TRIGGER event_append_only_update")
    op.execute(
        "UPDATE event SET item_id = CAST(substr(subject, 6) AS INTEGER) "
        "WHERE subject ~ '^item [0-9]{1,9}$' "
        "AND CAST(substr(subject, 6) AS INTEGER) IN (SELECT id FROM checklist_item)"
    )
    op.execute("ALTER TABLE event ENABLE TRIGGER event_append_only_update")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_event_item_id_checklist_item", "event", type_="foreignkey")
        op.drop_index(op.f("ix_event_item_id"), table_name="event")
        op.drop_column("event", "item_id")
        return
    for verb in APPEND_ONLY:
        op.execute(f"DROP TRIGGER event_append_only_{verb.lower()}")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("fk_event_item_id_checklist_item", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_event_item_id"))
        batch_op.drop_column("item_id")
    for verb in APPEND_ONLY:
        _create_trigger(verb)


def _create_trigger(verb: str) -> None:
    op.execute(
        f"CREATE TRIGGER event_append_only_{verb.lower()} BEFORE {verb} ON event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )
