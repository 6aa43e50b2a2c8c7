"""The days a clerk's office is closed, as a municipality's profile describes them.

Nomination papers are filed in person, so a "business day" for filing is a
day the clerk's office is open: not a Saturday or Sunday, and not one of the
municipality's own closures. Those are the municipality's designated holidays,
which are not Ontario's public holidays alone (the City of Toronto also closes
on Easter Monday, the Civic Holiday and Remembrance Day), each with a rule
for when it falls on a weekend. A profile names the holidays; their dates
come from the `holidays` package (never a hand-written table); the weekend
rules are applied here, so that the answer depends on the package only for
the holidays' own dates, which a committed snapshot pins.

This module is part of the pure core: the holiday source is passed in (the
command line passes one that keeps the package's answers on disk).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from transition.errors import TransitionError

#: What to do when a closure falls on a Saturday or Sunday.
#: "next-weekday": the office also closes on the next weekday that is not
#: already closed (an alternate day, as Toronto designates for its staff);
#: "after-sunday": only a Sunday closure moves to the next weekday not
#: already closed (the Legislation Act, 2006, s. 88(3)-(4));
#: "none": no alternate day (Toronto's Remembrance Day).
WEEKEND_RULES = ("next-weekday", "after-sunday", "none")
OBSERVED = "observed"


@dataclass(frozen=True)
class HolidayQuery:
    """One question to the `holidays` package: a category of one place's holidays."""

    country: str
    subdivision: str | None
    language: str | None
    category: str

    @property
    def key(self) -> str:
        return "/".join((self.country, self.subdivision or "", self.language or "", self.category))


#: Where holiday dates come from: the query and a year, to {date: name}.
#: Two holidays on one date have their names joined with "; ".
HolidaySource = Callable[[HolidayQuery, int], Mapping[date, str]]


def package_holidays(query: HolidayQuery, year: int) -> dict[date, str]:
    """The `holidays` package's answer, without its own observed days: the
    profile's weekend rules decide those."""
    import holidays  # imported here: most commands never ask for a closure

    found = holidays.country_holidays(
        query.country,
        subdiv=query.subdivision,
        years=year,
        categories=(query.category,),
        observed=False,
        language=query.language,
    )
    return dict(found)


@dataclass(frozen=True)
class NamedHoliday:
    """A holiday the office closes on, by the name the package gives it."""

    name: str
    category: str
    weekend: str


@dataclass(frozen=True)
class ExtraDay:
    """A closure the package does not know: every year on a month and day, or once."""

    name: str
    month: int
    day: int
    year: int | None
    weekend: str

    def in_year(self, year: int) -> date | None:
        if self.year is not None and self.year != year:
            return None
        try:
            return date(year, self.month, self.day)
        except ValueError:  # February 29 in a common year
            return None


@dataclass(frozen=True)
class ClosureRules:
    """A profile's closure calendar: which holidays close the office, and how
    a weekend closure is made up."""

    source: str
    country: str
    subdivision: str | None
    language: str | None
    #: Every holiday of these package categories closes the office.
    categories: tuple[str, ...]
    #: The weekend rule of every closure that does not name its own.
    weekend: str
    holidays: tuple[NamedHoliday, ...]
    days: tuple[ExtraDay, ...] = ()

    def query(self, category: str) -> HolidayQuery:
        return HolidayQuery(self.country, self.subdivision, self.language, category)

    def queries(self) -> tuple[HolidayQuery, ...]:
        wanted = dict.fromkeys((*self.categories, *(h.category for h in self.holidays)))
        return tuple(self.query(category) for category in wanted)

    def weekend_rule(self, name: str) -> str:
        return next((h.weekend for h in self.holidays if h.name == name), self.weekend)


