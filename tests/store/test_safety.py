"""Exports that cannot hurt their readers, private files, and `transition check`."""

from __future__ import annotations

import sqlite3
import stat
from importlib import resources

import pytest
from conftest import as_json, invoke_transition, ok

T = invoke_transition


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_export_neutralises_formulas(jane, tmp_path, start):
    item = as_json(T("checklist", "--json"))[0]["id"]
    ok(T("done", str(item), "--note", f'{start}HYPERLINK("http://evil.example","x")'))
    text = ok(T("export", "--format", "csv"))
    assert f"'{start}HYPERLINK" in text
    assert f",{start}HYPERLINK" not in text and f',"{start}HYPERLINK' not in text


def test_profile_text_cannot_break_the_calendar_file(tmp_path):
    profile = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    odd = tmp_path / "odd.toml"
    odd.write_text(
        profile.replace(
            'explanation = "From the day nominations open',
            'explanation = """Line one;\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:forged, ok"""'
            " # From the day nominations open",
        )
    )
    ok(T("election", "add", "--year", "2030", "--profile", str(odd)))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(
        T(
            "account",
            "add",
            "jane",
            "--platform",
            "X",
            "--handle",
            "@a;b",
            "--role",
            "single",
            "--uses-logo",
        )
    )
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-01"))
    feed = tmp_path / "feed.ics"
    ok(T("export", "ics", "--all", "-o", str(feed)))
    from icalendar import Calendar

    events = Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    assert len(events) == 5 + 6
    assert not any(str(e["summary"]) == "forged, ok" for e in events)
    assert any("END:VEVENT" in str(e["description"]) for e in events)


def test_html_is_escaped(jane, tmp_path):
    item = as_json(T("checklist", "--json"))[0]["id"]
    ok(T("note", str(item), "--note", "<script>alert(1)</script>"))
    ok(T("render", "checklist", "jane", "-o", str(tmp_path / "c.html")))
    html = (tmp_path / "c.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_database_wal_and_backups_are_owner_only(jane, tmp_path):
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(jane) == 0o600
    ok(T("backup", "-o", str(tmp_path / "copies" / "b.db")))
    assert mode(tmp_path / "copies" / "b.db") == 0o600
    connection = sqlite3.connect(jane)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO event (at, actor, action, subject, summary) VALUES (1, 'a', 'b', 'c', 'd')"
    )
    wal = jane.with_name(jane.name + "-wal")
    assert wal.exists() and mode(wal) == 0o600
    connection.rollback()
    connection.close()


def test_check_passes_a_healthy_database(jane):
    ok(T("done", "1", "2"))
    ok(T("reopen", "2"))
    ok(T("waive", "3", "--reason", "n/a"))
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-01"))
    ok(T("member", "set", "jane", "--option", "separate"))
    out = ok(T("check"))
    assert out.startswith("ok: checked 1 elections, 1 members, 1 accounts,")
    assert as_json(T("check", "--json"))["ok"] is True


def _tamper(path, *statements):
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("statements", "problem"),
    [
        (
            ["UPDATE checklist_item SET status = 'done' WHERE id = 1"],
            "item 1 is done, but its audit trail ends at open",
        ),
        (
            ["UPDATE checklist_item SET step_id = 'made-up' WHERE id = 2"],
            "item 2: step 'made-up' is not in its election's profile",
        ),
        (
            [
                "DROP TRIGGER event_append_only_delete",
                "DELETE FROM event WHERE action = 'account.added'",
            ],
            "account 1 has no account.added event",
        ),
        (
            [
                "PRAGMA foreign_keys = OFF",
                "UPDATE checklist_item SET candidacy_id = 99 WHERE id = 3",
            ],
            "item 3 belongs to candidacy 99, which does not exist",
        ),
    ],
)
def test_check_names_every_problem(jane, statements, problem):
    _tamper(jane, *statements)
    result = T("check")
    assert result.returncode == 1
    assert problem in result.stdout
    assert result.stderr.startswith("transition: error: check found")
