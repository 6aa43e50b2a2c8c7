"""Records for the store's tests, built and read through the store's front door.

What a test reads back (the export, the trail, what `check` finds), the
council of tests/conftest.py (Jane Doe, or two members on PostgreSQL with a
staffer of each kind) built through the tracker instead of the command line,
and a record kept in a file of its own, to be exported and restored.

    council = Council(db, today=TODAY)
    jane(council)
    assert check(db)[0] == []
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from conftest import PASSWORD, WARD7

from harness.council import JANE, Council
from transition.store import Mode, Tracker, locate, transact

T = TypeVar("T")

TODAY = date(2030, 4, 1)


# -- reading a record back --------------------------------------------------------


def read(db: str | Path, work: Callable[[Tracker], T], today: date = TODAY, **options: Any) -> T:
    """One reading transaction of `work` on the record at `db`."""
    return transact(str(db), work, today=today, actor="tester", **options)


def export_text(db: str | Path, export_format: str = "json") -> str:
    """The record as `transition export` writes it."""
    from transition.store.transfer.export import export_text as text

    return read(db, lambda tracker: text(tracker, export_format))


def export_to(db: str | Path, path: Path) -> Path:
    path.write_text(export_text(db), encoding="utf-8")
    return path


def log(db: str | Path, member: str | None = None, **options: Any) -> list[dict[str, Any]]:
    """The audit trail, newest first (`transition log --json`)."""
    from transition.store.listings import log_rows

    def work(tracker: Tracker) -> list[dict[str, Any]]:
        found = tracker.find.member(member) if member else None
        rows = log_rows(tracker, found, options.get("limit"), rows=options.get("rows", False))
        return [dict(row) for row in rows]

    return read(db, work)


def check(db: str | Path) -> tuple[list[str], dict[str, int], list[str]]:
    """What `transition check` finds: problems, what was checked, and doubts."""
    from transition.store.trail.integrity import doubts, problems

    def work(tracker: Tracker) -> tuple[list[str], dict[str, int], list[str]]:
        found, checked = problems(tracker)
        return found, checked, doubts(tracker) if checked else []

    return read(db, work, mode=Mode.INSPECT)


def checklist(db: str | Path, member: str | None = None, today: date = TODAY) -> list[dict]:
    """Each current step, in council order (`transition checklist --json`)."""
    from transition.store.listings import checklist_rows

    def work(tracker: Tracker) -> list[dict]:
        who = tracker.find.member(member) if member else None
        return [dict(row) for row in checklist_rows(tracker, tracker.find.election(), who)]

    return read(db, work, today)


def members(db: str | Path) -> list[dict]:
    """`transition member list --json`."""
    from transition.store.listings import member_rows

    def work(tracker: Tracker) -> list[dict]:
        if not tracker.find.members():
            return []
        return [dict(row) for row in member_rows(tracker, tracker.find.election())]

    return read(db, work)


def restore(db: str | Path, path: Path) -> dict[str, int]:
    """`transition restore PATH --db DB`: the rows of each table restored."""
    from transition.store.transfer.restore import restore as restore_into

    return restore_into(locate(str(db)), path)


# -- files an import refuses ------------------------------------------------------

MEMBERS_HEADER = "name,ward,office,running,option,filing_date,filing\n"
#: A members file, and what its refusal says.
BAD_FILES = [
    (MEMBERS_HEADER + "Good Row,3,,,,,\nJane,7,,maybe,,,\n", "line 3: running must be one of"),
    (
        MEMBERS_HEADER + "Jane,7,,yes,,2030-02-30,\n",
        "line 2: filing_date '2030-02-30' is not a date",
    ),
    (
        MEMBERS_HEADER + "Jane,7,,yes,single,2030-04-01,\n",
        "line 2: 2030-04-01 is outside the filing window",
    ),
    (MEMBERS_HEADER + "Ann,1,,,,,\nann,2,,,,,\n", "line 3: the same member as line 2"),
    (
        MEMBERS_HEADER + "Ann,1,,,,,\n,2,,,,,\nBob,²,,,,,\n",
        "2 bad rows, so nothing was imported: line 3",
    ),
    ("name,wrad\nAnn,1\n", "unknown column(s) wrad"),
    ("ward\n1\n", "missing column(s) name"),
    (MEMBERS_HEADER, "has a header but no rows"),
    ("", "is empty"),
    (MEMBERS_HEADER + 'Ann,"1,,,,,\n', "fix the quoting"),
    (MEMBERS_HEADER + "Ann,1,,,,,,extra\n", "more cells than the header"),
    (MEMBERS_HEADER + "Bob,,,,,,\n", "line 2: a councillor needs a ward"),
]


# -- the councils of tests/conftest.py, through the tracker -------------------------


def jane(council: Council) -> Council:
    """The 2030 election and Jane Doe (ward 7), running on one X account
    registered with her City email: the `jane` fixture, without the command line."""
    council.add(JANE)
    return council


def jane_elsewhere(path: Path, *, override_and_filing: bool = True) -> Path:
    """Jane Doe's record in a SQLite file of its own, with step 1 done by Sam
    (with evidence, on 2030-05-02); with `override_and_filing`, the mayor's
    nomination day moved by law and Jane's filing on 2030-05-06 too."""
    office = Council(str(path), today=TODAY)

    def setup(tracker: Tracker) -> None:
        election = tracker.change.add_regular_election(2030, None)
        if override_and_filing:
            tracker.change.set_office_override(
                election, "mayor", date(2030, 9, 13), None, "a test act"
            )
        member = tracker.change.add_member("Jane Doe", "7", "councillor")
        tracker.change.add_account(
            member, platform="X", handle="@CllrDoe", role="single", email="jane@toronto.ca"
        )
        tracker.change.set_candidacy(member, election, "yes", "single")

    office.write(setup)
    if override_and_filing:
        office.write(
            lambda tracker: tracker.change.set_filing(
                tracker.find.member("jane"), tracker.find.election(), date(2030, 5, 6), actual=True
            ),
            today=date(2030, 5, 7),
        )
    sam = Council(str(path), today=date(2030, 5, 2), actor="Sam")
    first = min(row["id"] for row in checklist(path))
    sam.write(lambda tracker: tracker.mark.done([first], None, "https://example.org/1"))
    return path


