"""When a step is reminded: days before it is due, on the day, and every
working day it is overdue, with the clerk copied once it is late enough.

A step's reminders hang on one day, its *anchor*: the day it is due, or,
while it is due on a filing date not yet known, the latest day it can fall
due. Each reminder is a *stage* of that anchor ("7 days before 2030-05-06",
"overdue, working day 3"), and a stage is sent once: a step whose anchor
moves (its filing date set, a by-election's dates changed) is reminded on
the new anchor's schedule, and a run that was missed (the machine was off)
sends the latest stage that fell since, not every one it missed.

A period's start (`transition.core.periods`) is reminded the same way, before
it and on the day, but never after: a period cannot be late, so it has no
overdue stages and copies no clerk.

Working days are the clerk's: the days the profile's closures leave open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

#: The profile's default when it names no `[remind]` table.
DEFAULT_DAYS_BEFORE = (30, 14, 7, 1)
DEFAULT_COPY_CLERK_AFTER = 2
#: How far back a missed overdue reminder is looked for (a year of working days).
LONGEST_OVERDUE = 366


@dataclass(frozen=True)
class Schedule:
    """When the profile reminds a step (`[remind]` in its TOML)."""

    #: Days before the anchor, each a reminder.
    days_before: tuple[int, ...] = DEFAULT_DAYS_BEFORE
    #: A reminder on the anchor day itself.
    on_the_day: bool = True
    #: A reminder every working day the step is overdue.
    while_overdue: bool = True
    #: Working days overdue from which the clerk is copied (0: never).
    copy_clerk_after: int = DEFAULT_COPY_CLERK_AFTER


@dataclass(frozen=True)
class Stage:
    """One reminder of one step."""

    #: "30 days before", "on the day", "overdue, working day 3".
    name: str
    #: The day this stage falls on.
    on: date
    #: The day the reminders hang on (the due date, else the latest it can be).
    anchor: date
    #: Working days the step is overdue (0 while it is not).
    overdue: int = 0
    #: The clerk is copied.
    copies_clerk: bool = False

    @property
    def key(self) -> str:
        """What makes the stage once-only: its name and its anchor."""
        return f"{self.name} / {self.anchor.isoformat()}"


def anchor_of(due: date | None, latest: date) -> date:
    return due or latest


class Reminding:
    """The stages of steps under one schedule and one clerk's calendar.

    Steps share few distinct days (a council's fall due on a handful), so
    the working days between two days are counted once a pair."""

    def __init__(self, schedule: Schedule, is_open: Callable[[date], bool]) -> None:
        self.schedule = schedule
        self.is_open = is_open
        self._worked: dict[tuple[date, date], int] = {}
        self._nth: dict[tuple[date, int], date] = {}

    def stage_on(
        self,
        due: date | None,
        latest: date,
        today: date,
        days_before: tuple[int, ...] | None = None,
    ) -> Stage | None:
        """The latest stage of an open step on or before `today`, or None
        before its first. `days_before` is the step's own, where the profile
        gives it one.

        A step is overdue once `latest` is past (as `terms.is_overdue` has
        it); its overdue stages fall on the working days after `latest`."""
        schedule = self.schedule
        anchor = anchor_of(due, latest)
        if today > latest and schedule.while_overdue:
            worked = self.working_days_after(latest, today)
            if worked:
                return Stage(
                    f"overdue, working day {worked}",
                    self._nth_working_day_after(latest, worked),
                    anchor,
                    overdue=worked,
                    copies_clerk=0 < schedule.copy_clerk_after <= worked,
                )
        if today >= anchor and schedule.on_the_day:
            return Stage("on the day", anchor, anchor)
        return self._before(anchor, today, days_before)

    def start_stage_on(
        self, starts: date, today: date, days_before: tuple[int, ...] | None = None
    ) -> Stage | None:
        """The latest stage of a period's start on or before `today`, or None
        before its first and once the period has begun. `days_before` is the
        period's own, where the profile gives it one.

        On its first day only "on the day" reminds it: a missed "1 day
        before" would arrive once the period is already in force."""
        if today > starts:
            return None
        if today == starts:
            return Stage("on the day", starts, starts) if self.schedule.on_the_day else None
        return self._before(starts, today, days_before)

    def _before(
        self, anchor: date, today: date, days_before: tuple[int, ...] | None
    ) -> Stage | None:
        """The stage before the anchor nearest it that has fallen by `today`."""
        wanted = self.schedule.days_before if days_before is None else days_before
        for days in sorted(set(wanted)):  # nearest the anchor first
            on = anchor - timedelta(days=days)
            if days > 0 and on <= today:
                return Stage(f"{days} day{'s' if days != 1 else ''} before", on, anchor)
        return None

    def working_days_after(self, first: date, last: date) -> int:
        """How many working days fall after `first`, up to and including `last`."""
        known = self._worked.get((first, last))
        if known is None:
            count, day = 0, first
            end = min(last, first + timedelta(days=LONGEST_OVERDUE))
            while day < end:
                day += timedelta(days=1)
                count += self.is_open(day)
            known = self._worked[(first, last)] = count
        return known

    def _nth_working_day_after(self, first: date, n: int) -> date:
        known = self._nth.get((first, n))
        if known is None:
            day, seen = first, 0
            while seen < n:
                day += timedelta(days=1)
                seen += self.is_open(day)
            known = self._nth[(first, n)] = day
        return known
