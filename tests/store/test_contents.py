"""The trail covers the record's contents: a row changed around transition, by
anyone and however, is an event in the trail, or is named by check and verify."""

from __future__ import annotations

import os
import sqlite3

import pytest
from conftest import as_json, invoke_transition, ok, run_transition

T = invoke_transition

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

#: A direct change to one field of each kind of row: (table, column, SQL value).
CHANGES = {
    "a step's marker": ("checklist_item", "done_by", "'Councillor Herself'"),
    "a step's day": ("checklist_item", "done_on", "'2030-04-01'"),
    "a member's name": ("member", "name", "'Someone Else'"),
    "an election's rules": ("election", "profile_toml", "'# rewritten'"),
    "an account's handle": ("account", "handle", "'@forged'"),
    "a filing date": ("candidacy", "filing_date", "'2030-05-01'"),
}


@pytest.fixture
def marked(jane):
    ok(T("done", "1", "--by", "Sam"))
    return jane


@pytest.fixture
def direct(request, store):
    """Run SQL on the record as its owner would, around transition; with
    `set_aside`, with the tables' triggers set aside for it."""
    postgres = request.getfixturevalue("postgres") if store == "postgresql" else None
    url = os.environ["TRANSITION_DB"]

    def run(statement: str, table: str, set_aside: bool = False) -> None:
        if postgres is None:
            with sqlite3.connect(url) as connection:
                triggers = connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    (table,),
                ).fetchall()
                if set_aside:
                    for name, _ in triggers:
                        connection.execute(f"DROP TRIGGER {name}")
                connection.execute(statement)
                if set_aside:
                    for _, made in triggers:
                        connection.execute(made)
            connection.close()
            return
        if set_aside:
            statement = (
                f"ALTER TABLE {table} DISABLE TRIGGER USER; {statement}; "
                f"ALTER TABLE {table} ENABLE TRIGGER USER"
            )
        postgres.psql(statement, url.rsplit("/", 1)[1])

    return run


def test_a_row_changed_around_transition_is_an_event_in_the_trail(marked, direct):
    fingerprint = ok(T("fingerprint")).strip()
    sheet = ok(T("verify", fingerprint, "--member", "jane"))
    assert "holds for Jane Doe" in sheet
    direct(
        "UPDATE checklist_item SET done_by = 'Councillor Herself' WHERE id = 1", "checklist_item"
    )
    newest = as_json(T("log", "--json"))[0]
    assert newest["action"] == "row.update"
    assert newest["summary"] == "checklist_item 1 changed outside transition"
    assert (newest["before"]["done_by"], newest["after"]["done_by"]) == (
        "Sam",
        "Councillor Herself",
    )
    check = run_transition("check")  # what a user sees, from the console script
    assert check.returncode == 0, check.stdout
    assert "changed outside transition: done_by 'Sam' -> 'Councillor Herself'" in check.stdout
    for args in ((), ("--member", "jane")):
        verify = run_transition("verify", fingerprint, *args)
        assert verify.returncode == 1, verify.stdout
        assert "checklist_item 1 changed outside transition" in verify.stderr
    # Even the name a sheet prints is the trail's: the newest event explains it.
    assert as_json(T("checklist", "--json"))[0]["done_by"] == "Councillor Herself"


@pytest.mark.parametrize("what", CHANGES)
def test_a_row_changed_with_its_triggers_set_aside_is_named(marked, direct, what, tmp_path):
    table, column, value = CHANGES[what]
    ok(T("member", "file", "jane", "--date", "2030-05-04", "--planned"))
    fingerprint = ok(T("fingerprint")).strip()
    direct(f"UPDATE {table} SET {column} = {value} WHERE id = 1", table, set_aside=True)
    check = T("check")
    assert check.returncode == 1
    assert f"{table} 1: {column} is " in check.stdout, check.stdout
    assert "changed without an event" in check.stdout
    verify = T("verify", fingerprint)
    assert verify.returncode == 1 and f"{table} 1: {column}" in verify.stderr
    if table != "election":  # a sheet refuses to print the member's unexplained facts
        name = "Someone Else" if column == "name" else "Jane Doe"
        sheet = T("render", "signoff", name, "-o", str(tmp_path / "s.html"))
        assert sheet.returncode == 1 and "changed without an event" in sheet.stderr
        assert not (tmp_path / "s.html").exists()


def test_a_row_inserted_or_deleted_with_its_triggers_set_aside_is_named(marked, direct):
    ghost = (
        "INSERT INTO member (id, name, office, created_at) "
        "VALUES ({id}, '{name}', 'mayor', '2030-01-01 00:00:00+00')"
    )
    direct(ghost.format(id=50, name="Ghost"), "member", set_aside=True)
    direct(ghost.format(id=51, name="Shade"), "member")  # in the trail: an event
    direct("DELETE FROM member WHERE id = 51", "member", set_aside=True)
    check = T("check")
    assert check.returncode == 1
    assert "member 50 is in the record but not in the audit trail" in check.stdout
    assert "member 51 is in the audit trail but was deleted without an event" in check.stdout


def test_every_event_is_dated_and_chained_by_the_database(marked):
    events = as_json(T("log", "--rows", "--json"))
    moments = [event["at"] for event in reversed(events)]
    assert moments == sorted(moments)
    ok(T("check"))
    assert {event["action"] for event in events} >= {"row.insert", "row.update", "item.done"}


@pytest.mark.sqlite_only  # the server's own refusal: tests/store/test_trail_server.py
def test_an_event_about_another_members_step_is_refused_by_the_file_too(jane):
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    with sqlite3.connect(os.environ["TRANSITION_DB"]) as connection:
        pat = connection.execute("SELECT id FROM member WHERE name = 'Pat Lee'").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="must name its member"):
            connection.execute(
                "INSERT INTO event (at, actor, action, member_id, item_id, subject, summary) "
                f"VALUES ('2030-01-01', 'x', 'item.done', {pat}, 1, 'item 1', 'forged')"
            )
    connection.close()


@pytest.mark.sqlite_only
def test_a_change_not_yet_chained_is_shown_and_kept_off_a_sheet(marked, tmp_path):
    """A writer around transition leaves a row event that transition's next
    change chains; until then the log shows it and no sheet prints what no
    fingerprint could pin. One who fills in transition's context to pass as
    it leaves an event no change of transition's will chain: check names it."""
    path = os.environ["TRANSITION_DB"]
    sheet = ("render", "signoff", "jane", "-o", str(tmp_path / "s.html"))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE checklist_item SET done_by = 'Councillor Herself' WHERE id = 1")
    connection.close()
    assert as_json(T("log", "--json"))[0]["action"] == "row.update"
    refused = T(*sheet)
    assert refused.returncode == 1 and "has not chained that change yet" in refused.stderr
    ok(T("note", "2", "--note", "a change through transition chains it"))
    ok(T(*sheet))
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO transition_context (actor, recorded_by) VALUES ('Sam', 'x')"
        )
        connection.execute("UPDATE checklist_item SET done_by = 'Sam' WHERE id = 1")
        connection.execute("DELETE FROM transition_context")
    connection.close()
    ok(T("note", "2", "--note", "and this one cannot"))
    assert as_json(T("log", "--json"))[1]["summary"] == "update checklist_item 1"
    assert T(*sheet).returncode == 1
    check = T("check")
    assert check.returncode == 1 and "carries no hash" in check.stdout
