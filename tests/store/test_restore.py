"""Moving a record whole: export, then restore into an empty database of either kind."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

import pytest
from harness.council import Council
from harness.records import (
    BROKEN,
    TODAY,
    broken,
    check,
    export_text,
    export_to,
    isolated,
    jane_elsewhere,
    log,
    members,
    restore,
    write_json,
)

from transition.errors import TransitionError
from transition.store.migrations import HEAD

#: Each test restores into a SQLite file and into a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A small record with a done step, an override and a filing date, exported
    from a SQLite file of its own (once: no test changes it)."""
    folder = tmp_path_factory.mktemp("office")
    with isolated(folder):
        return export_to(jane_elsewhere(folder / "office.db"), folder / "record.json")


@pytest.fixture
def exported(recorded, tmp_path):
    path = tmp_path / "record.json"
    path.write_bytes(recorded.read_bytes())
    return path


@pytest.fixture
def db(store) -> str:
    """The empty record the test restores into."""
    return os.environ["TRANSITION_DB"]


def test_a_restored_record_exports_the_same(db, exported):
    counts = restore(db, exported)
    assert list(counts.items())[:6] == [
        ("elections", 1), ("members", 1), ("accounts", 1),
        ("candidacies", 1), ("checklist", 6), ("overrides", 1),
    ]  # fmt: skip
    again = export_text(db)
    assert again == exported.read_text()
    assert export_text(db) == again  # the same record, the same bytes
    newest = log(db)[0]
    assert newest["actor"] == "Sam" and newest["action"] == "item.done"
    assert check(db)[0] == []
    # and it carries on
    carried = Council(db, today=date(2030, 5, 8)).write(
        lambda tracker: tracker.mark.done([2], note=None, evidence=None)
    )
    assert carried[0].startswith("item 2 done")


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_a_restored_shared_database_is_analysed_for_its_planner(db, exported, postgres):
    """Restored rows are counted for the server's planner at once, not when
    autovacuum comes by: queries planned blind took the province's status
    from 0.6 s to 1.0 s."""
    restore(db, exported)
    analysed = postgres.psql(
        "SELECT count(*) FROM pg_stat_user_tables "
        "WHERE relname IN ('member', 'candidacy', 'checklist_item', 'event') "
        "AND last_analyze IS NOT NULL",
        db.rsplit("/", 1)[1],
    )
    assert analysed.strip() == "4"


def test_a_database_that_holds_a_record_is_refused_untouched(db, exported):
    council = Council(db, today=TODAY)
    council.write(lambda tracker: tracker.change.add_member("Pat Lee", "3", "councillor"))
    before = export_text(db)
    with pytest.raises(TransitionError, match="already holds a record"):
        restore(db, exported)
    assert export_text(db) == before


@pytest.mark.parametrize(("how", "message"), BROKEN)
def test_a_file_that_is_not_a_complete_export_is_refused_and_nothing_kept(
    store, db, exported, tmp_path, how, message
):
    bad = write_json(tmp_path / "bad.json", broken(json.loads(exported.read_text()), how))
    with pytest.raises(TransitionError) as refused:
        restore(db, bad)
    assert "\n" not in str(refused.value) and message in str(refused.value), refused.value
    if store == "sqlite":
        assert not (tmp_path / "transition.db").exists()
    else:
        assert json.loads(export_text(db))["members"] == [] and members(db) == []


def test_an_export_of_the_first_release_restores_at_the_current_schema(db, tmp_path):
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
    restore(db, write_json(tmp_path / "old.json", export))
    restored = json.loads(export_text(db))
    assert restored["schema"] == HEAD
    assert [m["name"] for m in restored["members"]] == ["Jane Doe"]
    assert restored["events"][0]["actor"] == "clerk" and "item_id" in restored["events"][0]
