"""Election dates the record keeps: by-elections checked against the statute,
overrides of one office's dates, filing dates on days the clerk's office was
closed, and the closures an older database's profile gains, through the
tracker. The `calendar` and `rules` commands, and what the commands print of
these dates: tests/cli/test_election_dates_commands.py."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from harness.council import JANE, Council, Seat

from transition.errors import TransitionError
from transition.store.errors import WrongKindOfElection
from transition.store.listings import checklist_rows, election_row, election_rows, log_rows
from transition.store.migrations import HEAD
from transition.store.tracker import Tracker
from transition.store.trail.integrity import doubts, problems

EVERY_ANCHOR = Path(__file__).parent.parent / "profiles" / "every-anchor.toml"
#: toronto-2016.toml exactly as the first release shipped it.
FIRST_RELEASE_PROFILE = (
    Path(__file__).parent.parent / "profiles" / "toronto-2016-first-release.toml"
)
TODAY = date(2030, 4, 1)


@pytest.fixture
def council() -> Council:
    return Council(os.environ["TRANSITION_DB"], today=TODAY)


@pytest.fixture
def jane(council) -> Council:
    council.add(JANE)
    return council


def shown(council: Council, name: str) -> dict:
    """The election as `transition election show --json` shows it."""
    return council.read(lambda tracker: election_row(tracker, tracker.find.election(name)))


def filing(
    name: str, day: date | None, actual: bool = False, election: str | None = None
) -> Callable[[Tracker], object]:
    """Record (or clear) the member's filing date, as `transition member file` does."""
    return lambda tracker: tracker.change.set_filing(
        tracker.find.member(name), tracker.find.election(election), day, actual=actual
    )


# Toronto's Ward 15 by-election of 2024 (MEA s. 65): nomination day and voting
# day (2024-11-04) from https://www.toronto.ca/city-government/elections/
# 2024-by-election-councillor-ward-15-don-valley-west/; the opening and the
# by-law (in force 2024-07-21) from the City Clerk's release as the press
# reported it (source: not confirmed on a City page).
OPENS, NOMINATION_DAY = date(2024, 7, 22), date(2024, 9, 19)


def test_election_add_keeps_the_bylaw_date_and_warns(council):
    council.write(
        lambda tracker: tracker.change.add_by_election(
            "Ward 15", OPENS, NOMINATION_DAY, date(2024, 11, 5), None, date(2024, 7, 22)
        )
    )
    assert any("voting day 2024-11-05" in warning for warning in council.warnings)
    ward_15 = shown(council, "Ward 15")
    assert ward_15["bylaw_date"] == "2024-07-22" and len(ward_15["warnings"]) == 1
    council.write(
        lambda tracker: tracker.change.set_by_election_dates(
            tracker.find.election("Ward 15"), None, None, date(2024, 11, 4)
        )
    )
    assert council.warnings == []
    assert shown(council, "Ward 15")["warnings"] == []


def test_a_misspelt_closure_is_refused_by_election_add(council, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(EVERY_ANCHOR.read_text().replace('"Civic Holiday"', '"Civic Holliday"'))
    with pytest.raises(TransitionError, match=re.escape("Civic Holliday (optional)")):
        council.write(lambda tracker: tracker.change.add_regular_election(2030, broken))
    assert council.read(election_rows) == []


# -- filing dates on closed days --------------------------------------------


def test_a_filing_date_on_a_closed_day_is_recorded_with_a_warning(jane):
    jane.write(filing("jane", date(2030, 8, 5)))
    assert [" ".join(warning.split()) for warning in jane.warnings] == [
        "Jane Doe's filing date 2030-08-05 is Civic Holiday (Monday), "
        "when the clerk's office is closed; recorded as given (check it if the office did "
        "not open specially)"
    ]
    rows = jane.read(
        lambda tracker: checklist_rows(tracker, tracker.find.election()), today=date(2030, 5, 1)
    )
    on_filing = [r for r in rows if r["step"] != "stop-handle-publications"]
    assert all(r["due"] == "2030-08-05" for r in on_filing)
    assert all("Civic Holiday (Monday)" in r["warnings"][0] for r in on_filing)
    assert all(r["warnings"] == [] for r in rows if r not in on_filing)
    assert jane.inspect(problems)[0] == []  # recorded as given: no problem, a second look
    assert any(
        "Jane Doe in 2030: filing date 2030-08-05 is Civic Holiday" in doubt
        for doubt in jane.inspect(doubts)
    )


# -- the law changes one office's dates mid-election --------------------------

# Toronto councillors' nomination day moved to 2018-09-14, the mayor's kept:
# https://www.toronto.ca/city-government/elections/general-information/
# better-local-government-act-2018-bill-5/25-wards-candidate-faqs/
BLGA = "Better Local Government Act, 2018, S.O. 2018, c. 11"
LATE = date(2018, 8, 20)


@pytest.fixture
def council_2018() -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=date(2018, 8, 15), year=2018)
    council.add(
        Seat("Pat Lee", ward="3", running="yes", option="separate"),
        Seat("The Mayor", office="mayor", running="yes", option="separate"),
    )
    return council


