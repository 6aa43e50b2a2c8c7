"""Write the date engine's answers to committed snapshots, for review as diffs.

- tests/snapshots/regular-elections.json: every regular election's calendar,
  2010 to 2100, under the built-in profile.
- tests/snapshots/toronto-closures.json: every day the City of Toronto's
  clerk's office is closed (weekends aside), 2010 to 2100, as the built-in
  profile and the installed `holidays` compute them.
- tests/snapshots/periods.json: every built-in profile's periods in every
  regular election, 2010 to 2100: their first and last days.

A change to a regime, to the profile's closures or to the `holidays` package
shows up as a diff of these files; tests/test_project.py fails until they are
regenerated with `make snapshot` and the diff is reviewed and committed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transition.core import periods
from transition.core.calendar import default_closures, regular_elections
from transition.core.rules import built_in_profiles

SNAPSHOTS = Path(__file__).resolve().parent.parent / "tests" / "snapshots"
ELECTIONS = SNAPSHOTS / "regular-elections.json"
CLOSURES = SNAPSHOTS / "toronto-closures.json"
PERIODS = SNAPSHOTS / "periods.json"
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


def periods_text() -> str:
    """Each profile's periods by election year, before any member: a period
    hung on a filing date shows the latest days it can take."""
    found = {
        name: {
            str(election.year): {
                one.period.id: [
                    (one.starts or one.latest_start).isoformat(),
                    (one.ends or one.latest_end).isoformat(),
                ]
                for one in periods.for_election(profile.periods, election)
            }
            for election in regular_elections(FIRST_YEAR, LAST_YEAR)
        }
        for name, profile in built_in_profiles()
    }
    return json.dumps(found, indent=1) + "\n"


SNAPSHOT_TEXTS = {ELECTIONS: elections_text, CLOSURES: closures_text, PERIODS: periods_text}

if __name__ == "__main__":
    for path, text in SNAPSHOT_TEXTS.items():
        path.write_text(text(), encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