def jane_with_history(db: str | Path) -> None:
    """Jane Doe's steps done, reopened and waived, a planned filing, and her option
    changed (the `jane` council, a while on)."""
    council = Council(str(db), today=TODAY)
    council.write(lambda tracker: tracker.mark.done([1, 2], note=None, evidence=None))
    council.write(lambda tracker: tracker.mark.reopen([2], note=None))
    council.write(lambda tracker: tracker.mark.waive(3, "n/a"))
    council.write(
        lambda tracker: tracker.change.set_filing(
            tracker.find.member("jane"), tracker.find.election(), date(2030, 5, 6), actual=False
        )
    )
    council.write(
        lambda tracker: tracker.change.set_candidacy(
            tracker.find.member("jane"), tracker.find.election(), None, "separate"
        )
    )


@contextmanager
def isolated(folder: Path) -> Iterator[None]:
    """This machine's anchors and holiday cache in `folder`, for a record built
    outside any one test (a module's fixture), as tests/conftest.py keeps each
    test's."""
    import pytest

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSITION_STATE_DIR", str(folder / "state"))
        patch.setenv("TRANSITION_CACHE_DIR", str(folder / "cache"))
        patch.setenv("TRANSITION_USER", "tester")
        yield


# -- exports a restore refuses --------------------------------------------------------


def broken(data: dict, how: str) -> dict | str:
    """The export `data`, no longer a complete export, as `how` says."""
    if how == "not an export":
        return {"tables": []}
    if how == "unknown schema":
        return {**data, "schema": "9999_future"}
    if how == "a table missing":
        return {k: v for k, v in data.items() if k != "members"}
    if how == "a column missing":
        data["members"][0].pop("ward")
        return data
    if how == "a bad date":
        data["candidacies"][0]["filing_date"] = "the sixth of May"
        return data
    if how == "an item of a missing candidacy":
        data["checklist"][0]["candidacy_id"] = 99
        return data
    return "[1, 2"


#: How an export is broken, and what the refusal says.
BROKEN = [
    ("not an export", "is not a transition export"),
    ("unknown schema", "schema '9999_future', which this transition cannot read"),
    ("a table missing", "the export has no 'members'"),
    ("a column missing", "row 1 of 'members' does not have the columns"),
    ("a bad date", "'the sixth of May' is not a date"),
    ("an item of a missing candidacy", "nothing was changed"),
    ("not JSON", "not JSON"),
]


def _event(data: dict, action: str) -> dict:
    return next(event for event in data["events"] if event["action"] == action)


