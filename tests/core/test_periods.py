"""Periods: real published election-period restrictions, and their invariants."""

import copy
import tomllib
from datetime import date, timedelta
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transition.core import periods
from transition.core.calendar import by_election, regular_election, regular_elections
from transition.core.planner import Account, Member, plan
from transition.core.rules import (
    BUILT_IN_PROFILES,
    ProfileError,
    built_in_profiles,
    load_profile,
    parse_profile,
)
from transition.core.terms import Option, Role, Running

RUNNING = Member("Jane Doe", Running.YES, Option.SINGLE)
NOT_RUNNING = Member("John Roe", Running.NO)


def dated(profile_name, year, member=RUNNING):
    found = plan(regular_election(year), member, load_profile(profile_name)).periods
    return {p.period.id: (p.starts, p.ends) for p in found}


# Toronto: "restrictions to services provided to Members of City Council
# beginning August 1 of an election year", until voting day (2018.EX30.16).
@pytest.mark.parametrize(
    ("year", "starts", "ends"),
    [
        (2014, date(2014, 8, 1), date(2014, 10, 27)),
        (2018, date(2018, 8, 1), date(2018, 10, 22)),
        (2022, date(2022, 8, 1), date(2022, 10, 24)),
        (2026, date(2026, 8, 1), date(2026, 10, 26)),
    ],
)
def test_torontos_election_period_services(year, starts, ends):
    assert dated("toronto", year) == {"election-period-services": (starts, ends)}
    # every member of council, running or not
    assert dated("toronto", year, NOT_RUNNING) == {"election-period-services": (starts, ends)}


# Ottawa's blackout: 60 days before voting day, up to and including it, as
# members published it ("from August 23, 2018 up to and including October
# 22, 2018"; 2014's "midnight Aug. 28 to and including voting day on Oct. 27").
@pytest.mark.parametrize(
    ("year", "starts", "ends"),
    [
        (2014, date(2014, 8, 28), date(2014, 10, 27)),
        (2018, date(2018, 8, 23), date(2018, 10, 22)),
        (2022, date(2022, 8, 25), date(2022, 10, 24)),
        (2026, date(2026, 8, 27), date(2026, 10, 26)),
    ],
)
def test_ottawas_blackout_period(year, starts, ends):
    assert dated("ottawa", year) == {"communications-blackout": (starts, ends)}
    # members seeking re-election only
    assert dated("ottawa", year, NOT_RUNNING) == {}


@pytest.mark.parametrize(
    ("year", "newsletters", "advertising", "voting"),
    [
        (2014, date(2014, 4, 30), date(2014, 6, 30), date(2014, 10, 27)),
        (2018, date(2018, 4, 30), date(2018, 6, 30), date(2018, 10, 22)),
        (2022, date(2022, 4, 30), date(2022, 6, 30), date(2022, 10, 24)),
        (2026, date(2026, 4, 30), date(2026, 6, 30), date(2026, 10, 26)),
    ],
)
def test_markhams_discontinued_services(year, newsletters, advertising, voting):
    assert dated("markham", year) == {
        "no-printing-or-newsletters": (newsletters, voting),
        "no-advertising": (advertising, voting),
    }


def test_the_built_in_profiles_are_named_and_say_what_they_leave_out():
    names = [name for name, _ in built_in_profiles()]
    assert names == sorted(BUILT_IN_PROFILES) == ["markham", "ottawa", "toronto"]
    for name, profile in built_in_profiles():
        assert profile.periods, name
        assert all(p.source for p in profile.periods)
        if not profile.steps:  # only what the municipality publishes
            assert profile.leaves_out
    # by file id too, as an election stores it
    assert load_profile("toronto-2016").id == "toronto-2016"
    assert load_profile(None).periods == load_profile("toronto").periods


def test_an_unknown_name_is_neither_a_profile_nor_a_file():
    with pytest.raises(ProfileError, match=r"no built-in profile .vaughan.*rules --list"):
        load_profile("vaughan")


