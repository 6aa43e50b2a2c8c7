"""Defects a hostile trial found, each reproduced: the record changes only what
the user meant, a damaged or foreign database is refused untouched, every
failure is one line, and what is shown is what was typed, safely."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import SCRIPT, as_json, invoke_transition, ok, run_transition
from harness.cli import before_our_code

T = invoke_transition


# -- names ---------------------------------------------------------------------------


def test_names_are_stored_as_they_are_looked_up(db_path):
    ok(T("election", "add", "--year", "2030"))
    ok(T("member", "add", "Ann  Lee", "--ward", "1"))  # two spaces
    assert [m["name"] for m in as_json(T("member", "list", "--json"))] == ["Ann Lee"]
    again = T("member", "add", "Ann Lee", "--ward", "2")
    assert again.returncode == 1 and "already a member named 'Ann Lee'" in again.stderr
    ok(T("member", "add", "Pat\u00a0Lee", "--ward", "3"))  # a non-breaking space
    assert "Pat Lee (ward 3)" in ok(T("member", "show", "Pat Lee"))
    ok(T("member", "add", "Fre\u0301de\u0301ric Roy", "--ward", "4"))  # decomposed accents
    names = [m["name"] for m in as_json(T("member", "list", "--json"))]
    assert "Frédéric Roy" in names
    assert "Frédéric Roy" in ok(T("member", "show", "frederic"))  # accents and case aside
    for bad in ("Zero\u200bWidth", "Right\u202eLeft", "Bell\x07"):
        refused = T("member", "add", bad, "--ward", "5")
        assert refused.returncode == 1 and (
            "invisible" in refused.stderr or "control" in refused.stderr
        )


def test_a_name_that_matches_two_members_without_accents_is_ambiguous(db_path):
    ok(T("election", "add", "--year", "2030"))
    ok(T("member", "add", "Élise Roy", "--ward", "1"))
    ok(T("member", "add", "Elise Roy", "--ward", "2"))
    assert "Elise Roy (ward 2)" in ok(T("member", "show", "Elise Roy"))  # the exact one wins
    result = T("member", "show", "elise roy ")
    assert "Elise Roy (ward 2)" in ok(result)
    ambiguous = T("member", "show", "ÉLISE ROI".replace("ROI", "ROY").replace("É", "e"))
    assert ambiguous.returncode == 0  # "elise roy" is the exact one, any case


def test_the_csv_duplicate_check_sees_names_as_stored(db_path, tmp_path):
    ok(T("election", "add", "--year", "2030"))
    (tmp_path / "m.csv").write_text("name,ward\nAlice A,1\nAlice  A,2\n")
    refused = T("import", "members", "m.csv")
    assert refused.returncode == 1 and "line 3: the same member as line 2" in refused.stderr


def test_an_older_database_has_its_names_tidied_or_is_refused_if_two_would_merge(db_path):
    from test_database import _database_at

    _database_at(db_path, "0005_access")
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO member (name, ward, office, created_at) "
            "VALUES ('Ann  Lee', '1', 'councillor', '2026-01-05 10:00:00')"
        )
    connection.close()
    log = as_json(T("log", "--json"))
    renamed = next(event for event in log if event["action"] == "member.renamed")
    assert renamed["after"] == {"name": "Ann Lee"}

    other = db_path.with_name("other.db")
    _database_at(other, "0005_access")
    with sqlite3.connect(other) as connection:
        for name in ("Ann  Lee", "Ann Lee"):
            connection.execute(
                "INSERT INTO member (name, ward, office, created_at) "
                f"VALUES ('{name}', '1', 'councillor', '2026-01-05 10:00:00')"
            )
    connection.close()
    refused = T("status", "--db", str(other))
    assert refused.returncode == 1 and "would have one name" in refused.stderr
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            "0005_access"
        )
        assert connection.execute("SELECT count(*) FROM member").fetchone()[0] == 2
    connection.close()


# -- imports -------------------------------------------------------------------------


def test_a_csv_names_its_members_exactly_and_empty_cells_keep_what_is_recorded(jane, tmp_path):
    ok(T("member", "add", "Joanne Smith", "--ward", "8"))
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--today", "2030-05-07"))
    (tmp_path / "a.csv").write_text("member,platform,handle,role\nAnn,X,@ann,council\n")
    refused = T("import", "accounts", "a.csv")
    assert refused.returncode == 1 and "no member named exactly 'Ann'" in refused.stderr
    (tmp_path / "m.csv").write_text("name,ward,filing_date,filing\nJane Doe,,,actual\n")
    ok(T("import", "members", "m.csv", "--today", "2030-05-07"))
    jane_row = next(m for m in as_json(T("member", "list", "--json")) if m["name"] == "Jane Doe")
    assert (jane_row["ward"], jane_row["filing_date"], jane_row["filing"]) == (
        "7",
        "2030-05-06",
        "actual",
    )
    (tmp_path / "a.csv").write_text(
        "member,platform,handle,role,uses_logo\nJane Doe,X,@CllrDoe,single,\n"
    )
    ok(T("account", "set", "1", "--uses-logo"))
    ok(T("import", "accounts", "a.csv"))
    assert as_json(T("account", "show", "1", "--json"))["connections"][3]["holds"] is True


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


@pytest.mark.parametrize("ward", ["²", "①", "七", "٣"])
def test_a_ward_of_other_digits_is_refused(db_path, ward):
    refused = T("member", "add", "Pat Lee", "--ward", ward)
    assert refused.returncode == 1 and "digits other than 0-9" in refused.stderr


def test_a_stored_ward_of_any_kind_sorts_without_crashing(jane):
    with sqlite3.connect(jane) as connection:
        connection.execute("UPDATE member SET ward = '²' WHERE name = 'Jane Doe'")
    connection.close()
    ok(T("status"))
    ok(T("member", "list"))


# -- damaged, foreign and incomplete files -------------------------------------------


def _damage(path: Path) -> None:
    """Overwrite part of a page in the middle of the file."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(os.urandom(4096))


