"""Election dates through the commands: the `calendar` and `rules` commands
(the clerk's closures, by-elections checked against the statute), and what
`election`, `member file`, `checklist`, `check` and `render` print and exit of
dates the record keeps (tests/store/test_election_dates.py keeps them)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import as_json, invoke_transition, ok
from harness.council import JANE, Council, Seat

T = invoke_transition
EVERY_ANCHOR = Path(__file__).parent.parent / "profiles" / "every-anchor.toml"


@pytest.fixture
def jane(db_path) -> Path:
    """The 2030 election and Jane Doe (ward 7), running on one City-connected
    X account (built through the store)."""
    Council(str(db_path), today=date(2030, 4, 1)).add(JANE)
    return db_path


def test_calendar_lists_the_closed_weekdays_of_the_nomination_period():
    out = ok(T("calendar", "2018"))
    assert "first day on or after the opening that the clerk's office is open" in out
    assert "2018-07-02  Monday   Canada Day (observed)" in out
    assert "2018-05-21  Monday   Victoria Day" in out


def test_calendar_follows_another_profiles_closures():
    payload = as_json(T("calendar", "2030", "--profile", str(EVERY_ANCHOR), "--json"))
    assert [d["name"] for d in payload["closed_days"]] == [
        "Day of mourning",
        "Victoria Day",
        "Township Day",
        "Canada Day",
        "Civic Holiday",
    ]
    assert payload["first_filing_day"] == "2030-05-01"


def test_a_by_election_opening_on_the_civic_holiday():
    payload = as_json(
        T(
            "calendar",
            "--by-election",
            "--opens",
            "2030-08-05",
            "--nomination-day",
            "2030-09-13",
            "--voting-day",
            "2030-10-28",
            "--json",
        )
    )
    assert (payload["publication_cutoff"], payload["first_filing_day"]) == (
        "2030-08-05",
        "2030-08-06",
    )
    assert payload["closed_days"][0] == {"date": "2030-08-05", "name": "Civic Holiday"}


# Toronto's Ward 15 by-election of 2024 (MEA s. 65): nomination day and voting
# day (2024-11-04) from https://www.toronto.ca/city-government/elections/
# 2024-by-election-councillor-ward-15-don-valley-west/; the opening and the
# by-law (in force 2024-07-21) from the City Clerk's release as the press
# reported it (source: not confirmed on a City page).
BY_ELECTION = ("--opens", "2024-07-22", "--nomination-day", "2024-09-19")


def test_a_by_election_off_the_statutes_pattern_is_warned_not_refused():
    result = T(
        "calendar", "--by-election", *BY_ELECTION, "--voting-day", "2024-11-05",
        "--bylaw-date", "2024-06-01",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith("transition: warning: voting day 2024-11-05")
    assert "is 2024-11-04 (MEA s. 65" in warnings[0]
    assert "110 days after the by-law of 2024-06-01" in warnings[1]
    assert "2024-11-05" in result.stdout


def test_a_by_election_that_fits_the_statute_is_quiet():
    result = T(
        "calendar", "--by-election", *BY_ELECTION, "--voting-day", "2024-11-04",
        "--bylaw-date", "2024-07-22",
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert "By-law calling the by-election  2024-07-22" in result.stdout


def test_election_add_warns_and_election_set_is_quiet_once_the_dates_fit():
    result = T(
        "election", "add", "--by-election", "--name", "Ward 15", *BY_ELECTION,
        "--voting-day", "2024-11-05", "--bylaw-date", "2024-07-22",
    )  # fmt: skip
    assert result.returncode == 0 and "voting day 2024-11-05" in result.stderr
    result = T("election", "set", "Ward 15", "--voting-day", "2024-11-04")
    assert (result.returncode, result.stderr) == (0, "")


def test_rules_show_the_closure_calendar():
    out = ok(T("rules"))
    assert "When the clerk's office is closed" in out
    assert "Remembrance Day   holidays CA-ON, optional  on a weekend: no alternate day" in out
    closures = as_json(T("rules", "--json"))["closures"]
    assert closures["country"] == "CA" and closures["subdivision"] == "ON"
    assert len(closures["holidays"]) == 12
    assert {"name": "Civic Holiday", "category": "optional", "weekend": "next-weekday"} in (
        closures["holidays"]
    )


def test_a_misspelt_closure_is_refused_by_rules_and_election_add(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(EVERY_ANCHOR.read_text().replace('"Civic Holiday"', '"Civic Holliday"'))
    for args in (("rules",), ("election", "add", "--year", "2030")):
        result = T(*args, "--profile", str(broken))
        assert result.returncode == 1
        assert "Civic Holliday (optional)" in result.stderr
    assert as_json(T("election", "list", "--json")) == []


# -- filing dates on closed days --------------------------------------------


def test_a_filing_date_on_a_closed_day_is_warned_of_by_the_commands(jane):
    result = T("member", "file", "jane", "--date", "2030-08-05", "--planned")
    assert result.returncode == 0
    assert result.stderr == (
        "transition: warning: Jane Doe's filing date 2030-08-05 is Civic Holiday (Monday), "
        "when the clerk's office is closed; recorded as given (check it if the office did "
        "not open specially)\n"
    )
    table = ok(T("checklist", "--today", "2030-05-01"))
    assert "2030-08-05 (see note)" in table
    assert "Note: Jane Doe: filing date 2030-08-05 is Civic Holiday (Monday)" in table
    check = T("check")
    assert check.returncode == 0
    assert "warning: Jane Doe in 2030: filing date 2030-08-05 is Civic Holiday" in check.stdout
    assert as_json(T("check", "--json"))["ok"] is True


def test_the_printed_checklist_flags_a_filing_date_on_a_closed_day(jane, tmp_path):
    ok(T("member", "file", "jane", "--date", "2030-05-20", "--planned"))
    ok(T("render", "checklist", "jane", "-o", "jane.html", "--today", "2030-05-01"))
    html = (tmp_path / "jane.html").read_text()
    assert "filing date 2030-05-20 is Victoria Day (Monday)" in html


# -- the law changes one office's dates mid-election --------------------------

# Toronto councillors' nomination day moved to 2018-09-14, the mayor's kept:
# https://www.toronto.ca/city-government/elections/general-information/
# better-local-government-act-2018-bill-5/25-wards-candidate-faqs/
BLGA = "Better Local Government Act, 2018, S.O. 2018, c. 11"


@pytest.fixture
def council_2018(db_path) -> Path:
    """The 2018 election, a councillor and the mayor, both running (built through the store)."""
    Council(str(db_path), today=date(2018, 4, 2), year=2018).add(
        Seat("Pat Lee", ward="3", running="yes", option="separate"),
        Seat("The Mayor", office="mayor", running="yes", option="separate"),
    )
    return db_path


def test_an_override_is_said_by_election_set_and_shown_by_election_show(council_2018):
    result = T(
        "election", "set", "2018", "--office", "councillor", "--nomination-day", "2018-09-14",
        "--source", BLGA, "--today", "2018-08-15",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "nomination day in 2018 is 2018-09-14 (statutory: 2018-07-27)" in result.stdout
    late = T("member", "file", "mayor", "--date", "2018-08-20", "--today", "2018-08-20")
    assert late.returncode == 1 and "outside the filing window" in late.stderr
    table = ok(T("election", "show", "2018"))
    assert f"Nomination day, councillors only  2018-09-14  Friday    {BLGA}" in table


def test_an_override_shows_with_its_source_on_printed_documents(council_2018, tmp_path):
    ok(
        T(
            "election", "set", "2018", "--office", "councillor", "--nomination-day",
            "2018-09-14", "--source", BLGA,
        )
    )  # fmt: skip
    ok(T("render", "overview", "-o", "overview.html", "--today", "2018-08-15"))
    html = (tmp_path / "overview.html").read_text()
    assert (
        "For councillors, nomination day Friday, September 14, 2018 (the statute&#39;s: "
        "Friday, July 27, 2018), as set by Better Local Government Act, 2018" in html
    )
    ok(T("render", "checklist", "pat", "-o", "pat.html", "--today", "2018-08-15"))
    html = (tmp_path / "pat.html").read_text()
    assert "Nomination day for councillors (Better Local Government Act, 2018" in html
    assert "the statute&#39;s: Jul 27" in html


def test_an_override_is_undone_with_statutory_and_its_options_are_checked(council_2018):
    args = ("election", "set", "2018", "--office", "councillor")
    ok(T(*args, "--nomination-day", "2018-09-14", "--source", BLGA))
    ok(T("member", "file", "pat", "--date", "2018-08-20", "--today", "2018-08-20"))
    refused = T(*args, "--statutory")
    assert refused.returncode == 1
    assert "Pat Lee's filing date" in refused.stderr and "outside the filing window" in (
        refused.stderr
    )
    ok(T("member", "file", "pat", "--clear"))
    assert "returned the councillor's dates" in ok(T(*args, "--statutory"))
    for bad, status in (
        (("--nomination-day", "2018-09-14"), 2),  # no source
        (("--nomination-day", "2018-11-14", "--source", BLGA), 1),  # after voting day
        (("--statutory", "--source", BLGA), 2),
    ):
        result = T(*args, *bad)
        assert result.returncode == status, result.stderr
    ok(T("election", "add", "--by-election", "--name", "Ward 9", *BY_ELECTION,
         "--voting-day", "2024-11-04"))  # fmt: skip
    result = T("election", "set", "Ward 9", "--office", "mayor", "--nomination-day",
               "2024-09-20", "--source", BLGA)  # fmt: skip
    assert result.returncode == 1 and "is a by-election" in result.stderr
