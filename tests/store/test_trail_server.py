"""On the council's server, the database writes the trail: every row change by
any role through psql is an event, events are numbered, dated and chained by
the server, grants carry the server's provenance, and no stranger can hold
the writers' queue."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from conftest import PASSWORD, WARD3, WARD7, postgres_database, sql
from harness.council import Council
from harness.records import (
    TODAY,
    as_role,
    check,
    export_to,
    log,
    read,
    restore,
    role_url,
    shared_council,
)
from postgres_server import PostgresError

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.grants import list_grants, revoke
from transition.store.trail.chain import Fingerprint
from transition.store.trail.integrity import fingerprint, verify


@pytest.fixture
def council(postgres):
    """Two members with accounts and steps, and a staffer of each kind."""
    return shared_council(postgres, postgres_database(postgres))


def done(item: int):
    return lambda tracker: tracker.mark.done([item], note=None, evidence=None)


def test_office_staff_changing_a_row_in_psql_write_an_event_as_themselves(council):
    url, mine = council["url"], council["items"][WARD7]
    taken = Fingerprint.parse(str(read(url, fingerprint)))
    sql(council, "ward7staff", f"UPDATE checklist_item SET done_by = 'Cllr' WHERE id = {mine}")
    newest = log(url)[0]
    assert newest["action"] == "row.update" and newest["recorded_by"] == "ward7staff"
    assert newest["after"]["done_by"] == "Cllr" and newest["member"] == WARD7
    found, _, doubts = check(url)
    assert found == []
    said = "changed outside transition: done_by None -> 'Cllr' (by ward7staff)"
    assert any(said in doubt for doubt in doubts), doubts

    def verified(tracker):
        return verify(tracker, taken, tracker.find.member(WARD7))

    with pytest.raises(TransitionError, match="changed outside transition"):
        read(url, verified, mode=Mode.INSPECT)


def test_an_event_inserted_by_hand_gets_the_servers_id_time_chain_and_signer(council):
    url = council["url"]
    last = log(url, rows=True, limit=1)[0]
    sql(
        council,
        "ward7staff",
        "INSERT INTO event (id, at, actor, recorded_by, action, member_id, subject, summary, "
        "chain) SELECT 9999, '2099-01-01', 'Owner', 'theclerk', 'item.done', id, 'x', 'forged', "
        f"'{'f' * 64}' FROM member WHERE name = '{WARD7}'",
    )
    newest = log(url, limit=1)[0]
    assert newest["id"] == last["id"] + 1 and newest["recorded_by"] == "ward7staff"
    assert newest["at"] < "2099" and newest["summary"] == "forged"
    assert check(url)[0] == []  # chained by the server: the trail still holds


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
    assert check(council["url"])[0] == []


def test_the_server_holds_psql_to_the_vocabulary(council):
    mine = council["items"][WARD7]
    with pytest.raises(PostgresError, match="checklist_item_status_known"):
        sql(
            council,
            "ward7staff",
            f"UPDATE checklist_item SET status = 'teleported' WHERE id = {mine}",
        )


def test_a_lock_timeout_that_is_no_number_of_seconds_is_refused(postgres, monkeypatch):
    url = postgres_database(postgres)
    for value in ("abc", "0", "-1", "1e9"):
        monkeypatch.setenv("TRANSITION_LOCK_TIMEOUT", value)
        with pytest.raises(TransitionError, match="TRANSITION_LOCK_TIMEOUT is"):
            read(url, lambda tracker: None)


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
    listed = read(council["url"], list_grants)
    forged = next(g for g in listed if g["user"] == "theauditor" and g["role"] == "clerk")
    assert forged["granted_by"] == "theclerk" and not forged["granted_at"].startswith("2020")
    newest = log(council["url"])[0]
    assert newest["subject"].startswith("access_grant ") and newest["recorded_by"] == "theclerk"
    assert check(council["url"])[0] == []


def test_the_clerk_may_revoke_their_own_grant(council):
    said = as_role(
        council, "theclerk", lambda tracker: revoke(tracker, "theclerk"), mode=Mode.WRITE
    )
    assert "no longer has access" in said
    assert check(council["url"])[0] == []


def test_no_stranger_can_hold_the_writers_queue(council):
    server, name = council["server"], council["name"]
    holder = _hold(council, "stranger", "x", "SELECT pg_advisory_lock(1953653102)")
    try:
        mine = council["items"][WARD7]
        as_role(council, "ward7staff", done(mine), mode=Mode.WRITE)
    finally:
        holder.kill()
    for statement in ("SELECT transition_write_lock()", "LOCK TABLE event_head"):
        with pytest.raises(PostgresError):
            server.psql(f"BEGIN; {statement}; COMMIT", name, user="stranger", password="x")


def test_a_writer_waits_no_longer_than_the_lock_timeout_and_names_who_holds_it(
    council, monkeypatch
):
    holder = _hold(council, "theclerk", PASSWORD, "SELECT transition_write_lock()")
    try:
        started = time.monotonic()
        monkeypatch.setenv("TRANSITION_LOCK_TIMEOUT", "2")
        with pytest.raises(TransitionError) as refused:
            Council(council["url"], today=TODAY).write(done(council["items"][WARD7]))
        assert "stayed locked by theclerk (since " in str(refused.value), refused.value
        assert "(nothing was changed)" in str(refused.value)
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


def test_a_role_without_a_grant_restoring_into_a_full_record_hears_it_holds_one(council, tmp_path):
    export = export_to(council["url"], tmp_path / "e.json")
    with pytest.raises(TransitionError, match="already holds a record"):
        restore(role_url(council, "stranger", "x"), export)
