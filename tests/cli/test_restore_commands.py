"""`transition restore`: what it says it restored, and a refused file in one line
with exit status 1 (what a restore keeps and refuses is tests/store/test_restore.py
and tests/store/test_restore_vetting.py)."""

from __future__ import annotations

import json

import pytest
from conftest import invoke_transition, ok
from harness.records import (
    BROKEN,
    CRAFTED,
    broken,
    export_to,
    isolated,
    jane_elsewhere,
    write_json,
)

T = invoke_transition

#: Each test restores into a SQLite file and into a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """Jane Doe's record with an override and a filing date, exported once."""
    folder = tmp_path_factory.mktemp("office")
    with isolated(folder):
        return export_to(jane_elsewhere(folder / "office.db"), folder / "record.json")


@pytest.fixture
def exported(recorded, tmp_path):
    path = tmp_path / "record.json"
    path.write_bytes(recorded.read_bytes())
    return path


def refused_in_one_line(*args: str) -> str:
    result = T(*args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("transition: error: ")
    return result.stderr


def test_a_restore_says_what_it_restored_and_exports_the_same(exported):
    said = ok(T("restore", str(exported)))
    assert "1 elections, 1 members, 1 accounts, 1 candidacies, 6 checklist, 1 overrides" in said
    again = T("export").stdout
    assert again == exported.read_text()
    assert T("export").stdout == again  # the same record, the same bytes


def test_a_database_that_holds_a_record_is_refused_in_one_line(exported):
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    assert "already holds a record" in refused_in_one_line("restore", str(exported))


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("how", "message"), BROKEN)
def test_a_file_that_is_not_a_complete_export_is_refused_in_one_line(
    exported, tmp_path, how, message
):
    bad = write_json(tmp_path / "bad.json", broken(json.loads(exported.read_text()), how))
    assert message in refused_in_one_line("restore", str(bad))


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    """Jane Doe's record with step 1 done by Sam, exported once."""
    folder = tmp_path_factory.mktemp("office")
    with isolated(folder):
        path = jane_elsewhere(folder / "office.db", override_and_filing=False)
        return json.loads(export_to(path, folder / "record.json").read_text())


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", CRAFTED)
def test_a_crafted_export_is_refused_in_one_line(small_export, tmp_path, how):
    craft, message = CRAFTED[how]
    export = json.loads(json.dumps(small_export))
    craft(export)
    path = write_json(tmp_path / "crafted.json", export)
    assert message in refused_in_one_line("restore", str(path))
