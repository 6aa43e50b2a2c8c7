"""The trail covers the record's contents: every row change is an event the database writes.

Until this revision the trail held the events `transition` wrote, and a row
changed around it (psql, sqlite3) left no trace. From here on a trigger on
every table of the record writes a `row.insert`, `row.update` or
`row.delete` event with the whole row before and after, whoever makes the
change and however; `transition check` replays those events field by field
against the rows.

On PostgreSQL the database also dates, numbers and chains every event: a
trigger locks the one row of `event_head` (a lock only a writer of the
trail can take, so writers queue there), gives the event the next id, the
server's `clock_timestamp()` (never before the last event's), the
signed-in role and its hash
(`transition.store.trail.chain`, in SQL), and refuses an event about one member's
step that names another member. Grants get their provenance (`granted_by`,
`granted_at`) from the server too. Only the tables' owner can set the
triggers aside, and only while restoring an export (`transition.restoring`).

On SQLite the triggers write the same row events; the file has no server to
hash them, so `transition` chains every unchained event at the end of each
of its transactions (`transition.store.trail.journal.seal`), and the append-only
trigger allows exactly that: setting a missing hash. A command's declared
actor reaches the triggers through the one-row `transition_context` table,
which holds a row only inside a `transition` transaction.

SQLite's triggers name each table's columns as they are at this revision
(PostgreSQL's take the whole row): a later revision that adds or renames a
column of the record must make that table's `*_trail_*` triggers again.

The rows already in the record get one `row.baseline` event each, and a
`trail.baseline` event says where the record's contents begin to be vouched
for: as they stood at this upgrade.

Revision ID: 0007_content_trail
Revises: 0006_names
Create Date: 2026-12-02
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007_content_trail"
down_revision: str | None = "0006_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
#: The record's tables, parents first (the order the baseline walks them in).
SQLITE_TABLES = ("election", "office_override", "member", "account", "candidacy", "checklist_item")
POSTGRES_TABLES = (*SQLITE_TABLES, "access_grant")
BASELINE = (
    "the trail records the contents of every row from here on; the rows already in the record "
    "are recorded as they stood at this upgrade, which the trail cannot vouch for before it"
)
#: An event's fields after its id and time, in the order its hash covers them
#: (as `transition.store.trail.chain.HASHED_FIELDS` has them at this revision).
EVENT_FIELDS = (
    "actor",
    "recorded_by",
    "action",
    "member_id",
    "item_id",
    "subject",
    "summary",
    "before",
    "after",
)
#: SQLite's clock, written as SQLAlchemy writes a datetime (microseconds).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
OWNER = (
    "pg_has_role(current_user, "
    "(SELECT relowner FROM pg_class WHERE oid = 'event'::regclass), 'MEMBER')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgres()
    else:
        _upgrade_sqlite()


# -- SQLite -------------------------------------------------------------------


def _sqlite_member(table: str, row: str) -> str:
    """The SQL for the member a row belongs to, if any."""
    if table == "member":
        return f"{row}.id"
    if table in ("account", "candidacy"):
        return f"{row}.member_id"
    if table == "checklist_item":
        return f"(SELECT member_id FROM candidacy WHERE id = {row}.candidacy_id)"
    return "NULL"


def _sqlite_json(columns: list[str], row: str) -> str:
    return "json_object(" + ", ".join(f"'{name}', {row}.{name}" for name in columns) + ")"


def _sqlite_columns(table: str) -> list[str]:
    rows = op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})").all()
    return sorted(row[1] for row in rows)


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE TABLE transition_context ("
        "actor VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL, "
        "restoring BOOLEAN NOT NULL DEFAULT 0)"
    )
    _sqlite_baseline()
    _sqlite_chain()
    for table in SQLITE_TABLES:
        columns = _sqlite_columns(table)
        for verb in ("INSERT", "UPDATE", "DELETE"):
            row = "OLD" if verb == "DELETE" else "NEW"
            before = "NULL" if verb == "INSERT" else _sqlite_json(columns, "OLD")
            after = "NULL" if verb == "DELETE" else _sqlite_json(columns, "NEW")
            item = f"{row}.id" if table == "checklist_item" and verb != "DELETE" else "NULL"
            when = "(SELECT restoring FROM transition_context) IS NOT 1"
            if verb == "UPDATE":  # a column at a time: cheaper than two JSON objects
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
    # An event about a step names the step's own member, as on the server.
    op.execute(
        "CREATE TRIGGER event_item_member BEFORE INSERT ON event "
        "WHEN NEW.item_id IS NOT NULL AND NEW.member_id IS NOT (SELECT c.member_id "
        "FROM checklist_item AS i JOIN candidacy AS c ON c.id = i.candidacy_id "
        "WHERE i.id = NEW.item_id) "
        "BEGIN SELECT RAISE(ABORT, 'an event about an item must name its member'); END"
    )
    # The append-only trail lets one update through: a missing hash set.
    op.execute("DROP TRIGGER event_append_only_update")
    unchanged = " AND ".join(f"NEW.{name} IS OLD.{name}" for name in ("id", "at", *EVENT_FIELDS))
    op.execute(
        "CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event "
        f"WHEN NOT (OLD.chain IS NULL AND NEW.chain IS NOT NULL AND {unchanged}) "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )


def _sqlite_baseline() -> None:
    connection = op.get_bind()
    if not any(
        connection.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() for t in SQLITE_TABLES
    ):
        return
    for table in SQLITE_TABLES:
        item = "R.id" if table == "checklist_item" else "NULL"
        op.execute(
            "INSERT INTO event (at, actor, recorded_by, action, member_id, item_id, subject, "
            "summary, before, after) "
            f"SELECT {SQLITE_NOW}, '', 'transition upgrade', 'row.baseline', "
            f"{_sqlite_member(table, 'R')}, {item}, '{table} ' || R.id, "
            f"'{table} ' || R.id || ' as it stood at the upgrade', NULL, "
            f"{_sqlite_json(_sqlite_columns(table), 'R')} FROM {table} AS R ORDER BY R.id"
        )
    op.execute(
        "INSERT INTO event (at, actor, recorded_by, action, subject, summary) "
        f"VALUES ({SQLITE_NOW}, '', 'transition upgrade', 'trail.baseline', 'record', "
        f"'{BASELINE}')"
    )


def _sqlite_chain() -> None:
    """Chain the events this upgrade wrote, as `transition.store.trail.journal.seal` does."""
    connection = op.get_bind()
    rows = connection.exec_driver_sql(
        "SELECT id, at, actor, recorded_by, action, member_id, item_id, subject, summary, "
        "before, after FROM event WHERE chain IS NULL ORDER BY id"
    ).all()
    if not rows:
        return
    previous = (
        connection.exec_driver_sql(
            "SELECT chain FROM event WHERE id < ? AND chain IS NOT NULL ORDER BY id DESC LIMIT 1",
            (rows[0][0],),
        ).scalar()
        or GENESIS
    )
    sealed = []
    for row in rows:
        previous = _hash(previous, row)
        sealed.append({"chain": previous, "id": row[0]})
    # The old append-only trigger is still in place: set it aside for this update.
    op.execute("DROP TRIGGER event_append_only_update")
    connection.execute(sa.text("UPDATE event SET chain = :chain WHERE id = :id"), sealed)
    op.execute(
        "CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )


def _hash(previous: str, row: Sequence) -> str:
    """As transition.store.trail.chain.event_hash computes it at this revision."""
    at = datetime.fromisoformat(row[1])
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    content = [previous, row[0], at.astimezone(UTC).isoformat(timespec="microseconds"), *row[2:]]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# -- PostgreSQL ---------------------------------------------------------------

DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"


def _json(expression: str) -> str:
    """A value as Python's json.dumps writes it, or null."""
    return f"coalesce(to_json({expression})::text, 'null')"


