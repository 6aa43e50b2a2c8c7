"""The commands as each role on the council's PostgreSQL record: a refusal is one
line and exit status 1, and the trail shows who recorded what (who may do what
is tests/store/test_roles.py)."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, WARD3, WARD7, invoke_transition, ok, postgres_database
from harness.council import Council
from harness.records import TODAY, jane, role_url, shared_council

T = invoke_transition


@pytest.fixture
def council(postgres):
    """Two members with accounts and steps, and a staffer of each kind."""
    return shared_council(postgres, postgres_database(postgres))


def as_role(council, role: str, *args: str, password: str = PASSWORD):
    """The command, in this process, signed in as `role`."""
    return T(*args, "--db", role_url(council, role, password))


def test_office_staff_are_refused_in_one_line(council):
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
    assert "Sam, recorded by ward7staff" in ok(as_role(council, "ward7staff", "log"))


def test_the_auditors_fingerprint_verifies_and_changes_are_refused(council):
    ok(as_role(council, "theauditor", "check"))
    ok(as_role(council, "theauditor", "export"))
    fingerprint = ok(as_role(council, "theauditor", "fingerprint")).strip()
    ok(as_role(council, "theauditor", "verify", fingerprint))
    for args in (("done", str(council["items"][WARD7])), ("member", "add", "X", "--ward", "1")):
        refused = as_role(council, "theauditor", *args)
        assert refused.returncode == 1 and "auditor" in refused.stderr


def test_a_revoked_role_hears_it_has_no_access(council):
    assert "no longer has access" in ok(
        as_role(council, "theclerk", "access", "revoke", "ward7staff")
    )
    gone = as_role(council, "ward7staff", "status")
    assert gone.returncode == 1 and "has no access to this record" in gone.stderr


def test_a_role_without_a_grant_gets_nothing(council):
    refused = as_role(council, "stranger", "status", password="x")
    assert refused.returncode == 1 and "stranger has no access" in refused.stderr


def test_access_on_sqlite_is_the_files(db_path):
    jane(Council(str(db_path), today=TODAY))
    for args in (("access", "grant", "sam", "--clerk"), ("access", "list")):
        result = T(*args)
        assert result.returncode == 1 and "access is the file's" in result.stderr
