"""Election-period restrictions in the calendar feed, parsed back with the
icalendar library: one all-day event over each period's days (DTEND the day
after the last, RFC 5545), an alarm the working morning before it starts, a
UID that stays, and an event that moves with the filing date it hangs on."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import JANE_ACCOUNT, invoke_transition, ok
from test_period_documents import ON_FILING, SOURCE, TITLE, filing_profile

T = invoke_transition
FIRST_RELEASE = Path(__file__).parent.parent / "profiles" / "toronto-2016-first-release.toml"


def periods(feed: bytes) -> dict[str, object]:
    """The feed's period events, by UID."""
    from icalendar import Calendar

    events = Calendar.from_ical(feed).walk("VEVENT")
    return {str(e["uid"]): e for e in events if str(e["uid"]).startswith("period-")}


def exported(*args: str, today: str) -> bytes:
    ok(T("export", "ics", *args, "-o", "feed.ics", "--today", today))
    return Path("feed.ics").read_bytes()


def one(events: dict[str, object], period: str, member_id: int = 1):
    (found,) = [e for uid, e in events.items() if uid.startswith(f"period-{member_id}-{period}-")]
    return found


def triggers(event) -> list[timedelta]:
    return [alarm["trigger"].dt for alarm in event.walk("VALARM")]