#: An export crafted to put into the record what no command would, and what
#: the refusal says.
CRAFTED = {
    "an edited event": (
        lambda d: _event(d, "item.done").update(actor="Councillor Herself"),
        "the export's audit trail does not hold: event",
    ),
    "chains dropped": (
        lambda d: [event.update(chain=None) for event in d["events"]],
        "carries no hash",
    ),
    "a row changed without an event": (
        lambda d: d["checklist"][0].update(done_by="Councillor Herself"),
        "the export's rows are not what its audit trail says (checklist_item 1: done_by",
    ),
    "a status of its own": (
        lambda d: d["checklist"][0].update(status="pwned"),
        "status 'pwned' is not one of open, done, waived",
    ),
    "an office of its own": (
        lambda d: d["members"][0].update(office="emperor"),
        "office 'emperor' is not one of",
    ),
    "an escape in a name": (
        lambda d: d["members"][0].update(name="Jane\x1b[2J Doe"),
        "control characters",
    ),
    "a direction override in a name": (
        lambda d: d["members"][0].update(name="Jane \u202eeoD"),
        "invisible characters",
    ),
    "an event of a member not there": (
        lambda d: _event(d, "member.added").update(member_id=77),
        "names a member the export does not hold",
    ),
    "a key of its own": (lambda d: d.update(extra=[]), "keys no export has (extra)"),
    "an id past any database's": (
        lambda d: d["members"][0].update(id=2**70),
        "id 1180591620717411303424 is not an id",
    ),
    "an id that is text": (lambda d: d["events"][0].update(id="1"), "id '1' is not an id"),
    "a flag that is NaN": (
        lambda d: d["accounts"][0].update(uses_logo=float("nan")),
        "uses_logo nan is not true or false",
    ),
    "an event's after as an object": (
        lambda d: d["events"][0].update(after={"x": 1}),
        "after {'x': 1} is not text",
    ),
    "an event twice": (lambda d: d["events"].append(dict(d["events"][-1])), "is there twice"),
    "the last event gone": (
        lambda d: d["events"].remove(_event(d, "item.done")),
        "the export's steps are not what its audit trail says",
    ),
    "a hash that is no hash": (
        lambda d: d["events"][0].update(chain="not-a-hash"),
        "is not a SHA-256 in hex",
    ),
}


def write_json(path: Path, data: dict | str) -> Path:
    import json

    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


# -- a SQLite file changed behind transition's back -------------------------------------


def tamper(path: Path, *statements: str) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


#: Changes made to the file behind transition's back, and the problem check names.
TAMPERINGS = [
    (
        ["UPDATE checklist_item SET status = 'done' WHERE id = 1"],
        "item 1 is done, but its audit trail ends at open",
    ),
    (
        ["UPDATE checklist_item SET step_id = 'made-up' WHERE id = 2"],
        "item 2: step 'made-up' is not in its election's profile",
    ),
    (
        [
            "DROP TRIGGER event_append_only_delete",
            "DELETE FROM event WHERE action = 'account.added'",
        ],
        "account 1 has no account.added event",
    ),
    (
        [
            "PRAGMA foreign_keys = OFF",
            "UPDATE checklist_item SET candidacy_id = 99 WHERE id = 3",
        ],
        "item 3 belongs to candidacy 99, which does not exist",
    ),
]


# -- the council on PostgreSQL, with a staffer of each kind ---------------------------


def shared_council(server: Any, url: str) -> dict[str, Any]:
    """tests/conftest.py's `council`, through the tracker: two members (wards 7
    and 3) with an X account each and six steps, office staff of ward 7, a
    clerk, an auditor and a stranger with no grant, on the empty record at `url`."""
    from transition.store.grants import grant

    owner = Council(url, today=TODAY)

    def seats(tracker: Tracker) -> None:
        election = tracker.change.add_regular_election(2030, None)
        for ward in (7, 3):
            member = tracker.change.add_member(f"Ward {ward} Councillor", str(ward), "councillor")
            tracker.change.add_account(
                member,
                platform="X",
                handle=f"@w{ward}",
                role="single",
                email=f"w{ward}@toronto.ca",
                phone=f"416-{ward}",
            )
            tracker.change.set_candidacy(member, election, "yes", "single")

    def grants(tracker: Tracker) -> None:
        grant(tracker, "ward7staff", "office", [tracker.find.member(WARD7)])
        grant(tracker, "theclerk", "clerk", [])
        grant(tracker, "theauditor", "auditor", [])

    owner.write(seats)
    owner.write(grants)
    for role in ("ward7staff", "theclerk", "theauditor"):
        server.execute(f"ALTER ROLE {role} PASSWORD '{PASSWORD}'")
    server.execute("DROP ROLE IF EXISTS stranger; CREATE ROLE stranger LOGIN PASSWORD 'x'")
    items = {row["member"]: row["id"] for row in checklist(url)}  # each member's last listed
    return {"url": url, "name": url.rsplit("/", 1)[1], "items": items, "server": server}


