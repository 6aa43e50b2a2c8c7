"""What the tracker shows: checklists, the council's status, the audit trail.

Read-only projections of the store as plain, JSON-ready dicts. They are the
contract of every listing's `--json` (their shapes are `transition.store.shapes`),
and the tables and printed documents draw the same dicts, so what a script
reads and what a person sees agree.
"""

from __future__ import annotations

import gc
import json
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, TypeVar, cast

from sqlmodel import col, func, select
from sqlmodel.sql.expression import Select

from transition.core import calendar
from transition.core.calendar import TORONTO, days_after
from transition.core.dates import iso
from transition.core.planner import assess
from transition.core.rules import Profile
from transition.core.terms import CONNECTIONS, filing_kind, is_overdue
from transition.errors import TransitionError
from transition.store.attesting import attestations
from transition.store.lookup import planner_account
from transition.store.models import (
    Account,
    Candidacy,
    ChecklistItem,
    Election,
    Event,
    Member,
    key,
)
from transition.store.periods import in_force, period_rows, planned_periods
from transition.store.shapes import (
    AccountRow,
    Attestation,
    ChecklistEntry,
    ChecklistRow,
    ElectionDates,
    ElectionRow,
    EntryContext,
    LogRow,
    Mark,
    MemberDetail,
    MemberRow,
    StatusRow,
)
from transition.store.status import counted
from transition.store.tracker import Tracker
from transition.store.trail.events import Action, is_row_event
from transition.store.values import addresses

#: A select of members, whatever columns it takes.
Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def election_row(tracker: Tracker, election: Election) -> ElectionRow:
    # The core types its payload as a plain dict (it knows nothing of the
    # store's shapes); its keys are those of ElectionDates.
    dates = cast(ElectionDates, tracker.find.calendar(election).payload())
    return {
        "name": election.name,
        "municipality": election.municipality,
        "profile": election.profile_id,
        "clerk_email": election.clerk_email,
        **dates,
    }


def election_rows(tracker: Tracker) -> list[ElectionRow]:
    rows = [election_row(tracker, e) for e in tracker.find.elections()]
    return sorted(rows, key=lambda row: row["voting_day"])


def member_rows(tracker: Tracker, election: Election) -> list[MemberRow]:
    counts = dict(
        tracker.session.exec(
            select(Account.member_id, func.count(col(Account.id))).group_by(col(Account.member_id))
        ).all()
    )
    return [
        {
            "name": member.name,
            "ward": member.ward,
            "office": member.office,
            "running": candidacy.running,
            "option": candidacy.option,
            "filing_date": iso(candidacy.filing_date),
            "filing": filing_kind(candidacy.filing_date, candidacy.filing_actual),
            "accounts": counts.get(candidacy.member_id, 0),
            "emails": addresses(member.emails),
        }
        for member, candidacy in candidacies(tracker, election)
    ]


def account_row(tracker: Tracker, account: Account, profile: Profile) -> AccountRow:
    """An account with its caution assessment (the five connections and why)."""
    assert account.id is not None  # a stored account
    member = tracker.session.get_one(Member, account.member_id)
    assessment = assess(planner_account(account), profile)
    labels = {c.key: c.label for c in CONNECTIONS}
    return {
        "id": account.id,
        "member": member.name,
        "platform": account.platform,
        "handle": account.handle,
        "url": account.url,
        "role": account.role,
        "email": account.email,
        "phone": account.phone,
        "city_connected": assessment.city_connected,
        "connections": [
            {"key": c.key, "label": labels[c.key], "holds": c.holds, "reason": c.reason}
            for c in assessment.connections
        ],
        "notes": list(assessment.notes),
    }


def account_rows(tracker: Tracker, member: Member | None, profile: Profile) -> list[AccountRow]:
    query = select(Account).order_by(col(Account.id))
    if member is not None:
        query = query.where(Account.member_id == member.id)
    return [account_row(tracker, a, profile) for a in tracker.session.exec(query).all()]


def member_detail(tracker: Tracker, member: Member, election: Election) -> MemberDetail:
    """One member: the candidacy, each account's assessment, the checklist, notices."""
    candidacy = tracker.find.candidacy(member, election)
    profile = tracker.find.profile(election)
    return {
        "name": member.name,
        "ward": member.ward,
        "office": member.office,
        "election": election.name,
        "running": candidacy.running,
        "option": candidacy.option,
        "filing_date": iso(candidacy.filing_date),
        "filing": filing_kind(candidacy.filing_date, candidacy.filing_actual),
        "emails": addresses(member.emails),
        "accounts": [account_row(tracker, a, profile) for a in tracker.find.accounts_of(member)],
        "checklist": checklist_rows(tracker, election, member),
        "notices": list(tracker.find.plan(candidacy).notices),
        "signoffs": attestations(tracker, [key(member)]).get(key(member), []),
        "periods": period_rows(tracker, election, member),
    }


