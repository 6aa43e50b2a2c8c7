"""Evidence files: what a step's proof is, kept in the record under the chain.

A URL shows what a page holds today, not what it held on filing day, so an
office attaches the file itself (a screenshot, the saved e-mail, a PDF).
The record keeps its bytes once a member (`EvidenceFile`, by SHA-256), ties
it to each step it proves (`Attachment`, with the name it came under and
the day it was captured, apart from the day it was recorded), and writes an
`item.attached` event carrying its hash: the hash chain covers the event,
and `transition check` recomputes every file's hash against its row, so a
file changed behind the tool's back is named.

What a file is comes from its first bytes, never its name: a `.png` that
holds a program is refused. Only the kinds an office's proof comes in are
taken (pictures, PDFs, plain text, saved e-mail), so the record never keeps
what a reader would have to run.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from transition.errors import TransitionError, UsageError

#: The media types the record keeps, as `media_type_of` judges them.
PNG, JPEG, WEBP, GIF = "image/png", "image/jpeg", "image/webp", "image/gif"
PDF, TEXT, EMAIL = "application/pdf", "text/plain", "message/rfc822"
KEPT_TYPES = (PNG, JPEG, WEBP, GIF, PDF, TEXT, EMAIL)
#: The suffix a file of each type is written back with (beside a sheet).
SUFFIXES = {
    PNG: ".png",
    JPEG: ".jpg",
    WEBP: ".webp",
    GIF: ".gif",
    PDF: ".pdf",
    TEXT: ".txt",
    EMAIL: ".eml",
}

LIMIT_ENV = "TRANSITION_MAX_EVIDENCE"
#: The largest file taken unless TRANSITION_MAX_EVIDENCE says otherwise:
#: a full-page screenshot or a scanned letter is a few MB.
DEFAULT_LIMIT = 25 * 1000 * 1000
UNITS = {"": 1, "B": 1, "K": 1000, "KB": 1000, "M": 1000**2, "MB": 1000**2, "G": 1000**3}
UNITS |= {"GB": 1000**3, "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3}
#: The header fields a saved e-mail has, of which it must have From and one more.
MAIL_FIELDS = ("date", "subject", "to", "message-id")
#: Control characters plain text may hold: tab, line feed, form feed, return.
TEXT_CONTROLS = frozenset(b"\t\n\x0c\r")


@dataclass(frozen=True)
class Upload:
    """A file read for attaching, judged and hashed before the record opens."""

    name: str
    media_type: str
    sha256: str
    captured: date
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


def evidence_limit() -> int:
    """The largest file the record takes, in bytes (TRANSITION_MAX_EVIDENCE:
    a number of bytes, or with a unit: 10MB, 500K, 2MiB)."""
    text = os.environ.get(LIMIT_ENV, "").strip()
    if not text:
        return DEFAULT_LIMIT
    number = text.rstrip("BbKkMmGgIi ")
    unit = text[len(number) :].strip().upper()
    try:
        limit = int(float(number) * UNITS[unit])
    except (KeyError, ValueError):
        limit = 0
    if limit <= 0:
        raise UsageError(
            f"{LIMIT_ENV} is {text!r}; give a size in bytes, or with a unit, such as 25MB"
        )
    return limit


def read_upload(path: Path, captured: date, today: date) -> Upload:
    """The file at `path`, refused in one line if the record must not keep it:
    missing, empty, larger than the limit, captured after today, or of a kind
    the record does not take."""
    if captured > today:
        raise UsageError(
            f"{path.name} cannot have been captured on {captured}, after today ({today}); "
            "give the day it was captured, today or before"
        )
    limit = evidence_limit()
    try:
        if not path.is_file():
            raise TransitionError(f"{path} is not a file; give the evidence file to attach")
        size = path.stat().st_size
        if size > limit:
            raise TransitionError(
                f"{path.name} is {_apart(size, limit)}, over the {_apart(limit, size)} "
                f"a file may be ({LIMIT_ENV} raises it)"
            )
        with path.open("rb") as opened:
            content = opened.read(limit + 1)
    except OSError as error:
        raise TransitionError(f"cannot read {path}: {error.strerror or error}") from None
    if len(content) > limit:  # it grew while being read
        raise TransitionError(f"{path.name} is over the {shown_size(limit)} a file may be")
    if not content:
        raise TransitionError(f"{path.name} is empty; attach the file that shows the step done")
    media_type = media_type_of(content)
    if media_type is None:
        raise TransitionError(
            f"{path.name} is not a kind of file the record keeps (PNG, JPEG, WebP or GIF "
            "pictures, PDF, plain text in UTF-8, or a saved e-mail); save it as one of those"
        )
    return Upload(
        name=path.name,
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
        captured=captured,
        content=content,
    )


def media_type_of(content: bytes) -> str | None:
    """What the bytes are, judged from their content; None for anything the
    record does not keep."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if content[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return PDF
    text = _text(content)
    if text is None:
        return None
    return EMAIL if _is_email(content) else TEXT


def _text(content: bytes) -> str | None:
    """The bytes as UTF-8 text with no control characters but line breaks and
    tabs, or None: such a file is text a reader shows as it is."""
    if any(byte < 0x20 and byte not in TEXT_CONTROLS for byte in content) or b"\x7f" in content:
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _is_email(content: bytes) -> bool:
    """A saved e-mail (.eml): header fields from its first line to a blank
    line, with From and at least one other field a sent message has."""
    head, blank, _ = content.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not blank or b":" not in head.split(b"\n", 1)[0]:
        return False
    # Here, not at import: every listing and sheet imports this module.
    from email.parser import BytesHeaderParser
    from email.policy import default as email_policy

    message = BytesHeaderParser(policy=email_policy).parsebytes(head + b"\n\n")
    if message.defects:
        return False
    names = {name.lower() for name in message}
    return "from" in names and any(name in names for name in MAIL_FIELDS)


def _apart(size: int, other: int) -> str:
    """A size shown so that it differs from `other` shown the same way: in
    bytes where the rounded sizes would read alike."""
    if shown_size(size) == shown_size(other):
        return f"{size:,} bytes"
    return shown_size(size)


def shown_size(size: int) -> str:
    """A size as a person reads it: 812 bytes, 41 KB, 2.4 MB."""
    if size < 1000:
        return f"{size} bytes"
    for unit, scale in (("KB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        if size < scale * 1000 or unit == "GB":
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def file_name(name: str) -> str:
    """The name a file is kept under: its last part, without control characters."""
    kept = "".join(c for c in Path(name.replace("\\", "/")).name if c.isprintable()).strip()
    return kept or "evidence"
