"""The audit commands as a user runs them, on both stores: what `log`,
`fingerprint`, `verify`, `check` and `status` print of the trail, their exit
statuses, and the sign-off sheet. The trail itself (who is recorded, the
chain, the anchors) is tested through the tracker in tests/store/test_audit.py."""

from __future__ import annotations

import os
from datetime import date

import pytest
from conftest import as_json, invoke_transition, ok
from harness.council import Council
from harness.records import jane_trail
from pdf_reading import page_texts
from pypdf import PdfReader

T = invoke_transition

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def trail(store) -> None:
    """Jane's record with a few changes by several people (built through the store)."""
    jane_trail(Council(os.environ["TRANSITION_DB"], today=date(2030, 4, 1)))


@pytest.fixture
def tamper(direct):
    """Change the trail as its owner would: its triggers set aside first."""
    return lambda statement: direct(statement, "event", set_aside=True)


def test_the_log_shows_who_was_signed_in_beside_who_was_named(trail):
    signed_in = as_json(T("log", "--json"))[0]["recorded_by"]
    assert f"Sam, recorded by {signed_in}" in ok(T("log"))
    # TRANSITION_USER and --by name someone; neither changes who was signed in
    ok(T("reopen", "1", "--by", "Mallory", env={"USER": "mallory", "LOGNAME": "mallory"}))
    newest = as_json(T("log", "--json"))[0]
    assert (newest["actor"], newest["recorded_by"]) == ("Mallory", signed_in)


def test_fingerprint_and_verify_print_and_exit_as_they_say(trail):
    fingerprint = ok(T("fingerprint")).strip()
    count, head, _ = fingerprint.split("-")
    parts = as_json(T("fingerprint", "--json"))
    assert parts["fingerprint"] == fingerprint and fingerprint.startswith(f"{parts['events']}-")
    assert "holds" in ok(T("verify", fingerprint))
    ok(T("done", "3"))  # the record grows: the old fingerprint still holds
    assert "2 event(s) were added since" in ok(T("verify", fingerprint))
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
    text = " ".join(page_texts(tmp_path / "s.pdf"))
    assert fingerprint in text and "Sam, recorded by" in text
    assert "https://example.org/post/1" in text  # whole, on one line
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/URI")
    ]
    assert links == ["https://example.org/post/1"]


def test_check_and_verify_fail_on_a_trail_tampered_with(trail, tamper):
    """Each kind of tampering, and what is said of it: tests/store/test_audit.py."""
    assert ok(T("check")).startswith("ok: ")
    fingerprint = ok(T("fingerprint")).strip()
    tamper("UPDATE event SET actor = 'Someone Else' WHERE id = 3")
    check = T("check")
    assert check.returncode == 1
    assert "audit trail: event 3 was edited" in check.stdout, check.stdout
    verify = T("verify", fingerprint)
    assert verify.returncode == 1 and "the record has changed" in verify.stderr


def test_a_trail_cut_off_is_warned_of_until_it_is_anchored(trail, tamper):
    """What this machine's anchor says (of a trail cut off, or rewritten whole):
    tests/store/test_audit.py."""
    ok(T("status"))  # this machine sees the record, and anchors it
    tamper("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    status = T("status")
    assert status.returncode == 0
    assert "it was cut off since" in status.stderr, status.stderr
    assert "it was cut off since" in T("status").stderr  # until told otherwise
    check = T("check")
    assert check.returncode == 1 and "this machine's anchor: " in check.stdout
    ok(T("fingerprint", "--anchor"))
    assert T("status").stderr == ""
