"""PostgreSQL as quick as SQLite for the everyday commands: the server counts
the council's status in one grouped pass (`council_status()`, migration
0011), and a command signs in once and asks little before its work.

Round trips are counted, never timed: a count holds on any machine."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest
from conftest import postgres_database
from harness.council import Account, Council, Seat
from harness.records import export_to, restore
from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool, Pool
from sqlmodel import select

from transition.store import Mode, open_record
from transition.store.listings import status_rows
from transition.store.migrations import HEAD, REVISIONS, downgrade, migrate
from transition.store.models import ChecklistItem
from transition.store.status import counted

TODAY = date(2030, 4, 1)

SEATS = (
    Seat("Mayor Lee", office="mayor", running="yes", option="single",  # due on filing
         accounts=(Account(handle="@mayor"), Account(handle="@lee", role="campaign"))),
    Seat("Ann Ward", ward="3", running="yes", option="separate", filing=date(2030, 5, 6),
         accounts=(Account(handle="@ann"), Account(handle="@ann2", role="council",
                                                   connections=("publicised",)))),
    Seat("Bo Chen", ward="5", running="no",
         accounts=(Account(handle="@bo", connections=("publicised", "uses_logo")),)),
    Seat("Cy Diaz", ward="9", running="undecided"),  # no steps: counted, with none next
    Seat("Di Park", ward="11", running="yes", option="single", filing=date(2030, 8, 14),
         planned=True, accounts=(Account(handle="@di", email="di@toronto.ca"),)),
)  # fmt: skip


def rows(db: str, today: date) -> list[tuple[str, ...]]:
    """Each candidacy's counts as the database's status query gives them, as
    text (SQLite gives dates as text and truths as 0 or 1)."""

    def text(value: object) -> str:
        return "" if value is None else str(int(value) if isinstance(value, bool) else value)

    def work(tracker):
        found = counted(tracker.session.connection(), tracker.find.election().id, today)
        return sorted(tuple(text(value) for value in row) for row in found)

    return Council(db, today=today).read(work)


@pytest.fixture
def council(tmp_path, postgres) -> tuple[str, str]:
    """The same record twice: a SQLite file with steps done and waived, and
    a PostgreSQL database it was restored into."""
    sqlite = str(tmp_path / "council.db")
    made = Council(sqlite, today=date(2030, 6, 1))  # Ann's filing is done, Di's to come
    made.add(*SEATS)
    items = made.read(lambda tracker: tracker.session.exec(select(ChecklistItem)).all())
    made.mark([i.id for i in items[::3]], [i.id for i in items[1::7]], on=date(2030, 4, 20))
    url = postgres_database(postgres)
    restore(url, export_to(sqlite, tmp_path / "council.json"))
    return sqlite, url


def test_the_servers_count_is_sqlites_on_the_same_record(council):
    sqlite, url = council
    latest = Council(sqlite, today=TODAY).read(
        lambda tracker: sorted({i.latest for i in tracker.session.exec(select(ChecklistItem))})
    )
    # Before anything falls due, on each day a step hangs on and either side of it.
    days = [TODAY, *(day + timedelta(days=d) for day in latest for d in (-1, 0, 1))]
    for day in days:
        assert rows(url, day) == rows(sqlite, day), day
    assert len(rows(url, TODAY)) == len(SEATS)


def test_status_rows_read_the_same_on_both(council):
    sqlite, url = council
    day = date(2030, 6, 1)

    def status(db: str) -> list[dict]:
        return Council(db, today=day).read(
            lambda tracker: status_rows(tracker, tracker.find.election(), False, None)
        )

    assert status(url) == status(sqlite)


def test_council_status_is_the_owners_and_shows_nobody_ungranted(postgres):
    url = postgres_database(postgres)
    name = url.rsplit("/", 1)[1]
    Council(url, today=TODAY).add(SEATS[0])
    definer, path = (
        postgres.psql(
            "SELECT prosecdef, array_to_string(proconfig, ',') FROM pg_proc "
            "WHERE proname = 'council_status'",
            name,
        )
        .strip()
        .split("|")
    )
    assert definer == "t" and path == "search_path=public, pg_temp"
    assert postgres.psql("SELECT to_regproc('council_items') IS NULL", name).strip() == "t"
    postgres.execute("DROP ROLE IF EXISTS nosy; CREATE ROLE nosy LOGIN PASSWORD 'nosy-pass'")
    seen = postgres.psql(
        "SELECT count(*) FROM council_status(1, '2030-04-01')", name, user="nosy",
        password="nosy-pass",
    )  # fmt: skip
    assert seen.strip() == "0"


def test_0011_goes_down_to_council_items_and_back(postgres):
    url = postgres_database(postgres).replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            downgrade(connection, REVISIONS[REVISIONS.index("0011_council_status") - 1])
            found = connection.exec_driver_sql(
                "SELECT to_regproc('council_items'), to_regproc('council_status')"
            ).one()
            assert found == ("council_items", None)
            migrate(connection, HEAD)
            found = connection.exec_driver_sql(
                "SELECT to_regproc('council_items'), to_regproc('council_status')"
            ).one()
            assert found == (None, "council_status")
    finally:
        engine.dispose()


# -- round trips --------------------------------------------------------------


@contextlib.contextmanager
def counting() -> Iterator[dict[str, list]]:
    """Every sign-in, and every statement sent through psycopg (SQLAlchemy's
    own at sign-in too), as they happen: a round trip each, beside the
    BEGIN and COMMIT of each transaction."""
    seen: dict[str, list] = {"sign-ins": [], "statements": []}
    execute = psycopg.Cursor.execute

    def sent(cursor, query, *args, **kwargs):
        seen["statements"].append(" ".join(str(query).split()))
        return execute(cursor, query, *args, **kwargs)

    def signed_in(*_):
        seen["sign-ins"].append(1)

    event.listen(Pool, "connect", signed_in)
    psycopg.Cursor.execute = sent  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        event.remove(Pool, "connect", signed_in)


def test_a_command_signs_in_once_and_asks_once_at_open(council):
    _, url = council
    with counting() as seen, open_record(url, today=TODAY, actor="tester") as record:
        at_open = list(seen["statements"])
        record.transaction(
            lambda tracker: status_rows(tracker, tracker.find.election(), False, None)
        )
        record.transaction(lambda tracker: tracker.find.elections())
    assert len(seen["sign-ins"]) == 1  # the check at open and both transactions, on one
    # SQLAlchemy's one question at sign-in (its dialect is told the rest), then ours.
    assert at_open == ["select current_schema()", "SELECT version_num FROM alembic_version"]


def test_the_dialect_knows_at_sign_in_what_it_would_have_asked(council):
    """What SQLAlchemy's own psycopg dialect asks the server, ours reads from
    the server's greeting and the connection: the same answers."""
    _, url = council
    stock = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    answers = (
        "server_version_info",
        "default_schema_name",
        "default_isolation_level",
        "_backslash_escapes",
    )
    try:
        with stock.connect():
            expected = [getattr(stock.dialect, name) for name in answers]
        with open_record(url, today=TODAY, actor="tester") as record:
            got = [getattr(record.engine.dialect, name) for name in answers]
            assert record.engine.dialect.name == "postgresql"
    finally:
        stock.dispose()
    expected[2] = "REPEATABLE READ"  # the level our engine's transactions begin with
    assert got == expected