def role_url(council: dict[str, Any], role: str, password: str = PASSWORD) -> str:
    """The council's record, signed in as `role`."""
    url = council["url"]
    return url.replace(url.split("@")[0].removeprefix("postgresql://"), f"{role}:{password}")


def as_role(
    council: dict[str, Any],
    role: str,
    work: Callable[[Tracker], T],
    *,
    mode: Mode = Mode.READ,
    actor: str | None = None,
    password: str = PASSWORD,
) -> T:
    """One transaction of `work` on the council's record, signed in as `role`
    (the actor is the role, unless given)."""
    return transact(
        role_url(council, role, password), work, today=TODAY, actor=actor or role, mode=mode
    )


def fresh(server: Any) -> str:
    """An empty database on the server: no tables at all."""
    return server.url(server.new_database())


def database_at(server: Any, revision: str) -> str:
    """An empty database brought to one schema revision, as an older release
    would have left it."""
    from sqlalchemy import create_engine

    from transition.store.migrations import migrate

    url = fresh(server)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        migrate(connection, revision)
    engine.dispose()
    return url


def login_role(server: Any, name: str, password: str) -> None:
    """A login role with no rights on transition's tables."""
    server.execute(f"DROP ROLE IF EXISTS {name}")
    server.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")


# -- files in a database's place that are not transition's ----------------------


def init(db: str | Path | None) -> None:
    """Create the database, or bring it up to date, as `transition init` does."""
    from transition.store import open_record

    open_record(db, today=TODAY, actor="tester", mode=Mode.CREATE).close()


def _other_application(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO recipes (name) VALUES ('bannock')")
    connection.close()


def _truncated(path: Path) -> None:
    init(path)
    path.write_bytes(path.read_bytes()[:1500])


def _newer_transition(path: Path) -> None:
    init(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()


#: How to make each kind of file that is not a transition database, and
#: what its refusal says.
NOT_OURS: dict[str, tuple[Callable[[Path], object], str]] = {
    "empty": (lambda p: p.write_bytes(b""), "is an empty file"),
    "random bytes": (lambda p: p.write_bytes(bytes(range(256)) * 8), "not SQLite"),
    "truncated": (_truncated, "damaged or not a database"),
    "another application": (_other_application, "another application"),
    "newer transition": (_newer_transition, "newer version of transition"),
}


def jane_trail(council: Council) -> Council:
    """Jane's record with a few changes by several people: item 1 done by
    Sam with evidence, a planned filing date, item 2 annotated by Alex."""
    council.add(JANE)
    council.write(
        lambda tracker: tracker.mark.done([1], note=None, evidence="https://example.org/post/1"),
        actor="Sam",
    )
    council.write(
        lambda tracker: tracker.change.set_filing(
            tracker.find.member("jane"), tracker.find.election(), date(2030, 5, 6), actual=False
        )
    )
    council.write(lambda tracker: tracker.mark.annotate([2], "draft ready", None), actor="Alex")
    return council


def two_offices(*db: str) -> None:
    """Through the command line: the 2030 election, Jane Doe (ward 7) and John
    Roe (ward 3), each on a City-connected X account: six steps each, Jane's
    1-6 and John's 7-12."""
    from conftest import invoke_transition, ok

    ok(invoke_transition("election", "add", "--year", "2030", *db))
    for name, ward, handle in (("Jane Doe", "7", "@CllrDoe"), ("John Roe", "3", "@CllrRoe")):
        ok(invoke_transition("member", "add", name, "--ward", ward, *db))
        email = f"{name.split()[0].lower()}@toronto.ca"
        ok(invoke_transition("account", "add", name, "--platform", "X", "--handle", handle,
                             "--role", "single", "--email", email, *db))  # fmt: skip
        ok(invoke_transition("member", "set", name, "--running", "yes", "--option", "single", *db))


def copy_of(db: Path, to: Path) -> Path:
    """A copy of the record, through SQLite's backup (a file copy could miss
    what is still in the write-ahead log)."""
    source, target = sqlite3.connect(db), sqlite3.connect(to)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return to
