"""The tracker end to end, through the real console script on a temporary database."""

from __future__ import annotations

import json

import pytest
from conftest import as_json, invoke_transition, ok

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

T = invoke_transition
FILING_STEPS = [
    "remove-city-identity",
    "clear-city-registration",
    "unlink-city-websites",
    "end-office-staff-role",
    "notify-followers",
]


@pytest.fixture
def council(jane):
    """Jane Doe running on a single account, and a mayor who is not running."""
    ok(T("member", "add", "Olivia Chow-Smith", "--office", "mayor"))
    ok(T("member", "set", "olivia", "--running", "no"))
    return jane


def checklist(*args: str, today: str = "2030-04-01", run=invoke_transition) -> list[dict]:
    return as_json(run("checklist", *args, "--json", "--today", today))["items"]


@pytest.mark.sqlite_only
def test_init_says_where_the_database_is(db_path):
    assert f"{db_path} was created" in ok(T("init"))
    assert f"{db_path} is up to date" in ok(T("init"))
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_the_whole_flow_of_the_tracker(tmp_path):
    """Every command of the tracker once, as staff would type them (in this
    process: the console script itself is tried in tests/cli)."""
    run = invoke_transition
    (tmp_path / "members.csv").write_text(
        "name,ward,office,running,option,filing_date,filing\n"
        "Jane Doe,7,councillor,yes,single,,\n"
        "Olivia Chow-Smith,,mayor,no,,,\n"
    )
    (tmp_path / "accounts.csv").write_text(
        "member,platform,handle,role,email,identifies_member\n"
        "jane doe,X,@CllrDoe,single,jane.doe@toronto.ca,yes\n"
    )
    ok(run("init"))
    ok(run("election", "add", "--year", "2030"))
    assert "2 new" in ok(run("import", "members", "members.csv"))
    assert "1 new" in ok(run("import", "accounts", "accounts.csv"))
    ok(run("member", "add", "Sam Seat", "--ward", "12"))
    ok(
        run(
            "account",
            "add",
            "sam",
            "--platform",
            "Instagram",
            "--handle",
            "@samseat",
            "--role",
            "council",
            "--email",
            "sam@example.com",
        )
    )
    ok(run("member", "set", "sam", "--running", "undecided"))

    items = checklist(run=run)
    assert [i["step"] for i in items] == ["stop-handle-publications", *FILING_STEPS]
    assert set(items[0]) >= {
        "id",
        "member",
        "step",
        "account",
        "title",
        "due",
        "latest",
        "status",
        "overdue",
        "done_at",
        "done_by",
        "note",
        "evidence",
    }
    assert items[0]["account"] == "X @CllrDoe"
    assert (items[0]["due"], items[0]["latest"]) == ("2030-05-01", "2030-05-01")
    assert all(i["due"] is None and i["latest"] == "2030-08-16" for i in items[1:])
    table = ok(run("checklist", "jane", "--today", "2030-04-01"))
    assert "on filing, by 2030-08-16" in table and "X @CllrDoe" in table

    late = checklist(today="2030-05-02", run=run)
    assert late[0]["overdue"] and not any(i["overdue"] for i in late[1:])

    cutoff, identity, registration, links = (i["id"] for i in items[:4])
    out = ok(
        run(
            "done",
            str(cutoff),
            "--by",
            "Sam Staff",
            "--note",
            "flyers pulped",
            "--evidence",
            "https://example.org/flyers",
            "--today",
            "2030-04-28",
        )
    )
    assert f"item {cutoff} done" in out
    again = ok(run("done", str(cutoff), "--today", "2030-04-29"))
    assert "already done by Sam Staff on 2030-04-28; nothing changed" in again

    ok(run("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-28"))
    items = checklist(run=run)
    assert {i["due"] for i in items[1:]} == {"2030-05-06"}
    assert (items[0]["status"], items[0]["done_by"], items[0]["done_at"], items[0]["note"]) == (
        "done",
        "Sam Staff",
        "2030-04-28",
        "flyers pulped",
    )

    ok(run("done", str(identity), str(registration), "--today", "2030-05-06"))
    ok(run("reopen", str(registration), "--note", "email still on the account"))
    ok(run("waive", str(links), "--reason", "no links were ever posted", "--today", "2030-05-06"))

    status = as_json(run("status", "--json", "--today", "2030-05-07"))
    assert [row["member"] for row in status] == ["Olivia Chow-Smith", "Jane Doe", "Sam Seat"]
    jane = status[1]
    assert set(jane) >= {
        "member",
        "ward",
        "running",
        "option",
        "filing_date",
        "done",
        "open",
        "overdue",
        "next_due",
        "next_step",
    }
    assert (jane["running"], jane["option"], jane["filing_date"]) == ("yes", "single", "2030-05-06")
    assert (jane["done"], jane["open"], jane["overdue"]) == (2, 3, 3)
    assert (jane["next_due"], jane["next_step"]) == ("2030-05-06", "clear-city-registration")
    assert status[0]["running"] == "no" and status[0]["open"] == 0
    overdue = as_json(run("status", "--json", "--overdue", "--today", "2030-05-07"))
    assert [row["member"] for row in overdue] == ["Jane Doe"]
    assert "Jane Doe" in ok(run("status", "--today", "2030-05-07"))

    log = as_json(run("log", "jane", "--json"))
    actions = [e["action"] for e in log]
    assert actions[0] == "item.waived" and "item.reopened" in actions and "item.moved" in actions
    assert [e["id"] for e in log] == sorted((e["id"] for e in log), reverse=True)
    reopened = next(e for e in log if e["action"] == "item.reopened")
    assert reopened["before"]["status"] == "done" and reopened["after"]["status"] == "open"
    assert reopened["actor"] == "tester"
    assert "no links were ever posted" in ok(run("log"))

    exported = json.loads(ok(run("export")))
    assert {"elections", "members", "accounts", "candidacies", "checklist", "events"} <= set(
        exported
    )
    assert len(exported["members"]) == 3
    assert len(exported["events"]) == len(as_json(run("log", "--rows", "--json")))
    ok(run("export", "--format", "csv", "-o", str(tmp_path / "out" / "state.csv")))
    csv_text = (tmp_path / "out" / "state.csv").read_text(encoding="utf-8-sig")
    assert csv_text.startswith("election,member,ward,")
    assert "no links were ever posted" in csv_text


