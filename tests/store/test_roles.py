"""Who may change what on the council's record, enforced by PostgreSQL itself:
through the console script as each role, and through raw SQL as that role."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, WARD3, WARD7, as_json, as_role, invoke_transition, ok, sql
from postgres_server import PostgresError

T = invoke_transition


def test_office_staff_see_and_change_only_their_members_record(council):
    mine, theirs = council["items"][WARD7], council["items"][WARD3]
    assert "done" in ok(as_role(council, "ward7staff", "done", str(mine), "--by", "Sam"))
    refused = as_role(council, "ward7staff", "done", str(theirs))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"transition: error: you may change only {WARD7}'s steps, not {WARD3}'s\n"
    )
    for args, said in (
        (("member", "add", "Someone", "--ward", "9"), "only the clerk may add members"),
        (("member", "set", WARD3, "--running", "no"), f"not {WARD3}'s"),
        (("member", "show", WARD3), f"not {WARD3}'s"),
        (("election", "add", "--year", "2034"), "only the clerk may add elections"),
        (("access", "grant", "ward7staff", "--clerk"), "only the clerk may manage access"),
        (("export",), "needs the whole record"),
        (("check",), "needs the whole record"),
    ):
        result = as_role(council, "ward7staff", *args)
        assert result.returncode == 1 and said in result.stderr, (args, result.stderr)
    accounts = as_json(as_role(council, "ward7staff", "account", "list", "--json"))
    assert [a["member"] for a in accounts] == [WARD7]
    status = as_json(as_role(council, "ward7staff", "status", "--json"))
    assert {row["member"] for row in status} == {WARD7, WARD3}  # the council's counts
    log = as_json(as_role(council, "ward7staff", "log", "--json"))
    assert log[0]["actor"] == "Sam" and log[0]["recorded_by"] == "ward7staff"
    assert all(event["member"] == WARD7 for event in log)
    assert "Sam, recorded by ward7staff" in ok(as_role(council, "ward7staff", "log"))


def test_the_auditor_reads_everything_and_changes_nothing(council):
    assert len(as_json(as_role(council, "theauditor", "checklist", "--json"))) == 12
    ok(as_role(council, "theauditor", "check"))
    ok(as_role(council, "theauditor", "export"))
    fingerprint = ok(as_role(council, "theauditor", "fingerprint")).strip()
    ok(as_role(council, "theauditor", "verify", fingerprint))
    for args in (("done", str(council["items"][WARD7])), ("member", "add", "X", "--ward", "1")):
        refused = as_role(council, "theauditor", *args)
        assert refused.returncode == 1 and "auditor" in refused.stderr


def test_the_clerk_changes_everything_and_manages_access(council):
    ok(as_role(council, "theclerk", "done", str(council["items"][WARD3])))
    ok(as_role(council, "theclerk", "member", "add", "Ward 9 Councillor", "--ward", "9"))
    ok(as_role(council, "theclerk", "access", "grant", "ward7staff", "--office", WARD3))
    listed = as_json(as_role(council, "theclerk", "access", "list", "--json"))
    assert {(r["user"], r["role"], r["member"]) for r in listed} >= {
        ("ward7staff", "office", WARD7),
        ("ward7staff", "office", WARD3),
        ("theclerk", "clerk", None),
    }
    ok(as_role(council, "ward7staff", "done", str(council["items"][WARD3])))
    assert "no longer has access" in ok(
        as_role(council, "theclerk", "access", "revoke", "ward7staff")
    )
    gone = as_role(council, "ward7staff", "status")
    assert gone.returncode == 1 and "has no access to this record" in gone.stderr


def test_a_role_without_a_grant_gets_nothing(council):
    refused = as_role(council, "stranger", "status", password="x")
    assert refused.returncode == 1 and "stranger has no access" in refused.stderr


def test_access_on_sqlite_is_the_files(jane):
    for args in (("access", "grant", "sam", "--clerk"), ("access", "list")):
        result = T(*args)
        assert result.returncode == 1 and "access is the file's" in result.stderr


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
