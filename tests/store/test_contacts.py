"""Who hears about a step: an office's addresses, a step's owner and the
clerk's address, kept in the record and its trail on both databases."""

from __future__ import annotations

import json
import os

import pytest
from conftest import WARD3, WARD7, postgres_database
from harness.council import JANE, Council
from harness.records import (
    TODAY,
    as_role,
    check,
    checklist,
    export_text,
    export_to,
    log,
    restore,
    shared_council,
)

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.errors import ClerkOnly
from transition.store.listings import election_row, member_detail, member_rows
from transition.store.transfer.csv_import import import_members, read_members
from transition.store.values import addresses, clean_address, clean_addresses

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def council(store) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=TODAY)
    council.add(JANE)
    return council


def set_emails(*emails: str):
    return lambda tracker: tracker.change.set_emails(tracker.find.member("jane"), list(emails))


def detail(council: Council) -> dict:
    return council.read(
        lambda tracker: dict(
            member_detail(tracker, tracker.find.member("jane"), tracker.find.election())
        )
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("office7@toronto.ca", "office7@toronto.ca"),
        ("  Office7@Toronto.CA ", "Office7@toronto.ca"),  # the domain's case is no one's
        ("staff@localhost", "staff@localhost"),
    ],
)
def test_an_address_is_kept_as_rfc_5322_writes_it(typed, kept):
    assert clean_address(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "jane",
        "@toronto.ca",
        "jane@",
        "jane@@toronto.ca",
        "jane doe@toronto.ca",
        "Jane Doe <jane@toronto.ca>",  # a display name belongs to --to, not the address
        "a@toronto.ca, b@toronto.ca",
        "jane@toronto.ca\r\nBcc: everyone@example.org",  # no header of its own
        "jané@toronto.ca",
        "jane@toronto..ca",
        '"jane doe"@toronto.ca',  # a quoted local part: kept as written, no server would
        "jane@exämple.org",  # SMTPUTF8 needed: write the domain as its xn-- form
        "jane@toronto.ca (Jane)",  # a comment the parser would drop
        "jane@[127.0.0.1]",
        "jane@-toronto.ca",
    ],
)
def test_what_is_not_one_address_is_refused_in_one_line(typed):
    with pytest.raises(TransitionError) as refused:
        clean_address(typed)
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)


def test_several_addresses_are_kept_once_each_in_order():
    kept = clean_addresses(["a@x.ca; B@X.CA", "a@x.ca", "A@x.ca", "c@y.ca"])
    assert kept == "a@x.ca; B@x.ca; c@y.ca"  # one inbox, whatever the case
    assert addresses(kept) == ["a@x.ca", "B@x.ca", "c@y.ca"]
    assert clean_addresses([]) is None and addresses(None) == []
    with pytest.raises(TransitionError, match="the address is empty"):
        clean_addresses(["a@x.ca", " "])  # forgetting them is --no-email's


def test_an_offices_addresses_are_recorded_replaced_and_cleared(council):
    council.write(set_emails("office7@toronto.ca", "jane.doe@toronto.ca"))
    assert detail(council)["emails"] == ["office7@toronto.ca", "jane.doe@toronto.ca"]
    council.write(set_emails("ward7@toronto.ca"))
    rows = council.read(lambda tracker: member_rows(tracker, tracker.find.election()))
    assert rows[0]["emails"] == ["ward7@toronto.ca"]
    council.write(set_emails())
    assert detail(council)["emails"] == []
    said = [e["summary"] for e in log(council.db) if e["action"] == "member.contacts"]
    assert said == [
        "Jane Doe's addresses: none",
        "Jane Doe's addresses: ward7@toronto.ca",
        "Jane Doe's addresses: office7@toronto.ca; jane.doe@toronto.ca",
    ]
    council.write(set_emails())  # nothing to change: no event
    assert len([e for e in log(council.db) if e["action"] == "member.contacts"]) == 3
    assert check(council.db)[0] == []


def test_a_bad_address_among_good_ones_changes_nothing(council):
    council.write(set_emails("office7@toronto.ca"))
    with pytest.raises(TransitionError, match="'not an address' is not an e-mail address"):
        council.write(set_emails("ward7@toronto.ca", "not an address"))
    assert detail(council)["emails"] == ["office7@toronto.ca"]


def test_a_step_has_an_owner_until_it_is_given_back(council):
    first, second = council.items()[:2]
    said = council.write(lambda t: t.mark.assign([first, second], "Sam  Staff", "Sam@Example.ORG"))
    assert said[0].startswith(f"item {first} assigned to Sam Staff: ")
    rows = {row["id"]: row for row in checklist(council.db)}
    assert (rows[first]["owner"], rows[first]["owner_email"]) == ("Sam Staff", "Sam@example.org")
    assert council.write(lambda t: t.mark.assign([first], "Sam Staff", "Sam@example.org")) == [
        f"item {first} is already assigned to Sam Staff; nothing changed"
    ]
    council.write(lambda t: t.mark.assign([second], None, None))
    rows = {row["id"]: row for row in checklist(council.db)}
    assert (rows[second]["owner"], rows[second]["owner_email"]) == (None, None)
    trail = [e for e in log(council.db) if e["action"] == "item.assigned"]
    assert trail[0]["summary"].endswith("for Jane Doe given back to the office")
    assert trail[1]["summary"].endswith("for Jane Doe assigned to Sam Staff")
    assert check(council.db)[0] == []