@dataclass
class ClosureCalendar:
    """When the office is closed, year by year, computed once a year is asked for."""

    rules: ClosureRules
    source: HolidaySource = package_holidays
    _years: dict[int, dict[date, str]] = field(default_factory=dict, repr=False)
    _bases: dict[int, list[tuple[date, str, str]]] = field(default_factory=dict, repr=False)

    def closures(self, year: int) -> dict[date, str]:
        """Every closure in `year` that is not simply a weekend, by date."""
        if year not in self._years:
            days = self._with_alternates(year)
            self._years[year] = {day: name for day, name in days.items() if day.year == year}
        return self._years[year]

    def holiday(self, day: date) -> str | None:
        """The closure's name on `day`, if the office closes for one."""
        return self.closures(day.year).get(day)

    def is_open(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def describe(self, day: date) -> str:
        """Why the office is closed on `day`: "Civic Holiday (Monday)" or "Saturday"."""
        name = self.holiday(day)
        return f"{name} ({day:%A})" if name else f"{day:%A}"

    def first_open_on_or_after(self, day: date) -> date:
        while not self.is_open(day):
            day += timedelta(days=1)
        return day

    def closed_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """The closures from `first` to `last`, weekends aside, in date order."""
        found: list[tuple[date, str]] = []
        for year in range(first.year, last.year + 1):
            found.extend((d, n) for d, n in self.closures(year).items() if first <= d <= last)
        return found

    def check_known(self, year: int, profile: str) -> None:
        """Refuse closures that name a holiday the `holidays` package does not
        have (a misspelt name would close nothing), as of a year it covers:
        names do not change with the year."""
        unknown = self.unknown_names(min(max(year, 2000), 2100))
        if unknown:
            raise TransitionError(
                f"profile {profile}: its closures name holidays the holidays package does "
                f"not have in {year}: {', '.join(unknown)}; check their names and categories"
            )

    def unknown_names(self, year: int) -> list[str]:
        """Named holidays the source does not have in `year`'s category: a
        misspelt name would otherwise close the office on no day at all."""
        unknown = []
        for holiday in self.rules.holidays:
            names = _names(self.source(self.rules.query(holiday.category), year))
            if holiday.name not in names:
                unknown.append(f"{holiday.name} ({holiday.category})")
        return unknown

    def _base(self, year: int) -> list[tuple[date, str, str]]:
        """The year's closures before weekend rules: (date, name, weekend rule)."""
        if year not in self._bases:
            base: dict[tuple[date, str], str] = {}
            if 1 <= year <= date.max.year:
                for category in self.rules.categories:
                    for day, name in _split(self.source(self.rules.query(category), year)):
                        base[(day, name)] = self.rules.weekend_rule(name)
                for holiday in self.rules.holidays:
                    answer = self.source(self.rules.query(holiday.category), year)
                    for day, name in _split(answer):
                        if name == holiday.name:
                            base[(day, name)] = holiday.weekend
                for extra in self.rules.days:
                    when = extra.in_year(year)
                    if when is not None:
                        base[(when, extra.name)] = extra.weekend
            self._bases[year] = sorted((d, n, rule) for (d, n), rule in base.items())
        return self._bases[year]

    def _with_alternates(self, year: int) -> dict[date, str]:
        """The closures around `year` (the years before and after too, so that
        a late-December closure may move into January) with their alternate
        days. Closures are taken in date order, so Christmas on a Sunday moves
        past Boxing Day to the Tuesday (Legislation Act s. 88(5))."""
        base = sorted(b for y in (year - 1, year, year + 1) for b in self._base(y))
        days: dict[date, str] = {}
        for day, name, _ in base:
            days[day] = f"{days[day]}; {name}" if day in days else name
        for day, name, rule in base:
            if not _moves(day, rule):
                continue
            alternate = day + timedelta(days=1)
            while alternate.weekday() >= 5 or alternate in days:
                if alternate >= date.max - timedelta(days=7):
                    break
                alternate += timedelta(days=1)
            else:
                days[alternate] = f"{name} ({OBSERVED})"
        return days


def _moves(day: date, rule: str) -> bool:
    if rule == "next-weekday":
        return day.weekday() >= 5
    if rule == "after-sunday":
        return day.weekday() == 6
    return False


def _split(answer: Mapping[date, str]) -> Iterator[tuple[date, str]]:
    for day, names in answer.items():
        for name in names.split("; "):
            yield day, name


def _names(answer: Mapping[date, str]) -> set[str]:
    return {name for _, name in _split(answer)}


#: The Legislation Act, 2006, S.O. 2006, c. 21, Sched. F: the holidays of
#: s. 87 (Sunday aside, which every calendar here treats as closed), with the
#: days s. 88 adds when New Year's Day or Canada Day is a Sunday or Christmas
#: Day is on a weekend. A statute's "holiday" is this list, whatever a
#: municipality's own closures are: the MEA's by-election check uses it.
LEGISLATION_ACT = ClosureRules(
    source="Legislation Act, 2006, S.O. 2006, c. 21, Sched. F, ss. 87-88",
    country="CA",
    subdivision="ON",
    language="en_CA",
    categories=(),
    weekend="none",
    holidays=(
        NamedHoliday("New Year's Day", "public", "after-sunday"),  # s. 88(3)
        NamedHoliday("Family Day", "public", "none"),
        NamedHoliday("Good Friday", "public", "none"),
        NamedHoliday("Easter Monday", "optional", "none"),
        NamedHoliday("Victoria Day", "public", "none"),
        NamedHoliday("Canada Day", "public", "after-sunday"),  # s. 88(4): July 2
        NamedHoliday("Labour Day", "public", "none"),
        NamedHoliday("Thanksgiving Day", "public", "none"),
        NamedHoliday("Remembrance Day", "optional", "none"),
        NamedHoliday("Christmas Day", "public", "next-weekday"),  # s. 88(5)
        NamedHoliday("Boxing Day", "public", "none"),
    ),
)


def parse_closures(raw: Any, problems: list[str]) -> ClosureRules | None:
    """The profile's [closures] table, with a problem recorded for each bad field."""
    where = "[closures]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table")
        return None

    def text(table: dict[str, Any], name: str, at: str, required: bool = True) -> str | None:
        value = table.get(name)
        if value is None and not required:
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        problems.append(f"{at} {name}: {'missing' if value is None else 'must be non-empty text'}")
        return None

    def weekend(table: dict[str, Any], at: str, default: str) -> str:
        value = table.get("weekend", default)
        if isinstance(value, str) and value in WEEKEND_RULES:
            return value
        problems.append(
            f"{at} weekend: unknown {value!r}; expected one of {', '.join(WEEKEND_RULES)}"
        )
        return default

    categories = raw.get("categories", [])
    if not (isinstance(categories, list) and all(isinstance(c, str) and c for c in categories)):
        problems.append(
            f"{where} categories: give a list of holidays categories, such as ['public']"
        )
        categories = []
    default = weekend(raw, where, "none")
    named = []
    entries = raw.get("holidays", [])
    if not isinstance(entries, list):
        problems.append(f"{where} holidays: must be an array of tables ([[closures.holidays]])")
        entries = []
    for n, entry in enumerate(entries):
        table = entry if isinstance(entry, dict) else {}
        at = f"closure holiday {table.get('name')!r}" if table.get("name") else f"closure #{n + 1}"
        name, category = text(table, "name", at), text(table, "category", at)
        named.append(NamedHoliday(name or "", category or "", weekend(table, at, default)))
    extras = []
    entries = raw.get("days", [])
    if not isinstance(entries, list):
        problems.append(f"{where} days: must be an array of tables ([[closures.days]])")
        entries = []
    for n, entry in enumerate(entries):
        table = entry if isinstance(entry, dict) else {}
        at = f"closure day {table.get('name')!r}" if table.get("name") else f"closure day #{n + 1}"
        name = text(table, "name", at) or ""
        when = _month_day_or_date(table.get("date"))
        if when is None:
            problems.append(f"{at} date: give MM-DD for every year or YYYY-MM-DD for one day")
            when = (None, 1, 1)
        year, month, day = when
        extras.append(ExtraDay(name, month, day, year, weekend(table, at, default)))
    if not (categories or named or extras):
        problems.append(f"{where}: name at least one category, holiday or day the office closes")
    rules = ClosureRules(
        source=text(raw, "source", where) or "",
        country=text(raw, "country", where) or "",
        subdivision=text(raw, "subdivision", where, required=False),
        language=text(raw, "language", where, required=False),
        categories=tuple(categories),
        weekend=default,
        holidays=tuple(named),
        days=tuple(extras),
    )
    return rules


def _month_day_or_date(value: Any) -> tuple[int | None, int, int] | None:
    """ "12-24" (every year) or "2030-12-24" (that day only), checked to exist."""
    if not isinstance(value, str):
        return None
    parts = value.strip().split("-")
    try:
        if len(parts) == 2:
            month, day = int(parts[0]), int(parts[1])
            date(2000, month, day)  # a leap year: February 29 is a day some years have
            return None, month, day
        if len(parts) == 3:
            found = date.fromisoformat(value.strip())
            return found.year, found.month, found.day
    except ValueError:
        return None
    return None