@pytest.mark.parametrize("year", [y.year for y in regular_elections(2010, 2100)])
def test_a_period_is_in_force_on_both_its_days_and_not_beyond(year):
    for _, profile in built_in_profiles():
        for one in plan(regular_election(year), RUNNING, profile).periods:
            assert one.starts is not None and one.ends is not None
            assert one.state(one.starts - timedelta(days=1)) == "upcoming"
            assert one.state(one.starts) == "in force"
            assert one.state(one.ends) == "in force"
            assert one.days_left(one.ends) == 1
            assert one.days_left(one.starts) == (one.ends - one.starts).days + 1
            assert one.state(one.ends + timedelta(days=1)) == "ended"


# -- a profile of every anchor, for the properties --------------------------


def toronto_data():
    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    return tomllib.loads(text)


def period(**fields):
    base = {
        "id": "test-period",
        "title": "A restriction",
        "explanation": "Something stops.",
        "source": "A policy, s. 1",
        "applies_to": "member",
        "from": "voting-day",
        "from_offset_days": -60,
        "until": "voting-day",
    }
    return {**base, **fields}


def profile_with(*entries):
    data = copy.deepcopy(toronto_data())
    data["periods"] = list(entries)
    return parse_profile(data, "test")


EVERY_ANCHOR = profile_with(
    period(id="blackout"),
    period(id="from-filing", **{"from": "filing-date", "from_offset_days": 0}),
    period(
        id="nominations",
        **{"from": "nomination-period-opens", "from_offset_days": 0},
        until="nomination-day",
    ),
    period(
        id="to-term-end",
        **{"from": "nomination-day", "from_offset_days": 1},
        until="term-ends",
        applies_to="every-member",
    ),
)

YEARS = st.sampled_from([e.year for e in regular_elections(2010, 2100)])


@given(year=YEARS, data=st.data())
def test_every_period_of_every_election_to_2100_starts_on_or_before_it_ends(year, data):
    election = regular_election(year)
    first, last = election.filing_window
    filing = data.draw(st.dates(first, last))
    member = Member("Jane Doe", Running.YES, Option.SINGLE, filing_date=filing)
    found = plan(election, member, EVERY_ANCHOR).periods
    assert [p.period.id for p in found] == sorted(
        (p.period.id for p in found),
        key=lambda i: next(p.starts for p in found if p.period.id == i),
    )
    assert len(found) == 4
    for one in found:
        assert one.starts is not None and one.ends is not None
        assert one.starts <= one.ends
    for _, profile in built_in_profiles():
        for one in plan(election, member, profile).periods:
            assert one.starts is not None and one.ends is not None
            assert one.starts <= one.ends


@given(
    opens=st.dates(date(2027, 1, 1), date(2090, 12, 31)),
    to_nomination=st.integers(7, 90),  # a week holds a day the clerk is open
    to_voting=st.integers(1, 90),
    moved=st.integers(-20, 20),
)
def test_a_by_elections_periods_move_with_its_dates(opens, to_nomination, to_voting, moved):
    nomination = opens + timedelta(days=to_nomination)
    voting = nomination + timedelta(days=to_voting)
    later = voting + timedelta(days=moved)
    if later <= nomination:
        return
    before = by_election(opens, nomination, voting, "Ward 9")
    after = by_election(opens, nomination, later, "Ward 9")
    profile = profile_with(period(id="blackout", **{"from_offset_days": -10}))

    def blackout(election):
        (one,) = plan(election, RUNNING, profile).periods
        return one.starts, one.ends

    assert blackout(after) == tuple(d + timedelta(days=moved) for d in blackout(before))
    assert blackout(before) == (voting - timedelta(days=10), voting)


@given(year=YEARS, data=st.data())
def test_a_filing_date_period_moves_with_the_filing_date(year, data):
    election = regular_election(year)
    first, last = election.filing_window
    filing = data.draw(st.dates(first, last))
    member = Member("Jane Doe", Running.YES, Option.SINGLE, filing_date=filing)
    (one,) = (
        p for p in plan(election, member, EVERY_ANCHOR).periods if p.period.id == "from-filing"
    )
    assert (one.starts, one.ends) == (filing, election.voting_day)
    unknown = Member("Jane Doe", Running.YES, Option.SINGLE)
    (open_,) = (
        p for p in plan(election, unknown, EVERY_ANCHOR).periods if p.period.id == "from-filing"
    )
    assert open_.starts is None and open_.latest_start == election.nomination_day
    assert open_.state(election.nomination_day) == "upcoming"


