"""Initial schema: elections, members, accounts, candidacies, checklist, events.

The event table is the audit trail: two triggers refuse any UPDATE or DELETE
on it, so no code path (ours or a stray SQL session) can rewrite history.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("UPDATE", "DELETE")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Names match in any case: SQLite's NOCASE, here an ICU collation that
        # ignores case (but not accents), which unique constraints respect.
        op.execute(
            'CREATE COLLATION IF NOT EXISTS "NOCASE" '
            "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )
    op.create_table(
        "election",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(collation="NOCASE"), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("nomination_day", sa.Date(), nullable=True),
        sa.Column("voting_day", sa.Date(), nullable=True),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("profile_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("profile_toml", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("before", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("after", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(collation="NOCASE"), nullable=False),
        sa.Column("ward", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("office", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("handle", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("identifies_member", sa.Boolean(), nullable=False),
        sa.Column("publicised", sa.Boolean(), nullable=False),
        sa.Column("uses_logo", sa.Boolean(), nullable=False),
        sa.Column("city_resources", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_member_id"), ["member_id"], unique=False)

    op.create_table(
        "candidacy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("running", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("option", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("filing_date", sa.Date(), nullable=True),
        sa.Column("filing_actual", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "election_id"),
    )
    with op.batch_alter_table("candidacy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidacy_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidacy_member_id"), ["member_id"], unique=False)

    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("latest", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("superseded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["candidacy_id"],
            ["candidacy.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidacy_id", "step_id", "account_id"),
    )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_item_candidacy_id"), ["candidacy_id"], unique=False
        )

    create_append_only_triggers()


def create_append_only_triggers() -> None:
    """The database itself refuses to change or delete an event."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
        )
        for verb in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER event_append_only_{verb.lower()} BEFORE {verb} ON event "
                "FOR EACH ROW EXECUTE FUNCTION event_append_only()"
            )
        op.execute(
            "CREATE TRIGGER event_append_only_truncate BEFORE TRUNCATE ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION event_append_only()"
        )
        return
    for verb in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER event_append_only_{verb.lower()} BEFORE {verb} ON event "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for verb in (*APPEND_ONLY, "TRUNCATE") if postgresql else APPEND_ONLY:
        op.execute(
            f"DROP TRIGGER event_append_only_{verb.lower()} ON event"
            if postgresql
            else f"DROP TRIGGER event_append_only_{verb.lower()}"
        )
    if postgresql:
        op.execute("DROP FUNCTION event_append_only()")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_item_candidacy_id"))

    op.drop_table("checklist_item")
    with op.batch_alter_table("candidacy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacy_member_id"))
        batch_op.drop_index(batch_op.f("ix_candidacy_election_id"))

    op.drop_table("candidacy")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_member_id"))

    op.drop_table("account")
    op.drop_table("member")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_member_id"))
        batch_op.drop_index(batch_op.f("ix_event_at"))

    op.drop_table("event")
    op.drop_table("election")