def override(
    day: date | None, source: str | None, office: str = "councillor", election: str = "2018"
) -> Callable[[Tracker], str]:
    """The dates the law set for one office (none: the statute's), as
    `transition election set --office` records them."""
    return lambda tracker: tracker.change.set_office_override(
        tracker.find.election(election), office, day, None, source
    )


def test_an_override_moves_one_offices_window_and_steps(council_2018):
    said = council_2018.write(override(date(2018, 9, 14), BLGA))
    assert "nomination day in 2018 is 2018-09-14 (statutory: 2018-07-27)" in said
    rows = council_2018.read(lambda tracker: checklist_rows(tracker, tracker.find.election()))
    latest = {r["member"]: r["latest"] for r in rows}
    assert latest == {"Pat Lee": "2018-09-14", "The Mayor": "2018-07-27"}
    # a councillor may file after the statutory nomination day, the mayor may not
    council_2018.write(filing("pat", LATE, actual=True), today=LATE)
    with pytest.raises(TransitionError, match="outside the filing window"):
        council_2018.write(filing("mayor", LATE, actual=True), today=LATE)
    dates = shown(council_2018, "2018")
    assert dates["nomination_day"] == "2018-07-27"
    assert dates["overrides"] == [
        {
            "office": "councillor",
            "nomination_period_opens": "2018-05-01",
            "first_filing_day": "2018-05-01",
            "nomination_day": "2018-09-14",
            "source": BLGA,
        }
    ]
    log = council_2018.read(lambda tracker: log_rows(tracker, None, None))
    assert any(e["action"] == "election.override" for e in log)
    moved = [e for e in log if e["action"] == "item.moved"]
    assert moved and all(e["member"] == "Pat Lee" for e in moved)


def test_an_override_can_be_undone_and_is_refused_where_it_cannot_apply(council_2018):
    council_2018.write(override(date(2018, 9, 14), BLGA))
    council_2018.write(filing("pat", LATE, actual=True), today=LATE)
    with pytest.raises(TransitionError) as refused:
        council_2018.write(override(None, None))
    assert "Pat Lee's filing date" in str(refused.value)
    assert "outside the filing window" in str(refused.value)
    council_2018.write(filing("pat", None, actual=True))
    assert "returned the councillor's dates" in council_2018.write(override(None, None))
    assert shown(council_2018, "2018")["overrides"] == []
    for day, source, why in (
        (date(2018, 9, 14), None, "source .* is empty"),
        (date(2018, 11, 14), BLGA, "before voting day"),
    ):
        with pytest.raises(TransitionError, match=why):
            council_2018.write(override(day, source))
    assert shown(council_2018, "2018")["overrides"] == []
    council_2018.write(
        lambda tracker: tracker.change.add_by_election(
            "Ward 9", OPENS, NOMINATION_DAY, date(2024, 11, 4), None
        )
    )
    with pytest.raises(WrongKindOfElection) as wrong:
        council_2018.write(override(date(2024, 9, 20), BLGA, office="mayor", election="Ward 9"))
    assert (wrong.value.election, wrong.value.kind) == ("Ward 9", "by-election")


# -- databases made before closures were part of the profile ------------------


def test_an_older_database_gets_torontos_closures_on_its_stored_profile(db_path, council):
    from test_database import _database_at

    _database_at(db_path, "0001_initial")
    first_release = FIRST_RELEASE_PROFILE.read_text()
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO election (id, name, kind, year, municipality, profile_id, profile_toml, "
            "created_at) VALUES (1, '2030', 'regular', 2030, 'City of Toronto', 'toronto-2016', "
            "?, '2026-01-05 10:00:00')",
            (first_release,),
        )
        connection.execute(
            "INSERT INTO election (id, name, kind, year, municipality, profile_id, profile_toml, "
            "created_at) VALUES (2, '2034', 'regular', 2034, 'City of Toronto', 'custom', "
            "?, '2026-01-05 10:00:00')",
            (first_release.replace("toronto-2016", "custom"),),
        )
    connection.close()
    assert [row["name"] for row in council.read(election_rows)] == ["2030", "2034"]
    with sqlite3.connect(db_path) as connection:
        stored = dict(connection.execute("SELECT id, profile_toml FROM election"))
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    connection.close()
    assert version == HEAD
    # The profile as the release with closures shipped it: later releases'
    # additions (its periods) reach only elections added after them.
    second_release = Path(__file__).parent.parent / "profiles" / "toronto-2016-second-release.toml"
    assert stored[1] == second_release.read_text()
    assert stored[2] == first_release.replace("toronto-2016", "custom")
    log = council.read(lambda tracker: log_rows(tracker, None, None))
    assert [e["summary"] for e in log if e["action"] == "election.profile"] == [
        "added the City of Toronto's designated holidays to the profile of 2030 "
        "(the days the clerk's office is closed)"
    ]
