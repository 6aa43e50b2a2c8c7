"""The audit trail as a hash chain, so history cannot be rewritten unseen.

Each event carries a SHA-256 over a canonical encoding of its content and the
previous event's hash. Editing, deleting or reordering any event breaks every
link after it; `transition check` and `transition verify` recompute the chain
and name the first event that no longer fits. The record's fingerprint (the
number of events and the head of the chain) is printed on the sign-off
sheet, so the paper a member signs pins the record as it was.

The chain shows tampering; it cannot stop someone who rewrites the whole
trail after the last fingerprint was taken. Migration 0004 computed the
chain of the events written before it, which it vouches for only from then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from transition.store.shapes import FingerprintPayload

#: The hash the first event links to.
GENESIS = "0" * 64
#: Hex digits of the head a fingerprint shows.
FINGERPRINT_DIGITS = 16


#: An event's fields after its id and time, in the order the hash covers them.
HASHED_FIELDS = (
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


def event_hash(previous: str, event: Any) -> str:
    """The hash of `event` (an Event row, or anything with its fields) after `previous`."""
    rest = [getattr(event, name) for name in HASHED_FIELDS]
    return content_hash(previous, event.id, _moment(event.at), rest)


def content_hash(previous: str, event_id: int, moment: str, rest: Sequence[Any]) -> str:
    """The hash itself: SHA-256 of the compact JSON array of the previous hash,
    the id, the UTC time as text and the other fields (the README spells it out)."""
    encoded = json.dumps(
        [previous, event_id, moment, *rest], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def moment_text(at: datetime | str) -> str:
    """An event's time as the hash covers it, from a datetime or from the text
    SQLite holds ("2030-05-04 13:05:00.123000", UTC), which is read fast."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " " and at[19] == ".":
            return f"{at[:10]}T{at[11:]}+00:00"
        at = datetime.fromisoformat(at)
    return _moment(at)


def _moment(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Break:
    """Where the chain stops explaining the trail."""

    event_id: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.event_id} {self.reason}"


def first_break(events: Iterable[Any]) -> Break | None:
    """The first event, in id order, that was edited, deleted before, inserted
    out of order, or never chained; None if the whole chain holds."""
    previous, last_id, last_at = GENESIS, 0, None
    for event in events:
        if event.chain is None:
            return Break(event.id, "carries no hash: it was written outside transition")
        if event.id != last_id + 1:
            return Break(
                event.id,
                f"follows event {last_id}: {event.id - last_id - 1} event(s) before it "
                "were deleted",
            )
        if last_at is not None and event.at < last_at:
            return Break(event.id, "is dated before the event it follows: inserted out of order")
        if event_hash(previous, event) != event.chain:
            return Break(
                event.id,
                "was edited or moved: its content and the event before it no longer give its hash",
            )
        previous, last_id, last_at = event.chain, event.id, event.at
    return None


@dataclass(frozen=True)
class Fingerprint:
    """The record as it stands: how many events, the head of their chain, and
    the digest of the contents they replay to (`transition.store.trail.contents`),
    where the one who took it could read the whole record."""

    events: int
    head: str
    contents: str = ""

    def __str__(self) -> str:
        shown = f"{self.events}-{self.head[:FINGERPRINT_DIGITS]}"
        return f"{shown}-{self.contents[:FINGERPRINT_DIGITS]}" if self.contents else shown

    @classmethod
    def parse(cls, text: str) -> Fingerprint:
        from transition.errors import UsageError

        count, *digests = text.strip().lower().split("-")
        if not (
            count.isdigit()
            and 1 <= len(digests) <= 2
            and all(
                len(part) == FINGERPRINT_DIGITS and all(c in "0123456789abcdef" for c in part)
                for part in digests
            )
        ):
            raise UsageError(
                f"{text!r} is not a fingerprint; it looks like "
                "412-9f86d081884c7d65-2c26b46b68ffc68f "
                "(a count and one or two digests, as the sign-off sheet prints it)"
            )
        return cls(int(count), *digests)

    def payload(self) -> FingerprintPayload:
        return {
            "fingerprint": str(self),
            "events": self.events,
            "head": self.head,
            "contents": self.contents or None,
        }
