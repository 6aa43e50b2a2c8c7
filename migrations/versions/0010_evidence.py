"""Evidence kept in the record: files, stored once a member, attached to steps.

A step's `evidence` was a URL, worth what the page shows today. The record
now keeps the file itself: `evidence_file` holds each distinct file of a
member's record once (its bytes, SHA-256, media type and size, unique by
member and hash), and `attachment` ties a file to a step with the name it
was attached under, the day it was captured and the day it was recorded.
Sign-offs of a member's record are events (`member.attested`), which a
partial index finds without reading the whole trail.

Both tables join the trail like the others: every row change is a row
event. A file's bytes are not copied into its events (a 25 MB photo would
be 25 MB of JSON in the trail, twice in an export); its SHA-256 is, so the
hash chain covers the file through its hash, and `transition check`
recomputes every stored file's hash against it. An attachment's events
name its step and member, so the trail's own check (0007) refuses an
attachment whose member is not its step's.

On PostgreSQL the roles of 0005 hold: office staff see and attach files of
their own members only, the clerk and the auditor see every file, and no
one but the owner updates or deletes one. The row trigger of `evidence_file`
leaves the bytes out as SQLite's does, and the row events of `attachment`
name their step (`transition_row_event` learns that here).

Revision ID: 0010_evidence
Revises: 0009_contacts
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_evidence"
down_revision: str | None = "0009_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: SQLite's clock, written as SQLAlchemy writes a datetime (as in 0007).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
#: The columns of each table whose rows the trail records; a file's bytes
#: are covered by its hash.
TRAILED = {
    "evidence_file": ("id", "media_type", "member_id", "sha256", "size"),
    "attachment": (
        "attached_at",
        "attached_by",
        "captured_on",
        "file_id",
        "id",
        "item_id",
        "member_id",
        "name",
    ),
}


def _tables(key: str, binary: str, moment: str) -> list[str]:
    """The two tables, in each database's words (PostgreSQL's ids come from
    sequences, `transition.store.ids`)."""
    return [
        "CREATE TABLE evidence_file ("
        f"id {key} PRIMARY KEY, "
        "member_id INTEGER NOT NULL REFERENCES member (id), "
        "sha256 VARCHAR(64) NOT NULL, "
        "media_type VARCHAR NOT NULL, "
        "size INTEGER NOT NULL, "
        f"content {binary} NOT NULL, "
        "CONSTRAINT evidence_file_once UNIQUE (member_id, sha256))",
        "CREATE TABLE attachment ("
        f"id {key} PRIMARY KEY, "
        "item_id INTEGER NOT NULL REFERENCES checklist_item (id), "
        "member_id INTEGER NOT NULL REFERENCES member (id), "
        "file_id INTEGER NOT NULL REFERENCES evidence_file (id), "
        "name VARCHAR NOT NULL, "
        "captured_on DATE NOT NULL, "
        f"attached_at {moment} NOT NULL, "
        "attached_by VARCHAR NOT NULL, "
        "CONSTRAINT attachment_once UNIQUE (item_id, file_id))",
        "CREATE INDEX ix_attachment_item_id ON attachment (item_id)",
        "CREATE INDEX ix_attachment_member_id ON attachment (member_id)",
        # Sign-offs (`member.attested` events), which status and every sheet
        # look up, without a scan of the whole trail.
        "CREATE INDEX ix_event_attested ON event (member_id, id) WHERE action = 'member.attested'",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgres()
        return
    for statement in _tables("INTEGER NOT NULL", "BLOB", "DATETIME"):
        op.execute(statement)
    for table, columns in TRAILED.items():
        _sqlite_triggers(table, columns)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgres()
        return
    for table in TRAILED:
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_trail_{verb}")
    op.execute("DROP INDEX ix_event_attested")
    op.execute("DROP TABLE attachment")
    op.execute("DROP TABLE evidence_file")


# -- SQLite's trail triggers, as 0007 makes them --------------------------------


def _sqlite_json(columns: Sequence[str], row: str) -> str:
    return "json_object(" + ", ".join(f"'{name}', {row}.{name}" for name in columns) + ")"


def _sqlite_triggers(table: str, columns: Sequence[str]) -> None:
    for verb in ("INSERT", "UPDATE", "DELETE"):
        row = "OLD" if verb == "DELETE" else "NEW"
        before = "NULL" if verb == "INSERT" else _sqlite_json(columns, "OLD")
        after = "NULL" if verb == "DELETE" else _sqlite_json(columns, "NEW")
        item = f"{row}.item_id" if table == "attachment" and verb != "DELETE" else "NULL"
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
            f"'row.{verb.lower()}', {row}.member_id, {item}, "
            f"'{table} ' || {row}.id, '{verb.lower()} {table} ' || {row}.id, "
            f"{before}, {after}); END"
        )


# -- PostgreSQL -----------------------------------------------------------------

DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"
CLERK = "transition_granted(current_user, 'clerk')"
READER = f"({CLERK} OR transition_granted(current_user, 'auditor'))"
SERVES = "transition_serves(current_user, member_id)"


def _row_event(item: str) -> str:
    """0007's `transition_row_event`, with the SQL giving an event's step."""
    return f"""CREATE OR REPLACE FUNCTION transition_row_event(who name, verb text, tab text,
        old jsonb, new jsonb) RETURNS void LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
            r jsonb := coalesce(new, old);
            member integer;
        BEGIN
            member := CASE tab
                WHEN 'member' THEN (r->>'id')::integer
                WHEN 'checklist_item'
                    THEN transition_candidacy_member((r->>'candidacy_id')::integer)
                ELSE (r->>'member_id')::integer END;
            INSERT INTO event (at, actor, recorded_by, action, member_id, item_id, subject,
                               summary, before, after)
            VALUES (clock_timestamp(), coalesce(current_setting('transition.actor', true), ''),
                    who, 'row.' || verb, member, {item},
                    tab || ' ' || (r->>'id'),
                    CASE verb
                        WHEN 'baseline'
                            THEN tab || ' ' || (r->>'id') || ' as it stood at the upgrade'
                        ELSE verb || ' ' || tab || ' ' || (r->>'id') END,
                    old::text, new::text);
        END $$"""


ITEM_0007 = "CASE WHEN tab = 'checklist_item' AND new IS NOT NULL THEN (r->>'id')::integer END"
ITEM_0010 = (
    "CASE WHEN new IS NULL THEN NULL "
    "WHEN tab = 'checklist_item' THEN (r->>'id')::integer "
    "WHEN tab = 'attachment' THEN (r->>'item_id')::integer END"
)

#: A file's row events, without its bytes.
FILE_TRAIL = """CREATE FUNCTION transition_file_trail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF transition_restoring() THEN RETURN NULL; END IF;
        IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - 'content' = to_jsonb(NEW) - 'content' THEN
            RETURN NULL;
        END IF;
        PERFORM transition_row_event(current_user, lower(TG_OP), TG_TABLE_NAME,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'content' END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'content' END);
        RETURN NULL;
    END $$"""


def _upgrade_postgres() -> None:
    for statement in _tables("serial", "bytea", "timestamp with time zone"):
        op.execute(statement)
    op.execute(_row_event(ITEM_0010))
    op.execute(FILE_TRAIL)
    op.execute(
        "CREATE TRIGGER evidence_file_trail AFTER INSERT OR UPDATE OR DELETE ON evidence_file "
        "FOR EACH ROW EXECUTE FUNCTION transition_file_trail()"
    )
    op.execute(
        "CREATE TRIGGER attachment_trail AFTER INSERT OR UPDATE OR DELETE ON attachment "
        "FOR EACH ROW EXECUTE FUNCTION transition_row_trail()"
    )
    for table in TRAILED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({READER} OR {SERVES})")
        op.execute(
            f"CREATE POLICY {table}_add ON {table} FOR INSERT WITH CHECK ({CLERK} OR {SERVES})"
        )
        op.execute(f"GRANT SELECT, INSERT ON {table} TO PUBLIC")
        op.execute(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO PUBLIC")


def _downgrade_postgres() -> None:
    op.execute("DROP INDEX ix_event_attested")
    op.execute("DROP TABLE attachment")
    op.execute("DROP TABLE evidence_file")
    op.execute("DROP FUNCTION transition_file_trail()")
    op.execute(_row_event(ITEM_0007))
