"""A restore checks what it loads as the commands check what people type: a
crafted export is refused in one line, and nothing is left behind."""

from __future__ import annotations

import json
import os

import pytest
from harness.records import (
    CRAFTED,
    check,
    export_to,
    isolated,
    jane_elsewhere,
    log,
    members,
    restore,
    write_json,
)

from transition.errors import TransitionError

#: Each test restores into a SQLite file and into a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A small record, exported from a SQLite file of its own (once)."""
    folder = tmp_path_factory.mktemp("office")
    with isolated(folder):
        path = jane_elsewhere(folder / "office.db", override_and_filing=False)
        return json.loads(export_to(path, folder / "record.json").read_text())


@pytest.fixture
def export(exported) -> dict:
    """The export, for the test to change."""
    return json.loads(json.dumps(exported))


@pytest.fixture
def db(store) -> str:
    return os.environ["TRANSITION_DB"]


@pytest.mark.parametrize("how", CRAFTED)
def test_a_crafted_export_is_refused_and_nothing_kept(store, db, export, tmp_path, how):
    craft, message = CRAFTED[how]
    craft(export)
    path = write_json(tmp_path / "crafted.json", export)
    with pytest.raises(TransitionError) as refused:
        restore(db, path)
    said = str(refused.value)
    assert "\n" not in said and message in said, said
    if store == "sqlite":
        assert not (tmp_path / "transition.db").exists()
    else:
        assert members(db) == []


def test_an_export_from_before_the_chain_says_where_the_chain_begins(db, export, tmp_path):
    """Relabelled as an export of schema 0003 and its chain dropped, an edited
    record restores, and the trail says its chain begins at the restore."""
    export["schema"] = "0003_event_item"
    export["events"] = [
        {k: v for k, v in event.items() if k not in ("chain", "recorded_by")}
        for event in export["events"]
        if not event["action"].startswith("row.")
    ]
    for number, event in enumerate(export["events"], start=1):
        event["id"] = number  # as the trail of that schema numbered them
    for key, columns in (  # the columns schema 0009 added
        ("elections", ("clerk_email",)),
        ("members", ("emails",)),
        ("checklist", ("owner", "owner_email")),
    ):
        for row in export[key]:
            for column in columns:
                del row[column]
    export["checklist"][0]["done_by"] = "Councillor Herself"  # what no one could check
    restore(db, write_json(tmp_path / "old.json", export))
    trail = log(db)
    assert [event["action"] for event in trail][:2] == ["trail.restored", "trail.baseline"]
    restored = trail[0]["summary"]  # newest first
    assert "whose trail had no hash chain" in restored and "only from here" in restored
    assert check(db)[0] == []
