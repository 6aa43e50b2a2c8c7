"""Checking what people type before it is recorded.

Names, handles, notes and choices arrive from a command line or a CSV file.
Each is trimmed, refused with a message that says what to do when it is
empty, too long, not text, or not one of the allowed words, and only then
handed to the tracker.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from transition.core.terms import CONNECTION_FIELDS, Office, Role, Running
from transition.errors import TransitionError

RUNNING = tuple(Running)
ROLES = tuple(Role)
OFFICES = tuple(Office)
MAX_TEXT = 2000


ACCOUNT_TEXT = ("platform", "handle", "url", "role", "email", "phone")


def account_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Checked and tidied account fields, ready for the table."""
    values = {
        "platform": clean_text(fields.get("platform"), "platform"),
        "handle": clean_text(fields.get("handle"), "handle"),
        "role": choice(fields.get("role") or "", ROLES, "--role"),
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


def fold_name(name: str) -> str:
    """A name as lookups compare it: whitespace folded, case folded."""
    return " ".join(name.split()).casefold()


def match_name(name: str, rows: Sequence[Any], kind: str, listing: str) -> Any:
    """Exact (any case), else a unique part of a name; otherwise suggest."""
    wanted = fold_name(name)
    for row in rows:
        if fold_name(row.name) == wanted:
            return row
    partial = [row for row in rows if wanted and wanted in fold_name(row.name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(repr(row.name) for row in partial[:5])
        more = f" and {len(partial) - 5} more" if len(partial) > 5 else ""
        raise TransitionError(
            f"{name!r} matches {len(partial)} {kind}s ({names}{more}); give more of the name"
        )
    close = difflib.get_close_matches(name, [row.name for row in rows], n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else f"`{listing}` shows them"
    )
    raise TransitionError(f"there is no {kind} {name!r}; {hint}")


def check_seat(office: str, ward: str | None) -> None:
    if office == "councillor" and not ward:
        raise TransitionError("a councillor needs a ward: give --ward (or --office mayor)")
    if office == "mayor" and ward:
        raise TransitionError("the mayor has no ward: give either --ward or --office mayor")


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
