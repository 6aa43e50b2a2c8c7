"""The tool's vocabulary, each term defined once with its wording.

A member runs or not, takes Option 1 or 2, holds an office, keeps accounts
in a role; an account has the bulletin's five City connections; a step is
due on a day, or on filing by a day, and is overdue after it. The store's
columns, the command line's flags, the CSV columns and every printed label
are derived from these definitions, so a sixth connection is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Running(StrEnum):
    """Whether the member runs in the election."""

    YES = "yes"
    NO = "no"
    #: Planned as if running: the publication cutoff comes months before the
    #: last day to decide.
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return {"yes": "running", "no": "not running", "undecided": "undecided"}[self.value]


class Option(StrEnum):
    """How a running member keeps their accounts (bulletin para 19)."""

    #: Option 1: a separate campaign account; the council account stays (para 19a).
    SEPARATE = "separate"
    #: Option 2: the one account becomes the campaign account (para 19b).
    SINGLE = "single"

    @property
    def number(self) -> int:
        return 1 if self is Option.SEPARATE else 2

    @property
    def paragraph(self) -> str:
        return "19a" if self is Option.SEPARATE else "19b"

    @property
    def label(self) -> str:
        if self is Option.SEPARATE:
            return "Option 1: separate council and campaign accounts (para 19a)"
        return "Option 2: one account becomes the campaign account (para 19b)"

    @classmethod
    def numbered(cls, number: int) -> Option:
        return cls.SEPARATE if number == 1 else cls.SINGLE


class ItemStatus(StrEnum):
    """Where a member's step stands."""

    OPEN = "open"
    DONE = "done"
    #: Recorded as not needed, with the reason.
    WAIVED = "waived"


class Office(StrEnum):
    """The seat a member holds; the law may change one office's dates only."""

    COUNCILLOR = "councillor"
    MAYOR = "mayor"


class Signer(StrEnum):
    """Who signs off a member's record (`transition attest`)."""

    #: The member, for their own record.
    MEMBER = "member"
    #: The office's lead, for the member.
    OFFICE = "office"
    #: The clerk, accepting the record.
    CLERK = "clerk"


class Role(StrEnum):
    """What an account is for."""

    COUNCIL = "council"
    CAMPAIGN = "campaign"
    #: The one account of Option 2, which becomes the campaign account.
    SINGLE = "single"


@dataclass(frozen=True)
class Connection:
    """One of the five ways an account is tied to the City ("When is caution
    required?"), and how to say that it holds or does not."""

    #: As JSON and the command line's flags spell it: "identifies-member".
    key: str
    label: str
    holds: str
    absent: str

    @property
    def field(self) -> str:
        """As the store's column, the CSV column and the code spell it."""
        return self.key.replace("-", "_")


#: The first connection, a registration email in the municipality's domain,
#: is read from the email itself; the other four are recorded as flags.
CITY_EMAIL = Connection("city-email", "City email", "", "")
FLAGGED_CONNECTIONS: tuple[Connection, ...] = (
    Connection(
        "identifies-member",
        "Identifies member",
        "identifies the member as a current member of Council",
        "does not identify the member as a member of Council",
    ),
    Connection(
        "publicised",
        "Publicised by City",
        "is publicised on the member's or the City's website, cards, newsletters "
        "or other publications the office budget can pay for",
        "is not publicised in City or office-funded publications",
    ),
    Connection("uses-logo", "City logo", "uses the City logo", "does not use the City logo"),
    Connection(
        "city-resources",
        "City resources",
        "is managed with City resources (devices, City or office staff, volunteers, "
        "or contractors the office budget pays)",
        "is not managed with City resources",
    ),
)
CONNECTIONS: tuple[Connection, ...] = (CITY_EMAIL, *FLAGGED_CONNECTIONS)
CONNECTION_FIELDS: tuple[str, ...] = tuple(c.field for c in FLAGGED_CONNECTIONS)


def seat_label(office: str, ward: str | None) -> str:
    """ "Ward 7", or "Mayor"."""
    return f"Ward {ward}" if ward else office.capitalize()


def filing_kind(filing_date: date | str | None, actual: bool) -> str | None:
    """Whether a recorded filing date has happened: "actual" or "planned"."""
    if filing_date is None:
        return None
    return "actual" if actual else "planned"


def due_text(due: date | str | None, latest: date | str) -> str:
    """When a step is due: its date, or "on filing, by DATE" while the filing
    date it hangs on is unknown (nomination day is the latest it can fall)."""
    if due:
        return due if isinstance(due, str) else due.isoformat()
    return f"on filing, by {latest if isinstance(latest, str) else latest.isoformat()}"


def is_overdue(status: str, latest: date, today: date, superseded: bool = False) -> bool:
    """An open, current step is overdue once the last day it could fall due is
    past. The store's status query says the same in SQL (`transition.store.status`)."""
    return status == ItemStatus.OPEN and not superseded and today > latest


def due_order(due: date | None, latest: date, item_id: int) -> tuple[date, int]:
    """The order open steps fall due in: their day (the latest it can be,
    while it hangs on a filing date not known), then their id. A member's
    next step is their first open one in this order; the store's status
    query says the same in SQL (`transition.store.status`)."""
    return (due or latest, item_id)


def who_did(actor: str, recorded_by: str | None) -> str:
    """ "Sam", or "Sam, recorded by ward7staff" where the one signed in differs."""
    if recorded_by and recorded_by != actor:
        return f"{actor}, recorded by {recorded_by}"
    return actor
