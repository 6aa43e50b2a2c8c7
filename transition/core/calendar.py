"""The election calendar of the Ontario Municipal Elections Act, 1996 (MEA).

Regular elections follow a formula that changed with the law: each regime is
a row of data below, and every date is computed from it with dateutil. A
by-election has no formula: the clerk sets its dates and they are taken as
given. Everything derived for an election (first filing day, publication
cutoff, filing window) lives here too, so that every part of the tool reads
the same dates.

This module is part of the pure core: it imports only the standard library,
dateutil and holidays, and takes "today" and the office's closure calendar
(`transition.core.closures`) as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import FR, MO, relativedelta
from dateutil.relativedelta import weekday as Weekday

from transition.core.closures import LEGISLATION_ACT, ClosureCalendar
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

#: By-elections (MEA s. 65): nomination day is 30 to 60 days after the by-law
#: that calls the by-election, and voting day the 45th day after nomination
#: day, moved past a day that is a holiday (Legislation Act, 2006, s. 89, and
#: Sunday is one by s. 87). These check the clerk's dates; they never refuse them.
BYLAW_TO_NOMINATION_DAYS = (30, 60)
NOMINATION_TO_VOTING_DAYS = 45


@dataclass(frozen=True)
class OfficeOverride:
    """Dates the Legislature changed for one office during an election, such as
    Toronto councillors' nomination day in 2018 (Better Local Government Act)."""

    office: str
    nomination_day: date
    #: None keeps the statutory opening.
    opens: date | None
    source: str


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
    #: The days the clerk's office is closed (the profile's closure calendar).
    closures: ClosureCalendar = field(compare=False, repr=False)
    #: A by-election's by-law date, where the clerk gave it.
    bylaw_date: date | None = None
    #: Every office whose dates the law changed in this election.
    overrides: tuple[OfficeOverride, ...] = ()
    #: The override these dates follow, in one office's view (`for_office`).
    applied: OfficeOverride | None = None

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
        day on or after the statutory opening when that office is open.
        """
        return self.closures.first_open_on_or_after(self.nomination_period_opens)

    @property
    def filing_window(self) -> tuple[date, date]:
        """The first and last days a member can file nomination papers."""
        return self.first_filing_day, self.nomination_day

    def closed_days(self) -> list[tuple[date, str]]:
        """The weekdays of the nomination period when the office is closed."""
        days = self.closures.closed_between(self.nomination_period_opens, self.nomination_day)
        return [(day, name) for day, name in days if day.weekday() < 5]

    def for_office(self, office: str) -> Election:
        """The dates that hold for members of `office`: the law's, or an override's."""
        override = next((o for o in self.overrides if o.office == office), None)
        if override is None:
            return self
        return replace(
            self,
            nomination_period_opens=override.opens or self.nomination_period_opens,
            nomination_day=override.nomination_day,
            applied=override,
        )

    def check_filing_date(self, filing_date: date) -> str | None:
        """Refuse a filing date outside the window; on a day the office is
        closed, accept it (the clerk may have opened specially) with a warning."""
        first, last = self.filing_window
        if not first <= filing_date <= last:
            raise TransitionError(
                f"{filing_date.isoformat()} is outside the filing window of the {self.name} "
                f"({first.isoformat()} to {last.isoformat()}); give a date inside it"
            )
        if self.closures.is_open(filing_date):
            return None
        return (
            f"{filing_date.isoformat()} is {self.closures.describe(filing_date)}, when the "
            "clerk's office is closed; recorded as given (check it if the office did not "
            "open specially)"
        )

    def payload(self) -> dict[str, Any]:
        """The key dates as JSON-ready data: what `--json` prints of an election."""
        return {
            "kind": self.kind,
            "year": self.year,
            "regime": self.regime.key,
            "projected": self.projected,
            "nomination_period_opens": _iso(self.nomination_period_opens),
            "first_filing_day": _iso(self.first_filing_day),
            "nomination_day": _iso(self.nomination_day),
            "voting_day": _iso(self.voting_day),
            "term_begins": _iso(self.term_begins),
            "publication_cutoff": _iso(self.publication_cutoff),
            "bylaw_date": _iso(self.bylaw_date),
            "closed_days": [
                {"date": day.isoformat(), "name": name} for day, name in self.closed_days()
            ],
            "overrides": [self._override_payload(o) for o in self.overrides],
            "warnings": self.pattern_warnings(),
        }

    def _override_payload(self, override: OfficeOverride) -> dict[str, Any]:
        dates = self.for_office(override.office)
        return {
            "office": override.office,
            "nomination_period_opens": _iso(dates.nomination_period_opens),
            "first_filing_day": _iso(dates.first_filing_day),
            "nomination_day": _iso(dates.nomination_day),
            "source": override.source,
        }

    def pattern_warnings(self) -> list[str]:
        """Where a by-election's dates do not fit the statute's pattern (MEA
        s. 65). A warning, never a refusal: the clerk's dates are the record."""
        if self.kind != "by-election":
            return []
        warnings = []
        statutory = ClosureCalendar(LEGISLATION_ACT, self.closures.source)
        expected = days_after(self.nomination_day, NOMINATION_TO_VOTING_DAYS)
        while expected < date.max and (expected.weekday() == 6 or statutory.holiday(expected)):
            expected = days_after(expected, 1)
        if expected != self.voting_day:
            warnings.append(
                f"voting day {self.voting_day.isoformat()} does not follow the statute: "
                f"{NOMINATION_TO_VOTING_DAYS} days after nomination day, moved past a Sunday "
                f"or holiday, is {expected.isoformat()} (MEA s. 65; Legislation Act, 2006, "
                "ss. 87-89); the clerk's dates are kept"
            )
        if self.bylaw_date is not None:
            low, high = BYLAW_TO_NOMINATION_DAYS
            gap = (self.nomination_day - self.bylaw_date).days
            if not low <= gap <= high:
                warnings.append(
                    f"nomination day {self.nomination_day.isoformat()} is {gap} days after the "
                    f"by-law of {self.bylaw_date.isoformat()}; the statute sets it {low} to "
                    f"{high} days after (MEA s. 65); the clerk's dates are kept"
                )
            if self.bylaw_date > self.nomination_period_opens:
                warnings.append(
                    f"the by-law of {self.bylaw_date.isoformat()} comes after the nomination "
                    f"period opens ({self.nomination_period_opens.isoformat()}); check the dates"
                )
        return warnings


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def regime_for_year(year: int) -> Regime:
    """The regime that governs (or, past the newest, is projected for) a year."""
    for regime in REGIMES:
        if regime.governs(year):
            return regime
    return REGIMES[0]


