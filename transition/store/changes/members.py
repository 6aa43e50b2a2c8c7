"""Changing members and their candidacies: adding a member, their seat, their
office's addresses, whether they run and how, the day they file. Their
checklists follow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from transition.errors import TransitionError
from transition.store.changes.base import OPTIONS, ChangesBase
from transition.store.models import (
    Candidacy,
    Election,
    Member,
    key,
    new_row,
)
from transition.store.trail.events import Action, Subject
from transition.store.trail.journal import fields, now
from transition.store.values import (
    OFFICES,
    RUNNING,
    check_seat,
    choice,
    clean_addresses,
    clean_ward,
    normal_name,
)


class MemberChanges(ChangesBase):
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

    def set_emails(self, member: Member, emails: Sequence[str]) -> Member:
        """The office's contact addresses, all of them (none clears them):
        reminders of the member's steps go there unless a step has an owner."""
        self.tracker.access.check_clerk("change members")
        before = fields(member, "emails")
        member.emails = clean_addresses(emails, "office's address")
        after = fields(member, "emails")
        if before != after:
            said = member.emails or "none"
            self.journal.record(
                Action.MEMBER_CONTACTS,
                Subject("member", member.id),
                f"{member.name}'s addresses: {said}",
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
        self.tracker.access.check_member(key(member), member.name, "candidacy")
        candidacy = self._candidacy(member, election)
        before = fields(candidacy, "running", "option")
        if running is not None:
            candidacy.running = choice(running, RUNNING, "running")
        if option is not None:
            candidacy.option = choice(option, OPTIONS, "option")
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
        self.tracker.access.check_member(key(member), member.name, "filing date")
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
