"""The store as a library: opened through `transition.store.open_record`,
on a SQLite file and on a PostgreSQL database, with no command line."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date, timedelta

import pytest
from conftest import STORES, postgres_database
from harness import PrintedInsideTransaction, invoke_transition
from harness.council import Account, Council, Seat
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import select

import transition.store
from transition.core.terms import due_order, is_overdue
from transition.errors import TransitionError
from transition.store import Mode, StoreError, open_record, transact
from transition.store.backends.access import Access
from transition.store.errors import (
    Ambiguous,
    ClerkOnly,
    Conflict,
    NoElection,
    NotFound,
    ReadOnly,
)
from transition.store.listings import status_rows
from transition.store.models import Candidacy, ChecklistItem, Member

pytestmark = pytest.mark.usefixtures("store")

TODAY = date(2030, 4, 1)


@pytest.fixture
def council(store, monkeypatch) -> Council:
    import os

    return Council(os.environ["TRANSITION_DB"], today=TODAY)


def names(council: Council) -> list[str]:
    return council.read(lambda tracker: [m.name for m in tracker.find.members_by_name()])


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_front_door_costs_nothing_until_a_record_is_opened():
    import subprocess
    import sys

    probe = (
        "import sys, transition.store as s; "
        "print('sqlalchemy' in sys.modules, all(getattr(s, n) for n in s.__all__))"
    )
    said = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert said.stdout.split() == ["False", "True"]
    assert transition.store.open_record is open_record
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        transition.store.nothing  # noqa: B018


def test_a_transaction_commits_what_its_work_returns(council):
    council.add(Seat("Ann Lee", ward="3"))
    assert names(council) == ["Ann Lee"]


def test_work_that_raises_leaves_the_record_as_it_was(council):
    council.add(Seat("Ann Lee", ward="3"))

    def half_done(tracker):
        tracker.change.add_member("Bob Roe", "4", "councillor")
        tracker.find.member("nobody")

    with pytest.raises(NotFound) as refused:
        council.write(half_done)
    assert (refused.value.kind, refused.value.wanted) == ("member", "nobody")
    assert names(council) == ["Ann Lee"]


def test_one_record_runs_several_transactions(council):
    council.election()
    with open_record(council.db, today=TODAY, actor="tester", mode=Mode.WRITE) as record:
        record.transaction(lambda tracker: tracker.change.add_member("Ann Lee", "3", "councillor"))
        record.transaction(lambda tracker: tracker.change.add_member("Bob Roe", "4", "councillor"))
        seen = record.transaction(lambda tracker: len(tracker.find.members()))
    assert seen == 2


def test_a_record_opened_for_reading_changes_nothing(council):
    council.add(Seat("Ann Lee", ward="3"))
    with pytest.raises(ReadOnly):
        council.read(lambda tracker: tracker.change.add_member("Bob Roe", "4", "councillor"))

    def by_hand(tracker):  # around the tracker: the database itself refuses
        tracker.session.connection().exec_driver_sql("DELETE FROM candidacy")

    with pytest.raises(TransitionError):
        council.read(by_hand)
    assert names(council) == ["Ann Lee"]
    assert council.read(lambda tracker: len(tracker.find.candidacies(tracker.find.election())))


def test_refusals_carry_what_they_are_about(council):
    council.add(Seat("Ann Lee", ward="3"), Seat("Anne Lees", ward="4"), Seat("Bob Roe", ward="5"))
    with pytest.raises(NotFound) as missing:
        council.read(lambda tracker: tracker.find.member("Bob Row"))
    assert missing.value.close == ("Bob Roe",)
    with pytest.raises(Ambiguous) as several:
        council.read(lambda tracker: tracker.find.member("ann"))
    assert (several.value.count, several.value.matches) == (2, ("Ann Lee", "Anne Lees"))
    with pytest.raises(NotFound) as item:
        council.read(lambda tracker: tracker.find.item(99999))
    assert (item.value.kind, item.value.wanted, item.value.close) == ("checklist item", 99999, ())


def test_no_election_says_whether_there_is_any(council):
    with pytest.raises(NoElection) as none:
        council.read(lambda tracker: tracker.find.election())
    assert none.value.any_at_all is False
    council.election()
    council.write(lambda tracker: tracker.change.add_regular_election(2034, None))
    with pytest.raises(NoElection) as over:
        council.read(lambda tracker: tracker.find.election(), today=date(2035, 1, 1))
    assert over.value.any_at_all is True


def test_only_the_clerk_may_is_data_too():
    office = Access(user="ward7", kinds=frozenset({"office"}), members={7: "Ann Lee"})
    with pytest.raises(ClerkOnly) as refused:
        office.check_clerk("add members")
    assert (refused.value.what, refused.value.served, refused.value.auditor) == (
        "add members",
        ("Ann Lee",),
        False,
    )
    assert "you may change only Ann Lee's record" in str(refused.value)


@pytest.mark.parametrize("refusal", [NotFound("member", "bob", ["bib"]), Conflict(8)])
def test_a_refusal_crosses_processes_with_its_data(refusal):
    import pickle

    again = pickle.loads(pickle.dumps(refusal))
    assert type(again) is type(refusal) and str(again) == str(refusal)
    assert again.__dict__ == refusal.__dict__ and isinstance(again, StoreError)


def _serialization_failure(tracker):
    tracker.session.connection().exec_driver_sql(
        "DO $$ BEGIN RAISE EXCEPTION 'undone' USING ERRCODE = 'serialization_failure'; END $$"
    )


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_a_transaction_the_server_undid_runs_again_not_the_command(council):
    council.election()
    runs = []

    def once_undone(tracker):
        runs.append(tracker)
        tracker.change.add_member(f"Try {len(runs)}", str(len(runs)), "councillor")
        if len(runs) == 1:
            _serialization_failure(tracker)
        return len(runs)

    assert council.write(once_undone) == 2
    assert runs[0] is not runs[1]  # a fresh tracker each time
    assert names(council) == ["Try 2"]


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_a_transaction_undone_every_time_is_one_conflict_and_changes_nothing(council):
    council.election()
    runs = []

    def always_undone(tracker):
        runs.append(1)
        tracker.change.add_member("Ann Lee", "3", "councillor")
        _serialization_failure(tracker)

    with pytest.raises(Conflict) as conflict:
        council.write(always_undone)
    assert conflict.value.attempts == len(runs) == 8
    assert names(council) == []


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_command_that_prints_inside_its_transaction_is_caught(council, monkeypatch):
    """The guard every in-process command test runs under (`harness.HeldBack`)."""
    from transition.cli import options

    council.election()

    def chatty(tracker):
        print("working on it")  # what no command may do: this work may run again

    real = options.on_record
    monkeypatch.setattr(
        "transition.cli.records.on_record", lambda db, today, work, **kw: real(db, today, chatty)
    )
    with pytest.raises(PrintedInsideTransaction):
        invoke_transition("election", "list")
    with redirect_stdout(io.StringIO()):  # outside the harness, nothing stops it
        transact(council.db, chatty, today=TODAY, actor="tester")


# -- the status counts follow the core's rule on both databases -----------------

SEATS = st.lists(
    st.builds(
        lambda ward, running, option, filing, planned, accounts: Seat(
            f"Member {ward}",
            ward=str(ward),
            running=running,
            option=option,
            filing=filing,
            planned=planned,
            accounts=tuple(
                Account(handle=f"m{ward}a{n}", role=role, connections=connections)
                for n, (role, connections) in enumerate(accounts)
            ),
        ),
        ward=st.integers(1, 25),
        running=st.sampled_from(["yes", "yes", "yes", "no", "undecided", None]),
        option=st.sampled_from(["single", "separate", "separate", None]),
        filing=st.none()
        | st.dates(date(2030, 5, 1), date(2030, 8, 16)).filter(lambda day: day.weekday() < 5),
        planned=st.booleans(),
        accounts=st.lists(
            st.tuples(
                st.sampled_from(["single", "council", "campaign"]),
                st.sets(
                    st.sampled_from(["identifies_member", "publicised", "uses_logo"]), min_size=1
                ).map(tuple),
            ),
            max_size=2,
        ),
    ),
    min_size=2,
    max_size=4,
    unique_by=lambda seat: seat.ward,
)


def expected_status(council: Council) -> dict[str, dict]:
    """Each member's counts, by the core's rule over the items as stored."""

    def work(tracker):
        found = {}
        session = tracker.session
        for candidacy in session.exec(select(Candidacy)).all():
            member = session.get(Member, candidacy.member_id)
            items = session.exec(
                select(ChecklistItem).where(
                    ChecklistItem.candidacy_id == candidacy.id,
                    ChecklistItem.superseded_at.is_(None),  # type: ignore[union-attr]
                )
            ).all()
            open_items = sorted(
                (i for i in items if i.status == "open"),
                key=lambda i: due_order(i.due, i.latest, i.id),
            )
            first = open_items[0] if open_items else None
            found[member.name] = {
                "done": sum(i.status == "done" for i in items),
                "open": len(open_items),
                "overdue": sum(is_overdue(i.status, i.latest, tracker.today) for i in items),
                "waived": sum(i.status == "waived" for i in items),
                "next_due": (first.due or first.latest).isoformat() if first else None,
                "next_step": first.step_id if first else None,
                "next_on_filing": first is not None and first.due is None,
            }
        return found

    return council.read(work)


@pytest.mark.parametrize("store", STORES, indirect=True)
@settings(
    max_examples=8,
    deadline=None,
    # Each example builds a database: shrinking one that fails would take minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seats=SEATS, marks=st.randoms(use_true_random=False), day=st.integers(0, 300))
def test_status_counts_are_the_cores_rule(store, request, tmp_path_factory, seats, marks, day):
    """Each example on a database of its own."""
    if store == "postgresql":
        db = postgres_database(request.getfixturevalue("postgres"))
    else:
        db = str(tmp_path_factory.mktemp("status") / "record.db")
    council = Council(db, today=date(2030, 3, 1) + timedelta(days=day))
    council.add(*seats)
    items = council.read(lambda tracker: tracker.session.exec(select(ChecklistItem)).all())
    done = [i.id for i in items if marks.random() < 0.3]
    waived = [i.id for i in items if i.id not in done and marks.random() < 0.1]
    council.mark(done, waived, on=date(2030, 4, 20))
    # Counted as of a day a step hangs on, or one either side: where the rule's edges are.
    still_open = [i for i in items if i.id not in done and i.id not in waived]
    if still_open:
        hung_on = marks.choice(still_open).latest
        council.today = hung_on + timedelta(days=marks.choice((-1, 0, 0, 1)))
    counted = council.read(
        lambda tracker: status_rows(tracker, tracker.find.election(), False, None)
    )
    keys = ("done", "open", "overdue", "waived", "next_due", "next_step", "next_on_filing")
    got = {row["member"]: {key: row[key] for key in keys} for row in counted}
    assert got == expected_status(council)


@pytest.mark.parametrize("store", STORES, indirect=True)
def test_status_of_a_member_with_no_open_step_names_no_next(council):
    """The edges the random records seldom reach: every step closed (done or
    waived), and a member not running, who has no steps at all."""
    from harness.council import JANE

    council.add(JANE, Seat("Ann Lee", ward="3", running="no"))
    items = council.read(lambda tracker: tracker.session.exec(select(ChecklistItem)).all())
    council.mark([i.id for i in items[1:]], [items[0].id], on=date(2030, 3, 20))
    rows = council.read(lambda tracker: status_rows(tracker, tracker.find.election(), False, None))
    keys = ("done", "open", "overdue", "waived", "next_due", "next_step", "next_on_filing")
    got = {row["member"]: tuple(row[key] for key in keys) for row in rows}
    assert got == {
        "Jane Doe": (len(items) - 1, 0, 0, 1, None, None, False),
        "Ann Lee": (0, 0, 0, 0, None, None, False),
    }
    assert got == {
        name: tuple(counts[key] for key in keys)
        for name, counts in expected_status(council).items()
    }


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_readmes_python_example_runs(tmp_path):
    """The README's example of the record from Python, as written."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### The record from Python", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    Council(str(tmp_path / "council.db"), today=TODAY).add(Seat("Ann Lee", ward="3"))
    scope: dict = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert [row["member"] for row in scope["rows"]] == ["Ann Lee"]


