"""Changing a member's accounts: adding one, changing its role or its City
connections. The member's steps per account follow."""

from __future__ import annotations

from typing import Any

from transition.core.terms import CONNECTION_FIELDS
from transition.errors import TransitionError
from transition.store.changes.base import ChangesBase
from transition.store.models import (
    Account,
    Member,
    key,
    new_row,
)
from transition.store.trail.events import Action, Subject
from transition.store.trail.journal import changed, fields, now
from transition.store.values import (
    ACCOUNT_TEXT,
    account_fields,
)


class AccountChanges(ChangesBase):
    def add_account(self, member: Member, **values: Any) -> Account:
        self.tracker.access.check_member(key(member), member.name, "accounts")
        account = new_row(Account, member_id=member.id, created_at=now(), **account_fields(values))
        for other in self.find.accounts_of(member):
            if (other.platform.casefold(), other.handle.casefold()) == (
                account.platform.casefold(),
                account.handle.casefold(),
            ):
                raise TransitionError(
                    f"{member.name} already has the {other.platform} account {other.handle} "
                    f"(account {other.id})"
                )
        self.tracker.keep(account)
        self.journal.record(
            Action.ACCOUNT_ADDED,
            Subject("account", account.id),
            f"added {account.platform} {account.handle} ({account.role}) for {member.name}",
            member,
            after=fields(account, "platform", "handle", "role", "email", *CONNECTION_FIELDS),
        )
        self.checklists.sync_member(member)
        return account

    def update_account(self, account: Account, **values: Any) -> Account:
        """Change the fields given (None leaves one as it is); steps follow."""
        owner = self.find.get(Member, account.member_id)
        self.tracker.access.check_member(owner.id, owner.name, "accounts")
        before = fields(account, *ACCOUNT_TEXT, *CONNECTION_FIELDS)
        given = {k: v for k, v in values.items() if v is not None}
        for name, value in account_fields({**before, **given}).items():
            setattr(account, name, value)
        after = fields(account, *ACCOUNT_TEXT, *CONNECTION_FIELDS)
        if before != after:
            member = owner
            self.journal.record(
                Action.ACCOUNT_CHANGED,
                Subject("account", account.id),
                f"changed {account.platform} {account.handle} of {member.name}",
                member,
                *changed(before, after),
            )
            self.checklists.sync_member(member)
        return account
