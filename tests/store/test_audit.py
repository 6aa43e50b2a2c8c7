"""Who really did it, and a trail no one can rewrite unseen, on both stores."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import as_json, invoke_transition, ok
from pypdf import PdfReader

T = invoke_transition

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def trail(jane):
    """Jane's record with a few changes by several people."""
    ok(T("done", "1", "--by", "Sam", "--evidence", "https://example.org/post/1"))
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned"))
    ok(T("note", "2", "--note", "draft ready", "--by", "Alex"))
    return jane


def test_every_event_records_who_was_signed_in_beside_who_was_named(trail, store):
    log = as_json(T("log", "--json"))
    signed_in = log[0]["recorded_by"]
    assert signed_in and all(event["recorded_by"] == signed_in for event in log)
    done = next(e for e in log if e["action"] == "item.done")
    assert done["actor"] == "Sam"  # what --by said
    assert f"Sam, recorded by {signed_in}" in ok(T("log"))
    exported = as_json(T("export"))
    assert {e["recorded_by"] for e in exported["events"]} == {signed_in}
    # TRANSITION_USER and --by name someone; neither changes who was signed in
    ok(T("reopen", "1", "--by", "Mallory", env={"USER": "mallory", "LOGNAME": "mallory"}))
    assert as_json(T("log", "--json"))[0]["recorded_by"] == signed_in


def test_the_fingerprint_pins_the_record_and_verify_checks_it(trail):
    fingerprint = ok(T("fingerprint")).strip()
    count, head, contents = fingerprint.split("-")
    events = as_json(T("log", "--rows", "--json"))
    assert int(count) == len(events) and len(head) == len(contents) == 16
    parts = as_json(T("fingerprint", "--json"))
    assert parts["fingerprint"] == fingerprint and parts["head"].startswith(head)
    assert len(parts["head"]) == len(parts["contents"]) == 64
    assert parts["contents"].startswith(contents)
    assert "holds" in ok(T("verify", fingerprint))
    ok(T("done", "3"))  # the record grows: the old fingerprint still holds
    said = ok(T("verify", fingerprint))
    assert "holds" in said and "2 event(s) were added since" in said
    wrong = T("verify", f"{count}-{'0' * 16}")
    assert wrong.returncode == 1 and "the record has changed" in wrong.stderr
    wrong = T("verify", f"{count}-{head}-{'0' * 16}")
    assert wrong.returncode == 1 and "the record has changed" in wrong.stderr
    bad = T("verify", "not-a-fingerprint")
    assert bad.returncode == 2 and "is not a fingerprint" in bad.stderr


def test_the_sign_off_sheet_carries_the_fingerprint_and_both_names(trail, tmp_path):
    fingerprint = ok(T("fingerprint")).strip()
    ok(T("render", "signoff", "jane", "-o", str(tmp_path / "s.pdf")))
    reader = PdfReader(tmp_path / "s.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert fingerprint in text and "Sam, recorded by" in text
    assert "https://example.org/post/1" in text  # whole, on one line
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/URI")
    ]
    assert links == ["https://example.org/post/1"]


TAMPERING = {
    "edit": "UPDATE event SET actor = 'Someone Else' WHERE id = 3",
    "delete": "DELETE FROM event WHERE id = 3",
    "reorder": (
        "UPDATE event SET at = (SELECT min(at) FROM event) WHERE id = (SELECT max(id) FROM event)"
    ),
    "insert": (
        "INSERT INTO event (id, at, actor, action, subject, summary) "
        "SELECT max(id) + 1, max(at), 'intruder', 'item.done', 'item 1', 'done' FROM event"
    ),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_with_the_trail_is_found_by_check_and_verify(trail, store, postgres_or_none, how):
    fingerprint = ok(T("fingerprint")).strip()
    _tamper(store, postgres_or_none, TAMPERING[how])
    check = T("check")
    assert check.returncode == 1
    assert "audit trail: event" in check.stdout
    expected = {"edit": "event 3 was edited", "delete": "event 4 follows event 2",
                "reorder": "inserted out of order", "insert": "carries no hash"}[how]  # fmt: skip
    assert expected in check.stdout, check.stdout
    if how != "insert":  # an event added after the fingerprint leaves what it pinned
        verify = T("verify", fingerprint)
        assert verify.returncode == 1 and "the record has changed" in verify.stderr
        assert expected in verify.stderr or "hash" in verify.stderr


@pytest.fixture
def postgres_or_none(request, store):
    return request.getfixturevalue("postgres") if store == "postgresql" else None


def _tamper(store: str, postgres, statement: str) -> None:
    """Change the trail as its owner would: triggers dropped or disabled first."""
    import os

    url = os.environ["TRANSITION_DB"]
    if store == "sqlite":
        _around_triggers(url, [statement])
        return
    name = url.rsplit("/", 1)[1]
    postgres.psql(f"ALTER TABLE event DISABLE TRIGGER USER; {statement}", name)


def _around_triggers(path: str, statements: list[str]) -> None:
    """Run SQL on a SQLite trail with its triggers dropped, then made again, as
    someone covering their tracks would."""
    with sqlite3.connect(path) as connection:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event'"
        ).fetchall()
        for name, _ in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        for _, made in triggers:
            connection.execute(made)
    connection.close()


