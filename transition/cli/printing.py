"""The commands that write files: printed documents, calendar feeds, exports.

Jinja2, WeasyPrint, pikepdf and pypdf are imported inside these commands only.
"""

import io
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from transition.cli.constraints import at_most_one, checked, one_of, only_with
from transition.cli.options import (
    DbOption,
    ElectionOption,
    MemberCompletion,
    TodayOption,
    on_record,
)
from transition.cli.signing import SignOption, require_signable, signing_step
from transition.documents import FORMATS, PER_MEMBER, Format, Kind
from transition.errors import UsageError
from transition.files import save

if TYPE_CHECKING:
    from transition.documents.html import Document, PrintJob
    from transition.store.tracker import Tracker

OutputFile = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help="Write to FILE instead of standard output.",
        dir_okay=False,
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every member with steps.")]

export_app = typer.Typer(
    help="Export the whole database (JSON or CSV), or due dates as a calendar (ics).",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@export_app.callback()
def export_command(
    ctx: typer.Context,
    *,
    export_format: Annotated[
        Literal["json", "csv"],
        typer.Option(
            "--format",
            metavar="json|csv",
            help="json (everything, for backup and restore) or csv (one row per step).",
        ),
    ] = "json",
    output: OutputFile = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Export the whole database as JSON or CSV, to move or keep a copy."""
    if ctx.invoked_subcommand is not None:
        return
    from transition.store.transfer.export import SPREADSHEET_MARK, export_text

    text = on_record(db, today, lambda tracker: export_text(tracker, export_format))
    if export_format == "csv" and _to_a_file(output):
        text = SPREADSHEET_MARK + text
    # The whole record holds emails and phones: its owner's alone.
    _deliver(text, output, private=export_format == "json")


@export_app.command("ics", cls=checked(one_of("member", "all_members")))
def export_ics_command(
    member: Annotated[
        str | None,
        typer.Argument(
            help="One member's due dates.",
            metavar="[MEMBER]",
            autocompletion=MemberCompletion,
            show_default=False,
        ),
    ] = None,
    *,
    all_members: AllOption = False,
    output: OutputFile = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
) -> None:
    """Due dates and the election's key dates as an iCalendar file, with alarms."""
    from transition.documents.content import members_on_paper
    from transition.documents.ics import calendar_feed

    def work(tracker: "Tracker") -> bytes:
        chosen = tracker.find.election(election)
        members = [tracker.find.member(member)] if member else members_on_paper(tracker, chosen)
        return calendar_feed(tracker, chosen, members)

    feed = on_record(db, today, work)
    _deliver(feed, output)


#: What `render` checks as it parses; the rest depends on what is printed.
RenderCommand = checked(at_most_one("member", "all_members"), only_with("all_members", "combined"))


def render_command(
    kind: Annotated[
        Kind,
        typer.Argument(
            metavar="checklist|reminders|overview|signoff",
            help="What to print.",
            show_default=False,
        ),
    ],
    member: Annotated[
        str | None,
        typer.Argument(
            help="The member (checklist, signoff, reminders).",
            metavar="[MEMBER]",
            autocompletion=MemberCompletion,
            show_default=False,
        ),
    ] = None,
    *,
    all_members: AllOption = False,
    combined: Annotated[
        bool, typer.Option("--combined", help="With --all: one file for everyone, not one each.")
    ] = False,
    within: Annotated[
        int,
        typer.Option(
            "--within",
            min=0,
            max=3660,
            metavar="DAYS",
            help="Reminders: look this many days ahead.",
        ),
    ] = 14,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format", metavar="html|pdf", help="html or pdf (default: from the -o suffix)."
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE|FOLDER",
            help="The file, or with --all a folder, to write.",
        ),
    ],
    archival: Annotated[
        bool,
        typer.Option(
            "--archival",
            help="Sign-off: a PDF/A file, self-contained for archiving (tagged, fonts embedded).",
        ),
    ] = False,
    sign: SignOption = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
) -> None:
    """Print a checklist, reminder sheet, council overview or sign-off sheet to
    HTML or PDF; a sign-off sheet's PDF signed with --sign."""
    from transition.documents.html import documents_for, write_html

    job = _print_job(
        kind,
        member,
        everyone=all_members,
        combined=combined,
        within=within,
        fmt=_output_format(output_format, output),
        output=output,
        archival=archival,
    )
    require_signable(sign, kind, job.fmt)
    finish = signing_step(sign)

    def read() -> "list[Document]":
        """The job's documents, read in one transaction."""
        return on_record(
            db, today, lambda tracker: documents_for(tracker, tracker.find.election(election), job)
        )

    if job.fmt == "html":
        written = write_html(read())
    else:
        from transition.cli.startup import settle
        from transition.documents import pdf

        documents = pdf.read_while_loading(read)
        settle()  # WeasyPrint is loaded: collect garbage from here on
        written = pdf.write_pdfs(documents, progress=sys.stdout.isatty(), finish=finish)
    for path in written:
        typer.echo(str(path))


def _output_format(requested: Format | None, output: Path) -> Format:
    """`--format`, else the output file's suffix."""
    if requested is not None:
        return requested
    suffix = output.suffix.lstrip(".").lower()
    for known in FORMATS:
        if suffix == known:
            return known
    raise UsageError(f"give --format html or pdf (the output {output.name!r} does not say which)")


def _print_job(
    kind: Kind,
    member: str | None,
    *,
    everyone: bool,
    combined: bool,
    within: int,
    fmt: Format,
    output: Path,
    archival: bool,
) -> "PrintJob":
    """What `render` asks for, or a refusal before the database is opened of
    options that do not go together."""
    from transition.documents.html import PrintJob

    if kind == "overview" and member:
        raise UsageError("the overview is of the whole council; give no MEMBER")
    if combined and kind not in PER_MEMBER:
        raise UsageError("--combined goes with --all for checklist or signoff")
    if archival and (kind != "signoff" or fmt != "pdf"):
        raise UsageError("--archival makes a PDF/A sign-off sheet: render signoff to a PDF")
    if kind in PER_MEMBER and not (member or everyone):
        raise UsageError(f"give a MEMBER, or --all for everyone, to render the {kind}")
    # The reminder sheet and the overview are the whole council's already:
    # --all asks for what they print without it.
    one_each = everyone and not combined and kind in PER_MEMBER
    if one_each and output.exists() and not output.is_dir():
        raise UsageError(
            f"with --all, -o names a folder for one file per member; {output} is a file"
        )
    return PrintJob(
        kind=kind,
        output=output,
        fmt=fmt,
        member=member or None,
        combined=combined,
        within=within,
        archival=archival,
    )


def _to_a_file(output: Path | None) -> bool:
    """Whether the output lands in a file (named, or standard output sent to
    one) rather than in a pipe or on a terminal."""
    if output is not None:
        return True
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False


def _deliver(data: str | bytes, output: Path | None, *, private: bool = False) -> None:
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    save(output, data, private=private)
    typer.echo(f"wrote {output}", err=True)
