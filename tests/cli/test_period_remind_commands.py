"""`transition remind` and a period's start: in the dry run, its JSON, the
outbox and the history, and sent through a real SMTP server (aiosmtpd,
STARTTLS and a login) once, beside the steps, never after it has begun."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date

import pytest
from conftest import as_json, invoke_transition, ok
from harness.council import JANE, Council, Seat
from mail_server import SENDER, running_mail_server

T = invoke_transition
SERVICES = "election-period-services"
TITLE = "No newsletters, City-paid events or advertising for the member"
SOURCE_START = "City of Toronto, Use of City Resources during an Election Period Policy"
MONTH_BEFORE = "2026-07-02"  # 30 days before August 1, 2026
OFFICE = "office3@toronto.ca"
CLERK = "clerk@toronto.ca"

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def council():
    """Pat Lee (ward 3), not running, whose office hears of the 2026 period."""
    council = Council(os.environ["TRANSITION_DB"], today=date(2026, 6, 1), year=2026)
    council.add(Seat("Pat Lee", ward="3"))

    def addresses(tracker):
        tracker.change.set_emails(tracker.find.member("pat"), [OFFICE])
        tracker.change.set_clerk_email(tracker.find.election(), CLERK)

    council.write(addresses)
    return council


@pytest.fixture
def mail(tmp_path):
    with running_mail_server(tmp_path) as server:
        yield server


def remind(*args: str, today: str = MONTH_BEFORE, env: dict | None = None):
    return T("remind", *args, "--today", today, env=env)


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_the_start_is_sent_once_and_its_message_names_the_period_and_its_dates(council, mail):
    assert ok(remind("--send", env=mail.env())) == "sent 1 message (1 reminder)\n"
    (message,) = mail.received()
    assert message["To"] == OFFICE and message["From"] == SENDER
    assert message["Cc"] is None  # a period is never late: the clerk is not copied
    assert message["Subject"] == "1 period starting 2026-08-01: Pat Lee"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)
    assert "These restrictions of the 2026 election start soon." in text
    assert "Starting soon" in text and "<h2" in html and "Starting soon" in html
    flat = " ".join(text.split())  # the text part is wrapped at 72 columns
    assert f"1. {TITLE}" in text
    assert "Pat Lee, from 2026-08-01 until 2026-10-26: 30 days before" in text
    assert "From August 1 of the election year until voting day the City" in flat
    assert f"Source: {SOURCE_START}" in flat
    assert "transition done" not in text  # nothing to mark done
    assert TITLE in html and "from 2026-08-01 until 2026-10-26: 30 days before" in html
    assert f"Source: {SOURCE_START}" in html
    # a second run, and a later one the same month: nothing more
    assert ok(remind("--send", env=mail.env())) == "nothing to send\n"
    assert ok(remind("--send", today="2026-07-10", env=mail.env())) == "nothing to send\n"
    assert len(mail.received()) == 1
    history = as_json(T("remind", "--history", "--json"))
    assert [
        (h["kind"], h["period"], h["item"], h["stage"], h["to"], h["status"]) for h in history
    ] == [("period", SERVICES, None, "30 days before / 2026-08-01", OFFICE, "sent")]
    assert history[0]["message_id"] == message["Message-ID"]
    shown = ok(T("remind", "--history"))
    assert f"period {SERVICES}" in shown and "30 days before / 2026-08-01" in shown
    log = as_json(T("log", "--json"))
    assert [e["action"] for e in log].count("reminder.sent") == 1
    assert ok(T("check")).startswith("ok: ")


def test_each_stage_goes_on_its_day_and_none_once_it_has_begun(council, mail):
    sent = []
    for day in ("2026-07-02", "2026-07-18", "2026-07-25", "2026-07-31", "2026-08-01"):
        assert ok(remind("--send", today=day, env=mail.env())) == "sent 1 message (1 reminder)\n"
        sent.append(mail.received()[-1]["Subject"])
    assert sent[-1] == "1 period starting today: Pat Lee"
    stages = [parts(m)[0] for m in mail.received()]
    names = ("30 days before", "14 days before", "7 days before", "1 day before", "on the day")
    for text, stage in zip(stages, names, strict=True):
        assert f"Pat Lee, from 2026-08-01 until 2026-10-26: {stage}" in text
    # begun: not the day after, nor the clerk's first working day after (Tuesday
    # August 4, the Monday being the Civic Holiday), nor ever again
    for day in ("2026-08-02", "2026-08-04", "2026-09-01"):
        assert ok(remind("--send", today=day, env=mail.env())) == "nothing to send\n"
    assert len(mail.received()) == 5


def test_the_dry_run_and_its_json_tell_a_period_from_a_step(council):
    council.add(JANE)
    council.write(lambda t: t.change.set_emails(t.find.member("jane"), ["office7@toronto.ca"]))
    before = ok(T("export"))
    plan = as_json(remind("--json"))
    jane = next(d for d in plan["digests"] if d["about"] == "Jane Doe")
    assert jane["steps"] and {s["kind"] for s in jane["steps"]} == {"step"}
    (period,) = jane["periods"]
    assert period == {
        "kind": "period",
        "period": SERVICES,
        "member": "Jane Doe",
        "title": TITLE,
        "starts": "2026-08-01",
        "ends": "2026-10-26",
        "latest_end": "2026-10-26",
        "stage": "30 days before",
    }
    assert jane["subject"].endswith(", 1 period starting 2026-08-01: Jane Doe")
    pat = next(d for d in plan["digests"] if d["about"] == "Pat Lee")
    assert (pat["steps"], [p["period"] for p in pat["periods"]]) == ([], [SERVICES])
    assert all(d["about"] != "the council" or d["periods"] == [] for d in plan["digests"])
    shown = ok(remind())
    assert "Starting soon" in shown and SERVICES in shown and "2026-10-26" in shown
    assert shown.count("30 days before") >= 2
    assert ok(T("export")) == before  # a dry run writes nothing


@pytest.mark.sqlite_only
def test_the_outbox_holds_the_period_in_both_parts(council, tmp_path):
    outbox = tmp_path / "outbox"
    ok(remind("--outbox", str(outbox), today="2026-07-31", env={"TRANSITION_SMTP_FROM": SENDER}))
    (path,) = sorted(outbox.glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text, html = parts(message)
    assert "Pat Lee, from 2026-08-01 until 2026-10-26: 1 day before" in text
    assert "Pat Lee, from 2026-08-01 until 2026-10-26: 1 day before" in html
    assert ok(T("remind", "--history")) == "No reminders sent yet.\n"  # saved, not sent


def test_an_office_without_an_address_is_named_for_its_period(council):
    ok(T("member", "add", "Lee Poe", "--ward", "9"))
    said = remind()
    assert said.returncode == 0
    assert said.stderr == (
        "transition: warning: Lee Poe has 1 period to remind and no address: "
        "`transition member set 'Lee Poe' --email ADDRESS`\n"
    )
    assert as_json(remind("--json"))["unaddressed_periods"] == {"Lee Poe": 1}


def test_a_period_from_the_filing_date_waits_for_the_date(tmp_path, mail):
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    profile = tmp_path / "filing.toml"
    profile.write_text(
        text
        + """
