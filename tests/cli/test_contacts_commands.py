"""The command line's words for who hears about a step: `member set --email`,
`assign`, `election set --clerk-email`, and where each shows them."""

from __future__ import annotations

import os
from datetime import date

import pytest
from conftest import as_json, invoke_transition, ok
from harness.council import JANE, Council

T = invoke_transition
TODAY = ("--today", "2030-04-01")


@pytest.fixture
def jane():
    Council(os.environ["TRANSITION_DB"], today=date(2030, 4, 1)).add(JANE)


def refused(*args: str) -> tuple[int, str]:
    said = T(*args)
    assert said.stdout == "" and said.stderr.count("\n") == 1, said
    return said.returncode, said.stderr.removeprefix("transition: error: ").rstrip("\n")


def test_an_offices_addresses_are_set_shown_and_cleared(jane):
    said = ok(
        T(
            "member",
            "set",
            "jane",
            "--email",
            "office7@toronto.ca",
            "--email",
            "Jane.Doe@Toronto.CA",
        )
    )
    assert said == "Jane Doe's addresses: office7@toronto.ca; Jane.Doe@toronto.ca\n"
    shown = ok(T("member", "show", "jane", *TODAY))
    assert "  addresses: office7@toronto.ca; Jane.Doe@toronto.ca\n" in shown
    assert as_json(T("member", "show", "jane", "--json", *TODAY))["emails"] == [
        "office7@toronto.ca",
        "Jane.Doe@toronto.ca",
    ]
    assert as_json(T("member", "list", "--json"))[0]["emails"] == [
        "office7@toronto.ca",
        "Jane.Doe@toronto.ca",
    ]
    both = ok(T("member", "set", "jane", "--running", "yes", "--email", "ward7@toronto.ca"))
    assert both.splitlines() == [
        "Jane Doe in 2030: running yes, single",
        "Jane Doe's addresses: ward7@toronto.ca",
    ]
    assert ok(T("member", "set", "jane", "--no-email")) == "Jane Doe's addresses: none\n"
    assert "addresses:" not in ok(T("member", "show", "jane", *TODAY))


def test_steps_are_assigned_and_given_back(jane):
    said = ok(T("assign", "1", "2", "--to", "Sam Staff", "--email", "sam@example.org"))
    assert said.splitlines()[0] == (
        "item 1 assigned to Sam Staff: "
        "Stop publications that show the account's handle (X @CllrDoe)"
    )
    listed = ok(T("checklist", "jane", *TODAY))
    assert "open / for Sam Staff" in listed
    rows = as_json(T("checklist", "jane", "--json", *TODAY))["items"]
    assert [(r["owner"], r["owner_email"]) for r in rows[:3]] == [
        ("Sam Staff", "sam@example.org"),
        ("Sam Staff", "sam@example.org"),
        (None, None),
    ]
    assert ok(T("assign", "2", "--clear")).startswith("item 2 given back to the office: ")
    exported = ok(T("export", "--format", "csv"))
    assert "sam@example.org" in exported


def test_the_clerks_address_is_set_shown_and_cleared(jane):
    said = ok(T("election", "set", "2030", "--clerk-email", "clerk@toronto.ca"))
    assert said == "the clerk's address for 2030: clerk@toronto.ca\n"
    assert "The clerk's address: clerk@toronto.ca" in ok(T("election", "show", "2030"))
    assert as_json(T("election", "show", "2030", "--json"))["clerk_email"] == "clerk@toronto.ca"
    assert ok(T("election", "set", "2030", "--no-clerk-email")).endswith(": none\n")
    assert "clerk's address" not in ok(T("election", "show", "2030"))


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (
            ["member", "set", "jane", "--email", "Jane <jane@toronto.ca>"],
            1,
            "'Jane <jane@toronto.ca>' is not an e-mail address transition can send to",
        ),
        (
            ["member", "set", "jane", "--email", "a@toronto.ca", "--no-email"],
            2,
            "--no-email takes no --email (see 'transition member set --help')",
        ),
        (
            ["assign", "1", "--email", "sam@example.org"],
            2,
            "give either --to NAME or --clear (see 'transition assign --help')",
        ),
        (
            ["assign", "1", "--clear", "--email", "sam@example.org"],
            2,
            "--email goes with --to (see 'transition assign --help')",
        ),
        (
            ["assign", "1", "--to", "Sam", "--email", "sam@example.org\nBcc: x@example.org"],
            1,
            "is not an e-mail address transition can send to",
        ),
        (["assign", "99", "--to", "Sam"], 1, "there is no checklist item 99"),
        (["member", "set", "jane", "--email", ""], 1, "the office's address is empty"),
        (["assign", "1", "--to", ""], 1, "the owner is empty"),
        (["election", "set", "2030", "--clerk-email", ""], 1, "the clerk's address is empty"),
        (
            ["election", "set", "2030", "--clerk-email", "clerk"],
            1,
            "'clerk' is not an e-mail address transition can send to",
        ),
        (
            [
                "election",
                "set",
                "2030",
                "--office",
                "mayor",
                "--statutory",
                "--clerk-email",
                "c@x.ca",
            ],
            2,
            "--office takes no --clerk-email",
        ),
    ],
)
def test_mistakes_are_one_line_and_change_nothing(jane, args, status, message):
    before = ok(T("export"))
    code, said = refused(*args)
    assert code == status and message in said
    assert ok(T("export")) == before
