"""Defects a hostile trial found in the commands, each reproduced: every
failure is one line, never a traceback; an interrupted command did nothing;
what is shown is what was typed, safely; and files one per member are each
their own. What the store refuses and keeps: tests/store/test_hardening.py."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import SCRIPT, as_json, invoke_transition, ok, run_transition
from harness.cli import before_our_code
from harness.council import JANE, Council

T = invoke_transition


@pytest.fixture
def jane(db_path) -> Path:
    """The 2030 election and Jane Doe (ward 7), running on one City-connected
    X account (built through the store)."""
    Council(str(db_path), today=date(2030, 4, 1)).add(JANE)
    return db_path


# -- files one per member, calendars one per election ---------------------------------


def test_files_of_every_member_are_their_own_and_stable(db_path, tmp_path):
    ok(T("election", "add", "--year", "2030"))
    names = ["Иван Петров", "Пётр Иванов", "王小明", "李华", "Zoë Ward", "Zoe Ward"]
    for ward, name in enumerate(names, start=1):
        ok(T("member", "add", name, "--ward", str(ward)))
        ok(T("member", "set", name, "--running", "yes", "--option", "separate"))
    written = ok(T("render", "checklist", "--all", "--format", "html", "-o", "out")).split()
    assert len(written) == len(set(written)) == len(names)
    assert sorted(p.name for p in Path("out").iterdir()) == sorted(Path(p).name for p in written)
    again = ok(T("render", "checklist", "--all", "--format", "html", "-o", "out")).split()
    assert again == written


def test_calendar_uids_of_two_elections_are_distinct(db_path):
    args = ("--opens", "2025-01-06", "--nomination-day", "2025-02-07", "--voting-day", "2025-03-24")
    ok(T("election", "add", "--by-election", "--name", "Élection partielle", *args))
    ok(T("election", "add", "--by-election", "--name", "Election partielle", *args))
    ok(T("member", "add", "Jean Roy", "--ward", "3"))
    ok(
        T(
            "member",
            "set",
            "jean",
            "--running",
            "yes",
            "--option",
            "separate",
            "--election",
            "Élection partielle",
        )
    )
    ok(T("export", "ics", "jean", "--election", "Élection partielle", "-o", "first.ics"))
    ok(T("export", "ics", "jean", "--election", "Election partielle", "-o", "second.ics"))
    first, second = Path("first.ics").read_text(), Path("second.ics").read_text()
    uids = lambda text: {line for line in text.splitlines() if line.startswith("UID:")}  # noqa: E731
    assert uids(first) and not uids(first) & uids(second)


# -- wards --------------------------------------------------------------------------------


def test_a_stored_ward_of_any_kind_is_listed_without_crashing(jane):
    with sqlite3.connect(jane) as connection:
        connection.execute("UPDATE member SET ward = '²' WHERE name = 'Jane Doe'")
    connection.close()
    ok(T("status"))
    ok(T("member", "list"))


# -- damaged and incomplete files -----------------------------------------------------


def _damage(path: Path) -> None:
    """Overwrite part of a page in the middle of the file."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(os.urandom(4096))


def test_a_damaged_database_is_refused_in_one_line(jane, tmp_path):
    Council(str(jane), today=date(2030, 4, 1)).write(
        lambda tracker: [
            tracker.change.add_member(
                f"Member {n:02d} With A Rather Long Name", str(n + 10), "councillor"
            )
            for n in range(30)
        ]
    )
    with sqlite3.connect(jane) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _damage(jane)
    result = T("member", "add", "Late Comer", "--ward", "99")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "damaged" in result.stderr or "malformed" in result.stderr
    backup = T("backup", "-o", str(tmp_path / "copy.db"))
    assert backup.returncode == 1 and not (tmp_path / "copy.db").exists()


def test_a_quick_check_begun_ahead_answers_only_for_the_file_as_it_was(jane):
    """A write's quick check begins before the command loads its libraries
    (`prepare`); opening takes its answer only for the file unchanged since
    the check began, and checks again otherwise. A read begins none."""
    from transition.store.backends import Location, Mode, prepare
    from transition.store.backends import sqlite as backend

    prepare(Location(path=jane), Mode.WRITE)
    assert backend._checked_ahead(jane) == ["ok"]
    assert backend._checked_ahead(jane) is None  # taken once
    prepare(Location(path=jane), Mode.WRITE)
    backend._AHEAD[jane].thread.join()
    with sqlite3.connect(jane) as connection:  # a writer around transition
        connection.execute("UPDATE member SET ward = '8' WHERE name = 'Jane Doe'")
    connection.close()
    assert backend._checked_ahead(jane) is None  # written since: checked again
    ok(T("member", "add", "Late Comer", "--ward", "99"))
    prepare(Location(path=jane), Mode.READ)
    assert jane not in backend._AHEAD