#: What an event's hash covers, in order: as `transition.store.trail.chain.event_hash`.
HASHED = (
    "previous",
    "e.id",
    "to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'",
    *(f"e.{name}" for name in EVENT_FIELDS),
)

POSTGRES_FUNCTIONS = [
    # Restoring: the owner loads a trail as it was, and nothing is rewritten.
    f"""CREATE FUNCTION transition_restoring() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('transition.restoring', true), '') = 'on'
               AND {OWNER} $$""",
    # transition.store.trail.chain.event_hash, in SQL: the same JSON text, the same SHA-256.
    "CREATE FUNCTION transition_event_hash(previous text, e event) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT encode(sha256(convert_to("
    "'[' || concat_ws(',', " + ", ".join(_json(part) for part in HASHED) + ") || ']', "
    "'UTF8')), 'hex') $$",
    # The next event in the trail: its id, the server's time and its hash, under
    # the lock of the trail's head, which every writer of the trail queues for.
    f"""CREATE FUNCTION transition_seal(e event) RETURNS event LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
            last_id integer;
            last_chain text;
            last_at timestamptz;
            owner_of_item integer;
        BEGIN
            -- The lock alone: the head row is never updated, so a transaction
            -- of a hundred thousand events leaves no chain of row versions.
            PERFORM 1 FROM event_head FOR UPDATE;
            SELECT id, chain, at INTO last_id, last_chain, last_at FROM event
                ORDER BY id DESC LIMIT 1;
            IF e.item_id IS NOT NULL THEN
                SELECT c.member_id INTO owner_of_item FROM checklist_item i
                    JOIN candidacy c ON c.id = i.candidacy_id WHERE i.id = e.item_id;
                IF owner_of_item IS DISTINCT FROM e.member_id THEN
                    RAISE EXCEPTION 'an event about item % must name its member, %',
                        e.item_id, owner_of_item USING ERRCODE = '23514';
                END IF;
            END IF;
            e.id := coalesce(last_id, 0) + 1;
            e.at := greatest(clock_timestamp(), last_at);
            e.chain := transition_event_hash(coalesce(last_chain, repeat('0', 64)), e);
            RETURN e;
        END $$""",
    # Every event, from transition or not: dated, numbered and chained here.
    f"""CREATE FUNCTION event_seal() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF transition_restoring() THEN RETURN NEW; END IF;
            -- Row events are the database's own (transition_row_event runs as
            -- the owner); nobody else may write one, or the trail's account of
            -- a row would be theirs to make up.
            IF (NEW.action LIKE 'row.%' OR NEW.action LIKE 'trail.%') AND NOT {OWNER} THEN
                RAISE EXCEPTION 'only the database writes % events', NEW.action
                    USING ERRCODE = '42501';
            END IF;
            IF NOT {OWNER} OR NEW.recorded_by IS NULL THEN
                NEW.recorded_by := current_user;
            END IF;
            RETURN transition_seal(NEW);
        END $$""",
    # One row change as an event, written as the owner (the change itself was
    # the table's policies to allow), on behalf of the role that made it.
    f"""CREATE FUNCTION transition_row_event(who name, verb text, tab text, old jsonb,
        new jsonb) RETURNS void LANGUAGE plpgsql {DEFINER} AS $$
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
                    who, 'row.' || verb, member,
                    CASE WHEN tab = 'checklist_item' AND new IS NOT NULL
                         THEN (r->>'id')::integer END,
                    tab || ' ' || (r->>'id'),
                    CASE verb
                        WHEN 'baseline'
                            THEN tab || ' ' || (r->>'id') || ' as it stood at the upgrade'
                        ELSE verb || ' ' || tab || ' ' || (r->>'id') END,
                    old::text, new::text);
        END $$""",
    """CREATE FUNCTION transition_row_trail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF transition_restoring() THEN RETURN NULL; END IF;
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) = to_jsonb(NEW) THEN RETURN NULL; END IF;
            PERFORM transition_row_event(current_user, lower(TG_OP), TG_TABLE_NAME,
                CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
            RETURN NULL;
        END $$""",
    # A grant says who gave it and when as the server saw it, not as typed.
    """CREATE FUNCTION access_grant_provenance() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT transition_restoring() THEN
                NEW.granted_by := current_user;
                NEW.granted_at := clock_timestamp();
            END IF;
            RETURN NEW;
        END $$""",
    # Whether the record holds anything, whatever rows one may see (a restore
    # into it asks, by whoever restores).
    f"""CREATE FUNCTION transition_is_empty() RETURNS boolean LANGUAGE sql STABLE {DEFINER} AS $$
        SELECT NOT EXISTS (SELECT 1 FROM event) AND NOT EXISTS (SELECT 1 FROM member)
           AND NOT EXISTS (SELECT 1 FROM election) $$""",
    # One event's hash, for anyone the record knows: each machine's anchor
    # (`transition.store.trail.anchors`) checks the trail still holds what it saw.
    f"""CREATE FUNCTION transition_chain_at(integer) RETURNS text LANGUAGE sql STABLE
        {DEFINER} AS $$
        SELECT e.chain FROM event e WHERE e.id = $1
          AND (transition_granted(session_user, NULL)
               OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                             WHERE oid = 'event'::regclass), 'MEMBER')) $$""",
    # The writers' queue: the head's row lock, for those the record knows.
    f"""CREATE FUNCTION transition_write_lock() RETURNS void LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
            IF NOT (transition_granted(session_user, NULL)
                    OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                                  WHERE oid = 'event'::regclass), 'MEMBER')) THEN
                RAISE EXCEPTION 'user % has no access to this record', session_user
                    USING ERRCODE = '42501';
            END IF;
            PERFORM 1 FROM event_head FOR UPDATE;
        END $$""",
]


