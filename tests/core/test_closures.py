"""The clerk's office calendar: Toronto's designated holidays, the Legislation
Act's observed days, a profile's own closures, and steps on any key date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from sources import TORONTO_CLOSURES, legislation_act, params

from transition.core.calendar import by_election, default_closures, regular_election
from transition.core.closures import LEGISLATION_ACT, ClosureCalendar
from transition.core.planner import Member, plan
from transition.core.rules import ProfileError, load_profile, parse_profile
from transition.core.terms import Option

D = date.fromisoformat
EVERY_ANCHOR = Path(__file__).parent.parent / "profiles" / "every-anchor.toml"


class Closure(NamedTuple):
    day: str
    #: What closes the office that day (None: open, or only a weekend).
    closure: str | None
    source: str

    @property
    def label(self) -> str:
        return f"{self.day}-{self.closure or 'open'}"


#: A holiday the Legislation Act lists.
S87_HOLIDAY = legislation_act("s. 87")


# Days in Toronto and what closes the City's offices. Each rule of the City's
# twelve designated holidays, with a date that exercises it: a holiday of the
# Legislation Act cites it, the City's own additions cite the City.
TORONTO_DAYS = [
    Closure("2030-04-22", "Easter Monday", S87_HOLIDAY),  # not an Ontario public holiday
    Closure(  # first Monday of August, in every nomination period
        "2030-08-05", "Civic Holiday", f"the Civic Holiday: {TORONTO_CLOSURES}"
    ),
    Closure("2030-11-11", "Remembrance Day", S87_HOLIDAY),  # on a weekday
    Closure(  # Remembrance Day a Sunday
        "2029-11-12", None, f"no alternate day for Remembrance Day: {TORONTO_CLOSURES}"
    ),
    Closure(  # Remembrance Day a Saturday
        "2023-11-13", None, f"no alternate day for Remembrance Day: {TORONTO_CLOSURES}"
    ),
    Closure("2018-07-02", "Canada Day (observed)", legislation_act("s. 88 (4)")),
    Closure("2029-07-02", "Canada Day (observed)", legislation_act("s. 88 (4)")),
    Closure(  # a Saturday: the City's alternate day
        "2023-07-03", "Canada Day (observed)", f"an alternate day: {TORONTO_CLOSURES}"
    ),
    Closure("2022-12-26", "Boxing Day", S87_HOLIDAY),
    Closure(  # a Sunday Christmas: the Tuesday
        "2022-12-27", "Christmas Day (observed)", legislation_act("s. 88 (5)")
    ),
    Closure("2016-12-26", "Boxing Day", S87_HOLIDAY),
    Closure("2016-12-27", "Christmas Day (observed)", legislation_act("s. 88 (5)")),
    Closure(  # Christmas and Boxing Day a weekend
        "2021-12-27", "Christmas Day (observed)", legislation_act("s. 88 (5)")
    ),
    Closure("2021-12-28", "Boxing Day (observed)", f"an alternate day: {TORONTO_CLOSURES}"),
    Closure(  # a Sunday
        "2023-01-02", "New Year's Day (observed)", legislation_act("s. 88 (3)")
    ),
    Closure(  # a Saturday
        "2022-01-03", "New Year's Day (observed)", f"an alternate day: {TORONTO_CLOSURES}"
    ),
    Closure("2030-02-18", "Family Day", S87_HOLIDAY),
    Closure("2030-04-19", "Good Friday", S87_HOLIDAY),
    Closure("2030-05-20", "Victoria Day", S87_HOLIDAY),
    Closure("2030-09-02", "Labour Day", S87_HOLIDAY),
    Closure("2030-10-14", "Thanksgiving Day", S87_HOLIDAY),
    Closure("2030-08-06", None, S87_HOLIDAY),
    Closure("2030-05-01", None, S87_HOLIDAY),
]


@pytest.mark.parametrize("known", params(TORONTO_DAYS))
def test_torontos_designated_holidays(known):
    assert default_closures().holiday(D(known.day)) == known.closure


def test_toronto_closes_on_twelve_holidays_a_year():
    for year in (2025, 2030, 2031):  # years without alternate days
        weekday_closures = [d for d in default_closures().closures(year) if d.weekday() < 5]
        named = {n.removesuffix(" (observed)") for n in default_closures().closures(year).values()}
        assert len(named) == 12
        assert len(weekday_closures) <= 12


# The Legislation Act's own holidays, as the by-election check reads them.
STATUTORY_DAYS = [
    Closure("2030-08-05", None, S87_HOLIDAY),  # the Civic Holiday is no statutory holiday
    Closure("2030-04-22", "Easter Monday", S87_HOLIDAY),
    Closure("2018-07-02", "Canada Day (observed)", legislation_act("s. 88 (4)")),
    Closure("2023-07-03", None, legislation_act("s. 88 (4)")),  # a Saturday Canada Day is not moved
    Closure(  # a Sunday, the Tuesday
        "2022-12-27", "Christmas Day (observed)", legislation_act("s. 88 (5)")
    ),
    Closure(  # a Saturday, the Monday
        "2021-12-27", "Christmas Day (observed)", legislation_act("s. 88 (5)")
    ),
    Closure("2021-12-28", None, legislation_act("s. 88 (5)")),  # Boxing Day is not moved
    Closure("2023-01-02", "New Year's Day (observed)", legislation_act("s. 88 (3)")),
    Closure(
        "2022-01-03", None, legislation_act("s. 88 (3)")
    ),  # a Saturday New Year's Day is not moved
]


@pytest.mark.parametrize("known", params(STATUTORY_DAYS))
def test_the_legislation_acts_holidays(known):
    assert ClosureCalendar(LEGISLATION_ACT).holiday(D(known.day)) == known.closure


def test_a_profiles_own_closures_use_every_kind_of_entry():
    closures = ClosureCalendar(load_profile(EVERY_ANCHOR).closures)
    assert closures.holiday(D("2030-05-20")) == "Victoria Day"  # the "public" category
    assert closures.holiday(D("2030-07-01")) == "Canada Day"
    assert closures.holiday(D("2029-07-02")) is None  # Canada Day: "none"
    assert closures.holiday(D("2030-08-05")) == "Civic Holiday"
    assert closures.holiday(D("2030-04-22")) is None  # Easter Monday not named
    assert closures.holiday(D("2030-06-12")) == "Township Day"
    assert closures.holiday(D("2027-06-14")) == "Township Day (observed)"  # a Saturday
    assert closures.holiday(D("2030-05-02")) == "Day of mourning"
    assert closures.holiday(D("2031-05-02")) is None
    # "after-sunday": New Year's Day a Saturday stays, a Sunday moves
    assert closures.holiday(D("2022-01-03")) is None
    assert closures.holiday(D("2023-01-02")) == "New Year's Day (observed)"


def test_a_closure_at_the_end_of_a_year_moves_into_the_next():
    data = _every_anchor_data()
    data["closures"]["days"].append(
        {"name": "Year end", "date": "12-31", "weekend": "next-weekday"}
    )
    closures = ClosureCalendar(parse_profile(data).closures)
    # December 31, 2022 a Saturday, then New Year's Day a Sunday: two days made up
    assert closures.holiday(D("2022-12-30")) is None
    assert closures.holiday(D("2023-01-02")) == "Year end (observed)"
    assert closures.holiday(D("2023-01-03")) == "New Year's Day (observed)"


def test_a_misspelt_holiday_closes_nothing_and_is_reported():
    data = _every_anchor_data()
    data["closures"]["holidays"][0]["name"] = "Civic Holliday"
    closures = ClosureCalendar(parse_profile(data).closures)
    assert closures.unknown_names(2030) == ["Civic Holliday (optional)"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(weekend="sometimes"), "[closures] weekend: unknown 'sometimes'"),
        (lambda c: c.pop("source"), "[closures] source: missing"),
        (lambda c: c["days"][0].update(date="02-30"), "closure day 'Township Day' date"),
        (lambda c: c["holidays"][0].pop("category"), "category: missing"),
        (lambda c: c.update(categories="public"), "categories: give a list"),
        (lambda c: c.update(categories=[], holidays=[], days=[]), "at least one"),
    ],
)
def test_broken_closures_are_reported(change, message):
    data = _every_anchor_data()
    change(data["closures"])
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(data)


def test_a_schema_1_profile_closes_on_the_legislation_acts_holidays():
    data = _every_anchor_data()
    data["schema"] = 1
    del data["closures"]
    profile = parse_profile(data)
    assert profile.closures == LEGISLATION_ACT
    assert not profile.closures_given


def test_steps_hang_on_every_key_date():
    profile = load_profile(EVERY_ANCHOR)
    election = regular_election(2030, ClosureCalendar(profile.closures))
    member = Member("Pat Lee", "yes", option=Option.SEPARATE, filing_date=D("2030-05-06"))
    due = {s.step.id: (s.due, s.latest) for s in plan(election, member, profile).steps}
    assert due == {
        "on-cutoff": (D("2030-05-01"), D("2030-05-01")),
        "after-filing": (D("2030-05-08"), D("2030-05-08")),
        "before-nomination-day": (D("2030-08-09"), D("2030-08-09")),
        "blackout": (D("2030-08-29"), D("2030-08-29")),  # 60 days before October 28
        "august-first": (D("2030-08-01"), D("2030-08-01")),
    }
    unfiled = plan(election, Member("Pat Lee", "yes", option=Option.SEPARATE), profile)
    after_filing = next(s for s in unfiled.steps if s.step.id == "after-filing")
    assert (after_filing.due, after_filing.latest) == (None, D("2030-08-18"))


def test_a_fixed_day_is_of_the_by_elections_voting_year():
    profile = load_profile(EVERY_ANCHOR)
    closures = ClosureCalendar(profile.closures)
    election = by_election(D("2029-11-05"), D("2029-12-14"), D("2030-01-28"), closures=closures)
    steps = {
        s.step.id: s.due
        for s in plan(election, Member("A", "yes", option=Option.SEPARATE), profile).steps
    }
    assert steps["august-first"] == D("2030-08-01")
    assert steps["blackout"] == D("2029-11-29")


def _every_anchor_data() -> dict:
    import tomllib

    return tomllib.loads(EVERY_ANCHOR.read_text())
