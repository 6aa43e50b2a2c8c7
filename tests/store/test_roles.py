"""Who may change what on the council's record, enforced by PostgreSQL itself:
through the tracker signed in as each role, and through raw SQL as that role."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, WARD3, WARD7, postgres_database, sql
from harness.council import Council
from harness.records import TODAY, as_role, jane, shared_council
from postgres_server import PostgresError

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.errors import ClerkOnly, NoAccess
from transition.store.grants import grant, list_grants, revoke
from transition.store.listings import account_rows, checklist_rows, log_rows, member_detail
from transition.store.listings import status_rows as council_status
from transition.store.trail.chain import Fingerprint
from transition.store.trail.integrity import fingerprint, problems, verify
from transition.store.transfer.export import export_text


@pytest.fixture
def council(postgres):
    """Two members with accounts and steps, and a staffer of each kind."""
    return shared_council(postgres, postgres_database(postgres))


def done(*items: int):
    return lambda tracker: tracker.mark.done(list(items), note=None, evidence=None)


def add_member(name: str, ward: str):
    return lambda tracker: tracker.change.add_member(name, ward, "councillor")


def refused(council, role: str, work, mode: Mode = Mode.WRITE, kind=TransitionError):
    """The refusal `role` meets doing `work`."""
    with pytest.raises(kind) as refusal:
        as_role(council, role, work, mode=mode)
    return refusal.value


def test_office_staff_see_and_change_only_their_members_record(council):
    mine, theirs = council["items"][WARD7], council["items"][WARD3]
    said = as_role(council, "ward7staff", done(mine), mode=Mode.WRITE, actor="Sam")
    assert said[0].startswith(f"item {mine} done")
    assert str(refused(council, "ward7staff", done(theirs))) == (
        f"you may change only {WARD7}'s steps, not {WARD3}'s"
    )
    not_the_clerk = refused(council, "ward7staff", add_member("Someone", "9"), kind=ClerkOnly)
    assert (not_the_clerk.what, not_the_clerk.served) == ("add members", (WARD7,))
    assert "only the clerk may add members" in str(not_the_clerk)
    elections = refused(
        council,
        "ward7staff",
        lambda tracker: tracker.change.add_regular_election(2034, None),
        kind=ClerkOnly,
    )
    assert elections.what == "add elections"
    assert "only the clerk may add elections" in str(elections)
    access = refused(
        council, "ward7staff", lambda tracker: grant(tracker, "ward7staff", "clerk", []),
        kind=ClerkOnly,
    )  # fmt: skip
    assert "only the clerk may manage access" in str(access)
    for work, mode in (
        (
            lambda tracker: tracker.change.set_candidacy(
                tracker.find.member(WARD3), tracker.find.election(), "no", None
            ),
            Mode.WRITE,
        ),
        (
            lambda tracker: member_detail(
                tracker, tracker.find.member(WARD3), tracker.find.election()
            ),
            Mode.READ,
        ),
    ):
        assert f"not {WARD3}'s" in str(refused(council, "ward7staff", work, mode))
    for work, mode in (
        (lambda tracker: export_text(tracker, "json"), Mode.READ),
        (problems, Mode.INSPECT),
    ):
        assert "needs the whole record" in str(refused(council, "ward7staff", work, mode))
    accounts = as_role(
        council,
        "ward7staff",
        lambda tracker: account_rows(tracker, None, tracker.find.profile_for(None)),
    )
    assert [a["member"] for a in accounts] == [WARD7]
    status = as_role(
        council,
        "ward7staff",
        lambda tracker: council_status(tracker, tracker.find.election(), False, None),
    )
    assert {row["member"] for row in status} == {WARD7, WARD3}  # the council's counts
    log = as_role(council, "ward7staff", lambda tracker: log_rows(tracker, None, None))
    assert log[0]["actor"] == "Sam" and log[0]["recorded_by"] == "ward7staff"
    assert all(event["member"] == WARD7 for event in log)


def test_the_auditor_reads_everything_and_changes_nothing(council):
    steps = as_role(
        council, "theauditor", lambda tracker: checklist_rows(tracker, tracker.find.election())
    )
    assert len(steps) == 12
    assert as_role(council, "theauditor", problems, mode=Mode.INSPECT)[0] == []
    as_role(council, "theauditor", lambda tracker: export_text(tracker, "json"))
    taken = Fingerprint.parse(str(as_role(council, "theauditor", fingerprint)))
    held = as_role(council, "theauditor", lambda tracker: verify(tracker, taken), mode=Mode.INSPECT)
    assert f"{taken} holds" in held
    assert "auditor" in str(refused(council, "theauditor", done(council["items"][WARD7])))
    auditor = refused(council, "theauditor", add_member("X", "1"), kind=ClerkOnly)
    assert auditor.auditor and "auditor" in str(auditor)


def test_the_clerk_changes_everything_and_manages_access(council):
    as_role(council, "theclerk", done(council["items"][WARD3]), mode=Mode.WRITE)
    as_role(council, "theclerk", add_member("Ward 9 Councillor", "9"), mode=Mode.WRITE)
    as_role(
        council,
        "theclerk",
        lambda tracker: grant(tracker, "ward7staff", "office", [tracker.find.member(WARD3)]),
        mode=Mode.WRITE,
    )
    listed = as_role(council, "theclerk", list_grants)
    assert {(r["user"], r["role"], r["member"]) for r in listed} >= {
        ("ward7staff", "office", WARD7),
        ("ward7staff", "office", WARD3),
        ("theclerk", "clerk", None),
    }
    as_role(council, "ward7staff", done(council["items"][WARD3]), mode=Mode.WRITE)
    said = as_role(
        council, "theclerk", lambda tracker: revoke(tracker, "ward7staff"), mode=Mode.WRITE
    )
    assert "no longer has access" in said
    gone = refused(council, "ward7staff", lambda tracker: None, Mode.READ, kind=NoAccess)
    assert gone.user == "ward7staff" and "has no access to this record" in str(gone)


def test_a_role_without_a_grant_gets_nothing(council):
    with pytest.raises(NoAccess) as refusal:
        as_role(council, "stranger", lambda tracker: None, password="x")
    assert refusal.value.user == "stranger" and "stranger has no access" in str(refusal.value)


def test_access_on_sqlite_is_the_files(db_path):
    office = jane(Council(str(db_path), today=TODAY))
    for work in (lambda tracker: grant(tracker, "sam", "clerk", []), list_grants):
        with pytest.raises(TransitionError, match="access is the file's"):
            office.write(work)


def test_the_database_itself_refuses_what_the_role_may_not_do(council):
    server, name = council["server"], council["name"]
    theirs = council["items"][WARD3]
    # office staff: other members' accounts are not there to read
    assert sql(council, "ward7staff", "SELECT handle FROM account").split() == ["@w7"]
    assert (
        sql(
            council, "ward7staff", f"SELECT count(*) FROM checklist_item WHERE id = {theirs}"
        ).strip()
        == "0"
    )
    sql(council, "ward7staff", f"UPDATE checklist_item SET status = 'done' WHERE id = {theirs}")
    sql(council, "theauditor", f"UPDATE checklist_item SET status = 'done' WHERE id = {theirs}")
    assert (
        server.psql(f"SELECT status FROM checklist_item WHERE id = {theirs}", name).strip()
        == "open"
    )
    for role, statement in (
        (
            "ward7staff",
            "INSERT INTO member (name, office, created_at) VALUES ('X', 'mayor', now())",
        ),
        ("ward7staff", "UPDATE event SET actor = 'x'"),
        ("theclerk", "UPDATE event SET actor = 'x'"),
        ("theclerk", "DELETE FROM event"),
        ("theauditor", "INSERT INTO access_grant (role_name, kind) VALUES ('theauditor', 'clerk')"),
        ("stranger", "UPDATE event SET actor = 'x'"),
    ):
        with pytest.raises(PostgresError):
            server.psql(
                statement, name, user=role, password="x" if role == "stranger" else PASSWORD
            )
    assert sql(council, "theauditor", "SELECT count(*) FROM account").strip() == "2"
