"""Periods on the command line: the checklist, `member show`, `status`,
`calendar`, `election show`, `rules --list` and `--profile NAME`."""

from __future__ import annotations

import json
import sqlite3
from importlib import resources

import pytest
from conftest import as_json, invoke_transition, ok

T = invoke_transition


def refused(*args: str) -> tuple[int, str]:
    said = T(*args)
    assert said.stdout == "" and said.stderr.count("\n") == 1, said
    return said.returncode, said.stderr.removeprefix("transition: error: ").rstrip("\n")


def dump(db_path) -> list:
    with sqlite3.connect(db_path) as connection:
        return list(connection.iterdump())


@pytest.mark.parametrize(
    ("today", "state", "days_left"),
    [
        ("2030-07-31", "upcoming", None),
        ("2030-08-01", "in force", 89),
        ("2030-10-28", "in force", 1),
        ("2030-10-29", "ended", None),
    ],
)
def test_the_checklist_lists_the_period_with_its_state(jane, today, state, days_left):
    found = as_json(T("checklist", "jane", "--json", "--today", today))
    assert [row["step"] for row in found["items"]][:1] == ["stop-handle-publications"]
    (period,) = found["periods"]
    assert period["member"] == "Jane Doe"
    assert (period["id"], period["starts"], period["ends"]) == (
        "election-period-services",
        "2030-08-01",
        "2030-10-28",
    )
    assert (period["state"], period["days_left"]) == (state, days_left)
    shown = ok(T("checklist", "jane", "--today", today))
    assert "No newsletters, City-paid events or advertising for the member" in shown
    assert "2030-08-01" in shown and "2030-10-28" in shown
    words = {None: state, 1: "in force, last day"}.get(
        days_left, f"in force, {days_left} days left"
    )
    assert words in shown
    assert "2018.EX30.16" in shown  # its source, once


def test_member_show_and_status_carry_the_periods(jane):
    detail = as_json(T("member", "show", "jane", "--json", "--today", "2030-09-01"))
    assert [(p["id"], p["state"], p["days_left"]) for p in detail["periods"]] == [
        ("election-period-services", "in force", 58)
    ]
    assert "in force, 58 days left" in ok(T("member", "show", "jane", "--today", "2030-09-01"))
    (row,) = as_json(T("status", "--json", "--today", "2030-09-01"))
    assert row["periods_in_force"] == 1
    (before,) = as_json(T("status", "--json", "--today", "2030-07-01"))
    assert before["periods_in_force"] == 0
    assert "In force" in ok(T("status", "--today", "2030-09-01"))


def test_a_member_not_running_still_has_torontos_period(jane):
    ok(T("member", "add", "John Roe", "--ward", "3"))
    ok(T("member", "set", "john", "--running", "no"))
    found = as_json(T("checklist", "john", "--json", "--today", "2030-09-01"))
    assert found["items"] == []
    assert [p["id"] for p in found["periods"]] == ["election-period-services"]


def test_the_calendar_shows_a_profiles_periods(transition):
    payload = as_json(T("calendar", "2022", "--profile", "ottawa", "--json"))
    assert [(p["id"], p["starts"], p["ends"]) for p in payload["periods"]] == [
        ("communications-blackout", "2022-08-25", "2022-10-24")
    ]
    shown = ok(T("calendar", "2022", "--profile", "markham"))
    assert "No City printing, ward-wide notices or newsletters" in shown
    assert "2022-04-30" in shown and "2022-06-30" in shown


def test_rules_list_names_the_built_in_profiles(transition):
    rows = as_json(T("rules", "--list", "--json"))
    assert [(r["name"], r["id"], r["periods"]) for r in rows] == [
        ("markham", "markham", 2),
        ("ottawa", "ottawa", 1),
        ("toronto", "toronto-2016", 1),
    ]
    assert all(r["leaves_out"] for r in rows if r["steps"] == 0)
    shown = ok(T("rules", "--list"))
    assert "City of Ottawa" in shown and "--profile NAME" in shown
    ottawa = ok(T("rules", "--profile", "ottawa"))
    assert "from 60 days before voting day until voting day, inclusive" in ottawa
    assert "Not in this profile:" in ottawa
    assert as_json(T("rules", "--profile", "ottawa", "--json"))["periods"][0]["from"] == {
        "anchor": "voting-day",
        "offset_days": -60,
    }


