"""Exporting the whole record: complete JSON to keep or move, flat CSV for a
spreadsheet."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

from sqlmodel import col, select

from transition.core.dates import iso
from transition.core.terms import filing_kind
from transition.store.listings import candidacies, checklist_entries
from transition.store.models import (
    Account,
    Attachment,
    Candidacy,
    ChecklistItem,
    Election,
    Event,
    EvidenceFile,
    Member,
    OfficeOverride,
)
from transition.store.shapes import (
    ChecklistEntry,
    CsvItemRow,
    CsvMemberRow,
    EntryContext,
    Export,
    ExportedRow,
)
from transition.store.tracker import Tracker

#: A table the export holds.
Exported = (
    Election | Member | Account | Candidacy | ChecklistItem | OfficeOverride | Attachment | Event
)


def export_state(tracker: Tracker) -> Export:
    """Everything in the database, table by table (each key as `transition
    restore` reads it back), rows by id: the same record gives the same
    export, from either store."""
    from transition.store.migrations import HEAD

    tracker.access.check_reads_all("a JSON export")

    def rows(model: type[Exported]) -> list[ExportedRow]:
        found = tracker.session.exec(select(model).order_by(col(model.id))).all()
        # A loaded row's fields come in no fixed order: the model's order it is.
        names = list(model.model_fields)
        return [_in_order(row.model_dump(mode="json"), names) for row in found]

    return {
        "format": "transition-export",
        "schema": HEAD,
        "elections": rows(Election),
        "members": rows(Member),
        "accounts": rows(Account),
        "candidacies": rows(Candidacy),
        "checklist": rows(ChecklistItem),
        "overrides": rows(OfficeOverride),
        "evidence": evidence_files(tracker),
        "attachments": rows(Attachment),
        "events": rows(Event),
    }


def evidence_files(tracker: Tracker) -> list[ExportedRow]:
    """The evidence files with their bytes, in base64 (JSON holds no bytes),
    read one at a time."""
    names = list(EvidenceFile.model_fields)
    session = tracker.session
    found = []
    for file_id in session.exec(select(EvidenceFile.id).order_by(col(EvidenceFile.id))).all():
        kept = session.exec(select(EvidenceFile).where(EvidenceFile.id == file_id)).one()
        values = {name: getattr(kept, name) for name in names}
        values["content"] = base64.b64encode(bytes(kept.content)).decode("ascii")
        session.expunge(kept)  # a council's files are gigabytes: one at a time
        found.append(values)
    return found


def _in_order(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: values[name] for name in names}


EXPORT_CSV_COLUMNS = (
    "election",
    "member",
    "ward",
    "office",
    "running",
    "option",
    "filing_date",
    "filing",
    "email",
    "item",
    "step",
    "title",
    "account",
    "role",
    "status",
    "due",
    "latest",
    "overdue",
    "done_on",
    "done_by",
    "note",
    "evidence",
    "files",
    "superseded",
    "owner",
    "owner_email",
)


def export_csv_rows(tracker: Tracker) -> list[CsvItemRow | CsvMemberRow]:
    """One row per checklist item (or per member with none), in every election."""
    from transition.store.attachments import files_of

    rows: list[CsvItemRow | CsvMemberRow] = []
    attached = files_of(tracker, None)
    for election in tracker.session.exec(select(Election).order_by(col(Election.id))).all():
        items: dict[int, list[tuple[EntryContext, ChecklistEntry]]] = {}
        for extra, item in checklist_entries(tracker, election, None, include_superseded=True):
            items.setdefault(extra["member_id"], []).append((extra, item))
        for member, candidacy in candidacies(tracker, election):
            base: CsvMemberRow = {
                "election": election.name,
                "member": member.name,
                "ward": member.ward,
                "office": member.office,
                "running": candidacy.running,
                "option": candidacy.option,
                "filing_date": iso(candidacy.filing_date),
                "filing": filing_kind(candidacy.filing_date, candidacy.filing_actual),
                "email": member.emails,
            }
            mine = items.get(candidacy.member_id, [])
            for extra, item in mine:
                rows.append(
                    {
                        **base,
                        "item": item["id"],
                        "step": item["step"],
                        "title": item["title"],
                        "account": item["account"],
                        "role": extra["role"],
                        "status": item["status"],
                        "due": item["due"],
                        "latest": item["latest"],
                        "overdue": item["overdue"],
                        "done_on": item["done_at"],
                        "done_by": item["done_by"],
                        "note": item["note"],
                        "evidence": item["evidence"],
                        "files": "; ".join(
                            f"{f['file']} (sha256 {f['sha256']})"
                            for f in attached.get(item["id"], [])
                        )
                        or None,
                        "superseded": item["superseded"],
                        "owner": item["owner"],
                        "owner_email": item["owner_email"],
                    }
                )
            if not mine:
                rows.append(base)
    return rows


#: What starts a CSV file saved for a spreadsheet: without it, Excel and
#: LibreOffice take "Frédéric" for Windows-1252.
SPREADSHEET_MARK = "\ufeff"


def export_text(tracker: Tracker, export_format: str) -> str:
    """The export as text: complete JSON, or a flat CSV a spreadsheet opens."""
    if export_format == "json":
        return json.dumps(export_state(tracker), indent=2, ensure_ascii=False) + "\n"
    # As spreadsheets read CSV: CRLF line ends and yes/no as the import reads
    # them back. The byte-order mark a spreadsheet needs is the file's
    # (see SPREADSHEET_MARK), not the text's: a pipe to a program wants none.
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(
        {k: spreadsheet_safe(_cell(v)) for k, v in row.items()} for row in export_csv_rows(tracker)
    )
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


#: A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
