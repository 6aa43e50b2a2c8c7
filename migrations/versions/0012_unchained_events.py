"""SQLite finds the events still to chain from an index of them alone.

At the end of every write, SQLite chains the events that carry no hash yet:
the transaction's own, and the row events its triggers wrote for a writer
around transition since (`transition.store.backends.sqlite.seal`). Finding
them read the whole trail, twice a command (about 30 ms each on a
province's 120,000 events); a partial index holds only the events whose
`chain` is still empty, a handful at most, and an event leaves it as it is
chained.

PostgreSQL chains each event as it is inserted: this revision changes
nothing there.

Revision ID: 0012_unchained_events
Revises: 0011_council_status
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_unchained_events"
down_revision: str | None = "0011_council_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    op.execute("CREATE INDEX ix_event_unchained ON event (id) WHERE chain IS NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    op.execute("DROP INDEX ix_event_unchained")
