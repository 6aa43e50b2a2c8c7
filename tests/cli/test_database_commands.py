"""The database file as the commands name it and refuse it: `--db` and its
forms, what `init` says, and each refusal as one line with exit status 1.
The file itself (created, upgraded, refused untouched): tests/store/test_database.py."""

from __future__ import annotations

import pytest
from conftest import as_json, invoke_transition, ok
from harness.records import NOT_OURS

T = invoke_transition


def test_init_says_the_default_database_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TRANSITION_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    out = ok(T("init"))
    assert str(tmp_path / "data" / "transition" / "transition.db") in out


def test_db_option_and_sqlalchemy_url(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    ok(T("init", "--db", str(first)))
    ok(T("init", "--db", f"sqlite:///{second}"))
    assert first.exists() and second.exists()
    ok(T("election", "add", "--year", "2030", "--db", str(first)))
    assert (
        as_json(T("election", "list", "--json", "--db", f"sqlite:///{first}"))[0]["name"] == "2030"
    )
    assert as_json(T("election", "list", "--json", "--db", str(second))) == []


@pytest.mark.parametrize("kind", NOT_OURS)
def test_files_that_are_not_ours_are_refused_and_left_alone(tmp_path, kind):
    make, message = NOT_OURS[kind]
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    for args in (["status"], ["member", "add", "Jane", "--ward", "1"], ["init"]):
        result = T(*args, "--db", str(path))
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_a_folder_that_does_not_exist_is_refused(tmp_path):
    result = T("init", "--db", str(tmp_path / "missing" / "transition.db"))
    assert result.returncode == 1
    assert "does not exist; create it or choose another --db" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_a_folder_given_as_the_database_is_refused(tmp_path):
    result = T("init", "--db", str(tmp_path))
    assert result.returncode == 1 and "is a folder" in result.stderr
