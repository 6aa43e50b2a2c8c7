"""Exports that cannot hurt their readers, private files, and what `check` finds."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from harness.council import Council
from harness.records import (
    TAMPERINGS,
    TODAY,
    check,
    checklist,
    export_text,
    jane,
    jane_with_history,
    tamper,
)

from transition.store.backends.sqlite import backup_to


@pytest.fixture
def jane_file(db_path):
    """The 2030 election and Jane Doe, in the SQLite file of TRANSITION_DB."""
    jane(Council(str(db_path), today=TODAY))
    return db_path


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_export_neutralises_formulas(jane_file, start):
    item = checklist(jane_file)[0]["id"]
    note = f'{start}HYPERLINK("http://evil.example","x")'
    Council(str(jane_file), today=TODAY).write(
        lambda tracker: tracker.mark.done([item], note=note, evidence=None)
    )
    text = export_text(jane_file, "csv")
    assert f"'{start}HYPERLINK" in text
    assert f",{start}HYPERLINK" not in text and f',"{start}HYPERLINK' not in text


def test_database_wal_and_backups_are_owner_only(jane_file, tmp_path):
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(jane_file) == 0o600
    backup_to(jane_file, tmp_path / "copies" / "b.db")
    assert mode(tmp_path / "copies" / "b.db") == 0o600
    connection = sqlite3.connect(jane_file)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO event (at, actor, action, subject, summary) VALUES (1, 'a', 'b', 'c', 'd')"
    )
    wal = jane_file.with_name(jane_file.name + "-wal")
    assert wal.exists() and mode(wal) == 0o600
    connection.rollback()
    connection.close()


def test_check_passes_a_healthy_database(jane_file):
    jane_with_history(jane_file)
    found, checked, doubts = check(jane_file)
    assert (found, doubts) == ([], [])
    assert list(checked.items())[:3] == [("elections", 1), ("members", 1), ("accounts", 1)]


@pytest.mark.parametrize(("statements", "problem"), TAMPERINGS)
def test_check_names_every_problem(jane_file, statements, problem):
    tamper(jane_file, *statements)
    found, _, _ = check(jane_file)
    assert any(problem in line for line in found), found
