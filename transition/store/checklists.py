"""Keeping each checklist in step with what the planner says is due.

Every change that could move a due date (a filing date, an option, an
account's connections, an election's dates) re-plans the candidacy with the
pure planner, so stored due dates never go stale: open items follow their
anchors, done items stay done, and items that stop applying are marked
superseded, never deleted. Each move is an event in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from transition.core.terms import ItemStatus, due_text
from transition.store.models import Candidacy, ChecklistItem, Election, Member, key, new_row
from transition.store.trail.events import Action
from transition.store.trail.journal import fields, now

if TYPE_CHECKING:
    from transition.store.tracker import Tracker


class Checklists:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.session = tracker.session
        self._waiting: dict[int, Candidacy] | None = None

    @contextmanager
    def together(self) -> Iterator[None]:
        """Re-plan each candidacy the changes inside touch once, when they are
        all made, rather than after each: an import row that adds a member,
        sets the candidacy and the filing date plans once, and its items'
        events say where each item ends up."""
        self._waiting = {}
        try:
            yield
            waiting = list(self._waiting.values())
        finally:
            self._waiting = None
        for candidacy in waiting:
            self.sync(candidacy)

    def sync(self, candidacy: Candidacy) -> None:
        """Make the candidacy's items match what the planner says is due now."""
        find = self.tracker.find
        if candidacy.id is None:  # a member without one (edited by hand) gets it now
            self.tracker.keep(candidacy)
        if self._waiting is not None:
            self._waiting[key(candidacy)] = candidacy
            return
        member = find.get(Member, candidacy.member_id)
        result = find.plan(candidacy)
        existing = {(i.step_id, i.account_id): i for i in find.items_of(candidacy)}
        planned_keys = set()
        for planned in result.steps:
            wanted = (planned.step.id, planned.account.key if planned.account else None)
            planned_keys.add(wanted)
            item = existing.get(wanted)
            if item is None:
                item = new_row(
                    ChecklistItem,
                    candidacy_id=candidacy.id,
                    step_id=wanted[0],
                    account_id=wanted[1],
                    due=planned.due,
                    latest=planned.latest,
                )
                self.tracker.keep(item)
                self._event(item, member, Action.ITEM_ADDED, "added", after=_dates(item))
                continue
            if item.superseded_at is not None:
                item.superseded_at = None
                self._event(item, member, Action.ITEM_RESTORED, "applies again")
            if item.status == ItemStatus.OPEN and (item.due, item.latest) != (
                planned.due,
                planned.latest,
            ):
                before = _dates(item)
                item.due, item.latest = planned.due, planned.latest
                moved = f"moved from {_due(before)} to {_due(_dates(item))}"
                self._event(item, member, Action.ITEM_MOVED, moved, before, _dates(item))
        for wanted, item in existing.items():
            if wanted not in planned_keys and item.superseded_at is None:
                item.superseded_at = now()
                self._event(item, member, Action.ITEM_SUPERSEDED, "no longer applies")

    def sync_member(self, member: Member) -> None:
        """Re-plan the member in every election that is not over."""
        for candidacy in self.tracker.find.candidacies_of(member):
            election = self.tracker.find.get(Election, candidacy.election_id)
            if self.tracker.find.calendar(election).voting_day >= self.tracker.today:
                self.sync(candidacy)

    def _event(
        self,
        item: ChecklistItem,
        member: Member,
        action: Action,
        verb: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        subject = f"{item.step_id}{self.tracker.find.on_account(item)}"
        summary = f"{subject} for {member.name}: {verb}"
        self.tracker.journal.item(action, item, member, summary, before, after)


def _dates(item: ChecklistItem) -> dict[str, Any]:
    return fields(item, "due", "latest")


def _due(dates: dict[str, Any]) -> str:
    return due_text(dates["due"], dates["latest"])
