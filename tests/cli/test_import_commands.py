"""`transition import`: what it says it imported, and a refused file in one line
with exit status 1 (the store's side, all or nothing, is tests/store/test_import.py)."""

from __future__ import annotations

import os

import pytest
from conftest import invoke_transition, ok
from harness.council import Council
from harness.records import BAD_FILES, MEMBERS_HEADER, TODAY

T = invoke_transition


@pytest.fixture
def election(db_path) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=TODAY)
    council.election()
    return council


def refused_in_one_line(*args: str) -> str:
    result = T(*args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("transition: error: ")
    return result.stderr


def test_an_import_says_how_many_rows_were_new_and_updated(election, tmp_path):
    (tmp_path / "m.csv").write_text(MEMBERS_HEADER + "Jane Doe,7,,yes,single,2030-05-06,planned\n")
    (tmp_path / "a.csv").write_text("member,platform,handle,role\nJane Doe,X,@CllrDoe,single\n")
    assert "1 new, 0 updated" in ok(T("import", "members", "m.csv"))
    assert "1 new, 0 updated" in ok(T("import", "accounts", "a.csv"))
    assert "0 new, 1 updated" in ok(T("import", "members", "m.csv"))


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=lambda v: str(v)[:30])
def test_a_bad_file_is_refused_in_one_line(election, tmp_path, content, message):
    (tmp_path / "bad.csv").write_text(content)
    assert message in refused_in_one_line("import", "members", "bad.csv")


def test_another_encoding_is_refused_with_the_line(election, tmp_path):
    (tmp_path / "latin.csv").write_bytes((MEMBERS_HEADER + "Zoë,3,,,,,\n").encode("latin-1"))
    assert "not UTF-8 text (line 2)" in refused_in_one_line("import", "members", "latin.csv")


def test_accounts_for_unknown_members_name_the_line(election, tmp_path):
    (tmp_path / "a.csv").write_text("member,platform,handle,role\nNobody,X,@x,council\n")
    said = refused_in_one_line("import", "accounts", "a.csv")
    assert "line 2: there is no member named exactly 'Nobody'" in said


def test_a_file_of_many_bad_rows_is_refused_in_a_line_one_can_read(election, tmp_path):
    (tmp_path / "a.csv").write_text(
        "member,platform,handle,role\n"
        + "".join(f"Nobody {n},X,@n{n},single\n" for n in range(500))
    )
    said = refused_in_one_line("import", "accounts", "a.csv")
    assert "500 bad rows" in said and "and 490 more like them" in said
    assert said.count("line ") == 10
