"""Who really did it, and a trail no one can rewrite unseen, on both stores."""

from __future__ import annotations

import sqlite3
import subprocess

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
        with sqlite3.connect(url) as connection:
            connection.execute("DROP TRIGGER event_append_only_update")
            connection.execute("DROP TRIGGER event_append_only_delete")
            connection.execute(statement)
        connection.close()
        return
    name = url.rsplit("/", 1)[1]
    postgres.psql(f"ALTER TABLE event DISABLE TRIGGER USER; {statement}", name)


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
