"""What an event says: its action, and the subject it is about.

The trail keeps both as text ("item.done" on "item 12"), which an export
carries and the hash chain covers; the code speaks of them as an `Action`
and a `Subject`, so a misspelt action is a name Python does not know, not
an event nobody will ever find.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """Every action the trail records."""

    ELECTION_ADDED = "election.added"
    ELECTION_DATES = "election.dates"
    ELECTION_OVERRIDE = "election.override"
    ELECTION_CLERK = "election.clerk"
    MEMBER_ADDED = "member.added"
    MEMBER_CHANGED = "member.changed"
    MEMBER_CONTACTS = "member.contacts"
    ACCOUNT_ADDED = "account.added"
    ACCOUNT_CHANGED = "account.changed"
    CANDIDACY_SET = "candidacy.set"
    CANDIDACY_FILING = "candidacy.filing"
    ITEM_ADDED = "item.added"
    ITEM_MOVED = "item.moved"
    ITEM_SUPERSEDED = "item.superseded"
    ITEM_RESTORED = "item.restored"
    ITEM_DONE = "item.done"
    ITEM_REOPENED = "item.reopened"
    ITEM_ANNOTATED = "item.annotated"
    ITEM_WAIVED = "item.waived"
    ITEM_ASSIGNED = "item.assigned"
    ITEM_ATTACHED = "item.attached"
    #: A sign-off of a member's record as it stood (`transition attest`).
    MEMBER_ATTESTED = "member.attested"
    REMINDER_CLAIMED = "reminder.claimed"
    REMINDER_SENT = "reminder.sent"
    REMINDER_FAILED = "reminder.failed"
    ACCESS_GRANTED = "access.granted"
    ACCESS_REVOKED = "access.revoked"
    #: Written by the database's triggers (migration 0007) for any writer.
    ROW_INSERT = "row.insert"
    ROW_UPDATE = "row.update"
    ROW_DELETE = "row.delete"
    ROW_BASELINE = "row.baseline"
    #: Where the trail, or its chain, begins.
    TRAIL_BASELINE = "trail.baseline"
    TRAIL_RESTORED = "trail.restored"


#: The row events the database writes when any writer changes a row.
ROW_CHANGES = (Action.ROW_INSERT, Action.ROW_UPDATE, Action.ROW_DELETE)


def by_the_database(action: str) -> bool:
    """An event the database wrote itself (a row's change, the trail's own)
    rather than one transition's commands describe."""
    return action.startswith(("row.", "trail."))


def is_row_event(action: str) -> bool:
    return action.startswith("row.")


@dataclass(frozen=True)
class Subject:
    """What an event is about: a kind ("member", or a table's name for a
    row event) and its key (an id, or a user's name for access)."""

    kind: str
    key: int | str | None = None

    def __str__(self) -> str:
        return self.kind if self.key is None else f"{self.kind} {self.key}"

    @classmethod
    def parse(cls, text: str) -> Subject:
        """The subject an event's text names: "item 12", "access sam", "record"."""
        kind, _, key = text.partition(" ")
        if not key:
            return cls(kind)
        return cls(kind, int(key) if key.isdigit() else key)


#: The whole record (a restore's event).
RECORD = Subject("record")
