"""The tracker's tables: what an office records and what the tool derives.

Dates the law fixes are not stored: a regular election keeps only its year
and its dates are computed by `transition.core.calendar`, so a database never
holds a stale copy of the formula. A by-election keeps the clerk's three
dates. Checklist items keep their due dates, but `transition.store.tracker`
recomputes them on every change that could move them.

Every datetime is timezone-aware UTC; every date is a Toronto date.
The `event` table is the audit trail; triggers created by the migrations make
it append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import LargeBinary, String, UniqueConstraint, inspect
from sqlalchemy.orm.attributes import instance_dict
from sqlmodel import Field, Relationship, SQLModel

from transition.core.terms import ItemStatus

#: The relationships below tell the unit of work which rows hang on which,
#: so that a flush of many new rows at once (an import) writes each before
#: the rows that refer to it: SQLAlchemy orders INSERTs by relationships,
#: not by foreign keys. Nothing reads them (rows refer to each other by their
#: ids, and reading one raises); events are written after the flush, by
#: `transition.store.trail.journal`.
UNREAD = {"lazy": "raise"}


class Election(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    #: What `--election` matches: "2030" for a regular election, the
    #: clerk's name for a by-election.
    name: str = Field(sa_type=String(collation="NOCASE"), unique=True)
    kind: str  # "regular" or "by-election"
    year: int
    opens: date | None = None
    nomination_day: date | None = None
    voting_day: date | None = None
    #: A by-election's by-law date, where the clerk gave it (checks the dates).
    bylaw_date: date | None = None
    municipality: str
    profile_id: str
    #: The profile's TOML as it was when the election was added, so the
    #: record keeps the rules it was kept under.
    profile_toml: str
    created_at: datetime
    #: Where the clerk hears of steps overdue (reminders copy the clerk).
    clerk_email: str | None = None


class OfficeOverride(SQLModel, table=True):
    """Dates the law changed for one office in a regular election, with the source."""

    __tablename__ = "office_override"
    __table_args__ = (UniqueConstraint("election_id", "office"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id", index=True)
    office: str  # "councillor" or "mayor"
    #: None keeps the statutory opening.
    opens: date | None = None
    nomination_day: date
    source: str
    created_at: datetime
    election_row: Election = Relationship(sa_relationship_kwargs=UNREAD)


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(collation="NOCASE"), unique=True)
    ward: str | None = None
    office: str = "councillor"  # "councillor" or "mayor"
    created_at: datetime
    #: The office's contact addresses, joined by "; " (reminders go there).
    emails: str | None = None


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    platform: str
    handle: str
    url: str | None = None
    role: str  # "council", "campaign" or "single"
    email: str | None = None
    phone: str | None = None
    identifies_member: bool = False
    publicised: bool = False
    uses_logo: bool = False
    city_resources: bool = False
    created_at: datetime
    member_row: Member = Relationship(sa_relationship_kwargs=UNREAD)


class Candidacy(SQLModel, table=True):
    """A member in an election: whether they run, how, and when they file."""

    __table_args__ = (UniqueConstraint("member_id", "election_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    election_id: int = Field(foreign_key="election.id", index=True)
    running: str = "undecided"  # "yes", "no" or "undecided"
    option: str | None = None  # "separate" (Option 1) or "single" (Option 2)
    filing_date: date | None = None
    #: False while the filing date is only planned.
    filing_actual: bool = False
    member_row: Member = Relationship(sa_relationship_kwargs=UNREAD)
    election_row: Election = Relationship(sa_relationship_kwargs=UNREAD)


class ChecklistItem(SQLModel, table=True):
    """One step of the profile for one candidacy, and one account where it is per account."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("candidacy_id", "step_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    candidacy_id: int = Field(foreign_key="candidacy.id", index=True)
    step_id: str
    account_id: int | None = Field(default=None, foreign_key="account.id")
    status: str = ItemStatus.OPEN
    #: None while the filing date the step hangs on is not known.
    due: date | None = None
    #: The last day the step can fall due (nomination day for "on filing").
    latest: date
    done_on: date | None = None
    done_by: str | None = None
    note: str | None = None
    evidence: str | None = None
    #: Set when the step stops applying (the member stopped running, changed
    #: option, or the account changed); the item is kept as history.
    superseded_at: datetime | None = None
    #: Who sees the step through, where not the office as a whole, and their address.
    owner: str | None = None
    owner_email: str | None = None
    candidacy_row: Candidacy = Relationship(sa_relationship_kwargs=UNREAD)
    account_row: Account = Relationship(sa_relationship_kwargs=UNREAD)


