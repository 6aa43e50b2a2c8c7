"""Evidence files and sign-offs: `done/note --attach`, `evidence list|get`, `attest`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from transition.cli.options import (
    DATE,
    ByOption,
    DbOption,
    JsonOption,
    MemberArgument,
    TodayOption,
    on_record,
    today_or_now,
)
from transition.cli.output import emit, table
from transition.core.terms import Signer
from transition.errors import UsageError

if TYPE_CHECKING:
    from transition.cli.output import Console
    from transition.store.evidence import Upload
    from transition.store.shapes import Attestation, EvidenceRow
    from transition.store.tracker import Tracker

AttachOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--attach",
        metavar="FILE",
        help="A file that proves it (a screenshot, a PDF, a saved e-mail, plain text), "
        "kept in the record with its SHA-256; repeat for several.",
        show_default=False,
    ),
]
CapturedOption = Annotated[
    date | None,
    typer.Option(
        "--captured",
        **DATE,
        help="The day the attached files show (they were captured); default today.",
        show_default=False,
    ),
]


def uploads(files: list[Path] | None, captured: date | None, today: date | None) -> list[Upload]:
    """The files to attach, each read, judged and hashed before the record
    opens: a refused file changes nothing."""
    if captured is not None and not files:
        raise UsageError("--captured dates the files given with --attach; give --attach FILE")
    if not files:
        return []
    from transition.store.evidence import read_upload

    day = today_or_now(today)
    return [read_upload(path, captured or day, day) for path in files]


evidence_app = typer.Typer(
    help="Evidence files kept in the record: list them, or write one back out.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@evidence_app.command("list")
def evidence_list_command(
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="[MEMBER|ID]",
            help="A member's name, or a checklist item id; all files if not given.",
            show_default=False,
        ),
    ] = None,
    *,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the files attached to steps: name, kind, size, captured day, SHA-256."""
    from transition.store.attachments import evidence_rows

    def work(tracker: Tracker) -> list[EvidenceRow]:
        if which is not None and which.strip().isdigit():
            return evidence_rows(tracker, item_id=int(which))
        member = tracker.find.member(which) if which else None
        return evidence_rows(tracker, member=member)

    rows = on_record(db, None, work)
    emit(rows, as_json=as_json, human=lambda out: show_evidence(out, rows))


def show_evidence(out: Console, rows: list[EvidenceRow]) -> None:
    from transition.store.evidence import shown_size

    if not rows:
        out.print("No evidence files.")
        return
    out.print(
        table(
            "Evidence files",
            ["item", "member", "step", "file", "kind", "size", "captured", "sha256"],
            [
                [
                    row["item"],
                    row["member"],
                    row["step"],
                    row["file"],
                    row["media_type"],
                    shown_size(row["size"]),
                    row["captured_on"],
                    row["sha256"][:16],
                ]
                for row in rows
            ],
            optional=["kind", "step", "size"],
        )
    )


@evidence_app.command("get")
def evidence_get_command(
    sha256: Annotated[
        str,
        typer.Argument(
            metavar="SHA256-PREFIX",
            help="The start of the file's SHA-256 (at least 6 hex digits), as `evidence list` "
            "shows it.",
        ),
    ],
    *,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the file ('-' for standard output).",
        ),
    ],
    db: DbOption = None,
) -> None:
    """Write a kept file back out, byte for byte as it was attached."""
    from transition.files import save
    from transition.store.attachments import content

    row, data = on_record(db, None, lambda tracker: content(tracker, sha256))
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    save(output, data)
    typer.echo(f"wrote {output} ({row['file']}, sha256 {row['sha256']})", err=True)


def attest_command(
    member: MemberArgument,
    *,
    signed_as: Annotated[
        Signer,
        typer.Option(
            "--as",
            help="Who signs off: the member, the office's lead, or the clerk accepting it.",
            case_sensitive=False,
            show_default=False,
        ),
    ],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="What the sign-off says.")
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Sign off a member's record as it stands: the trail keeps the record's
    fingerprint at that moment and who was signed in."""
    from transition.store.attesting import attest

    def work(tracker: Tracker) -> tuple[str, Attestation]:
        found = tracker.find.member(member)
        return found.name, attest(tracker, found, signed_as, note)

    name, signed = on_record(db, today, work, write=True, by=by)
    typer.echo(
        f"signed off {name} as the {signed['signed_as']} on {signed['on']}: "
        f"fingerprint {signed['fingerprint']}"
    )