def checklist_rows(
    tracker: Tracker,
    election: Election,
    member: Member | None = None,
    include_superseded: bool = False,
) -> list[ChecklistRow]:
    """Every item of the election (or of one member), ordered by member and
    date. A step marked done (or waived) on a stated day more than a day away
    from when it was recorded carries the recorded day too (`recorded_on`):
    staff do record yesterday's work, and the trail keeps when they did."""
    rows = [row for _, row in checklist_entries(tracker, election, member, include_superseded)]
    marked = marks(tracker, [row["id"] for row in rows if row["done_at"]])
    return [{**row, "recorded_on": _recorded_on(row, marked.get(row["id"]))} for row in rows]


def _recorded_on(row: ChecklistEntry, mark: Mark | None) -> str | None:
    """The day the mark was recorded, where it is more than a day from the stated one."""
    moment = mark["recorded_at"] if mark else None
    if moment and row["done_at"]:
        stated, recorded = date.fromisoformat(row["done_at"]), date.fromisoformat(moment[:10])
        if abs((recorded - stated).days) > 1:
            return recorded.isoformat()
    return None


def checklist_entries(
    tracker: Tracker, election: Election, member: Member | None, include_superseded: bool
) -> list[tuple[EntryContext, ChecklistEntry]]:
    """The checklist rows from one query, each with what the listing does not show
    (member id, account role) beside it."""
    steps = {step.id: step for step in tracker.find.profile(election).steps}
    today = tracker.today
    dates = tracker.find.calendar(election)
    # A province's checklist is 40,000 rows of a few thousand members: what
    # follows from a member alone (their place, their filing date's doubts)
    # is worked out once a member, not once a row.
    orders: dict[int, tuple[int, int, str]] = {}
    doubts: dict[tuple[str, date | None], list[str]] = {}
    rows: list[tuple[EntryContext, ChecklistEntry]] = []
    # Plain columns need none of the ORM's row loading, a fifth of the time
    # on so many rows: the query runs on the session's connection, after the
    # flush the ORM would have made first.
    tracker.session.flush()
    found = tracker.session.connection().execute(
        _checklist_query(election, member, include_superseded)
    )
    # The rows' dicts outlive the loop, and the cycle collector would walk
    # them again and again as they pile up (a third of the loop's time), so
    # it rests meanwhile: they hold no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for (
            item_id, step_id, status, due, latest, done_on, done_by, note, evidence, superseded,
            owner, owner_email, member_id, name, ward, office, filing_date, platform, handle, role,
        ) in found.all():  # fmt: skip
            step = steps.get(step_id)
            order = orders.get(member_id)
            if order is None:
                order = orders[member_id] = seat_order(office, ward, name)
            warnings: list[str] = []
            if step is not None and step.anchor == "filing-date":
                doubt = doubts.get((office, filing_date))
                if doubt is None:
                    doubt = doubts[office, filing_date] = filing_warnings(
                        dates, office, filing_date
                    )
                warnings = list(doubt)
            rows.append(
                (
                    {"member_id": member_id, "order": order, "role": role},
                    {
                        "id": item_id,
                        "member": name,
                        "step": step_id,
                        "account": f"{platform} {handle}" if platform is not None else None,
                        "title": step.title if step else step_id,
                        "paragraph": step.paragraph if step else None,
                        "due": iso(due),
                        "latest": latest.isoformat(),
                        "status": status,
                        "overdue": is_overdue(status, latest, today, superseded is not None),
                        "done_at": iso(done_on),
                        "done_by": done_by,
                        "note": note,
                        "evidence": evidence,
                        "superseded": superseded is not None,
                        "owner": owner,
                        "owner_email": owner_email,
                        "warnings": warnings,
                    },
                )
            )
        rows.sort(
            key=lambda pair: (pair[0]["order"], pair[1]["due"] or pair[1]["latest"], pair[1]["id"])
        )
    finally:
        if collecting:
            gc.enable()
    return rows


