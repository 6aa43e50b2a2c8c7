"""Whatever the record went through, a direct change to any field of any row is
caught: by check, and by verify of a fingerprint taken before it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import invoke_transition, ok
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

T = invoke_transition
TABLES = ("election", "member", "account", "candidacy", "checklist_item")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two members, one running on a City-connected account, in one file."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    db = ("--db", str(path), "--by", "tester")
    ok(T("election", "add", "--year", "2030", *db))
    for name, ward in (("Jane Doe", "7"), ("Pat Lee", "3")):
        ok(T("member", "add", name, "--ward", ward, *db))
        ok(T("account", "add", name, "--platform", "X", "--handle", f"@w{ward}", "--role",
             "single", "--email", f"w{ward}@toronto.ca", *db))  # fmt: skip
    ok(T("member", "set", "Jane Doe", "--running", "yes", "--option", "single", *db))
    return path


COMMANDS = st.one_of(
    st.tuples(st.just("done"), st.integers(1, 6)),
    st.tuples(st.just("reopen"), st.integers(1, 6)),
    st.tuples(st.just("note"), st.integers(1, 6)),
    st.tuples(st.just("file"), st.sampled_from(["2030-05-04", "2030-06-01"])),
    st.tuples(st.just("running"), st.sampled_from(["yes", "no", "undecided"])),
)


def _run(db: tuple[str, ...], command: tuple[str, object]) -> None:
    verb, value = command
    args = {
        "done": ("done", str(value), "--today", "2030-05-10"),
        "reopen": ("reopen", str(value)),
        "note": ("note", str(value), "--note", "checked"),
        "file": ("member", "file", "Jane Doe", "--date", str(value), "--planned"),
        "running": ("member", "set", "Pat Lee", "--running", str(value), "--option", "single"),
    }[verb]
    T(*args, *db)  # a refusal (a step already done, say) changes nothing


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
    db = ("--db", str(path))
    for command in commands:
        _run(db, command)
    fingerprint = ok(T("fingerprint", *db)).strip()
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
    check = T("check", *db)
    if around_the_triggers:
        assert check.returncode == 1, (table, name, check.stdout)
    else:
        assert "changed outside transition" in check.stdout, (table, name, check.stdout)
    verify = T("verify", fingerprint, *db)
    assert verify.returncode == 1, (table, name, verify.stdout)
    assert "the record has changed" in verify.stderr