#: The words a column may hold, as transition's vocabulary has them at this
#: revision: on the server, a role writing with psql is held to them too.
VOCABULARY = (
    ("checklist_item", "status", ("open", "done", "waived")),
    ("member", "office", ("councillor", "mayor")),
    ("office_override", "office", ("councillor", "mayor")),
    ("candidacy", "running", ("yes", "no", "undecided")),
    ("candidacy", "option", ("separate", "single")),
    ("account", "role", ("council", "campaign", "single")),
    ("election", "kind", ("regular", "by-election")),
)


def _upgrade_postgres() -> None:
    op.execute("DROP TRIGGER event_recorded_by ON event")
    op.execute("DROP FUNCTION event_recorded_by()")
    # One row, which writers of the trail lock and nobody else can.
    op.execute("CREATE TABLE event_head (one boolean PRIMARY KEY DEFAULT true CHECK (one))")
    op.execute("INSERT INTO event_head DEFAULT VALUES")
    op.execute("REVOKE ALL ON event_head FROM PUBLIC")
    for statement in POSTGRES_FUNCTIONS:
        op.execute(statement)
    op.execute(
        "CREATE TRIGGER event_seal BEFORE INSERT ON event "
        "FOR EACH ROW EXECUTE FUNCTION event_seal()"
    )
    op.execute(
        "CREATE TRIGGER access_grant_provenance BEFORE INSERT OR UPDATE ON access_grant "
        "FOR EACH ROW EXECUTE FUNCTION access_grant_provenance()"
    )
    connection = op.get_bind()
    if any(
        connection.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() for t in POSTGRES_TABLES
    ):
        for table in POSTGRES_TABLES:
            op.execute(
                f"SELECT transition_row_event(current_user, 'baseline', '{table}', NULL, "
                f"to_jsonb(r)) FROM (SELECT * FROM {table} ORDER BY id) AS r"
            )
        op.execute(
            "INSERT INTO event (at, actor, action, subject, summary) "
            f"VALUES (clock_timestamp(), '', 'trail.baseline', 'record', '{BASELINE}')"
        )
    for table, name, values in VOCABULARY:
        listed = ", ".join(f"'{value}'" for value in values)
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_{name}_known "
            f"CHECK ({name} IS NULL OR {name} IN ({listed}))"
        )
    for table in POSTGRES_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_trail AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION transition_row_trail()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in POSTGRES_TABLES:
            op.execute(f"DROP TRIGGER {table}_trail ON {table}")
        for table, name, _ in VOCABULARY:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_{name}_known")
        op.execute("DROP TRIGGER access_grant_provenance ON access_grant")
        op.execute("DROP TRIGGER event_seal ON event")
        for name in (
            "transition_write_lock()",
            "transition_is_empty()",
            "transition_chain_at(integer)",
            "access_grant_provenance()",
            "transition_row_trail()",
            "transition_row_event(name, text, text, jsonb, jsonb)",
            "event_seal()",
            "transition_seal(event)",
            "transition_event_hash(text, event)",
            "transition_restoring()",
        ):
            op.execute(f"DROP FUNCTION {name}")
        op.execute("DROP TABLE event_head")
        op.execute(
            "CREATE FUNCTION event_recorded_by() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF NOT {OWNER} THEN NEW.recorded_by := current_user; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER event_recorded_by BEFORE INSERT ON event "
            "FOR EACH ROW EXECUTE FUNCTION event_recorded_by()"
        )
        return
    for table in SQLITE_TABLES:
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_trail_{verb}")
    op.execute("DROP TRIGGER event_item_member")
    op.execute("DROP TABLE transition_context")
    op.execute("DROP TRIGGER event_append_only_update")
    op.execute(
        "CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )
