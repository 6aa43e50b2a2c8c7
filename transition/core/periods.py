"""Periods: from a day on, something stops until another day.

Most of what the Municipal Elections Act asks of a council's own rules
(s. 88.18, the use of municipal resources in an election) is a period, not a
deadline: Toronto restricts the services it gives members from August 1 of an
election year to voting day; Ottawa's Election-Related Resources Policy
covers the 60 days up to and including voting day. A profile names each
period's two ends as anchors (the same key dates steps hang on, plus the end
of the term and fixed days of the election year), with days to move them, and
this module turns them into dates for an election and a member.

Both ends are inclusive: a period from August 1 to voting day is in force on
both days. Like the rest of the core it imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from transition.core.calendar import (
    FIRST_REGULAR_ELECTION,
    TERM_YEARS,
    Election,
    Regime,
    regime_for_year,
)
from transition.core.terms import Option
from transition.errors import TransitionError

#: The dates a period's start or end can hang on. A fixed day of the
#: election year ("08-01") is the other kind of anchor.
PERIOD_ANCHORS: tuple[str, ...] = (
    "nomination-period-opens",
    "filing-date",
    "nomination-day",
    "voting-day",
    "term-ends",
)

PeriodAudience = Literal[
    "every-member", "member", "option2-city-account", "option1-campaign-account"
]
#: Who a period reaches: every member of council, running or not; members
#: running (`option` narrows to those on one option); or members keeping an
#: account of that kind (the steps' account targets), once for the member.
PERIOD_AUDIENCES: tuple[PeriodAudience, ...] = (
    "every-member",
    "member",
    "option2-city-account",
    "option1-campaign-account",
)

#: Which elections a period belongs to. A period dated by a fixed day of the
#: year belongs to regular elections only: a by-election has no such year.
PeriodElections = Literal["all", "regular"]
PERIOD_ELECTIONS: tuple[PeriodElections, ...] = ("all", "regular")

State = Literal["upcoming", "in force", "ended"]


@dataclass(frozen=True)
class Anchor:
    """One end of a period: a key date (or a fixed day of the year), moved by days."""

    on: str
    offset_days: int = 0

    @property
    def fixed_day(self) -> tuple[int, int] | None:
        if self.on in PERIOD_ANCHORS:
            return None
        month, _, day = self.on.partition("-")
        return int(month), int(day)

    def describe(self) -> str:
        """ "60 days before voting day", "August 1 of the election year"."""
        fixed = self.fixed_day
        if fixed:
            base = f"{date(2001, *fixed):%B} {fixed[1]} of the election year"
        else:
            base = _ANCHOR_WORDS[self.on]
        if self.offset_days == 0:
            return base
        days = abs(self.offset_days)
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {'before' if self.offset_days < 0 else 'after'} {base}"


_ANCHOR_WORDS = {
    "nomination-period-opens": "the opening of the nomination period",
    "filing-date": "the member's filing date",
    "nomination-day": "nomination day",
    "voting-day": "voting day",
    "term-ends": "the end of the council's term",
}


@dataclass(frozen=True)
class Period:
    """What is restricted, from which day until which, and for whom."""

    id: str
    title: str
    #: A few words for narrow places (the council overview's columns).
    label: str
    explanation: str
    #: The policy it comes from, cited as a step cites its paragraph.
    source: str
    applies_to: PeriodAudience
    starts: Anchor
    ends: Anchor
    #: For a running member's period, the option it belongs to; None for both.
    option: Option | None = None
    elections: PeriodElections = "all"
    #: Days before the start an e-mail reminds it (None: the profile's `[remind]`).
    remind_days_before: tuple[int, ...] | None = None

    def describe(self) -> str:
        """ "from August 1 of the election year until voting day, inclusive"."""
        return f"from {self.starts.describe()} until {self.ends.describe()}, inclusive"

    def fields(self) -> dict[str, object]:
        """What the period is, JSON-ready: what a profile's and a member's listings share."""
        return {
            "id": self.id,
            "title": self.title,
            "label": self.label,
            "explanation": self.explanation,
            "source": self.source,
            "applies_to": self.applies_to,
            "option": self.option.number if self.option else None,
            "rule": self.describe(),
        }


@dataclass(frozen=True)
class KeyDates:
    """The dates a period's anchors read, for one election in one office's view."""

    year: int
    opens: date
    nomination_day: date
    voting_day: date
    #: The last day of the council's term: the day before the next one begins.
    term_ends: date
    regular: bool

    @classmethod
    def of(cls, election: Election) -> KeyDates:
        return cls(
            year=election.year,
            opens=election.nomination_period_opens,
            nomination_day=election.nomination_day,
            voting_day=election.voting_day,
            term_ends=_term_ends(election),
            regular=election.kind == "regular",
        )

    @classmethod
    def statutory(cls, regime: Regime, year: int) -> KeyDates:
        """A regular election's dates from its regime alone (no closures needed)."""
        return cls(
            year=year,
            opens=regime.nomination_period_opens.in_year(year),
            nomination_day=regime.nomination_day.in_year(year),
            voting_day=regime.voting_day.in_year(year),
            term_ends=_day_before(regime.term_begins.in_year(year)),
            regular=True,
        )