# -- the tracker's work, with no command line --------------------------------------

FILED = date(2030, 5, 6)


def items_of(council: Council, name: str) -> dict[str, ChecklistItem]:
    """The member's current items by step (single accounts: one item a step)."""

    def work(tracker):
        member = tracker.find.member(name)
        candidacy = tracker.find.candidacy(member, tracker.find.election())
        return {i.step_id: i for i in tracker.find.items_of(candidacy) if i.superseded_at is None}

    return council.read(work)


@pytest.fixture
def ann(council) -> Council:
    council.add(Seat("Ann Lee", ward="3", running="yes", option="single", accounts=(Account(),)))
    return council


def test_marking_done_reopening_and_waiving(ann):
    first, second = sorted(item.id for item in items_of(ann, "Ann Lee").values())[:2]
    said = ann.write(lambda tracker: tracker.mark.done([first], note="posted", evidence=None))
    assert said[0].startswith(f"item {first} done: ")
    again = ann.write(lambda tracker: tracker.mark.done([first], note=None, evidence=None))
    assert "already done by tester on 2030-04-01; nothing changed" in again[0]
    ann.write(lambda tracker: tracker.mark.waive(second, "never linked"))
    ann.write(lambda tracker: tracker.mark.reopen([first], note=None))
    statuses = {i.id: i.status for i in items_of(ann, "Ann Lee").values()}
    assert (statuses[first], statuses[second]) == ("open", "waived")


def test_a_bulk_mark_with_one_unknown_id_marks_nothing(ann):
    ids = sorted(item.id for item in items_of(ann, "Ann Lee").values())
    with pytest.raises(NotFound) as refused:
        ann.write(lambda tracker: tracker.mark.done([*ids, 99999], note=None, evidence=None))
    assert refused.value.wanted == 99999
    assert {i.status for i in items_of(ann, "Ann Lee").values()} == {"open"}


def test_a_filing_date_moves_the_open_steps_due_on_filing_and_not_the_done(ann):
    on_filing = [s for s, i in items_of(ann, "Ann Lee").items() if i.due is None]
    assert on_filing  # the five steps due the day the member files
    done = items_of(ann, "Ann Lee")[on_filing[0]].id
    ann.write(lambda tracker: tracker.mark.done([done], note=None, evidence=None))

    def file(tracker, day):
        member = tracker.find.member("Ann Lee")
        tracker.change.set_filing(member, tracker.find.election(), day, actual=True)

    ann.write(lambda tracker: file(tracker, FILED), today=FILED)
    moved = items_of(ann, "Ann Lee")
    assert moved[on_filing[0]].due is None  # done before the date was known: kept as it was
    assert {moved[step].due for step in on_filing[1:]} == {FILED}
