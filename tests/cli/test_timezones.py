"""Dates are Toronto dates, whatever the machine's time zone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

ZONES = ["UTC", "America/Toronto", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kolkata"]

PROBE = """
import json
from datetime import date
from transition.core.calendar import regular_elections, by_election, toronto_today
from transition.cli.views import calendar_payload
out = [calendar_payload(e) for e in regular_elections(2010, 2100)]
out.append(calendar_payload(by_election(date(2025, 1, 1), date(2025, 2, 7), date(2025, 3, 10))))
print(json.dumps({"calendars": out, "today": toronto_today().isoformat()}))
"""


def _probe(zone: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={"TZ": zone, "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("zone", ZONES[1:])
def test_results_do_not_depend_on_the_process_time_zone(zone):
    reference, other = _probe(ZONES[0]), _probe(zone)
    assert other["calendars"] == reference["calendars"]
    assert other["today"] == reference["today"]
