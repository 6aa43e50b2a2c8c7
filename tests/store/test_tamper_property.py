"""Whatever the record went through, a direct change to any field of any row is
caught: by check, and by verify of a fingerprint taken before it."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import suppress
from datetime import date
from pathlib import Path

import pytest
from harness.council import Council
from harness.records import TODAY, check, isolated, read
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.trail.chain import Fingerprint
from transition.store.trail.integrity import fingerprint, verify

TABLES = ("election", "member", "account", "candidacy", "checklist_item")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two members, one running on a City-connected account, in one file."""
    folder = tmp_path_factory.mktemp("base")
    path = folder / "base.db"

    def council(tracker):
        election = tracker.change.add_regular_election(2030, None)
        for name, ward in (("Jane Doe", "7"), ("Pat Lee", "3")):
            member = tracker.change.add_member(name, ward, "councillor")
            tracker.change.add_account(member, platform="X", handle=f"@w{ward}", role="single",
                                       email=f"w{ward}@toronto.ca")  # fmt: skip
        tracker.change.set_candidacy(tracker.find.member("Jane Doe"), election, "yes", "single")

    with isolated(folder):
        Council(str(path), today=TODAY).write(council)
    return path


COMMANDS = st.one_of(
    st.tuples(st.just("done"), st.integers(1, 6)),
    st.tuples(st.just("reopen"), st.integers(1, 6)),
    st.tuples(st.just("note"), st.integers(1, 6)),
    st.tuples(st.just("file"), st.sampled_from(["2030-05-04", "2030-06-01"])),
    st.tuples(st.just("running"), st.sampled_from(["yes", "no", "undecided"])),
)


def _run(path: Path, command: tuple[str, object]) -> None:
    verb, value = command
    council = Council(str(path), today=TODAY)
    work = {
        "done": lambda tracker: tracker.mark.done([value], note=None, evidence=None),
        "reopen": lambda tracker: tracker.mark.reopen([value], note=None),
        "note": lambda tracker: tracker.mark.annotate([value], "checked", None),
        "file": lambda tracker: tracker.change.set_filing(
            tracker.find.member("Jane Doe"), tracker.find.election(),
            date.fromisoformat(str(value)), actual=False,
        ),
        "running": lambda tracker: tracker.change.set_candidacy(
            tracker.find.member("Pat Lee"), tracker.find.election(), str(value), "single"
        ),
    }[verb]  # fmt: skip
    with suppress(TransitionError):  # a refusal (a step already done, say) changes nothing
        council.write(work, today=date(2030, 5, 10) if verb == "done" else None)


def _changed_value(kind: str, current: object, salt: int) -> object:
    """A value of the column's kind that differs from the current one."""
    if kind == "INTEGER" or kind == "BOOLEAN":
        return (current or 0) + 1 if kind == "INTEGER" else 1 - int(current or 0)
    if kind == "DATE":
        return "2031-01-0" + str(1 + salt % 9)
    if kind == "DATETIME":
        return f"2031-01-01 00:00:0{salt % 10}.000000"
    return f"tampered {salt}"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    commands=st.lists(COMMANDS, max_size=4),
    table=st.sampled_from(TABLES),
    row=st.integers(0, 50),
    column=st.integers(0, 50),
    salt=st.integers(0, 10**6),
    around_the_triggers=st.booleans(),
)
def test_any_direct_change_is_caught_by_check_and_verify(
    base, tmp_path, commands, table, row, column, salt, around_the_triggers
):
    path = tmp_path / f"record-{salt}.db"
    # Examples share tmp_path and Hypothesis runs an example again: a copy
    # must not meet the journal files an earlier run left beside the path.
    for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    shutil.copy(base, path)
    for command in commands:
        _run(path, command)
    taken = Fingerprint.parse(str(read(path, fingerprint)))  # as the sheet prints it
    with sqlite3.connect(path) as connection:
        ids = [r[0] for r in connection.execute(f"SELECT id FROM {table} ORDER BY id")]
        columns = [
            (name, kind)
            for _, name, kind, *_ in connection.execute(f"PRAGMA table_info({table})")
            if name != "id"
        ]
        target = ids[row % len(ids)]
        name, kind = columns[column % len(columns)]
        current = connection.execute(
            f"SELECT {name} FROM {table} WHERE id = ?", (target,)
        ).fetchone()[0]
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (table,),
        ).fetchall()
        if around_the_triggers:
            for trigger, _ in triggers:
                connection.execute(f"DROP TRIGGER {trigger}")
        value = _changed_value(kind.upper(), current, salt)
        try:
            connection.execute(f"UPDATE {table} SET {name} = ? WHERE id = ?", (value, target))
        except sqlite3.IntegrityError:
            reject()  # a change the table's own constraints refuse: nothing to catch
        if around_the_triggers:
            for _, made in triggers:
                connection.execute(made)
    connection.close()
    found, _, doubts = check(path)
    if around_the_triggers:
        assert found, (table, name, doubts)
    else:
        said = [*found, *doubts]
        assert any("changed outside transition" in line for line in said), (table, name, said)
    with pytest.raises(TransitionError, match="the record has changed"):
        read(path, lambda tracker: verify(tracker, taken), mode=Mode.INSPECT)
