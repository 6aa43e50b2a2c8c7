"""The reminders claimed are found from an index of their events alone.

Every `remind`, dry run or not, reads which reminders were claimed, sent or
failed, so that none goes twice (`transition.store.reminders.claimed`); that
read the whole trail (about 25 ms on a province's 120,000 events, and the
trail only grows). A partial index holds the reminder events alone, on
both databases; the queries name the three actions as the index does, in
SQL text, which is how SQLite sees that the index serves them.

Revision ID: 0013_reminder_events
Revises: 0012_unchained_events
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_reminder_events"
down_revision: str | None = "0012_unchained_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The reminder actions, as `transition.store.reminders.REMINDER_EVENTS` says them.
REMINDER_EVENTS = "action IN ('reminder.claimed', 'reminder.sent', 'reminder.failed')"


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_event_reminders ON event (id) WHERE {REMINDER_EVENTS}")


def downgrade() -> None:
    op.execute("DROP INDEX ix_event_reminders")
