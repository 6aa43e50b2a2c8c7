"""The election calendar of the Ontario Municipal Elections Act, 1996 (MEA).

Regular elections follow a formula that changed with the law: each regime is
a row of data below, and every date is computed from it with dateutil. A
by-election has no formula: the clerk sets its dates and they are taken as
given. Everything derived for an election (first filing day, publication
cutoff, filing window) lives here too, so that every part of the tool reads
the same dates.

This module is part of the pure core: it imports only the standard library,
dateutil and holidays, and takes "today" as an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import FR, MO, relativedelta
from dateutil.relativedelta import weekday as Weekday
from dateutil.rrule import DAILY, rrule

from transition.errors import TransitionError

#: Every date in the tool is a date in Toronto, whatever the machine's zone.
TORONTO = ZoneInfo("America/Toronto")

#: Regular elections are every four years; 2010 is the first held on the
#: October calendar all the regimes below share (voting day, fourth Monday
#: in October), so it is the first year the engine computes.
FIRST_REGULAR_ELECTION = 2010
TERM_YEARS = 4

#: The newest regular election actually held. Later ones are computed under
#: the newest regime and shown as "projected under current law", because the
#: Legislature may change the calendar again before they come.
NEWEST_HELD_ELECTION = 2026

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class NthWeekday:
    """A statutory date of the form "the fourth Monday in October"."""

    n: int
    weekday: Weekday
    month: int

    def in_year(self, year: int) -> date:
        return date(year, self.month, 1) + relativedelta(weekday=self.weekday(self.n))

    def describe(self) -> str:
        month = date(2000, self.month, 1).strftime("%B")
        return f"{_ORDINALS[self.n]} {_WEEKDAY_NAMES[self.weekday.weekday]} in {month}"


@dataclass(frozen=True)
class MonthDay:
    """A statutory date fixed on the calendar, such as May 1."""

    month: int
    day: int

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)

    def describe(self) -> str:
        return f"{date(2000, self.month, self.day):%B} {self.day}"


@dataclass(frozen=True)
class Regime:
    """One version of the MEA's calendar and the regular elections it governs."""

    key: str
    name: str
    first_year: int
    last_year: int | None
    nomination_period_opens: MonthDay
    nomination_day: NthWeekday
    voting_day: NthWeekday
    term_begins: MonthDay

    def governs(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


#: Voting day is the fourth Monday in October under every regime (MEA s. 4).
FOURTH_MONDAY_IN_OCTOBER = NthWeekday(4, MO, 10)

REGIMES: tuple[Regime, ...] = (
    # MEA 1996 as it stood until the Municipal Elections Modernization Act,
    # 2016: nominations open January 1 and close on the second Friday in
    # September; the new council takes office December 1.
    Regime(
        key="mea-1996",
        name="Municipal Elections Act, 1996, before the 2016 amendments",
        first_year=FIRST_REGULAR_ELECTION,
        last_year=2014,
        nomination_period_opens=MonthDay(1, 1),
        nomination_day=NthWeekday(2, FR, 9),
        voting_day=FOURTH_MONDAY_IN_OCTOBER,
        term_begins=MonthDay(12, 1),
    ),
    # The 2016 amendments: nominations open May 1 and close on the fourth
    # Friday in July; the term begins November 15.
    Regime(
        key="mea-2016",
        name="Municipal Elections Act, 1996, as amended in 2016",
        first_year=2018,
        last_year=2018,
        nomination_period_opens=MonthDay(5, 1),
        nomination_day=NthWeekday(4, FR, 7),
        voting_day=FOURTH_MONDAY_IN_OCTOBER,
        term_begins=MonthDay(11, 15),
    ),
    # The 2020 amendments moved nomination day to the third Friday in August.
    Regime(
        key="mea-2020",
        name="Municipal Elections Act, 1996, as amended in 2020",
        first_year=2022,
        last_year=None,
        nomination_period_opens=MonthDay(5, 1),
        nomination_day=NthWeekday(3, FR, 8),
        voting_day=FOURTH_MONDAY_IN_OCTOBER,
        term_begins=MonthDay(11, 15),
    ),
)

ElectionKind = Literal["regular", "by-election"]


@dataclass(frozen=True)
class Election:
    """The key dates of one election, regular or by-election."""

    kind: ElectionKind
    name: str
    regime: Regime
    nomination_period_opens: date
    nomination_day: date
    voting_day: date
    #: None for a by-election: the member elected serves out the current term.
    term_begins: date | None
    #: True when the dates rest on the law as it stands today, not on an
    #: election already held.
    projected: bool

    @property
    def year(self) -> int:
        return self.voting_day.year

    @property
    def publication_cutoff(self) -> date:
        """The day publications showing the account's handle must stop.

        Bulletin para 19b, first bullet: the opening of the nomination period
        itself ("January 1 (will be May 1 ...)"), not moved to a business day.
        """
        return self.nomination_period_opens

    @property
    def first_filing_day(self) -> date:
        """The first day nomination papers can actually be filed.

        Papers are filed in person at the clerk's office, so this is the first
        business day on or after the statutory opening.
        """
        return first_business_day_on_or_after(self.nomination_period_opens)

    @property
    def filing_window(self) -> tuple[date, date]:
        """The first and last days a member can file nomination papers."""
        return self.first_filing_day, self.nomination_day

    def check_filing_date(self, filing_date: date) -> None:
        """Refuse a filing date on which the clerk could not take papers."""
        first, last = self.filing_window
        if not first <= filing_date <= last:
            raise TransitionError(
                f"{filing_date.isoformat()} is outside the filing window of the {self.name} "
                f"({first.isoformat()} to {last.isoformat()}); give a date inside it"
            )
        if not is_business_day(filing_date):
            raise TransitionError(
                f"{filing_date.isoformat()} is a {describe_closure(filing_date)}, when the "
                "clerk takes no nomination papers; give a business day"
            )


def regime_for_year(year: int) -> Regime:
    """The regime that governs (or, past the newest, is projected for) a year."""
    for regime in REGIMES:
        if regime.governs(year):
            return regime
    return REGIMES[0]


def is_regular_election_year(year: int) -> bool:
    return year >= FIRST_REGULAR_ELECTION and (year - FIRST_REGULAR_ELECTION) % TERM_YEARS == 0


def regular_election(year: int) -> Election:
    """The regular election of `year`, computed from its regime's formula."""
    if year > date.max.year:
        raise TransitionError(f"{year} is beyond the calendar; give a year up to {date.max.year}")
    if not is_regular_election_year(year):
        raise TransitionError(_not_an_election_year(year))
    regime = regime_for_year(year)
    return Election(
        kind="regular",
        name=f"{year} regular election",
        regime=regime,
        nomination_period_opens=regime.nomination_period_opens.in_year(year),
        nomination_day=regime.nomination_day.in_year(year),
        voting_day=regime.voting_day.in_year(year),
        term_begins=regime.term_begins.in_year(year),
        projected=year > NEWEST_HELD_ELECTION,
    )


def next_regular_election(today: date) -> Election:
    """The first regular election whose voting day is on or after `today`."""
    year = max(today.year, FIRST_REGULAR_ELECTION)
    year += -(year - FIRST_REGULAR_ELECTION) % TERM_YEARS
    election = regular_election(year)
    if election.voting_day < today:
        election = regular_election(year + TERM_YEARS)
    return election


def by_election(
    opens: date, nomination_day: date, voting_day: date, name: str | None = None
) -> Election:
    """A by-election from the three dates the clerk sets.

    The MEA gives no formula for these, so the dates are validated rather
    than computed. The regime shown is that of the regular election which
    elected the council the by-election fills a seat on.
    """
    if not opens <= nomination_day:
        raise TransitionError(
            f"the nomination period opens {opens.isoformat()}, after nomination day "
            f"{nomination_day.isoformat()}; the opening must be on or before nomination day"
        )
    if not nomination_day < voting_day:
        raise TransitionError(
            f"nomination day {nomination_day.isoformat()} is not before voting day "
            f"{voting_day.isoformat()}; nominations must close before the vote"
        )
    if first_business_day_on_or_after(opens) > nomination_day:
        raise TransitionError(
            f"there is no business day from {opens.isoformat()} to {nomination_day.isoformat()} "
            "on which to file nomination papers; check the clerk's dates"
        )
    return Election(
        kind="by-election",
        name=name or f"by-election of {voting_day.isoformat()}",
        regime=regime_for_year(_term_elected_in(voting_day)),
        nomination_period_opens=opens,
        nomination_day=nomination_day,
        voting_day=voting_day,
        term_begins=None,
        projected=False,
    )


def regular_elections(first: int, last: int) -> list[Election]:
    """Every regular election from year `first` to year `last`, inclusive."""
    start = max(first, FIRST_REGULAR_ELECTION)
    start += -(start - FIRST_REGULAR_ELECTION) % TERM_YEARS
    return [regular_election(year) for year in range(start, last + 1, TERM_YEARS)]


def days_after(day: date, days: int) -> date:
    """`day` plus `days`, held at the last date the calendar has."""
    return date.fromordinal(min(day.toordinal() + days, date.max.toordinal()))


def toronto_today(now: datetime | None = None) -> date:
    """Today's date in Toronto; `now` (timezone-aware) fixes the instant."""
    return (now or datetime.now(TORONTO)).astimezone(TORONTO).date()


def compute_ontario_holidays(year: int) -> dict[date, str]:
    """Ontario's public holidays in `year`, by date, as the `holidays` package
    names them (two on one day are joined with "; ")."""
    # Imported here: most commands never ask for a business day.
    import holidays

    return dict(holidays.country_holidays("CA", subdiv="ON", years=year))


HolidayLookup = Callable[[int], Mapping[date, str]]
_holiday_lookup: HolidayLookup = compute_ontario_holidays


def use_holiday_lookup(lookup: HolidayLookup) -> None:
    """Where business-day questions get Ontario's holidays from. The default
    asks `holidays` in every process; the command line swaps in a lookup that
    keeps the answers on disk (transition.holiday_cache), which must agree."""
    global _holiday_lookup
    _holiday_lookup = lookup
    _ontario_holidays.cache_clear()


@lru_cache(maxsize=256)
def _ontario_holidays(year: int) -> Mapping[date, str]:
    return _holiday_lookup(year)


def is_business_day(day: date) -> bool:
    """Not a Saturday, Sunday or Ontario public holiday."""
    return day.weekday() < 5 and day not in _ontario_holidays(day.year)


def first_business_day_on_or_after(day: date) -> date:
    weekdays = rrule(DAILY, dtstart=day, byweekday=range(5))
    return next(d.date() for d in weekdays if d.date() not in _ontario_holidays(d.year))


def describe_closure(day: date) -> str:
    """Why the clerk's office is closed on `day`: "Saturday" or a holiday name."""
    name = _ontario_holidays(day.year).get(day)
    return f"{name} ({day:%A})" if name else f"{day:%A}"


def _term_elected_in(day: date) -> int:
    """The year of the latest regular election held on or before `day`."""
    year = max(day.year, FIRST_REGULAR_ELECTION)
    year -= (year - FIRST_REGULAR_ELECTION) % TERM_YEARS
    if year > FIRST_REGULAR_ELECTION and regime_for_year(year).voting_day.in_year(year) > day:
        year -= TERM_YEARS
    return year


def _not_an_election_year(year: int) -> str:
    if year < FIRST_REGULAR_ELECTION:
        return (
            f"{year} is before {FIRST_REGULAR_ELECTION}, the first regular election "
            f"transition knows; give {FIRST_REGULAR_ELECTION} or a later election year"
        )
    before = year - (year - FIRST_REGULAR_ELECTION) % TERM_YEARS
    return (
        f"{year} is not a regular election year (they come every {TERM_YEARS} years); "
        f"the nearest are {before} and {before + TERM_YEARS}"
    )