def test_who_and_what_they_may_is_one_question_and_the_anchors_another(council):
    _, url = council
    for mode in (Mode.READ, Mode.WRITE):
        with open_record(url, today=TODAY, actor="tester", mode=mode) as record, counting() as seen:
            record.transaction(lambda tracker: None)
        asked = seen["statements"]
        if mode is Mode.WRITE:  # the writers' queue, then who is changing the record
            assert asked[0] == "SELECT transition_write_lock()"
            assert asked[2].startswith("SELECT set_config('transition.actor'")
            asked = [asked[1], *asked[3:]]
        assert len(asked) == 2, asked
        assert asked[0].startswith("SELECT current_user, pg_has_role(current_user")
        assert asked[1].startswith("SELECT h.events, h.last_id, h.chain, transition_chain_at(")


def test_status_asks_the_server_once_for_its_counts(council):
    _, url = council
    with open_record(url, today=TODAY, actor="tester") as record, counting() as seen:
        record.transaction(
            lambda tracker: status_rows(tracker, tracker.find.election(), False, None)
        )
    assert sum("council_status(" in s for s in seen["statements"]) == 1
    assert len(seen["statements"]) <= 9, seen["statements"]


def test_done_reads_each_row_it_needs_once(council):
    _, url = council
    item = Council(url, today=TODAY).read(
        lambda tracker: tracker.session.exec(
            select(ChecklistItem).where(ChecklistItem.status == "open")
        ).first()
    )
    with (
        open_record(url, today=TODAY, actor="tester", mode=Mode.WRITE) as record,
        counting() as seen,
    ):
        record.transaction(lambda tracker: tracker.mark.done([item.id], None, None))
    reads = [s for s in seen["statements"] if s.startswith("SELECT") and " FROM " in s]
    tables = [s.split(" FROM ", 1)[1].split()[0] for s in reads]
    assert len(tables) == len(set(tables)), tables
