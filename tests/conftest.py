"""Shared test helpers: the real console script, run as a user would."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import SCRIPT, Result, invoke_transition, run_transition
from postgres_server import NoServer, PostgresServer, running_server
from record_copies import Copies, copy_sqlite

__all__ = ["SCRIPT", "Result", "as_json", "invoke_transition", "ok", "run_transition"]

#: Scratch folders want this much free memory to be kept in it.
MEMORY_FOR_SCRATCH = 2 * 1024**3


def _scratch_in_memory() -> None:
    """Keep the tests' scratch folders (tmp_path, the PostgreSQL cluster, what
    the console scripts write) in memory, /dev/shm, where the machine has
    room there and no TMPDIR of its own: the tests commit thousands of small
    transactions and copy hundreds of databases, and on a disk each waits for
    the flush, which made the suite three times slower than its work. Set
    for the processes the tests start too, and xdist's workers."""
    memory = Path("/dev/shm")
    if "TMPDIR" in os.environ or not memory.is_dir() or not os.access(memory, os.W_OK):
        return
    free = os.statvfs(memory)
    if free.f_bavail * free.f_frsize < MEMORY_FOR_SCRATCH:
        return
    os.environ["TMPDIR"] = tempfile.tempdir = str(memory)


_scratch_in_memory()