def _checklist_query(
    election: Election, member: Member | None, include_superseded: bool
) -> Select[*tuple[Any, ...]]:
    """The items of the election (or one member's), with what each row shows
    of its member, candidacy and account."""
    # SQLModel types select() for up to four columns (fastapi/sqlmodel#271);
    # the Select it makes of more takes any number, each column as col().
    query: Select[*tuple[Any, ...]] = (
        Select(
            col(ChecklistItem.id),
            col(ChecklistItem.step_id),
            col(ChecklistItem.status),
            col(ChecklistItem.due),
            col(ChecklistItem.latest),
            col(ChecklistItem.done_on),
            col(ChecklistItem.done_by),
            col(ChecklistItem.note),
            col(ChecklistItem.evidence),
            col(ChecklistItem.superseded_at),
            col(ChecklistItem.owner),
            col(ChecklistItem.owner_email),
            col(Member.id),
            col(Member.name),
            col(Member.ward),
            col(Member.office),
            col(Candidacy.filing_date),
            col(Account.platform),
            col(Account.handle),
            col(Account.role),
        )
        .join(Candidacy, col(Candidacy.id) == ChecklistItem.candidacy_id)
        .join(Member, col(Member.id) == Candidacy.member_id)
        .outerjoin(Account, col(Account.id) == ChecklistItem.account_id)
        .where(Candidacy.election_id == election.id)
    )
    if member is not None:
        query = query.where(Member.id == member.id)
    if not include_superseded:
        query = query.where(col(ChecklistItem.superseded_at).is_(None))
    return query


def filing_warnings(dates: calendar.Election, office: str, filing_date: date | None) -> list[str]:
    """What is doubtful about a filing date that steps hang on: a day the
    clerk's office was closed, or (after the law moved the window) a day
    outside the filing window."""
    if filing_date is None:
        return []
    try:
        closed = dates.for_office(office).check_filing_date(filing_date)
    except TransitionError as error:
        return [f"filing date {error}"]
    return [f"filing date {closed}"] if closed else []


def status_rows(
    tracker: Tracker, election: Election, overdue_only: bool, due_within: int | None
) -> list[StatusRow]:
    """The council at a glance: one row per member, counted by the database in
    one query (`transition.store.status`)."""
    assert election.id is not None  # a stored election
    result = counted(tracker.session.connection(), election.id, tracker.today)
    signed = _signoffs_by_name(tracker)
    who = candidates(tracker, election)
    planned = planned_periods(tracker, election, given=who)
    names = {one.member_id: one.name for one in who}
    in_force_by_name = {names[k]: in_force(p, tracker.today) for k, p in planned.items()}
    horizon = days_after(tracker.today, due_within or 0).isoformat()
    rows: list[StatusRow] = []
    for (
        name, ward, _office, running, option, filing_date, filing_actual,
        done, open_count, overdue, waived, next_due, step_id, due,
    ) in sorted(result, key=lambda r: seat_order(r[2], r[1], r[0])):  # fmt: skip
        next_due = _iso(next_due)
        if overdue_only and not overdue:
            continue
        if due_within is not None and not (next_due and next_due <= horizon):
            continue
        rows.append(
            {
                "member": name,
                "ward": ward,
                "running": running,
                "option": option,
                "filing_date": _iso(filing_date),
                "filing": filing_kind(filing_date, filing_actual),
                "done": done,
                "open": open_count,
                "overdue": overdue,
                "waived": waived,
                "next_due": next_due,
                "next_on_filing": next_due is not None and due is None,
                "next_step": step_id,
                "signoffs": signed.get(name, []),
                "periods_in_force": in_force_by_name.get(name, 0),
            }
        )
    return rows


def _signoffs_by_name(tracker: Tracker) -> dict[str, list[Attestation]]:
    """Every member's sign-offs, by name (the status's rows name members)."""
    found = attestations(tracker)
    if not found:
        return {}
    query = select(Member.id, Member.name).where(col(Member.id).in_(list(found)))
    rows = tracker.session.exec(query)
    return {name: found[member_id] for member_id, name in rows if member_id is not None}


def _iso(value: date | str | None) -> str | None:
    """A date from a raw query: SQLite gives its text, PostgreSQL a date."""
    return value if value is None or isinstance(value, str) else value.isoformat()


def candidacies(
    tracker: Tracker, election: Election, member: Member | None = None
) -> list[tuple[Member, Candidacy]]:
    """Every member with their candidacy in the election, in council order (one
    query); or only `member`, with theirs, where one member's is all a command needs."""
    query = _in_election(select(Member, Candidacy), election, member)
    pairs = list(tracker.session.exec(query).all())
    return sorted(pairs, key=lambda pair: seat_order(pair[0].office, pair[0].ward, pair[0].name))


class Candidate(NamedTuple):
    """A member and their candidacy in an election as plain values: what the
    council-wide listings read of each, without loading 3,000 of each as
    objects (six times the query's own time on the province)."""

    member_id: int
    name: str
    ward: str | None
    office: str
    running: str
    option: str | None
    filing_date: date | None


