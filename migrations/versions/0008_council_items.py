"""The council's status is counted by one query on both databases.

`council_status()` (0005) counted each member's steps in SQL of its own,
so the rule for "overdue" and "next due" was written twice, once here and
once in the store's SQLite query, and changing it took a migration. The
function now only gives the rows the status counts (every current step of
the election's candidacies, to anyone granted, since office staff may see
how the council stands though not other members' steps), and the store's
one query (`transition.store.status`) counts them, on SQLite from the
tables themselves.

SQLite has no functions or roles: this revision changes nothing there.

Revision ID: 0008_council_items
Revises: 0007_content_trail
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_council_items"
down_revision: str | None = "0007_content_trail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp"
GRANTED = """(transition_granted(session_user, NULL)
               OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                             WHERE oid = 'event'::regclass), 'MEMBER'))"""

COUNCIL_ITEMS = f"""CREATE FUNCTION council_items(integer)
    RETURNS TABLE (candidacy_id integer, name text, ward text, office text, running text,
                   option text, filing_date date, filing_actual boolean, item_id integer,
                   status text, due date, latest date, step_id text)
    {DEFINER} AS $$
    SELECT c.id, m.name, m.ward, m.office, c.running, c.option, c.filing_date,
           c.filing_actual, i.id, i.status, i.due, i.latest, i.step_id
    FROM candidacy AS c
    JOIN member AS m ON m.id = c.member_id
    LEFT JOIN checklist_item AS i ON i.candidacy_id = c.id AND i.superseded_at IS NULL
    WHERE c.election_id = $1 AND {GRANTED} $$"""

#: 0005's function, as it was, for a downgrade.
COUNCIL_STATUS = f"""CREATE FUNCTION council_status(integer, date)
    RETURNS TABLE (name text, ward text, office text, running text, option text,
                   filing_date date, filing_actual boolean, done bigint, open bigint,
                   overdue bigint, waived bigint, next_due date, step_id text, due date)
    {DEFINER} AS $$
    SELECT m.name, m.ward, m.office, c.running, c.option, c.filing_date, c.filing_actual,
           count(CASE WHEN i.status = 'done' THEN 1 END),
           count(CASE WHEN i.status = 'open' THEN 1 END),
           count(CASE WHEN i.status = 'open' AND i.latest < $2 THEN 1 END),
           count(CASE WHEN i.status = 'waived' THEN 1 END),
           coalesce(n.due, n.latest), n.step_id, n.due
    FROM candidacy AS c
    JOIN member AS m ON m.id = c.member_id
    LEFT JOIN checklist_item AS i ON i.candidacy_id = c.id AND i.superseded_at IS NULL
    LEFT JOIN checklist_item AS n ON n.id = (
        SELECT o.id FROM checklist_item AS o
        WHERE o.candidacy_id = c.id AND o.status = 'open' AND o.superseded_at IS NULL
        ORDER BY coalesce(o.due, o.latest), o.id LIMIT 1)
    WHERE c.election_id = $1 AND {GRANTED}
    GROUP BY c.id, m.name, m.ward, m.office, c.running, c.option, c.filing_date,
             c.filing_actual, n.due, n.latest, n.step_id $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION council_status(integer, date)")
    op.execute(COUNCIL_ITEMS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION council_items(integer)")
    op.execute(COUNCIL_STATUS)
