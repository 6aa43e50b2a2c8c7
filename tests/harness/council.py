"""Test councils, built through the store's front door.

    council = Council(db, today=date(2030, 4, 1))
    council.add(Seat("Ann Lee", ward="3", running="yes", option="single", filing=date(2030, 5, 6)))
    rows = council.read(lambda tracker: status_rows(tracker, tracker.find.election(), False, None))

Each call is one transaction of the store (`transition.store.open_record`),
on either database; what a test checks it reads back the same way, and what
the transaction warned of is in `council.warnings`. The command line is not
involved: its flows are tested in tests/cli.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from transition.store import Mode, Tracker, open_record

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    platform: str = "X"
    handle: str = "account"
    role: str = "single"
    #: The City connections it has, as the store's fields spell them.
    connections: tuple[str, ...] = ("identifies_member",)
    #: The registration email (a City address is a connection of its own).
    email: str | None = None


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


#: Jane Doe (ward 7), running on one X account registered with her City
#: email: six steps, items 1 to 6 of a new record (the tests' usual council).
JANE = Seat(
    "Jane Doe",
    ward="7",
    running="yes",
    option="single",
    accounts=(Account(handle="@CllrDoe", connections=(), email="jane.doe@toronto.ca"),),
)


@dataclass
class Council:
    db: str
    today: date
    actor: str = "tester"
    year: int = 2030
    #: What the last transaction warned of, though it was done.
    warnings: list[str] = field(default_factory=list, init=False)

    def read(
        self, work: Callable[[Tracker], T], today: date | None = None, actor: str | None = None
    ) -> T:
        return self._transaction(work, Mode.READ, today, actor)

    def write(
        self, work: Callable[[Tracker], T], today: date | None = None, actor: str | None = None
    ) -> T:
        return self._transaction(work, Mode.WRITE, today, actor)

    def inspect(self, work: Callable[[Tracker], T]) -> T:
        """Read a record that may lack some of its parts, as `transition check` does."""
        return self._transaction(work, Mode.INSPECT, None, None)

    def _transaction(
        self, work: Callable[[Tracker], T], mode: Mode, today: date | None, actor: str | None
    ) -> T:
        day, who = today or self.today, actor or self.actor
        with open_record(self.db, today=day, actor=who, mode=mode) as record:
            result = record.transaction(work)
        self.warnings = record.warnings
        return result

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
                email=account.email,
                **{flag: True for flag in account.connections},
            )
        if seat.running or seat.option:
            tracker.change.set_candidacy(member, election, seat.running, seat.option)
        if seat.filing:  # a filing still to come is planned, whatever the seat says
            actual = not seat.planned and seat.filing <= tracker.today
            tracker.change.set_filing(member, election, seat.filing, actual=actual)

    def mark(
        self, done: Iterable[int] = (), waived: Iterable[int] = (), on: date | None = None
    ) -> None:
        """Mark items done (as of `on`) and waive others, in one transaction."""

        done_ids, waived_ids = list(done), list(waived)

        def work(tracker: Tracker) -> None:
            if done_ids:
                tracker.mark.done(done_ids, note=None, evidence=None)
            for item in waived_ids:
                tracker.mark.waive(item, "not needed")

        self.write(work, today=on)

    def items(self, name: str | None = None) -> list[int]:
        """The current items' ids (of one member, if named), as `checklist` lists them."""
        from transition.store.listings import checklist_rows

        def work(tracker: Tracker) -> list[int]:
            member = tracker.find.member(name) if name else None
            return [row["id"] for row in checklist_rows(tracker, tracker.find.election(), member)]

        return self.read(work)
