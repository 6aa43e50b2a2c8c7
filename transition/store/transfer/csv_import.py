"""Bulk loading of members and accounts from CSV files.

A spreadsheet is the usual way a clerk's office already keeps its council
list, so import takes CSV with documented columns. Every row is checked and
every bad row is reported with its line number before anything is written;
the rows are then applied through the tracker inside the caller's single
transaction, so a file imports whole or not at all.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from transition.core.terms import CONNECTION_FIELDS
from transition.errors import TransitionError
from transition.files import read_input
from transition.store.changes.base import OPTIONS
from transition.store.errors import BadRows, Refused, Remedy, UnknownEncoding
from transition.store.lookup import name_key
from transition.store.models import Election, Member
from transition.store.tracker import Tracker
from transition.store.values import (
    OFFICES,
    RUNNING,
    account_fields,
    choice,
    clean_addresses,
    clean_ward,
    normal_name,
)

MEMBER_COLUMNS = ("name", "ward", "office", "running", "option", "filing_date", "filing", "email")
MEMBER_REQUIRED = ("name",)
ACCOUNT_COLUMNS = (
    "member",
    "platform",
    "handle",
    "url",
    "role",
    "email",
    "phone",
    *CONNECTION_FIELDS,
)
ACCOUNT_REQUIRED = ("member", "platform", "handle", "role")

#: A council's spreadsheet is kilobytes; a province's 100,000 rows a few MB.
MAX_CSV_BYTES = 64 * 1024 * 1024
#: Bad rows named in the one line of a refusal; a file of thousands of bad
#: rows is usually one mistake made thousands of times.
_TRUE = {"yes", "y", "true", "t", "1", "x"}
_FALSE = {"no", "n", "false", "f", "0"}


def read_rows(
    path: Path, columns: tuple[str, ...], required: tuple[str, ...], encoding: str = "utf-8"
) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (line number, {column: text}); refuses a malformed file.

    A file as spreadsheets save it: UTF-8 with or without a byte-order mark
    (or another `encoding`), cells separated by commas, semicolons (as
    spreadsheets in French and other locales write) or tabs, found from the
    header; wholly empty rows are skipped. Line numbers are the file's own.
    """
    raw = read_input(path, MAX_CSV_BYTES, "CSV")
    text = _decoded(path, raw, encoding)
    delimiter = _delimiter(text, columns)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    rows = []
    ended = 0
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        ended = reader.line_num
        _check_header(path, header, columns, required)
        for cells in reader:
            line, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a spreadsheet's empty row (",,,,")
            if len(cells) > len(header):
                raise TransitionError(f"{path} line {line}: more cells than the header has columns")
            values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
            rows.append((line, {name: values.get(name, "") for name in header}))
    except csv.Error as error:
        raise TransitionError(f"{path} line {ended + 1}: {error}; fix the quoting") from None
    if not rows:
        raise TransitionError(f"{path} has a header but no rows; nothing to import")
    return rows