def test_election_add_keeps_a_copy_of_a_built_in_profile_by_name(db_path):
    ok(T("election", "add", "--year", "2022", "--profile", "ottawa"))
    shown = as_json(T("election", "show", "2022", "--json"))
    assert shown["profile"] == "ottawa" and shown["municipality"] == "City of Ottawa"
    assert [p["starts"] for p in shown["periods"]] == ["2022-08-25"]
    shipped = (resources.files("transition.core") / "profiles" / "ottawa.toml").read_text()
    with sqlite3.connect(db_path) as connection:
        (stored,) = connection.execute("SELECT profile_toml FROM election").fetchone()
    assert stored == shipped
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("member", "set", "jane", "--running", "yes"))
    found = as_json(T("checklist", "--json", "--today", "2022-10-01"))
    assert found["items"] == []  # Ottawa's profile has periods, no steps
    assert [(p["member"], p["state"]) for p in found["periods"]] == [("Jane Doe", "in force")]


def test_an_unknown_profile_name_is_one_line_and_adds_nothing(db_path):
    ok(T("init"))
    before = dump(db_path)
    status, said = refused("election", "add", "--year", "2030", "--profile", "hamilton")
    assert status == 1
    assert said.startswith("no built-in profile 'hamilton' and no file of that name")
    assert "markham, ottawa, toronto" in said
    assert dump(db_path) == before


BROKEN = """
[[periods]]
id = "late-start"
title = "Starts after it ends"
explanation = "A period from August 1 until nomination day."
source = "A policy"
applies_to = "member"
from = "08-01"
until = "nomination-day"
elections = "regular"
"""


def test_a_profile_whose_period_ends_before_it_starts_is_refused(db_path, tmp_path):
    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    profile = tmp_path / "broken.toml"
    profile.write_text(text + BROKEN)
    ok(T("init"))
    before = dump(db_path)
    status, said = refused("election", "add", "--year", "2030", "--profile", str(profile))
    assert status == 1
    assert "period 'late-start' would end on 2018-07-27, before it starts on 2018-08-01" in said
    assert dump(db_path) == before
    assert refused("rules", "--profile", str(profile))[1] == said


BY_ELECTION_PERIOD = """
[[periods]]
id = "campaign-quiet"
title = "A quiet period from 90 days before voting day to nomination day"
explanation = "Nothing from the office."
source = "A policy"
applies_to = "member"
from = "voting-day"
from_offset_days = -90
until = "nomination-day"
"""


def test_a_by_election_that_puts_a_period_out_of_order_is_refused(db_path, tmp_path):
    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    profile = tmp_path / "quiet.toml"
    profile.write_text(text + BY_ELECTION_PERIOD)
    ok(T("init"))
    before = dump(db_path)
    dates = ("--opens", "2027-03-01", "--nomination-day", "2027-04-02")
    args = ("election", "add", "--by-election", "--name", "Ward 9", *dates)
    status, said = refused(*args, "--voting-day", "2027-07-15", "--profile", str(profile))
    assert status == 1
    assert said.startswith("period 'campaign-quiet' would end on 2027-04-02, before it starts")
    assert "the Ward 9" in said
    assert dump(db_path) == before
    # the same rules with dates that fit are taken, and the period follows them
    ok(T(*args, "--voting-day", "2027-05-17", "--profile", str(profile)))
    ok(T("member", "add", "Jane Doe", "--ward", "9"))
    ok(T("member", "set", "jane", "--running", "yes", "--election", "Ward 9"))
    found = as_json(T("checklist", "--json", "--election", "Ward 9", "--today", "2027-03-01"))
    assert [(p["starts"], p["ends"]) for p in found["periods"]] == [("2027-02-16", "2027-04-02")]
    # moving voting day moves the period; one that puts it out of order is refused
    ok(T("election", "set", "Ward 9", "--voting-day", "2027-05-31"))
    found = as_json(T("checklist", "--json", "--election", "Ward 9", "--today", "2027-03-01"))
    assert [p["starts"] for p in found["periods"]] == ["2027-03-02"]
    before = dump(db_path)
    status, said = refused("election", "set", "Ward 9", "--voting-day", "2027-07-15")
    assert status == 1 and "period 'campaign-quiet'" in said
    assert dump(db_path) == before


def test_checklist_json_is_items_and_periods(jane):
    found = json.loads(ok(T("checklist", "--json", "--today", "2030-04-01")))
    assert set(found) == {"items", "periods"}
