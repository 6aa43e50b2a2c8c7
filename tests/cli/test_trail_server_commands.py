"""The commands on the council's server: what office staff may not print, a lock
timeout that is no number, and no password ever printed, whatever the command
(what the server's trail records is tests/store/test_trail_server.py)."""

from __future__ import annotations

import pytest
from conftest import as_role, invoke_transition, ok, postgres_database, run_transition
from harness.records import shared_council

T = invoke_transition


@pytest.fixture
def council(postgres):
    """Two members with accounts and steps, and a staffer of each kind."""
    return shared_council(postgres, postgres_database(postgres))


def test_a_lock_timeout_that_is_no_number_of_seconds_is_refused(postgres):
    url = postgres_database(postgres)
    for value in ("abc", "0", "-1", "1e9"):
        refused = T("status", "--db", url, env={"TRANSITION_LOCK_TIMEOUT": value})
        assert refused.returncode == 1 and "TRANSITION_LOCK_TIMEOUT is" in refused.stderr


def test_office_staff_may_not_print_the_council_overview(council, tmp_path):
    refused = as_role(council, "ward7staff", "render", "overview", "-o", str(tmp_path / "o.html"))
    assert refused.returncode == 1 and "whole record" in refused.stderr


def test_no_password_is_ever_printed_from_the_query_or_pgpassword(postgres, tmp_path):
    name = postgres_database(postgres).rsplit("/", 1)[1]
    secret = postgres.password
    in_query = f"postgresql://transition_owner@127.0.0.1:{postgres.port}/{name}?password={secret}"
    said = [run_transition("init", "--db", in_query)]
    export = tmp_path / "e.json"
    export.write_text(T("export", "--db", in_query).stdout)
    ok(T("member", "add", "Pat Lee", "--ward", "3", "--db", in_query))
    said.append(run_transition("restore", str(export), "--db", in_query))  # holds a record
    assert "already holds a record" in said[-1].stderr
    nowhere = in_query.replace(f"/{name}?", "/nowhere?")
    said.append(run_transition("status", "--db", nowhere))
    said.append(run_transition("status", "--db", f"{nowhere}&sslmode=require"))
    assert "does not accept SSL connections" in said[-1].stderr
    bare = f"postgresql://transition_owner@127.0.0.1:{postgres.port}/nowhere"
    said.append(run_transition("status", "--db", bare, env={"PGPASSWORD": secret}))
    said.append(run_transition("--version", env={"TRANSITION_DB": in_query}))
    at_sign = f"postgresql://transition_owner:{secret[:4]}@{secret[4:]}@127.0.0.1:1/{name}"
    said.append(run_transition("status", "--db", at_sign))
    assert "holds an '@'" in said[-1].stderr and secret[4:] not in said[-1].stderr
    for result in said:
        assert secret not in result.stdout + result.stderr, result
