"""The database file: created safely, upgraded safely, refused when it is not
ours, opened through the store's front door. What `init` and the other
commands say of it: tests/cli/test_database_commands.py."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date

import pytest
from harness.council import Council
from harness.records import NOT_OURS, init

from transition.errors import TransitionError
from transition.files import resource_dir
from transition.store import Mode, locate, open_record
from transition.store.backends.sqlite import backup
from transition.store.errors import Refused, Remedy, SchemaNewer
from transition.store.listings import checklist_rows, election_rows, log_rows
from transition.store.migrations import HEAD, REVISIONS

TODAY = date(2030, 4, 1)


def test_a_new_database_is_private_wal_and_current(db_path):
    init(db_path)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    assert not list(db_path.parent.glob(".transition.db.*"))  # no scratch file left behind


def test_the_default_database_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TRANSITION_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    location = locate(None)
    assert location.default
    assert location.path == tmp_path / "data" / "transition" / "transition.db"
    init(None)  # its folder is made for it
    assert location.path.is_file()


def test_a_file_path_and_a_sqlalchemy_url_name_the_same_file(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    init(str(first))
    init(f"sqlite:///{second}")
    assert first.exists() and second.exists()
    Council(str(first), today=TODAY).election()
    assert Council(f"sqlite:///{first}", today=TODAY).read(election_rows)[0]["name"] == "2030"
    assert Council(str(second), today=TODAY).read(election_rows) == []


def test_the_migrations_match_the_code():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    scripts = ScriptDirectory.from_config(config)
    chain = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(chain)) == REVISIONS
    assert scripts.get_current_head() == HEAD


def _database_at(path, revision: str) -> None:
    """A database as an older release made it: the migrations up to `revision` only."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(resource_dir("migrations")))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


FIRST_REVISION_DATA = [
    "INSERT INTO member (id, name, ward, office, created_at) "
    "VALUES (1, 'Jane Doe', '7', 'councillor', '2026-01-05 10:00:00')",
    "INSERT INTO account (id, member_id, platform, handle, role, email, identifies_member, "
    "publicised, uses_logo, city_resources, created_at) VALUES (1, 1, 'X', '@CllrDoe', 'single', "
    "'jane.doe@toronto.ca', 0, 0, 0, 0, '2026-01-05 10:00:00')",
    "INSERT INTO event (at, actor, action, subject, summary) "
    "VALUES ('2026-01-05 10:00:00', 'clerk', 'member.added', 'member 1', 'added Jane Doe')",
]


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_database_of_every_revision_upgrades_with_nothing_lost(db_path, revision):
    """The data is written as the first release wrote it; later revisions must
    carry it forward (extend FIRST_REVISION_DATA's columns in a migration test
    of its own if a revision reshapes these tables)."""
    _database_at(db_path, revision)
    with sqlite3.connect(db_path) as connection:
        for statement in FIRST_REVISION_DATA:
            connection.execute(statement)
    connection.close()
    council = Council(str(db_path), today=TODAY)
    council.election()
    council.write(
        lambda tracker: tracker.change.set_candidacy(
            tracker.find.member("jane"), tracker.find.election(), "yes", "single"
        )
    )
    steps = council.read(lambda tracker: checklist_rows(tracker, tracker.find.election()))
    assert len(steps) == 6 and steps[0]["account"] == "X @CllrDoe"
    events = council.read(lambda tracker: log_rows(tracker, None, None))
    log = [e for e in events if not e["action"].startswith("row.")]
    assert log[-1]["summary"] == "added Jane Doe" and log[-1]["actor"] == "clerk"
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    backups = list(db_path.parent.glob("transition.db.*.bak"))
    assert len(backups) == (0 if revision == HEAD else 1)
    if backups:
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600


def _add_jane(db_path) -> None:
    Council(str(db_path), today=TODAY).write(
        lambda tracker: tracker.change.add_member("Jane Doe", "7", "councillor")
    )


