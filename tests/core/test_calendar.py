"""The date engine against real calendars, and its invariants to 2100."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sources import (
    MEA_BY_ELECTIONS,
    NOT_CONFIRMED,
    REGIME_1996,
    REGIME_2016,
    REGIME_2020,
    TORONTO_CLOSURES,
    legislation_act,
    params,
)

from transition.core.calendar import (
    FIRST_REGULAR_ELECTION,
    TORONTO,
    by_election,
    default_closures,
    next_regular_election,
    regular_election,
    regular_elections,
    toronto_today,
)
from transition.errors import TransitionError

D = date.fromisoformat


class RegularCalendar(NamedTuple):
    year: int
    regime: str
    opens: str
    first_filing: str
    nomination: str
    voting: str
    term: str
    source: str

    @property
    def label(self) -> str:
        return str(self.year)


TORONTO_ELECTIONS = "https://www.toronto.ca/city-government/elections"

# Regular elections as held (2010 to 2026) and as projected (2030, 2034),
# each with the law it was held under and, where found, the clerk's dates.
KNOWN_CALENDARS = [
    RegularCalendar(
        2010, "mea-1996", "2010-01-01", "2010-01-04", "2010-09-10", "2010-10-25", "2010-12-01",
        f"{REGIME_1996}; January 1 a holiday: {legislation_act('s. 87')}",
    ),
    RegularCalendar(
        2014, "mea-1996", "2014-01-01", "2014-01-02", "2014-09-12", "2014-10-27", "2014-12-01",
        f"{REGIME_1996}; filing from January 2 to September 12, 2014: the Ministry's 2014 "
        "Candidates' Guide, http://www.mah.gov.on.ca/Page10476.aspx",
    ),
    # The term: Ontario municipalities' pages give December 1, 2018 to
    # November 14, 2022 (a November 15 start only from the 2022 term); the row
    # keeps the engine's November 15 until that is settled.
    RegularCalendar(
        2018, "mea-2016", "2018-05-01", "2018-05-01", "2018-07-27", "2018-10-22", "2018-11-15",
        f"{REGIME_2016}; the clerk's dates: {TORONTO_ELECTIONS}/candidate-information/"
        "key-dates-2018-2019/ and https://www.toronto.ca/city-government/public-notices-"
        "bylaws/public-notices/municipal-election-nominations-close-at-2-p-m-this-friday/; "
        f"the term from November 15, 2018: {NOT_CONFIRMED}",
    ),
    RegularCalendar(
        2022, "mea-2020", "2022-05-01", "2022-05-02", "2022-08-19", "2022-10-24", "2022-11-15",
        f"{REGIME_2020}; the clerk's dates: {TORONTO_ELECTIONS}/candidates-third-party-"
        "advertisers/candidate-information/key-dates/",
    ),
    RegularCalendar(
        2026, "mea-2020", "2026-05-01", "2026-05-01", "2026-08-21", "2026-10-26", "2026-11-15",
        f"{REGIME_2020}; the clerk's dates: {TORONTO_ELECTIONS}/candidate-information/"
        "become-a-candidate",
    ),
    RegularCalendar(
        2030, "mea-2020", "2030-05-01", "2030-05-01", "2030-08-16", "2030-10-28", "2030-11-15",
        f"{REGIME_2020} (projected under current law)",
    ),
    RegularCalendar(
        2034, "mea-2020", "2034-05-01", "2034-05-01", "2034-08-18", "2034-10-23", "2034-11-15",
        f"{REGIME_2020} (projected under current law)",
    ),
]  # fmt: skip


@pytest.mark.parametrize("known", params(KNOWN_CALENDARS))
def test_known_regular_calendars(known):
    election = regular_election(known.year)
    assert election.kind == "regular"
    assert election.regime.key == known.regime
    assert election.nomination_period_opens == D(known.opens)
    assert election.first_filing_day == D(known.first_filing)
    assert election.nomination_day == D(known.nomination)
    assert election.voting_day == D(known.voting)
    assert election.term_begins == D(known.term)
    assert election.publication_cutoff == D(known.opens)
    assert election.filing_window == (D(known.first_filing), D(known.nomination))


@pytest.mark.parametrize(
    ("year", "projected"), [(2010, False), (2022, False), (2026, False), (2030, True), (2098, True)]
)
def test_elections_after_the_newest_held_are_projected(year, projected):
    assert regular_election(year).projected is projected


def test_publication_cutoff_is_not_moved_to_a_business_day():
    # January 1, 2014 was a holiday: filing starts the 2nd, the cutoff stays the 1st.
    election = regular_election(2014)
    assert election.publication_cutoff == D("2014-01-01")
    assert election.first_filing_day == D("2014-01-02")


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2027, "the nearest are 2026 and 2030"),
        (2029, "the nearest are 2026 and 2030"),
        (2031, "the nearest are 2030 and 2034"),
        (2006, "2010, the first regular election"),
        (10_002, "beyond the calendar"),
    ],
)
def test_a_year_without_a_regular_election_names_the_nearest(year, message):
    with pytest.raises(TransitionError, match=message):
        regular_election(year)


@pytest.mark.parametrize(
    ("today", "year"),
    [
        ("2026-11-24", 2030),
        ("2026-10-26", 2026),  # voting day itself is still "on or after today"
        ("2026-10-27", 2030),
        ("2027-01-01", 2030),
        ("2000-06-01", 2010),
        ("2030-10-28", 2030),
    ],
)
def test_next_regular_election(today, year):
    assert next_regular_election(D(today)).year == year


class ClosedWeekdays(NamedTuple):
    year: int
    closed: list[str]
    source: str

    @property
    def label(self) -> str:
        return str(self.year)


# The weekdays of each regular nomination period when Toronto's clerk's office
# was (or will be) closed: the City's designated holidays and alternate days.
# Every one is a holiday of the Legislation Act but the Civic Holiday.
CLOSED_WEEKDAYS = [
    ClosedWeekdays(
        2010, ["01-01", "02-15", "04-02", "04-05", "05-24", "07-01", "08-02", "09-06"],
        f"{REGIME_1996}; {legislation_act('s. 87')}; the Civic Holiday: {TORONTO_CLOSURES}",
    ),
    ClosedWeekdays(
        2014, ["01-01", "02-17", "04-18", "04-21", "05-19", "07-01", "08-04", "09-01"],
        f"{REGIME_1996}; {legislation_act('s. 87')}; the Civic Holiday: {TORONTO_CLOSURES}",
    ),
    ClosedWeekdays(  # Canada Day a Sunday: Monday July 2
        2018, ["05-21", "07-02"], f"{REGIME_2016}; {legislation_act('ss. 87, 88 (4)')}",
    ),
    ClosedWeekdays(
        2022, ["05-23", "07-01", "08-01"],
        f"{REGIME_2020}; {legislation_act('s. 87')}; the Civic Holiday: {TORONTO_CLOSURES}",
    ),
    ClosedWeekdays(
        2026, ["05-18", "07-01", "08-03"],
        f"{REGIME_2020}; {legislation_act('s. 87')}; the Civic Holiday: {TORONTO_CLOSURES}",
    ),
    ClosedWeekdays(
        2030, ["05-20", "07-01", "08-05"],
        f"{REGIME_2020}; {legislation_act('s. 87')}; the Civic Holiday: {TORONTO_CLOSURES}",
    ),
]  # fmt: skip


@pytest.mark.parametrize("known", params(CLOSED_WEEKDAYS))
def test_the_nomination_periods_closed_weekdays(known):
    days = [day for day, _ in regular_election(known.year).closed_days()]
    assert days == [D(f"{known.year}-{month_day}") for month_day in known.closed]


class ByElection(NamedTuple):
    name: str
    opens: str
    nomination: str
    voting: str
    regime: str
    source: str

    @property
    def label(self) -> str:
        return self.name


# Real by-elections: the clerk's dates, and the regime of the council whose
# seat they fill. Each opened on a day the office was open and fits the
# statute's pattern.
REAL_BY_ELECTIONS = [
    ByElection(
        "Toronto mayor 2023", "2023-04-03", "2023-05-12", "2023-06-26", "mea-2020",
        f"{MEA_BY_ELECTIONS}; the clerk's dates: {NOT_CONFIRMED} (no City page found; the "
        "City Clerk's release of February 23, 2023 as the press reported it)",
    ),
    ByElection(
        "Toronto Ward 20 2023", "2023-09-07", "2023-10-16", "2023-11-30", "mea-2020",
        f"{MEA_BY_ELECTIONS}; the clerk's dates: {TORONTO_ELECTIONS}/2023-by-election-"
        "councillor-ward-20-scarborough-southwest/ward-20-scarborough-southwest-by-election-"
        "key-dates/",
    ),
    ByElection(
        "Toronto Ward 15 2024", "2024-07-22", "2024-09-19", "2024-11-04", "mea-2020",
        f"{MEA_BY_ELECTIONS}; nomination and voting days: {TORONTO_ELECTIONS}/2024-by-"
        "election-councillor-ward-15-don-valley-west/; the opening, July 22: "
        f"{NOT_CONFIRMED} on a City page (the City Clerk's release as the press reported it)",
    ),
    ByElection(
        "Mississauga mayor 2024", "2024-03-06", "2024-04-26", "2024-06-10", "mea-2020",
        f"{MEA_BY_ELECTIONS}; voting day: https://mississaugavotes.ca/by-election-2024/"
        f"for-voters/; the nomination period: {NOT_CONFIRMED} on a City page (the City's "
        "release as the press reported it)",
    ),
    ByElection(
        "Hamilton Ward 8 2025", "2025-06-19", "2025-08-08", "2025-09-22", "mea-2020",
        f"{MEA_BY_ELECTIONS}; the clerk's dates: "
        "https://hamilton.ca/city-council/municipal-election/ward-8-by-election",
    ),
    ByElection(
        "Ottawa Rideau-Rockcliffe 2019", "2019-01-30", "2019-03-01", "2019-04-15", "mea-2016",
        f"{MEA_BY_ELECTIONS}; the nomination period: https://ottawa.ca/en/city-hall/your-"
        "city-government/elections/information-candidates/information-candidates-2019-rideau-"
        f"rockcliffe-election; voting day: {NOT_CONFIRMED} on a City page (the press reported "
        "April 15)",
    ),
]  # fmt: skip


@pytest.mark.parametrize("known", params(REAL_BY_ELECTIONS))
def test_real_by_elections(known):
    election = by_election(D(known.opens), D(known.nomination), D(known.voting), known.name)
    assert (election.kind, election.name, election.regime.key) == (
        "by-election",
        known.name,
        known.regime,
    )
    assert election.publication_cutoff == election.first_filing_day == D(known.opens)
    assert election.filing_window == (D(known.opens), D(known.nomination))
    assert election.term_begins is None
    assert election.projected is False
    assert election.pattern_warnings() == []


def test_by_election_keeps_the_clerks_dates_and_derives_the_rest():
    election = by_election(D("2017-01-01"), D("2017-02-03"), D("2017-03-20"), "Ward 42")
    assert election.publication_cutoff == D("2017-01-01")
    assert election.first_filing_day == D("2017-01-03")  # Jan 1 Sunday, Jan 2 observed
    # a by-election fills a seat on the council elected in 2014
    assert election.regime.key == "mea-1996"


class Opening(NamedTuple):
    opens: str
    first_filing: str
    source: str

    @property
    def label(self) -> str:
        return self.opens


# By-elections opening on a day Toronto's clerk's office is closed.
OPENINGS_ON_CLOSURES = [
    Opening("2030-08-05", "2030-08-06", f"the Civic Holiday: {TORONTO_CLOSURES}"),
    Opening("2027-03-29", "2027-03-30", f"Easter Monday: {legislation_act('s. 87')}"),
    Opening(  # a Wednesday
        "2026-11-11", "2026-11-12", f"Remembrance Day: {legislation_act('s. 87')}"
    ),
    Opening(  # Canada Day a Sunday: closed Monday July 2 too
        "2029-07-01", "2029-07-03", legislation_act("ss. 87, 88 (4)")
    ),
    Opening(  # Christmas a Sunday: Boxing Day, then Tuesday the 27th
        "2022-12-24", "2022-12-28", legislation_act("ss. 87, 88 (5)")
    ),
    Opening(  # Remembrance Day a Sunday
        "2029-11-11", "2029-11-12", f"no alternate day for Remembrance Day: {TORONTO_CLOSURES}"
    ),
]


@pytest.mark.parametrize("known", params(OPENINGS_ON_CLOSURES))
def test_a_by_election_opening_on_a_closure_files_from_the_next_open_day(known):
    opens = D(known.opens)
    election = by_election(opens, opens + timedelta(days=40), opens + timedelta(days=100))
    assert election.publication_cutoff == opens
    assert election.first_filing_day == D(known.first_filing)


class VotingDayCheck(NamedTuple):
    nomination: str
    voting: str
    warned: bool
    source: str

    @property
    def label(self) -> str:
        return f"{self.nomination}-{self.voting}"


#: Voting day is the 45th day after nomination day, moved past a holiday.
BY_ELECTION_VOTING_DAY = f"{MEA_BY_ELECTIONS}; {legislation_act('ss. 87, 89')}"

# Voting days the statute's pattern allows, and others it warns of.
VOTING_DAY_CHECKS = [
    VotingDayCheck(  # the 45th day a Sunday: Monday (Toronto Ward 15, 2024)
        "2024-09-19", "2024-11-04", False, BY_ELECTION_VOTING_DAY
    ),
    VotingDayCheck("2024-09-19", "2024-11-03", True, BY_ELECTION_VOTING_DAY),
    VotingDayCheck(  # Sunday, then Thanksgiving: Tuesday
        "2025-08-28", "2025-10-14", False, BY_ELECTION_VOTING_DAY
    ),
    VotingDayCheck("2025-08-28", "2025-10-13", True, BY_ELECTION_VOTING_DAY),
    VotingDayCheck(  # the Civic Holiday is no statutory holiday
        "2026-06-19", "2026-08-03", False, BY_ELECTION_VOTING_DAY
    ),
    VotingDayCheck("2024-09-19", "2024-11-05", True, BY_ELECTION_VOTING_DAY),
]


@pytest.mark.parametrize("known", params(VOTING_DAY_CHECKS))
def test_voting_day_is_checked_against_the_statute(known):
    nomination = D(known.nomination)
    election = by_election(nomination - timedelta(days=30), nomination, D(known.voting))
    warnings = election.pattern_warnings()
    assert bool(warnings) is known.warned
    if known.warned:
        assert "MEA s. 65" in warnings[0] and "the clerk's dates are kept" in warnings[0]


class BylawCheck(NamedTuple):
    bylaw: str
    warned: bool
    source: str

    @property
    def label(self) -> str:
        return self.bylaw


# By-law dates for a nomination day of 2024-09-19: 30 to 60 days before it
# fit the statute's pattern.
BYLAW_CHECKS = [
    BylawCheck("2024-08-20", False, MEA_BY_ELECTIONS),
    BylawCheck("2024-07-21", False, MEA_BY_ELECTIONS),  # Toronto Ward 15's, 2024
    BylawCheck("2024-08-21", True, MEA_BY_ELECTIONS),
    BylawCheck("2024-06-01", True, MEA_BY_ELECTIONS),
]


@pytest.mark.parametrize("known", params(BYLAW_CHECKS))
def test_nomination_day_is_checked_against_the_bylaw(known):
    bylaw = D(known.bylaw)
    election = by_election(D("2024-08-26"), D("2024-09-19"), D("2024-11-04"), bylaw_date=bylaw)
    assert election.bylaw_date == bylaw
    assert any("by-law" in w for w in election.pattern_warnings()) is known.warned


def test_a_regular_election_has_no_pattern_to_check():
    assert regular_election(2030).pattern_warnings() == []


@pytest.mark.parametrize(
    ("opens", "nomination", "voting", "message"),
    [
        ("2017-03-01", "2017-02-03", "2017-04-03", "must be on or before nomination day"),
        ("2017-01-03", "2017-03-06", "2017-03-06", "not before voting day"),
        ("2017-01-03", "2017-04-03", "2017-03-06", "not before voting day"),
        ("2017-01-01", "2017-01-01", "2017-02-06", "open on no day"),
    ],
)
def test_by_election_dates_out_of_order_are_refused(opens, nomination, voting, message):
    with pytest.raises(TransitionError, match=message):
        by_election(D(opens), D(nomination), D(voting))


def test_a_filing_date_outside_the_window_is_refused_and_on_a_closure_warned():
    election = regular_election(2030)
    assert election.check_filing_date(D("2030-05-06")) is None
    with pytest.raises(TransitionError, match="outside the filing window"):
        election.check_filing_date(D("2030-08-19"))
    assert "Saturday" in election.check_filing_date(D("2030-05-04"))
    assert "Victoria Day (Monday)" in election.check_filing_date(D("2030-05-20"))
    assert "Civic Holiday (Monday)" in election.check_filing_date(D("2030-08-05"))


@pytest.mark.parametrize(
    ("instant", "toronto_date"),
    [
        ("2030-05-01T03:59:00+00:00", "2030-04-30"),  # 23:59 EDT the day before
        ("2030-05-01T04:00:00+00:00", "2030-05-01"),
        ("2030-01-01T04:59:00+00:00", "2029-12-31"),  # EST in winter
        ("2030-01-01T05:00:00+00:00", "2030-01-01"),
        ("2030-05-01T23:30:00-07:00", "2030-05-02"),  # a machine in Vancouver
    ],
)
def test_today_is_the_date_in_toronto(instant, toronto_date):
    assert toronto_today(datetime.fromisoformat(instant)) == D(toronto_date)


def test_today_without_an_instant_is_now_in_toronto():
    before = datetime.now(UTC).astimezone(TORONTO).date()
    assert toronto_today() in (before, before + timedelta(days=1))


ELECTION_YEARS = st.sampled_from([e.year for e in regular_elections(FIRST_REGULAR_ELECTION, 2100)])


@given(ELECTION_YEARS)
def test_every_election_to_2100_keeps_the_calendar_invariants(year):
    election = regular_election(year)
    assert election.voting_day.weekday() == 0
    assert date(year, 10, 22) <= election.voting_day <= date(year, 10, 28)
    assert election.nomination_day.weekday() == 4
    assert election.nomination_day.month == election.regime.nomination_day.month
    assert (
        election.publication_cutoff
        <= election.first_filing_day
        <= election.nomination_day
        < election.voting_day
        < election.term_begins
    )
    assert election.closures.is_open(election.first_filing_day)
    assert election.first_filing_day <= election.nomination_period_opens + timedelta(days=7)
    assert election.regime.governs(year)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_next_election_is_the_first_voting_day_on_or_after_today(today):
    election = next_regular_election(today)
    assert election.voting_day >= today
    assert election.year - 4 < FIRST_REGULAR_ELECTION or (
        regular_election(election.year - 4).voting_day < today
    )


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2100, 12, 31)))
def test_the_first_open_day_is_the_nearest_and_within_a_week(day):
    closures = default_closures()
    first = closures.first_open_on_or_after(day)
    assert day <= first <= day + timedelta(days=7)
    assert first.weekday() < 5 and closures.holiday(first) is None
    assert not any(closures.is_open(day + timedelta(n)) for n in range((first - day).days))


@given(
    st.dates(min_value=date(2010, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=90),
)
def test_a_by_elections_first_filing_day_is_open_and_within_a_week(opens, period, campaign):
    nomination = opens + timedelta(days=period + 7)
    election = by_election(opens, nomination, nomination + timedelta(days=campaign))
    first = election.first_filing_day
    assert election.closures.is_open(first)
    assert opens <= first <= opens + timedelta(days=7)