def test_an_owner_is_named_and_an_unknown_step_assigns_nothing(council):
    with pytest.raises(TransitionError, match="an owner's address needs the owner's name"):
        council.write(lambda t: t.mark.assign([1], None, "sam@example.org"))
    with pytest.raises(TransitionError, match="no checklist item 999"):
        council.write(lambda t: t.mark.assign([1, 999], "Sam", None))
    assert all(row["owner"] is None for row in checklist(council.db))


def test_the_clerks_address_is_the_elections(council):
    def clerk(address):
        return lambda t: t.change.set_clerk_email(t.find.election(), address)

    council.write(clerk("Clerk@Toronto.ca"))
    row = council.read(lambda t: election_row(t, t.find.election()))
    assert row["clerk_email"] == "Clerk@toronto.ca"
    council.write(clerk(None))
    assert council.read(lambda t: election_row(t, t.find.election()))["clerk_email"] is None
    actions = [e["action"] for e in log(council.db)]
    assert actions.count("election.clerk") == 2


def test_contacts_travel_in_exports_and_restores(council, tmp_path):
    council.write(set_emails("office7@toronto.ca", "jane.doe@toronto.ca"))
    council.write(lambda t: t.mark.assign([1], "Sam Staff", "sam@example.org"))
    council.write(lambda t: t.change.set_clerk_email(t.find.election(), "clerk@toronto.ca"))
    exported = json.loads(export_text(council.db))
    assert exported["members"][0]["emails"] == "office7@toronto.ca; jane.doe@toronto.ca"
    assert exported["elections"][0]["clerk_email"] == "clerk@toronto.ca"
    csv_text = export_text(council.db, "csv")
    header, first = csv_text.splitlines()[:2]
    assert "email" in header.split(",") and "owner_email" in header.split(",")
    assert "office7@toronto.ca; jane.doe@toronto.ca" in first and "sam@example.org" in first
    again = str(tmp_path / "again.db")
    restore(again, export_to(council.db, tmp_path / "record.json"))
    assert export_text(again) == export_text(council.db)


@pytest.mark.parametrize(
    ("emails", "refusal"),
    [
        ("not-an-address", "'not-an-address' is not an e-mail address"),
        ("a@x.ca;b@x.ca", "'a@x.ca;b@x.ca' is not e-mail addresses as transition keeps them"),
    ],
)
def test_a_restore_refuses_addresses_no_command_would_keep(council, tmp_path, emails, refusal):
    path = export_to(council.db, tmp_path / "record.json")
    data = json.loads(path.read_text())
    data["members"][0]["emails"] = emails
    path.write_text(json.dumps(data))
    with pytest.raises(TransitionError, match=refusal):
        restore(str(tmp_path / "crafted.db"), path)


def test_a_members_file_brings_each_offices_addresses(council, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        "name,ward,email\nJane Doe,7,office7@toronto.ca; jane.doe@toronto.ca\nAnn Lee,3,\n"
    )
    rows = read_members(path)
    council.write(lambda t: import_members(t, t.find.election(), path, rows))
    emails = {
        row["name"]: row["emails"]
        for row in council.read(lambda t: member_rows(t, t.find.election()))
    }
    assert emails == {"Jane Doe": ["office7@toronto.ca", "jane.doe@toronto.ca"], "Ann Lee": []}
    path.write_text("name,ward,email\nJane Doe,7,office7@toronto.ca; nobody\n")
    with pytest.raises(TransitionError, match="line 2: 'nobody' is not an e-mail address"):
        read_members(path)


# -- on the shared server --------------------------------------------------------


@pytest.fixture
def shared(store, postgres):
    if store != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    return shared_council(postgres, postgres_database(postgres))


def test_office_staff_give_their_own_steps_owners_and_only_the_clerk_sets_addresses(shared):
    mine, theirs = shared["items"][WARD7], shared["items"][WARD3]
    assign = lambda item: lambda t: t.mark.assign([item], "Sam Staff", "sam@example.org")  # noqa: E731
    as_role(shared, "ward7staff", assign(mine), mode=Mode.WRITE)
    with pytest.raises(TransitionError, match="you may change only Ward 7 Councillor's steps"):
        as_role(shared, "ward7staff", assign(theirs), mode=Mode.WRITE)
    contacts = lambda t: t.change.set_emails(t.find.member(WARD7), ["ward7@toronto.ca"])  # noqa: E731
    with pytest.raises(ClerkOnly):
        as_role(shared, "ward7staff", contacts, mode=Mode.WRITE)
    with pytest.raises(TransitionError, match="auditor"):
        as_role(shared, "theauditor", assign(mine), mode=Mode.WRITE)
    as_role(shared, "theclerk", contacts, mode=Mode.WRITE)
    owners = {row["id"]: row["owner"] for row in checklist(shared["url"])}
    assert (owners[mine], owners[theirs]) == ("Sam Staff", None)
    assert check(shared["url"])[0] == []
