"""What every change to the record shares: the tracker's parts it works
through, and the candidacy a hand-edited database may lack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transition.core.terms import Option
from transition.store.models import Candidacy, Election, Member

if TYPE_CHECKING:
    from transition.store.tracker import Tracker

#: The options a running member may take, as `--option` and CSV files spell them.
OPTIONS = tuple(Option)


class ChangesBase:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.session = tracker.session
        self.find = tracker.find
        self.journal = tracker.journal
        self.checklists = tracker.checklists

    def _candidacy(self, member: Member, election: Election) -> Candidacy:
        """The candidacy to change, made now if a hand-edited database lacks it."""
        candidacy = self.find.candidacy(member, election)
        if candidacy.id is None:
            self.tracker.keep(candidacy)
        return candidacy
