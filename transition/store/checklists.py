"""Keeping each checklist in step with what the planner says is due.

Every change that could move a due date (a filing date, an option, an
account's connections, an election's dates) re-plans the candidacy with the
pure planner, so stored due dates never go stale: open items follow their
anchors, done items stay done, and items that stop applying are marked
superseded, never deleted. Each move is an event in the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import select

from transition.core.terms import due_text
from transition.store.journal import fields, now
from transition.store.models import Candidacy, ChecklistItem, Election, Member

if TYPE_CHECKING:
    from transition.store.tracker import Tracker


class Checklists:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.session = tracker.session

    def sync(self, candidacy: Candidacy) -> None:
        """Make the candidacy's items match what the planner says is due now."""
        find, session = self.tracker.find, self.session
        if candidacy.id is None:  # a member without one (edited by hand) gets it now
            session.add(candidacy)
            session.flush()
        member = session.get(Member, candidacy.member_id)
        result = find.plan(candidacy)
        query = select(ChecklistItem).where(ChecklistItem.candidacy_id == candidacy.id)
        existing = {(i.step_id, i.account_id): i for i in session.exec(query).all()}
        planned_keys = set()
        for planned in result.steps:
            key = (planned.step.id, planned.account.key if planned.account else None)
            planned_keys.add(key)
            item = existing.get(key)
            if item is None:
                item = ChecklistItem(
                    candidacy_id=candidacy.id,
                    step_id=key[0],
                    account_id=key[1],
                    due=planned.due,
                    latest=planned.latest,
                )
                session.add(item)
                session.flush()
                self._event(item, member, "item.added", "added", after=_dates(item))
                continue
            if item.superseded_at is not None:
                item.superseded_at = None
                self._event(item, member, "item.restored", "applies again")
            if item.status == "open" and (item.due, item.latest) != (planned.due, planned.latest):
                before = _dates(item)
                item.due, item.latest = planned.due, planned.latest
                moved = f"moved from {_due(before)} to {_due(_dates(item))}"
                self._event(item, member, "item.moved", moved, before, _dates(item))
        for key, item in existing.items():
            if key not in planned_keys and item.superseded_at is None:
                item.superseded_at = now()
                self._event(item, member, "item.superseded", "no longer applies")
        session.flush()

    def sync_member(self, member: Member) -> None:
        """Re-plan the member in every election that is not over."""
        query = select(Candidacy).where(Candidacy.member_id == member.id)
        for candidacy in self.session.exec(query).all():
            election = self.session.get(Election, candidacy.election_id)
            if self.tracker.find.calendar(election).voting_day >= self.tracker.today:
                self.sync(candidacy)

    def _event(
        self,
        item: ChecklistItem,
        member: Member,
        action: str,
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
