"""Sign-offs: the member, the office's lead or the clerk says the record stands.

A sign-off is an event (`member.attested`) and nothing else: the trail is
already the append-only, chained place for who said what when. It holds the
record's fingerprint at that moment, so anyone can later ask what changed
since (`verify`), and the event's `recorded_by` is who was really signed in,
whatever `--by` said. What changed since is counted from the row events
about the member written after it (a step reopened, a file added, a date
moved): reminders sent and other sign-offs change no row, and do not count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal_column
from sqlalchemy import select as sql_select
from sqlmodel import col, select

from transition.core.terms import Signer
from transition.store.errors import Refused, Remedy
from transition.store.models import Event, Member, key
from transition.store.shapes import Attestation
from transition.store.trail.events import Action, Subject
from transition.store.values import optional_text

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnClause

    from transition.store.tracker import Tracker

#: The action as SQL text, not a parameter: the partial index of migration
#: 0010 serves a query only where SQLite can see it is the index's own.
ATTESTED: ColumnClause[str] = literal_column(f"'{Action.MEMBER_ATTESTED}'")


def attest(tracker: Tracker, member: Member, signer: Signer, note: str | None) -> Attestation:
    """Sign off `member`'s record as it stands, as `signer`. The clerk's
    sign-off is the clerk's alone; an office signs for its own member."""
    from transition.store.trail.integrity import fingerprint, vouched_for

    access = tracker.access
    if signer == Signer.CLERK and not access.clerk:
        raise Refused(
            f"only the clerk may sign off {member.name}'s record as the clerk",
            Remedy.CLERK_SIGNS,
        )
    access.check_member(key(member), member.name, "record")
    vouched_for(tracker, member)
    pinned = fingerprint(tracker)
    text = optional_text(note, "note", None)
    signed = {
        "as": str(signer),
        "fingerprint": str(pinned),
        "events": pinned.events,
        "head": pinned.head,
        "contents": pinned.contents or None,
        "on": tracker.today.isoformat(),
        "note": text,
    }
    tracker.journal.record(
        Action.MEMBER_ATTESTED,
        Subject("member", member.id),
        f"{member.name}'s record signed off by the {signer}",
        member,
        after=signed,
    )
    tracker.write()
    (found,) = attestations(tracker, [key(member)], latest_only=False)[key(member)][-1:]
    return found


def attestations(
    tracker: Tracker, member_ids: Iterable[int] | None = None, *, latest_only: bool = True
) -> dict[int, list[Attestation]]:
    """Each member's sign-offs, oldest first (only each signer's latest, if
    `latest_only`), with how many of their rows changed since each."""
    from sqlalchemy.orm import aliased

    from transition.store.listings import toronto_time

    after = aliased(Event, name="later")
    changes = (
        select(func.count(col(after.id)))
        .where(
            after.member_id == Event.member_id,
            col(after.id) > Event.id,
            col(after.action).like("row.%"),
        )
        .scalar_subquery()
    )
    query = (
        sql_select(
            col(Event.id),
            col(Event.member_id),
            col(Event.at),
            col(Event.actor),
            col(Event.recorded_by),
            col(Event.after),
            changes,
        )
        .where(col(Event.action) == ATTESTED)
        # The partial index's own order: a scan of it, not of every event.
        .order_by(col(Event.member_id), col(Event.id))
    )
    if member_ids is not None:
        wanted = list(member_ids)
        query = query.where(col(Event.member_id).in_(wanted))
    found: dict[int, list[Attestation]] = {}
    rows = tracker.session.connection().execute(query)
    for event_id, member_id, at, actor, recorded_by, after, count in rows:
        values: dict[str, Any] = json.loads(after) if after else {}
        moment = toronto_time(at)
        found.setdefault(member_id, []).append(
            {
                "event": event_id,
                "signed_as": str(values.get("as", "")),
                "actor": actor,
                "recorded_by": recorded_by,
                "on": str(values.get("on") or moment[:10]),
                "at": moment,
                "fingerprint": str(values.get("fingerprint", "")),
                "note": values.get("note"),
                "changes_since": int(count),
            }
        )
    if latest_only:
        for member_id, signed in found.items():
            latest = {row["signed_as"]: row for row in signed}
            found[member_id] = sorted(latest.values(), key=lambda row: row["event"])
    return found


def attestation_text(row: Attestation) -> str:
    """A sign-off in words: "signed off by the clerk on 2030-08-20; 2 changes since"."""
    said = f"signed off by the {row['signed_as']} on {row['on']}"
    if row["changes_since"]:
        plural = "change" if row["changes_since"] == 1 else "changes"
        return f"{said}; {row['changes_since']} {plural} since"
    return f"{said}; unchanged since"
