"""Write every regular election's calendar, 2010 to 2100, to a committed snapshot.

A change to a regime or to the holiday rules shows up as a reviewable diff of
tests/snapshots/regular-elections.json; tests/test_snapshot.py fails until the
snapshot is regenerated with `make snapshot` and the diff is committed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transition.calendar import regular_elections
from transition.views import calendar_payload

SNAPSHOT = Path(__file__).resolve().parent.parent / "tests" / "snapshots" / "regular-elections.json"
LAST_YEAR = 2100


def snapshot_text() -> str:
    payloads = [calendar_payload(election) for election in regular_elections(2010, LAST_YEAR)]
    return json.dumps(payloads, indent=1) + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(snapshot_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {SNAPSHOT}\n")
