"""The signed sign-off sheet: `render signoff --sign KEY.p12`, `verify SHEET.pdf`.

pyHanko is imported only when a sheet is signed or checked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from transition.errors import TransitionError, UsageError
from transition.files import read_input

if TYPE_CHECKING:
    from transition.documents.signing import SignatureReport
    from transition.store.tracker import Tracker

PASSWORD_VARIABLE = "TRANSITION_SIGN_PASSWORD"
#: A PKCS#12 file is a few kilobytes; a certificate a few hundred bytes.
KEY_FILE_LIMIT = 1024 * 1024
#: A sheet with its embedded evidence files: many files of 25 MB at most.
SHEET_LIMIT = 1024 * 1024 * 1024
REASON = "Sign-off sheet, as printed from the transition record"

SignOption = Annotated[
    Path | None,
    typer.Option(
        "--sign",
        metavar="KEY.p12",
        help=f"Sign the PDF with the office's certificate (PKCS#12); its password from "
        f"{PASSWORD_VARIABLE}, or asked for.",
        dir_okay=False,
        show_default=False,
    ),
]
TrustOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--trust",
        metavar="CA.pem",
        help="Require the sheet's signer to chain to this root certificate; repeatable.",
        dir_okay=False,
        show_default=False,
    ),
]


def signing_step(key: Path | None) -> Callable[[bytes, Path], bytes] | None:
    """What turns each printed PDF into its signed copy, with the office's
    key opened now, before anything is printed: a wrong password costs no
    rendering, and no unsigned sheet is left where a signed one was asked."""
    if key is None:
        return None
    from transition.documents.signing import load_signer, sign_pdf

    data = read_input(key, KEY_FILE_LIMIT, "PKCS#12")
    signer = load_signer(data, _password(key), source=str(key))

    def sign(pdf: bytes, path: Path) -> bytes:
        return sign_pdf(pdf, signer, reason=REASON, source=str(path))

    return sign


def _password(key: Path) -> bytes | None:
    """The key's password: the environment's, else asked for without echo
    where someone can type it, else none (an unprotected file)."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given is not None:
        return given.encode()
    if not sys.stdin.isatty():
        return None
    typed = typer.prompt(
        f"Password for {key.name} (empty if it has none)",
        default="",
        hide_input=True,
        show_default=False,
        err=True,
    )
    return str(typed).encode() or None


def is_sheet(argument: str) -> bool:
    """Whether `verify`'s argument names a sheet file rather than a fingerprint."""
    return argument.lower().endswith(".pdf") or Path(argument).is_file()


@dataclass
class SheetCheck:
    """What `verify SHEET.pdf` found: the signature's report and the record's answer."""

    sheet: str
    signature: SignatureReport
    fingerprint: str | None
    member: str | None
    record: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.problems

    def payload(self) -> dict[str, Any]:
        report = self.signature
        return {
            "ok": self.holds,
            "sheet": self.sheet,
            "signed": report.signed,
            "intact": report.intact,
            "whole_file": report.whole_file,
            "signer": report.signer or None,
            "signed_at": report.signed_at.isoformat() if report.signed_at else None,
            "trusted": report.trusted,
            "fingerprint": self.fingerprint,
            "member": self.member,
            "record": self.record or None,
            "problems": self.problems,
        }

    def lines(self) -> list[str]:
        from transition.core.calendar import TORONTO

        report = self.signature
        lines = [f"sheet: {self.sheet}"]
        if report.signed:
            when = (
                f" on {report.signed_at.astimezone(TORONTO):%Y-%m-%d %H:%M} Toronto time "
                "(the signer's clock; no timestamp)"
                if report.signed_at
                else ""
            )
            lines.append(f"signed by: {report.signer}{when}")
            lines.append(
                "signature: "
                + (
                    "intact, covering the whole file"
                    if report.intact and report.whole_file
                    else "does not hold"
                )
            )
            lines.append(
                "trust: "
                + {
                    None: "not checked (give --trust CA.pem to require a chain to a root)",
                    True: "the signer chains to a trusted root",
                    False: "the signer does not chain to a trusted root",
                }[report.trusted]
            )
        if self.fingerprint:
            whose = f" for {self.member}" if self.member else ""
            lines.append(f"fingerprint: {self.fingerprint}{whose}")
        if self.record:
            lines.append(f"record: {self.record}")
        lines.extend(f"problem: {problem}" for problem in self.problems)
        if self.holds:
            lines.append("ok: the sheet is as it was signed, and the record still holds it")
        return lines


def check_sheet(
    path: Path, trust: list[Path], on_record: Callable[[Callable[[Tracker], str]], str]
) -> SheetCheck:
    """Check a sheet's signature, then ask the record whether it still holds
    the fingerprint the signed sheet carries (and, for one member's sheet,
    that nothing of the member's changed since)."""
    from transition.documents.signing import check_signed, sheet_info

    data = read_input(path, SHEET_LIMIT, "sign-off sheet")
    roots = [read_input(root, KEY_FILE_LIMIT, "certificate") for root in trust]
    report = check_signed(data, roots, source=str(path))
    if report.signed:
        fingerprint, member = report.fingerprint, report.member
    else:
        fingerprint, member = sheet_info(data, source=str(path))
    found = SheetCheck(str(path), report, fingerprint, member, problems=list(report.problems))
    if fingerprint is None:
        found.problems.append(
            "the sheet carries no record fingerprint: it is not a sign-off sheet from "
            "`transition render signoff`"
        )
        return found
    try:
        found.record = on_record(lambda tracker: _record_holds(tracker, fingerprint, member))
    except RecordDiffers as differs:
        found.problems.append(str(differs))
    return found


class RecordDiffers(TransitionError):
    """The record does not hold what the sheet printed."""


def _record_holds(tracker: Tracker, printed: str, member_name: str | None) -> str:
    """The record's answer to the sheet's fingerprint, or RecordDiffers."""
    from transition.store.errors import NotFound
    from transition.store.trail.chain import Fingerprint
    from transition.store.trail.integrity import verify

    try:
        wanted = Fingerprint.parse(printed)
    except UsageError:
        raise RecordDiffers(f"the sheet's fingerprint {printed!r} is not one") from None
    member = None
    if member_name is not None:
        try:
            member = tracker.find.member(member_name)
        except NotFound:
            raise RecordDiffers(
                f"the sheet is of {member_name}, who is not in this record: "
                "is it another council's sheet?"
            ) from None
    try:
        return verify(tracker, wanted, member)
    except RecordDiffers:
        raise
    except TransitionError as error:
        if type(error) is not TransitionError:
            raise
        raise RecordDiffers(str(error)) from None


def verify_sheet_or_fail(found: SheetCheck) -> None:
    """Exit 1, naming how many things failed, when the sheet does not hold."""
    if not found.holds:
        raise TransitionError(
            f"the sheet does not hold: {len(found.problems)} problem(s); see above"
        )


def require_signable(sign: Path | None, kind: str, fmt: str) -> None:
    """--sign signs a sign-off sheet's PDF, nothing else."""
    if sign is not None and (kind != "signoff" or fmt != "pdf"):
        raise UsageError("--sign signs a sign-off sheet: render signoff to a PDF")
