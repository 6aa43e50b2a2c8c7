"""The council's status is counted by the server again, grouped, in one pass.

0008 had the server hand every current step of the election to the store's
one query (`transition.store.status`), which then counted them: on the
province's 3,000 members that is 38,400 rows through a function's result
set, materialised, sorted and grouped on eight columns of text, about twice
what SQLite takes for its own query on the same record. `council_status()`
counts them where they are, grouped by candidacy alone: one pass over the
steps gives each candidacy's counts and its next open step (the first in
due order), and only one row per candidacy leaves the server.

The rule is the core's, as the store's SQLite query says it
(`transition.core.terms.is_overdue` and `due_order`): an open step is
overdue once its latest day is past; the next is the open step due first
(a step due "on filing" at its latest day), the lowest id among equals. A
property test holds both databases' counts to that rule on random records.

Like 0008's function, it sees every member's steps, to anyone granted (office
staff may see how the council stands though not other members' steps): a
SECURITY DEFINER function with its search path fixed, executable by PUBLIC
as every function is, and answering nobody the record does not know.

SQLite has no functions or roles: this revision changes nothing there.

Revision ID: 0011_council_status
Revises: 0010_evidence
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_council_status"
down_revision: str | None = "0010_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp"
GRANTED = """(transition_granted(session_user, NULL)
               OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                             WHERE oid = 'event'::regclass), 'MEMBER'))"""

#: One row per candidacy of election $1, counted as of day $2: who, how many
#: steps are done, open, overdue and waived, then the next open step's day,
#: step and due date (the columns `transition.store.status` reads).
COUNCIL_STATUS = f"""CREATE FUNCTION council_status(integer, date)
    RETURNS TABLE (name text, ward text, office text, running text, option text,
                   filing_date date, filing_actual boolean, done bigint, open bigint,
                   overdue bigint, waived bigint, next_due date, step_id text, due date)
    {DEFINER} AS $$
    WITH counted AS (
        SELECT i.candidacy_id,
               count(*) FILTER (WHERE i.status = 'done') AS done,
               count(*) FILTER (WHERE i.status = 'open') AS open,
               count(*) FILTER (WHERE i.status = 'open' AND i.latest < $2) AS overdue,
               count(*) FILTER (WHERE i.status = 'waived') AS waived,
               (array_agg(i.id ORDER BY coalesce(i.due, i.latest), i.id)
                    FILTER (WHERE i.status = 'open'))[1] AS next_id
        FROM checklist_item AS i
        JOIN candidacy AS c ON c.id = i.candidacy_id
        WHERE c.election_id = $1 AND i.superseded_at IS NULL
        GROUP BY i.candidacy_id
    )
    SELECT m.name, m.ward, m.office, c.running, c.option, c.filing_date, c.filing_actual,
           coalesce(k.done, 0), coalesce(k.open, 0), coalesce(k.overdue, 0),
           coalesce(k.waived, 0), coalesce(n.due, n.latest), n.step_id, n.due
    FROM candidacy AS c
    JOIN member AS m ON m.id = c.member_id
    LEFT JOIN counted AS k ON k.candidacy_id = c.id
    LEFT JOIN checklist_item AS n ON n.id = k.next_id
    WHERE c.election_id = $1 AND {GRANTED} $$"""

#: 0008's function, as it was, for a downgrade.
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


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION council_items(integer)")
    op.execute(COUNCIL_STATUS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION council_status(integer, date)")
    op.execute(COUNCIL_ITEMS)
