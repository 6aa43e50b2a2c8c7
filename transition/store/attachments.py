"""Evidence files in the record: attached to steps, listed, read back, checked.

The files themselves (`transition.store.evidence` reads and judges them)
are kept once a member: a second step proved by the same screenshot gets an
attachment, not a second copy. Reading a listing never loads a file's
bytes; only `content` and the hash check do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import LargeBinary, cast
from sqlmodel import col, select

from transition.store.errors import NotFound, Refused, Remedy
from transition.store.evidence import Upload, file_name, shown_size
from transition.store.models import (
    Attachment,
    ChecklistItem,
    Event,
    EvidenceFile,
    Member,
    key,
    new_row,
)
from transition.store.shapes import EvidenceRow
from transition.store.trail.events import Action
from transition.store.trail.journal import now

if TYPE_CHECKING:
    from transition.store.tracker import Tracker

#: Hex digits a file's hash is shown by, and the fewest that find one.
SHOWN_DIGITS, FEWEST_DIGITS = 12, 6
#: A file's bytes as bytes, whatever SQLite holds: a writer outside transition
#: may leave text in the column (`content || 'x'` is text), which would
#: otherwise fail to decode rather than be found changed.
STORED_BYTES = cast(col(EvidenceFile.content), LargeBinary)


def attach(
    tracker: Tracker, items: Sequence[ChecklistItem], uploads: Sequence[Upload]
) -> list[str]:
    """Attach each file to each step (the steps already checked by the caller),
    each attachment an `item.attached` event carrying the file's hash."""
    messages = []
    for item in items:
        member = tracker.find.member_of(item)
        for upload in uploads:
            file_id = _kept_file(tracker, key(member), upload)
            if _attached(tracker, key(item), file_id):
                messages.append(
                    f"item {item.id} already has {upload.name} ({upload.sha256[:SHOWN_DIGITS]}); "
                    "nothing changed"
                )
                continue
            name = file_name(upload.name)
            attachment = new_row(
                Attachment,
                item_id=key(item),
                member_id=key(member),
                file_id=file_id,
                name=name,
                captured_on=upload.captured,
                attached_at=now(),
                attached_by=tracker.actor,
            )
            tracker.keep(attachment)
            step = f"{item.step_id}{tracker.find.on_account(item)} for {member.name}"
            tracker.journal.item(
                Action.ITEM_ATTACHED,
                item,
                member,
                f"attached {name} to {step}",
                after={
                    "attachment": attachment.id,
                    "file": name,
                    "sha256": upload.sha256,
                    "media_type": upload.media_type,
                    "size": upload.size,
                    "captured_on": upload.captured.isoformat(),
                },
            )
            messages.append(
                f"item {item.id}: attached {name} ({upload.media_type}, {shown_size(upload.size)}, "
                f"sha256 {upload.sha256[:SHOWN_DIGITS]})"
            )
    return messages


def _kept_file(tracker: Tracker, member_id: int, upload: Upload) -> int:
    """The id of the member's copy of the file: the one already kept, or a new one."""
    new_files: dict[tuple[int, str], int] = tracker.__dict__.setdefault("_new_files", {})
    if (member_id, upload.sha256) in new_files:
        return new_files[member_id, upload.sha256]
    found = tracker.session.exec(
        select(EvidenceFile.id).where(
            EvidenceFile.member_id == member_id, EvidenceFile.sha256 == upload.sha256
        )
    ).first()
    if found is not None:
        return found
    kept = new_row(
        EvidenceFile,
        member_id=member_id,
        sha256=upload.sha256,
        media_type=upload.media_type,
        size=upload.size,
        content=upload.content,
    )
    tracker.keep(kept)
    new_files[member_id, upload.sha256] = key(kept)
    return key(kept)


def _attached(tracker: Tracker, item_id: int, file_id: int) -> bool:
    query = select(Attachment.id).where(
        Attachment.item_id == item_id, Attachment.file_id == file_id
    )
    return tracker.session.exec(query).first() is not None


def evidence_rows(
    tracker: Tracker,
    member: Member | None = None,
    item_id: int | None = None,
    file_id: int | None = None,
) -> list[EvidenceRow]:
    """Every attachment (of one member, one step or one file), oldest first,
    without the bytes."""
    query = (
        select(Attachment, EvidenceFile.sha256, EvidenceFile.media_type, EvidenceFile.size)
        .join(EvidenceFile, col(EvidenceFile.id) == Attachment.file_id)
        .order_by(col(Attachment.id))
    )
    if member is not None:
        query = query.where(Attachment.member_id == key(member))
    if item_id is not None:
        item = tracker.find.item(item_id)
        query = query.where(Attachment.item_id == key(item))
    if file_id is not None:
        query = query.where(Attachment.file_id == file_id)
    found = tracker.session.exec(query).all()
    names = _member_names(tracker, {attachment.member_id for attachment, *_ in found})
    steps = _steps(tracker, {attachment.item_id for attachment, *_ in found})
    return [
        {
            "id": key(attachment),
            "item": attachment.item_id,
            "member": names[attachment.member_id],
            "step": steps[attachment.item_id],
            "file": attachment.name,
            "media_type": media_type,
            "size": size,
            "sha256": sha256,
            "captured_on": attachment.captured_on.isoformat(),
            "attached_at": _instant(attachment.attached_at),
            "attached_by": attachment.attached_by,
        }
        for attachment, sha256, media_type, size in found
    ]


def _member_names(tracker: Tracker, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Member.id, Member.name).where(col(Member.id).in_(ids))
    return {key_of(row_id): name for row_id, name in tracker.session.exec(query)}