def candidates(
    tracker: Tracker, election: Election, member: Member | None = None
) -> list[Candidate]:
    """`candidacies`, as plain values, in council order."""
    # SQLModel types select() for up to four columns (fastapi/sqlmodel#271);
    # the Select it makes of more takes any number, each column as col().
    columns: Select[*tuple[Any, ...]] = Select(
        col(Member.id),
        col(Member.name),
        col(Member.ward),
        col(Member.office),
        col(Candidacy.running),
        col(Candidacy.option),
        col(Candidacy.filing_date),
    )
    query = _in_election(columns, election, member)
    found = [Candidate(*row) for row in tracker.session.exec(query)]
    return sorted(found, key=lambda who: seat_order(who.office, who.ward, who.name))


def _in_election(query: Q, election: Election, member: Member | None) -> Q:
    """`query` of members joined to their candidacies in `election` (only
    `member`'s, if given): what `candidacies` and `candidates` both read."""
    query = query.join(Candidacy, col(Candidacy.member_id) == Member.id).where(
        Candidacy.election_id == election.id
    )
    return query if member is None else query.where(Member.id == member.id)


def log_rows(
    tracker: Tracker, member: Member | None, limit: int | None, rows: bool = False
) -> list[LogRow]:
    """The audit trail, newest first. The row events the database wrote for
    transition's own changes repeat what its events say, and show only with
    `rows`; a row changed by any other writer always shows."""
    query = select(Event).order_by(col(Event.id).desc())
    if not rows:
        row_event = col(Event.action).startswith("row.")
        transitions_own = row_event & (Event.actor != "") & col(Event.chain).isnot(None)
        query = query.where(~transitions_own)
    if member is not None:
        query = query.where(Event.member_id == member.id)
    if limit is not None:
        query = query.limit(limit)
    if member is None:
        names = dict(tracker.session.exec(select(Member.id, Member.name)).all())
    else:
        names = {member.id: member.name}
    found: list[LogRow] = []
    for event in tracker.session.exec(query).all():
        assert event.id is not None  # a stored event
        found.append(
            {
                "id": event.id,
                "at": toronto_time(event.at),
                "actor": event.actor,
                "recorded_by": event.recorded_by,
                "action": event.action,
                "member": names.get(event.member_id),
                "subject": event.subject,
                "summary": outside_summary(event, detail=False) or event.summary,
                "before": json.loads(event.before) if event.before else None,
                "after": json.loads(event.after) if event.after else None,
            }
        )
    return found


def outside_summary(event: Event, detail: bool = True) -> str | None:
    """What a row event written outside transition changed, in words; None for
    any other event."""
    if not is_row_event(event.action) or event.actor:
        return None
    before = json.loads(event.before) if event.before else {}
    after = json.loads(event.after) if event.after else {}
    verb = event.action.removeprefix("row.")
    if verb == "baseline":
        return event.summary
    changes = ", ".join(
        f"{name} {_brief(before.get(name))} -> {_brief(after.get(name))}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    )
    if verb == "update":
        said = f"{event.subject} changed outside transition"
        return f"{said}: {changes}" if detail else said
    return f"{event.subject} {verb}ed outside transition".replace("eed", "ed")


def _brief(value: Any) -> str:
    """A value as a one-line summary shows it: a long text cut short."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def toronto_time(moment: datetime) -> str:
    """An instant as Toronto wall-clock time, to the second, with its offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TORONTO).isoformat(timespec="seconds")


def seat_order(office: str, ward: str | None, name: str) -> tuple[int, int, str]:
    """Sort key for a member: the mayor first, then wards by number, then by name."""
    if office == "mayor":
        return (0, 0, name.casefold())
    ward = ward or ""
    number = int(ward) if ward.isascii() and ward.isdigit() else 10**6
    return (1, number, ward.casefold() + name.casefold())


def marks(tracker: Tracker, item_ids: list[int]) -> dict[int, Mark]:
    """For items marked done or waived, who was signed in when the mark was
    recorded, and the moment (Toronto time): the latest such event of each."""
    if not item_ids:
        return {}
    query = (
        select(Event.item_id, Event.recorded_by, Event.at)
        .where(col(Event.item_id).in_(item_ids))
        .where(col(Event.action).in_((Action.ITEM_DONE, Action.ITEM_WAIVED)))
        .order_by(col(Event.id))
    )
    found: dict[int, Mark] = {}
    for item_id, recorded_by, at in tracker.session.exec(query).all():
        assert item_id is not None  # asked for by id
        found[item_id] = {"recorded_by": recorded_by, "recorded_at": toronto_time(at)}
    return found
