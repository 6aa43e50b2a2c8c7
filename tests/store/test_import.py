"""CSV import: every row checked first, every bad row named, all or nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from harness.council import Council
from harness.records import (
    BAD_FILES,
    MEMBERS_HEADER,
    TODAY,
    check,
    checklist,
    export_text,
    log,
    members,
)

from transition.errors import TransitionError
from transition.store.errors import Refused, Remedy
from transition.store.listings import account_rows
from transition.store.transfer.csv_import import (
    import_accounts,
    import_members,
    read_accounts,
    read_members,
)

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def election(store) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=TODAY)
    council.election()
    return council


def import_members_file(council: Council, path: str, today: date | None = None) -> str:
    """`transition import members PATH`: the rows read and checked, then applied."""
    rows = read_members(Path(path))
    return council.write(
        lambda tracker: import_members(tracker, tracker.find.election(), Path(path), rows), today
    )


def import_accounts_file(council: Council, path: str, today: date | None = None) -> str:
    rows = read_accounts(Path(path))
    return council.write(lambda tracker: import_accounts(tracker, Path(path), rows), today)


def refusal(work) -> str:
    """The one line a refused import says."""
    with pytest.raises(TransitionError) as refused:
        work()
    said = str(refused.value)
    assert "\n" not in said
    return said


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
    assert "2 new, 0 updated" in import_members_file(election, "m.csv")
    assert "2 new, 0 updated" in import_accounts_file(election, "a.csv")
    found = {m["name"]: m for m in members(election.db)}
    assert found["Jane Doe"]["filing_date"] == "2030-05-06"
    assert found["Chow, Olivia"]["office"] == "mayor"
    steps = checklist(election.db, "jane")
    assert len(steps) == 6 and steps[-1]["due"] == "2030-05-06"
    # importing again updates instead of duplicating
    assert "0 new, 2 updated" in import_members_file(election, "m.csv")
    accounts = election.read(
        lambda tracker: account_rows(tracker, None, tracker.find.profile_for(None))
    )
    assert len(accounts) == 2


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=lambda v: str(v)[:30])
def test_a_bad_file_imports_nothing(election, tmp_path, content, message):
    (tmp_path / "good.csv").write_text(MEMBERS_HEADER + "Zed,25,,,,,\n")
    import_members_file(election, "good.csv")
    before = export_text(election.db)
    (tmp_path / "bad.csv").write_text(content)
    assert message in refusal(lambda: import_members_file(election, "bad.csv"))
    assert export_text(election.db) == before


def test_another_encoding_is_refused_with_the_line(election, tmp_path):
    (tmp_path / "latin.csv").write_bytes((MEMBERS_HEADER + "Zoë,3,,,,,\n").encode("latin-1"))
    with pytest.raises(Refused) as refused:
        read_members(Path("latin.csv"))
    assert "not UTF-8 text (line 2)" in str(refused.value)
    assert refused.value.remedy is Remedy.ENCODING  # saved as UTF-8, or its encoding given


def test_accounts_for_unknown_members_name_the_line(election, tmp_path):
    (tmp_path / "a.csv").write_text("member,platform,handle,role\nNobody,X,@x,council\n")
    said = refusal(lambda: import_accounts_file(election, "a.csv"))
    assert "line 2: there is no member named exactly 'Nobody'" in said


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
    puts it, and changes after the import carry on from the ids it used."""
    _council_files(tmp_path, 40)
    election.today = date(2030, 6, 10)
    import_members_file(election, "m.csv")
    import_accounts_file(election, "a.csv")
    assert check(election.db)[::2] == ([], [])  # no problem, and nothing doubtful

    election.write(lambda tracker: tracker.change.add_member("Late Comer", "99", "councillor"))
    election.write(
        lambda tracker: tracker.change.set_candidacy(
            tracker.find.member("Late Comer"), tracker.find.election(), "yes", "single"
        )
    )
    election.write(
        lambda tracker: tracker.change.add_account(
            tracker.find.member("Late Comer"), platform="X", handle="@late", role="single"
        )
    )
    assert check(election.db)[::2] == ([], [])
    # (PostgreSQL leaves a gap where the import took more ids than it used.)
    subjects = {e["subject"] for e in log(election.db, "Late Comer")}
    late = {kind: int(n) for kind, n in (s.split() for s in subjects)}
    assert late["member"] > 40 and late["account"] > 80, subjects
    steps = checklist(election.db, "Member 002", today=election.today)
    on_filing = [s for s in steps if s["due"] == "2030-07-15"]
    assert on_filing, steps


def test_an_import_row_plans_its_member_once(election, tmp_path):
    """A row that adds a member, sets the option and a filing date says where
    each item ends up, without an item added and moved within the row."""
    (tmp_path / "m.csv").write_text(MEMBERS_HEADER + "Ann Lee,3,,yes,separate,2030-07-15,planned\n")
    import_members_file(election, "m.csv")
    events = log(election.db)
    actions = [e["action"] for e in events]
    assert "item.moved" not in actions
    added = [e for e in events if e["action"] == "item.added"]
    assert added and all(e["after"]["due"] == "2030-07-15" for e in added), added


def test_a_file_of_many_bad_rows_is_refused_in_a_line_one_can_read(election, tmp_path):
    (tmp_path / "a.csv").write_text(
        "member,platform,handle,role\n"
        + "".join(f"Nobody {n},X,@n{n},single\n" for n in range(500))
    )
    said = refusal(lambda: import_accounts_file(election, "a.csv"))
    assert "500 bad rows" in said and "and 490 more like them" in said
    assert said.count("line ") == 10
