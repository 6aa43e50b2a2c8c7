"""The record on a real PostgreSQL server: opening, upgrading, refusing, sharing.

The tests that run every command on both stores are marked with the `store`
fixture in their own modules; these are what only a server has.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import harness
import harness.store
import pytest
from conftest import as_json, invoke_transition, ok, postgres_database, run_transition
from postgres_server import SUPERUSER, PostgresError

from transition.store.migrations import HEAD, REVISIONS

T = invoke_transition


def fresh(postgres) -> str:
    """An empty database: no tables at all."""
    return postgres.url(postgres.new_database())


def test_an_empty_database_is_given_its_tables_by_init_only(postgres):
    url = fresh(postgres)
    refused = T("status", "--db", url)
    assert refused.returncode == 1
    assert "has no transition tables yet" in refused.stderr
    assert "transition init" in refused.stderr
    assert postgres.password not in refused.stderr
    assert "was created (schema" in ok(T("init", "--db", url))
    assert "is up to date" in ok(T("init", "--db", url))
    ok(T("election", "add", "--year", "2030", "--db", url))


def test_an_older_schema_waits_for_its_administrator(postgres):
    url = fresh(postgres)
    name = url.rsplit("/", 1)[1]
    old = subprocess.run(
        [
            sys.executable,
            "-c",
            _MIGRATE_TO,
            url.replace("postgresql://", "postgresql+psycopg://"),
            REVISIONS[0],
        ],
        capture_output=True,
        text=True,
    )
    assert old.returncode == 0, old.stderr
    for args in (("status",), ("election", "add", "--year", "2030"), ("upgrade",)):
        refused = T(*args, "--db", url)
        assert refused.returncode == 1
        assert f"is at schema {REVISIONS[0]}" in refused.stderr
        assert "pg_dump" in refused.stderr and "transition upgrade --confirm" in refused.stderr
    assert postgres.psql("SELECT version_num FROM alembic_version", name).strip() == REVISIONS[0]
    upgraded = ok(T("upgrade", "--confirm", "--db", url))
    assert f"was upgraded from schema {REVISIONS[0]}" in upgraded
    assert postgres.psql("SELECT version_num FROM alembic_version", name).strip() == HEAD


def test_two_upgrades_at_once_upgrade_once(postgres, tmp_path):
    url = fresh(postgres)
    subprocess.run(
        [
            sys.executable,
            "-c",
            _MIGRATE_TO,
            url.replace("postgresql://", "postgresql+psycopg://"),
            REVISIONS[0],
        ],
        check=True,
    )
    both = [
        subprocess.Popen(
            [str(harness.SCRIPT), "upgrade", "--confirm", "--db", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [process.communicate(timeout=120) for process in both]
    assert [process.returncode for process in both] == [0, 0], said
    outs = sorted(out for out, _ in said)
    assert "is up to date" in outs[1] or "was upgraded" in outs[1]
    assert any("was upgraded" in out for out in outs)
    ok(T("check", "--db", url))


def test_a_newer_schema_and_a_foreign_database_are_refused_untouched(postgres):
    newer = postgres_database(postgres)
    name = newer.rsplit("/", 1)[1]
    postgres.psql("UPDATE alembic_version SET version_num = '9999_from_the_future'", name)
    refused = T("status", "--db", newer)
    assert refused.returncode == 1 and "written by a newer version of transition" in refused.stderr
    foreign = fresh(postgres)
    other = foreign.rsplit("/", 1)[1]
    postgres.psql("CREATE TABLE invoices (id int)", other)
    for args in (("status",), ("init",), ("upgrade", "--confirm")):
        result = T(*args, "--db", foreign)
        assert result.returncode == 1 and "another application" in result.stderr
    tables = postgres.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", other)
    assert tables.split() == ["invoices"]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("server down", "cannot reach the PostgreSQL server at 127.0.0.1:1"),
        ("wrong password", "refused the password for user transition_owner"),
        ("unknown database", "there is no database nosuchdb"),
        # the server does not say whether the user exists, only that it is refused
        ("unknown user", "refused the password for user nobody"),
        ("no permission", "user clerkless has no access to this record"),
    ],
)
def test_connection_problems_are_one_line_without_the_password(postgres, problem, message):
    base = f"127.0.0.1:{postgres.port}"
    secret = "s3cr3t-pa55"
    urls = {
        "server down": f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:1/nothing",
        "wrong password": f"postgresql://{SUPERUSER}:{secret}@{base}/postgres",
        "unknown database": postgres.url("nosuchdb"),
        "unknown user": f"postgresql://nobody:{secret}@{base}/postgres",
        "no permission": f"postgresql://clerkless:{secret}@{base}/"
        + postgres_database(postgres).rsplit("/", 1)[1],
    }
    if problem == "no permission":
        _role(postgres, "clerkless", secret)
    result = run_transition("status", "--db", urls[problem])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("transition: error: ")
    assert message in result.stderr
    for password in (secret, postgres.password):
        assert password not in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_points_to_pg_dump_and_export(postgres):
    result = T("backup", "-o", "copy.db", "--db", postgres_database(postgres))
    assert result.returncode == 1
    assert "pg_dump" in result.stderr and "transition export" in result.stderr
    assert not Path("copy.db").exists()


def test_the_audit_trail_is_append_only_on_the_server(postgres):
    url = postgres_database(postgres)
    name = url.rsplit("/", 1)[1]
    ok(T("member", "add", "Pat Lee", "--ward", "3", "--db", url))
    for statement in (
        "UPDATE event SET actor = 'someone else'",
        "DELETE FROM event",
        "TRUNCATE event",
    ):
        with pytest.raises(PostgresError, match="append-only"):
            postgres.psql(statement, name)
    assert as_json(T("log", "--json", "--db", url))[0]["actor"] == "tester"


def test_names_match_in_any_case(postgres):
    url = postgres_database(postgres)
    ok(T("election", "add", "--year", "2030", "--db", url))
    ok(T("member", "add", "Pat Lee", "--ward", "3", "--db", url))
    again = T("member", "add", "PAT LEE", "--ward", "4", "--db", url)
    assert again.returncode == 1 and "already a member named" in again.stderr
    ok(T("member", "show", "pat lee", "--db", url))


def test_staff_at_once_lose_nothing(postgres, tmp_path):
    """Four at once here; make soak runs eight, with five times the items."""
    figures = harness.store.concurrent_staff(
        tmp_path, processes=4, items_each=30, batch=15, postgres_url=fresh(postgres)
    )
    assert figures.ok, figures.line()


# -- moving a record whole ---------------------------------------------------------


@pytest.fixture
def demo_export(tmp_path) -> Path:
    """The demo council as a SQLite file, exported."""
    from transition.cli.sample import build

    build(tmp_path / "demo")
    path = tmp_path / "demo.json"
    ok(T("export", "--db", str(tmp_path / "demo" / "transition.db"), "-o", str(path)))
    return path


def test_a_record_moves_from_a_file_to_the_server_and_back_unchanged(
    postgres, demo_export, tmp_path
):
    url = fresh(postgres)
    items = len(json.loads(demo_export.read_text())["checklist"])
    assert f"{items} checklist" in ok(T("restore", str(demo_export), "--db", url))
    on_server = tmp_path / "server.json"
    ok(T("export", "--db", url, "-o", str(on_server)))
    assert on_server.read_bytes() == demo_export.read_bytes()
    ok(T("restore", str(on_server), "--db", str(tmp_path / "back.db")))
    back = tmp_path / "back.json"
    ok(T("export", "--db", str(tmp_path / "back.db"), "-o", str(back)))
    assert back.read_bytes() == demo_export.read_bytes()
    # the restored server carries on: new ids follow the restored ones
    ok(T("member", "add", "A New Member", "--ward", "26", "--db", url))
    members = as_json(T("member", "list", "--json", "--db", url))
    assert len(members) == 27
    ok(T("check", "--db", url))


def test_a_restore_into_a_server_database_holding_a_record_is_refused(postgres, demo_export):
    url = postgres_database(postgres)
    ok(T("member", "add", "Pat Lee", "--ward", "3", "--db", url))
    before = T("export", "--db", url).stdout
    refused = T("restore", str(demo_export), "--db", url)
    assert refused.returncode == 1 and "already holds a record" in refused.stderr
    assert T("export", "--db", url).stdout == before


def _role(postgres, name: str, password: str) -> None:
    """A login role with no rights on transition's tables."""
    postgres.psql(f"DROP ROLE IF EXISTS {name}")
    postgres.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")


#: Brings a database to one revision, as an older release would have left it.
_MIGRATE_TO = """
import sys
from sqlalchemy import create_engine
from transition.store.migrations import migrate
engine = create_engine(sys.argv[1])
with engine.begin() as connection:
    migrate(connection, sys.argv[2])
"""
