"""The calendar feed, byte for byte: a committed golden file guards its exact text.

Calendars compare what they import with what they hold, so a feed that says
the same things in other bytes (properties reordered, a line folded
elsewhere, a character escaped differently) is a change to every subscriber.
The golden files were written by the feed as icalendar wrote it, before the
repeated events were written line by line; they hold the sample council (its
periods, done, waived, overdue and on-filing steps) and a member whose name
and handle need RFC 5545 escaping and multi-byte folding. Only what changes
between two exports of the same record is normalised: DTSTAMP (the time of
the export) and the record's key (a hash of the moment the election was
created; the same length, so no line folds elsewhere).

`WRITE_SNAPSHOTS=1 pytest tests/documents/test_feed_bytes.py` rewrites them:
review the diff as a change to every subscriber's calendar.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import invoke_transition, ok, run_transition
from hypothesis import given, settings
from hypothesis import strategies as st

from transition.cli.sample import SAMPLE_TODAY

T = invoke_transition
SNAPSHOTS = Path(__file__).parent.parent / "snapshots"
WRITE = os.environ.get("WRITE_SNAPSHOTS") == "1"
#: A name with every character RFC 5545 escapes in text, letters of two and
#: three octets, and length enough to fold in the middle of them.
AWKWARD = "Zoë Ørsted-Łukasz 山田 \\ back; semi, comma: colon and a name long enough to fold"
STAMP = re.compile(rb"^DTSTAMP:\d{8}T\d{6}Z\r$", re.MULTILINE)
RECORD = re.compile(rb"UID:election-([0-9a-f]{12})-key-0@")


@pytest.fixture(scope="module")
def council(sample_council) -> Path:
    """The sample council at its date, with an awkward member on one
    awkward handle, and a member whose change of option supersedes steps."""
    database = sample_council
    at = ("--db", str(database), "--today", SAMPLE_TODAY.isoformat())
    ok(T("member", "add", AWKWARD, "--ward", "26", *at))
    account = ("--platform", "X", "--handle", "a;b,c:d\\e 山", "--role", "single", "--uses-logo")
    ok(T("account", "add", "Zoë", *account, *at))
    ok(T("member", "set", "Zoë", "--running", "yes", "--option", "single", *at))
    ok(T("member", "set", "Ward 8", "--option", "separate", *at))
    return database


def normalised(feed: bytes) -> bytes:
    """The feed with what differs between two exports of one record made constant."""
    (record,) = set(RECORD.findall(feed))
    feed = feed.replace(record, b"0" * len(record))
    return STAMP.sub(b"DTSTAMP:20300101T000000Z\r", feed)


def exported(council: Path, *args: str) -> bytes:
    at = ("--db", str(council), "--today", SAMPLE_TODAY.isoformat())
    ok(T("export", "ics", *args, "-o", "feed.ics", *at))
    return Path("feed.ics").read_bytes()


@pytest.mark.parametrize(
    ("name", "args"),
    [("feed-sample-council.ics", ("--all",)), ("feed-one-member.ics", ("Zoë",))],
)
def test_the_feed_is_byte_for_byte_the_golden_file(council, name, args):
    feed = normalised(exported(council, *args))
    golden = SNAPSHOTS / name
    if WRITE:
        golden.write_bytes(feed)
    assert feed == golden.read_bytes()


def test_the_golden_files_hold_what_they_guard():
    """The golden files are worth comparing with: each kind of event and text is in them."""
    from icalendar import Calendar

    feed = (SNAPSHOTS / "feed-sample-council.ics").read_bytes()
    assert feed.count(b"\r\n") == feed.count(b"\n")  # CRLF throughout (RFC 5545 3.1)
    assert all(len(line) <= 75 for line in feed.split(b"\r\n"))
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed).walk("VEVENT")]
    for shown in ("OVERDUE since", "(done)", "(waived)", "(no longer applies)", "on filing"):
        assert any(shown in summary for summary in summaries), shown
    assert any(AWKWARD in s and "a;b,c:d\\e 山" in s for s in summaries)
    assert sum(s.startswith("Ward 7 Councillor: No newsletters") for s in summaries) == 1
    assert b"\\; semi\\, comma" in feed.replace(b"\r\n ", b"")  # escaped, not folded apart


def test_the_feed_loads_no_calendar_or_printing_library(council):
    """The feed writes its own lines: icalendar, like the printers' libraries,
    is the tests' to load, not the command's (a council's feed is mostly start-up)."""
    at = ("--db", str(council), "--today", SAMPLE_TODAY.isoformat())
    done = run_transition(
        "export", "ics", "--all", "-o", "feed.ics", *at, env={"PYTHONPROFILEIMPORTTIME": "1"}
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}
    assert "sqlmodel" in loaded
    assert not loaded & {"icalendar", "jinja2", "weasyprint", "pypdf", "pyhanko"}


# -- the lines, against icalendar's own writer ---------------------------------

#: Text weighted towards what escaping and folding meet: every escaped
#: character, `\N`, CRLF, a byte-order mark, a caret, letters of two, three
#: and four octets.
TEXT = st.text(
    st.one_of(
        st.sampled_from(list("\\;,:\r\nN^ \ufeffeé山😀")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=400,
)
DAYS = st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30))


def icalendar_event(summary, start, last, description, sequence, cancelled, alarms) -> bytes:
    """One event as the feed made it with icalendar objects, before its lines
    were written by hand: the reference the lines must equal."""
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", f"{summary}@x")
    event.add("dtstamp", STAMPED)
    event.add("summary", summary)
    event.add("dtstart", start)
    if last < date.max:
        event.add("dtend", last + timedelta(days=1))
    elif last > start:
        event.add("duration", timedelta(days=(last - start).days + 1))
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("transp", "TRANSPARENT")
    if cancelled:
        event.add("status", "CANCELLED")
    else:
        for said, before in alarms:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", said)
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event.to_ical()


STAMPED = datetime(2030, 5, 20, 13, 2, 9, 123456, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(
    summary=TEXT,
    description=TEXT,
    start=DAYS,
    length=st.integers(0, 400),
    sequence=st.integers(0, 10**9),
    cancelled=st.booleans(),
    alarms=st.lists(
        st.tuples(TEXT, st.timedeltas(timedelta(hours=1), timedelta(days=10**6))), max_size=2
    ),
)
def test_an_event_is_written_as_icalendar_writes_it(
    summary, description, start, length, sequence, cancelled, alarms
):
    from transition.documents import ical_lines

    # The calendar's last day (400) has no day after: its event has a DURATION.
    last = date.fromordinal(min(start.toordinal() + length, date.max.toordinal()))
    last = date.max if length == 400 else last
    written = ical_lines.event(
        summary=summary,
        start=start,
        end=last + timedelta(days=1) if last < date.max else None,
        length=timedelta(days=(last - start).days + 1) if last == date.max > start else None,
        stamp=f"DTSTAMP:{ical_lines.utc_moment(STAMPED)}\r\n",
        uid=f"{summary}@x",
        sequence=sequence,
        description=description,
        cancelled=cancelled,
        alarms=() if cancelled else alarms,
    )
    reference = icalendar_event(summary, start, last, description, sequence, cancelled, alarms)
    assert written.encode() == reference
