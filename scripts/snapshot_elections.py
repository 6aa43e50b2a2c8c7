"""Write the date engine's answers to committed snapshots, for review as diffs.

- tests/snapshots/regular-elections.json: every regular election's calendar,
  2010 to 2100, under the built-in profile.
- tests/snapshots/toronto-closures.json: every day the City of Toronto's
  clerk's office is closed (weekends aside), 2010 to 2100, as the built-in
  profile and the installed `holidays` compute them.

A change to a regime, to the profile's closures or to the `holidays` package
shows up as a diff of these files; tests/test_project.py fails until they are
regenerated with `make snapshot` and the diff is reviewed and committed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transition.core.calendar import default_closures, regular_elections

SNAPSHOTS = Path(__file__).resolve().parent.parent / "tests" / "snapshots"
ELECTIONS = SNAPSHOTS / "regular-elections.json"
CLOSURES = SNAPSHOTS / "toronto-closures.json"
FIRST_YEAR, LAST_YEAR = 2010, 2100


def elections_text() -> str:
    payloads = [election.payload() for election in regular_elections(FIRST_YEAR, LAST_YEAR)]
    return json.dumps(payloads, indent=1) + "\n"


def closures_text() -> str:
    closures = default_closures()
    days = {
        str(year): {day.isoformat(): name for day, name in closures.closures(year).items()}
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    }
    return json.dumps(days, indent=1, ensure_ascii=False) + "\n"


SNAPSHOT_TEXTS = {ELECTIONS: elections_text, CLOSURES: closures_text}

if __name__ == "__main__":
    for path, text in SNAPSHOT_TEXTS.items():
        path.write_text(text(), encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
