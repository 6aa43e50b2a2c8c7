"""Defects a hostile trial found, each reproduced through the store: the record
changes only what the user meant, names are stored as they are looked up, and
a damaged, foreign or incomplete database is refused untouched. What the
commands do with such input (one line, never a traceback; interrupts; usage
errors; what reaches the terminal): tests/cli/test_hardening_commands.py."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from harness.council import JANE, Council, Seat

from transition.errors import TransitionError
from transition.store import Mode, open_record
from transition.store.backends.sqlite import backup_to
from transition.store.errors import Refused, Remedy
from transition.store.listings import (
    account_row,
    checklist_rows,
    log_rows,
    member_rows,
    status_rows,
)
from transition.store.trail.integrity import problems
from transition.store.transfer.csv_import import (
    import_accounts,
    import_members,
    read_accounts,
    read_members,
)

TODAY = date(2030, 4, 1)


@pytest.fixture
def council(db_path) -> Council:
    return Council(str(db_path), today=TODAY)


@pytest.fixture
def jane(council) -> Council:
    """The 2030 election and Jane Doe (ward 7), running on one City-connected X account."""
    council.add(JANE)
    return council


def add(council: Council, name: str, ward: str) -> None:
    council.write(lambda tracker: tracker.change.add_member(name, ward, "councillor"))


def names(council: Council) -> list[str]:
    """The members' names as `transition member list --json` lists them."""
    rows = council.read(lambda tracker: member_rows(tracker, tracker.find.election()))
    return [row["name"] for row in rows]


def found(council: Council, typed: str) -> tuple[str, str | None]:
    """The member a name typed finds, as `transition member show` does."""
    member = council.read(lambda tracker: tracker.find.member(typed))
    return member.name, member.ward


# -- names ---------------------------------------------------------------------------


def test_names_are_stored_as_they_are_looked_up(council):
    council.election()
    add(council, "Ann  Lee", "1")  # two spaces
    assert names(council) == ["Ann Lee"]
    with pytest.raises(TransitionError, match="already a member named 'Ann Lee'"):
        add(council, "Ann Lee", "2")
    add(council, "Pat\u00a0Lee", "3")  # a non-breaking space
    assert found(council, "Pat Lee") == ("Pat Lee", "3")
    add(council, "Fre\u0301de\u0301ric Roy", "4")  # decomposed accents
    assert "Frédéric Roy" in names(council)
    assert found(council, "frederic") == ("Frédéric Roy", "4")  # accents and case aside
    for bad in ("Zero\u200bWidth", "Right\u202eLeft", "Bell\x07"):
        with pytest.raises(TransitionError, match=r"invisible|control"):
            add(council, bad, "5")
    assert len(names(council)) == 3


def test_a_name_that_matches_two_members_without_accents_is_ambiguous(council):
    council.add(Seat("Élise Roy", ward="1"), Seat("Elise Roy", ward="2"))
    assert found(council, "Elise Roy") == ("Elise Roy", "2")  # the exact one wins
    assert found(council, "elise roy ") == ("Elise Roy", "2")
    # "elise roy" is the exact one, any case
    assert found(council, "ÉLISE ROI".replace("ROI", "ROY").replace("É", "e")) == ("Elise Roy", "2")


def test_the_csv_duplicate_check_sees_names_as_stored(council, tmp_path):
    council.election()
    (tmp_path / "m.csv").write_text("name,ward\nAlice A,1\nAlice  A,2\n")
    with pytest.raises(TransitionError, match="line 3: the same member as line 2"):
        read_members(tmp_path / "m.csv")


def test_an_older_database_has_its_names_tidied_or_is_refused_if_two_would_merge(db_path):
    from test_database import _database_at

    _database_at(db_path, "0005_access")
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO member (name, ward, office, created_at) "
            "VALUES ('Ann  Lee', '1', 'councillor', '2026-01-05 10:00:00')"
        )
    connection.close()
    log = Council(str(db_path), today=TODAY).read(lambda tracker: log_rows(tracker, None, None))
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
    with pytest.raises(TransitionError, match="would have one name"):
        Council(str(other), today=TODAY).read(lambda tracker: None)
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            "0005_access"
        )
        assert connection.execute("SELECT count(*) FROM member").fetchone()[0] == 2
    connection.close()


# -- imports -------------------------------------------------------------------------