def test_moving_the_filing_date_moves_open_items_only(council):
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-01"))
    first = checklist()
    done_id = first[1]["id"]
    ok(T("done", str(done_id), "--today", "2030-05-06"))
    ok(T("member", "file", "jane", "--date", "2030-06-03", "--planned", "--today", "2030-05-07"))
    after = {i["id"]: i for i in checklist()}
    assert after[done_id]["status"] == "done" and after[done_id]["due"] == "2030-05-06"
    assert {after[i["id"]]["due"] for i in first[2:]} == {"2030-06-03"}
    moved = [e for e in as_json(T("log", "--json")) if e["action"] == "item.moved"]
    latest_moves = [e for e in moved if e["after"]["due"] == "2030-06-03"]
    assert len(latest_moves) == 4
    assert all(e["before"]["due"] == "2030-05-06" for e in latest_moves)
    assert "moved from 2030-05-06 to 2030-06-03" in latest_moves[0]["summary"]


def test_switching_option_keeps_the_old_history(council):
    items = checklist()
    ok(T("done", str(items[0]["id"]), "--today", "2030-04-20"))
    ok(
        T(
            "account",
            "add",
            "jane",
            "--platform",
            "X",
            "--handle",
            "@JaneForWard7",
            "--role",
            "campaign",
        )
    )
    ok(T("member", "set", "jane", "--option", "separate"))
    now = checklist()
    assert [i["step"] for i in now] == [
        "open-campaign-account",
        "keep-campaign-account-unconnected",
    ]
    everything = checklist("--all")
    old = [i for i in everything if i["superseded"]]
    assert len(old) == 6 and any(i["status"] == "done" for i in old)
    # and back again: the same items apply again, the done one still done
    ok(T("member", "set", "jane", "--option", "single"))
    back = checklist()
    assert [i["id"] for i in back] == [i["id"] for i in items]
    assert back[0]["status"] == "done"


