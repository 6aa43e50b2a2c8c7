"""Election-period restrictions on the printed sheets: the checklist and the
reminder sheet print the periods in force (last day, days left) and the next
to start (first day), with what each restricts and its source; the council
overview gives each period a column of the day it starts for each member.
PDFs are checked by their extracted text, HTML by its structure. The calendar
feed's periods: test_period_feed.py."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from conftest import invoke_transition, ok
from pypdf import PdfReader
from test_render import Structure, pdf_text, structure_problems

T = invoke_transition
TITLE = "No newsletters, City-paid events or advertising for the member"
LABEL = "No newsletters or City-paid events"
EXPLANATION = "only emergency communications go out"
SOURCE = "Source: City of Toronto, Use of City Resources during an Election Period Policy"
#: A period of members running, from the day they file until voting day.
ON_FILING = """
[[periods]]
id = "campaign-period"
label = "Campaign period"
title = "No office resources for the campaign"
explanation = "From filing day until voting day, no office staff or budget goes to the campaign."
source = "Test policy, section 2"
applies_to = "member"
from = "filing-date"
until = "voting-day"
"""


def filing_profile(folder: Path, only: bool = False) -> Path:
    """The Toronto profile with a second period, hung on the member's filing
    date (or, `only`, with that period in place of Toronto's own)."""
    toronto = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    if only:
        toronto = toronto[: toronto.index("\n[[periods]]\n")]
    path = folder / f"with-filing-period{'-only' if only else ''}.toml"
    path.write_text(toronto + ON_FILING)
    return path


@pytest.fixture
def council(jane):
    """Jane Doe running (2030), and Pat Lee, who is not."""
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    ok(T("member", "set", "pat", "--running", "no"))
    return jane


@pytest.fixture
def filing_council(db_path, tmp_path):
    """The 2030 election under a profile with a period from the filing date:
    Jane Doe running (filing date not yet known), Pat Lee not running."""
    ok(T("election", "add", "--year", "2030", "--profile", str(filing_profile(tmp_path))))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("account", "add", "jane", "--platform", "X", "--handle", "@CllrDoe", "--role", "single"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    ok(T("member", "set", "pat", "--running", "no"))
    return db_path


def read(path: Path) -> tuple[PdfReader, str]:
    """A PDF's pages and its text, a word broken at its hyphen joined again."""
    reader, text = pdf_text(path)
    return reader, re.sub(r"(?<=\w)- (?=\w)", "-", text)


def printed(tmp_path: Path, kind: str, *args: str, today: str) -> str:
    """The text of a PDF printed as of `today`, checked to be tagged throughout."""
    out = tmp_path / f"{kind}-{today}.pdf"
    ok(T("render", kind, *args, "-o", str(out), "--today", today))
    assert structure_problems(out) == []
    return read(out)[1]


def test_the_checklist_prints_the_next_period_from_its_first_day(jane, tmp_path):
    out = tmp_path / "jane.pdf"
    ok(T("render", "checklist", "jane", "-o", str(out), "--today", "2030-05-20"))
    reader, text = read(out)
    assert len(reader.pages) == 1, "the checklist still fits one page"
    assert structure_problems(out) == []
    for expected in (
        "Election-period restrictions, both days included.",
        "Next, from Thu Aug 1, 2030 until Mon Oct 28, 2030 (starts in 73 days)",
        TITLE,
        EXPLANATION,
        SOURCE,
    ):
        assert expected in text, expected
    assert "In force until" not in text


@pytest.mark.parametrize(
    ("today", "left"),
    [("2030-08-01", "89 days left"), ("2030-09-10", "49 days left"), ("2030-10-28", "1 day left")],
)
def test_in_force_the_checklist_prints_the_last_day_and_the_days_left(jane, tmp_path, today, left):
    text = printed(tmp_path, "checklist", "jane", today=today)
    assert f"In force until Mon Oct 28, 2030 ({left}, today included): {TITLE}" in text
    assert EXPLANATION in text and SOURCE in text
    assert "Next, from" not in text  # Toronto has no other period to come


def test_after_voting_day_no_period_is_printed(jane, tmp_path):
    out = tmp_path / "after.html"
    ok(T("render", "checklist", "jane", "-o", str(out), "--today", "2030-10-29"))
    page = Structure(out.read_text())
    assert "periods" not in page.classes
    assert "Election-period restrictions" not in " ".join(page.text)


def test_a_start_on_the_filing_date_not_yet_known_prints_on_filing(db_path, tmp_path):
    profile = filing_profile(tmp_path, only=True)
    ok(T("election", "add", "--year", "2030", "--profile", str(profile)))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    text = printed(tmp_path, "checklist", "jane", today="2030-05-06")
    assert (
        "Next, starting on filing (by Fri Aug 16, 2030) until Mon Oct 28, 2030 "
        "(starts on filing, in 102 days at the latest): No office resources for the campaign"
    ) in text
    assert "Test policy, section 2" in text
    ok(T("member", "file", "jane", "--date", "2030-05-13", "--planned", "--today", "2030-05-06"))
    text = printed(tmp_path, "checklist", "jane", today="2030-05-06")
    assert "Next, from Mon May 13, 2030 until Mon Oct 28, 2030 (starts in 7 days)" in text
    reminders = printed(tmp_path, "reminders", "--within", "1", today="2030-05-06")
    assert "Monday, May 13, 2030 2030-05-13" in reminders[reminders.index("Next to start") :]
    ok(T("member", "file", "jane", "--clear", "--today", "2030-05-06"))
    reminders = printed(tmp_path, "reminders", "--within", "1", today="2030-05-07")
    assert "on filing (by Friday, August 16, 2030 2030-08-16)" in reminders


def test_a_period_in_force_and_the_next_print_together(filing_council, tmp_path):
    ok(T("member", "file", "jane", "--date", "2030-05-13", "--today", "2030-05-13"))
    out = tmp_path / "jane.pdf"
    ok(T("render", "checklist", "jane", "-o", str(out), "--today", "2030-05-20"))
    reader, text = read(out)
    assert len(reader.pages) == 1
    assert "In force until Mon Oct 28, 2030 (162 days left, today included)" in text
    assert "No office resources for the campaign" in text
    assert "Next, from Thu Aug 1, 2030 until Mon Oct 28, 2030 (starts in 73 days)" in text
    assert text.index("In force until") < text.index("Next, from")


def test_the_reminder_sheet_prints_the_councils_periods_once(council, tmp_path):
    text = printed(tmp_path, "reminders", today="2030-05-20")
    assert "Election-period restrictions in force (0)" in text
    assert "None is in force today." in text
    after = text[text.index("Next to start") :]
    for expected in (
        TITLE,
        EXPLANATION,
        SOURCE,
        "Thursday, August 1, 2030 2030-08-01",
        "Monday, October 28, 2030 2030-10-28",
        "starts in 73 days",
        "every member",
    ):
        assert expected in after, expected
    html = tmp_path / "reminders.html"
    ok(T("render", "reminders", "-o", str(html), "--today", "2030-05-20"))
    assert Structure(html.read_text()).classes["period-next"] == 1, "one row for both members"


def test_the_reminder_sheet_prints_a_period_in_force_with_its_days_left(council, tmp_path):
    text = printed(tmp_path, "reminders", "jane", today="2030-09-10")
    assert "Election-period restrictions in force (1)" in text
    in_force = text[text.index("Election-period restrictions in force") : text.index("Next to")]
    assert TITLE in in_force and "Monday, October 28, 2030" in in_force
    assert "49 days left" in in_force
    assert "No other restriction is still to start." in text
    assert "every member" not in text  # one member's sheet names nobody


def test_the_reminder_sheet_names_whom_a_period_reaches(filing_council, tmp_path):
    ok(T("member", "file", "jane", "--date", "2030-05-13", "--today", "2030-05-13"))
    html = tmp_path / "reminders.html"
    ok(T("render", "reminders", "-o", str(html), "--today", "2030-05-20"))
    page = Structure(html.read_text())
    said = " ".join(" ".join(page.text).split())
    assert page.classes["period-now"] == 1 and page.classes["period-next"] == 1
    in_force = said[said.index("restrictions in force (1)") : said.index("Next to start")]
    assert "No office resources for the campaign" in in_force and "Jane Doe" in in_force
    assert "every member" in said[said.index("Next to start") :]


def test_the_overview_has_a_column_per_period_with_each_members_start(filing_council, tmp_path):
    ok(T("member", "add", "Sam Roe", "--ward", "9"))
    ok(T("member", "set", "sam", "--running", "yes", "--option", "single"))
    ok(T("member", "file", "sam", "--date", "2030-05-13", "--planned", "--today", "2030-05-06"))
    html = tmp_path / "overview.html"
    ok(T("render", "overview", "-o", str(html), "--today", "2030-05-20"))
    headings, cells = _period_cells(html.read_text())
    assert headings == [LABEL, "Campaign period"]
    assert cells == {
        "Pat Lee": ["2030-08-01", ""],  # not running: the filing period does not reach him
        "Jane Doe": ["2030-08-01", "on filing (by 2030-08-16)"],
        "Sam Roe": ["2030-08-01", "2030-05-13"],
    }
    out = tmp_path / "overview.pdf"
    ok(T("render", "overview", "-o", str(out), "--today", "2030-05-20"))
    reader, text = read(out)
    assert len(reader.pages) == 1 and structure_problems(out) == []
    for expected in (LABEL, "Campaign period", "2030-08-01", "on filing (by 2030-08-16)"):
        assert expected in text, expected


def test_an_election_without_periods_prints_no_period(db_path, tmp_path):
    """A by-election: Toronto's period belongs to regular elections."""
    args = ("--opens", "2025-01-06", "--nomination-day", "2025-02-07", "--voting-day", "2025-03-24")
    ok(T("election", "add", "--by-election", "--name", "Ward 9", *args))
    ok(T("member", "add", "Pat Lee", "--ward", "9"))
    ok(T("member", "set", "pat", "--running", "yes", "--option", "single"))
    for kind, who in (("overview", []), ("reminders", []), ("checklist", ["pat"])):
        out = tmp_path / f"{kind}.html"
        ok(T("render", kind, *who, "-o", str(out), "--today", "2025-02-01"))
        html = out.read_text()
        classes = Structure(html).classes
        assert not {"periods", "period-now", "period-next"} & set(classes), kind
        assert "restriction" not in html.lower(), kind


def _period_cells(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The overview's period headings, and each member's period cells, as text."""
    from html.parser import HTMLParser

    class Grid(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.headings: list[str] = []
            self.rows: dict[str, list[str]] = {}
            self.row: list[str] = []
            self.cell: list[str] | None = None
            self.member: list[str] | None = None
            self.heading: list[str] | None = None
            self.name = ""

        def handle_starttag(self, tag, attrs):
            classes = (dict(attrs).get("class") or "").split()
            if tag == "tr":
                self.row = []
                self.name = ""
            elif tag == "th" and "period" in classes:
                self.heading = []
            elif tag == "td" and "period" in classes:
                self.cell = []
            elif tag == "td" and "member" in classes:
                self.member = []
            elif tag == "br" and self.heading is not None:
                self.headings.append("".join(self.heading))
                self.heading = None

        def handle_endtag(self, tag):
            if tag == "td" and self.cell is not None:
                self.row.append("".join(self.cell))
                self.cell = None
            elif tag == "td" and self.member is not None:
                self.name = "".join(self.member)
                self.member = None
            elif tag == "tr" and self.row:
                self.rows[self.name] = self.row

        def handle_data(self, data):
            for part in (self.cell, self.member, self.heading):
                if part is not None:
                    part.append(data)

    grid = Grid()
    grid.feed(html)
    return grid.headings, grid.rows
