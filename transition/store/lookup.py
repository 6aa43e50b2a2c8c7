"""Finding things on the record: elections, members, accounts, items, and
what the law and the profile make of them. Reads only: nothing here adds,
changes or deletes a row.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlmodel import col, select

from transition.core import calendar, planner
from transition.core.calendar import Election as ElectionDates
from transition.core.closures import ClosureCalendar
from transition.core.rules import Profile, load_profile, parse_profile
from transition.core.terms import Option, Role, Running
from transition.store.backends import backend_of
from transition.store.errors import NoElection, NotFound, Refused, Remedy
from transition.store.models import (
    Account,
    Candidacy,
    ChecklistItem,
    Election,
    Member,
    OfficeOverride,
    key,
    new_row,
)
from transition.store.values import match_name

if TYPE_CHECKING:
    from transition.store.tracker import Tracker

R = TypeVar("R")


@dataclass
class Loaded:
    """The whole record, read once, indexed as the lookups of an import ask:
    members by name, each member's candidacies and accounts, each
    candidacy's items. The rows themselves are the session's (its identity
    map finds them by id); rows added since are in `pending` until written,
    since the session finds those by id only once they are."""

    members: dict[str, Member] = field(default_factory=dict)
    candidacies: dict[tuple[int, int], Candidacy] = field(default_factory=dict)
    accounts: defaultdict[int, list[Account]] = field(default_factory=lambda: defaultdict(list))
    items: defaultdict[int, list[ChecklistItem]] = field(default_factory=lambda: defaultdict(list))
    pending: dict[tuple[type, int], Any] = field(default_factory=dict)

    def add(self, row: Any, new: bool = False) -> None:
        if new:
            self.pending[type(row), row.id] = row
        if isinstance(row, Member):
            self.members[name_key(row.name)] = row
        elif isinstance(row, Candidacy):
            self.candidacies[row.member_id, row.election_id] = row
        elif isinstance(row, Account):
            self.accounts[row.member_id].append(row)
        elif isinstance(row, ChecklistItem):
            self.items[row.candidacy_id].append(row)


class Finder:
    """The reads every command shares, within the tracker's transaction."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.session = tracker.session
        self._profiles: dict[int, Profile] = {}
        self._calendars: dict[int, calendar.Election] = {}
        self._loaded: Loaded | None = None
        #: The rows found by id, kept for the transaction: the session's
        #: identity map holds rows only while someone does, and a row let go
        #: would be read again at its next `get` (a `done` read its
        #: candidacy three times).
        self._kept: dict[tuple[type, int], Any] = {}

    def load_everything(self) -> None:
        """Read every member, candidacy, account and item now, for work that
        touches most of them (an import): each lookup after this is a
        dictionary's, not a query, so the session need not flush the rows
        being added until the work is done. Rows added later are `remember`ed."""
        loaded = Loaded()
        for model in (Member, Candidacy, Account, ChecklistItem):
            for row in self.session.exec(select(model).order_by(col(model.id))).all():
                loaded.add(row)
        self._elections = self.elections()
        self._loaded = loaded

    def remember(self, row: Any) -> None:
        """A row just added, for the lookups of `load_everything`."""
        if self._loaded is not None:
            self._loaded.add(row, new=True)

    def written(self) -> None:
        """The session wrote the rows added: its identity map has them now."""
        if self._loaded is not None:
            self._loaded.pending.clear()

    def get(self, model: Any, row_id: int) -> Any:
        """The row of this id: one added but not yet written, else the
        session's (from its identity map where it holds the row)."""
        if self._loaded is not None and (model, row_id) in self._loaded.pending:
            return self._loaded.pending[model, row_id]
        return self._keep(row_id, self.session.get(model, row_id))

    def _keep(self, row_id: int, row: R) -> R:
        if row is not None:
            self._kept[type(row), row_id] = row
        return row

    def election(self, name: str | None = None) -> Election:
        """`name`, else the only election, else the next one on or after today."""
        elections = self.session.exec(select(Election).order_by(col(Election.id))).all()
        if name is not None:
            return match_name(name, elections, "election")
        if not elections:
            raise NoElection(any_at_all=False)
        if len(elections) == 1:
            return elections[0]
        today = self.tracker.today
        upcoming = [e for e in elections if self.calendar(e).voting_day >= today]
        if not upcoming:
            raise NoElection(any_at_all=True)
        return min(upcoming, key=lambda e: self.calendar(e).voting_day)

    def elections(self) -> Sequence[Election]:
        if self._loaded is not None:
            return self._elections
        return self.session.exec(select(Election).order_by(col(Election.id))).all()

    def member(self, name: str) -> Member:
        """The member of this name (any case), else of a unique part of it; one
        the signed-in user may see the record of."""
        found = self.named(Member, name) or match_name(name, self.members_by_name(), "member")
        access = self.tracker.access
        if not access.reads_all and found.id not in access.members:
            access.check_member(key(found), found.name, "record")
        return found

    def members_by_name(self) -> Sequence[Member]:
        return self.session.exec(select(Member).order_by(col(Member.name))).all()

    def members(self) -> Sequence[Member]:
        return self.session.exec(select(Member)).all()

    def named(self, model: Any, name: str) -> Any:
        """The row of exactly this name, in any case, once both are normalised
        (`validate.normal_name`): by the index (which folds ASCII case), else
        by Python's full case folding."""
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if model is Member and self._loaded is not None:
            return self._loaded.members.get(name_key(name))
        found = self.session.exec(select(model).where(model.name == name)).first()
        if found is not None or name.isascii():
            return found
        wanted = name.casefold()
        rows = self.session.exec(select(model)).all()
        return next((row for row in rows if row.name.casefold() == wanted), None)

    def item(self, item_id: int) -> ChecklistItem:
        item = self._keep(item_id, self.session.get(ChecklistItem, item_id))
        if item is None:
            self._refuse_unseen_item(item_id)
            raise NotFound("checklist item", item_id)
        return item

    def _refuse_unseen_item(self, item_id: int) -> None:
        """Office staff do not see other members' items; say whose it is."""
        access = self.tracker.access
        if access.reads_all:
            return
        connection = self.session.connection()
        whose = backend_of(connection).item_owner(connection, item_id)
        if whose is not None:
            access.check_member(-1, whose)

    def member_of(self, item: ChecklistItem) -> Member:
        candidacy = self.get(Candidacy, item.candidacy_id)
        member: Member = self.get(Member, candidacy.member_id)
        return member

    def account(self, account_id: int) -> Account:
        account = self._keep(account_id, self.session.get(Account, account_id))
        if account is None:
            raise NotFound("account", account_id)
        return account

    def accounts_of(self, member: Member) -> Sequence[Account]:
        if self._loaded is not None:
            return self._loaded.accounts[key(member)]
        query = select(Account).where(Account.member_id == member.id).order_by(col(Account.id))
        return self.session.exec(query).all()

    def candidacy(self, member: Member, election: Election) -> Candidacy:
        """The member's candidacy in the election. Every member has one in every
        election (they are made together); a database edited by hand may lack
        it, and then an undecided one is shown without being written."""
        if self._loaded is not None:
            found = self._loaded.candidacies.get((key(member), key(election)))
            return found or new_row(Candidacy, member_id=member.id, election_id=election.id)
        query = select(Candidacy).where(
            Candidacy.member_id == member.id, Candidacy.election_id == election.id
        )
        found = self.session.exec(query).first()
        return found or new_row(Candidacy, member_id=member.id, election_id=election.id)

    def candidacies(self, election: Election) -> Sequence[Candidacy]:
        query = select(Candidacy).where(Candidacy.election_id == election.id)
        return self.session.exec(query).all()

    def candidacies_of(self, member: Member) -> Sequence[Candidacy]:
        if self._loaded is not None:
            found = (self._loaded.candidacies.get((key(member), key(e))) for e in self._elections)
            return [candidacy for candidacy in found if candidacy is not None]
        query = select(Candidacy).where(Candidacy.member_id == member.id)
        return self.session.exec(query.order_by(col(Candidacy.id))).all()

    def items_of(self, candidacy: Candidacy) -> Sequence[ChecklistItem]:
        if self._loaded is not None:
            return self._loaded.items[key(candidacy)]
        query = select(ChecklistItem).where(ChecklistItem.candidacy_id == candidacy.id)
        return self.session.exec(query.order_by(col(ChecklistItem.id))).all()

    def calendar(self, election: Election) -> ElectionDates:
        """The election's dates, with its profile's closures and any office's override."""
        if election.id not in self._calendars:
            self._calendars[key(election)] = self._dates(election)
        return self._calendars[key(election)]

    def forget_dates(self, election: Election) -> None:
        """The election's dates changed: compute them afresh when next asked."""
        self._calendars.pop(key(election), None)

    def _dates(self, election: Election) -> ElectionDates:
        closures = self.closures(self.profile(election))
        if election.kind == "by-election":
            # A by-election row holds the clerk's three dates (the table's
            # CHECK says so on PostgreSQL, vetting on restore).
            assert election.opens and election.nomination_day and election.voting_day
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
        return ClosureCalendar(profile.closures, self.tracker.holidays)

    def profile(self, election: Election) -> Profile:
        """The rules the election is kept under: the profile stored with it."""
        if election.id not in self._profiles:
            try:
                data = tomllib.loads(election.profile_toml)
            except tomllib.TOMLDecodeError as error:
                raise Refused(
                    f"the rules stored with the {election.name} election are not TOML ({error}): "
                    "the record was changed outside transition",
                    Remedy.CHECK,
                ) from None
            self._profiles[key(election)] = parse_profile(data, f"the profile of {election.name}")
        return self._profiles[key(election)]

    def profile_for(self, election_name: str | None) -> Profile:
        """The chosen election's profile; the built-in one while there is no election."""
        if election_name is None and self.session.exec(select(Election)).first() is None:
            return load_profile()
        return self.profile(self.election(election_name))

    def plan(self, candidacy: Candidacy) -> planner.Plan:
        """What the planner says the candidacy owes, from what is recorded now."""
        election = self.get(Election, candidacy.election_id)
        member = self.get(Member, candidacy.member_id)
        return planner.plan(
            self.calendar(election),
            planner.Member(
                name=member.name,
                # The stored word, as is: one edited by hand is for `check` to name.
                running=cast(Running, candidacy.running),
                option=Option(candidacy.option) if candidacy.option else None,
                filing_date=candidacy.filing_date,
                accounts=tuple(planner_account(a) for a in self.accounts_of(member)),
                office=member.office,
            ),
            self.profile(election),
        )

    def step_title(self, item: ChecklistItem) -> str:
        """The item's step as people read it, with the account it is for."""
        candidacy = self.get(Candidacy, item.candidacy_id)
        election = self.get(Election, candidacy.election_id)
        return self.profile(election).step(item.step_id).title + self.on_account(item)

    def on_account(self, item: ChecklistItem) -> str:
        if item.account_id is None:
            return ""
        account = self.get(Account, item.account_id)
        return f" ({account.platform} {account.handle})"


def name_key(name: str) -> str:
    """Two names are the same member's once normalised and case-folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def planner_account(account: Account) -> planner.Account:
    return planner.Account(
        platform=account.platform,
        handle=account.handle,
        role=cast(Role, account.role),  # the stored word, as for running
        email=account.email,
        phone=account.phone,
        identifies_member=account.identifies_member,
        publicised=account.publicised,
        uses_logo=account.uses_logo,
        city_resources=account.city_resources,
        key=account.id,
    )