def test_backup_is_a_consistent_private_copy(db_path, tmp_path):
    _add_jane(db_path)
    copy = backup(db_path, tmp_path / "copy.db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT name FROM member").fetchall() == [("Jane Doe",)]


def test_the_audit_trail_is_append_only(db_path):
    _add_jane(db_path)
    with sqlite3.connect(db_path) as connection:
        for statement in ("UPDATE event SET actor = 'someone else'", "DELETE FROM event"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(statement)
        # the member's row event (written by the database) and transition's own
        assert connection.execute("SELECT actor FROM event").fetchall() == [("tester",)] * 2


def test_foreign_keys_are_enforced(db_path):
    init(db_path)
    from transition.store.backends.sqlite import open_database

    engine = open_database(db_path)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


#: What puts each right, where the store says (the command line words it).
REMEDIES = {
    "empty": Remedy.REMOVE_FILE,
    "random bytes": Remedy.OTHER_DATABASE,
    "another application": Remedy.OTHER_DATABASE,
}


@pytest.mark.parametrize("kind", NOT_OURS)
def test_files_that_are_not_ours_are_refused_and_left_alone(tmp_path, kind):
    make, message = NOT_OURS[kind]
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    for mode in (Mode.READ, Mode.WRITE, Mode.CREATE):  # status, member add, init
        with pytest.raises(TransitionError, match=message) as refused:
            open_record(path, today=TODAY, actor="tester", mode=mode)
        if kind in REMEDIES:
            assert isinstance(refused.value, Refused)
            assert refused.value.remedy == REMEDIES[kind]
        if kind == "newer transition":
            assert isinstance(refused.value, SchemaNewer)
            assert (refused.value.where, refused.value.revision) == (str(path), "9999_future")
    assert path.read_bytes() == before


def test_a_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(Refused, match="does not exist") as refused:
        init(tmp_path / "missing" / "transition.db")
    assert refused.value.fact == f"the folder {tmp_path / 'missing'} does not exist"
    assert refused.value.remedy == Remedy.CREATE_FOLDER
    assert not (tmp_path / "missing").exists()


def test_a_folder_given_as_the_database_is_refused(tmp_path):
    with pytest.raises(TransitionError, match="is a folder"):
        init(tmp_path)


def test_the_trails_everyday_reads_use_their_partial_indexes(db_path):
    """Sign-offs, the reminders claimed and the events still to chain are read
    from partial indexes (0010, 0013, 0012), never by a scan of the trail,
    which grows with every change: SQLite uses such an index only where the
    query says the index's condition in the same SQL text, which a change to
    either could silently undo."""
    from harness.council import JANE
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from transition.store.attesting import attestations
    from transition.store.reminders import claimed, history

    council = Council(str(db_path), today=date(2030, 4, 1))
    council.add(JANE)
    statements: list[tuple[str, object]] = []

    def seen(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        council.write(
            lambda tracker: (
                (attestations(tracker), claimed(tracker), history(tracker))
                and tracker.change.update_member(tracker.find.member("Jane Doe"), "8", "councillor")
            )
        )
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    wanted = {
        "'member.attested'": "ix_event_attested",
        "'reminder.claimed'": "ix_event_reminders",
        "chain IS NULL": "ix_event_unchained",
    }
    plans = {}
    with sqlite3.connect(db_path) as connection:
        for statement, parameters in statements:
            for mark, index in wanted.items():
                if mark in statement and "FROM event" in statement:
                    plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                    plans.setdefault(index, []).append(" / ".join(row[3] for row in plan))
    connection.close()
    # One sign-off read, two of reminders (claimed, and their history), and
    # a seal at each write of the transaction (the change's, then its end's).
    assert {index: len(found) for index, found in plans.items()} == {
        "ix_event_attested": 1,
        "ix_event_reminders": 2,
        "ix_event_unchained": 2,
    }
    for index, found in plans.items():
        for plan in found:
            assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan
