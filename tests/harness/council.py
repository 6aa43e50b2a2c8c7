"""Test councils, built through the store's front door.

    council = Council(db, today=date(2030, 4, 1))
    council.add(Seat("Ann Lee", ward="3", running="yes", option="single", filing=date(2030, 5, 6)))
    rows = council.read(lambda tracker: status_rows(tracker, tracker.find.election(), False, None))

Each call is one transaction of the store (`transition.store.transact`), on
either database; what a test checks it reads back the same way. The command
line is not involved: its flows are tested in tests/cli.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from transition.store import Mode, Tracker, transact

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    platform: str = "X"
    handle: str = "account"
    role: str = "single"
    #: The City connections it has, as the store's fields spell them.
    connections: tuple[str, ...] = ("identifies_member",)


@dataclass(frozen=True)
class Seat:
    """A member of council, and what their office has recorded."""

    name: str
    ward: str | None = None
    office: str = "councillor"
    running: str | None = None
    option: str | None = None
    filing: date | None = None
    planned: bool = False
    accounts: tuple[Account, ...] = field(default_factory=tuple)


@dataclass
class Council:
    db: str
    today: date
    actor: str = "tester"
    year: int = 2030

    def read(self, work: Callable[[Tracker], T], today: date | None = None) -> T:
        return transact(self.db, work, today=today or self.today, actor=self.actor)

    def write(self, work: Callable[[Tracker], T], today: date | None = None) -> T:
        return transact(self.db, work, today=today or self.today, actor=self.actor, mode=Mode.WRITE)

    def election(self, profile: Any = None) -> None:
        """The regular election of `year` (the built-in profile)."""
        self.write(lambda tracker: tracker.change.add_regular_election(self.year, profile))

    def add(self, *seats: Seat) -> None:
        """The seats, with their candidacies, filing dates and accounts, in
        one transaction (an election is added first if there is none)."""

        def work(tracker: Tracker) -> None:
            if not tracker.find.elections():
                tracker.change.add_regular_election(self.year, None)
            election = tracker.find.election()
            for seat in seats:
                self._seat(tracker, election, seat)

        self.write(work)

    def _seat(self, tracker: Tracker, election: Any, seat: Seat) -> None:
        member = tracker.change.add_member(seat.name, seat.ward, seat.office)
        for account in seat.accounts:
            tracker.change.add_account(
                member,
                platform=account.platform,
                handle=account.handle,
                role=account.role,
                **{flag: True for flag in account.connections},
            )
        if seat.running or seat.option:
            tracker.change.set_candidacy(member, election, seat.running, seat.option)
        if seat.filing:  # a filing still to come is planned, whatever the seat says
            actual = not seat.planned and seat.filing <= tracker.today
            tracker.change.set_filing(member, election, seat.filing, actual=actual)

    def mark(self, done: Iterable[int] = (), waived: Iterable[int] = (), on: date | None = None):
        """Mark items done (as of `on`) and waive others, in one transaction."""

        done_ids, waived_ids = list(done), list(waived)

        def work(tracker: Tracker) -> None:
            if done_ids:
                tracker.mark.done(done_ids, note=None, evidence=None)
            for item in waived_ids:
                tracker.mark.waive(item, "not needed")

        self.write(work, today=on)
