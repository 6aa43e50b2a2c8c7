"""Changing the record: one method per user action, each on the record.

Elections, members, candidacies and accounts change here, inside the
caller's transaction, one module each. Every change writes its event to the
journal, and every change that could move a due date re-plans the checklists
it touches. `Changes` is what the tracker offers as `tracker.change`.
"""

from __future__ import annotations

from transition.store.changes.accounts import AccountChanges
from transition.store.changes.elections import ElectionChanges
from transition.store.changes.members import MemberChanges

__all__ = ["Changes"]


class Changes(ElectionChanges, MemberChanges, AccountChanges):
    """Every change a user can make to the record."""
