"""What one member must do, and by when, for one election.

The planner joins the three inputs of the tool: the election's calendar, the
profile's steps, and what the office knows of the member and their accounts.
It first asks of each account the bulletin's question "When is caution
required?" (the five City connections), then lays out the steps of the
member's option with their due dates. It is pure: the store and the printer
feed it and show what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from transition.core.calendar import Election, days_after
from transition.core.periods import KeyDates, Period, PlannedPeriod, applies_in, planned
from transition.core.rules import OPTION_OF_TARGET, Profile, Step
from transition.core.terms import (
    CITY_EMAIL,
    FLAGGED_CONNECTIONS,
    ItemStatus,
    Office,
    Option,
    Role,
    Running,
    is_overdue,
)


@dataclass(frozen=True)
class Account:
    """A social media account as the office describes it."""

    platform: str
    handle: str
    role: Role
    email: str | None = None
    phone: str | None = None
    identifies_member: bool = False
    publicised: bool = False
    uses_logo: bool = False
    city_resources: bool = False
    #: The store's identifier, carried through so results can be matched back.
    key: int | None = None


@dataclass(frozen=True)
class Member:
    name: str
    running: Running
    option: Option | None = None
    filing_date: date | None = None
    accounts: tuple[Account, ...] = ()
    #: The law may change one office's dates only.
    office: Office = Office.COUNCILLOR


@dataclass(frozen=True)
class Connection:
    """One of the five ways an account is tied to the City, and the finding."""

    key: str
    holds: bool
    reason: str


@dataclass(frozen=True)
class CautionAssessment:
    """The bulletin's "When is caution required?" applied to one account."""

    account: Account
    connections: tuple[Connection, ...]
    notes: tuple[str, ...] = ()

    @property
    def city_connected(self) -> bool:
        return any(c.holds for c in self.connections)


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    account: Account | None
    #: The day the step falls due; None while the filing date it hangs on is unknown.
    due: date | None
    #: The last day it can fall due: `due`, or nomination day for "on filing".
    latest: date

    @property
    def on_filing(self) -> bool:
        return self.due is None

    def overdue(self, today: date) -> bool:
        return is_overdue(ItemStatus.OPEN, self.latest, today)


@dataclass(frozen=True)
class Plan:
    election: Election
    member: Member
    assessments: tuple[CautionAssessment, ...]
    steps: tuple[PlannedStep, ...]
    notices: tuple[str, ...] = field(default=())
    #: The election-period restrictions that reach the member, by start.
    periods: tuple[PlannedPeriod, ...] = ()


def assess(account: Account, profile: Profile) -> CautionAssessment:
    """Which of the five connections of "When is caution required?" hold."""
    email = (account.email or "").strip()
    city_email = bool(email) and profile.is_city_email(email)
    if not email:
        email_reason = "no registration email recorded"
    else:
        email_reason = f"registered with {email}, {'a' if city_email else 'not a'} City address"
    flagged = (
        Connection(c.key, holds, c.holds if holds else c.absent)
        for c in FLAGGED_CONNECTIONS
        for holds in [bool(getattr(account, c.field))]
    )
    connections = (Connection(CITY_EMAIL.key, city_email, email_reason), *flagged)
    notes = []
    if account.phone:
        notes.append(
            f"registered with phone {account.phone}: make sure it is not a City number (para 19b)"
        )
    if account.role == Role.CAMPAIGN and any(c.holds for c in connections):
        notes.append("a campaign account must carry none of these connections (para 19a)")
    return CautionAssessment(account, connections, tuple(notes))


def plan(election: Election, member: Member, profile: Profile) -> Plan:
    """The member's steps for `election`, each with its due date.

    A member who is not running has nothing to do. An undecided member is
    planned as if running, since the publication cutoff comes months before
    the last day to decide. The dates are those of the member's office, where
    the law changed them for it (`Election.for_office`).
    """
    election = election.for_office(member.office)
    assessments = tuple(assess(account, profile) for account in member.accounts)
    periods = plan_periods(election, member, profile, assessments)
    if member.running == Running.NO:
        notice = "not running: no transition steps"
        return Plan(election, member, assessments, (), (notice,), periods)
    notices = list(_notices(member, assessments))
    if member.filing_date is not None:
        closed = election.check_filing_date(member.filing_date)
        if closed:
            notices.append(f"filing date {closed}")
    if member.option is None:
        return Plan(election, member, assessments, (), tuple(notices), periods)
    steps = [
        _planned(step, account, election, member.filing_date)
        for step in profile.steps
        if step.applies_under(member.option)
        for account in _targets(step, assessments)
    ]
    steps.sort(key=lambda s: (s.due or s.latest, s.due is None))
    return Plan(election, member, assessments, tuple(steps), tuple(notices), periods)


