"""Marking steps: done, reopened, annotated, waived or assigned, each on the record.

Every id is checked (it exists, it still applies) before anything changes,
so a command with one wrong id changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from transition.core.terms import ItemStatus
from transition.errors import TransitionError
from transition.store.errors import NothingToRecord
from transition.store.models import ChecklistItem, key
from transition.store.trail.events import Action
from transition.store.trail.journal import changed, fields
from transition.store.values import clean_address, clean_text, normal_name, optional_text

if TYPE_CHECKING:
    from transition.store.evidence import Upload
    from transition.store.tracker import Tracker


class Marking:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.find = tracker.find
        self.journal = tracker.journal

    def done(
        self,
        item_ids: Iterable[int],
        note: str | None,
        evidence: str | None,
        files: Sequence[Upload] = (),
    ) -> list[str]:
        """Mark steps done, and attach the files that prove it (`files`) in
        the same transaction, to steps already done as well."""
        messages = []
        items = self._items(item_ids)
        for item in items:
            if item.status == ItemStatus.DONE:
                messages.append(
                    f"item {item.id} was already done by {item.done_by} on {item.done_on}; "
                    "nothing changed"
                )
                continue
            self._change(
                item,
                Action.ITEM_DONE,
                "done",
                status=ItemStatus.DONE,
                done_on=self.tracker.today,
                done_by=self.tracker.actor,
                note=optional_text(note, "note", item.note),
                evidence=optional_text(evidence, "evidence", item.evidence),
            )
            messages.append(f"item {item.id} done: {self.find.step_title(item)}")
        return messages + self._attach(items, files)

    def reopen(self, item_ids: Iterable[int], note: str | None) -> list[str]:
        messages = []
        for item in self._items(item_ids):
            if item.status == ItemStatus.OPEN:
                messages.append(f"item {item.id} is already open; nothing changed")
                continue
            self._change(
                item,
                Action.ITEM_REOPENED,
                "reopened",
                status=ItemStatus.OPEN,
                done_on=None,
                done_by=None,
                note=optional_text(note, "note", item.note),
            )
            messages.append(f"item {item.id} reopened: {self.find.step_title(item)}")
        return messages

    def annotate(
        self,
        item_ids: Iterable[int],
        note: str | None,
        evidence: str | None,
        files: Sequence[Upload] = (),
    ) -> list[str]:
        """Add or replace the note or evidence of steps, and attach files to
        them, whatever their status."""
        if note is None and evidence is None and not files:
            raise NothingToRecord()
        messages: list[str] = []
        items = self._items(item_ids)
        for item in items:
            if note is None and evidence is None:
                break
            values: dict[str, Any] = {
                "note": optional_text(note, "note", item.note),
                "evidence": optional_text(evidence, "evidence", item.evidence),
            }
            if values == {"note": item.note, "evidence": item.evidence}:
                messages.append(f"item {item.id} already says that; nothing changed")
                continue
            self._change(item, Action.ITEM_ANNOTATED, "annotated", **values)
            messages.append(f"item {item.id} annotated: {self.find.step_title(item)}")
        return messages + self._attach(items, files)

    def waive(self, item_id: int, reason: str) -> str:
        (item,) = self._items([item_id])
        reason = clean_text(reason, "reason")
        if item.status == ItemStatus.WAIVED:
            return f"item {item.id} is already waived ({item.note}); nothing changed"
        self._change(
            item,
            Action.ITEM_WAIVED,
            "waived",
            status=ItemStatus.WAIVED,
            done_on=self.tracker.today,
            done_by=self.tracker.actor,
            note=reason,
        )
        return f"item {item.id} waived: {self.find.step_title(item)}"

    def assign(self, item_ids: Iterable[int], owner: str | None, email: str | None) -> list[str]:
        """Give steps an owner, who hears of them instead of the office as a
        whole (their address, if given); no owner gives them back to the office."""
        wanted: dict[str, Any] = {
            "owner": normal_name(owner, "owner") if owner is not None else None,
            "owner_email": clean_address(email, "owner's address") if email is not None else None,
        }
        if wanted["owner_email"] and not wanted["owner"]:
            raise TransitionError("an owner's address needs the owner's name")
        verb = f"assigned to {wanted['owner']}" if wanted["owner"] else "given back to the office"
        messages = []
        for item in self._items(item_ids):
            if wanted == {"owner": item.owner, "owner_email": item.owner_email}:
                messages.append(f"item {item.id} is already {verb}; nothing changed")
                continue
            self._change(item, Action.ITEM_ASSIGNED, verb, after=True, **wanted)
            messages.append(f"item {item.id} {verb}: {self.find.step_title(item)}")
        return messages

    def _attach(self, items: Sequence[ChecklistItem], files: Sequence[Upload]) -> list[str]:
        if not files:
            return []
        from transition.store.attachments import attach

        unique = list({upload.sha256: upload for upload in files}.values())
        return attach(self.tracker, items, unique)

    def _items(self, item_ids: Iterable[int]) -> list[ChecklistItem]:
        """The items, each checked to exist and apply, before anything changes."""
        items = [self.find.item(i) for i in dict.fromkeys(item_ids)]
        for item in items:
            member = self.find.member_of(item)
            self.tracker.access.check_member(key(member), member.name)
            if item.superseded_at is not None:
                raise TransitionError(
                    f"item {item.id} no longer applies (superseded); nothing was changed"
                )
        return items

    def _change(
        self, item: ChecklistItem, action: Action, verb: str, *, after: bool = False, **values: Any
    ) -> None:
        """Change the item's fields, and record it: "done remove-city-identity
        for Ann Lee" (or, `after`, "remove-city-identity for Ann Lee assigned to Sam")."""
        before = fields(item, *values)
        for name, value in values.items():
            setattr(item, name, value)
        member = self.find.member_of(item)
        step = f"{item.step_id}{self.find.on_account(item)} for {member.name}"
        summary = f"{step} {verb}" if after else f"{verb} {step}"
        self.journal.item(action, item, member, summary, *changed(before, fields(item, *values)))
