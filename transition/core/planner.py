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
from typing import Literal

from transition.core.calendar import Election, days_after
from transition.core.rules import Profile, Step

Running = Literal["yes", "no", "undecided"]
Role = Literal["council", "campaign", "single"]

#: Option 1 keeps separate council and campaign accounts (para 19a); Option 2
#: turns one account into a campaign account (para 19b).
SEPARATE, SINGLE = 1, 2


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
    option: int | None = None
    filing_date: date | None = None
    accounts: tuple[Account, ...] = ()
    #: "councillor" or "mayor": the law may change one office's dates only.
    office: str = "councillor"


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
        return today > self.latest


@dataclass(frozen=True)
class Plan:
    election: Election
    member: Member
    assessments: tuple[CautionAssessment, ...]
    steps: tuple[PlannedStep, ...]
    notices: tuple[str, ...] = field(default=())


#: The five connections of the bulletin's "When is caution required?", in its
#: order: key, short label, and how to say that it holds or does not. The
#: first (a City registration email) is read from the email itself.
CONNECTIONS: tuple[tuple[str, str], ...] = (
    ("city-email", "City email"),
    ("identifies-member", "Identifies member"),
    ("publicised", "Publicised by City"),
    ("uses-logo", "City logo"),
    ("city-resources", "City resources"),
)
_FLAG_FINDINGS = {
    "identifies-member": (
        "identifies the member as a current member of Council",
        "does not identify the member as a member of Council",
    ),
    "publicised": (
        "is publicised on the member's or the City's website, cards, newsletters "
        "or other publications the office budget can pay for",
        "is not publicised in City or office-funded publications",
    ),
    "uses-logo": ("uses the City logo", "does not use the City logo"),
    "city-resources": (
        "is managed with City resources (devices, City or office staff, volunteers, "
        "or contractors the office budget pays)",
        "is not managed with City resources",
    ),
}


def assess(account: Account, profile: Profile) -> CautionAssessment:
    """Which of the five connections of "When is caution required?" hold."""
    email = (account.email or "").strip()
    city_email = bool(email) and profile.is_city_email(email)
    if not email:
        email_reason = "no registration email recorded"
    else:
        email_reason = f"registered with {email}, {'a' if city_email else 'not a'} City address"
    flags = {
        "identifies-member": account.identifies_member,
        "publicised": account.publicised,
        "uses-logo": account.uses_logo,
        "city-resources": account.city_resources,
    }
    flagged = (
        Connection(key, holds, _FLAG_FINDINGS[key][0 if holds else 1])
        for key, holds in flags.items()
    )
    connections = (Connection("city-email", city_email, email_reason), *flagged)
    notes = []
    if account.phone:
        notes.append(
            f"registered with phone {account.phone}: make sure it is not a City number (para 19b)"
        )
    if account.role == "campaign" and any(c.holds for c in connections):
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
    if member.running == "no":
        return Plan(election, member, assessments, (), ("not running: no transition steps",))
    notices = list(_notices(member, assessments))
    if member.filing_date is not None:
        closed = election.check_filing_date(member.filing_date)
        if closed:
            notices.append(f"filing date {closed}")
    if member.option not in (SEPARATE, SINGLE):
        return Plan(election, member, assessments, (), tuple(notices))
    steps = [
        _planned(step, account, election, member.filing_date)
        for step in profile.steps
        if step.applies_under(member.option)
        for account in _targets(step, assessments)
    ]
    steps.sort(key=lambda s: (s.due or s.latest, s.due is None))
    return Plan(election, member, assessments, tuple(steps), tuple(notices))


def _targets(step: Step, assessments: tuple[CautionAssessment, ...]) -> list[Account | None]:
    """The accounts a step is done for, or [None] for a member-wide step."""
    if step.applies_to == "member":
        return [None]
    if step.applies_to == "option1-campaign-account":
        return [a.account for a in assessments if a.account.role == "campaign"]
    # Option 2 converts the member's single account; the Code reaches it only
    # if it is City-connected (the five connections).
    return [a.account for a in assessments if a.account.role == "single" and a.city_connected]


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
    if member.running == "undecided":
        notices.append("undecided: steps are planned in case the member runs")
    if member.option not in (SEPARATE, SINGLE):
        notices.append("no option chosen: choose separate accounts (1) or a single account (2)")
    roles = [a.account.role for a in assessments]
    if member.option == SINGLE and not any(
        a.account.role == "single" and a.city_connected for a in assessments
    ):
        notices.append("option 2 but no City-connected account with role 'single' is recorded")
    if member.option == SEPARATE and "campaign" not in roles:
        notices.append("option 1 but no campaign account is recorded yet")
    if member.option == SEPARATE and "single" in roles:
        notices.append("option 1 keeps separate accounts, but an account has role 'single'")
    return notices
