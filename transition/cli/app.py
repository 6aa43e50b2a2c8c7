"""The `transition` command line: parse options, call the core, show the result.

Commands stay thin; the logic lives in the core modules. Errors meant for the
user are caught once, in `main`, and printed as one line. Heavy libraries
(the database, PDF printing) are imported inside the commands that use them,
so `transition --help` and the date commands start fast.
"""

import contextlib
import errno
import functools
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from transition.cli.constraints import at_most_one, checked, needs, one_of, only_with
from transition.cli.evidence import (
    AttachOption,
    CapturedOption,
    attest_command,
    evidence_app,
    uploads,
)
from transition.cli.options import (
    DATE,
    DB_HELP,
    ELECTION_HELP,
    LARGEST_ID,
    PENDING_WARNINGS,
    TODAY_HELP,
    ByOption,
    DbOption,
    ElectionOption,
    ItemId,
    ItemIds,
    JsonOption,
    OptionalMember,
    ProfileOption,
    TodayOption,
    on_record,
    today_or_now,
    warn,
)
from transition.cli.output import emit
from transition.cli.printing import RenderCommand, export_app, render_command
from transition.cli.records import account_app, election_app, member_app
from transition.cli.reminding import RemindCommand, remind_command
from transition.cli.signing import TrustOption
from transition.cli.startup import Terminated
from transition.cli.wording import wording
from transition.errors import TransitionError, UsageError

if TYPE_CHECKING:
    from transition.store.tracker import Tracker
    from transition.store.trail.chain import Fingerprint

app = typer.Typer(
    name="transition",
    help="Election-period social media transitions for Ontario council offices: "
    "the election calendar, each member's due dates, and the rules they come from. "
    "--db, --today and --election work before the command or after it (after wins).",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help layout costs ~60 ms a call
)


def _version(value: bool) -> None:
    """--version: what a bug report needs, one line each."""
    if not value:
        return
    import platform
    import sqlite3
    from importlib.metadata import PackageNotFoundError, version

    from transition import __version__
    from transition.store.migrations import HEAD

    try:
        weasyprint = f"WeasyPrint {version('weasyprint')}"
    except PackageNotFoundError:
        weasyprint = "WeasyPrint not installed (PDFs cannot be printed)"
    typer.echo(
        f"transition {__version__}\n"
        f"database schema {HEAD}\n"
        f"Python {platform.python_version()}\n"
        f"SQLite {sqlite3.sqlite_version}\n"
        f"{weasyprint}"
    )
    raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    *,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="FILE|URL", help=DB_HELP, show_default=False),
    ] = None,
    today: Annotated[
        date | None,
        typer.Option(
            "--today", **DATE, envvar="TRANSITION_TODAY", help=TODAY_HELP, show_default=False
        ),
    ] = None,
    election: Annotated[
        str | None,
        typer.Option(
            "--election",
            metavar="NAME",
            envvar="TRANSITION_ELECTION",
            help=ELECTION_HELP,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version, the database schema it writes, and Python's, SQLite's "
            "and WeasyPrint's, then exit.",
        ),
    ] = False,
) -> None:
    """Election-period social media transitions for Ontario council offices.

    --db, --today and --election may come before the command (for every
    command that takes them) or after it; the one after it wins."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command(
    "calendar",
    cls=checked(
        one_of("year", "next_", "by_election"),
        only_with("by_election", "opens", "nomination_day", "voting_day", "bylaw_date", "name"),
        needs(
            "by_election",
            "opens",
            "nomination_day",
            "voting_day",
            why="the clerk's dates, YYYY-MM-DD",
        ),
    ),
)
def calendar_command(
    year: Annotated[
        int | None,
        typer.Argument(help="A regular election year, such as 2030.", show_default=False),
    ] = None,
    *,
    next_: Annotated[
        bool, typer.Option("--next", help="The next regular election on or after today.")
    ] = False,
    by_election: Annotated[
        bool, typer.Option("--by-election", help="A by-election from the clerk's three dates.")
    ] = False,
    opens: Annotated[
        date | None,
        typer.Option(**DATE, help="By-election: the day nominations open."),
    ] = None,
    nomination_day: Annotated[
        date | None,
        typer.Option(**DATE, help="By-election: nomination day (filing closes)."),
    ] = None,
    voting_day: Annotated[
        date | None, typer.Option(**DATE, help="By-election: voting day.")
    ] = None,
    bylaw_date: Annotated[
        date | None,
        typer.Option(
            "--bylaw-date", **DATE, help="By-election: the by-law calling it (checks the dates)."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="By-election: a name to show.")
    ] = None,
    profile: ProfileOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an election's key dates: nominations, publication cutoff, voting, term,
    and the days the clerk's office is closed while nominations are open."""
    from transition.core import calendar
    from transition.core.closures import ClosureCalendar
    from transition.core.rules import load_profile
    from transition.store.holiday_cache import cached_holidays

    rules = load_profile(profile)
    closures = ClosureCalendar(rules.closures, cached_holidays)
    if by_election:  # Click checked that the clerk's three dates came with it
        assert opens and nomination_day and voting_day
        election = calendar.by_election(
            opens, nomination_day, voting_day, name, closures=closures, bylaw_date=bylaw_date
        )
        from transition.core.periods import check

        check(rules.periods, election)
        warn(*election.pattern_warnings())
    elif next_:
        election = calendar.next_regular_election(today_or_now(today), closures)
    else:  # ...or a YEAR, the one choice left
        assert year is not None
        election = calendar.regular_election(year, closures)

    from transition.cli.views import calendar_payload, show_calendar

    payload = calendar_payload(election, rules)
    emit(
        payload,
        as_json=as_json,
        human=lambda out: show_calendar(out, election, payload["periods"]),
    )


