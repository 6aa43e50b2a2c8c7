"""Who may change what on a shared record, enforced by PostgreSQL itself.

On PostgreSQL the record gains a table of grants (`transition access grant`)
and row-level security on every table, so that a staffer who connects with
psql gets no further than through transition:

- office staff see and change only their members' candidacies, accounts,
  checklist items and events; they see every election and member (names and
  seats), and the council's status counts through `council_status()`;
- the clerk sees and changes everything, and manages the grants;
- the auditor sees everything and changes nothing;
- nobody but the owner updates or deletes an event (no grant, and triggers).

Rights go to PUBLIC and the policies decide, so the migration needs no
right to create roles; a role with no grant sees no row. The functions the
policies call run as the owner (SECURITY DEFINER), with a fixed search_path.
SQLite has no roles: its access is the file's, and this revision changes
nothing there.

Revision ID: 0005_access
Revises: 0004_audit_chain
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_access"
down_revision: str | None = "0004_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFINER = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp"

FUNCTIONS = [
    # Does `who` hold a grant of this kind (any grant, for kind NULL)?
    f"""CREATE FUNCTION transition_granted(name, text) RETURNS boolean {DEFINER} AS $$
        SELECT EXISTS (SELECT 1 FROM access_grant
                       WHERE role_name = $1 AND ($2 IS NULL OR kind = $2)) $$""",
    # Does `who` serve this member as office staff?
    f"""CREATE FUNCTION transition_serves(name, integer) RETURNS boolean {DEFINER} AS $$
        SELECT EXISTS (SELECT 1 FROM access_grant
                       WHERE role_name = $1 AND kind = 'office' AND member_id = $2) $$""",
    f"""CREATE FUNCTION transition_candidacy_member(integer) RETURNS integer
        {DEFINER} AS $$
        SELECT member_id FROM candidacy WHERE id = $1 $$""",
    # Whose an item is, by name (for a refusal that says so), for anyone granted.
    f"""CREATE FUNCTION transition_item_member(integer) RETURNS text {DEFINER} AS $$
        SELECT m.name FROM checklist_item i JOIN candidacy c ON c.id = i.candidacy_id
        JOIN member m ON m.id = c.member_id
        WHERE i.id = $1 AND transition_granted(session_user, NULL) $$""",
    # Where the next event links, and the fingerprint, whatever rows one may see.
    f"""CREATE FUNCTION transition_chain_head(OUT events bigint, OUT last_id integer,
        OUT chain text) {DEFINER} AS $$
        SELECT (SELECT count(*) FROM event), e.id, e.chain FROM event e
        WHERE transition_granted(session_user, NULL)
           OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                         WHERE oid = 'event'::regclass), 'MEMBER')
        ORDER BY e.id DESC LIMIT 1 $$""",
    # The council at a glance, counts only, for everyone granted (office staff
    # see no other member's items, but may see how the council stands).
    f"""CREATE FUNCTION council_status(integer, date)
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
        WHERE c.election_id = $1
          AND (transition_granted(session_user, NULL)
               OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                             WHERE oid = 'event'::regclass), 'MEMBER'))
        GROUP BY c.id, m.name, m.ward, m.office, c.running, c.option, c.filing_date,
                 c.filing_actual, n.due, n.latest, n.step_id $$""",
]

CLERK = "transition_granted(current_user, 'clerk')"
READER = f"({CLERK} OR transition_granted(current_user, 'auditor'))"


def _policies() -> list[tuple[str, str, str, str]]:
    """(table, command, USING, WITH CHECK) for every policy."""
    anyone = "transition_granted(current_user, NULL)"
    serves = "transition_serves(current_user, member_id)"
    serves_item = "transition_serves(current_user, transition_candidacy_member(candidacy_id))"
    serves_event = f"(member_id IS NOT NULL AND {serves})"
    policies = []
    for table in ("election", "office_override", "member"):
        policies.append((table, "SELECT", anyone, ""))
        policies.append((table, "ALL", CLERK, CLERK))
    for table, mine in (
        ("account", serves),
        ("candidacy", serves),
        ("checklist_item", serves_item),
    ):
        policies.append((table, "SELECT", f"({READER} OR {mine})", ""))
        policies.append((table, "INSERT", "", f"({CLERK} OR {mine})"))
        policies.append((table, "UPDATE", f"({CLERK} OR {mine})", f"({CLERK} OR {mine})"))
    policies.append(("event", "SELECT", f"({READER} OR {serves_event})", ""))
    policies.append(("event", "INSERT", "", f"({CLERK} OR {serves_event})"))
    policies.append(("access_grant", "SELECT", f"(role_name = current_user OR {READER})", ""))
    policies.append(("access_grant", "ALL", CLERK, CLERK))
    return policies


RIGHTS = [
    "GRANT SELECT, INSERT, UPDATE ON election, member, account, candidacy, checklist_item "
    "TO PUBLIC",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON office_override, access_grant TO PUBLIC",
    "GRANT SELECT, INSERT ON event TO PUBLIC",
    "GRANT SELECT ON alembic_version TO PUBLIC",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO PUBLIC",
]
TABLES = (
    "election",
    "office_override",
    "member",
    "account",
    "candidacy",
    "checklist_item",
    "event",
    "access_grant",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE access_grant ("
        "id serial PRIMARY KEY, "
        "role_name name NOT NULL, "
        "kind text NOT NULL CHECK (kind IN ('office', 'clerk', 'auditor')), "
        "member_id integer REFERENCES member (id), "
        "granted_at timestamptz NOT NULL DEFAULT now(), "
        "granted_by name NOT NULL DEFAULT current_user, "
        "CHECK ((kind = 'office') = (member_id IS NOT NULL)))"
    )
    op.execute(
        "CREATE UNIQUE INDEX access_grant_once ON access_grant "
        "(role_name, kind, coalesce(member_id, 0))"
    )
    for statement in FUNCTIONS:
        op.execute(statement)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for number, (table, command, using, check) in enumerate(_policies()):
        clauses = (f" USING ({using})" if using else "") + (
            f" WITH CHECK ({check})" if check else ""
        )
        op.execute(f"CREATE POLICY p{number}_{table} ON {table} FOR {command}{clauses}")
    for statement in RIGHTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in RIGHTS:
        op.execute(statement.replace("GRANT", "REVOKE").replace(" TO ", " FROM "))
    for number, (table, *_) in enumerate(_policies()):
        op.execute(f"DROP POLICY p{number}_{table} ON {table}")
    for table in TABLES[:-1]:
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in (
        "council_status(integer, date)",
        "transition_chain_head()",
        "transition_item_member(integer)",
        "transition_candidacy_member(integer)",
        "transition_serves(name, integer)",
    ):
        op.execute(f"DROP FUNCTION {name}")
    op.execute("DROP FUNCTION transition_granted(name, text)")
    op.execute("DROP TABLE access_grant")