def is_regular_election_year(year: int) -> bool:
    return year >= FIRST_REGULAR_ELECTION and (year - FIRST_REGULAR_ELECTION) % TERM_YEARS == 0


def regular_election(year: int, closures: ClosureCalendar | None = None) -> Election:
    """The regular election of `year`, computed from its regime's formula;
    filing days follow `closures` (default: the built-in profile's)."""
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
        closures=closures or default_closures(),
    )


def next_regular_election(today: date, closures: ClosureCalendar | None = None) -> Election:
    """The first regular election whose voting day is on or after `today`."""
    year = max(today.year, FIRST_REGULAR_ELECTION)
    year += -(year - FIRST_REGULAR_ELECTION) % TERM_YEARS
    election = regular_election(year, closures)
    if election.voting_day < today:
        election = regular_election(year + TERM_YEARS, closures)
    return election


def by_election(
    opens: date,
    nomination_day: date,
    voting_day: date,
    name: str | None = None,
    *,
    closures: ClosureCalendar | None = None,
    bylaw_date: date | None = None,
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
    closures = closures or default_closures()
    if closures.first_open_on_or_after(opens) > nomination_day:
        raise TransitionError(
            f"the clerk's office is open on no day from {opens.isoformat()} to "
            f"{nomination_day.isoformat()}, so no nomination papers could be filed; "
            "check the clerk's dates"
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
        closures=closures,
        bylaw_date=bylaw_date,
    )


def regular_elections(
    first: int, last: int, closures: ClosureCalendar | None = None
) -> list[Election]:
    """Every regular election from year `first` to year `last`, inclusive."""
    start = max(first, FIRST_REGULAR_ELECTION)
    start += -(start - FIRST_REGULAR_ELECTION) % TERM_YEARS
    return [regular_election(year, closures) for year in range(start, last + 1, TERM_YEARS)]


@lru_cache(maxsize=1)
def default_closures() -> ClosureCalendar:
    """The built-in profile's closure calendar, asking `holidays` directly."""
    from transition.core.rules import load_profile

    return ClosureCalendar(load_profile().closures)


def days_after(day: date, days: int) -> date:
    """`day` plus `days` (or minus), held within the dates the calendar has."""
    return date.fromordinal(max(1, min(day.toordinal() + days, date.max.toordinal())))


def toronto_today(now: datetime | None = None) -> date:
    """Today's date in Toronto; `now` (timezone-aware) fixes the instant."""
    return (now or datetime.now(TORONTO)).astimezone(TORONTO).date()


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