def test_a_csv_names_its_members_exactly_and_empty_cells_keep_what_is_recorded(jane, tmp_path):
    filed = date(2030, 5, 7)
    jane.add(Seat("Joanne Smith", ward="8"))
    jane.write(
        lambda tracker: tracker.change.set_filing(
            tracker.find.member("jane"), tracker.find.election(), date(2030, 5, 6), actual=True
        ),
        today=filed,
    )
    accounts, members = tmp_path / "a.csv", tmp_path / "m.csv"

    def import_the_accounts(tracker):
        return import_accounts(tracker, accounts, read_accounts(accounts))

    accounts.write_text("member,platform,handle,role\nAnn,X,@ann,council\n")
    with pytest.raises(TransitionError, match="no member named exactly 'Ann'") as refused:
        jane.write(import_the_accounts)
    assert "line 2: " in str(refused.value)  # the file's refusal names the row
    members.write_text("name,ward,filing_date,filing\nJane Doe,,,actual\n")
    jane.write(
        lambda tracker: import_members(
            tracker, tracker.find.election(), members, read_members(members)
        ),
        today=filed,
    )
    rows = jane.read(lambda tracker: member_rows(tracker, tracker.find.election()))
    jane_row = next(m for m in rows if m["name"] == "Jane Doe")
    assert (jane_row["ward"], jane_row["filing_date"], jane_row["filing"]) == (
        "7",
        "2030-05-06",
        "actual",
    )
    accounts.write_text("member,platform,handle,role,uses_logo\nJane Doe,X,@CllrDoe,single,\n")
    jane.write(
        lambda tracker: tracker.change.update_account(tracker.find.account(1), uses_logo=True)
    )
    jane.write(import_the_accounts)
    shown = jane.read(
        lambda tracker: account_row(
            tracker, tracker.find.account(1), tracker.find.profile_for(None)
        )
    )
    assert shown["connections"][3]["key"] == "uses-logo"
    assert shown["connections"][3]["holds"] is True


# -- wards --------------------------------------------------------------------------------


@pytest.mark.parametrize("ward", ["²", "①", "七", "٣"])
def test_a_ward_of_other_digits_is_refused(council, ward):
    with pytest.raises(TransitionError, match="digits other than 0-9"):
        add(council, "Pat Lee", ward)


def test_a_stored_ward_of_any_kind_sorts_without_crashing(jane):
    jane.add(Seat("Pat Lee", ward="3"))
    with sqlite3.connect(jane.db) as connection:
        connection.execute("UPDATE member SET ward = '²' WHERE name = 'Jane Doe'")
    connection.close()
    status = jane.read(lambda tracker: status_rows(tracker, tracker.find.election(), False, None))
    assert [row["member"] for row in status] == ["Pat Lee", "Jane Doe"]  # after the wards 0-9
    assert names(jane) == ["Pat Lee", "Jane Doe"]


# -- damaged, foreign and incomplete files -------------------------------------------


def _damage(path: Path) -> None:
    """Overwrite part of a page in the middle of the file."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(os.urandom(4096))


def test_a_damaged_database_is_not_written_to_nor_backed_up(jane, tmp_path):
    jane.write(
        lambda tracker: [
            tracker.change.add_member(
                f"Member {n:02d} With A Rather Long Name", str(n + 10), "councillor"
            )
            for n in range(30)
        ]
    )
    path = Path(jane.db)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _damage(path)
    before = path.read_bytes()
    with pytest.raises(TransitionError, match=r"damaged|malformed"):
        add(jane, "Late Comer", "99")
    with pytest.raises(TransitionError):
        backup_to(path, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert path.read_bytes() == before
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
    with pytest.raises(Refused, match="another application") as refused:
        open_record(path, today=TODAY, actor="tester", mode=Mode.CREATE)
    assert refused.value.remedy == Remedy.OTHER_DATABASE
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
    with sqlite3.connect(jane.db) as connection:
        connection.execute(drop)
    connection.close()
    missing = " ".join(drop.split()[1:]).lower()
    for mode in (Mode.READ, Mode.CREATE, Mode.WRITE):  # status, init, done
        with pytest.raises(Refused, match=rf"lacks \d+ of .* \({missing} first\)") as refused:
            open_record(jane.db, today=TODAY, actor="tester", mode=mode)
        assert refused.value.remedy == Remedy.CHECK  # which names them all
    assert f"missing {missing}" in "\n".join(jane.inspect(problems)[0])


def test_paths_are_paths(tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "target.db")
    open_record(link, today=TODAY, actor="tester", mode=Mode.CREATE).close()
    assert (tmp_path / "target.db").stat().st_mode & 0o777 == 0o600
    odd = tmp_path / "a?b#c.db"
    open_record(odd, today=TODAY, actor="tester", mode=Mode.CREATE).close()
    assert odd.stat().st_size > 0 and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["link.db", "target.db", "a?b#c.db"]
    )


def test_stale_partial_backups_are_cleared(jane, tmp_path):
    stale = tmp_path / f".copy.db.{2**22 + 7}.partial"
    stale.write_bytes(b"x" * 1000)
    (tmp_path / f"{stale.name}-journal").write_bytes(b"x")
    assert backup_to(Path(jane.db), tmp_path / "copy.db") > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")) == []


# -- what is recorded is what was stated, and when ---------------------------------------


def test_a_csv_device_is_not_read_as_a_file(council):
    council.election()
    with pytest.raises(TransitionError, match="not a regular file"):
        read_members(Path("/dev/zero"))


def test_a_stated_day_far_from_the_recorded_one_shows_both(jane):
    jane.write(
        lambda tracker: tracker.mark.done([1], note=None, evidence=None), today=date(2030, 4, 20)
    )
    rows = jane.read(lambda tracker: checklist_rows(tracker, tracker.find.election()))
    row = next(r for r in rows if r["id"] == 1)
    recorded = row["recorded_on"]
    assert row["done_at"] == "2030-04-20" and recorded and recorded != "2030-04-20"
