"""The date engine against real calendars, and its invariants to 2100."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transition.calendar import (
    FIRST_REGULAR_ELECTION,
    TORONTO,
    by_election,
    first_business_day_on_or_after,
    is_business_day,
    next_regular_election,
    regular_election,
    regular_elections,
    toronto_today,
)
from transition.errors import TransitionError

D = date.fromisoformat

# Regular elections as held (2010 to 2026) and as projected (2030, 2034):
# year, regime, opens, first filing day, nomination day, voting day, term begins.
KNOWN_CALENDARS = [
    (2010, "mea-1996", "2010-01-01", "2010-01-04", "2010-09-10", "2010-10-25", "2010-12-01"),
    (2014, "mea-1996", "2014-01-01", "2014-01-02", "2014-09-12", "2014-10-27", "2014-12-01"),
    (2018, "mea-2016", "2018-05-01", "2018-05-01", "2018-07-27", "2018-10-22", "2018-11-15"),
    (2022, "mea-2020", "2022-05-01", "2022-05-02", "2022-08-19", "2022-10-24", "2022-11-15"),
    (2026, "mea-2020", "2026-05-01", "2026-05-01", "2026-08-21", "2026-10-26", "2026-11-15"),
    (2030, "mea-2020", "2030-05-01", "2030-05-01", "2030-08-16", "2030-10-28", "2030-11-15"),
    (2034, "mea-2020", "2034-05-01", "2034-05-01", "2034-08-18", "2034-10-23", "2034-11-15"),
]


@pytest.mark.parametrize(
    ("year", "regime", "opens", "first_filing", "nomination", "voting", "term"), KNOWN_CALENDARS
)
def test_known_regular_calendars(year, regime, opens, first_filing, nomination, voting, term):
    election = regular_election(year)
    assert election.kind == "regular"
    assert election.regime.key == regime
    assert election.nomination_period_opens == D(opens)
    assert election.first_filing_day == D(first_filing)
    assert election.nomination_day == D(nomination)
    assert election.voting_day == D(voting)
    assert election.term_begins == D(term)
    assert election.publication_cutoff == D(opens)
    assert election.filing_window == (D(first_filing), D(nomination))


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


def test_by_election_keeps_the_clerks_dates_and_derives_the_rest():
    election = by_election(D("2017-01-01"), D("2017-02-03"), D("2017-03-06"), "Ward 42")
    assert election.kind == "by-election"
    assert election.name == "Ward 42"
    assert election.publication_cutoff == D("2017-01-01")
    assert election.first_filing_day == D("2017-01-03")  # Jan 1 Sunday, Jan 2 holiday in lieu
    assert election.term_begins is None
    assert election.projected is False
    # a by-election fills a seat on the council elected in 2014
    assert election.regime.key == "mea-1996"


@pytest.mark.parametrize(
    ("opens", "nomination", "voting", "message"),
    [
        ("2017-03-01", "2017-02-03", "2017-04-03", "must be on or before nomination day"),
        ("2017-01-03", "2017-03-06", "2017-03-06", "not before voting day"),
        ("2017-01-03", "2017-04-03", "2017-03-06", "not before voting day"),
        ("2017-01-01", "2017-01-01", "2017-02-06", "no business day"),
    ],
)
def test_by_election_dates_out_of_order_are_refused(opens, nomination, voting, message):
    with pytest.raises(TransitionError, match=message):
        by_election(D(opens), D(nomination), D(voting))


@pytest.mark.parametrize(
    ("day", "first"),
    [
        ("2030-05-01", "2030-05-01"),  # a Wednesday
        ("2022-05-01", "2022-05-02"),  # a Sunday
        ("2010-01-01", "2010-01-04"),  # New Year's Day, then a weekend
        ("2028-12-24", "2028-12-27"),  # Sunday, Christmas Monday, Boxing Day Tuesday
        ("2030-04-19", "2030-04-22"),  # Good Friday
    ],
)
def test_first_business_day_on_or_after(day, first):
    assert first_business_day_on_or_after(D(day)) == D(first)


def test_filing_date_must_be_a_business_day_inside_the_window():
    election = regular_election(2030)
    election.check_filing_date(D("2030-05-06"))
    with pytest.raises(TransitionError, match="outside the filing window"):
        election.check_filing_date(D("2030-08-19"))
    with pytest.raises(TransitionError, match="Saturday"):
        election.check_filing_date(D("2030-05-04"))
    with pytest.raises(TransitionError, match="Victoria Day"):
        election.check_filing_date(D("2030-05-20"))


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
    assert is_business_day(election.first_filing_day)
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


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_first_business_day_is_the_nearest_business_day(day):
    first = first_business_day_on_or_after(day)
    assert first >= day and is_business_day(first)
    assert not any(is_business_day(day + timedelta(n)) for n in range((first - day).days))
