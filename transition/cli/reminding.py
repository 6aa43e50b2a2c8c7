"""`transition remind`: each office's digest of the steps coming due or
overdue and the periods about to start, shown (the default), saved as .eml
files, or sent, once each."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from transition.cli.constraints import at_most_one, checked
from transition.cli.options import (
    DbOption,
    ElectionOption,
    JsonOption,
    OptionalMember,
    TodayOption,
    on_record,
    opened_record,
    today_or_now,
    warn,
)
from transition.cli.output import emit, table
from transition.errors import TransitionError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from transition.documents.mail import Letterhead
    from transition.store.reminders import Digest, Plan
    from transition.store.tracker import Tracker

#: `remind` shows, saves or sends: one at a time, or the history instead.
RemindCommand = checked(at_most_one("send", "outbox", "history"))


def remind_command(
    member: OptionalMember = None,
    *,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Send them (TRANSITION_SMTP_URL, TRANSITION_SMTP_FROM, TRANSITION_SMTP_PASSWORD).",
        ),
    ] = False,
    outbox: Annotated[
        Path | None,
        typer.Option(
            "--outbox",
            metavar="FOLDER",
            help="Save each message as an .eml file there instead (nothing is recorded as sent).",
        ),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="List the reminders sent (MEMBER's only, if given).")
    ] = False,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each office's digest of its steps coming due or overdue and its periods
    about to start, and the clerk's of the council's overdue steps: shown
    (nothing is sent), saved with --outbox, or sent with --send; each
    reminder goes once."""
    if history:
        _history(member, db, today, as_json)
        return
    sender = _sender(sending=send)
    if send:
        _send(member, db, election, today, sender, as_json)
        return

    def work(tracker: Tracker) -> tuple[Plan, Letterhead]:
        return _plan(tracker, election, member, sender)

    plan, head = on_record(db, today, work)
    day = today_or_now(today)
    _warn_unaddressed(plan)
    if outbox is not None:
        written = _save(plan, head, outbox, day)
        emit(
            [str(path) for path in written],
            as_json=as_json,
            human=lambda out: out.print("\n".join(map(str, written)) or "nothing to remind"),
        )
        return
    rows = [_digest_row(digest, day) for digest in plan.digests]
    emit(
        {
            "today": day.isoformat(),
            "digests": rows,
            "unaddressed": plan.unaddressed,
            "unaddressed_periods": plan.unaddressed_periods,
        },
        as_json=as_json,
        human=lambda out: _show_plan(out, rows, day),
    )


def _sender(*, sending: bool) -> str:
    from transition.documents.mail import sender_address

    return sender_address(os.environ.get("TRANSITION_SMTP_FROM"), sending=sending)


def _plan(
    tracker: Tracker, election: str | None, member: str | None, sender: str
) -> tuple[Plan, Letterhead]:
    from transition.core.calendar import TORONTO
    from transition.documents.mail import Letterhead
    from transition.store.reminders import plan

    chosen = tracker.find.election(election)
    who = tracker.find.member(member) if member else None
    profile = tracker.find.profile(chosen)
    head = Letterhead(
        sender=sender,
        election=chosen.name,
        now=datetime.now(TORONTO),
        explanations={step.id: step.explanation for step in profile.steps},
    )
    return plan(tracker, chosen, who), head


def _warn_unaddressed(plan: Plan) -> None:
    names = sorted({*plan.unaddressed, *plan.unaddressed_periods})
    warn(
        *(
            f"{name} has {_what(plan, name)} to remind and no address: "
            f"`transition member set {name!r} --email ADDRESS`"
            for name in names
        )
    )


def _what(plan: Plan, name: str) -> str:
    """ "2 steps", "1 period", "1 step and 1 period"."""
    counts = [
        (plan.unaddressed.get(name, 0), "step"),
        (plan.unaddressed_periods.get(name, 0), "period"),
    ]
    return " and ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n)


def _digest_row(digest: Digest, today: date) -> dict[str, Any]:
    from transition.documents.mail import subject

    return {
        "to": digest.to,
        "cc": list(digest.cc),
        "heard_as": digest.heard_as,
        "about": digest.about,
        "subject": subject(digest, today),
        "steps": [
            {
                "kind": "step",
                "item": notice.item_id,
                "member": notice.member,
                "title": notice.entry["title"],
                "account": notice.entry["account"],
                "due": notice.entry["due"],
                "latest": notice.entry["latest"],
                "stage": notice.stage.name,
                "overdue": notice.stage.overdue,
            }
            for notice in digest.notices
        ],
        "periods": [
            {
                "kind": "period",
                "period": starting.entry["period"],
                "member": starting.member,
                "title": starting.entry["title"],
                "starts": starting.entry["starts"],
                "ends": starting.entry["ends"],
                "latest_end": starting.entry["latest_end"],
                "stage": starting.stage.name,
            }
            for starting in digest.periods
        ],
    }


def _show_plan(out: Console, rows: list[dict[str, Any]], today: date) -> None:
    from transition.core.terms import due_text

    if not rows:
        out.print(f"Nothing to remind on {today.isoformat()}.", markup=False)
        return
    out.print(
        f"Reminders on {today.isoformat()}, not sent (--send sends them, "
        "--outbox FOLDER saves them):",
        markup=False,
    )
    for row in rows:
        copied = f", cc {', '.join(row['cc'])}" if row["cc"] else ""
        out.print(f"\nto {row['to']} ({row['heard_as']}){copied}", markup=False)
        out.print(f"subject: {row['subject']}", markup=False)
        body = [
            (
                step["item"],
                step["member"],
                step["title"] + (f" ({step['account']})" if step["account"] else ""),
                due_text(step["due"], step["latest"]),
                step["stage"],
            )
            for step in row["steps"]
        ]
        if body:
            out.print(table(None, ("ID", "Member", "Step", "Due", "Reminder"), body))
        starting = [
            (
                period["period"],
                period["member"],
                period["title"],
                period["starts"],
                period["ends"] or f"on filing, by {period['latest_end']}",
                period["stage"],
            )
            for period in row["periods"]
        ]
        if starting:
            columns = ("Period", "Member", "Title", "From", "Until", "Reminder")
            out.print(table("Starting soon", columns, starting))


