"""Who really did it, and a trail no one can rewrite unseen, on both stores:
the trail, its chain and this machine's anchors, through the tracker. What
`log`, `fingerprint`, `verify`, `check` and the sign-off sheet print of them
is tested in tests/cli/test_audit_commands.py."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from harness.council import JANE, Council
from harness.records import jane_trail

from transition.errors import TransitionError, UsageError
from transition.store.listings import checklist_rows, log_rows
from transition.store.tracker import Tracker
from transition.store.trail.chain import Fingerprint, event_hash
from transition.store.trail.integrity import doubts, fingerprint, problems, verify
from transition.store.transfer.export import export_state, export_text

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

TODAY = date(2030, 4, 1)


@pytest.fixture
def council(store) -> Council:
    return Council(os.environ["TRANSITION_DB"], today=TODAY)


@pytest.fixture
def trail(council, copies) -> Council:
    """Jane's record with a few changes by several people."""
    copies.once("Jane's trail", lambda: jane_trail(council))
    return council


def log(council: Council, limit: int | None = None, rows: bool = False) -> list[dict]:
    """The trail, newest first, as `transition log --json` lists it."""
    return council.read(lambda tracker: log_rows(tracker, None, limit, rows=rows))


def seen(tracker: Tracker) -> None:
    """Any transaction: this machine sees the record, and anchors it."""


def anchored(tracker: Tracker) -> None:
    """Trust the record as it now is (`transition fingerprint --anchor`)."""
    tracker.anchor = True


def verified(wanted: str) -> Callable[[Tracker], str]:
    return lambda tracker: verify(tracker, Fingerprint.parse(wanted))


def test_every_event_records_who_was_signed_in_beside_who_was_named(trail, monkeypatch):
    events = log(trail)
    signed_in = events[0]["recorded_by"]
    assert signed_in and all(event["recorded_by"] == signed_in for event in events)
    done = next(e for e in events if e["action"] == "item.done")
    assert done["actor"] == "Sam"  # whom the change was said to be by
    exported = trail.read(export_state)
    assert {e["recorded_by"] for e in exported["events"]} == {signed_in}
    # The actor and the environment name someone; neither changes who was signed in.
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    trail.write(lambda tracker: tracker.mark.reopen([1], note=None), actor="Mallory")
    newest = log(trail, limit=1)[0]
    assert (newest["actor"], newest["recorded_by"]) == ("Mallory", signed_in)


def test_the_fingerprint_pins_the_record_and_verify_checks_it(trail):
    taken = trail.read(fingerprint)
    count, head, contents = str(taken).split("-")
    events = log(trail, rows=True)
    assert int(count) == taken.events == len(events) and len(head) == len(contents) == 16
    parts = taken.payload()
    assert parts["fingerprint"] == str(taken) and parts["head"].startswith(head)
    assert len(parts["head"]) == len(parts["contents"]) == 64
    assert parts["contents"].startswith(contents)
    assert "holds" in trail.inspect(verified(str(taken)))
    trail.write(lambda tracker: tracker.mark.done([3], note=None, evidence=None))
    said = trail.inspect(verified(str(taken)))  # the record grew: the old fingerprint holds
    assert "holds" in said and "2 event(s) were added since" in said
    for wrong in (f"{count}-{'0' * 16}", f"{count}-{head}-{'0' * 16}"):
        with pytest.raises(TransitionError, match="the record has changed"):
            trail.inspect(verified(wrong))
    with pytest.raises(UsageError, match="is not a fingerprint"):
        Fingerprint.parse("not-a-fingerprint")


TAMPERING = {
    "edit": "UPDATE event SET actor = 'Someone Else' WHERE id = 3",
    "delete": "DELETE FROM event WHERE id = 3",
    "reorder": (
        "UPDATE event SET at = (SELECT min(at) FROM event) WHERE id = (SELECT max(id) FROM event)"
    ),
    "insert": (
        "INSERT INTO event (id, at, actor, action, subject, summary) "
        "SELECT max(id) + 1, max(at), 'intruder', 'item.done', 'item 1', 'done' FROM event"
    ),
}
#: What check and verify say of each.
FOUND = {
    "edit": "event 3 was edited",
    "delete": "event 4 follows event 2",
    "reorder": "inserted out of order",
    "insert": "carries no hash",
}


@pytest.fixture
def behind(request, store) -> Callable[..., None]:
    """Change the trail as its owner would, its triggers dropped or disabled first."""
    url = os.environ["TRANSITION_DB"]
    if store == "sqlite":
        return lambda *statements: around_triggers(url, list(statements))
    postgres = request.getfixturevalue("postgres")
    return lambda *statements: postgres.psql(
        "ALTER TABLE event DISABLE TRIGGER USER; " + "; ".join(statements), url.rsplit("/", 1)[1]
    )


