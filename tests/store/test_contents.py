"""The trail covers the record's contents: a row changed around transition, by
anyone and however, is an event in the trail, or is named by check and verify
(`transition.store.trail.integrity`), and kept off a sheet (`vouched_for`).
What the commands print of it: tests/cli/test_contents_commands.py."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

import pytest
from harness.council import JANE, Council, Seat

from transition.errors import TransitionError
from transition.store.errors import Refused, Remedy
from transition.store.listings import checklist_rows, log_rows
from transition.store.trail.chain import Fingerprint
from transition.store.trail.integrity import doubts, fingerprint, problems, verify, vouched_for

#: Each test runs on a SQLite file and on a PostgreSQL database.
pytestmark = pytest.mark.usefixtures("store")

TODAY = date(2030, 4, 1)

#: A direct change to one field of each kind of row: (table, column, SQL value).
CHANGES = {
    "a step's marker": ("checklist_item", "done_by", "'Councillor Herself'"),
    "a step's day": ("checklist_item", "done_on", "'2030-04-01'"),
    "a member's name": ("member", "name", "'Someone Else'"),
    "an election's rules": ("election", "profile_toml", "'# rewritten'"),
    "an account's handle": ("account", "handle", "'@forged'"),
    "a filing date": ("candidacy", "filing_date", "'2030-05-01'"),
}


@pytest.fixture
def marked(store, copies) -> Council:
    """Jane's record, her first step marked done by Sam (the day before the
    day a direct change writes)."""
    council = Council(os.environ["TRANSITION_DB"], today=TODAY)

    def build() -> None:
        council.add(JANE)
        council.write(
            lambda tracker: tracker.mark.done([1], note=None, evidence=None),
            today=date(2030, 3, 31),
            actor="Sam",
        )

    copies.once("Jane's first step done", build)
    return council


def verified(council: Council, printed: str, member: str | None = None) -> str:
    """`verify` of a fingerprint as a sheet prints it, for the whole record or a member's."""
    return council.inspect(
        lambda tracker: verify(
            tracker, Fingerprint.parse(printed), tracker.find.member(member) if member else None
        )
    )


def report(council: Council) -> str:
    """Every problem `check` finds, one a line."""
    return "\n".join(council.inspect(problems)[0])


def test_a_row_changed_around_transition_is_an_event_in_the_trail(marked, direct):
    printed = str(marked.read(fingerprint))
    assert "holds for Jane Doe" in verified(marked, printed, "jane")
    direct(
        "UPDATE checklist_item SET done_by = 'Councillor Herself' WHERE id = 1", "checklist_item"
    )
    newest = marked.read(lambda tracker: log_rows(tracker, None, 1))[0]
    assert newest["action"] == "row.update"
    assert newest["summary"] == "checklist_item 1 changed outside transition"
    assert (newest["before"]["done_by"], newest["after"]["done_by"]) == (
        "Sam",
        "Councillor Herself",
    )
    assert report(marked) == ""  # an event explains it: no problem, a second look
    assert any(
        "changed outside transition: done_by 'Sam' -> 'Councillor Herself'" in doubt
        for doubt in marked.inspect(doubts)
    )
    for member in (None, "jane"):
        with pytest.raises(TransitionError, match="checklist_item 1 changed outside transition"):
            verified(marked, printed, member)
    # Even the name a sheet prints is the trail's: the newest event explains it.
    rows = marked.read(lambda tracker: checklist_rows(tracker, tracker.find.election()))
    assert rows[0]["done_by"] == "Councillor Herself"