def _decoded(path: Path, raw: bytes, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        codec = None
    # Python's codecs also hold transforms (base64, rot13) that are not text.
    if codec is None or not getattr(codec, "_is_text_encoding", True):
        raise UnknownEncoding(encoding)
    name = "utf-8-sig" if codec.name == "utf-8" else codec.name
    label = "UTF-8" if codec.name == "utf-8" else codec.name
    remedy = Remedy.ENCODING if codec.name == "utf-8" else Remedy.OTHER_ENCODING
    try:
        return raw.decode(name)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Refused(f"{path} is not {label} text (line {line})", remedy) from None
    except UnicodeError as error:  # a codec with rules of its own, such as idna
        raise Refused(f"{path} is not {label} text ({error})", remedy) from None


def _delimiter(text: str, columns: tuple[str, ...]) -> str:
    """The separator that splits the header into the most known columns."""
    first = text.split("\n", 1)[0]

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(cell.strip().lower() in columns for cell in cells)

    return max((",", ";", "\t"), key=known)


def _check_header(
    path: Path, header: list[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> None:
    if not header:
        raise TransitionError(f"{path} is empty; the first line must name the columns")
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    doubled = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if doubled:
        problems.append(f"repeated column(s) {', '.join(doubled)}")
    if problems:
        raise TransitionError(
            f"{path}: {'; '.join(problems)}; the columns are {', '.join(columns)}"
        )


Rows = list[tuple[int, dict[str, str]]]


def read_members(path: Path, encoding: str = "utf-8") -> Rows:
    """The members file's rows, each checked as far as it can be without the
    record, every problem reported at once: this runs before the command
    takes the write lock, so a bad file never keeps others waiting."""
    rows = read_rows(path, MEMBER_COLUMNS, MEMBER_REQUIRED, encoding)
    _refuse_duplicates(path, rows, lambda r: name_key(r["name"]), "member")

    def check(row: dict[str, str]) -> None:
        normal_name(row["name"], "member name")
        if row.get("ward"):
            clean_ward(row["ward"])
        for column, allowed in (("office", OFFICES), ("running", RUNNING), ("option", OPTIONS)):
            if row.get(column):
                choice(row[column], allowed, column)
        _filing_kind(row)
        _date(row.get("filing_date", ""), "filing_date")
        if (row.get("email") or "").strip():  # an empty cell keeps what is recorded
            clean_addresses([row["email"]], "office's address")

    _each_row(path, rows, check)
    return rows


def read_accounts(path: Path, encoding: str = "utf-8") -> Rows:
    """The accounts file's rows, checked before the write lock (see read_members)."""
    rows = read_rows(path, ACCOUNT_COLUMNS, ACCOUNT_REQUIRED, encoding)
    _refuse_duplicates(
        path,
        rows,
        lambda r: (name_key(r["member"]), r["platform"].casefold(), r["handle"].casefold()),
        "account",
    )

    def check(row: dict[str, str]) -> None:
        account_fields(_account_fields(row))

    _each_row(path, rows, check)
    return rows


def _account_fields(row: dict[str, str]) -> dict[str, Any]:
    """An accounts row as the account's fields: an empty cell is None (kept
    as recorded), a connection yes or no."""
    fields: dict[str, Any] = {
        k: row.get(k) or None for k in ("platform", "handle", "url", "role", "email", "phone")
    }
    for flag in CONNECTION_FIELDS:
        fields[flag] = _flag(row.get(flag, ""), flag)
    return fields


def _filing_kind(row: dict[str, str]) -> str:
    """A members row's filing: "", "planned" or "actual"."""
    kind = (row.get("filing") or "").lower()
    if kind not in ("", "planned", "actual"):
        raise TransitionError(f"filing must be planned or actual, not {row['filing']!r}")
    return kind


def import_members(tracker: Tracker, election: Election, path: Path, rows: Rows) -> str:
    added = updated = 0
    tracker.find.load_everything()
    tracker.ids.in_blocks()

    def apply(row: dict[str, str]) -> None:
        with tracker.checklists.together():
            apply_member(row)

    def apply_member(row: dict[str, str]) -> None:
        # An empty cell keeps what is recorded; only a command clears a value.
        nonlocal added, updated
        existing = tracker.find.named(Member, row["name"])
        if existing is None:
            member = tracker.change.add_member(
                row["name"], row.get("ward") or None, row.get("office") or "councillor"
            )
            added += 1
        else:
            member = tracker.change.update_member(
                existing,
                row.get("ward") or existing.ward,
                row.get("office") or existing.office,
            )
            updated += 1
        tracker.change.set_candidacy(
            member, election, row.get("running") or None, row.get("option") or None
        )
        kind = _filing_kind(row)
        filing = _date(row.get("filing_date", ""), "filing_date")
        if filing is None and kind:
            filing = tracker.find.candidacy(member, election).filing_date
            if filing is None:
                raise TransitionError(
                    f"filing is {kind}, but there is no filing_date and none is recorded"
                )
        if filing is not None:
            tracker.change.set_filing(member, election, filing, actual=kind == "actual")
        if (row.get("email") or "").strip():  # several separated by ";"
            tracker.change.set_emails(member, [row["email"]])

    _each_row(path, rows, apply)
    counts = f"{added} new, {updated} updated"
    return f"imported {len(rows)} members from {path} ({counts}) for {election.name}"


def import_accounts(tracker: Tracker, path: Path, rows: Rows) -> str:
    added = updated = 0
    tracker.find.load_everything()
    tracker.ids.in_blocks()

    def apply(row: dict[str, str]) -> None:
        with tracker.checklists.together():
            apply_account(row)

    def apply_account(row: dict[str, str]) -> None:
        nonlocal added, updated
        # A file is data, not a person typing: its member must be one exactly.
        member = tracker.find.named(Member, row["member"])
        if member is None:
            raise Refused(
                f"there is no member named exactly {row['member']!r} (a file must give the "
                "whole name)",
                Remedy.MEMBER_NAMES,
            )
        tracker.access.check_member(member.id, member.name, "accounts")
        fields = _account_fields(row)
        existing = next(
            (
                a
                for a in tracker.find.accounts_of(member)
                if (a.platform.casefold(), a.handle.casefold())
                == (row["platform"].casefold(), row["handle"].casefold())
            ),
            None,
        )
        if existing is None:
            tracker.change.add_account(member, **fields)
            added += 1
        else:
            tracker.change.update_account(existing, **fields)
            updated += 1

    _each_row(path, rows, apply)
    return f"imported {len(rows)} accounts from {path} ({added} new, {updated} updated)"


def _each_row(path: Path, rows: Rows, do: Callable[[dict[str, str]], None]) -> None:
    """Check or apply every row; collect each row's problem with its line,
    then refuse them all.

    The rows' objects live until the command ends, and Python's cycle
    collector would walk all of them again and again as they pile up (a
    seventh of a 100,000-row import), so it rests meanwhile."""
    problems, errors = [], []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for line, row in rows:
            try:
                do(row)
            except TransitionError as error:
                problems.append(f"line {line}: {error}")
                errors.append(error)
    finally:
        if collecting:
            gc.enable()
    if problems:
        count = "1 bad row" if len(problems) == 1 else f"{len(problems)} bad rows"
        raise BadRows(f"{path} has {count}", problems, _shared_remedy(errors))


def _refuse_duplicates(
    path: Path,
    rows: list[tuple[int, dict[str, str]]],
    key: Callable[[dict[str, str]], Any],
    kind: str,
) -> None:
    first_seen: dict[Any, int] = {}
    problems = []
    for line, row in rows:
        seen = first_seen.setdefault(key(row), line)
        if seen != line:
            problems.append(f"line {line}: the same {kind} as line {seen}")
    if problems:
        raise BadRows(f"{path} repeats rows", problems)


def _shared_remedy(errors: list[TransitionError]) -> Remedy | None:
    """What puts every refused row right, if one thing does."""
    remedies = {error.remedy if isinstance(error, Refused) else None for error in errors}
    return remedies.pop() if len(remedies) == 1 else None


def _flag(value: str, column: str) -> bool | None:
    """yes or no; None (keep what is recorded) for an empty cell."""
    cleaned = value.strip().lower()
    if not cleaned:
        return None
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise TransitionError(f"{column} must be yes or no, not {value!r}")


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TransitionError(f"{column} {value!r} is not a date; write it as YYYY-MM-DD") from None
