"""Anchors beyond the sheet: each machine remembers the last head it saw of each
record, and every command checks that the trail still extends it.

The chain shows an edit anywhere in the trail, but not a trail rewritten
whole, hashes and all, by someone who can write every row (SQLite's file,
PostgreSQL's owner). As Certificate Transparency's clients do, each machine
that runs `transition` keeps the last head it verified of each record, in
the user's state folder (TRANSITION_STATE_DIR moves it), and each command
checks that the trail still holds that event with that hash. A trail cut
off or rewritten is said in one line, and the machine keeps its anchor,
so the line is said again, until someone who has checked why runs
`transition fingerprint --anchor` to anchor the record as it now is.

A record is known by the hash of its first event and where it is (the
file's path, the server's database): a new record at the same path (a demo
built again) is another record, and so is a copy of one elsewhere, not a
rewrite; an older backup put back in its place is a trail cut off.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STATE_ENV = "TRANSITION_STATE_DIR"
STATE_NAME = "anchors.json"
#: Records one machine remembers, the most recently seen kept.
MAX_RECORDS = 200


@dataclass(frozen=True)
class Seen:
    """A record (its first event's hash, and where it is) and the head last seen."""

    record: str
    events: int
    head: str


def state_path() -> Path:
    folder = os.environ.get(STATE_ENV)
    if not folder:
        from platformdirs import user_state_path

        return user_state_path("transition", appauthor=False) / STATE_NAME
    return Path(folder) / STATE_NAME


def look(session: Session, where: str, trust: bool = False) -> tuple[Seen | None, str | None]:
    """The head now of the record at `where`, and a warning if the trail no
    longer extends the head this machine saw of it last (unless `trust`).
    Reads only, in one question to the database: the head, the first event's
    hash (which says which record this is) and the hash of each event this
    machine saw last of a record at `where`."""
    from transition.store.trail.journal import chain_points

    anchors = _read(state_path())
    seen_here = {
        record: anchor
        for record, entry in anchors.items()
        if record.partition(" ")[2] == where and (anchor := _anchor(entry)) is not None
    }
    wanted = sorted({events for events, _ in seen_here.values()})
    (count, _, head), (first, *hashes) = chain_points(session, [1, *wanted])
    if count == 0 or first is None:
        return None, None
    record = f"{first} {where}"
    now = Seen(record, count, head)
    before = anchors.get(record)
    if before is None or trust or record not in seen_here:
        return now, None  # a damaged entry anchors nothing; this head replaces it
    events, seen = seen_here[record]
    if count < events:
        return None, (
            f"the record's trail holds {count} events, and this machine saw {events} on "
            f"{before.get('seen', 'an earlier day')}: it was cut off since; "
            "`transition fingerprint --anchor` trusts it as it is, once you know why"
        )
    if dict(zip(wanted, hashes, strict=True))[events] != seen:
        return None, (
            f"event {events} of the record is not the one this machine saw on "
            f"{before.get('seen', 'an earlier day')}: the trail was rewritten since; "
            "`transition fingerprint --anchor` trusts it as it is, once you know why"
        )
    return now, None


def _anchor(entry: dict[str, Any]) -> tuple[int, str] | None:
    """(events, head) of an entry of the file, or None for a damaged one."""
    try:
        events, head = int(entry["events"]), str(entry["head"])
    except (KeyError, TypeError, ValueError):
        return None
    return (events, head) if 1 <= events < 2**31 else None


def keep(seen: Seen, today: str) -> None:
    """Remember `seen` as this record's last head (after the command's commit);
    the file is written only when the head moved."""
    path = state_path()
    anchors = _read(path)
    old = anchors.pop(seen.record, {})
    entry = {"events": seen.events, "head": seen.head, "seen": today}
    anchors[seen.record] = entry  # the most recently seen last
    if (old.get("events"), old.get("head")) == (seen.events, seen.head):
        return
    while len(anchors) > MAX_RECORDS:
        anchors.pop(next(iter(anchors)))
    _write(path, anchors)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: dict(value) for key, value in data.items() if isinstance(value, dict)}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _write(path: Path, data: dict[str, Any]) -> None:
    """Replace the file whole; a machine that cannot write does without."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        with suppress(OSError):
            scratch.unlink(missing_ok=True)
