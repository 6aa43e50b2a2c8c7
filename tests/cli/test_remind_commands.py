"""`transition remind`: each office's digest, shown, saved as .eml files, or
sent through a real SMTP server (aiosmtpd, STARTTLS and a login), once
each, on both databases."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from conftest import SCRIPT, as_json, invoke_transition, ok
from harness.council import JANE, Council
from mail_server import PASSWORD, SENDER, free_port, running_mail_server

T = invoke_transition
OFFICE = ("office7@toronto.ca", "jane.doe@toronto.ca")
CLERK = "clerk@toronto.ca"
WEEK_BEFORE = "2030-04-24"  # 7 days before the publication cutoff, May 1
OVERDUE_2 = "2030-05-03"  # the second working day after it

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def council(copies):
    council = Council(os.environ["TRANSITION_DB"], today=date(2030, 4, 1))
    copies.once("Jane's council", lambda: council.add(JANE))
    return council


@pytest.fixture
def addressed(council, copies):
    def build() -> None:
        council.write(lambda t: t.change.set_emails(t.find.member("jane"), list(OFFICE)))
        council.write(lambda t: t.change.set_clerk_email(t.find.election(), CLERK))

    copies.once("Jane's council, addressed", build)
    return council


@pytest.fixture
def mail(tmp_path):
    with running_mail_server(tmp_path) as server:
        yield server


def remind(*args: str, today: str = WEEK_BEFORE, env: dict | None = None):
    return T("remind", *args, "--today", today, env=env)


def test_without_an_address_nothing_is_reminded_and_the_office_is_named(council):
    said = remind()
    assert said.returncode == 0
    assert said.stdout == f"Nothing to remind on {WEEK_BEFORE}.\n"
    assert said.stderr == (
        "transition: warning: Jane Doe has 1 step to remind and no address: "
        "`transition member set 'Jane Doe' --email ADDRESS`\n"
    )


def test_a_dry_run_shows_each_addresss_digest_and_records_nothing(addressed):
    before = ok(T("export"))
    shown = ok(remind())
    assert "not sent (--send sends them, --outbox FOLDER saves them)" in shown
    assert "to office7@toronto.ca (office)" in shown and "to jane.doe@toronto.ca (office)" in shown
    assert shown.count("subject: 1 step due this week: Jane Doe") == 2
    plan = as_json(remind("--json"))
    assert plan["today"] == WEEK_BEFORE and plan["unaddressed"] == {}
    assert [(d["to"], d["cc"], d["about"]) for d in plan["digests"]] == [
        ("jane.doe@toronto.ca", [], "Jane Doe"),
        ("office7@toronto.ca", [], "Jane Doe"),
    ]
    (step,) = plan["digests"][0]["steps"]
    assert (step["item"], step["stage"], step["due"], step["overdue"]) == (
        1,
        "7 days before",
        "2030-05-01",
        0,
    )
    assert ok(T("export")) == before  # a dry run writes nothing


def test_a_step_overdue_long_enough_copies_the_clerk_who_hears_of_the_whole_council(addressed):
    plan = as_json(remind("--json", today=OVERDUE_2))
    first, second, clerk = plan["digests"]
    copied = {d["to"]: d["cc"] for d in (first, second)}
    assert copied == {OFFICE[0]: [CLERK], OFFICE[1]: []}  # once a member: the first address
    office = first if first["to"] == OFFICE[0] else second
    assert office["subject"] == "1 step overdue: Jane Doe"
    assert office["steps"][0]["stage"] == "overdue, working day 2"
    assert (clerk["to"], clerk["heard_as"], clerk["about"]) == (CLERK, "clerk", "the council")
    the_day_before = as_json(remind("--json", today="2030-05-02"))["digests"]
    assert all(d["cc"] == [] for d in the_day_before)  # working day 1: not yet


def test_an_owner_hears_of_their_steps_instead_of_the_office(addressed):
    ok(T("assign", "1", "--to", "Sam Staff", "--email", "sam@example.org"))
    plan = as_json(remind("--json"))
    assert [(d["to"], d["heard_as"]) for d in plan["digests"]] == [("sam@example.org", "owner")]


@pytest.mark.sqlite_only
def test_the_outbox_holds_messages_a_mail_program_opens(addressed, tmp_path):
    outbox = tmp_path / "outbox"
    written = ok(
        remind("--outbox", str(outbox), today=OVERDUE_2, env={"TRANSITION_SMTP_FROM": SENDER})
    )
    paths = sorted(outbox.glob("*.eml"))
    assert [str(p) for p in paths] == sorted(written.split())
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths
    ]
    office = next(m for m in messages if m["To"] == "office7@toronto.ca")
    assert office["From"] == SENDER and office["Cc"] == CLERK
    assert office["Subject"] == "1 step overdue: Jane Doe"
    assert office["Auto-Submitted"] == "auto-generated"
    assert office["Message-ID"].endswith("@example.org>")
    sent = office["Date"].datetime  # when it was composed, in Toronto's time
    assert sent.utcoffset() == sent.astimezone(ZoneInfo("America/Toronto")).utcoffset()
    text = office.get_body(("plain",)).get_content()
    html = office.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Stop publications that show the account&#39;s handle" in part or (
            "Stop publications that show the account's handle" in part
        )
        assert "transition done 1" in part and "overdue, working day 2" in part
        assert "para 19b" in part
    assert "<code>transition done 1 --evidence URL</code>" in html
    clerk = next(m for m in messages if m["To"] == CLERK)
    assert clerk["Subject"] == "1 step overdue: the council"
    assert ok(T("remind", "--history")) == "No reminders sent yet.\n"  # saved, not sent


def test_sent_once_however_often_it_runs(addressed, mail):
    said = ok(remind("--send", env=mail.env()))
    assert said == "sent 2 messages (2 reminders)\n"
    received = mail.received()
    assert sorted(m["To"] for m in received) == sorted(OFFICE)
    assert all(m["From"] == SENDER and m["Auto-Submitted"] == "auto-generated" for m in received)
    assert ok(remind("--send", env=mail.env())) == "nothing to send\n"
    assert len(mail.received()) == 2
    history = as_json(T("remind", "--history", "--json"))
    assert {(h["to"], h["status"], h["stage"]) for h in history} == {
        (address, "sent", "7 days before / 2030-05-01") for address in OFFICE
    }
    assert {h["message_id"] for h in history} == {m["Message-ID"] for m in received}
    log = as_json(T("log", "--json"))
    assert [e["action"] for e in log].count("reminder.sent") == 2
    # the next stage is new: the day itself
    assert (
        ok(remind("--send", today="2030-05-01", env=mail.env()))
        == "sent 2 messages (2 reminders)\n"
    )
    assert ok(T("check")).startswith("ok: ")


def test_a_step_done_gets_no_more_reminders(addressed, mail):
    ok(T("done", "1", "--today", WEEK_BEFORE))
    assert ok(remind("--send", env=mail.env())) == "nothing to send\n"
    assert mail.received() == []


def test_a_step_whose_date_moves_is_reminded_on_its_new_schedule(addressed):
    filing_steps = {
        row["id"]
        for row in as_json(T("checklist", "--json", "--today", "2030-04-01"))["items"]
        if row["due"] is None
    }
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-01"))
    plan = as_json(remind("--json", today="2030-04-29"))  # 7 days before the filing date
    stages = {(s["item"], s["stage"]) for d in plan["digests"] for s in d["steps"]}
    assert {(item, "7 days before") for item in filing_steps} <= stages


def test_a_refused_recipient_is_one_line_and_goes_out_on_the_next_run(addressed, mail):
    mail.refuse = {"jane.doe@toronto.ca"}
    said = remind("--send", env=mail.env())
    assert said.returncode == 1 and said.stdout == "sent 1 message (1 reminder)\n"
    assert said.stderr.count("\n") == 1
    assert said.stderr.startswith("transition: error: 1 message not sent, left for the next run: ")
    assert "jane.doe@toronto.ca: the server refused the recipient" in said.stderr
    mail.refuse = set()
    assert ok(remind("--send", env=mail.env())) == "sent 1 message (1 reminder)\n"
    assert sorted(m["To"] for m in mail.received()) == sorted(OFFICE)


def test_a_connection_dropped_mid_run_leaves_the_rest_for_the_next(addressed, mail):
    mail.drop_at = 1
    said = remind("--send", env=mail.env())
    assert said.returncode == 1
    assert "1 message not sent (and 1 not tried: the connection was lost)" in said.stderr
    assert mail.received() == []
    assert ok(remind("--send", env=mail.env())) == "sent 2 messages (2 reminders)\n"
    assert len(mail.received()) == 2


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"TRANSITION_SMTP_URL": f"smtp://office@127.0.0.1:{free_port()}"},
            "cannot reach the mail server 127.0.0.1:",
        ),
        (
            {"TRANSITION_SMTP_PASSWORD": "wrong-secret-9"},
            "the mail server 127.0.0.1 refused the login of office; check TRANSITION_SMTP_PASSWORD",
        ),
        ({"TRANSITION_SMTP_URL": ""}, "set TRANSITION_SMTP_URL to send"),
        (
            {"TRANSITION_SMTP_PASSWORD": ""},
            "office logs in to 127.0.0.1: set TRANSITION_SMTP_PASSWORD",
        ),
        ({"TRANSITION_SMTP_URL": "http://mail.example.org"}, "is not smtp://HOST[:PORT]"),
        (
            {"TRANSITION_SMTP_URL": f"smtp://office:{PASSWORD}@127.0.0.1:25"},
            "holds a password; give it in TRANSITION_SMTP_PASSWORD",
        ),
        ({"TRANSITION_SMTP_URL": "smtp://[::1"}, "is not smtp://HOST[:PORT]"),
        ({"TRANSITION_SMTP_URL": "smtp://127.0.0.1:99999"}, "is not a number from 1 to 65535"),
        ({"TRANSITION_SMTP_FROM": ""}, "set TRANSITION_SMTP_FROM to the address"),
        ({"TRANSITION_SMTP_FROM": "Öffice <o@exämple.org>"}, "is not one e-mail address"),
        (
            {"TRANSITION_SMTP_FROM": "not an address"},
            "TRANSITION_SMTP_FROM 'not an address' is not one e-mail address",
        ),
    ],
)
def test_a_server_or_a_setting_that_fails_is_one_line_and_claims_nothing(
    addressed, mail, change, message
):
    said = remind("--send", env=mail.env(**change))
    assert said.returncode == 1 and said.stdout == ""
    assert said.stderr.count("\n") == 1 and message in said.stderr, said.stderr
    assert PASSWORD not in said.stderr and "wrong-secret-9" not in said.stderr
    assert as_json(T("remind", "--history", "--json")) == []
    assert mail.received() == []


def test_two_senders_at_once_send_each_message_once(addressed, mail):
    env = {**os.environ, **mail.env(), "TRANSITION_TODAY": OVERDUE_2}
    runs = [
        subprocess.Popen(
            [SCRIPT, "remind", "--send"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    received = mail.received()
    assert sorted(m["To"] for m in received) == sorted([*OFFICE, CLERK])
    assert len({m["Message-ID"] for m in received}) == 3


def test_the_password_never_reaches_the_version_or_an_error(addressed, mail):
    version = T("--version", env=mail.env())
    assert version.returncode == 0 and PASSWORD not in version.stdout + version.stderr


@pytest.mark.sqlite_only
def test_the_rules_say_when_steps_are_reminded(council):
    said = ok(T("rules"))
    assert (
        "Reminded by e-mail (transition remind): 30, 14, 7 and 1 days before a step is due, "
        "on the day, every working day while it is overdue; the clerk is copied from 2 "
        "working days overdue."
    ) in " ".join(said.split())
    assert as_json(T("rules", "--json"))["remind"] == {
        "days_before": [30, 14, 7, 1],
        "on_the_day": True,
        "while_overdue": True,
        "copy_clerk_after": 2,
    }


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("/proc/nope", "cannot make the folder /proc/nope"),
        ("a/b/c", "the folder a/b does not exist"),
    ],
)
def test_an_outbox_that_cannot_be_made_is_one_line(addressed, folder, message):
    said = remind("--outbox", folder)
    assert said.returncode == 1 and said.stdout == ""
    assert said.stderr.count("\n") == 1 and message in said.stderr


@pytest.mark.sqlite_only
def test_the_rules_sentence_names_a_steps_own_days_and_a_clerk_never_copied(council):
    import tomllib
    from importlib import resources

    from transition.cli.views import remind_sentence
    from transition.core.rules import parse_profile

    shipped = resources.files("transition.core") / "profiles" / "toronto-2016.toml"
    data = tomllib.loads(shipped.read_text())
    data["steps"][0]["remind_days_before"] = [60, 3]
    data["remind"] = {"days_before": [10, 2], "copy_clerk_after": 0}
    said = remind_sentence(parse_profile(data))
    assert said.startswith("10 and 2 days before a step is due, on the day")
    assert "; the clerk is never copied;" in said
    assert f"on days of their own (instead): {data['steps'][0]['id']} 60 and 3 days before." in said


def test_the_server_named_to_send_through_shows_no_password():
    from transition.documents.smtp import server_from

    server = server_from("smtp://office@mail.example.org:587", "s3cret-pass")
    assert "s3cret-pass" not in repr(server) + str(server)
    assert server.password == "s3cret-pass"