class EvidenceFile(SQLModel, table=True):
    """A file kept as evidence, once a member however many steps it proves:
    its bytes, and the SHA-256 its row events carry into the hash chain
    (the bytes themselves stay out of the trail, migration 0010)."""

    __tablename__ = "evidence_file"
    __table_args__ = (UniqueConstraint("member_id", "sha256", name="evidence_file_once"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    sha256: str = Field(sa_type=String(64))
    #: Judged from the bytes (`transition.store.evidence`), never from the name.
    media_type: str
    size: int
    content: bytes = Field(sa_type=LargeBinary)
    member_row: Member = Relationship(sa_relationship_kwargs=UNREAD)


class Attachment(SQLModel, table=True):
    """A file attached to a step: the name it came under, the day it shows
    (captured) apart from the day it was recorded (attached)."""

    __table_args__ = (UniqueConstraint("item_id", "file_id", name="attachment_once"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="checklist_item.id", index=True)
    #: The step's member, which the trail checks (an event names its step's member).
    member_id: int = Field(foreign_key="member.id", index=True)
    file_id: int = Field(foreign_key="evidence_file.id")
    name: str
    captured_on: date
    attached_at: datetime
    attached_by: str
    item_row: ChecklistItem = Relationship(sa_relationship_kwargs=UNREAD)
    file_row: EvidenceFile = Relationship(sa_relationship_kwargs=UNREAD)


class Event(SQLModel, table=True):
    """One change, as it happened: the audit trail (append-only)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    #: Who the command said did it (`--by`, TRANSITION_USER, the login).
    actor: str
    #: Who was signed in when it was recorded, which no option changes: the
    #: connected role on PostgreSQL, the system login on SQLite. Empty for
    #: events written before transition recorded it.
    recorded_by: str | None = None
    action: str
    member_id: int | None = Field(default=None, index=True)
    #: The checklist item the event is about, if it is about one.
    item_id: int | None = Field(default=None, foreign_key="checklist_item.id", index=True)
    subject: str  # "item 12", "member 3", ...
    summary: str
    before: str | None = None  # JSON of the fields that changed
    after: str | None = None
    #: SHA-256 of this event's content and the previous event's chain
    #: (`transition.store.trail.chain`).
    chain: str | None = Field(default=None, sa_type=String(64))


Row = TypeVar("Row", bound=SQLModel)


class Stored(Protocol):
    id: int | None


def key(row: Stored) -> int:
    """A stored row's id. Every row the store hands out has one (ids are given
    before a row is added, `transition.store.ids`), though the models must
    allow None for a row not yet added; a row without one here is a defect."""
    if row.id is None:
        raise AssertionError(f"a {type(row).__name__} without an id")
    return row.id


def new_row(model: type[Row], **values: Any) -> Row:
    """A new row of `model`, made in a fraction of the constructor's time.

    SQLModel's constructor validates and sets each field twice over (through
    pydantic and SQLAlchemy's instrumentation), which an import of tens of
    thousands of rows felt more than anything else. A row made as SQLAlchemy
    makes one it loads (its mapper's `class_manager.new_instance()`), with
    every field, defaults included, in the dictionary the ORM keeps for it
    (`instance_dict`), is the same row: SQLAlchemy writes a new row's INSERT
    from that dictionary, and changes after this go through the
    instrumentation as usual. (Setting each field through `set_attribute`
    costs five times as much, which a 100,000-member import felt.)"""
    row: Row = inspect(model).class_manager.new_instance()
    instance_dict(row).update(_defaults(model), **values)
    return row


@cache
def _defaults(model: Any) -> dict[str, Any]:
    return {
        name: field.get_default(call_default_factory=True)
        for name, field in model.model_fields.items()
        if not field.is_required()
    }