@app.command("rules", cls=checked(at_most_one("list_", "profile")))
def rules_command(
    *,
    list_: Annotated[
        bool,
        typer.Option("--list", help="Name the profiles that ship with transition, and stop."),
    ] = False,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the profile's dated steps, periods and standing reminders, with their sources."""
    from transition.cli.views import profile_payload, show_profile, show_profiles
    from transition.core.calendar import next_regular_election, toronto_today
    from transition.core.closures import ClosureCalendar
    from transition.core.rules import built_in_profiles, load_profile
    from transition.store.holiday_cache import cached_holidays

    if list_:
        rows = [
            {
                "name": name,
                "id": found.id,
                "municipality": found.municipality,
                "title": found.name,
                "source": found.source,
                "steps": len(found.steps),
                "periods": len(found.periods),
                "leaves_out": found.leaves_out,
            }
            for name, found in built_in_profiles()
        ]
        emit(rows, as_json=as_json, human=lambda out: show_profiles(out, rows))
        return
    loaded = load_profile(profile)
    year = next_regular_election(toronto_today()).year
    ClosureCalendar(loaded.closures, cached_holidays).check_known(year, str(profile or loaded.id))
    emit(profile_payload(loaded), as_json=as_json, human=lambda out: show_profile(out, loaded))


@app.command("init")
def init_command(*, db: DbOption = None) -> None:
    """Create the database (or bring it up to date) and say where it is."""
    from transition.store.backends import backend_for, locate
    from transition.store.migrations import HEAD

    location = locate(db)
    before = backend_for(location).schema_revision(location)
    on_record(db, None, lambda _: None, mode="create")
    typer.echo(f"the database at {location} {_became(before)} (schema {HEAD})")


@app.command("upgrade")
def upgrade_command(
    *,
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm",
            help="PostgreSQL: upgrade the shared database now (take a pg_dump first).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Bring the database's tables up to this version of transition.

    A SQLite file is upgraded by any command, after a backup beside it; a
    shared PostgreSQL database only by its administrator, with --confirm."""
    from transition.store.backends import backend_for, locate
    from transition.store.migrations import HEAD

    location = locate(db)
    before = backend_for(location).schema_revision(location)
    # Without --confirm a shared database behind this version is refused,
    # in the words every command uses.
    on_record(db, None, lambda _: None, mode="upgrade" if confirm else "read")
    typer.echo(f"the database at {location} {_became(before)} (schema {HEAD})")


def _became(before: str | None) -> str:
    from transition.store.migrations import HEAD

    if before is None:
        return "was created"
    return "is up to date" if before == HEAD else f"was upgraded from schema {before}"


@app.command("checklist")
def checklist_command(
    member: OptionalMember = None,
    *,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show items that no longer apply (superseded).")
    ] = False,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """List each member's steps with their ids, due dates and status, and the
    periods that reach them (upcoming, in force, ended)."""
    from transition.cli.views import show_checklist, show_periods
    from transition.store.listings import checklist_rows
    from transition.store.periods import period_rows

    def work(tracker: "Tracker") -> "tuple[dict[str, Any], str]":
        chosen = tracker.find.election(election)
        who = tracker.find.member(member) if member else None
        found = {
            "items": checklist_rows(tracker, chosen, who, include_superseded=show_all),
            "periods": period_rows(tracker, chosen, who),
        }
        return found, f"Checklist, {chosen.name} election, as of {tracker.today.isoformat()}"

    found, heading = on_record(db, today, work)

    def human(out: Any) -> None:
        show_checklist(out, heading, found["items"])
        show_periods(out, "Periods (both days included)", found["periods"])

    emit(found, as_json=as_json, human=human)


NoteOption = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="A note to keep with the item.")
]
EvidenceOption = Annotated[
    str | None, typer.Option("--evidence", metavar="URL", help="Where the proof is, such as a URL.")
]


@app.command("done")
def done_command(
    item_ids: ItemIds,
    *,
    by: ByOption = None,
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    attach: AttachOption = None,
    captured: CapturedOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Mark steps done (by you, today), with an optional note, evidence and files."""
    files = uploads(attach, captured, today)
    messages = on_record(
        db,
        today,
        lambda tracker: tracker.mark.done(item_ids, note, evidence, files),
        write=True,
        by=by,
    )
    typer.echo("\n".join(messages))


@app.command("reopen")
def reopen_command(
    item_ids: ItemIds,
    *,
    note: NoteOption = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Reopen steps that were marked done or waived by mistake."""
    messages = on_record(
        db, today, lambda tracker: tracker.mark.reopen(item_ids, note), write=True, by=by
    )
    typer.echo("\n".join(messages))


@app.command("note")
def note_command(
    item_ids: ItemIds,
    *,
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    attach: AttachOption = None,
    captured: CapturedOption = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Add a note, evidence or files to steps, whatever their status."""
    files = uploads(attach, captured, today)
    messages = on_record(
        db,
        today,
        lambda tracker: tracker.mark.annotate(item_ids, note, evidence, files),
        write=True,
        by=by,
    )
    typer.echo("\n".join(messages))


@app.command("assign", cls=checked(one_of("owner", "clear"), only_with("owner", "owner_email")))
def assign_command(
    item_ids: ItemIds,
    *,
    owner: Annotated[
        str | None,
        typer.Option("--to", metavar="NAME", help="Who sees the steps through."),
    ] = None,
    owner_email: Annotated[
        str | None,
        typer.Option("--email", metavar="ADDRESS", help="The owner's e-mail address."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Give the steps back to the office as a whole.")
    ] = False,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Give steps an owner (with their address), or back to the office."""
    messages = on_record(
        db,
        today,
        lambda tracker: tracker.mark.assign(item_ids, owner, owner_email),
        write=True,
        by=by,
    )
    typer.echo("\n".join(messages))


@app.command("waive")
def waive_command(
    item_id: ItemId,
    *,
    reason: Annotated[
        str,
        typer.Option("--reason", metavar="TEXT", help="Why the step does not need doing."),
    ],
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Waive a step that does not apply, with the reason on the record."""
    message = on_record(
        db, today, lambda tracker: tracker.mark.waive(item_id, reason), write=True, by=by
    )
    typer.echo(message)


@app.command("status")
def status_command(
    *,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only members with overdue steps.")
    ] = False,
    due_within: Annotated[
        int | None,
        typer.Option(
            "--due-within",
            min=0,
            max=3660,
            help="Only members with a step due within DAYS.",
            metavar="DAYS",
        ),
    ] = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """The council at a glance: one row per member, with counts and the next step due."""
    from transition.cli.views import show_status
    from transition.store.listings import status_rows

    def work(tracker: "Tracker") -> "tuple[list[dict[str, Any]], str]":
        chosen = tracker.find.election(election)
        rows = status_rows(tracker, chosen, overdue, due_within)
        return rows, f"Council status, {chosen.name} election, as of {tracker.today.isoformat()}"

    rows, heading = on_record(db, today, work)
    emit(rows, as_json=as_json, human=lambda out: show_status(out, heading, rows))


@app.command("log")
def log_command(
    member: OptionalMember = None,
    *,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, max=LARGEST_ID, metavar="N", help="Show only the newest N."),
    ] = None,
    row_events: Annotated[
        bool,
        typer.Option(
            "--rows",
            help="Show also the row events the database wrote for transition's own changes.",
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The audit trail: every change, who made it and when, newest first;
    rows changed by any writer outside transition are always shown."""
    from transition.cli.views import show_log
    from transition.store.listings import log_rows

    def work(tracker: "Tracker") -> "list[dict[str, Any]]":
        found = tracker.find.member(member) if member else None
        return log_rows(tracker, found, limit, rows=row_events)

    rows = on_record(db, None, work)
    emit(rows, as_json=as_json, human=lambda out: show_log(out, rows))


@app.command("check")
def check_command(*, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the database: SQLite's integrity, and that the records and audit trail agree."""
    from transition.store.trail.integrity import doubts, problems

    def work(tracker: "Tracker") -> "tuple[list[str], dict[str, int], list[str]]":
        found, checked = problems(tracker)
        return found, checked, doubts(tracker) if checked else []

    found, checked, doubtful = on_record(db, None, work, mode="inspect")
    counts = ", ".join(f"{n} {what}" for what, n in checked.items())
    report = "\n".join([*found, *(f"warning: {d}" for d in doubtful)])
    report = report or f"ok: checked {counts}"
    if doubtful and not found:
        report += f"\nok otherwise: checked {counts}"
    payload = {"ok": not found, "problems": found, "warnings": doubtful, "checked": checked}
    emit(payload, as_json=as_json, human=lambda out: out.print(report, markup=False))
    if found:
        where = f" in {counts}" if counts else ""
        raise TransitionError(f"check found {len(found)} problem(s){where}; see above")


@app.command("fingerprint")
def fingerprint_command(
    *,
    anchor: Annotated[
        bool,
        typer.Option(
            "--anchor",
            help="Trust the record as it now is, though this machine saw another trail.",
        ),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the record's fingerprint: its number of events, the head of their
    hash chain and the digest of its contents (COUNT-HEX-HEX), as the sign-off
    sheet prints it."""
    from transition.store.trail.integrity import fingerprint

    def work(tracker: "Tracker") -> "Fingerprint":
        tracker.anchor = anchor
        return fingerprint(tracker)

    found = on_record(db, None, work)
    if as_json:
        emit(found.payload(), as_json=True, human=lambda out: None)
    else:
        typer.echo(str(found))


@app.command("verify")
def verify_command(
    fingerprint: Annotated[
        str,
        typer.Argument(
            help=(
                "A fingerprint, such as 412-9f86d081884c7d65-2c26b46b68ffc68f, "
                "from a sign-off sheet; or the sheet itself, a signed PDF."
            ),
            metavar="FINGERPRINT|SHEET.pdf",
        ),
    ],
    *,
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            metavar="NAME",
            help="The sheet's member: fail if anything of theirs changed since.",
        ),
    ] = None,
    trust: TrustOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Say whether the record still contains, unchanged, the record a fingerprint
    pinned (exit 0), or name the first event that differs (exit 1). A sheet's
    fingerprint, with --member, also fails when its member's record changed.
    Given a signed sheet, also check its signature: intact, covering the whole
    file, and with --trust, by a signer chaining to that root."""
    from transition.cli.signing import check_sheet, is_sheet, verify_sheet_or_fail

    if is_sheet(fingerprint):
        if member is not None:
            raise UsageError("a sheet names its own member; give no --member with SHEET.pdf")
        found = check_sheet(
            Path(fingerprint),
            trust or [],
            lambda work: on_record(db, None, work, mode="inspect"),
        )
        emit(
            found.payload(),
            as_json=as_json,
            human=lambda out: out.print("\n".join(found.lines()), markup=False),
        )
        verify_sheet_or_fail(found)
        return
    if trust:
        raise UsageError("--trust checks a signed sheet's signer: give SHEET.pdf")
    from transition.store.trail.chain import Fingerprint
    from transition.store.trail.integrity import verify

    wanted = Fingerprint.parse(fingerprint)
    said = on_record(
        db,
        None,
        lambda tracker: verify(tracker, wanted, tracker.find.member(member) if member else None),
        mode="inspect",
    )
    if as_json:
        emit(
            {"ok": True, "fingerprint": str(wanted), "record": said},
            as_json=True,
            human=lambda out: None,
        )
    else:
        typer.echo(said)


@app.command("backup")
def backup_command(
    *,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FILE", help="The file to write the copy to.", dir_okay=False
        ),
    ],
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the database, even while others are using it."""
    from transition.store.backends import locate
    from transition.store.backends.sqlite import backup_to

    location = locate(db)
    if location.path is None:
        raise TransitionError(
            "backup copies a SQLite file; back up a PostgreSQL database with pg_dump "
            "(pg_dump -Fc), or keep its whole record with `transition export -o FILE.json` "
            "(which `transition restore` loads)"
        )
    on_record(db, None, lambda _: None)  # the file is checked (ours, current) before it is copied
    size = backup_to(location.path, output)
    typer.echo(f"backed up {location.path} to {output} ({size:,} bytes)")


@app.command("restore")
def restore_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="A whole record, as `transition export --format json` writes it.",
            dir_okay=False,
            metavar="FILE.json",
        ),
    ],
    *,
    db: DbOption = None,
) -> None:
    """Load an exported record, audit trail and all, into an empty database
    (to move an office's record between a file and the council's server)."""
    from transition.store.backends import locate
    from transition.store.transfer.restore import restore

    location = locate(db)
    counts = restore(location, file)
    summary = ", ".join(f"{n} {key}" for key, n in counts.items())
    typer.echo(f"restored {file} into {location}: {summary}")


access_app = typer.Typer(
    help="Who may change what on the council's record (PostgreSQL).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(access_app, name="access")
UserArgument = Annotated[
    str, typer.Argument(help="A PostgreSQL login role (created if missing).", metavar="USER")
]


@access_app.command("grant", cls=checked(one_of("office", "clerk", "auditor")))
def access_grant_command(
    user: UserArgument,
    *,
    office: Annotated[
        list[str] | None,
        typer.Option(
            "--office",
            metavar="MEMBER",
            help="Office staff of this member (repeat for several members).",
        ),
    ] = None,
    clerk: Annotated[
        bool, typer.Option("--clerk", help="The clerk: sees and changes everything.")
    ] = False,
    auditor: Annotated[
        bool, typer.Option("--auditor", help="The auditor: sees everything, changes nothing.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Let a login role see and change a member's record, or everything (clerk),
    or see everything (auditor); the database enforces it."""
    from transition.store.grants import grant

    kind = "office" if office else "clerk" if clerk else "auditor"

    def work(tracker: "Tracker") -> "list[str]":
        members = [tracker.find.member(name) for name in office or []]
        return grant(tracker, user, kind, members)

    said = on_record(db, None, work, write=True)
    typer.echo("\n".join(said))


@access_app.command("revoke")
def access_revoke_command(user: UserArgument, *, db: DbOption = None) -> None:
    """Take all of a login role's access to the record (the role itself stays)."""
    from transition.store.grants import revoke

    said = on_record(db, None, lambda tracker: revoke(tracker, user), write=True)
    typer.echo(said)


@access_app.command("list")
def access_list_command(*, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List who has access to the record, and as what."""
    from transition.store.grants import list_grants

    rows = on_record(db, None, list_grants)
    emit(rows, as_json=as_json, human=lambda out: _show_access(out, rows))


def _show_access(out: Any, rows: list[dict[str, Any]]) -> None:
    from transition.cli.output import table

    body = [
        (r["user"], r["role"], r["member"] or "", r["granted_at"][:10], r["granted_by"])
        for r in rows
    ]
    out.print(table("Access", ("User", "As", "Member", "Since", "Granted by"), body))


import_app = typer.Typer(
    help="Load members or accounts from a CSV file.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(import_app, name="import")
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="The file's text encoding, if not UTF-8 (such as cp1252, latin-1).",
    ),
]
CsvArgument = Annotated[
    Path,
    typer.Argument(
        help="A CSV file with a header row, its cells separated by commas, semicolons or tabs.",
        metavar="FILE.csv",
        dir_okay=False,
    ),
]


@import_app.command("members")
def import_members_command(
    file: CsvArgument,
    *,
    encoding: EncodingOption = "utf-8",
    by: ByOption = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
) -> None:
    """Members, with their candidacy in the election: name, ward, office, running, option,
    filing_date, filing (planned or actual)."""
    from transition.store.transfer.csv_import import import_members, read_members

    rows = read_members(file, encoding)  # every row checked before the write lock is taken
    message = on_record(
        db,
        today,
        lambda tracker: import_members(tracker, tracker.find.election(election), file, rows),
        write=True,
        by=by,
    )
    typer.echo(message)


@import_app.command("accounts")
def import_accounts_command(
    file: CsvArgument,
    *,
    encoding: EncodingOption = "utf-8",
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Accounts: member, platform, handle, url, role, email, phone, identifies_member,
    publicised, uses_logo, city_resources (yes or no)."""
    from transition.store.transfer.csv_import import import_accounts, read_accounts

    rows = read_accounts(file, encoding)  # every row checked before the write lock is taken
    message = on_record(
        db, today, lambda tracker: import_accounts(tracker, file, rows), write=True, by=by
    )
    typer.echo(message)


app.add_typer(election_app, name="election")
app.add_typer(member_app, name="member")
app.add_typer(account_app, name="account")
app.command("render", cls=RenderCommand)(render_command)
app.command("remind", cls=RemindCommand)(remind_command)
app.add_typer(export_app, name="export")
app.add_typer(evidence_app, name="evidence")
app.command("attest")(attest_command)


def _asks_for_help(error: Exception) -> bool:
    """Whether click refused a group given no command by showing its help
    (click 8.2 on): many lines, meant to be read whole, not folded into one.
    Known by name: Typer carries a copy of click whose classes are its own."""
    return any(kind.__name__ == "NoArgsIsHelpError" for kind in type(error).__mro__)


def main(argv: list[str] | None = None) -> None:
    """The console script: run the app and turn every user error into one line.
    Interrupted (Ctrl-C, or SIGTERM) means not done: exit 130 (143), nothing
    committed, nothing on standard error."""
    command = _command()
    args = sys.argv[1:] if argv is None else list(argv)
    stdout = sys.stdout
    try:
        _check_text(args)
        status = _run(command, args)
        warn(*PENDING_WARNINGS)
        sys.stdout.flush()
    except typer.TyperException as error:
        if _asks_for_help(error):
            # A command group given no command: its help, as click shows it.
            sys.stderr.write(error.format_message().rstrip("\n") + "\n")
            sys.exit(error.exit_code)
        # click's usage errors (exit 2) and other refusals, as one line.
        ctx = getattr(error, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _fail(error.format_message() + hint, error.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _quit(130)
    except Terminated:
        _quit(143)
    except TransitionError as error:
        _fail(wording(error), error.exit_code)
    except BrokenPipeError:
        # The reader (say, `| head`) went away; nothing left to say to it.
        _quit(0)
    except SystemExit:
        # click met the broken pipe first: it swaps in a wrapped standard
        # output and exits 1; the reader left, so there was no error.
        if sys.stdout is not stdout:
            _quit(0)
        raise
    except OSError as error:
        if error.errno == errno.ENOSPC or _is_stdout(error):
            _fail(f"cannot write the output: {error.strerror or error}", 1)
        raise
    sys.exit(status if isinstance(status, int) else 0)


@functools.cache
def _command() -> Any:
    """The click command typer builds from the app: once a process, since a
    program that runs several commands (the tests do) need not build it again."""
    return typer.main.get_command(app)


def _is_stdout(error: OSError) -> bool:
    return getattr(error, "filename", None) is None and error.errno in (errno.EIO, errno.ENOSPC)


def _quit(status: int) -> None:
    """Leave at once and quietly: standard output may be a closed pipe, whose
    flush at exit would only print a warning."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(status)


def _run(command: Any, args: list[str]) -> Any:
    PENDING_WARNINGS.clear()
    return command.main(args=args, prog_name="transition", standalone_mode=False)


def _check_text(args: list[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which no
    database, file or terminal can take: refuse them before anything runs."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"argument {position} is not valid UTF-8 text; retype it") from None


def _fail(message: str, status: int) -> None:
    from transition.cli.output import printable
    from transition.store.backends.postgres import redact

    line = printable(redact(" ".join(message.split())))
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    sys.stderr.write(f"transition: error: {line}\n")
    sys.exit(status)