@pytest.fixture
def council_2026(db_path):
    """Toronto's 2026 election: Jane Doe running on one City-connected
    account, Pat Lee not running (and with no steps)."""
    ok(T("election", "add", "--year", "2026", "--today", "2026-05-20"))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("account", "add", "jane", *JANE_ACCOUNT, "--email", "jane.doe@toronto.ca"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    ok(T("member", "set", "pat", "--running", "no"))
    return db_path


def test_a_period_is_one_event_over_exactly_its_days(council_2026):
    event = one(periods(exported("jane", today="2026-05-20")), "election-period-services")
    first, end = event["dtstart"].dt, event["dtend"].dt
    assert (first, end) == (date(2026, 8, 1), date(2026, 10, 27))  # voting day Oct 26, included
    assert type(first) is date and type(end) is date  # all-day: VALUE=DATE
    assert (end - first).days == (date(2026, 10, 26) - date(2026, 8, 1)).days + 1 == 87
    assert "DTSTART;VALUE=DATE:20260801" in Path("feed.ics").read_text()
    assert "DTEND;VALUE=DATE:20261027" in Path("feed.ics").read_text()
    assert str(event["summary"]) == f"Jane Doe: {TITLE}"
    description = " ".join(str(event["description"]).split())
    assert "only emergency communications go out" in description
    assert SOURCE.removeprefix("Source: ") in description
    assert "2026-08-01 to 2026-10-26" in description
    assert event.get("status") is None
    # August 1, 2026 is a Saturday: 9:00 on Friday, July 31, the working morning before
    assert triggers(event) == [-timedelta(hours=15)]


def test_a_period_for_every_member_reaches_one_not_running(council_2026):
    (event,) = periods(exported("pat", today="2026-05-20")).values()
    assert str(event["summary"]) == f"Pat Lee: {TITLE}"
    assert (event["dtstart"].dt, event["dtend"].dt) == (date(2026, 8, 1), date(2026, 10, 27))
    # `--all` is every member with a step or a period: Jane's and Pat's, once each
    everyone = periods(exported("--all", today="2026-05-20")).values()
    assert sorted(str(e["summary"]).split(":")[0] for e in everyone) == ["Jane Doe", "Pat Lee"]


def test_a_periods_uid_stays_across_exports(council_2026):
    first = periods(exported("jane", today="2026-05-20")) | periods(
        exported("pat", today="2026-05-20")
    )
    ok(T("member", "file", "jane", "--date", "2026-06-03", "--planned", "--today", "2026-05-20"))
    ok(T("done", "1", "--today", "2026-05-20"))
    again = periods(exported("jane", today="2026-09-01")) | periods(
        exported("pat", today="2026-09-01")
    )
    assert set(first) == set(again) and len(first) == 2
    for uid, event in again.items():
        assert event["dtstart"].dt == first[uid]["dtstart"].dt  # Toronto's does not move
        assert event["sequence"] >= first[uid]["sequence"]
    # and is the record's own: another record's feed shares no UID with this one
    other = Path("other.db")
    ok(T("election", "add", "--year", "2026", "--db", str(other)))
    ok(T("member", "add", "Jane Doe", "--ward", "7", "--db", str(other)))
    assert not set(periods(exported("jane", "--db", str(other), today="2026-05-20"))) & set(first)


@pytest.mark.parametrize(
    ("filed", "ahead"),
    [
        ("2026-06-03", timedelta(hours=15)),  # a Wednesday: Tuesday morning
        ("2026-06-08", timedelta(days=2, hours=15)),  # a Monday: Friday morning
        # the Tuesday after the Civic Holiday: Friday morning, before the long weekend
        ("2026-08-04", timedelta(days=3, hours=15)),
        ("2026-07-02", timedelta(days=1, hours=15)),  # the day after Canada Day
    ],
)
def test_the_alarm_rings_the_working_morning_before(db_path, tmp_path, filed, ahead):
    ok(T("election", "add", "--year", "2026", "--profile", str(filing_profile(tmp_path))))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    ok(T("member", "file", "jane", "--date", filed, "--planned", "--today", "2026-05-20"))
    event = one(periods(exported("jane", today="2026-05-20")), "campaign-period")
    assert event["dtstart"].dt == date.fromisoformat(filed)
    assert triggers(event) == [-ahead]


def test_a_period_on_the_filing_date_moves_when_the_filing_date_does(db_path, tmp_path):
    assert 'from = "filing-date"' in ON_FILING
    ok(T("election", "add", "--year", "2026", "--profile", str(filing_profile(tmp_path))))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    ok(T("member", "add", "Pat Lee", "--ward", "3"))
    ok(T("member", "set", "pat", "--running", "no"))

    # Not filed yet: the latest days it can hold, from nomination day, marked so.
    waiting = periods(exported("jane", today="2026-05-20"))
    assert [str(e["summary"]) for e in periods(exported("pat", today="2026-05-20")).values()] == [
        f"Pat Lee: {TITLE}"
    ]  # not running: the campaign period does not reach him
    before = one(waiting, "campaign-period")
    assert (before["dtstart"].dt, before["dtend"].dt) == (date(2026, 8, 21), date(2026, 10, 27))
    assert "starts on filing, by 2026-08-21 at the latest" in str(before["summary"])

    ok(T("member", "file", "jane", "--date", "2026-06-03", "--planned", "--today", "2026-05-20"))
    filed = one(periods(exported("jane", today="2026-05-20")), "campaign-period")
    assert str(filed["uid"]) == str(before["uid"])
    assert (filed["dtstart"].dt, filed["dtend"].dt) == (date(2026, 6, 3), date(2026, 10, 27))
    assert (filed["dtend"].dt - filed["dtstart"].dt).days == 146  # June 3 to October 26
    assert str(filed["summary"]) == "Jane Doe: No office resources for the campaign"
    assert filed["sequence"] > before["sequence"]

    ok(T("member", "file", "jane", "--date", "2026-06-08", "--planned", "--today", "2026-05-20"))
    moved = one(periods(exported("jane", today="2026-05-20")), "campaign-period")
    assert str(moved["uid"]) == str(before["uid"])
    assert moved["dtstart"].dt == date(2026, 6, 8) and moved["dtend"].dt == date(2026, 10, 27)
    assert moved["sequence"] > filed["sequence"]
    assert triggers(moved) == [-timedelta(days=2, hours=15)]
    # Toronto's own period, from August 1, stays where it was.
    assert one(periods(Path("feed.ics").read_bytes()), "election-period-services")[
        "dtstart"
    ].dt == date(2026, 8, 1)


def test_a_profile_without_periods_has_no_period_event(db_path):
    """A record kept under the first release's profile (no periods), and a
    by-election, which Toronto's period does not reach: no period event, and
    the feed's other events as they were."""
    ok(T("election", "add", "--year", "2030", "--profile", str(FIRST_RELEASE)))
    ok(T("member", "add", "Jane Doe", "--ward", "7"))
    ok(T("account", "add", "jane", "--platform", "X", "--handle", "@CllrDoe", "--role", "single"))
    ok(T("member", "set", "jane", "--running", "yes", "--option", "single"))
    feed = exported("jane", today="2030-04-01")
    assert periods(feed) == {} and b"period-" not in feed
    args = ("--opens", "2025-01-06", "--nomination-day", "2025-02-07", "--voting-day", "2025-03-24")
    ok(T("election", "add", "--by-election", "--name", "Ward 9", *args))
    ok(T("member", "set", "jane", "--running", "yes", "--election", "Ward 9"))
    assert periods(exported("jane", "--election", "Ward 9", today="2025-01-10")) == {}
