"""The tracker: what an office records, kept consistent and on the record.

Each public method of `Tracker` is one user action inside the caller's
transaction. Every change writes an event (who, when, what, before and
after), and every change that could move a due date re-plans the member's
checklist with the pure planner, so stored due dates never go stale: open
items follow their anchors, done items stay done, and items that stop
applying are marked superseded, never deleted.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from transition.core import calendar, planner
from transition.core.closures import ClosureCalendar, HolidaySource, package_holidays
from transition.core.rules import Profile, load_profile, parse_profile, read_profile
from transition.errors import TransitionError
from transition.store.models import (
    Account,
    Candidacy,
    ChecklistItem,
    Election,
    Event,
    Member,
    OfficeOverride,
)
from transition.store.validate import (
    ACCOUNT_TEXT,
    CONNECTION_FLAGS,
    OFFICES,
    RUNNING,
    account_fields,
    check_seat,
    choice,
    clean_text,
    match_name,
    optional_text,
)

OPTIONS = {"separate": planner.SEPARATE, "single": planner.SINGLE}


@dataclass
class Tracker:
    session: Session
    today: date
    actor: str
    #: Where holiday dates come from (the command line keeps them on disk).
    holidays: HolidaySource = package_holidays
    #: What the user should hear about what was recorded, though it was.
    warnings: list[str] = field(default_factory=list)
    _profiles: dict[int, Profile] = field(default_factory=dict, repr=False)
    _calendars: dict[int, calendar.Election] = field(default_factory=dict, repr=False)

    # -- finding things ---------------------------------------------------

    def election(self, name: str | None = None) -> Election:
        """`name`, else the only election, else the next one on or after today."""
        elections = self.session.exec(select(Election).order_by(col(Election.id))).all()
        if name is not None:
            return match_name(name, elections, "election", "transition election list")
        if not elections:
            raise TransitionError(
                "there is no election yet; add one with `transition election add --year YEAR`"
            )
        if len(elections) == 1:
            return elections[0]
        upcoming = [e for e in elections if self.calendar(e).voting_day >= self.today]
        if not upcoming:
            raise TransitionError(
                "every election in the database is over; choose one with --election NAME"
            )
        return min(upcoming, key=lambda e: self.calendar(e).voting_day)

    def member(self, name: str) -> Member:
        return self.find_member(name) or match_name(
            name, self.members_by_name(), "member", "transition member list"
        )

    def members_by_name(self) -> Sequence[Member]:
        return self.session.exec(select(Member).order_by(col(Member.name))).all()

    def find_member(self, name: str) -> Member | None:
        """The member of exactly this name (any case), or None."""
        return self._find(Member, " ".join(name.split()))

    def members(self) -> Sequence[Member]:
        return self.session.exec(select(Member)).all()

    def item(self, item_id: int) -> ChecklistItem:
        item = self.session.get(ChecklistItem, item_id)
        if item is None:
            raise TransitionError(
                f"there is no checklist item {item_id}; `transition checklist` lists the ids"
            )
        return item

    def account(self, account_id: int) -> Account:
        account = self.session.get(Account, account_id)
        if account is None:
            raise TransitionError(
                f"there is no account {account_id}; `transition account list` lists the ids"
            )
        return account

    def accounts_of(self, member: Member) -> Sequence[Account]:
        query = select(Account).where(Account.member_id == member.id).order_by(col(Account.id))
        return self.session.exec(query).all()

    def candidacy(self, member: Member, election: Election) -> Candidacy:
        query = select(Candidacy).where(
            Candidacy.member_id == member.id, Candidacy.election_id == election.id
        )
        found = self.session.exec(query).first()
        if found is None:
            found = Candidacy(member_id=member.id, election_id=election.id)
            self.session.add(found)
            self.session.flush()
        return found

    def calendar(self, election: Election) -> calendar.Election:
        """The election's dates, with its profile's closures and any office's override."""
        if election.id not in self._calendars:
            self._calendars[election.id] = self._dates(election)
        return self._calendars[election.id]

    def _dates(self, election: Election) -> calendar.Election:
        closures = self.closures(self.profile(election))
        if election.kind == "by-election":
            return calendar.by_election(
                election.opens,
                election.nomination_day,
                election.voting_day,
                election.name,
                closures=closures,
                bylaw_date=election.bylaw_date,
            )
        dates = calendar.regular_election(election.year, closures)
        query = select(OfficeOverride).where(OfficeOverride.election_id == election.id)
        overrides = tuple(
            calendar.OfficeOverride(o.office, o.nomination_day, o.opens, o.source)
            for o in self.session.exec(query.order_by(col(OfficeOverride.office))).all()
        )
        return replace(dates, overrides=overrides)

    def closures(self, profile: Profile) -> ClosureCalendar:
        return ClosureCalendar(profile.closures, self.holidays)

    def profile(self, election: Election) -> Profile:
        if election.id not in self._profiles:
            data = tomllib.loads(election.profile_toml)
            self._profiles[election.id] = parse_profile(data, f"the profile of {election.name}")
        return self._profiles[election.id]

    def profile_for(self, election_name: str | None) -> Profile:
        """The chosen election's profile; the built-in one while there is no election."""
        if election_name is None and self.session.exec(select(Election)).first() is None:
            return load_profile()
        return self.profile(self.election(election_name))

    # -- elections --------------------------------------------------------

    def add_regular_election(self, year: int, profile_path: Path | None) -> Election:
        profile_text, profile = self._read_profile(profile_path, year)
        dates = calendar.regular_election(year, self.closures(profile))
        return self._add_election(str(year), "regular", dates, profile_text, profile)

    def add_by_election(
        self,
        name: str,
        opens: date,
        nomination_day: date,
        voting_day: date,
        profile_path: Path | None,
        bylaw_date: date | None = None,
    ) -> Election:
        name = clean_text(name, "by-election name")
        if name.isdigit():
            raise TransitionError(
                f"{name!r} looks like a year; give the by-election a name such as 'Ward 9 2025'"
            )
        profile_text, profile = self._read_profile(profile_path, voting_day.year)
        dates = calendar.by_election(
            opens,
            nomination_day,
            voting_day,
            name,
            closures=self.closures(profile),
            bylaw_date=bylaw_date,
        )
        self.warnings.extend(dates.pattern_warnings())
        return self._add_election(name, "by-election", dates, profile_text, profile)

    def _read_profile(self, path: Path | None, year: int) -> tuple[str, Profile]:
        """The profile's text and rules, refused if its closures name a holiday
        the `holidays` package does not know (a misspelt name closes nothing)."""
        text, profile = read_profile(path)
        unknown = self.closures(profile).unknown_names(year)
        if unknown:
            raise TransitionError(
                f"the profile's closures name holidays the holidays package does not have in "
                f"{year}: {', '.join(unknown)}; check their names and categories "
                "(`transition rules --profile FILE` shows the profile)"
            )
        return text, profile

    def _add_election(
        self, name: str, kind: str, dates: calendar.Election, text: str, profile: Profile
    ) -> Election:
        if self._find(Election, name):
            raise TransitionError(f"there is already an election named {name!r}")
        election = Election(
            name=name,
            kind=kind,
            year=dates.year,
            opens=None if kind == "regular" else dates.nomination_period_opens,
            nomination_day=None if kind == "regular" else dates.nomination_day,
            voting_day=None if kind == "regular" else dates.voting_day,
            bylaw_date=dates.bylaw_date,
            municipality=profile.municipality,
            profile_id=profile.id,
            profile_toml=text,
            created_at=_now(),
        )
        self.session.add(election)
        self.session.flush()
        self._record("election.added", f"election {election.id}", f"added the {dates.name}")
        for member in self.members():
            self.sync(self.candidacy(member, election))
        return election

    def set_by_election_dates(
        self,
        election: Election,
        opens: date | None,
        nomination_day: date | None,
        voting_day: date | None,
        bylaw_date: date | None = None,
    ) -> None:
        if election.kind != "by-election":
            raise TransitionError(
                f"the {election.name} election is a regular election; its dates follow the law "
                "(where the law changed them for one office, give --office and --source)"
            )
        fields = ("opens", "nomination_day", "voting_day", "bylaw_date")
        before = _fields(election, *fields)
        election.opens = opens or election.opens
        election.nomination_day = nomination_day or election.nomination_day
        election.voting_day = voting_day or election.voting_day
        election.bylaw_date = bylaw_date or election.bylaw_date
        after = _fields(election, *fields)
        if before == after:
            return
        self._calendars.pop(election.id, None)
        self.warnings.extend(self.calendar(election).pattern_warnings())  # validates them too
        self._record(
            "election.dates",
            f"election {election.id}",
            f"changed the dates of {election.name}",
            before=before,
            after=after,
        )
        for candidacy in self._candidacies(election):
            self.sync(candidacy)

    def set_office_override(
        self,
        election: Election,
        office: str,
        nomination_day: date | None,
        opens: date | None,
        source: str | None,
    ) -> str:
        """Record (or, with no dates, remove) the dates the law set for one office
        in a regular election; members of that office follow them."""
        office = choice(office, OFFICES, "--office")
        if election.kind != "regular":
            raise TransitionError(
                f"{election.name} is a by-election: change its dates with --opens, "
                "--nomination-day and --voting-day, not for one office"
            )
        query = select(OfficeOverride).where(
            OfficeOverride.election_id == election.id, OfficeOverride.office == office
        )
        existing = self.session.exec(query).first()
        before = _fields(existing, "opens", "nomination_day", "source") if existing else None
        statutory = calendar.regular_election(election.year, self.calendar(election).closures)
        if nomination_day is None:
            if existing is None:
                return f"the {office}'s dates in {election.name} already follow the law"
            self.session.delete(existing)
            after = None
            what = f"returned the {office}'s dates in {election.name} to the law's"
        else:
            source = clean_text(source, "--source (the law or decision that changed the dates)")
            opening = opens or statutory.nomination_period_opens
            if not opening <= nomination_day < statutory.voting_day:
                raise TransitionError(
                    f"nomination day {nomination_day.isoformat()} must fall on or after the "
                    f"opening ({opening.isoformat()}) and before voting day "
                    f"({statutory.voting_day.isoformat()})"
                )
            override = existing or OfficeOverride(
                election_id=election.id,
                office=office,
                nomination_day=nomination_day,
                source=source,
                created_at=_now(),
            )
            override.opens, override.nomination_day, override.source = opens, nomination_day, source
            self.session.add(override)
            after = _fields(override, "opens", "nomination_day", "source")
            if after == before:
                return f"the {office}'s dates in {election.name} already say that; nothing changed"
            what = (
                f"the {office}'s nomination day in {election.name} is "
                f"{nomination_day.isoformat()} (statutory: "
                f"{statutory.nomination_day.isoformat()}), by {source}"
            )
        self.session.flush()
        self._calendars.pop(election.id, None)
        self._record(
            "election.override", f"election {election.id}", what, before=before, after=after
        )
        for candidacy in self._candidacies(election):
            member = self.session.get(Member, candidacy.member_id)
            if member.office != office:
                continue
            try:
                self.sync(candidacy)
            except TransitionError as error:
                raise TransitionError(f"{member.name}'s filing date: {error}") from None
        return what

    # -- members and candidacies -----------------------------------------

    def add_member(self, name: str, ward: str | None, office: str) -> Member:
        name = clean_text(name, "member name")
        if self._find(Member, name):
            raise TransitionError(f"there is already a member named {name!r}")
        office = choice(office, OFFICES, "office")
        ward = clean_text(ward, "ward") if ward is not None else None
        check_seat(office, ward)
        member = Member(name=name, ward=ward, office=office, created_at=_now())
        self.session.add(member)
        self.session.flush()
        where = f"ward {ward}" if ward else office
        self._record("member.added", f"member {member.id}", f"added {name} ({where})", member)
        for election in self.session.exec(select(Election)).all():
            self.sync(self.candidacy(member, election))
        return member

    def update_member(self, member: Member, ward: str | None, office: str) -> Member:
        office = choice(office, OFFICES, "office")
        ward = clean_text(ward, "ward") if ward else None
        check_seat(office, ward)
        before = _fields(member, "ward", "office")
        member.ward, member.office = ward, office
        after = _fields(member, "ward", "office")
        if before != after:
            self._record(
                "member.changed",
                f"member {member.id}",
                f"changed {member.name}",
                member,
                before,
                after,
            )
        return member

    def set_candidacy(
        self,
        member: Member,
        election: Election,
        running: str | None = None,
        option: str | None = None,
    ) -> Candidacy:
        candidacy = self.candidacy(member, election)
        before = _fields(candidacy, "running", "option")
        if running is not None:
            candidacy.running = choice(running, RUNNING, "--running")
        if option is not None:
            candidacy.option = choice(option, tuple(OPTIONS), "--option")
        after = _fields(candidacy, "running", "option")
        if before != after:
            changes = ", ".join(f"{k} {v}" for k, v in after.items() if before[k] != v)
            self._record(
                "candidacy.set",
                f"member {member.id}",
                f"{member.name} in {election.name}: {changes}",
                member,
                before,
                after,
            )
            self.sync(candidacy)
        return candidacy

    def set_filing(
        self, member: Member, election: Election, filing_date: date | None, actual: bool
    ) -> Candidacy:
        candidacy = self.candidacy(member, election)
        if filing_date is not None:
            closed = (
                self.calendar(election).for_office(member.office).check_filing_date(filing_date)
            )
            if closed:
                self.warnings.append(f"{member.name}'s filing date {closed}")
            if actual and filing_date > self.today:
                raise TransitionError(
                    f"{filing_date.isoformat()} is after today ({self.today.isoformat()}); "
                    "record a filing still to come as planned"
                )
        before = _fields(candidacy, "filing_date", "filing_actual")
        candidacy.filing_date = filing_date
        candidacy.filing_actual = actual and filing_date is not None
        after = _fields(candidacy, "filing_date", "filing_actual")
        if before != after:
            if filing_date is None:
                what = "cleared the filing date"
            else:
                kind = "files" if actual else "plans to file"
                what = f"{kind} on {filing_date.isoformat()}"
            self._record(
                "candidacy.filing",
                f"member {member.id}",
                f"{member.name} {what} ({election.name})",
                member,
                before,
                after,
            )
            self.sync(candidacy)
        return candidacy

    # -- accounts ---------------------------------------------------------

    def add_account(self, member: Member, **fields: Any) -> Account:
        account = Account(member_id=member.id, created_at=_now(), **account_fields(fields))
        for other in self.accounts_of(member):
            if (other.platform.casefold(), other.handle.casefold()) == (
                account.platform.casefold(),
                account.handle.casefold(),
            ):
                raise TransitionError(
                    f"{member.name} already has the {other.platform} account {other.handle} "
                    f"(account {other.id})"
                )
        self.session.add(account)
        self.session.flush()
        self._record(
            "account.added",
            f"account {account.id}",
            f"added {account.platform} {account.handle} ({account.role}) for {member.name}",
            member,
            after=_fields(account, "platform", "handle", "role", "email", *CONNECTION_FLAGS),
        )
        self._sync_member(member)
        return account

    def update_account(self, account: Account, **fields: Any) -> Account:
        current = _fields(account, *ACCOUNT_TEXT, *CONNECTION_FLAGS)
        merged = account_fields({**current, **{k: v for k, v in fields.items() if v is not None}})
        before = current
        for name, value in merged.items():
            setattr(account, name, value)
        after = _fields(account, *ACCOUNT_TEXT, *CONNECTION_FLAGS)
        if before != after:
            member = self.session.get(Member, account.member_id)
            self._record(
                "account.changed",
                f"account {account.id}",
                f"changed {account.platform} {account.handle} of {member.name}",
                member,
                {k: v for k, v in before.items() if after[k] != v},
                {k: v for k, v in after.items() if before[k] != v},
            )
            self._sync_member(member)
        return account

    def _sync_member(self, member: Member) -> None:
        """Re-plan the member in every election that is not over."""
        query = select(Candidacy).where(Candidacy.member_id == member.id)
        for candidacy in self.session.exec(query).all():
            election = self.session.get(Election, candidacy.election_id)
            if self.calendar(election).voting_day >= self.today:
                self.sync(candidacy)

    # -- marking steps ----------------------------------------------------

    def mark_done(
        self, item_ids: Iterable[int], note: str | None, evidence: str | None
    ) -> list[str]:
        messages = []
        for item in self._items(item_ids):
            if item.status == "done":
                messages.append(
                    f"item {item.id} was already done by {item.done_by} on {item.done_on}; "
                    "nothing changed"
                )
                continue
            self._change(
                item,
                "item.done",
                "done",
                status="done",
                done_on=self.today,
                done_by=self.actor,
                note=optional_text(note, "note", item.note),
                evidence=optional_text(evidence, "evidence", item.evidence),
            )
            messages.append(f"item {item.id} done: {self._title(item)}")
        return messages

    def reopen(self, item_ids: Iterable[int], note: str | None) -> list[str]:
        messages = []
        for item in self._items(item_ids):
            if item.status == "open":
                messages.append(f"item {item.id} is already open; nothing changed")
                continue
            self._change(
                item,
                "item.reopened",
                "reopened",
                status="open",
                done_on=None,
                done_by=None,
                note=optional_text(note, "note", item.note),
            )
            messages.append(f"item {item.id} reopened: {self._title(item)}")
        return messages

    def annotate(
        self, item_ids: Iterable[int], note: str | None, evidence: str | None
    ) -> list[str]:
        """Add or replace the note or evidence of steps, whatever their status."""
        if note is None and evidence is None:
            raise TransitionError("give --note or --evidence (or both) to record")
        messages = []
        for item in self._items(item_ids):
            values = {
                "note": optional_text(note, "note", item.note),
                "evidence": optional_text(evidence, "evidence", item.evidence),
            }
            if values == {"note": item.note, "evidence": item.evidence}:
                messages.append(f"item {item.id} already says that; nothing changed")
                continue
            self._change(item, "item.annotated", "annotated", **values)
            messages.append(f"item {item.id} annotated: {self._title(item)}")
        return messages

    def _items(self, item_ids: Iterable[int]) -> list[ChecklistItem]:
        """The items, each checked to exist and apply, before anything changes."""
        items = [self.item(i) for i in dict.fromkeys(item_ids)]
        for item in items:
            self._check_applies(item)
        return items

    def waive(self, item_id: int, reason: str) -> str:
        item = self.item(item_id)
        self._check_applies(item)
        reason = clean_text(reason, "reason")
        if item.status == "waived":
            return f"item {item.id} is already waived ({item.note}); nothing changed"
        self._change(
            item,
            "item.waived",
            "waived",
            status="waived",
            done_on=self.today,
            done_by=self.actor,
            note=reason,
        )
        return f"item {item.id} waived: {self._title(item)}"

    def _check_applies(self, item: ChecklistItem) -> None:
        if item.superseded_at is not None:
            raise TransitionError(
                f"item {item.id} no longer applies (superseded); nothing was changed"
            )

    def _change(self, item: ChecklistItem, action: str, verb: str, **values: Any) -> None:
        before = _fields(item, *values)
        for name, value in values.items():
            setattr(item, name, value)
        after = _fields(item, *values)
        candidacy = self.session.get(Candidacy, item.candidacy_id)
        member = self.session.get(Member, candidacy.member_id)
        self._record(
            action,
            f"item {item.id}",
            f"{verb} {item.step_id}{self._on_account(item)} for {member.name}",
            member,
            {k: v for k, v in before.items() if after[k] != v},
            {k: v for k, v in after.items() if before[k] != v},
        )

    def _title(self, item: ChecklistItem) -> str:
        candidacy = self.session.get(Candidacy, item.candidacy_id)
        election = self.session.get(Election, candidacy.election_id)
        return self.profile(election).step(item.step_id).title + self._on_account(item)

    def _on_account(self, item: ChecklistItem) -> str:
        if item.account_id is None:
            return ""
        account = self.session.get(Account, item.account_id)
        return f" ({account.platform} {account.handle})"

    # -- keeping checklists in step with their anchors ---------------------

    def plan(self, candidacy: Candidacy) -> planner.Plan:
        """What the planner says the candidacy owes, from what is recorded now."""
        election = self.session.get(Election, candidacy.election_id)
        member = self.session.get(Member, candidacy.member_id)
        return planner.plan(
            self.calendar(election),
            planner.Member(
                name=member.name,
                running=candidacy.running,  # type: ignore[arg-type]
                option=OPTIONS.get(candidacy.option or ""),
                filing_date=candidacy.filing_date,
                accounts=tuple(planner_account(a) for a in self.accounts_of(member)),
                office=member.office,
            ),
            self.profile(election),
        )

    def sync(self, candidacy: Candidacy) -> None:
        """Make the candidacy's items match what the planner says is due now."""
        member = self.session.get(Member, candidacy.member_id)
        result = self.plan(candidacy)
        query = select(ChecklistItem).where(ChecklistItem.candidacy_id == candidacy.id)
        existing = {(i.step_id, i.account_id): i for i in self.session.exec(query).all()}
        planned_keys = set()
        for planned in result.steps:
            key = (planned.step.id, planned.account.key if planned.account else None)
            planned_keys.add(key)
            item = existing.get(key)
            if item is None:
                item = ChecklistItem(
                    candidacy_id=candidacy.id,
                    step_id=key[0],
                    account_id=key[1],
                    due=planned.due,
                    latest=planned.latest,
                )
                self.session.add(item)
                self.session.flush()
                self._item_event(item, member, "item.added", "added", after=_dates(item))
                continue
            if item.superseded_at is not None:
                item.superseded_at = None
                self._item_event(item, member, "item.restored", "applies again")
            if item.status == "open" and (item.due, item.latest) != (planned.due, planned.latest):
                before = _dates(item)
                item.due, item.latest = planned.due, planned.latest
                moved = f"moved from {_due_text(before)} to {_due_text(_dates(item))}"
                self._item_event(item, member, "item.moved", moved, before, _dates(item))
        for key, item in existing.items():
            if key not in planned_keys and item.superseded_at is None:
                item.superseded_at = _now()
                self._item_event(item, member, "item.superseded", "no longer applies")
        self.session.flush()

    def _item_event(
        self,
        item: ChecklistItem,
        member: Member,
        action: str,
        verb: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        subject = f"{item.step_id}{self._on_account(item)}"
        self._record(
            action, f"item {item.id}", f"{subject} for {member.name}: {verb}", member, before, after
        )

    # -- the audit trail --------------------------------------------------

    def _record(
        self,
        action: str,
        subject: str,
        summary: str,
        member: Member | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            Event(
                at=_now(),
                actor=self.actor,
                action=action,
                member_id=member.id if member else None,
                subject=subject,
                summary=summary,
                before=_json(before),
                after=_json(after),
            )
        )

    def _find(self, model: Any, name: str) -> Any:
        """The row of exactly this name, in any case: by the index (which folds
        ASCII case), else by Python's full case folding."""
        found = self.session.exec(select(model).where(model.name == name)).first()
        if found is not None or name.isascii():
            return found
        wanted = name.casefold()
        rows = self.session.exec(select(model)).all()
        return next((row for row in rows if row.name.casefold() == wanted), None)

    def _candidacies(self, election: Election) -> Sequence[Candidacy]:
        query = select(Candidacy).where(Candidacy.election_id == election.id)
        return self.session.exec(query).all()


def planner_account(account: Account) -> planner.Account:
    return planner.Account(
        platform=account.platform,
        handle=account.handle,
        role=account.role,  # type: ignore[arg-type]
        email=account.email,
        phone=account.phone,
        identifies_member=account.identifies_member,
        publicised=account.publicised,
        uses_logo=account.uses_logo,
        city_resources=account.city_resources,
        key=account.id,
    )


def _fields(row: Any, *names: str) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in names}


def _dates(item: ChecklistItem) -> dict[str, Any]:
    return _fields(item, "due", "latest")


def _due_text(dates: dict[str, Any]) -> str:
    return dates["due"] or f"on filing (by {dates['latest']})"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


def _now() -> datetime:
    return datetime.now(UTC)
