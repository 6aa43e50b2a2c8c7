"""The audit trail records who really made each change, and becomes a hash chain.

Events gain `recorded_by`, the authenticated actor beside the declared one:
the connected role on PostgreSQL (a trigger sets it, so no insert can say
otherwise, the table's owner aside, who restores old trails), the operating
system login on SQLite. Events written before this revision did not record
it, and keep it empty.

Events gain `chain`: SHA-256 over each event's content and the previous
event's hash (`transition.store.trail.chain`). The chain of the events already in
the trail is computed here, so it vouches for them only from this upgrade on.
The append-only triggers are set aside for that one update, inside the same
transaction.

Revision ID: 0004_audit_chain
Revises: 0003_event_item
Create Date: 2026-11-24
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004_audit_chain"
down_revision: str | None = "0003_event_item"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
EVENT = sa.table(
    "event",
    sa.column("id", sa.Integer()),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("recorded_by", sa.String()),
    sa.column("action", sa.String()),
    sa.column("member_id", sa.Integer()),
    sa.column("item_id", sa.Integer()),
    sa.column("subject", sa.String()),
    sa.column("summary", sa.String()),
    sa.column("before", sa.String()),
    sa.column("after", sa.String()),
    sa.column("chain", sa.String()),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if not postgresql:
        _drop_sqlite_triggers()
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("chain", sa.String(length=64), nullable=True))
    if postgresql:
        op.execute("ALTER TABLE event DISABLE TRIGGER event_append_only_update")
    _chain_existing_events()
    if postgresql:
        op.execute("ALTER TABLE event ENABLE TRIGGER event_append_only_update")
        op.execute(
            "CREATE FUNCTION event_recorded_by() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF NOT pg_has_role(current_user, "
            "(SELECT relowner FROM pg_class WHERE oid = 'event'::regclass), 'MEMBER') "
            "THEN NEW.recorded_by := current_user; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER event_recorded_by BEFORE INSERT ON event "
            "FOR EACH ROW EXECUTE FUNCTION event_recorded_by()"
        )
    else:
        _create_sqlite_triggers()


def _chain_existing_events() -> None:
    connection = op.get_bind()
    previous = GENESIS
    rows = connection.execute(sa.select(EVENT).order_by(EVENT.c.id)).mappings().all()
    for row in rows:
        previous = _hash(previous, row)
        connection.execute(EVENT.update().where(EVENT.c.id == row["id"]).values(chain=previous))


def _hash(previous: str, row: dict) -> str:
    """As transition.store.trail.chain.event_hash computed it at this revision."""
    at = row["at"]
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    content = [
        previous,
        row["id"],
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        row["actor"],
        row["recorded_by"],
        row["action"],
        row["member_id"],
        row["item_id"],
        row["subject"],
        row["summary"],
        row["before"],
        row["after"],
    ]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _drop_sqlite_triggers() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER event_append_only_{verb}")


def _create_sqlite_triggers() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER event_append_only_{verb.lower()} BEFORE {verb} ON event "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER event_recorded_by ON event")
        op.execute("DROP FUNCTION event_recorded_by()")
    else:
        _drop_sqlite_triggers()
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("chain")
        batch_op.drop_column("recorded_by")
    if not postgresql:
        _create_sqlite_triggers()
