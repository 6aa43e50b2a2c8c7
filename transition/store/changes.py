"""Changing the record: one method per user action, each on the record.

Elections, members, candidacies and accounts change here, inside the
caller's transaction. Every change writes its event to the journal, and
every change that could move a due date re-plans the checklists it touches.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from transition.core import calendar
from transition.core.rules import Profile, read_profile
from transition.errors import TransitionError
from transition.store.models import (
    Account,
    Candidacy,
    Election,
    Member,
    OfficeOverride,
    new_row,
)
from transition.store.trail.events import Action, Subject
from transition.store.trail.journal import changed, fields, now
from transition.store.values import (
    ACCOUNT_TEXT,
    CONNECTION_FIELDS,
    OFFICES,
    RUNNING,
    account_fields,
    check_seat,
    choice,
    clean_text,
    clean_ward,
    normal_name,
)

if TYPE_CHECKING:
    from transition.store.tracker import Tracker

OPTIONS = ("separate", "single")


class Changes:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.session = tracker.session
        self.find = tracker.find
        self.journal = tracker.journal
        self.checklists = tracker.checklists

    def _candidacy(self, member: Member, election: Election) -> Candidacy:
        """The candidacy to change, made now if a hand-edited database lacks it."""
        candidacy = self.find.candidacy(member, election)
        if candidacy.id is None:
            self.tracker.keep(candidacy)
        return candidacy

    def add_regular_election(self, year: int, profile_path: Path | None) -> Election:
        self.tracker.access.check_clerk("add elections")
        profile_text, profile = self._read_profile(profile_path, year)
        dates = calendar.regular_election(year, self.find.closures(profile))
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
        self.tracker.access.check_clerk("add elections")
        name = normal_name(name, "by-election name")
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
            closures=self.find.closures(profile),
            bylaw_date=bylaw_date,
        )
        self.tracker.warnings.extend(dates.pattern_warnings())
        return self._add_election(name, "by-election", dates, profile_text, profile)

    def _read_profile(self, path: Path | None, year: int) -> tuple[str, Profile]:
        """The profile's text and rules, refused if its closures name a holiday
        the `holidays` package does not know (a misspelt name closes nothing)."""
        text, profile = read_profile(path)
        # A year the holidays package covers: names do not change with the year.
        unknown = self.find.closures(profile).unknown_names(min(max(year, 2000), 2100))
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
        if self.find.named(Election, name):
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
            created_at=now(),
        )
        self.session.add(election)
        self.session.flush()
        self.journal.record(
            Action.ELECTION_ADDED, Subject("election", election.id), f"added the {dates.name}"
        )
        for member in self.find.members():
            self.checklists.sync(self.find.candidacy(member, election))
        return election

    def set_by_election_dates(
        self,
        election: Election,
        opens: date | None,
        nomination_day: date | None,
        voting_day: date | None,
        bylaw_date: date | None = None,
    ) -> None:
        self.tracker.access.check_clerk("change elections")
        if election.kind != "by-election":
            raise TransitionError(
                f"the {election.name} election is a regular election; its dates follow the law "
                "(where the law changed them for one office, give --office and --source)"
            )
        dated = ("opens", "nomination_day", "voting_day", "bylaw_date")
        before = fields(election, *dated)
        election.opens = opens or election.opens
        election.nomination_day = nomination_day or election.nomination_day
        election.voting_day = voting_day or election.voting_day
        election.bylaw_date = bylaw_date or election.bylaw_date
        after = fields(election, *dated)
        if before == after:
            return
        self.find.forget_dates(election)
        self.tracker.warnings.extend(
            self.find.calendar(election).pattern_warnings()
        )  # validates them too
        self.journal.record(
            Action.ELECTION_DATES,
            Subject("election", election.id),
            f"changed the dates of {election.name}",
            before=before,
            after=after,
        )
        for candidacy in self.find.candidacies(election):
            self.checklists.sync(candidacy)

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
        self.tracker.access.check_clerk("change elections")
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
        before = fields(existing, "opens", "nomination_day", "source") if existing else None
        statutory = calendar.regular_election(election.year, self.find.calendar(election).closures)
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
                created_at=now(),
            )
            override.opens, override.nomination_day, override.source = opens, nomination_day, source
            self.session.add(override)
            after = fields(override, "opens", "nomination_day", "source")
            if after == before:
                return f"the {office}'s dates in {election.name} already say that; nothing changed"
            what = (
                f"the {office}'s nomination day in {election.name} is "
                f"{nomination_day.isoformat()} (statutory: "
                f"{statutory.nomination_day.isoformat()}), by {source}"
            )
        self.session.flush()
        self.find.forget_dates(election)
        self.journal.record(
            Action.ELECTION_OVERRIDE,
            Subject("election", election.id),
            what,
            before=before,
            after=after,
        )
        for candidacy in self.find.candidacies(election):
            member = self.session.get(Member, candidacy.member_id)
            if member.office != office:
                continue
            try:
                self.checklists.sync(candidacy)
            except TransitionError as error:
                raise TransitionError(f"{member.name}'s filing date: {error}") from None
        return what

    # -- members and candidacies -----------------------------------------

    def add_member(self, name: str, ward: str | None, office: str) -> Member:
        self.tracker.access.check_clerk("add members")
        name = normal_name(name, "member name")
        if self.find.named(Member, name):
            raise TransitionError(f"there is already a member named {name!r}")
        office = choice(office, OFFICES, "office")
        ward = clean_ward(ward) if ward is not None else None
        check_seat(office, ward)
        member = new_row(Member, name=name, ward=ward, office=office, created_at=now())
        self.tracker.keep(member)
        where = f"ward {ward}" if ward else office
        self.journal.record(
            Action.MEMBER_ADDED, Subject("member", member.id), f"added {name} ({where})", member
        )
        for election in self.find.elections():
            self.checklists.sync(self.find.candidacy(member, election))
        return member

    def update_member(self, member: Member, ward: str | None, office: str) -> Member:
        self.tracker.access.check_clerk("change members")
        office = choice(office, OFFICES, "office")
        ward = clean_ward(ward) if ward else None
        check_seat(office, ward)
        before = fields(member, "ward", "office")
        member.ward, member.office = ward, office
        after = fields(member, "ward", "office")
        if before != after:
            self.journal.record(
                Action.MEMBER_CHANGED,
                Subject("member", member.id),
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
        self.tracker.access.check_member(member.id, member.name, "candidacy")
        candidacy = self._candidacy(member, election)
        before = fields(candidacy, "running", "option")
        if running is not None:
            candidacy.running = choice(running, RUNNING, "--running")
        if option is not None:
            candidacy.option = choice(option, OPTIONS, "--option")
        after = fields(candidacy, "running", "option")
        if before != after:
            changes = ", ".join(f"{k} {v}" for k, v in after.items() if before[k] != v)
            self.journal.record(
                Action.CANDIDACY_SET,
                Subject("member", member.id),
                f"{member.name} in {election.name}: {changes}",
                member,
                before,
                after,
            )
            self.checklists.sync(candidacy)
        return candidacy

    def set_filing(
        self, member: Member, election: Election, filing_date: date | None, actual: bool
    ) -> Candidacy:
        self.tracker.access.check_member(member.id, member.name, "filing date")
        candidacy = self._candidacy(member, election)
        if filing_date is not None:
            closed = (
                self.find.calendar(election)
                .for_office(member.office)
                .check_filing_date(filing_date)
            )
            if closed:
                self.tracker.warnings.append(f"{member.name}'s filing date {closed}")
            if actual and filing_date > self.tracker.today:
                raise TransitionError(
                    f"{filing_date.isoformat()} is after today ({self.tracker.today.isoformat()}); "
                    "record a filing still to come as planned"
                )
        before = fields(candidacy, "filing_date", "filing_actual")
        candidacy.filing_date = filing_date
        candidacy.filing_actual = actual and filing_date is not None
        after = fields(candidacy, "filing_date", "filing_actual")
        if before != after:
            if filing_date is None:
                what = "cleared the filing date"
            else:
                kind = "files" if actual else "plans to file"
                what = f"{kind} on {filing_date.isoformat()}"
            self.journal.record(
                Action.CANDIDACY_FILING,
                Subject("member", member.id),
                f"{member.name} {what} ({election.name})",
                member,
                before,
                after,
            )
            self.checklists.sync(candidacy)
        return candidacy

    # -- accounts ---------------------------------------------------------

    def add_account(self, member: Member, **values: Any) -> Account:
        self.tracker.access.check_member(member.id, member.name, "accounts")
        account = new_row(Account, member_id=member.id, created_at=now(), **account_fields(values))
        for other in self.find.accounts_of(member):
            if (other.platform.casefold(), other.handle.casefold()) == (
                account.platform.casefold(),
                account.handle.casefold(),
            ):
                raise TransitionError(
                    f"{member.name} already has the {other.platform} account {other.handle} "
                    f"(account {other.id})"
                )
        self.tracker.keep(account)
        self.journal.record(
            Action.ACCOUNT_ADDED,
            Subject("account", account.id),
            f"added {account.platform} {account.handle} ({account.role}) for {member.name}",
            member,
            after=fields(account, "platform", "handle", "role", "email", *CONNECTION_FIELDS),
        )
        self.checklists.sync_member(member)
        return account

    def update_account(self, account: Account, **values: Any) -> Account:
        """Change the fields given (None leaves one as it is); steps follow."""
        owner = self.find.get(Member, account.member_id)
        self.tracker.access.check_member(owner.id, owner.name, "accounts")
        before = fields(account, *ACCOUNT_TEXT, *CONNECTION_FIELDS)
        given = {k: v for k, v in values.items() if v is not None}
        for name, value in account_fields({**before, **given}).items():
            setattr(account, name, value)
        after = fields(account, *ACCOUNT_TEXT, *CONNECTION_FIELDS)
        if before != after:
            member = owner
            self.journal.record(
                Action.ACCOUNT_CHANGED,
                Subject("account", account.id),
                f"changed {account.platform} {account.handle} of {member.name}",
                member,
                *changed(before, after),
            )
            self.checklists.sync_member(member)
        return account