def _save(plan: Plan, head: Letterhead, folder: Path, today: date) -> list[Path]:
    """Each digest as an .eml file, numbered in the plan's order."""
    from transition.documents.mail import compose, new_message_id
    from transition.files import write_atomically

    if not str(folder).strip():
        raise UsageError("--outbox needs a folder")
    if folder.exists() and not folder.is_dir():
        raise TransitionError(f"{folder} is a file; --outbox takes a folder")
    if not folder.parent.is_dir():
        raise TransitionError(f"the folder {folder.parent} does not exist; create it first")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise TransitionError(f"cannot make the folder {folder}: {error.strerror}") from None
    written = []
    for number, digest in enumerate(plan.digests, start=1):
        message = compose(digest, head, new_message_id(head.sender), today)
        words = "".join(c if c.isascii() and c.isalnum() else " " for c in digest.about)
        name = "-".join([*words.lower().split(), digest.to.replace("@", "-at-")])
        path = folder / f"{number:03d}-{name}.eml"
        try:
            write_atomically(path, message.as_bytes(), private=True)
        except OSError as error:
            raise TransitionError(f"cannot write {path}: {error.strerror}") from None
        written.append(path)
    return written


def _send(
    member: str | None,
    db: str | None,
    election: str | None,
    today: date | None,
    sender: str,
    as_json: bool,
) -> None:
    """Claim each digest, send it, record what the server said: message by message."""
    import smtplib

    from transition.documents.mail import compose, new_message_id
    from transition.documents.smtp import Connection, server_from
    from transition.store.reminders import claim, confirm

    server = server_from(
        os.environ.get("TRANSITION_SMTP_URL"), os.environ.get("TRANSITION_SMTP_PASSWORD")
    )
    day = today_or_now(today)
    sent: list[dict[str, Any]] = []
    failed: list[str] = []
    left = 0
    with opened_record(db, today, write=True) as record:
        plan, head = record.transaction(lambda tracker: _plan(tracker, election, member, sender))
        _warn_unaddressed(plan)
        if plan.digests:
            with Connection(server) as connection:
                for number, digest in enumerate(plan.digests):
                    message_id = new_message_id(sender)
                    mine = record.transaction(lambda t, d=digest, m=message_id: claim(t, d, m))
                    if not mine:
                        continue  # another run claimed it meanwhile
                    try:
                        message = compose(mine[0], head, message_id, day)
                    except (ValueError, TypeError) as problem:  # what the headers refuse
                        reason = f"the message could not be written: {problem}"
                        record.transaction(
                            lambda t, d=mine[0], m=message_id, r=reason: confirm(t, d, m, r)
                        )
                        failed.append(f"{digest.to}: {reason}")
                        continue
                    try:
                        error = connection.send(message)
                    except smtplib.SMTPServerDisconnected as lost:
                        reason = str(lost) or "the server closed the connection"
                        record.transaction(
                            lambda t, d=mine[0], m=message_id, r=reason: confirm(t, d, m, r)
                        )
                        failed.append(f"{digest.to}: {reason}")
                        left = len(plan.digests) - number - 1
                        break
                    record.transaction(
                        lambda t, d=mine[0], m=message_id, e=error: confirm(t, d, m, e)
                    )
                    if error:
                        failed.append(f"{digest.to}: {error}")
                    else:
                        sent.append(_digest_row(mine[0], day) | {"message_id": message_id})
    _report(sent, failed, left, as_json)


def _report(sent: list[dict[str, Any]], failed: list[str], left: int, as_json: bool) -> None:
    steps = sum(len(row["steps"]) + len(row["periods"]) for row in sent)
    said = (
        f"sent {len(sent)} message{'s' if len(sent) != 1 else ''} "
        f"({steps} reminder{'s' if steps != 1 else ''})"
        if sent or failed
        else "nothing to send"
    )
    emit(
        {"sent": sent, "failed": failed, "left": left},
        as_json=as_json,
        human=lambda out: out.print(said, markup=False),
    )
    if failed:
        count = f"{len(failed)} message{'s' if len(failed) != 1 else ''} not sent"
        later = f" (and {left} not tried: the connection was lost)" if left else ""
        raise TransitionError(f"{count}{later}, left for the next run: " + "; ".join(failed))


def _history(member: str | None, db: str | None, today: date | None, as_json: bool) -> None:
    from transition.store.reminders import history

    def work(tracker: Tracker) -> list[dict[str, Any]]:
        return history(tracker, tracker.find.member(member) if member else None)

    rows = on_record(db, today, work)

    def human(out: Console) -> None:
        if not rows:
            out.print("No reminders sent yet.", markup=False)
            return
        body = [
            (
                row["claimed_at"],
                row["item"] if row["kind"] == "step" else f"period {row['period']}",
                row["member"],
                row["stage"],
                row["to"],
                row["status"],
            )
            for row in rows
        ]
        columns = ("When (Toronto)", "Item", "Member", "Reminder", "To", "Status")
        out.print(table("Reminders", columns, body))

    emit(rows, as_json=as_json, human=human)
