"""Checking what people type before it is recorded.

Names, handles, notes and choices arrive from a command line or a CSV file.
Each is trimmed, refused with a message that says what to do when it is
empty, too long, not text, or not one of the allowed words, and only then
handed to the tracker.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from transition.core.terms import CONNECTION_FIELDS, Office, Role, Running
from transition.errors import TransitionError
from transition.store.errors import Ambiguous, NotFound, Refused, Remedy

RUNNING = tuple(Running)
ROLES = tuple(Role)
OFFICES = tuple(Office)
MAX_TEXT = 2000


ACCOUNT_TEXT = ("platform", "handle", "url", "role", "email", "phone")


def account_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Checked and tidied account fields, ready for the table."""
    values: dict[str, Any] = {
        "platform": clean_text(fields.get("platform"), "platform"),
        "handle": clean_text(fields.get("handle"), "handle"),
        "role": choice(fields.get("role") or "", ROLES, "role"),
    }
    for name in ("url", "email", "phone"):
        value = fields.get(name)
        values[name] = clean_text(value, name) if value not in (None, "") else None
    email = values["email"]
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise TransitionError(f"{email!r} is not an email address")
    for flag in CONNECTION_FIELDS:
        values[flag] = bool(fields.get(flag, False))
    return values


def normal_name(name: Any, what: str) -> str:
    """A name as it is stored and looked up: Unicode NFC (a decomposed "é" is
    the one composed "é"), every run of whitespace (non-breaking spaces too)
    one space, nothing invisible. Two names that look alike are one name."""
    text = unicodedata.normalize("NFC", str(name if name is not None else ""))
    if any(unicodedata.category(c) == "Cf" for c in text):
        raise TransitionError(
            f"the {what} holds invisible characters (zero-width or direction marks); retype it"
        )
    return clean_text(" ".join(text.split()), what)


def fold_name(name: str) -> str:
    """A name as lookups compare it: normalised, then without case and accents,
    so "frederic" finds "Frédéric"."""
    text = " ".join(unicodedata.normalize("NFC", name).split()).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Named(Protocol):
    """A row people find by its name: an election, a member."""

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


def match_name(name: str, rows: Sequence[N], kind: str) -> N:
    """The row of this name: exactly (any case), else the only one that matches
    without accents, else the only one that holds it; otherwise say which."""
    exact = " ".join(unicodedata.normalize("NFC", name).split()).casefold()
    for row in rows:
        if row.name.casefold() == exact:
            return row
    wanted = fold_name(name)
    same = [row for row in rows if fold_name(row.name) == wanted]
    if len(same) == 1:
        return same[0]
    if same:
        raise Ambiguous(kind, name, [row.name for row in same[:5]], len(same), exactly=True)
    partial = [row for row in rows if wanted and wanted in fold_name(row.name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise Ambiguous(kind, name, [row.name for row in partial[:5]], len(partial), exactly=False)
    close = difflib.get_close_matches(name, [row.name for row in rows], n=3, cutoff=0.6)
    raise NotFound(kind, name, close)


def clean_ward(ward: Any) -> str:
    """A ward as people write it: a number in ASCII digits ("7", not "七" or
    "②", which sort nowhere), or a name with letters."""
    text = normal_name(ward, "ward")
    if text.isascii() and text.isdigit():
        return str(int(text))
    if any(c.isdigit() and not c.isascii() for c in text) or any(
        unicodedata.numeric(c, None) is not None and not c.isascii() for c in text
    ):
        raise TransitionError(
            f"the ward {text!r} uses digits other than 0-9; "
            "write its number in 0-9 or give its name"
        )
    if not any(c.isalpha() for c in text):
        raise TransitionError(f"the ward {text!r} is neither a number nor a name")
    return text


def check_seat(office: str, ward: str | None) -> None:
    if office == "councillor" and not ward:
        raise Refused("a councillor needs a ward", Remedy.WARD)
    if office == "mayor" and ward:
        raise Refused("the mayor has no ward", Remedy.NO_WARD)


def choice(value: str, allowed: Sequence[str], what: str) -> str:
    cleaned = (value or "").strip().lower()
    if cleaned not in allowed:
        raise TransitionError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return cleaned


def clean_text(value: Any, what: str) -> str:
    """Text as typed, trimmed; refused if empty, too long, or holding control characters."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise TransitionError(f"the {what} is empty; give some text")
    if len(text) > MAX_TEXT:
        raise TransitionError(
            f"the {what} is {len(text)} characters long; keep it under {MAX_TEXT}"
        )
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise TransitionError(f"the {what} contains control characters; type it on one line")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise TransitionError(f"the {what} is not valid text (bad bytes); retype it") from None
    return text


def optional_text(value: str | None, what: str, current: str | None) -> str | None:
    return current if value is None else clean_text(value, what)


#: How a member's several addresses are kept in one column.
ADDRESS_SEPARATOR = "; "


#: What a mail server takes without SMTPUTF8: a dot-atom local part of
#: RFC 5322's printable ASCII, and a host name of letters, digits and hyphens.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def clean_address(value: Any, what: str = "address") -> str:
    """An e-mail address as any mail server takes it: a bare
    `name@example.org`, its domain in lower case. Python's RFC 5322 parser
    (`email.headerregistry`) reads it; what it would quietly change (quotes,
    a comment, a display name, a second address) and what needs a server's
    SMTPUTF8 (letters beyond ASCII: write a domain as its xn-- form) are
    refused, as is any line break that could start a header of its own."""
    from email.errors import HeaderParseError, MessageError
    from email.headerregistry import Address

    text = str(value if value is not None else "").strip()
    if not text:
        raise TransitionError(f"the {what} is empty; give an address such as name@example.org")
    try:
        address: Address | None = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError, MessageError):
        address = None
    if (
        address is None
        or len(text) > 254
        or f"{address.username}@{address.domain}" != text
        or not _LOCAL.fullmatch(address.username)
        or not all(_LABEL.fullmatch(label) for label in address.domain.split("."))
    ):
        raise TransitionError(
            f"{text!r} is not an e-mail address transition can send to; "
            "give one such as name@example.org (ASCII only: a domain as its xn-- form)"
        )
    return f"{address.username}@{address.domain.lower()}"


def clean_addresses(values: Sequence[Any], what: str = "address") -> str | None:
    """Several addresses, each checked, repeats dropped (whatever their
    case: one inbox), in one column; None for none at all. A value may
    itself hold several separated by ";", as a file's cell does; a value
    with none is refused (forgetting them is its own command)."""
    found: dict[str, str] = {}
    for value in values:
        parts = [part for part in str(value).split(";") if part.strip()]
        if not parts:
            raise TransitionError(f"the {what} is empty; give an address such as name@example.org")
        for part in parts:
            kept = clean_address(part, what)
            found.setdefault(kept.casefold(), kept)
    return ADDRESS_SEPARATOR.join(found.values()) or None


def addresses(column: str | None) -> list[str]:
    """The addresses a column keeps, in order."""
    return [part for part in (column or "").split(ADDRESS_SEPARATOR) if part]