def test_concurrent_writers_leave_one_unbroken_chain(jane, store):
    ids = [str(row["id"]) for row in as_json(T("checklist", "--json"))]
    workers = [
        subprocess.Popen(
            [*_script(), "done", item, "--by", f"staff{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, item in enumerate(ids)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    check = ok(T("check"))
    assert check.startswith("ok: ")
    assert len(as_json(T("log", "--rows", "--json"))) == int(ok(T("fingerprint")).split("-")[0])


def _script() -> list[str]:
    from harness import SCRIPT

    return [str(SCRIPT)]


def test_a_trail_rewritten_whole_is_seen_by_the_machine_that_saw_it(trail, store, postgres_or_none):
    """Every hash recomputed after an edit passes check; this machine's anchor
    still knows the trail it saw, and says so until told to trust the new one."""
    from transition.store.trail.chain import event_hash

    ok(T("status"))  # this machine sees the record, and anchors it
    url = os.environ["TRANSITION_DB"]
    events = as_json(T("export"))["events"]
    events[2]["summary"] = "a summary no one wrote"
    previous, rewritten = "0" * 64, []
    for event in events:
        event["at"] = datetime.fromisoformat(event["at"])
        previous = event_hash(previous, SimpleNamespace(**event))
        rewritten.append((event["summary"], previous, event["id"]))
    statements = [
        f"UPDATE event SET summary = '{summary}', chain = '{chain}' WHERE id = {number}"
        for summary, chain, number in rewritten
    ]
    if store == "sqlite":
        _around_triggers(url, statements)
    else:
        postgres_or_none.psql(
            "ALTER TABLE event DISABLE TRIGGER USER; " + "; ".join(statements),
            url.rsplit("/", 1)[1],
        )
    status = T("status")
    assert status.returncode == 0
    assert "the trail was rewritten since" in status.stderr, status.stderr
    assert "the trail was rewritten since" in T("status").stderr  # until told otherwise
    ok(T("fingerprint", "--anchor"))
    assert T("status").stderr == ""


def test_a_trail_cut_off_is_seen_by_the_machine_that_saw_it(trail, store, postgres_or_none):
    ok(T("status"))
    _tamper(store, postgres_or_none, "DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    status = T("status")
    assert "it was cut off since" in status.stderr, status.stderr
    check = T("check")
    assert check.returncode == 1 and "this machine's anchor: " in check.stdout


def test_the_readmes_script_recomputes_the_fingerprint_from_an_export(trail, tmp_path):
    """A third party's check needs nothing of transition's: the README's own
    script, run on an export, prints the fingerprint transition prints."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### Checking a fingerprint without transition", 1)[1]
    script = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "check.py").write_text(script)
    export = tmp_path / "export.json"
    ok(T("export", "-o", str(export)))
    events = len(as_json(T("export"))["events"])
    done = subprocess.run(
        [sys.executable, str(tmp_path / "check.py"), str(export), str(events)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ok(T("fingerprint")).strip()


def test_a_damaged_anchors_file_anchors_nothing_and_is_replaced(trail):
    state = Path(os.environ["TRANSITION_STATE_DIR"]) / "anchors.json"
    ok(T("status"))
    record = next(iter(json.loads(state.read_text())))
    for damaged in ("{not json", json.dumps({record: {"events": "many", "head": 3}}),
                    json.dumps({record: {"events": 2**80, "head": "x"}}), "[]"):  # fmt: skip
        state.write_text(damaged)
        status = T("status")
        assert status.returncode == 0 and status.stderr == "", status.stderr
    assert json.loads(state.read_text())[record]["events"] > 0
