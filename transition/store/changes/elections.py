"""Changing elections: adding a regular one or a by-election, moving a
by-election's dates, recording dates the law changed for one office, and
the clerk's address. Every member's checklist follows the dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from transition.core import calendar, periods
from transition.core.rules import Profile, read_profile
from transition.errors import TransitionError
from transition.store.changes.base import ChangesBase
from transition.store.errors import WrongKindOfElection
from transition.store.models import (
    Election,
    Member,
    OfficeOverride,
    key,
)
from transition.store.trail.events import Action, Subject
from transition.store.trail.journal import fields, now
from transition.store.values import (
    OFFICES,
    choice,
    clean_address,
    clean_text,
    normal_name,
)


class ElectionChanges(ChangesBase):
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
        self.find.closures(profile).check_known(year, str(path) if path else profile.id)
        return text, profile

    def _add_election(
        self, name: str, kind: str, dates: calendar.Election, text: str, profile: Profile
    ) -> Election:
        if self.find.named(Election, name):
            raise TransitionError(f"there is already an election named {name!r}")
        periods.check(profile.periods, dates)
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
            raise WrongKindOfElection(election.name, "regular")
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
        dates = self.find.calendar(election)  # validates them too
        periods.check(self.find.profile(election).periods, dates)
        self.tracker.warnings.extend(dates.pattern_warnings())
        self.journal.record(
            Action.ELECTION_DATES,
            Subject("election", election.id),
            f"changed the dates of {election.name}",
            before=before,
            after=after,
        )
        for candidacy in self.find.candidacies(election):
            self.checklists.sync(candidacy)

    def set_clerk_email(self, election: Election, address: str | None) -> None:
        """Where the clerk hears of the election's steps overdue (None: nowhere)."""
        self.tracker.access.check_clerk("change elections")
        before = fields(election, "clerk_email")
        election.clerk_email = (
            clean_address(address, "clerk's address") if address is not None else None
        )
        after = fields(election, "clerk_email")
        if before != after:
            said = election.clerk_email or "none"
            self.journal.record(
                Action.ELECTION_CLERK,
                Subject("election", election.id),
                f"the clerk's address for {election.name}: {said}",
                before=before,
                after=after,
            )

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
        office = choice(office, OFFICES, "office")
        if election.kind != "regular":
            raise WrongKindOfElection(election.name, "by-election")
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
            source = clean_text(source, "source (the law or decision that changed the dates)")
            opening = opens or statutory.nomination_period_opens
            if not opening <= nomination_day < statutory.voting_day:
                raise TransitionError(
                    f"nomination day {nomination_day.isoformat()} must fall on or after the "
                    f"opening ({opening.isoformat()}) and before voting day "
                    f"({statutory.voting_day.isoformat()})"
                )
            override = existing or OfficeOverride(
                election_id=key(election),
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
        periods.check(self.find.profile(election).periods, self.find.calendar(election))
        self.journal.record(
            Action.ELECTION_OVERRIDE,
            Subject("election", election.id),
            what,
            before=before,
            after=after,
        )
        for candidacy in self.find.candidacies(election):
            member = self.session.get_one(Member, candidacy.member_id)
            if member.office != office:
                continue
            try:
                self.checklists.sync(candidacy)
            except TransitionError as error:
                raise TransitionError(f"{member.name}'s filing date: {error}") from None
        return what