@dataclass(frozen=True)
class PlannedPeriod:
    """A period's dates for one member. A start or end hung on a filing date
    not yet known is None, with the latest day it can be (`latest_start`)."""

    period: Period
    starts: date | None
    ends: date | None
    latest_start: date
    latest_end: date
    #: The accounts it concerns, where it is for members keeping a kind of account.
    accounts: tuple[str, ...] = ()

    def state(self, today: date) -> State:
        if self.ends is not None and today > self.ends:
            return "ended"
        if self.starts is not None and self.starts <= today:
            return "in force"
        return "upcoming"

    def days_left(self, today: date) -> int | None:
        """Days the period is still in force, today included; None unless in force."""
        if self.state(today) != "in force" or self.ends is None:
            return None
        return (self.ends - today).days + 1


def payload(planned: PlannedPeriod, today: date | None = None) -> dict[str, object]:
    """A planned period as JSON-ready data: what every `--json` prints of one.
    Without `today` (an election's calendar), there is no state."""
    found: dict[str, object] = {
        **planned.period.fields(),
        "starts": _iso(planned.starts),
        "ends": _iso(planned.ends),
        "latest_start": planned.latest_start.isoformat(),
        "latest_end": planned.latest_end.isoformat(),
        "accounts": list(planned.accounts),
    }
    if today is not None:
        found["state"] = planned.state(today)
        found["days_left"] = planned.days_left(today)
    return found


def for_election(periods: tuple[Period, ...], election: Election) -> tuple[PlannedPeriod, ...]:
    """The periods of an election as its calendar shows them, before any
    member: a filing-date end is open (between the first filing day and
    nomination day). Earliest start first."""
    dates = KeyDates.of(election)
    found = [planned(p, dates, None) for p in periods if applies_in(p, dates)]
    return tuple(sorted(found, key=lambda p: (p.starts or p.latest_start, p.period.id)))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class PeriodProblem(TransitionError):
    """A period whose dates cannot be what the profile says (`message` names it)."""


def anchor_day(anchor: Anchor, dates: KeyDates, filing: date | None) -> date | None:
    """The day an anchor falls on; None for a filing date not yet known."""
    if anchor.on == "filing-date":
        base = filing
    elif anchor.on == "nomination-period-opens":
        base = dates.opens
    elif anchor.on == "nomination-day":
        base = dates.nomination_day
    elif anchor.on == "voting-day":
        base = dates.voting_day
    elif anchor.on == "term-ends":
        base = dates.term_ends
    else:
        month, day = anchor.fixed_day or (1, 1)
        base = date(dates.year, month, day)
    return None if base is None else _moved(base, anchor.offset_days)


def planned(
    period: Period, dates: KeyDates, filing: date | None, accounts: tuple[str, ...] = ()
) -> PlannedPeriod:
    """The period's dates in one election for a member filing on `filing` (or not yet)."""
    starts, ends = anchor_day(period.starts, dates, filing), anchor_day(period.ends, dates, filing)
    # Until the member files, a filing-date end can come as late as nomination day.
    latest_start = starts or anchor_day(period.starts, dates, dates.nomination_day)
    latest_end = ends or anchor_day(period.ends, dates, dates.nomination_day)
    assert latest_start is not None and latest_end is not None
    return PlannedPeriod(period, starts, ends, latest_start, latest_end, accounts)


def applies_in(period: Period, dates: KeyDates) -> bool:
    return period.elections == "all" or dates.regular


def problems_in(period: Period, dates: KeyDates, what: str) -> Iterator[str]:
    """Why the period's dates cannot stand in one election, if they cannot:
    its end before its start, for a member filing on any day of the window."""
    if not applies_in(period, dates):
        return
    for filing in (dates.opens, dates.nomination_day):
        starts = anchor_day(period.starts, dates, filing)
        ends = anchor_day(period.ends, dates, filing)
        assert starts is not None and ends is not None
        if ends < starts:
            yield (
                f"period {period.id!r} would end on {ends.isoformat()}, before it starts "
                f"on {starts.isoformat()}, in {what}; check its from and until"
            )
            return


def check(periods: tuple[Period, ...], election: Election) -> None:
    """Refuse an election in which a period of its profile cannot stand (a
    by-election whose dates put a period's end before its start)."""
    views = [election, *(election.for_office(o.office) for o in election.overrides)]
    for view in views:
        for period in periods:
            for problem in problems_in(period, KeyDates.of(view), f"the {election.name}"):
                raise PeriodProblem(problem)


def _term_ends(election: Election) -> date:
    """The last day of the council's term: for a regular election the day
    before the new term begins; for a by-election, the term it fills a seat
    in, which ends when the next regular election's term begins."""
    if election.term_begins is not None:
        return _day_before(election.term_begins)
    year = max(election.voting_day.year, FIRST_REGULAR_ELECTION)
    year += -(year - FIRST_REGULAR_ELECTION) % TERM_YEARS
    for _ in range(2):
        if year > date.max.year:
            return date.max  # the calendar ends before the term does
        begins = regime_for_year(year).term_begins.in_year(year)
        if begins > election.voting_day:
            return _day_before(begins)
        year += TERM_YEARS
    raise AssertionError("a term begins within four years of any voting day")


def _day_before(day: date) -> date:
    return _moved(day, -1)


def _moved(day: date, days: int) -> date:
    return date.fromordinal(max(1, min(day.toordinal() + days, date.max.toordinal())))
