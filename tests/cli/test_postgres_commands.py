"""The commands on a PostgreSQL server: what `init` and `upgrade` say, refusals
in one line without the password, and `backup`'s pointer to pg_dump (what the
record does on a server is tests/store/test_postgres.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke_transition, ok, postgres_database, run_transition
from harness.records import database_at, fresh, login_role
from postgres_server import SUPERUSER

from transition.store.migrations import REVISIONS

T = invoke_transition


def test_init_says_it_created_the_tables_and_then_that_they_are_up_to_date(postgres):
    url = fresh(postgres)
    refused = T("status", "--db", url)
    assert refused.returncode == 1
    assert "has no transition tables yet" in refused.stderr
    assert "transition init" in refused.stderr
    assert postgres.password not in refused.stderr
    assert "was created (schema" in ok(T("init", "--db", url))
    assert "is up to date" in ok(T("init", "--db", url))
    ok(T("election", "add", "--year", "2030", "--db", url))


def test_an_older_schema_is_refused_until_upgrade_confirm(postgres):
    url = database_at(postgres, REVISIONS[0])
    for args in (("status",), ("election", "add", "--year", "2030"), ("upgrade",)):
        refused = T(*args, "--db", url)
        assert refused.returncode == 1
        assert f"is at schema {REVISIONS[0]}" in refused.stderr
        assert "pg_dump" in refused.stderr and "transition upgrade --confirm" in refused.stderr
    upgraded = ok(T("upgrade", "--confirm", "--db", url))
    assert f"was upgraded from schema {REVISIONS[0]}" in upgraded
    assert "is up to date" in ok(T("upgrade", "--confirm", "--db", url))


def test_a_newer_schema_and_a_foreign_database_are_refused_in_one_line(postgres):
    newer = postgres_database(postgres)
    postgres.psql(
        "UPDATE alembic_version SET version_num = '9999_from_the_future'",
        newer.rsplit("/", 1)[1],
    )
    refused = T("status", "--db", newer)
    assert refused.returncode == 1 and "written by a newer version of transition" in refused.stderr
    foreign = fresh(postgres)
    postgres.psql("CREATE TABLE invoices (id int)", foreign.rsplit("/", 1)[1])
    for args in (("status",), ("init",), ("upgrade", "--confirm")):
        result = T(*args, "--db", foreign)
        assert result.returncode == 1 and "another application" in result.stderr


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
        login_role(postgres, "clerkless", secret)
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