[[periods]]
id = "campaign-period"
title = "No office resources for the campaign"
explanation = "From filing day until voting day, no office staff or budget goes to the campaign."
source = "A test policy, s. 1"
applies_to = "member"
from = "filing-date"
until = "voting-day"
"""
    )
    at = ("--today", "2026-04-01")
    ok(T("election", "add", "--year", "2026", "--profile", str(profile), *at))
    ok(T("member", "add", "Jane Doe", "--ward", "7", *at))
    ok(T("member", "set", "jane", "--running", "yes", "--email", "office7@toronto.ca", *at))

    def periods(today: str) -> list[tuple[str, str]]:
        plan = as_json(remind("--json", today=today))
        return [(p["period"], p["stage"]) for d in plan["digests"] for p in d["periods"]]

    # not known: not reminded against nomination day (August 21), the latest it can be
    assert ("campaign-period", "7 days before") not in periods("2026-08-14")
    assert all(period != "campaign-period" for period, _ in periods("2026-08-21"))
    ok(T("member", "file", "jane", "--date", "2026-06-15", "--planned", *at))
    assert periods("2026-06-08") == [("campaign-period", "7 days before")]
    ok(remind("--send", today="2026-06-08", env=mail.env()))
    (message,) = mail.received()
    body = parts(message)[0]
    assert "No office resources for the campaign" in body
    assert "Jane Doe, from 2026-06-15 until 2026-10-26: 7 days before" in body
    assert periods("2026-06-08") == []
