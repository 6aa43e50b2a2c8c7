"""CSV import: every row checked first, every bad row named, all or nothing."""

from __future__ import annotations

import pytest
from conftest import as_json, invoke_transition, ok

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

T = invoke_transition
MEMBERS_HEADER = "name,ward,office,running,option,filing_date,filing\n"


@pytest.fixture
def election(db_path):
    ok(T("election", "add", "--year", "2030"))


def test_members_and_accounts_import(election, tmp_path):
    (tmp_path / "m.csv").write_text(
        "\ufeff"
        + MEMBERS_HEADER
        + "Jane Doe,7,,yes,single,2030-05-06,planned\n"
        + '"Chow, Olivia",,mayor,no,,,\n'
    )
    (tmp_path / "a.csv").write_text(
        "member,platform,handle,url,role,email,phone,identifies_member,publicised,uses_logo,city_resources\n"
        "Jane Doe,X,@CllrDoe,https://x.com/CllrDoe,single,jane.doe@toronto.ca,416-555-0100,yes,no,no,no\n"
        '"Chow, Olivia",Instagram,@olivia,,council,,,no,no,no,no\n'
    )
    assert "2 new, 0 updated" in ok(T("import", "members", "m.csv"))
    assert "2 new, 0 updated" in ok(T("import", "accounts", "a.csv"))
    members = {m["name"]: m for m in as_json(T("member", "list", "--json"))}
    assert members["Jane Doe"]["filing_date"] == "2030-05-06"
    assert members["Chow, Olivia"]["office"] == "mayor"
    steps = as_json(T("checklist", "jane", "--json"))
    assert len(steps) == 6 and steps[-1]["due"] == "2030-05-06"
    # importing again updates instead of duplicating
    assert "0 new, 2 updated" in ok(T("import", "members", "m.csv"))
    assert len(as_json(T("account", "list", "--json"))) == 2


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


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=lambda v: str(v)[:30])
def test_a_bad_file_imports_nothing(election, tmp_path, content, message):
    (tmp_path / "good.csv").write_text(MEMBERS_HEADER + "Zed,25,,,,,\n")
    ok(T("import", "members", "good.csv"))
    before = ok(T("export"))
    (tmp_path / "bad.csv").write_text(content)
    result = T("import", "members", "bad.csv")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert ok(T("export")) == before


def test_another_encoding_is_refused_with_the_line(election, tmp_path):
    (tmp_path / "latin.csv").write_bytes((MEMBERS_HEADER + "Zoë,3,,,,,\n").encode("latin-1"))
    result = T("import", "members", "latin.csv")
    assert result.returncode == 1
    assert "not UTF-8 text (line 2)" in result.stderr


def test_accounts_for_unknown_members_name_the_line(election, tmp_path):
    (tmp_path / "a.csv").write_text("member,platform,handle,role\nNobody,X,@x,council\n")
    result = T("import", "accounts", "a.csv")
    assert (
        result.returncode == 1
        and "line 2: there is no member named exactly 'Nobody'" in result.stderr
    )


def _council_files(folder, members: int) -> None:
    rows = []
    accounts = []
    for n in range(1, members + 1):
        option = "separate" if n % 3 == 0 else "single"
        filing = f"2030-05-{7 + 7 * (n % 3):02d},actual" if n % 2 else "2030-07-15,planned"
        rows.append(f"Member {n:03d},{n},,yes,{option},{filing}\n")
        role = "campaign" if option == "separate" else "single"
        email = f"m{n}@toronto.ca" if role == "single" else f"m{n}@example.org"
        accounts += [f"Member {n:03d},{kind},@{kind}{n},{role},{email}\n" for kind in "XY"]
    (folder / "m.csv").write_text(MEMBERS_HEADER + "".join(rows))
    (folder / "a.csv").write_text("member,platform,handle,role,email\n" + "".join(accounts))


def test_an_import_writes_in_batches_what_single_commands_would(election, tmp_path):
    """Rows, items and events are written together at the end, with ids given
    out beforehand: the trail still chains, every item is where the planner
    puts it, and commands after the import carry on from the ids it used."""
    _council_files(tmp_path, 40)
    ok(T("import", "members", "m.csv", "--today", "2030-06-10"))
    ok(T("import", "accounts", "a.csv", "--today", "2030-06-10"))
    assert ok(T("check")).startswith("ok:")
    ok(T("member", "add", "Late Comer", "--ward", "99"))
    ok(T("member", "set", "Late Comer", "--running", "yes", "--option", "single"))
    account = ("--platform", "X", "--handle", "@late", "--role", "single")
    ok(T("account", "add", "Late Comer", *account))
    assert ok(T("check")).startswith("ok:")
    # (PostgreSQL leaves a gap where the import took more ids than it used.)
    subjects = {e["subject"] for e in as_json(T("log", "Late Comer", "--json"))}
    late = {kind: int(n) for kind, n in (s.split() for s in subjects)}
    assert late["member"] > 40 and late["account"] > 80, subjects
    steps = as_json(T("checklist", "Member 002", "--json"))
    on_filing = [s for s in steps if s["due"] == "2030-07-15"]
    assert on_filing, steps


def test_an_import_row_plans_its_member_once(election, tmp_path):
    """A row that adds a member, sets the option and a filing date says where
    each item ends up, without an item added and moved within the row."""
    (tmp_path / "m.csv").write_text(MEMBERS_HEADER + "Ann Lee,3,,yes,separate,2030-07-15,planned\n")
    ok(T("import", "members", "m.csv"))
    events = as_json(T("log", "--json"))
    actions = [e["action"] for e in events]
    assert "item.moved" not in actions
    added = [e for e in events if e["action"] == "item.added"]
    assert added and all(e["after"]["due"] == "2030-07-15" for e in added), added


def test_a_file_of_many_bad_rows_is_refused_in_a_line_one_can_read(election, tmp_path):
    (tmp_path / "a.csv").write_text(
        "member,platform,handle,role\n"
        + "".join(f"Nobody {n},X,@n{n},single\n" for n in range(500))
    )
    result = T("import", "accounts", "a.csv")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "500 bad rows" in result.stderr and "and 490 more like them" in result.stderr
    assert result.stderr.count("line ") == 10
