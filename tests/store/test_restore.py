"""Moving a record whole: export, then restore into an empty database of either kind."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import as_json, invoke_transition, ok

from transition.store.migrations import HEAD

T = invoke_transition

#: Each test restores into a SQLite file and into a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def exported(tmp_path, jane_elsewhere):
    """A small record with a done step, an override and a filing date, exported."""
    path = tmp_path / "record.json"
    ok(T("export", "--db", str(jane_elsewhere), "-o", str(path)))
    return path


@pytest.fixture
def jane_elsewhere(tmp_path):
    """The record to move, in a SQLite file of its own."""
    source = tmp_path / "office.db"
    db = ("--db", str(source))
    ok(T("election", "add", "--year", "2030", *db))
    ok(T("election", "set", "2030", "--office", "mayor", "--nomination-day", "2030-09-13",
         "--source", "a test act", *db))  # fmt: skip
    ok(T("member", "add", "Jane Doe", "--ward", "7", *db))
    ok(T("account", "add", "jane", "--platform", "X", "--handle", "@CllrDoe", "--role", "single",
         "--email", "jane@toronto.ca", *db))  # fmt: skip
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single", *db))
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--today", "2030-05-07", *db))
    ok(T("done", "1", "--by", "Sam", "--evidence", "https://example.org/1", "--today",
         "2030-05-02", *db))  # fmt: skip
    return source


def test_a_restored_record_exports_the_same(exported):
    said = ok(T("restore", str(exported)))
    assert "1 elections, 1 members, 1 accounts, 1 candidacies, 6 checklist, 1 overrides" in said
    again = T("export").stdout
    assert again == exported.read_text()
    assert T("export").stdout == again  # the same record, the same bytes
    log = as_json(T("log", "--json"))
    assert log[0]["actor"] == "Sam" and log[0]["action"] == "item.done"
    ok(T("check"))
    ok(T("done", "2", "--today", "2030-05-08"))  # and it carries on


def test_a_database_that_holds_a_record_is_refused_untouched(exported):
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    before = T("export").stdout
    refused = T("restore", str(exported))
    assert refused.returncode == 1 and "already holds a record" in refused.stderr
    assert T("export").stdout == before


def _broken(data: dict, how: str) -> dict | list | str:
    if how == "not an export":
        return {"tables": []}
    if how == "unknown schema":
        return {**data, "schema": "9999_future"}
    if how == "a table missing":
        return {k: v for k, v in data.items() if k != "members"}
    if how == "a column missing":
        data["members"][0].pop("ward")
        return data
    if how == "a bad date":
        data["candidacies"][0]["filing_date"] = "the sixth of May"
        return data
    if how == "an item of a missing candidacy":
        data["checklist"][0]["candidacy_id"] = 99
        return data
    return "[1, 2"


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("not an export", "is not a transition export"),
        ("unknown schema", "schema '9999_future', which this transition cannot read"),
        ("a table missing", "the export has no 'members'"),
        ("a column missing", "row 1 of 'members' does not have the columns"),
        ("a bad date", "'the sixth of May' is not a date"),
        ("an item of a missing candidacy", "nothing was changed"),
        ("not JSON", "not JSON"),
    ],
)
def test_a_file_that_is_not_a_complete_export_is_refused_and_nothing_kept(
    store, exported, tmp_path, how, message
):
    data = json.loads(exported.read_text())
    bad = tmp_path / "bad.json"
    broken = _broken(data, how)
    bad.write_text(broken if isinstance(broken, str) else json.dumps(broken))
    refused = T("restore", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and message in refused.stderr, refused.stderr
    if store == "sqlite":
        assert not (tmp_path / "transition.db").exists()
    else:
        assert T("export").returncode == 0 and as_json(T("member", "list", "--json")) == []


def test_an_export_of_the_first_release_restores_at_the_current_schema(tmp_path):
    """Rows go in at the schema the export names, and the migrations bring them
    on: here the Toronto profile gains its closures and events their items."""
    from test_database import FIRST_REVISION_DATA, _database_at

    old = tmp_path / "old.db"
    _database_at(old, "0001_initial")
    with sqlite3.connect(old) as connection:
        for statement in FIRST_REVISION_DATA:
            connection.execute(statement)
    connection.close()
    export = {"format": "transition-export", "schema": "0001_initial"}
    with sqlite3.connect(old) as connection:
        connection.row_factory = sqlite3.Row
        for key, table in (("elections", "election"), ("members", "member"),
                           ("accounts", "account"), ("candidacies", "candidacy"),
                           ("checklist", "checklist_item"), ("events", "event")):  # fmt: skip
            rows = [dict(row) for row in connection.execute(f"SELECT * FROM {table}")]
            for row in rows:
                for name in ("identifies_member", "publicised", "uses_logo", "city_resources"):
                    if name in row:
                        row[name] = bool(row[name])
            export[key] = rows
    connection.close()
    path = tmp_path / "old.json"
    path.write_text(json.dumps(export))
    ok(T("restore", str(path)))
    restored = json.loads(T("export").stdout)
    assert restored["schema"] == HEAD
    assert [m["name"] for m in restored["members"]] == ["Jane Doe"]
    assert restored["events"][0]["actor"] == "clerk" and "item_id" in restored["events"][0]