def _steps(tracker: Tracker, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(ChecklistItem.id, ChecklistItem.step_id).where(col(ChecklistItem.id).in_(ids))
    return {key_of(row_id): step for row_id, step in tracker.session.exec(query)}


def _instant(moment: Any) -> str:
    from transition.store.listings import toronto_time

    return str(toronto_time(moment))


def content(tracker: Tracker, prefix: str) -> tuple[EvidenceRow, bytes]:
    """The file whose SHA-256 begins with `prefix`, and its bytes: refused
    when no file, or more than one, has such a hash."""
    wanted = prefix.strip().lower()
    if len(wanted) < FEWEST_DIGITS or any(c not in "0123456789abcdef" for c in wanted):
        raise Refused(
            f"{prefix!r} is not the start of a file's SHA-256; give at least {FEWEST_DIGITS} "
            "of its hex digits",
            Remedy.EVIDENCE_LIST,
        )
    query = select(EvidenceFile.id, EvidenceFile.sha256).where(
        col(EvidenceFile.sha256).startswith(wanted)
    )
    matches = tracker.session.exec(query).all()
    hashes = sorted({sha256 for _, sha256 in matches})
    if not hashes:
        raise NotFound("evidence file", prefix)
    if len(hashes) > 1:
        raise Refused(
            f"{len(hashes)} files have a SHA-256 starting {wanted} "
            f"({', '.join(h[:SHOWN_DIGITS] for h in hashes[:4])}); give more of its digits",
            Remedy.EVIDENCE_LIST,
        )
    file_id = matches[0][0]
    data = bytes(tracker.session.exec(select(STORED_BYTES).where(EvidenceFile.id == file_id)).one())
    if hashlib.sha256(data).hexdigest() != hashes[0]:
        # Changed bytes handed out under the hash they no longer have would
        # pass for the evidence they replaced.
        raise Refused(
            f"evidence file {file_id}'s bytes no longer give its SHA-256 "
            f"{hashes[0][:SHOWN_DIGITS]}: it was changed in the database",
            Remedy.CHECK,
        )
    return evidence_rows(tracker, file_id=file_id)[0], data


def file_contents(tracker: Tracker, member: Member, hashes: Sequence[str]) -> list[bytes]:
    """The bytes of the member's files with these SHA-256s, in their order."""
    found = []
    for sha256 in hashes:
        data = tracker.session.exec(
            select(STORED_BYTES).where(
                EvidenceFile.member_id == key(member), EvidenceFile.sha256 == sha256
            )
        ).one()
        found.append(bytes(data))
    return found


def file_problems(tracker: Tracker) -> tuple[list[str], int]:
    """Each stored file whose bytes no longer give its SHA-256, or whose hash
    is not the one its attachment's event carried; and how many files were
    checked. Files are read one at a time (a council's are gigabytes)."""
    session = tracker.session
    found = []
    ids = session.exec(select(EvidenceFile.id).order_by(col(EvidenceFile.id))).all()
    hashes: dict[int, str] = {}
    for file_id in ids:
        sha256, data = session.exec(
            select(EvidenceFile.sha256, STORED_BYTES).where(EvidenceFile.id == file_id)
        ).one()
        hashes[key_of(file_id)] = sha256
        actual = hashlib.sha256(bytes(data)).hexdigest()
        if actual != sha256:
            found.append(
                f"evidence file {file_id} ({sha256[:SHOWN_DIGITS]}): its bytes now hash to "
                f"{actual[:SHOWN_DIGITS]}; the file was changed in the database"
            )
    carried = _hashes_carried(tracker)
    held = session.exec(
        select(Attachment.id, Attachment.file_id, Attachment.item_id).order_by(col(Attachment.id))
    ).all()
    for gone in sorted(set(carried) - {key_of(attachment_id) for attachment_id, *_ in held}):
        found.append(
            f"attachment {gone} ({carried[gone][:SHOWN_DIGITS]}), which the trail recorded, "
            "is gone from the record: its evidence was deleted"
        )
    for attachment_id, file_id, item_id in held:
        want = carried.get(key_of(attachment_id))
        have = hashes.get(file_id)
        if have is None:
            found.append(
                f"attachment {attachment_id} of item {item_id}: its file {file_id} is missing"
            )
        elif want is None:
            found.append(
                f"attachment {attachment_id} of item {item_id} has no item.attached event "
                "in the audit trail"
            )
        elif want != have:
            found.append(
                f"attachment {attachment_id} of item {item_id}: its file's SHA-256 is "
                f"{have[:SHOWN_DIGITS]}, but the trail recorded {want[:SHOWN_DIGITS]}"
            )
    return found, len(ids)


def _hashes_carried(tracker: Tracker) -> dict[int, str]:
    """Each attachment's SHA-256 as its `item.attached` event recorded it."""
    query = select(Event.after).where(Event.action == Action.ITEM_ATTACHED)
    carried = {}
    for after in tracker.session.exec(query):
        values = json.loads(after) if after else {}
        if isinstance(values.get("attachment"), int) and isinstance(values.get("sha256"), str):
            carried[values["attachment"]] = values["sha256"]
    return carried


def key_of(value: int | None) -> int:
    if value is None:
        raise AssertionError("a stored row without an id")
    return value


def files_of(
    tracker: Tracker, item_ids: Iterable[int] | None, member: Member | None = None
) -> dict[int, list[EvidenceRow]]:
    """Each step's attachments (of these steps, or all), for the documents
    and the export that list them."""
    wanted = None if item_ids is None else set(item_ids)
    found: dict[int, list[EvidenceRow]] = {}
    for row in evidence_rows(tracker, member=member):
        if wanted is None or row["item"] in wanted:
            found.setdefault(row["item"], []).append(row)
    return found