@pytest.fixture
def transition():
    """The command line, run in this process: the tests of the console script
    as a process (start-up, signals, exit codes, the installed wheel) call
    `run_transition` themselves."""
    return invoke_transition


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test sees a user's settings: each has its own database and scratch folder."""
    for name in list(os.environ):
        if name.startswith("TRANSITION_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRANSITION_DB", str(tmp_path / "transition.db"))
    monkeypatch.setenv("TRANSITION_USER", "tester")
    monkeypatch.setenv("TRANSITION_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TRANSITION_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


# -- the two stores --------------------------------------------------------------

#: Tests of modules marked `pytestmark = pytest.mark.usefixtures("store")` run
#: once on a SQLite file and once on a PostgreSQL database of their own.
STORES = ("sqlite", "postgresql")
TEMPLATE = "transition_template"


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """A throwaway PostgreSQL server for this test process, with a template
    database holding transition's tables, so each test's database is a copy."""
    try:
        with running_server() as server:
            server.psql(f'CREATE DATABASE "{TEMPLATE}"')
            done = run_transition("init", "--db", server.url(TEMPLATE))
            assert done.returncode == 0, done.stderr
            yield server
    except NoServer as reason:
        pytest.skip(f"no PostgreSQL server can start here: {reason}")


def postgres_database(server: PostgresServer) -> str:
    """A fresh database with transition's tables; its URL."""
    name = server.new_database(template=TEMPLATE)
    return server.url(name)


@pytest.fixture(params=STORES)
def store(request, monkeypatch) -> Iterator[str]:
    """Which store the test runs on; TRANSITION_DB points at a fresh one,
    dropped after the test so the server's folder stays small."""
    if request.param != "postgresql":
        yield request.param
        return
    server = request.getfixturevalue("postgres")
    url = postgres_database(server)
    monkeypatch.setenv("TRANSITION_DB", url)
    yield request.param
    server.drop_database(url.rsplit("/", 1)[1])


def pytest_collection_modifyitems(config, items):
    """Tests marked sqlite_only (a SQLite file's own behaviour) run on SQLite alone."""
    keep, drop = [], []
    for item in items:
        param = getattr(getattr(item, "callspec", None), "params", {}).get("store")
        if param == "postgresql" and item.get_closest_marker("sqlite_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "transition.db"


@pytest.fixture(scope="session")
def _sample(tmp_path_factory) -> Path:
    from transition.cli.sample import build

    return build(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def sample_council(_sample, tmp_path_factory) -> Path:
    """The 26-member sample council (`transition.cli.sample`), built once a
    test process: each module that asks gets a copy of its own."""
    copy = tmp_path_factory.mktemp("sample") / "transition.db"
    copy_sqlite(_sample, copy)
    return copy


@pytest.fixture(scope="session")
def _built(request, tmp_path_factory) -> Copies:
    return Copies(tmp_path_factory.mktemp("copies"), lambda: request.getfixturevalue("postgres"))


@pytest.fixture
def copies(_built) -> Copies:
    """Records fixtures build once a test process and copy for each test after."""
    return _built


def ok(result: Result) -> str:
    """The output of a command that must succeed."""
    assert result.returncode == 0, result.stderr
    return result.stdout


def as_json(result: Result):
    import json

    return json.loads(ok(result))


JANE_ACCOUNT = ("--platform", "X", "--handle", "@CllrDoe", "--role", "single")


@pytest.fixture
def jane(db_path, copies):
    """The 2030 election and Jane Doe (ward 7), running on one City-connected X account."""

    def build() -> None:
        ok(invoke_transition("election", "add", "--year", "2030"))
        ok(invoke_transition("member", "add", "Jane Doe", "--ward", "7"))
        ok(
            invoke_transition(
                "account", "add", "jane", *JANE_ACCOUNT, "--email", "jane.doe@toronto.ca"
            )
        )
        ok(invoke_transition("member", "set", "jane", "--running", "yes", "--option", "single"))

    copies.once("jane", build)
    return db_path


# -- a council on PostgreSQL, with a staffer of each kind ---------------------

_T = invoke_transition
PASSWORD = "role-pass-1"
WARD7, WARD3 = "Ward 7 Councillor", "Ward 3 Councillor"


@pytest.fixture
def council(postgres):
    """Two members with accounts and steps, and a staffer of each kind."""
    url = postgres_database(postgres)
    name = url.rsplit("/", 1)[1]
    db = ("--db", url, "--today", "2030-04-01")
    ok(_T("election", "add", "--year", "2030", *db))
    for ward in (7, 3):
        member = f"Ward {ward} Councillor"
        ok(_T("member", "add", member, "--ward", str(ward), *db))
        handle, email = f"@w{ward}", f"w{ward}@toronto.ca"
        ok(_T("account", "add", member, "--platform", "X", "--handle", handle,
             "--role", "single", "--email", email, "--phone", f"416-{ward}", *db))  # fmt: skip
        ok(_T("member", "set", member, "--running", "yes", "--option", "single", *db))
    ok(_T("access", "grant", "ward7staff", "--office", WARD7, "--db", url))
    ok(_T("access", "grant", "theclerk", "--clerk", "--db", url))
    ok(_T("access", "grant", "theauditor", "--auditor", "--db", url))
    for role in ("ward7staff", "theclerk", "theauditor"):
        postgres.execute(f"ALTER ROLE {role} PASSWORD '{PASSWORD}'")
    postgres.execute("DROP ROLE IF EXISTS stranger; CREATE ROLE stranger LOGIN PASSWORD 'x'")
    items = {
        row["member"]: row["id"] for row in as_json(_T("checklist", "--json", *db))["items"]
    }  # one id of each member's steps (the last listed)
    return {"url": url, "name": name, "items": items, "server": postgres}


def as_role(council, role: str, *args: str, password: str = PASSWORD):
    url = council["url"].replace(
        council["url"].split("@")[0].removeprefix("postgresql://"), f"{role}:{password}"
    )
    return run_transition(*args, "--db", url)


def sql(council, role: str, statement: str) -> str:
    return council["server"].psql(statement, council["name"], user=role, password=PASSWORD)


# -- changing the record around transition ----------------------------------


@pytest.fixture
def direct(request, store):
    """Run SQL on the record as its owner would, around transition; with
    `set_aside`, with the tables' triggers set aside for it."""
    postgres = request.getfixturevalue("postgres") if store == "postgresql" else None
    url = os.environ["TRANSITION_DB"]

    def run(statement: str, table: str, set_aside: bool = False) -> None:
        if postgres is None:
            with sqlite3.connect(url) as connection:
                triggers = connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    (table,),
                ).fetchall()
                if set_aside:
                    for name, _ in triggers:
                        connection.execute(f"DROP TRIGGER {name}")
                connection.execute(statement)
                if set_aside:
                    for _, made in triggers:
                        connection.execute(made)
            connection.close()
            return
        if set_aside:
            statement = (
                f"ALTER TABLE {table} DISABLE TRIGGER USER; {statement}; "
                f"ALTER TABLE {table} ENABLE TRIGGER USER"
            )
        postgres.psql(statement, url.rsplit("/", 1)[1])

    return run
