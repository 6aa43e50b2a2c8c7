"""What `check`, `verify` and `render signoff` say of a row changed around
transition, as a user sees it, on both stores. Which changes the trail names,
and how: tests/store/test_contents.py."""

from __future__ import annotations

import os
from datetime import date

import pytest
from conftest import invoke_transition, ok, run_transition
from harness.council import JANE, Council

T = invoke_transition

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def marked(store) -> None:
    """Jane's record, her first step marked done by Sam (built through the store)."""
    council = Council(os.environ["TRANSITION_DB"], today=date(2030, 4, 1))
    council.add(JANE)
    council.write(lambda tracker: tracker.mark.done([1], note=None, evidence=None), actor="Sam")


def test_a_row_changed_around_transition_is_shown_by_the_console_script(marked, direct):
    fingerprint = ok(T("fingerprint")).strip()
    assert "holds for Jane Doe" in ok(T("verify", fingerprint, "--member", "jane"))
    direct(
        "UPDATE checklist_item SET done_by = 'Councillor Herself' WHERE id = 1", "checklist_item"
    )
    check = run_transition("check")  # what a user sees, from the console script
    assert check.returncode == 0, check.stdout
    assert "changed outside transition: done_by 'Sam' -> 'Councillor Herself'" in check.stdout
    for args in ((), ("--member", "jane")):
        verify = run_transition("verify", fingerprint, *args)
        assert verify.returncode == 1, verify.stdout
        assert "checklist_item 1 changed outside transition" in verify.stderr


def test_a_row_changed_with_its_triggers_set_aside_fails_check_verify_and_the_sheet(
    marked, direct, tmp_path
):
    fingerprint = ok(T("fingerprint")).strip()
    direct("UPDATE member SET name = 'Someone Else' WHERE id = 1", "member", set_aside=True)
    check = T("check")
    assert check.returncode == 1
    assert "member 1: name is " in check.stdout, check.stdout
    assert "changed without an event" in check.stdout
    verify = T("verify", fingerprint)
    assert verify.returncode == 1 and "member 1: name" in verify.stderr
    sheet = T("render", "signoff", "Someone Else", "-o", str(tmp_path / "s.html"))
    assert sheet.returncode == 1 and "changed without an event" in sheet.stderr
    assert not (tmp_path / "s.html").exists()
