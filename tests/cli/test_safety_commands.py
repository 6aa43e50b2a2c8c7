"""Files the commands write that cannot hurt their readers (a calendar feed, a
printed checklist), and what `transition check` prints (what check finds is
tests/store/test_safety.py)."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest
from conftest import as_json, invoke_transition, ok
from harness.council import Council
from harness.records import TAMPERINGS, TODAY, checklist, jane, jane_with_history, tamper

T = invoke_transition


@pytest.fixture
def jane_file(db_path):
    """The 2030 election and Jane Doe, in the SQLite file of TRANSITION_DB."""
    jane(Council(str(db_path), today=TODAY))
    return db_path


def test_profile_text_cannot_break_the_calendar_file(db_path, tmp_path):
    profile = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    odd = tmp_path / "odd.toml"
    odd.write_text(
        profile.replace(
            'explanation = "From the day nominations open',
            'explanation = """Line one;\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:forged, ok"""'
            " # From the day nominations open",
        )
    )

    def council(tracker):
        election = tracker.change.add_regular_election(2030, odd)
        member = tracker.change.add_member("Jane Doe", "7", "councillor")
        tracker.change.add_account(
            member, platform="X", handle="@a;b", role="single", uses_logo=True
        )
        tracker.change.set_candidacy(member, election, "yes", "single")
        tracker.change.set_filing(member, election, date(2030, 5, 6), actual=False)

    Council(str(db_path), today=TODAY).write(council)
    feed = tmp_path / "feed.ics"
    ok(T("export", "ics", "--all", "-o", str(feed)))
    from icalendar import Calendar

    events = Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    assert len(events) == 5 + 6 + 1  # the key dates, the steps, the period
    assert not any(str(e["summary"]) == "forged, ok" for e in events)
    assert any("END:VEVENT" in str(e["description"]) for e in events)


def test_html_is_escaped(jane_file, tmp_path):
    item = checklist(jane_file)[0]["id"]
    Council(str(jane_file), today=TODAY).write(
        lambda tracker: tracker.mark.annotate([item], "<script>alert(1)</script>", None)
    )
    ok(T("render", "checklist", "jane", "-o", str(tmp_path / "c.html")))
    html = (tmp_path / "c.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_check_passes_a_healthy_database(jane_file):
    jane_with_history(jane_file)
    out = ok(T("check"))
    assert out.startswith("ok: checked 1 elections, 1 members, 1 accounts,")
    assert as_json(T("check", "--json"))["ok"] is True


@pytest.mark.parametrize(("statements", "problem"), TAMPERINGS)
def test_check_names_every_problem(jane_file, statements, problem):
    tamper(jane_file, *statements)
    result = T("check")
    assert result.returncode == 1
    assert problem in result.stdout
    assert result.stderr.startswith("transition: error: check found")
