"""Who is to be reminded of what today, and what has been sent: the record's
side of `transition remind`.

Every open, current step whose schedule (the profile's `[remind]`, on the
clerk's working days: `transition.core.reminding`) has a stage on or before
today is a *notice* for each address that hears of it: the step's owner's,
else each of the office's. A notice is sent once: sending *claims* it in the
record first (a `reminder.claimed` event, in a transaction of its own, under
the writer's lock, so two runs at once claim each notice once), then sends,
then records that the server took it (`reminder.sent`) or refused it
(`reminder.failed`, which frees it for the next run). A run stopped between
the claim and the server's answer leaves a claim no run sends again: nothing
goes twice, and the history shows it unconfirmed.

Steps overdue long enough copy the clerk; the clerk also hears of every
overdue step of the council in one digest, when the one sending sees them all.

A period's start (`transition.store.periods`) is a notice too, for each of the
office's addresses (a period has no owner), claimed, sent and confirmed the
same way. It has no checklist item: its events are about the member (subject
"member N") and name the period in their JSON (`"period": ID`), so a period
notice is once-only by member, period, stage and address. It is reminded
until its first day, never after (a period cannot be overdue), and not while
its start hangs on a filing date not yet known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import TextClause, text
from sqlmodel import col, select

from transition.core.periods import PlannedPeriod
from transition.core.reminding import Reminding, Stage
from transition.core.terms import ItemStatus
from transition.store.listings import candidates, seat_order, toronto_time
from transition.store.models import Election, Event, Member
from transition.store.trail.events import Action, Subject
from transition.store.values import addresses

if TYPE_CHECKING:
    from transition.store.tracker import Tracker

#: The events of a reminder's life.
REMINDER_ACTIONS = (Action.REMINDER_CLAIMED, Action.REMINDER_SENT, Action.REMINDER_FAILED)
#: Those actions' events, in the SQL text of migration 0013's partial index:
#: as text, not parameters, SQLite sees that the index serves the query.
REMINDER_EVENTS: TextClause = text(
    "event.action IN (" + ", ".join(f"'{action.value}'" for action in REMINDER_ACTIONS) + ")"
)
CLERK = "clerk"
OFFICE = "office"

#: What a claim is of: a step's checklist item id, or (member id, period id).
Topic = int | tuple[int, str]
#: (what, stage, address): one notice claimed in the record.
Claim = tuple[Topic, str, str]


class Reminded(TypedDict):
    """A step as a reminder names it."""

    #: The item's id, as `transition done ID` takes it.
    id: int
    member: str
    #: The step's id in the profile.
    step: str
    #: "PLATFORM HANDLE" for a step taken per account; None for the member's own.
    account: str | None
    title: str
    paragraph: str | None
    #: None while the filing date it hangs on is not known.
    due: str | None
    latest: str
    owner: str | None


class RemindedPeriod(TypedDict):
    """A period as a reminder names it."""

    member: str
    #: The period's id in the profile.
    period: str
    title: str
    explanation: str
    source: str
    #: Its first day (a period is reminded only once this is known).
    starts: str
    #: Its last day; None while it hangs on a filing date not yet known.
    ends: str | None
    latest_end: str


@dataclass(frozen=True)
class Notice:
    """One step to remind one address of, at one stage."""

    item_id: int
    member: str
    member_id: int
    stage: Stage
    #: The step, as the message names it.
    entry: Reminded
    #: "office", "owner" or "clerk": why this address hears of it.
    heard_as: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.item_id, self.stage.key)


@dataclass(frozen=True)
class PeriodNotice:
    """One period's start to remind one of the office's addresses of, at one stage."""

    member: str
    member_id: int
    stage: Stage
    entry: RemindedPeriod

    @property
    def topic(self) -> tuple[int, str]:
        return (self.member_id, self.entry["period"])

    @property
    def key(self) -> tuple[tuple[int, str], str]:
        return (self.topic, self.stage.key)


@dataclass
class Digest:
    """Everything one address is to hear of today, in one message."""

    to: str
    heard_as: str
    #: Whose steps: a member's name, or "the council" for the clerk's digest.
    about: str
    notices: list[Notice] = field(default_factory=list)
    #: Addresses copied (the clerk, where a step is overdue long enough).
    cc: list[str] = field(default_factory=list)
    #: The periods about to start (never in the clerk's digest).
    periods: list[PeriodNotice] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """Today's digests, and the offices with steps (or periods) to hear of
    and no address."""

    digests: list[Digest]
    unaddressed: dict[str, int]
    clerk_email: str | None
    unaddressed_periods: dict[str, int] = field(default_factory=dict)


def plan(tracker: Tracker, election: Election, member: Member | None = None) -> Plan:
    """What is to be sent today that has not been: one digest per address."""
    today = tracker.today
    profile = tracker.find.profile(election)
    closures = tracker.find.closures(profile)
    reminding = Reminding(profile.remind, closures.is_open)
    sent = claimed(tracker)
    emails = _addresses_of_members(tracker)
    digests: dict[tuple[str, str], Digest] = {}
    unaddressed: dict[str, int] = {}
    clerk_email = election.clerk_email
    overdue_for_clerk: list[Notice] = []
    copied: set[str] = set()  # the members whose digest copies the clerk
    steps = {step.id: step for step in profile.steps}
    ahead = max(
        (
            *profile.remind.days_before,
            *(d for s in profile.steps for d in s.remind_days_before or ()),
        ),
        default=0,
    )
    for row in _open_steps(tracker, election, member, ahead):
        (item_id, step_id, due, latest, owner, owner_email, member_id, name) = row[:8]
        rule = steps.get(step_id)
        stage = reminding.stage_on(due, latest, today, rule.remind_days_before if rule else None)
        if stage is None:
            continue
        platform, handle = row[8:]
        entry: Reminded = {
            "id": item_id,
            "member": name,
            "step": step_id,
            "account": f"{platform} {handle}" if platform is not None else None,
            "title": rule.title if rule else step_id,
            "paragraph": rule.paragraph if rule else None,
            "due": due.isoformat() if due else None,
            "latest": latest.isoformat(),
            "owner": owner,
        }
        if owner_email:
            heard = [(owner_email, "owner")]
        else:
            heard = [(address, "office") for address in emails.get(member_id, [])]
        if not heard:
            unaddressed[name] = unaddressed.get(name, 0) + 1
        step = (item_id, name, member_id, stage, entry)
        for address, heard_as in heard:
            notice = Notice(*step, heard_as)
            if (entry["id"], stage.key, address) in sent:
                continue
            about = entry["member"]
            digest = digests.setdefault((address, about), Digest(address, heard_as, about))
            digest.notices.append(notice)
            if stage.copies_clerk and clerk_email and about not in copied:
                digest.cc.append(clerk_email)  # once a member: on the first address's
                copied.add(about)
        if stage.overdue and clerk_email and tracker.access.reads_all:
            notice = Notice(*step, CLERK)
            if (entry["id"], stage.key, clerk_email) not in sent:
                overdue_for_clerk.append(notice)
    unaddressed_periods: dict[str, int] = {}
    for starting in _period_notices(tracker, election, member, reminding):
        # A period has no owner: each of the office's addresses hears of it.
        offices = emails.get(starting.member_id, [])
        if not offices:
            who = starting.member
            unaddressed_periods[who] = unaddressed_periods.get(who, 0) + 1
        for office in offices:
            if (*starting.key, office) in sent:
                continue
            about = starting.member
            into = digests.setdefault((office, about), Digest(office, OFFICE, about))
            into.periods.append(starting)
    order = dict(_seats(tracker))  # digests in council order, then by address
    found = sorted(digests.values(), key=lambda d: (order.get(d.about, (9, 0, d.about)), d.to))
    for digest in found:
        digest.notices.sort(key=lambda n: (n.stage.anchor, n.item_id))
        digest.periods.sort(key=lambda n: (n.stage.anchor, n.entry["period"]))
    if overdue_for_clerk and clerk_email and member is None:
        found.append(Digest(clerk_email, CLERK, "the council", overdue_for_clerk))
    return Plan(found, unaddressed, clerk_email, unaddressed_periods)


def _period_notices(
    tracker: Tracker, election: Election, member: Member | None, reminding: Reminding
) -> list[PeriodNotice]:
    """The periods whose start has a stage today, member by member. A start
    not yet known (a filing date to come) is not reminded, nor one past."""
    from transition.store.periods import planned_periods

    who = candidates(tracker, election, member)
    planned = planned_periods(tracker, election, member, given=who)
    if not planned:
        return []
    names = {one.member_id: one.name for one in who}
    found = []
    for member_id, periods in planned.items():
        for one in periods:
            if one.starts is None:
                continue
            own = one.period.remind_days_before
            stage = reminding.start_stage_on(one.starts, tracker.today, own)
            if stage is not None:
                name = names[member_id]
                found.append(PeriodNotice(name, member_id, stage, _period_entry(one, name)))
    return found


def _period_entry(planned: PlannedPeriod, member: str) -> RemindedPeriod:
    period = planned.period
    assert planned.starts is not None  # only a known start is reminded
    return {
        "member": member,
        "period": period.id,
        "title": period.title,
        "explanation": period.explanation,
        "source": period.source,
        "starts": planned.starts.isoformat(),
        "ends": planned.ends.isoformat() if planned.ends else None,
        "latest_end": planned.latest_end.isoformat(),
    }


def _open_steps(
    tracker: Tracker, election: Election, member: Member | None, ahead: int
) -> list[Any]:
    """The open, current steps near enough to be reminded today: due (or
    latest) no more than `ahead` days away (the schedule's first reminder)."""
    from sqlalchemy import func
    from sqlmodel.sql.expression import Select

    from transition.store.models import Account, Candidacy, ChecklistItem

    horizon = tracker.today + timedelta(days=ahead)
    # SQLModel types select() for up to four columns (fastapi/sqlmodel#271);
    # the Select it makes of more takes any number, each column as col().
    query: Select[*tuple[Any, ...]] = (
        Select(
            col(ChecklistItem.id),
            col(ChecklistItem.step_id),
            col(ChecklistItem.due),
            col(ChecklistItem.latest),
            col(ChecklistItem.owner),
            col(ChecklistItem.owner_email),
            col(Member.id),
            col(Member.name),
            col(Account.platform),
            col(Account.handle),
        )
        .join(Candidacy, col(Candidacy.id) == ChecklistItem.candidacy_id)
        .join(Member, col(Member.id) == Candidacy.member_id)
        .outerjoin(Account, col(Account.id) == ChecklistItem.account_id)
        .where(
            col(Candidacy.election_id) == election.id,
            col(ChecklistItem.status) == ItemStatus.OPEN,
            col(ChecklistItem.superseded_at).is_(None),
            func.coalesce(ChecklistItem.due, ChecklistItem.latest) <= horizon,
        )
    )
    if member is not None:
        query = query.where(col(Member.id) == member.id)
    return list(tracker.session.exec(query).all())


def _seats(tracker: Tracker) -> list[tuple[str, tuple[int, int, str]]]:
    """Each member's place in council order, by name."""
    rows = tracker.session.exec(select(Member.name, Member.office, Member.ward)).all()
    return [(name, seat_order(office, ward, name)) for name, office, ward in rows]


def claimed(tracker: Tracker) -> set[Claim]:
    """(item, stage, address) of every reminder claimed and not since freed;
    for a period's start, ((member, period), stage, address)."""
    events = tracker.session.exec(
        select(Event.item_id, Event.member_id, Event.action, Event.after)
        .where(REMINDER_EVENTS)
        .order_by(col(Event.id))
    ).all()
    held: set[Claim] = set()
    for item_id, member_id, action, after in events:
        what = json.loads(after or "{}")
        topic: Topic | None = item_id
        if item_id is None and member_id is not None and what.get("period"):
            topic = (member_id, str(what["period"]))
        if topic is None or not what.get("to"):
            continue
        key: Claim = (topic, what.get("stage", ""), what["to"])
        if action == Action.REMINDER_FAILED:
            held.discard(key)
        elif action == Action.REMINDER_CLAIMED:
            held.add(key)
    return held


def claim(tracker: Tracker, digest: Digest, message_id: str) -> list[Digest]:
    """Claim the digest's notices for this run, after reading again what other
    runs claimed (this runs under the writer's lock). What is left, if
    anything, is the digest to send."""
    sent = claimed(tracker)
    fresh = [n for n in digest.notices if (n.item_id, n.stage.key, digest.to) not in sent]
    starting = [n for n in digest.periods if (*n.key, digest.to) not in sent]
    if not fresh and not starting:
        return []
    digest = Digest(digest.to, digest.heard_as, digest.about, fresh, digest.cc, starting)
    _record(tracker, digest, Action.REMINDER_CLAIMED, message_id, "claimed a reminder")
    return [digest]


def confirm(tracker: Tracker, digest: Digest, message_id: str, error: str | None = None) -> None:
    """The server took the message (or refused it: the notices are freed)."""
    if error is None:
        _record(tracker, digest, Action.REMINDER_SENT, message_id, "sent a reminder")
    else:
        _record(tracker, digest, Action.REMINDER_FAILED, message_id, "could not send", error)


def _record(
    tracker: Tracker,
    digest: Digest,
    action: Action,
    message_id: str,
    verb: str,
    error: str | None = None,
) -> None:
    def after(stage: Stage, **what: str) -> dict[str, Any]:
        found: dict[str, Any] = {
            **what,
            "stage": stage.key,
            "to": digest.to,
            "cc": [] if action == Action.REMINDER_FAILED else list(digest.cc),
            "heard_as": digest.heard_as,
            "message_id": message_id,
        }
        if error:
            found["error"] = error
        return found

    for notice in digest.notices:
        item = tracker.find.item(notice.item_id)
        member = tracker.find.member_of(item)
        tracker.access.check_member(member.id or 0, member.name, "reminders")
        summary = (
            f"{verb} of {item.step_id}{tracker.find.on_account(item)} for {member.name} "
            f"({notice.stage.name}) to {digest.to}"
        )
        tracker.journal.item(action, item, member, summary, after=after(notice.stage))
    for starting in digest.periods:
        # A period has no item: the event is the member's, naming the period.
        who: Member = tracker.find.get(Member, starting.member_id)
        tracker.access.check_member(starting.member_id, who.name, "reminders")
        period = starting.entry["period"]
        summary = f"{verb} of period {period} for {who.name} ({starting.stage.name}) to {digest.to}"
        tracker.journal.record(
            action,
            Subject("member", starting.member_id),
            summary,
            who,
            after=after(starting.stage, period=period),
        )


def history(tracker: Tracker, member: Member | None = None) -> list[dict[str, Any]]:
    """Every reminder claimed, newest first, with what became of it: a
    step's (`kind` "step", its `item`) or a period's start ("period", its
    `period` id)."""
    query = select(Event).where(REMINDER_EVENTS).order_by(col(Event.id))
    if member is not None:
        query = query.where(Event.member_id == member.id)
    outcome: dict[tuple[str, int | None, str | None], dict[str, Any]] = {}
    for event in tracker.session.exec(query).all():
        what = json.loads(event.after or "{}")
        period = what.get("period") if event.item_id is None else None
        key = (what.get("message_id", ""), event.item_id, period)
        if event.action == Action.REMINDER_CLAIMED:
            outcome[key] = {
                "claimed_at": toronto_time(_aware(event.at)),
                "kind": "period" if period else "step",
                "item": event.item_id,
                "period": period,
                "member": _member_name(tracker, event.member_id),
                "stage": what.get("stage"),
                "to": what.get("to"),
                "cc": what.get("cc", []),
                "message_id": what.get("message_id"),
                "status": "unconfirmed",
                "error": None,
                "by": event.actor,
            }
        elif key in outcome:
            outcome[key]["status"] = "sent" if event.action == Action.REMINDER_SENT else "failed"
            outcome[key]["error"] = what.get("error")
    return list(reversed(outcome.values()))


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _member_name(tracker: Tracker, member_id: int | None) -> str | None:
    if member_id is None:
        return None
    member: Member = tracker.find.get(Member, member_id)
    return member.name


def _addresses_of_members(tracker: Tracker) -> dict[int, list[str]]:
    rows = tracker.session.exec(select(Member.id, Member.emails)).all()
    return {member_id: addresses(emails) for member_id, emails in rows if member_id}


def addressed(digests: Iterable[Digest]) -> int:
    return sum(len(d.notices) + len(d.periods) for d in digests)
