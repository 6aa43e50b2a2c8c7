"""Every class of user mistake: one clear line, a non-zero exit, nothing changed."""

from __future__ import annotations

import pytest
from conftest import invoke_transition, ok, run_transition

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

T = invoke_transition


@pytest.fixture
def council(jane, copies):
    def build() -> None:
        for ward in (1, 10, 11):
            ok(T("member", "add", f"Ward {ward} Councillor", "--ward", str(ward)))

    copies.once("mistakes' council", build)
    return jane


def state() -> str:
    return ok(T("export"))


MISTAKES = [
    (
        ["member", "show", "Jane Dough"],
        1,
        "there is no member 'Jane Dough'; did you mean 'Jane Doe'?",
    ),
    (["member", "show", "Nobody"], 1, "`transition member list` shows them"),
    (["member", "set", "ward 1", "--running", "yes"], 1, "matches 3 members"),
    (
        ["member", "set", "jane", "--running", "maybe"],
        2,
        "Invalid value for '--running': 'maybe' is not one of 'yes', 'no', 'undecided'",
    ),
    (
        ["member", "set", "jane", "--option", "both"],
        2,
        "Invalid value for '--option': 'both' is not one of 'separate', 'single'",
    ),
    (["member", "set", "jane"], 2, "give --running, --option, --email or --no-email"),
    (["member", "file", "jane", "--date", "2030-02-30"], 2, "day is out of range for month"),
    (
        ["member", "file", "jane", "--date", "2030-04-15", "--planned"],
        1,
        "outside the filing window",
    ),
    (["member", "file", "jane", "--date", "2030-05-06", "--today", "2030-04-01"], 1, "as planned"),
    (["member", "add", "JANE DOE", "--ward", "8"], 1, "already a member named"),
    (["member", "add", "New Person"], 1, "a councillor needs a ward: give --ward"),
    (
        ["member", "add", "Boss", "--office", "mayor", "--ward", "3"],
        1,
        "the mayor has no ward: give either --ward or --office mayor",
    ),
    (
        ["member", "add", "Boss", "--office", "boss"],
        2,
        "'boss' is not one of 'councillor', 'mayor'",
    ),
    (["member", "add", "Bad\x07Bell", "--ward", "3"], 1, "control characters"),
    (
        ["account", "add", "jane", "--platform", "X", "--handle", "@cllrdoe", "--role", "single"],
        1,
        "already has the X account @CllrDoe",
    ),
    (
        ["account", "add", "jane", "--platform", "X", "--handle", "@a", "--role", "boss"],
        2,
        "Invalid value for '--role': 'boss' is not one of 'council', 'campaign', 'single'",
    ),
    (
        [
            "account",
            "add",
            "jane",
            "--platform",
            "X",
            "--handle",
            "@b",
            "--role",
            "council",
            "--email",
            "nobody",
        ],
        1,
        "not an email address",
    ),
    (["account", "show", "99"], 1, "there is no account 99"),
    (["done", "1", "999"], 1, "there is no checklist item 999"),
    (["done", "one"], 2, "Invalid value"),
    (["waive", "1", "--reason", "  "], 1, "the reason is empty"),
    (["waive", "1"], 2, "--reason"),
    (["election", "add", "--year", "2027"], 1, "the nearest are 2026 and 2030"),
    (["election", "add", "--year", "2030"], 1, "already an election named '2030'"),
    (["election", "add"], 2, "give either --year YEAR or --by-election"),
    (["election", "set", "2030", "--opens", "2030-05-02"], 1, "regular election"),
    (["election", "show", "2034"], 1, "there is no election '2034'"),
    (["status", "--today", "tomorrow"], 2, "write dates as YYYY-MM-DD"),
    (["status", "--due-within", "-1"], 2, "--due-within"),
    (["export", "--format", "xml"], 2, "Invalid value for '--format': 'xml' is not one of"),
    (["checklist", "\ud826x"], 2, "argument 2 is not valid UTF-8 text"),
    (["member", "show", "Jane\udcff"], 2, "argument 3 is not valid UTF-8 text"),
    (["import", "members", "missing.csv"], 1, "cannot read missing.csv"),
]


@pytest.mark.parametrize(("args", "status", "message"), MISTAKES, ids=lambda v: str(v)[:40])
def test_a_mistake_is_one_line_and_changes_nothing(council, args, status, message):
    before = state()
    result = T(*args)
    assert result.returncode == status, result.stderr
    assert result.stderr.startswith("transition: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert state() == before


def test_no_election_yet_says_how_to_add_one(db_path):
    result = T("checklist")
    assert result.returncode == 1
    assert "add one with `transition election add --year YEAR`" in result.stderr


def test_a_failing_bulk_done_marks_nothing(council):
    result = T("done", "1", "2", "999")
    assert result.returncode == 1
    items = __import__("json").loads(ok(T("checklist", "--json")))["items"]
    statuses = {i["status"] for i in items}
    assert statuses == {"open"}


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["member", "show", "Jane Dough"], 1, "did you mean 'Jane Doe'?"),
        (["done", "999"], 1, "there is no checklist item 999"),
        (["member", "file", "jane", "--date", "2030-13-01"], 2, "month must be in 1..12"),
    ],
)
def test_mistakes_through_the_console_script(council, args, status, message):
    result = run_transition(*args)
    assert (result.returncode, result.stdout) == (status, "")
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_bytes_that_are_not_utf8_are_refused_by_the_console_script(council):
    import subprocess

    from conftest import SCRIPT

    done = subprocess.run([str(SCRIPT), "checklist", b"Jane\xff"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not valid UTF-8 text" in done.stderr


@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31"])
def test_the_ends_of_the_calendar_are_not_a_crash(council, today, tmp_path):
    for args in (
        ["status", "--due-within", "3660"],
        ["render", "reminders", "--within", "3660", "-o", str(tmp_path / "r.html")],
        ["checklist", "jane"],
    ):
        result = T(*args, "--today", today)
        assert result.returncode == 0, result.stderr
