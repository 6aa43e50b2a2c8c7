"""When a step is reminded: the stages of its schedule, on the clerk's
working days, once each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transition.core.closures import ClosureCalendar
from transition.core.reminding import Reminding, Schedule
from transition.core.rules import ProfileError, load_profile, parse_profile

TORONTO = load_profile()
CLOSURES = ClosureCalendar(TORONTO.closures)
DEFAULT = Reminding(Schedule(), CLOSURES.is_open)


def stage(today: date, due: date | None, latest: date, reminding: Reminding = DEFAULT):
    found = reminding.stage_on(due, latest, today)
    return None if found is None else (found.name, found.on, found.anchor, found.copies_clerk)


D = date
CUTOFF = "2030-05-01"  # the publication cutoff, a Wednesday
NOMINATION_DAY = "2030-08-16"  # a Friday; the Civic Holiday is Monday August 5
FILED = "2030-06-10"
AUG2 = "2030-08-02"

#: today, due (or "" on filing, unknown), latest day -> stage, its day, its anchor, clerk copied
STAGES = [
    ("2030-03-31", CUTOFF, CUTOFF, None),  # 31 days before: nothing yet
    ("2030-04-01", CUTOFF, CUTOFF, ("30 days before", "2030-04-01", CUTOFF, False)),
    # a run missed on the day: the next run sends the stage that fell since
    ("2030-04-03", CUTOFF, CUTOFF, ("30 days before", "2030-04-01", CUTOFF, False)),
    ("2030-04-17", CUTOFF, CUTOFF, ("14 days before", "2030-04-17", CUTOFF, False)),
    ("2030-04-24", CUTOFF, CUTOFF, ("7 days before", "2030-04-24", CUTOFF, False)),
    ("2030-04-30", CUTOFF, CUTOFF, ("1 day before", "2030-04-30", CUTOFF, False)),
    ("2030-05-01", CUTOFF, CUTOFF, ("on the day", CUTOFF, CUTOFF, False)),
    # overdue: every working day after the last day, the clerk from the second
    ("2030-05-02", CUTOFF, CUTOFF, ("overdue, working day 1", "2030-05-02", CUTOFF, False)),
    ("2030-05-03", CUTOFF, CUTOFF, ("overdue, working day 2", "2030-05-03", CUTOFF, True)),
    # the weekend is no working day: Sunday's stage is still Friday's
    ("2030-05-05", CUTOFF, CUTOFF, ("overdue, working day 2", "2030-05-03", CUTOFF, True)),
    ("2030-05-06", CUTOFF, CUTOFF, ("overdue, working day 3", "2030-05-06", CUTOFF, True)),
    # due on filing, the date unknown: reminded against the latest day it can be
    ("2030-08-09", "", NOMINATION_DAY, ("7 days before", "2030-08-09", NOMINATION_DAY, False)),
    # ... and once the filing date is known, on that date's own schedule
    (
        "2030-06-03",
        "2030-06-10",
        NOMINATION_DAY,
        ("7 days before", "2030-06-03", "2030-06-10", False),
    ),
    # past its due day but not its latest: "on the day" until the latest is past
    ("2030-06-20", FILED, NOMINATION_DAY, ("on the day", FILED, FILED, False)),
    # the Civic Holiday (Monday August 5, 2030) is no working day of the clerk's
    ("2030-08-05", "2030-08-02", "2030-08-02", ("on the day", "2030-08-02", "2030-08-02", False)),
    (
        "2030-08-06",
        "2030-08-02",
        "2030-08-02",
        ("overdue, working day 1", "2030-08-06", "2030-08-02", False),
    ),
]


@pytest.mark.parametrize(("today", "due", "latest", "expected"), STAGES)
def test_a_steps_stage_on_a_day(today, due, latest, expected):
    day = D.fromisoformat
    if expected is not None:
        name, on, anchor, clerk = expected
        expected = (name, day(on), day(anchor), clerk)
    assert stage(day(today), day(due) if due else None, day(latest)) == expected


def test_a_profile_says_when_steps_are_reminded():
    assert TORONTO.remind == Schedule((30, 14, 7, 1), True, True, 2)
    data = _profile_data()
    data["remind"] = {"days_before": [3], "on_the_day": False, "copy_clerk_after": 0}
    own = Reminding(parse_profile(data).remind, CLOSURES.is_open)
    cutoff = D.fromisoformat(CUTOFF)
    assert stage(D(2030, 4, 27), cutoff, cutoff, reminding=own) is None
    assert stage(D(2030, 4, 28), cutoff, cutoff, reminding=own)[0] == "3 days before"
    assert stage(D(2030, 5, 1), cutoff, cutoff, reminding=own)[0] == "3 days before"
    late = stage(D(2030, 5, 10), cutoff, cutoff, reminding=own)
    assert late[0] == "overdue, working day 7" and late[3] is False  # 0: the clerk never


@pytest.mark.parametrize(
    ("remind", "problem"),
    [
        ({"days_before": [0]}, "[remind] days_before: give a list of days from 1 to 366"),
        ({"days_before": "30"}, "[remind] days_before"),
        ({"on_the_day": "yes"}, "[remind] on_the_day: give true or false"),
        ({"copy_clerk_after": -1}, "[remind] copy_clerk_after"),
        ({"every": 3}, "[remind] every: not a field of [remind]"),
    ],
)
def test_a_bad_remind_table_is_refused_naming_the_field(remind, problem):
    data = _profile_data()
    data["remind"] = remind
    with pytest.raises(ProfileError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(data)


def _profile_data() -> dict:
    import tomllib
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    return tomllib.loads(text)


days = st.dates(min_value=D(2014, 1, 1), max_value=D(2100, 12, 31))


@settings(max_examples=300, deadline=None)
@given(latest=days, early=st.integers(0, 120), after=st.integers(-400, 400))
def test_every_stage_falls_on_or_before_today_and_never_repeats_a_later_one(latest, early, after):
    due = latest - timedelta(days=early)
    today = latest + timedelta(days=after)
    found = DEFAULT.stage_on(due, latest, today)
    if found is None:  # only before the first reminder, 30 days ahead
        assert today < due - timedelta(days=30)
        return
    assert found.on <= today and found.anchor == due
    tomorrow = DEFAULT.stage_on(due, latest, today + timedelta(days=1))
    assert tomorrow is not None and tomorrow.on >= found.on  # stages only move on
    if found.overdue:
        assert today > latest and CLOSURES.is_open(found.on)
        assert found.copies_clerk == (found.overdue >= 2)
    else:
        assert not found.copies_clerk


def test_a_step_can_be_reminded_on_days_of_its_own():
    data = _profile_data()
    data["steps"][0]["remind_days_before"] = [60, 2]
    profile = parse_profile(data)
    own = profile.steps[0].remind_days_before
    assert own == (60, 2) and profile.steps[1].remind_days_before is None
    cutoff = D.fromisoformat(CUTOFF)
    found = DEFAULT.stage_on(cutoff, cutoff, D(2030, 3, 2), own)
    assert found is not None and found.name == "60 days before"
    assert DEFAULT.stage_on(cutoff, cutoff, D(2030, 4, 24), own).name == "60 days before"
    assert DEFAULT.stage_on(cutoff, cutoff, D(2030, 4, 29), own).name == "2 days before"
    data["steps"][1]["remind_days_before"] = [0]
    with pytest.raises(ProfileError, match="remind_days_before: give a list of days from 1"):
        parse_profile(data)