@pytest.mark.parametrize(
    "drop",
    [
        "DROP TRIGGER event_append_only_update",
        "DROP INDEX ix_event_at",
        "DROP TABLE office_override",
    ],
)
def test_a_database_missing_part_of_its_schema_is_refused_and_check_names_it(jane, drop):
    with sqlite3.connect(jane) as connection:
        connection.execute(drop)
    connection.close()
    for args in (("status",), ("init",), ("done", "1")):
        result = T(*args)
        assert result.returncode == 1 and "`transition check`" in result.stderr
    check = T("check")
    assert check.returncode == 1 and f"missing {' '.join(drop.split()[1:]).lower()}" in check.stdout


# -- one line, never a traceback --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("done", "9223372036854775808"),
        ("log", "--limit", "9223372036854775808"),
        ("account", "show", "99999999999999999999"),
        ("waive", "9223372036854775808", "--reason", "x"),
    ],
)
def test_huge_numbers_are_usage_errors(jane, args):
    result = T(*args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_calendar_that_ends_at_the_end_of_time(db_path):
    ok(T("election", "add", "--by-election", "--name", "Far", "--opens", "9999-11-01",
         "--nomination-day", "9999-11-15", "--voting-day", "9999-12-31"))  # fmt: skip
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    ok(T("export", "ics", "pat", "-o", "far.ics"))
    assert "BEGIN:VCALENDAR" in Path("far.ics").read_text()


@pytest.mark.parametrize(
    "args",
    [("rules", "--profile", "/dev/zero"), ("import", "members", "/dev/zero")],
)
def test_devices_are_not_read_as_files(db_path, args):
    ok(T("election", "add", "--year", "2030"))
    result = T(*args)
    assert result.returncode == 1 and "not a regular file" in result.stderr


def test_output_that_cannot_be_written_is_one_line(jane, tmp_path):
    empty = T("backup", "-o", "")
    assert empty.returncode in (1, 2) and empty.stderr.count("\n") == 1
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(SCRIPT), "export"], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("transition: error: cannot write the output")


# -- interrupted means not done -----------------------------------------------------------


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.08, 0.12])
def test_ctrl_c_at_any_moment_is_130_and_quiet(db_path, delay):
    process = subprocess.Popen(
        [str(SCRIPT), "calendar", "2030"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    # -2: ended by the signal itself before Python took it over (a shell shows
    # 130); 1: Python's own report, while it was still starting
    starting = before_our_code(err)
    assert process.returncode in (0, 130, -signal.SIGINT) or starting, err
    assert err in ("", "\n") or starting, err


def test_an_interrupted_import_imports_nothing(db_path, tmp_path):
    ok(T("election", "add", "--year", "2030"))
    rows = "".join(f"Member {n:04d},{n}\n" for n in range(1, 400))
    (tmp_path / "m.csv").write_text("name,ward\n" + rows)
    for delay in (0.4, 0.8, 1.2):
        process = subprocess.Popen(
            [str(SCRIPT), "import", "members", str(tmp_path / "m.csv")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        count = len(as_json(T("member", "list", "--json")))
        assert "Traceback" not in err
        # Interrupted means nothing imported; done means all of it, and only
        # then may the signal have ended the process on its way out (-2).
        done = {0: (130, -signal.SIGINT), 399: (0, -signal.SIGINT)}
        assert count in done and process.returncode in done[count], (process.returncode, count)
        if count:
            break


# -- what is shown is what was typed ----------------------------------------------------


@pytest.mark.parametrize(
    ("by", "message"),
    [("\x1b[2J", "control characters"), ("   ", "is empty"), ("x" * 100_000, "characters")],
)
def test_the_actor_is_checked_as_any_name(jane, by, message):
    result = T("done", "1", "--by", by)
    assert result.returncode == 2 and message in result.stderr
    env = T("done", "1", env={"TRANSITION_USER": by})
    assert env.returncode == 2 and message in env.stderr


def test_stored_text_never_reaches_the_terminal_raw(jane):
    with sqlite3.connect(jane) as connection:
        connection.execute("DROP TRIGGER event_append_only_update")
        connection.execute(
            "UPDATE event SET actor = 'evil' || char(27) || '[2J' WHERE action = 'election.added'"
        )
        connection.execute(
            "CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )
    connection.close()
    shown = ok(run_transition("log"))
    assert "\x1b" not in shown and "evil\\x1b[2J" in shown


def test_a_stated_day_far_from_the_recorded_one_is_shown_beside_it(jane):
    ok(T("done", "1", "--today", "2030-04-20"))
    items = as_json(T("checklist", "--json"))["items"]
    recorded = next(r for r in items if r["id"] == 1)["recorded_on"]
    assert recorded and f"(recorded {recorded})" in ok(T("checklist"))
