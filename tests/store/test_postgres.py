"""The record on a real PostgreSQL server: opening, upgrading, refusing, sharing.

The tests that run every command on both stores are marked with the `store`
fixture in their own modules; these are what only a server has.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import harness.store
import pytest
from conftest import postgres_database
from harness.council import Council
from harness.records import (
    TODAY,
    check,
    database_at,
    export_text,
    export_to,
    fresh,
    log,
    login_role,
    members,
    read,
    restore,
)
from postgres_server import SUPERUSER, PostgresError

from transition.errors import TransitionError
from transition.store import Mode, open_record
from transition.store.backends import backend_for, locate
from transition.store.errors import NoAccess, NoTables, SchemaBehind, SchemaNewer
from transition.store.migrations import HEAD, REVISIONS


def opened(url: str, mode: Mode) -> None:
    """Open the record at `url` for `mode` (as `init`, `upgrade --confirm` do), and close it."""
    with open_record(url, today=TODAY, actor="tester", mode=mode):
        pass


def revision(url: str) -> str | None:
    location = locate(url)
    return backend_for(location).schema_revision(location)


def test_an_empty_database_is_given_its_tables_by_init_only(postgres):
    url = fresh(postgres)
    for mode in (Mode.READ, Mode.WRITE):
        with pytest.raises(NoTables) as refused:
            read(url, lambda tracker: None, mode=mode)
        assert refused.value.where == str(locate(url))
        assert postgres.password not in str(refused.value)
    assert revision(url) is None
    opened(url, Mode.CREATE)
    assert revision(url) == HEAD
    opened(url, Mode.CREATE)  # and again: it is up to date
    assert revision(url) == HEAD
    Council(url, today=TODAY).election()


def test_an_older_schema_waits_for_its_administrator(postgres):
    url = database_at(postgres, REVISIONS[0])
    name = url.rsplit("/", 1)[1]
    for mode in (Mode.READ, Mode.WRITE):  # every command; `upgrade` without --confirm reads
        with pytest.raises(SchemaBehind) as refused:
            read(url, lambda tracker: None, mode=mode)
        assert (refused.value.revision, refused.value.head) == (REVISIONS[0], HEAD)
        assert refused.value.where == str(locate(url))
    assert postgres.psql("SELECT version_num FROM alembic_version", name).strip() == REVISIONS[0]
    opened(url, Mode.UPGRADE)
    assert postgres.psql("SELECT version_num FROM alembic_version", name).strip() == HEAD


def test_two_upgrades_at_once_upgrade_once(postgres):
    url = database_at(postgres, REVISIONS[0])
    together = threading.Barrier(2)
    failed: list[BaseException] = []

    def upgrade() -> None:
        together.wait()
        try:
            opened(url, Mode.UPGRADE)
        except BaseException as error:
            failed.append(error)

    both = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(timeout=120)
    assert failed == [] and not any(thread.is_alive() for thread in both)
    assert revision(url) == HEAD
    name = url.rsplit("/", 1)[1]
    assert postgres.psql("SELECT count(*) FROM alembic_version", name).strip() == "1"
    assert check(url)[0] == []


def test_a_newer_schema_and_a_foreign_database_are_refused_untouched(postgres):
    newer = postgres_database(postgres)
    name = newer.rsplit("/", 1)[1]
    postgres.psql("UPDATE alembic_version SET version_num = '9999_from_the_future'", name)
    with pytest.raises(SchemaNewer) as refused:
        read(newer, lambda tracker: None)
    assert refused.value.revision == "9999_from_the_future"
    foreign = fresh(postgres)
    other = foreign.rsplit("/", 1)[1]
    postgres.psql("CREATE TABLE invoices (id int)", other)
    for mode in (Mode.READ, Mode.CREATE, Mode.UPGRADE):  # status, init, upgrade --confirm
        with pytest.raises(TransitionError, match="another application"):
            opened(foreign, mode)
    tables = postgres.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", other)
    assert tables.split() == ["invoices"]


#: What goes wrong connecting, and what the refusal says.
CONNECTION_PROBLEMS = [
    ("server down", "cannot reach the PostgreSQL server at 127.0.0.1:1"),
    ("wrong password", "refused the password for user transition_owner"),
    ("unknown database", "there is no database nosuchdb"),
    # the server does not say whether the user exists, only that it is refused
    ("unknown user", "refused the password for user nobody"),
    ("no permission", "user clerkless has no access to this record"),
]


def problem_url(postgres, problem: str, secret: str) -> str:
    """A URL that meets `problem`, with `secret` as its password."""
    base = f"127.0.0.1:{postgres.port}"
    if problem == "no permission":
        login_role(postgres, "clerkless", secret)
        name = postgres_database(postgres).rsplit("/", 1)[1]
        return f"postgresql://clerkless:{secret}@{base}/{name}"
    return {
        "server down": f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:1/nothing",
        "wrong password": f"postgresql://{SUPERUSER}:{secret}@{base}/postgres",
        "unknown database": postgres.url("nosuchdb"),
        "unknown user": f"postgresql://nobody:{secret}@{base}/postgres",
    }[problem]


@pytest.mark.parametrize(("problem", "message"), CONNECTION_PROBLEMS)
def test_connection_problems_are_one_line_without_the_password(postgres, problem, message):
    secret = "s3cr3t-pa55"
    url = problem_url(postgres, problem, secret)
    with pytest.raises(TransitionError) as refused:
        read(url, lambda tracker: None)
    said = str(refused.value)
    assert "\n" not in said and message in said
    for password in (secret, postgres.password):
        assert password not in said
    if problem == "no permission":
        assert isinstance(refused.value, NoAccess) and refused.value.user == "clerkless"


def test_the_audit_trail_is_append_only_on_the_server(postgres):
    url = postgres_database(postgres)
    name = url.rsplit("/", 1)[1]
    Council(url, today=TODAY).write(
        lambda tracker: tracker.change.add_member("Pat Lee", "3", "councillor")
    )
    for statement in (
        "UPDATE event SET actor = 'someone else'",
        "DELETE FROM event",
        "TRUNCATE event",
    ):
        with pytest.raises(PostgresError, match="append-only"):
            postgres.psql(statement, name)
    assert log(url)[0]["actor"] == "tester"


def test_names_match_in_any_case(postgres):
    council = Council(postgres_database(postgres), today=TODAY)

    def add(name: str, ward: str) -> None:
        council.write(lambda tracker: tracker.change.add_member(name, ward, "councillor"))

    council.election()
    add("Pat Lee", "3")
    with pytest.raises(TransitionError, match="already a member named"):
        add("PAT LEE", "4")
    assert council.read(lambda tracker: tracker.find.member("pat lee").name) == "Pat Lee"


def test_staff_at_once_lose_nothing(postgres, tmp_path):
    """Three at once here; make soak runs eight, with five times the items."""
    figures = harness.store.concurrent_staff(
        tmp_path, processes=3, items_each=30, batch=15, postgres_url=fresh(postgres)
    )
    assert figures.ok, figures.line()


# -- moving a record whole ---------------------------------------------------------


@pytest.fixture
def demo_export(tmp_path) -> Path:
    """The demo council as a SQLite file, exported."""
    from transition.cli.sample import build

    build(tmp_path / "demo")
    return export_to(tmp_path / "demo" / "transition.db", tmp_path / "demo.json")


def test_a_record_moves_from_a_file_to_the_server_and_back_unchanged(
    postgres, demo_export, tmp_path
):
    url = fresh(postgres)
    items = len(json.loads(demo_export.read_text())["checklist"])
    assert restore(url, demo_export)["checklist"] == items
    on_server = export_to(url, tmp_path / "server.json")
    assert on_server.read_bytes() == demo_export.read_bytes()
    restore(tmp_path / "back.db", on_server)
    back = export_to(tmp_path / "back.db", tmp_path / "back.json")
    assert back.read_bytes() == demo_export.read_bytes()
    # the restored server carries on: new ids follow the restored ones
    Council(url, today=TODAY).write(
        lambda tracker: tracker.change.add_member("A New Member", "26", "councillor")
    )
    assert len(members(url)) == 27
    assert check(url)[0] == []


def test_a_restore_into_a_server_database_holding_a_record_is_refused(postgres, demo_export):
    url = postgres_database(postgres)
    Council(url, today=TODAY).write(
        lambda tracker: tracker.change.add_member("Pat Lee", "3", "councillor")
    )
    before = export_text(url)
    with pytest.raises(TransitionError, match="already holds a record"):
        restore(url, demo_export)
    assert export_text(url) == before
