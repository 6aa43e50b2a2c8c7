"""Names are stored as they are looked up: Unicode NFC, whitespace folded.

Lookups folded runs of spaces while stored names kept them, so "Ann  Lee"
(two spaces) could not be told from "Ann Lee", and a name pasted with a
non-breaking space could not be reached at all. Names are now normalised
when stored; this revision normalises the members and elections already
recorded, each rename an event in the audit trail (chained as every event
is). Two names that would become one are not merged: the upgrade is refused,
naming them, and the database is left as it was.

Revision ID: 0006_names
Revises: 0005_access
Create Date: 2026-11-24
"""

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from transition.errors import TransitionError

revision: str = "0006_names"
down_revision: str | None = "0005_access"
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


def normal(name: str) -> str:
    text = unicodedata.normalize("NFC", name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def upgrade() -> None:
    connection = op.get_bind()
    renames = []
    for table, kind in (("member", "member"), ("election", "election")):
        rows = connection.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all()
        seen: dict[str, tuple[int, str]] = {}
        for row_id, name in rows:
            tidy = normal(name)
            other = seen.get(tidy.casefold())
            if other is not None:
                raise TransitionError(
                    f"cannot upgrade: the {kind}s {other[1]!r} ({kind} {other[0]}) and "
                    f"{name!r} ({kind} {row_id}) would have one name once spaces and Unicode "
                    f"are tidied; rename one first (UPDATE {table} SET name = '...' WHERE "
                    f"id = {row_id}), nothing was changed"
                )
            seen[tidy.casefold()] = (row_id, name)
            if tidy != name:
                renames.append((table, kind, row_id, name, tidy))
    if not renames:
        return
    last = connection.execute(
        sa.select(EVENT.c.id, EVENT.c.chain).order_by(EVENT.c.id.desc()).limit(1)
    ).first()
    last_id, previous = (last[0], last[1] or GENESIS) if last else (0, GENESIS)
    for table, kind, row_id, name, tidy in renames:
        connection.execute(
            sa.text(f"UPDATE {table} SET name = :name WHERE id = :id"), {"name": tidy, "id": row_id}
        )
        last_id += 1
        event = {
            "id": last_id,
            "at": datetime.now(UTC),
            "actor": "transition upgrade",
            "recorded_by": None,
            "action": f"{kind}.renamed",
            "member_id": row_id if kind == "member" else None,
            "item_id": None,
            "subject": f"{kind} {row_id}",
            "summary": f"tidied the name {name!r} to {tidy!r}",
            "before": json.dumps({"name": name}, ensure_ascii=False),
            "after": json.dumps({"name": tidy}, ensure_ascii=False),
        }
        previous = event["chain"] = _hash(previous, event)
        connection.execute(EVENT.insert().values(**event))


def _hash(previous: str, row: dict) -> str:
    """As transition.store.trail.chain.event_hash computes it at this revision."""
    content = [
        previous,
        row["id"],
        row["at"].astimezone(UTC).isoformat(timespec="microseconds"),
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


def downgrade() -> None:
    """Tidied names stay tidy: nothing to undo."""