def test_stopping_running_supersedes_everything(council):
    ok(T("member", "set", "jane", "--running", "no"))
    assert checklist() == []
    assert len(checklist("--all")) == 6


def test_an_account_losing_its_city_connection_drops_its_steps(council):
    account = as_json(T("account", "list", "--json"))[0]
    assert account["city_connected"] and account["connections"][0]["holds"]
    ok(T("account", "set", str(account["id"]), "--email", "jane@example.com"))
    assert checklist() == []
    shown = as_json(T("account", "show", str(account["id"]), "--json"))
    assert not shown["city_connected"]
    assert "not a City address" in shown["connections"][0]["reason"]


def test_member_show_and_lists(council):
    detail = as_json(T("member", "show", "jane", "--json", "--today", "2030-04-01"))
    assert detail["name"] == "Jane Doe" and len(detail["checklist"]) == 6
    assert detail["accounts"][0]["handle"] == "@CllrDoe"
    members = as_json(T("member", "list", "--json"))
    assert [m["name"] for m in members] == ["Olivia Chow-Smith", "Jane Doe"]
    elections = as_json(T("election", "list", "--json"))
    assert elections[0]["name"] == "2030" and elections[0]["voting_day"] == "2030-10-28"
    assert as_json(T("election", "show", "--json"))["nomination_day"] == "2030-08-16"
    human = ok(T("member", "show", "jane"))
    assert "Jane Doe (ward 7), 2030 election" in human and "City email" in human


def test_by_election_dates_move_open_steps(db_path):
    ok(
        T(
            "election",
            "add",
            "--by-election",
            "--name",
            "Ward 9 2025",
            "--opens",
            "2025-01-06",
            "--nomination-day",
            "2025-02-07",
            "--voting-day",
            "2025-03-10",
        )
    )
    ok(T("member", "add", "Pat Lee", "--ward", "9"))
    ok(
        T(
            "account",
            "add",
            "pat",
            "--platform",
            "Facebook",
            "--handle",
            "PatLeeTO",
            "--role",
            "single",
            "--identifies-member",
        )
    )
    ok(T("member", "set", "pat", "--running", "yes", "--option", "single", "--today", "2025-01-01"))
    items = checklist(today="2025-01-01")
    assert items[0]["due"] == "2025-01-06" and items[1]["latest"] == "2025-02-07"
    ok(
        T(
            "election",
            "set",
            "ward 9 2025",
            "--opens",
            "2025-01-13",
            "--nomination-day",
            "2025-02-14",
            "--today",
            "2025-01-01",
        )
    )
    items = checklist(today="2025-01-01")
    assert items[0]["due"] == "2025-01-13" and items[1]["latest"] == "2025-02-14"


def test_the_next_election_is_chosen_when_there_are_several(db_path):
    ok(T("election", "add", "--year", "2026"))
    ok(T("election", "add", "--year", "2030"))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    assert as_json(T("election", "show", "--json", "--today", "2026-06-01"))["year"] == 2026
    assert as_json(T("election", "show", "--json", "--today", "2026-11-24"))["year"] == 2030
    assert as_json(T("election", "show", "2026", "--json", "--today", "2026-11-24"))["year"] == 2026
    ok(
        T(
            "member",
            "set",
            "jane",
            "--running",
            "yes",
            "--election",
            "2026",
            "--today",
            "2026-11-24",
        )
    )
    members = as_json(T("member", "list", "--json", "--election", "2026"))
    assert members[0]["running"] == "yes"