def around_triggers(path: str, statements: list[str]) -> None:
    """Run SQL on a SQLite trail with its triggers dropped, then made again, as
    someone covering their tracks would."""
    with sqlite3.connect(path) as connection:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event'"
        ).fetchall()
        for name, _ in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        for _, made in triggers:
            connection.execute(made)
    connection.close()


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_with_the_trail_is_found_by_check_and_verify(trail, behind, how):
    taken = str(trail.read(fingerprint))
    behind(TAMPERING[how])
    found, _ = trail.inspect(problems)
    report = "\n".join(found)
    assert "audit trail: event" in report
    assert FOUND[how] in report, report
    if how != "insert":  # an event added after the fingerprint leaves what it pinned
        with pytest.raises(TransitionError, match="the record has changed") as refused:
            trail.inspect(verified(taken))
        assert FOUND[how] in str(refused.value) or "hash" in str(refused.value)


#: One member of staff marking one item, in a process of its own.
WRITER = """
import sys
from datetime import date
from transition.store import Mode, transact
db, item, who = sys.argv[1:]
transact(db, lambda tracker: tracker.mark.done([int(item)], note=None, evidence=None),
         today=date(2030, 4, 1), actor=who, mode=Mode.WRITE)
"""


def test_concurrent_writers_leave_one_unbroken_chain(council):
    council.add(JANE)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, council.db, str(item), f"staff{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, item in enumerate(council.items())
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    assert council.inspect(problems)[0] == [] and council.inspect(doubts) == []
    rows = council.read(lambda tracker: checklist_rows(tracker, tracker.find.election()))
    assert {row["done_by"] for row in rows} == {f"staff{n}" for n in range(len(workers))}
    assert len(log(council, rows=True)) == council.read(fingerprint).events


def test_a_trail_rewritten_whole_is_seen_by_the_machine_that_saw_it(trail, behind):
    """Every hash recomputed after an edit passes check; this machine's anchor
    still knows the trail it saw, and says so until told to trust the new one."""
    trail.read(seen)
    events = trail.read(export_state)["events"]
    events[2]["summary"] = "a summary no one wrote"
    previous, rewritten = "0" * 64, []
    for event in events:
        event["at"] = datetime.fromisoformat(event["at"])
        previous = event_hash(previous, SimpleNamespace(**event))
        rewritten.append((event["summary"], previous, event["id"]))
    behind(
        *(
            f"UPDATE event SET summary = '{summary}', chain = '{chain}' WHERE id = {number}"
            for summary, chain, number in rewritten
        )
    )
    trail.read(seen)  # the record is still read: the warning is no refusal
    assert any("the trail was rewritten since" in w for w in trail.warnings), trail.warnings
    trail.read(seen)
    assert any("the trail was rewritten since" in w for w in trail.warnings)  # until told
    trail.read(anchored)
    trail.read(seen)
    assert trail.warnings == []


def test_a_trail_cut_off_is_seen_by_the_machine_that_saw_it(trail, behind):
    trail.read(seen)
    behind("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    trail.read(seen)
    assert any("it was cut off since" in w for w in trail.warnings), trail.warnings
    found, _ = trail.inspect(problems)
    assert any(line.startswith("this machine's anchor: ") for line in found), found


def test_the_readmes_script_recomputes_the_fingerprint_from_an_export(trail, tmp_path):
    """A third party's check needs nothing of transition's: the README's own
    script, run on an export, gives the fingerprint transition gives."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### Checking a fingerprint without transition", 1)[1]
    script = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "check.py").write_text(script)
    export = tmp_path / "export.json"
    export.write_text(trail.read(lambda tracker: export_text(tracker, "json")), encoding="utf-8")
    events = len(json.loads(export.read_text(encoding="utf-8"))["events"])
    done = subprocess.run(
        [sys.executable, str(tmp_path / "check.py"), str(export), str(events)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(trail.read(fingerprint))


def test_a_damaged_anchors_file_anchors_nothing_and_is_replaced(trail):
    state = Path(os.environ["TRANSITION_STATE_DIR"]) / "anchors.json"
    trail.read(seen)
    record = next(iter(json.loads(state.read_text())))
    for damaged in ("{not json", json.dumps({record: {"events": "many", "head": 3}}),
                    json.dumps({record: {"events": 2**80, "head": "x"}}), "[]"):  # fmt: skip
        state.write_text(damaged)
        trail.read(seen)
        assert trail.warnings == []
    assert json.loads(state.read_text())[record]["events"] > 0
