"""The election-period restrictions that reach each member, from the record.

Periods are not stored: like a step's due date they follow from the
election's dates, the profile kept with it and what is recorded of the
member (running, option, filing date, accounts), so they move whenever those
do. This module asks the core for them, member by member, and shapes them as
every listing, document and feed shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, cast

from transition.core import periods, planner
from transition.core.periods import PlannedPeriod
from transition.core.terms import Office, Option, Running
from transition.store.shapes import PeriodRow

if TYPE_CHECKING:
    from transition.store.listings import Candidate
    from transition.store.models import Election, Member
    from transition.store.tracker import Tracker

#: The profile's audiences that depend on a member's accounts.
ACCOUNT_AUDIENCES = ("option2-city-account", "option1-campaign-account")


def planned_periods(
    tracker: Tracker,
    election: Election,
    member: Member | None = None,
    *,
    given: Sequence[Candidate] | None = None,
) -> dict[int, tuple[PlannedPeriod, ...]]:
    """Each member's periods in the election (or one member's), by member id;
    of the election's `candidates`, read here unless the caller has them."""
    from transition.store.listings import candidacies, candidates
    from transition.store.models import key

    profile = tracker.find.profile(election)
    if not profile.periods:
        return {}
    if any(p.applies_to in ACCOUNT_AUDIENCES for p in profile.periods):
        # A period about a kind of account needs the member's accounts.
        return {
            key(who): tracker.find.plan(candidacy).periods
            for who, candidacy in candidacies(tracker, election, member)
        }
    dates = tracker.find.calendar(election)
    found: dict[int, tuple[PlannedPeriod, ...]] = {}
    for who in candidates(tracker, election, member) if given is None else given:
        if member is not None and who.member_id != key(member):
            continue
        planned_member = planner.Member(
            name=who.name,
            running=cast(Running, who.running),
            option=Option(who.option) if who.option else None,
            filing_date=who.filing_date,
            office=cast(Office, who.office),
        )
        found[who.member_id] = planner.plan_periods(dates, planned_member, profile)
    return found


def period_row(planned: PlannedPeriod, today: date, member: str | None = None) -> PeriodRow:
    """One period as JSON and tables show it, with its state today."""
    return cast(PeriodRow, {"member": member, **periods.payload(planned, today)})


def period_rows(
    tracker: Tracker, election: Election, member: Member | None = None
) -> list[PeriodRow]:
    """Every member's periods (or one member's), in council order, by start."""
    from transition.store.listings import candidates

    who = candidates(tracker, election, member)
    planned = planned_periods(tracker, election, member, given=who)
    rows = []
    for one in who:
        for period in planned.get(one.member_id, ()):
            rows.append(period_row(period, tracker.today, one.name))
    return rows


def in_force(planned: tuple[PlannedPeriod, ...], today: date) -> int:
    """How many of a member's periods are in force today."""
    return sum(1 for one in planned if one.state(today) == "in force")


def current_and_next(
    planned: tuple[PlannedPeriod, ...], today: date
) -> tuple[list[PlannedPeriod], PlannedPeriod | None]:
    """The periods in force today, and the next to start (what sheets print)."""
    current = [one for one in planned if one.state(today) == "in force"]
    upcoming = [one for one in planned if one.state(today) == "upcoming"]
    return current, upcoming[0] if upcoming else None
