"""The record's side of reminders: today's digests, claimed once, confirmed
or freed, on both databases, and on the server by the roles that may."""

from __future__ import annotations

import os
from datetime import date

import pytest
from conftest import WARD3, WARD7, postgres_database
from harness.council import JANE, Council
from harness.records import as_role, shared_council

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.reminders import claim, claimed, confirm, history, plan

pytestmark = pytest.mark.usefixtures("store")

WEEK_BEFORE = date(2030, 4, 24)
OFFICE = ["office7@toronto.ca"]


@pytest.fixture
def council(store) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=WEEK_BEFORE)
    council.add(JANE)
    council.write(lambda t: t.change.set_emails(t.find.member("jane"), OFFICE))
    return council


def digests(council: Council, today: date = WEEK_BEFORE):
    return council.read(lambda t: plan(t, t.find.election()).digests, today=today)


def test_a_claimed_digest_is_not_claimed_again_until_its_sending_fails(council):
    (digest,) = digests(council)
    assert [(n.item_id, n.stage.key) for n in digest.notices] == [(1, "7 days before / 2030-05-01")]
    mine = council.write(lambda t: claim(t, digest, "<1@example.org>"))
    assert len(mine) == 1
    assert council.write(lambda t: claim(t, digest, "<2@example.org>")) == []  # another run's
    assert digests(council) == []
    [row] = council.read(lambda t: history(t))
    assert (row["status"], row["to"], row["message_id"]) == (
        "unconfirmed",
        OFFICE[0],
        "<1@example.org>",
    )
    council.write(lambda t: confirm(t, mine[0], "<1@example.org>", "the server refused it"))
    assert council.read(lambda t: history(t))[0]["status"] == "failed"
    assert len(digests(council)) == 1  # freed: the next run sends it
    again = council.write(lambda t: claim(t, digest, "<3@example.org>"))
    council.write(lambda t: confirm(t, again[0], "<3@example.org>"))
    assert [r["status"] for r in council.read(lambda t: history(t))] == ["sent", "failed"]
    assert council.read(claimed) == {(1, "7 days before / 2030-05-01", OFFICE[0])}


def test_a_waived_or_superseded_step_is_reminded_no_more(council):
    council.mark(waived=[1], on=WEEK_BEFORE)
    assert digests(council) == []
    council.write(
        lambda t: t.change.set_candidacy(t.find.member("jane"), t.find.election(), "no", None)
    )
    assert digests(council, date(2030, 8, 10)) == []


def test_reminders_run_on_the_clerks_working_days(council):
    overdue = digests(council, date(2030, 5, 4))  # Saturday: still Friday's stage
    assert overdue[0].notices[0].stage.name == "overdue, working day 2"
    assert overdue[0].cc == []  # no clerk's address recorded: nobody to copy


@pytest.fixture
def shared(store, postgres):
    if store != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    council = shared_council(postgres, postgres_database(postgres))

    def addresses(tracker):
        for name in (WARD7, WARD3):
            number = name.split()[1]
            tracker.change.set_emails(tracker.find.member(name), [f"ward{number}@toronto.ca"])
        tracker.change.set_clerk_email(tracker.find.election(), "clerk@toronto.ca")

    as_role(council, "theclerk", addresses, mode=Mode.WRITE)
    return council


def test_office_staff_remind_their_own_office_and_the_clerk_everyone(shared):
    overdue = date(2030, 5, 6)

    def today_plan(tracker):
        return plan(tracker, tracker.find.election())

    from harness.records import role_url

    from transition.store import transact

    def as_of(role, work, mode=Mode.READ):
        return transact(role_url(shared, role), work, today=overdue, actor=role, mode=mode)

    staff = as_of("ward7staff", today_plan)
    assert {(d.to, d.about) for d in staff.digests} == {("ward7@toronto.ca", WARD7)}
    clerk = as_of("theclerk", today_plan)
    assert {d.about for d in clerk.digests} == {WARD7, WARD3, "the council"}
    mine = staff.digests[0]
    assert as_of("ward7staff", lambda t: claim(t, mine, "<w7@example.org>"), Mode.WRITE)
    theirs = next(d for d in clerk.digests if d.about == WARD3)
    with pytest.raises(TransitionError):
        as_of("ward7staff", lambda t: claim(t, theirs, "<w3@example.org>"), Mode.WRITE)
    with pytest.raises(TransitionError):
        as_of("theauditor", lambda t: claim(t, theirs, "<w3@example.org>"), Mode.WRITE)