def plan_periods(
    election: Election,
    member: Member,
    profile: Profile,
    assessments: tuple[CautionAssessment, ...] = (),
) -> tuple[PlannedPeriod, ...]:
    """The profile's periods that reach the member in `election` (in the
    member's office's view), with their dates, earliest start first."""
    dates = KeyDates.of(election.for_office(member.office))
    found = []
    for period in profile.periods:
        if not applies_in(period, dates):
            continue
        reached = _reached(period, member, assessments)
        if reached is None:
            continue
        filing = member.filing_date if member.running != Running.NO else None
        found.append(planned(period, dates, filing, reached))
    found.sort(key=lambda p: (p.starts or p.latest_start, p.period.id))
    return tuple(found)


def _reached(
    period: Period, member: Member, assessments: tuple[CautionAssessment, ...]
) -> tuple[str, ...] | None:
    """The accounts a period concerns for the member (() for the member as a
    whole), or None when it does not reach them."""
    if period.applies_to == "every-member":
        return ()
    if member.running == Running.NO:
        return None
    wanted = OPTION_OF_TARGET.get(period.applies_to, period.option)
    if wanted is not None and member.option != wanted:
        return None
    if period.applies_to == "member":
        return ()
    accounts = _accounts_of_kind(period.applies_to, assessments)
    return tuple(f"{a.platform} {a.handle}" for a in accounts) or None


def _accounts_of_kind(kind: str, assessments: tuple[CautionAssessment, ...]) -> list[Account]:
    if kind == "option1-campaign-account":
        return [a.account for a in assessments if a.account.role == Role.CAMPAIGN]
    return [a.account for a in assessments if a.account.role == Role.SINGLE and a.city_connected]


def _targets(step: Step, assessments: tuple[CautionAssessment, ...]) -> list[Account | None]:
    """The accounts a step is done for, or [None] for a member-wide step."""
    if step.applies_to == "member":
        return [None]
    # Option 2 converts the member's single account; the Code reaches it only
    # if it is City-connected (the five connections).
    return list(_accounts_of_kind(step.applies_to, assessments))


def _planned(
    step: Step, account: Account | None, election: Election, filing: date | None
) -> PlannedStep:
    if step.anchor == "filing-date":
        latest = days_after(election.nomination_day, step.offset_days)
        if filing is None:
            return PlannedStep(step, account, None, latest)
        due = days_after(filing, step.offset_days)
        return PlannedStep(step, account, due, due)
    due = days_after(anchor_date(step, election), step.offset_days)
    return PlannedStep(step, account, due, due)


def anchor_date(step: Step, election: Election) -> date:
    """The key date a step hangs on, other than the member's filing date."""
    if step.anchor == "publication-cutoff":
        return election.publication_cutoff
    if step.anchor == "nomination-day":
        return election.nomination_day
    if step.anchor == "voting-day":
        return election.voting_day
    month, day = step.fixed_day or (1, 1)
    return date(election.year, month, day)


def _notices(member: Member, assessments: tuple[CautionAssessment, ...]) -> list[str]:
    notices = []
    if member.running == Running.UNDECIDED:
        notices.append("undecided: steps are planned in case the member runs")
    if member.option is None:
        notices.append("no option chosen: choose separate accounts (1) or a single account (2)")
    roles = [a.account.role for a in assessments]
    if member.option == Option.SINGLE and not any(
        a.account.role == Role.SINGLE and a.city_connected for a in assessments
    ):
        notices.append("option 2 but no City-connected account with role 'single' is recorded")
    if member.option == Option.SEPARATE and Role.CAMPAIGN not in roles:
        notices.append("option 1 but no campaign account is recorded yet")
    if member.option == Option.SEPARATE and Role.SINGLE in roles:
        notices.append("option 1 keeps separate accounts, but an account has role 'single'")
    return notices