def test_a_damaged_database_is_not_written_to_nor_backed_up(jane, tmp_path):
    for n in range(30):
        ok(T("member", "add", f"Member {n:02d} With A Rather Long Name", "--ward", str(n + 10)))
    with sqlite3.connect(jane) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _damage(jane)
    before = jane.read_bytes()
    result = T("member", "add", "Late Comer", "--ward", "99")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "damaged" in result.stderr or "malformed" in result.stderr
    backup = T("backup", "-o", str(tmp_path / "copy.db"))
    assert backup.returncode == 1 and not (tmp_path / "copy.db").exists()
    assert jane.read_bytes() == before
    assert list(tmp_path.glob(".copy.db*")) == []


@pytest.mark.parametrize(
    "setup",
    [
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
        "CREATE VIEW totals AS SELECT 1 AS one",
        "CREATE TABLE alembic_version (version_num VARCHAR(32)); "
        "INSERT INTO alembic_version VALUES ('ae1027a6acf')",
    ],
    ids=["empty revision table", "only a view", "another application's Alembic"],
)
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path, setup):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(setup)
    connection.close()
    before = path.read_bytes()
    result = T("init", "--db", str(path))
    assert result.returncode == 1 and "another application" in result.stderr
    assert path.read_bytes() == before


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
        assert result.returncode == 1 and "`transition check` names them all" in result.stderr
    check = T("check")
    assert check.returncode == 1 and f"missing {' '.join(drop.split()[1:]).lower()}" in check.stdout


def test_paths_are_paths(tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "target.db")
    ok(T("init", "--db", str(link)))
    assert (tmp_path / "target.db").stat().st_mode & 0o777 == 0o600
    odd = tmp_path / "a?b#c.db"
    ok(T("init", "--db", str(odd)))
    assert odd.stat().st_size > 0 and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["link.db", "target.db", "a?b#c.db"]
    )


def test_stale_partial_backups_are_cleared(jane, tmp_path):
    stale = tmp_path / f".copy.db.{2**22 + 7}.partial"
    stale.write_bytes(b"x" * 1000)
    (tmp_path / f"{stale.name}-journal").write_bytes(b"x")
    ok(T("backup", "-o", str(tmp_path / "copy.db")))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")) == []


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


def test_a_stated_day_far_from_the_recorded_one_shows_both(jane):
    ok(T("done", "1", "--today", "2030-04-20"))
    row = next(r for r in as_json(T("checklist", "--json")) if r["id"] == 1)
    recorded = row["recorded_on"]
    assert row["done_at"] == "2030-04-20" and recorded and recorded != "2030-04-20"
    assert f"(recorded {recorded})" in ok(T("checklist"))
