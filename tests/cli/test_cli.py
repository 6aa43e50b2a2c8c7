"""The commands through the real console script, as a user runs them."""

from __future__ import annotations

import json

import pytest

CALENDAR_KEYS = {
    "kind",
    "year",
    "regime",
    "projected",
    "nomination_period_opens",
    "first_filing_day",
    "nomination_day",
    "voting_day",
    "term_begins",
    "publication_cutoff",
    "bylaw_date",
    "closed_days",
    "overrides",
    "warnings",
    "periods",
}


def test_calendar_of_a_year_as_a_table(transition):
    result = transition("calendar", "2030")
    assert result.returncode == 0, result.stderr
    assert "projected under current law" in result.stdout
    assert "as amended in 2020" in result.stdout
    for line in ("2030-05-01  Wednesday", "2030-08-16  Friday", "2030-10-28  Monday"):
        assert line in result.stdout


def test_on_a_terminal_tables_are_drawn_by_rich():
    import os
    import pty
    import subprocess

    from conftest import SCRIPT

    leader, follower = pty.openpty()
    done = subprocess.run(
        [str(SCRIPT), "calendar", "2030"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "120"},
        timeout=60,
    )
    os.close(follower)
    screen = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 0, done.stderr
    assert "─" in screen and "Wednesday" in screen  # rich's rule under the header


def test_calendar_json_has_exactly_the_documented_keys(transition):
    result = transition("calendar", "2030", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == CALENDAR_KEYS
    assert payload == {
        "kind": "regular",
        "year": 2030,
        "regime": "mea-2020",
        "projected": True,
        "nomination_period_opens": "2030-05-01",
        "first_filing_day": "2030-05-01",
        "nomination_day": "2030-08-16",
        "voting_day": "2030-10-28",
        "term_begins": "2030-11-15",
        "publication_cutoff": "2030-05-01",
        "bylaw_date": None,
        "closed_days": [
            {"date": "2030-05-20", "name": "Victoria Day"},
            {"date": "2030-07-01", "name": "Canada Day"},
            {"date": "2030-08-05", "name": "Civic Holiday"},
        ],
        "overrides": [],
        "warnings": [],
        "periods": [
            {
                "id": "election-period-services",
                "title": "No newsletters, City-paid events or advertising for the member",
                "label": "No newsletters or City-paid events",
                "explanation": payload["periods"][0]["explanation"],
                "source": payload["periods"][0]["source"],
                "applies_to": "every-member",
                "option": None,
                "rule": "from August 1 of the election year until voting day, inclusive",
                "starts": "2030-08-01",
                "ends": "2030-10-28",
                "latest_start": "2030-08-01",
                "latest_end": "2030-10-28",
                "accounts": [],
            }
        ],
    }
    assert "2018.EX30.16" in payload["periods"][0]["source"]


def test_a_held_election_is_not_projected(transition):
    result = transition("calendar", "2022")
    assert result.returncode == 0
    assert "projected" not in result.stdout
    assert json.loads(transition("calendar", "2022", "--json").stdout)["projected"] is False


@pytest.mark.parametrize(("today", "year"), [("2026-11-24", 2030), ("2026-10-26", 2026)])
def test_calendar_next_from_today(transition, today, year):
    result = transition("calendar", "--next", "--today", today, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["year"] == year


def test_today_can_come_from_the_environment(transition):
    result = transition("calendar", "--next", "--json", env={"TRANSITION_TODAY": "2031-01-01"})
    assert json.loads(result.stdout)["year"] == 2034


def test_calendar_of_a_by_election(transition):
    result = transition(
        "calendar",
        "--by-election",
        "--opens",
        "2025-01-01",
        "--nomination-day",
        "2025-02-07",
        "--voting-day",
        "2025-03-10",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == CALENDAR_KEYS
    assert payload["kind"] == "by-election"
    assert payload["term_begins"] is None
    assert payload["first_filing_day"] == "2025-01-02"
    assert payload["publication_cutoff"] == "2025-01-01"
    assert payload["projected"] is False


def test_rules_lists_steps_and_reminders(transition):
    result = transition("rules")
    assert result.returncode == 0, result.stderr
    for text in ("stop-handle-publications", "notify-followers", "19b", "no-bullying"):
        assert text in result.stdout
    payload = json.loads(transition("rules", "--json").stdout)
    assert payload["id"] == "toronto-2016"
    assert payload["city_email_domains"] == ["toronto.ca"]
    assert len(payload["steps"]) == 8 and len(payload["reminders"]) == 5
    assert set(payload["steps"][0]) == {
        "id",
        "title",
        "label",
        "explanation",
        "paragraph",
        "applies_to",
        "option",
        "anchor",
        "offset_days",
        "remind_days_before",
    }


def test_rules_with_a_profile_of_ones_own(transition, tmp_path):
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    path = tmp_path / "ottawa.toml"
    path.write_text(text.replace('["toronto.ca"]', '["ottawa.ca"]'))
    result = transition("rules", "--profile", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["city_email_domains"] == ["ottawa.ca"]


def test_rules_do_not_treat_text_as_markup(transition, tmp_path):
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    path = tmp_path / "odd.toml"
    path.write_text(text.replace("Stop publications", "[bold red]Stop[/] publications"))
    assert "[bold red]Stop[/] publications" in transition("rules", "--profile", str(path)).stdout


USAGE, REFUSED = 2, 1


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["calendar", "2027"], REFUSED, "the nearest are 2026 and 2030"),
        (["calendar", "2030", "--bogus"], USAGE, "No such option: --bogus"),
        (["calendar", "twenty"], USAGE, "Invalid value for 'year'"),
        (["calendar", "--next", "--today", "2030-02-30"], USAGE, "day is out of range for month"),
        (["calendar", "--next", "--today", "May 1"], USAGE, "write dates as YYYY-MM-DD"),
        (["calendar"], USAGE, "give one of YEAR, --next or --by-election"),
        (["calendar", "2030", "--next"], USAGE, "give one of YEAR, --next or --by-election"),
        (["calendar", "2030", "--opens", "2030-05-01"], USAGE, "go with --by-election"),
        (["calendar", "--by-election", "--opens", "2025-01-01"], USAGE, "--nomination-day"),
        (
            [
                "calendar",
                "--by-election",
                "--opens",
                "2025-03-01",
                "--nomination-day",
                "2025-02-07",
                "--voting-day",
                "2025-03-10",
            ],
            REFUSED,
            "on or before nomination day",
        ),
        (["rules", "--profile", "missing.toml"], REFUSED, "no profile file at missing.toml"),
        (["nonsense"], USAGE, "No such command 'nonsense'"),
    ],
)
def test_bad_input_is_one_clear_line(transition, args, status, message):
    result = transition(*args)
    assert result.returncode == status
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("transition: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_broken_profile_is_one_line_naming_every_problem(transition, tmp_path):
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    path = tmp_path / "broken.toml"
    path.write_text(
        text.replace('anchor = "publication-cutoff"', 'anchor = "someday"').replace(
            'id = "notify-followers"', 'id = "remove-city-identity"'
        )
    )
    result = transition("rules", "--profile", str(path))
    assert result.returncode == REFUSED
    assert len(result.stderr.splitlines()) == 1
    assert "2 problems" in result.stderr
    assert "step 'stop-handle-publications' anchor: unknown 'someday'" in result.stderr
    assert "step 'remove-city-identity' id: used more than once" in result.stderr


def test_no_arguments_shows_help(transition):
    result = transition()
    assert result.returncode == 0
    assert "calendar" in result.stdout and "rules" in result.stdout
