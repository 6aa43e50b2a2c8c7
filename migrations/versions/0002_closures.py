"""Closure calendars and office overrides.

Profiles gain a closure calendar (schema 2): the days the clerk's office is
closed, from which the first filing day follows. An election keeps a copy of
the profile it was added with; a copy of the City of Toronto's 2016 profile
exactly as the first release shipped it gains the City's designated holidays
here, with an event in the audit trail, because its first filing days were
computed from Ontario's public holidays alone. Any other profile is left as
it was written (a schema 1 profile closes on the Legislation Act's holidays).

Elections gain a by-law date (a by-election's dates are checked against
it) and a table of dates the law changed for one office, with the source.

Revision ID: 0002_closures
Revises: 0001_initial
Create Date: 2026-11-24
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002_closures"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The SHA-256 of toronto-2016.toml as the first release shipped it.
FIRST_TORONTO_PROFILE = "cb12fd188c0f13032d01d8d82bebecc819958912ec70359e2be2a04e23cc8fd0"

OLD_ANCHOR_COMMENT = """\
# label is optional: a few words for narrow places (the council overview).
# anchor is "publication-cutoff" (the day the nomination period opens) or
# "filing-date" (the day the member files nomination papers); offset_days
# moves the due date from the anchor (negative is earlier).
"""

NEW_ANCHOR_COMMENT = """\
# label is optional: a few words for narrow places (the council overview).
# anchor is the date the step hangs on: "publication-cutoff" (the day the
# nomination period opens), "filing-date" (the day the member files
# nomination papers), "nomination-day", "voting-day", or a day of the
# election year as "MM-DD" (such as "08-01"); offset_days moves the due date
# from the anchor (negative is earlier).
"""

TORONTO_CLOSURES = """\
# The days the clerk's office is closed. Nomination papers are filed in
# person, so the first day they can be filed is the first day on or after the
# opening that is not a weekend and not one of these. The holidays' dates come
# from the `holidays` package (country, subdivision, language and the
# category each name is found in); `weekend` says what happens when one falls
# on a Saturday or Sunday:
#   next-weekday  the office also closes on the next weekday not already closed
#   after-sunday  only a Sunday holiday moves to the next weekday
#   none          no alternate day
# Days the package does not know go in [[closures.days]], with a name and a
# date ("12-24" every year, "2030-12-24" once) and a weekend rule.
[closures]
# The City of Toronto's twelve designated holidays: the Ontario public
# holidays, Easter Monday, the Civic Holiday and Remembrance Day, with an
# alternate weekday for one on a weekend, Remembrance Day excepted. This
# covers the Legislation Act, 2006, ss. 87-88 (July 2 when Canada Day is a
# Sunday; the Tuesday after a Sunday Christmas).
source = "City of Toronto designated holidays; Legislation Act, 2006, ss. 87-88"
country = "CA"
subdivision = "ON"
language = "en_CA"
weekend = "next-weekday"

[[closures.holidays]]
name = "New Year's Day"
category = "public"

[[closures.holidays]]
name = "Family Day"
category = "public"

[[closures.holidays]]
name = "Good Friday"
category = "public"

[[closures.holidays]]
name = "Easter Monday"
category = "optional"

[[closures.holidays]]
name = "Victoria Day"
category = "public"

[[closures.holidays]]
name = "Canada Day"
category = "public"

[[closures.holidays]]
name = "Civic Holiday"
category = "optional"

[[closures.holidays]]
name = "Labour Day"
category = "public"

[[closures.holidays]]
name = "Thanksgiving Day"
category = "public"

[[closures.holidays]]
name = "Remembrance Day"
category = "optional"
weekend = "none"

[[closures.holidays]]
name = "Christmas Day"
category = "public"

[[closures.holidays]]
name = "Boxing Day"
category = "public"

"""


#: The audit trail as this revision knows it (append-only: inserts only).
EVENT = sa.table(
    "event",
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("summary", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bylaw_date", sa.Date(), nullable=True))
    op.create_table(
        "office_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("office", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("nomination_day", sa.Date(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("election_id", "office"),
    )
    with op.batch_alter_table("office_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_override_election_id"), ["election_id"], unique=False
        )
    _add_toronto_closures()


def _add_toronto_closures() -> None:
    connection = op.get_bind()
    elections = connection.execute(sa.text("SELECT id, name, profile_toml FROM election"))
    for election_id, name, text in list(elections):
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != FIRST_TORONTO_PROFILE:
            continue
        updated = (
            text.replace("schema = 1\n", "schema = 2\n", 1)
            .replace(OLD_ANCHOR_COMMENT, NEW_ANCHOR_COMMENT, 1)
            .replace("# Dated steps.", TORONTO_CLOSURES + "# Dated steps.", 1)
        )
        connection.execute(
            sa.text("UPDATE election SET profile_toml = :text WHERE id = :id"),
            {"text": updated, "id": election_id},
        )
        connection.execute(
            EVENT.insert().values(
                at=datetime.now(UTC),
                actor="transition upgrade",
                action="election.profile",
                subject=f"election {election_id}",
                summary=(
                    f"added the City of Toronto's designated holidays to the profile of "
                    f"{name} (the days the clerk's office is closed)"
                ),
            )
        )


def downgrade() -> None:
    connection = op.get_bind()
    for election_id, text in list(
        connection.execute(sa.text("SELECT id, profile_toml FROM election"))
    ):
        if TORONTO_CLOSURES not in text:
            continue
        restored = (
            text.replace(TORONTO_CLOSURES, "", 1)
            .replace(NEW_ANCHOR_COMMENT, OLD_ANCHOR_COMMENT, 1)
            .replace("schema = 2\n", "schema = 1\n", 1)
        )
        connection.execute(
            sa.text("UPDATE election SET profile_toml = :text WHERE id = :id"),
            {"text": restored, "id": election_id},
        )
    with op.batch_alter_table("office_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_override_election_id"))
    op.drop_table("office_override")
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.drop_column("bylaw_date")