def test_an_office_override_moves_a_period_hung_on_nomination_day():
    from dataclasses import replace

    from transition.core.calendar import OfficeOverride

    election = regular_election(2018)
    moved = replace(
        election,
        overrides=(OfficeOverride("councillor", date(2018, 9, 14), None, "Bill 5"),),
    )
    councillor = Member("Jane Doe", Running.YES, Option.SINGLE)
    mayor = Member("Joan Poe", Running.YES, Option.SINGLE, office="mayor")
    nominations = {
        who.name: next(
            p for p in plan(moved, who, EVERY_ANCHOR).periods if p.period.id == "nominations"
        )
        for who in (councillor, mayor)
    }
    assert nominations["Jane Doe"].ends == date(2018, 9, 14)
    assert nominations["Joan Poe"].ends == date(2018, 7, 27)


def test_a_period_about_accounts_names_them_and_skips_members_without():
    profile = profile_with(
        period(id="city-accounts", applies_to="option2-city-account"),
    )
    connected = Account("X", "@jane", Role.SINGLE, email="jane@toronto.ca")
    with_account = Member("Jane Doe", Running.YES, Option.SINGLE, accounts=(connected,))
    (one,) = plan(regular_election(2030), with_account, profile).periods
    assert one.accounts == ("X @jane",)
    assert plan(regular_election(2030), RUNNING, profile).periods == ()
    separate = Member("Jane Doe", Running.YES, Option.SEPARATE, accounts=(connected,))
    assert plan(regular_election(2030), separate, profile).periods == ()


def test_by_elections_follow_a_period_for_all_elections_and_skip_regular_ones():
    election = by_election(date(2027, 3, 1), date(2027, 4, 2), date(2027, 5, 17), "Ward 9")
    found = plan(election, RUNNING, EVERY_ANCHOR).periods
    assert {p.period.id for p in found} == {"blackout", "from-filing", "nominations", "to-term-end"}
    # the term the by-election fills ends the day before the 2030 term begins
    assert next(p.ends for p in found if p.period.id == "to-term-end") == date(2030, 11, 14)
    assert plan(election, RUNNING, load_profile("toronto")).periods == ()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"from": "election-day"}, "period 'test-period' from: unknown 'election-day'"),
        ({"until": "08-01", "elections": "regular"}, "period 'test-period' would end on"),
        ({"until": "08-01"}, "period 'test-period' until: 08-01 is a day of the election year"),
        ({"from": "filing-date", "applies_to": "every-member"}, "has no filing date"),
        ({"applies_to": "every-member", "option": 1}, "only a period for members running"),
        ({"applies_to": "candidates"}, "period 'test-period' applies_to: unknown 'candidates'"),
        ({"elections": "some"}, "period 'test-period' elections: unknown 'some'"),
        ({"from_offset_days": 400}, "from_offset_days: must be a whole number"),
        ({"source": ""}, "period 'test-period' source: must be non-empty"),
    ],
)
def test_a_period_that_cannot_be_computed_is_refused_naming_it(fields, message):
    with pytest.raises(ProfileError, match=message) as refused:
        profile_with(period(**fields))
    assert "\n" not in str(refused.value)


def test_a_period_that_ends_before_it_starts_names_the_election():
    # Nomination day falls in July from 2018 on, before August 1.
    with pytest.raises(ProfileError, match="before it starts on 2018-08-01, in the 2018 regular"):
        profile_with(
            period(
                **{"from": "08-01", "from_offset_days": 0},
                until="nomination-day",
                elections="regular",
            )
        )


def test_a_by_election_can_put_a_period_out_of_order():
    profile = profile_with(
        period(
            id="to-nomination",
            **{"from": "voting-day", "from_offset_days": -90},
            until="nomination-day",
        ),
    )
    # fine for every regular election; a by-election voting long after
    # nominations close puts its end before its start
    election = by_election(date(2027, 3, 1), date(2027, 4, 2), date(2027, 7, 15), "Ward 9")
    with pytest.raises(periods.PeriodProblem, match="'to-nomination' would end on 2027-04-02"):
        periods.check(profile.periods, election)


def test_ids_are_unique_across_steps_reminders_and_periods():
    with pytest.raises(ProfileError, match="'notify-followers' id: used more than once"):
        profile_with(period(id="notify-followers"))