@pytest.mark.parametrize("what", CHANGES)
def test_a_row_changed_with_its_triggers_set_aside_is_named(marked, direct, what):
    table, column, value = CHANGES[what]
    marked.write(
        lambda tracker: tracker.change.set_filing(
            tracker.find.member("jane"), tracker.find.election(), date(2030, 5, 4), actual=False
        )
    )
    printed = str(marked.read(fingerprint))
    direct(f"UPDATE {table} SET {column} = {value} WHERE id = 1", table, set_aside=True)
    found = report(marked)
    assert f"{table} 1: {column} is " in found, found
    assert "changed without an event" in found
    with pytest.raises(TransitionError, match=f"{table} 1: {column}"):
        verified(marked, printed)
    if table != "election":  # a sheet refuses to print the member's unexplained facts
        name = "Someone Else" if column == "name" else "Jane Doe"
        with pytest.raises(Refused, match="changed without an event") as refused:
            marked.read(lambda tracker: vouched_for(tracker, tracker.find.member(name)))
        assert refused.value.remedy == Remedy.CHECK


def test_a_row_inserted_or_deleted_with_its_triggers_set_aside_is_named(marked, direct):
    ghost = (
        "INSERT INTO member (id, name, office, created_at) "
        "VALUES ({id}, '{name}', 'mayor', '2030-01-01 00:00:00+00')"
    )
    direct(ghost.format(id=50, name="Ghost"), "member", set_aside=True)
    direct(ghost.format(id=51, name="Shade"), "member")  # in the trail: an event
    direct("DELETE FROM member WHERE id = 51", "member", set_aside=True)
    found = report(marked)
    assert "member 50 is in the record but not in the audit trail" in found
    assert "member 51 is in the audit trail but was deleted without an event" in found


def test_every_event_is_dated_and_chained_by_the_database(marked):
    events = marked.read(lambda tracker: log_rows(tracker, None, None, rows=True))
    moments = [event["at"] for event in reversed(events)]
    assert moments == sorted(moments)
    assert report(marked) == ""
    assert {event["action"] for event in events} >= {"row.insert", "row.update", "item.done"}


@pytest.mark.sqlite_only  # the server's own refusal: tests/store/test_trail_server.py
def test_an_event_about_another_members_step_is_refused_by_the_file_too(marked):
    marked.add(Seat("Pat Lee", ward="3"))
    with sqlite3.connect(marked.db) as connection:
        pat = connection.execute("SELECT id FROM member WHERE name = 'Pat Lee'").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="must name its member"):
            connection.execute(
                "INSERT INTO event (at, actor, action, member_id, item_id, subject, summary) "
                f"VALUES ('2030-01-01', 'x', 'item.done', {pat}, 1, 'item 1', 'forged')"
            )
    connection.close()


@pytest.mark.sqlite_only
def test_a_change_not_yet_chained_is_shown_and_kept_off_a_sheet(marked):
    """A writer around transition leaves a row event that transition's next
    change chains; until then the log shows it and no sheet prints what no
    fingerprint could pin. One who fills in transition's context to pass as
    it leaves an event no change of transition's will chain: check names it."""

    def sheet(tracker) -> None:
        vouched_for(tracker, tracker.find.member("jane"))

    def note(text: str) -> None:
        marked.write(lambda tracker: tracker.mark.annotate([2], text, None))

    with sqlite3.connect(marked.db) as connection:
        connection.execute("UPDATE checklist_item SET done_by = 'Councillor Herself' WHERE id = 1")
    connection.close()
    assert marked.read(lambda tracker: log_rows(tracker, None, 1))[0]["action"] == "row.update"
    with pytest.raises(Refused, match="has not chained that change yet") as refused:
        marked.read(sheet)
    assert refused.value.remedy == Remedy.CHECK
    note("a change through transition chains it")
    marked.read(sheet)
    with sqlite3.connect(marked.db) as connection:
        connection.execute(
            "INSERT INTO transition_context (actor, recorded_by) VALUES ('Sam', 'x')"
        )
        connection.execute("UPDATE checklist_item SET done_by = 'Sam' WHERE id = 1")
        connection.execute("DELETE FROM transition_context")
    connection.close()
    note("and this one cannot")
    events = marked.read(lambda tracker: log_rows(tracker, None, None))
    assert events[1]["summary"] == "update checklist_item 1"
    with pytest.raises(TransitionError):
        marked.read(sheet)
    assert "carries no hash" in report(marked)
