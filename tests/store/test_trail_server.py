"""On the council's server, the database writes the trail: every row change by
any role through psql is an event, events are numbered, dated and chained by
the server, grants carry the server's provenance, and no stranger can hold
the writers' queue."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from conftest import (
    PASSWORD,
    WARD3,
    WARD7,
    as_json,
    as_role,
    invoke_transition,
    ok,
    run_transition,
    sql,
)
from postgres_server import PostgresError

T = invoke_transition


def _owner(council, *args: str):
    return T(*args, "--db", council["url"])


def test_office_staff_changing_a_row_in_psql_write_an_event_as_themselves(council):
    mine = council["items"][WARD7]
    fingerprint = ok(_owner(council, "fingerprint")).strip()
    sql(council, "ward7staff", f"UPDATE checklist_item SET done_by = 'Cllr' WHERE id = {mine}")
    newest = as_json(_owner(council, "log", "--json"))[0]
    assert newest["action"] == "row.update" and newest["recorded_by"] == "ward7staff"
    assert newest["after"]["done_by"] == "Cllr" and newest["member"] == WARD7
    check = ok(_owner(council, "check"))
    assert "changed outside transition: done_by None -> 'Cllr' (by ward7staff)" in check
    verify = _owner(council, "verify", fingerprint, "--member", WARD7)
    assert verify.returncode == 1 and "changed outside transition" in verify.stderr


def test_an_event_inserted_by_hand_gets_the_servers_id_time_chain_and_signer(council):
    last = as_json(_owner(council, "log", "--rows", "--json", "--limit", "1"))[0]
    sql(
        council,
        "ward7staff",
        "INSERT INTO event (id, at, actor, recorded_by, action, member_id, subject, summary, "
        "chain) SELECT 9999, '2099-01-01', 'Owner', 'theclerk', 'item.done', id, 'x', 'forged', "
        f"'{'f' * 64}' FROM member WHERE name = '{WARD7}'",
    )
    newest = as_json(_owner(council, "log", "--json", "--limit", "1"))[0]
    assert newest["id"] == last["id"] + 1 and newest["recorded_by"] == "ward7staff"
    assert newest["at"] < "2099" and newest["summary"] == "forged"
    ok(_owner(council, "check"))  # chained by the server: the trail still holds


def test_no_role_but_the_database_writes_a_row_event(council):
    theirs = council["items"][WARD3]
    for role in ("ward7staff", "theclerk"):
        with pytest.raises(PostgresError, match=r"only the database writes row\.update events"):
            sql(
                council,
                role,
                "INSERT INTO event (at, actor, action, member_id, subject, summary, after) "
                f"SELECT now(), 'x', 'row.update', id, 'checklist_item {theirs}', 'x', "
                f"""'{{"done_by": "Forged"}}' FROM member WHERE name = '{WARD7}'""",
            )
    ok(_owner(council, "check"))


def test_the_server_holds_psql_to_the_vocabulary(council):
    mine = council["items"][WARD7]
    with pytest.raises(PostgresError, match="checklist_item_status_known"):
        sql(
            council,
            "ward7staff",
            f"UPDATE checklist_item SET status = 'teleported' WHERE id = {mine}",
        )


def test_a_lock_timeout_that_is_no_number_of_seconds_is_refused(council):
    for value in ("abc", "0", "-1", "1e9"):
        refused = T("status", "--db", council["url"], env={"TRANSITION_LOCK_TIMEOUT": value})
        assert refused.returncode == 1 and "TRANSITION_LOCK_TIMEOUT is" in refused.stderr


def test_an_event_about_another_members_step_is_refused(council):
    theirs = council["items"][WARD3]
    with pytest.raises(PostgresError, match="must name its member"):
        sql(
            council,
            "ward7staff",
            "INSERT INTO event (at, actor, action, member_id, item_id, subject, summary) "
            f"SELECT now(), 'x', 'item.done', id, {theirs}, 'x', 'x' FROM member "
            f"WHERE name = '{WARD7}'",
        )


def test_a_grant_made_in_psql_carries_the_servers_provenance_and_an_event(council):
    sql(
        council,
        "theclerk",
        "INSERT INTO access_grant (role_name, kind, granted_by, granted_at) "
        "VALUES ('theauditor', 'clerk', 'owner', '2020-01-01')",
    )
    listed = as_json(_owner(council, "access", "list", "--json"))
    forged = next(g for g in listed if g["user"] == "theauditor" and g["role"] == "clerk")
    assert forged["granted_by"] == "theclerk" and not forged["granted_at"].startswith("2020")
    newest = as_json(_owner(council, "log", "--json"))[0]
    assert newest["subject"].startswith("access_grant ") and newest["recorded_by"] == "theclerk"
    ok(_owner(council, "check"))


def test_the_clerk_may_revoke_their_own_grant(council):
    said = ok(as_role(council, "theclerk", "access", "revoke", "theclerk"))
    assert "no longer has access" in said
    ok(_owner(council, "check"))


def test_office_staff_may_not_print_the_council_overview(council, tmp_path):
    refused = as_role(council, "ward7staff", "render", "overview", "-o", str(tmp_path / "o.html"))
    assert refused.returncode == 1 and "whole record" in refused.stderr


def test_no_stranger_can_hold_the_writers_queue(council):
    server, name = council["server"], council["name"]
    holder = _hold(council, "stranger", "x", "SELECT pg_advisory_lock(1953653102)")
    try:
        mine = council["items"][WARD7]
        done = as_role(council, "ward7staff", "done", str(mine))
        assert done.returncode == 0, done.stderr
    finally:
        holder.kill()
    for statement in ("SELECT transition_write_lock()", "LOCK TABLE event_head"):
        with pytest.raises(PostgresError):
            server.psql(f"BEGIN; {statement}; COMMIT", name, user="stranger", password="x")


def test_a_writer_waits_no_longer_than_the_lock_timeout_and_names_who_holds_it(council):
    holder = _hold(council, "theclerk", PASSWORD, "SELECT transition_write_lock()")
    try:
        started = time.monotonic()
        url = council["url"]
        done = run_transition("done", str(council["items"][WARD7]), "--db", url,
                              env={"TRANSITION_LOCK_TIMEOUT": "2"})  # fmt: skip
        assert done.returncode == 1
        assert "stayed locked by theclerk (since " in done.stderr, done.stderr
        assert "(nothing was changed)" in done.stderr
        assert time.monotonic() - started < 30
    finally:
        holder.kill()


def _hold(council, role: str, password: str, statement: str) -> subprocess.Popen:
    """A psql session that takes a lock and sits on it; started once it holds it."""
    server = council["server"]
    holder = subprocess.Popen(
        [
            str(server.binaries / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-d", server.url(council["name"], role, password),
            "-c", f"BEGIN; {statement}; SELECT pg_sleep(60); COMMIT",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sleeping = server.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
            f"AND usename = '{role}'"
        )
        if sleeping.strip() != "0":
            return holder
        time.sleep(0.1)
    holder.kill()
    raise AssertionError(f"{role}'s psql never took its lock")


def test_no_password_is_ever_printed_from_the_query_or_pgpassword(postgres, tmp_path):
    from conftest import postgres_database

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


def test_a_role_without_a_grant_restoring_into_a_full_record_hears_it_holds_one(council, tmp_path):
    export = tmp_path / "e.json"
    export.write_text(_owner(council, "export").stdout)
    refused = as_role(council, "stranger", "restore", str(export), password="x")
    assert refused.returncode == 1 and "already holds a record" in refused.stderr, refused.stderr
