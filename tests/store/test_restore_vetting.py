"""A restore checks what it loads as the commands check what people type: a
crafted export is refused in one line, and nothing is left behind."""

from __future__ import annotations

import json

import pytest
from conftest import as_json, invoke_transition, ok

T = invoke_transition

#: Each test restores into a SQLite file and into a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def export(tmp_path):
    """A small record, exported from a SQLite file of its own."""
    source = ("--db", str(tmp_path / "office.db"))
    ok(T("election", "add", "--year", "2030", *source))
    ok(T("member", "add", "Jane Doe", "--ward", "7", *source))
    ok(T("account", "add", "jane", "--platform", "X", "--handle", "@CllrDoe", "--role",
         "single", "--email", "jane@toronto.ca", *source))  # fmt: skip
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single", *source))
    ok(T("done", "1", "--by", "Sam", "--today", "2030-05-02", *source))
    return json.loads(T("export", *source).stdout)


def _event(data: dict, action: str) -> dict:
    return next(event for event in data["events"] if event["action"] == action)


CRAFTED = {
    "an edited event": (
        lambda d: _event(d, "item.done").update(actor="Councillor Herself"),
        "the export's audit trail does not hold: event",
    ),
    "chains dropped": (
        lambda d: [event.update(chain=None) for event in d["events"]],
        "carries no hash",
    ),
    "a row changed without an event": (
        lambda d: d["checklist"][0].update(done_by="Councillor Herself"),
        "the export's rows are not what its audit trail says (checklist_item 1: done_by",
    ),
    "a status of its own": (
        lambda d: d["checklist"][0].update(status="pwned"),
        "status 'pwned' is not one of open, done, waived",
    ),
    "an office of its own": (
        lambda d: d["members"][0].update(office="emperor"),
        "office 'emperor' is not one of",
    ),
    "an escape in a name": (
        lambda d: d["members"][0].update(name="Jane\x1b[2J Doe"),
        "control characters",
    ),
    "a direction override in a name": (
        lambda d: d["members"][0].update(name="Jane \u202eeoD"),
        "invisible characters",
    ),
    "an event of a member not there": (
        lambda d: _event(d, "member.added").update(member_id=77),
        "names a member the export does not hold",
    ),
    "a key of its own": (lambda d: d.update(extra=[]), "keys no export has (extra)"),
    "an id past any database's": (
        lambda d: d["members"][0].update(id=2**70),
        "id 1180591620717411303424 is not an id",
    ),
    "an id that is text": (lambda d: d["events"][0].update(id="1"), "id '1' is not an id"),
    "a flag that is NaN": (
        lambda d: d["accounts"][0].update(uses_logo=float("nan")),
        "uses_logo nan is not true or false",
    ),
    "an event's after as an object": (
        lambda d: d["events"][0].update(after={"x": 1}),
        "after {'x': 1} is not text",
    ),
    "an event twice": (lambda d: d["events"].append(dict(d["events"][-1])), "is there twice"),
    "the last event gone": (
        lambda d: d["events"].remove(_event(d, "item.done")),
        "the export's steps are not what its audit trail says",
    ),
    "a hash that is no hash": (
        lambda d: d["events"][0].update(chain="not-a-hash"),
        "is not a SHA-256 in hex",
    ),
}


@pytest.mark.parametrize("how", CRAFTED)
def test_a_crafted_export_is_refused_and_nothing_kept(store, export, tmp_path, how):
    craft, message = CRAFTED[how]
    craft(export)
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(export))
    refused = T("restore", str(path))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and message in refused.stderr, refused.stderr
    if store == "sqlite":
        assert not (tmp_path / "transition.db").exists()
    else:
        assert as_json(T("member", "list", "--json")) == []


def test_an_export_from_before_the_chain_says_where_the_chain_begins(export, tmp_path):
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
    export["checklist"][0]["done_by"] = "Councillor Herself"  # what no one could check
    path = tmp_path / "old.json"
    path.write_text(json.dumps(export))
    ok(T("restore", str(path)))
    actions = [event["action"] for event in as_json(T("log", "--json"))]
    assert actions[:2] == ["trail.restored", "trail.baseline"]  # newest first
    restored = as_json(T("log", "--json"))[0]["summary"]
    assert "whose trail had no hash chain" in restored and "only from here" in restored
    ok(T("check"))
