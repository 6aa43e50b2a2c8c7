"""The shapes of what the store hands the command line: every listing's rows,
the grants, the fingerprint and the export, as `--json` prints them.

They are the contract a script reads (`transition.store.listings` builds
most of them), and the tables and printed documents draw the same dicts. At
run time each is a plain dict, its keys in the order they are declared here
(a subclass's after its base's, unless its docstring says otherwise), which
is the order JSON prints them in. A day is ISO text (YYYY-MM-DD); an instant
is ISO text with its offset, to the second.
"""

from __future__ import annotations

from typing import Any, TypedDict

# -- elections --------------------------------------------------------------


class ClosedDay(TypedDict):
    date: str
    #: The holiday or closure, as the profile's closure calendar names it.
    name: str


class OverrideDates(TypedDict):
    """One office's dates where the law changed them in a regular election."""

    office: str
    nomination_period_opens: str
    first_filing_day: str
    nomination_day: str
    #: What changed them (a regulation, a by-law), as recorded.
    source: str


class ElectionDates(TypedDict):
    """An election's key dates, as the core computes them
    (`transition.core.calendar.Election.payload`)."""

    #: "regular" or "by-election".
    kind: str
    #: The year of voting day.
    year: int
    #: The law the dates follow, by its key in `transition.core.calendar`.
    regime: str
    #: True when the dates rest on the law as it stands today, not on an
    #: election already held.
    projected: bool
    nomination_period_opens: str
    #: The first day on or after the opening when the clerk's office is open
    #: to take nomination papers (they are filed in person).
    first_filing_day: str
    nomination_day: str
    voting_day: str
    #: None for a by-election: the member elected serves out the term.
    term_begins: str | None
    #: The day publications showing an account's handle must stop: the
    #: opening itself, not moved to a business day (bulletin para 19b).
    publication_cutoff: str
    #: A by-election's by-law date, where the clerk gave it.
    bylaw_date: str | None
    #: The weekdays of the nomination period when the clerk's office is closed.
    closed_days: list[ClosedDay]
    overrides: list[OverrideDates]
    #: Where a by-election's dates do not fit the statute's pattern.
    warnings: list[str]


class ElectionRow(ElectionDates):
    """An election as `election list` and `election show` give it: its name,
    municipality and profile first, then its key dates."""

    #: What `--election` matches: the year of a regular election, the
    #: clerk's name for a by-election.
    name: str
    municipality: str
    #: The id of the profile whose rules the election is kept under.
    profile: str
    #: The clerk's e-mail address, where recorded.
    clerk_email: str | None


# -- members and accounts ---------------------------------------------------


class MemberRow(TypedDict):
    name: str
    #: None for the mayor.
    ward: str | None
    #: "councillor" or "mayor".
    office: str
    #: "yes", "no" or "undecided", in the election listed.
    running: str
    #: "separate" (Option 1) or "single" (Option 2); None until chosen.
    option: str | None
    filing_date: str | None
    #: "actual" once the filing date has happened, else "planned"; None
    #: without a filing date.
    filing: str | None
    #: How many accounts the member has.
    accounts: int
    #: The office's contact e-mail addresses.
    emails: list[str]


class AccountConnection(TypedDict):
    """One of the five ways an account can be tied to the City ("When is
    caution required?"), and whether it is."""

    #: As the command line's flags spell it: "identifies-member".
    key: str
    label: str
    holds: bool
    #: Why it holds or does not, in words.
    reason: str


class AccountRow(TypedDict):
    """An account with its caution assessment."""

    id: int
    #: The member's name.
    member: str
    platform: str
    handle: str
    url: str | None
    #: "council", "campaign" or "single".
    role: str
    email: str | None
    phone: str | None
    #: Whether any of the connections holds: then caution is required.
    city_connected: bool
    connections: list[AccountConnection]
    #: What else the assessment says of the account.
    notes: list[str]


# -- checklists -------------------------------------------------------------


class ChecklistEntry(TypedDict):
    """One checklist item, as `checklist_entries` gives it."""

    #: The item's id, as `transition done ID` takes it.
    id: int
    #: The member's name.
    member: str
    #: The step's id in the profile.
    step: str
    #: "PLATFORM HANDLE" for a step taken per account; None for the member's own.
    account: str | None
    #: The step's title (its id, where the profile no longer has it).
    title: str
    #: The bulletin paragraph the step cites; None where the profile no longer has it.
    paragraph: str | None
    #: None while the filing date the step hangs on is not known.
    due: str | None
    #: The last day the step can fall due (nomination day for one "on filing").
    latest: str
    #: "open", "done" or "waived".
    status: str
    #: Open, current, and its latest day is past.
    overdue: bool
    #: The day it was done or waived, as the one who marked it stated.
    done_at: str | None
    done_by: str | None
    note: str | None
    evidence: str | None
    #: It no longer applies (the member stopped running, changed option, or
    #: the account changed), and is kept as history.
    superseded: bool
    #: Who sees the step through, where not the office as a whole, and their address.
    owner: str | None
    owner_email: str | None
    #: What is doubtful about the filing date a step due on filing hangs on.
    warnings: list[str]


class ChecklistRow(ChecklistEntry):
    """One checklist item, as `transition checklist` lists it."""

    #: The day the mark was recorded, where that is more than a day away
    #: from `done_at`; else None.
    recorded_on: str | None


class EntryContext(TypedDict):
    """What `checklist_entries` gives beside each item, which the listing
    does not show."""

    member_id: int
    #: The member's place in council order (`listings.seat_order`).
    order: tuple[int, int, str]
    #: The account's role, for a step taken per account; else None.
    role: str | None


class Mark(TypedDict):
    """Who was signed in when an item was marked done or waived, and when."""

    recorded_by: str | None
    #: Toronto time.
    recorded_at: str


class MemberDetail(TypedDict):
    """One member in one election, as `member show` gives it."""

    name: str
    ward: str | None
    office: str
    #: The election's name.
    election: str
    running: str
    option: str | None
    filing_date: str | None
    filing: str | None
    #: The office's contact e-mail addresses.
    emails: list[str]
    accounts: list[AccountRow]
    checklist: list[ChecklistRow]
    #: What the planner says the member should know.
    notices: list[str]
    #: Each signer's latest sign-off of the member's record, oldest first.
    signoffs: list[Attestation]
    #: The election-period restrictions that reach the member, by start.
    periods: list[PeriodRow]


class PeriodRow(TypedDict):
    """A period that reaches a member (`checklist`, `member show`), dated."""

    #: The member's name; None in an election's calendar, before any member.
    member: str | None
    #: The period's id in the profile.
    id: str
    title: str
    label: str
    explanation: str
    #: The policy it comes from.
    source: str
    #: every-member, member (running), option2-city-account or option1-campaign-account.
    applies_to: str
    #: For a running member's period, the option (1 or 2) it belongs to.
    option: int | None
    #: Its rule in words: "from August 1 of the election year until voting day, inclusive".
    rule: str
    #: Its first and last days, both inclusive; None while one hangs on a
    #: filing date not yet known (`latest_start`, `latest_end` say how late).
    starts: str | None
    ends: str | None
    latest_start: str
    latest_end: str
    #: The accounts it concerns, for a period about a kind of account.
    accounts: list[str]
    #: "upcoming", "in force" or "ended", as of the listing's day.
    state: str
    #: While in force, the days it still holds, today included.
    days_left: int | None


class StatusRow(TypedDict):
    """One member in the council's status."""

    #: The member's name.
    member: str
    ward: str | None
    running: str
    option: str | None
    filing_date: str | None
    filing: str | None
    #: How many steps are done, open, overdue and waived.
    done: int
    open: int
    overdue: int
    waived: int
    #: The day the member's next open step falls due (its latest, while it
    #: hangs on a filing date not known); None with no step open.
    next_due: str | None
    #: Whether that step falls due on filing (its day is then the latest).
    next_on_filing: bool
    #: That step's id.
    next_step: str | None
    #: Each signer's latest sign-off of the member's record, where the one
    #: asking may read the member's trail.
    signoffs: list[Attestation]
    #: How many of the member's election-period restrictions are in force today.
    periods_in_force: int


# -- evidence and sign-offs --------------------------------------------------


class EvidenceRow(TypedDict):
    """A file attached to a step (`transition evidence list`)."""

    #: The attachment's id.
    id: int
    #: The checklist item it proves.
    item: int
    member: str
    step: str
    #: The name it was attached under.
    file: str
    #: Judged from the file's bytes: image/png, application/pdf, message/rfc822, ...
    media_type: str
    #: In bytes.
    size: int
    #: The whole hash of its bytes, which the trail carries.
    sha256: str
    #: The day it shows (the day it was captured), apart from the day it was recorded.
    captured_on: str
    #: When it was recorded, Toronto time.
    attached_at: str
    attached_by: str


class Attestation(TypedDict):
    """A sign-off of a member's record (`transition attest`)."""

    #: The event that records it.
    event: int
    #: "member", "office" or "clerk": who signed off.
    signed_as: str
    #: Who the command said signed, and who was signed in.
    actor: str
    recorded_by: str | None
    #: The Toronto day and time it was recorded.
    on: str
    at: str
    #: The record's fingerprint as it stood when signed.
    fingerprint: str
    note: str | None
    #: How many of the member's rows changed since (a step reopened, a file
    #: added, a date moved); 0 while the record stands as it was signed.
    changes_since: int


# -- the audit trail and access ---------------------------------------------


class LogRow(TypedDict):
    """One event of the audit trail."""

    id: int
    #: Toronto wall-clock time, with its offset.
    at: str
    #: Who the command said made the change (`--by`, TRANSITION_USER, the
    #: login); empty for a row changed outside transition.
    actor: str
    #: Who was signed in when it was recorded; None for events written
    #: before transition recorded it.
    recorded_by: str | None
    #: Such as "item.done", or "row.update" for a row event.
    action: str
    #: The name of the member it is about, if any.
    member: str | None
    #: What it is about: "item 12", "member 3", "record".
    subject: str
    #: In words; for a row changed outside transition, what changed.
    summary: str
    #: The fields that changed, as they were and as they became.
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class FingerprintPayload(TypedDict):
    """The record's fingerprint (`transition.store.trail.chain.Fingerprint`)."""

    #: As the sign-off sheet prints it: COUNT-HEAD, then -CONTENTS where known.
    fingerprint: str
    #: How many events the trail holds.
    events: int
    #: The last event's whole hash (the head of the chain).
    head: str
    #: The whole digest of the contents the trail replays to; None where the
    #: one who took it could not read the whole record.
    contents: str | None


class Grant(TypedDict):
    """One grant of access to a shared record (`transition access list`)."""

    #: The PostgreSQL login role.
    user: str
    #: "office", "clerk" or "auditor".
    role: str
    #: The member an office staffer serves; None for the other roles.
    member: str | None
    granted_at: str
    #: The role that granted it.
    granted_by: str


# -- exports ----------------------------------------------------------------

#: A row of an export: its model's fields in the model's order, JSON-ready.
ExportedRow = dict[str, Any]


class Export(TypedDict):
    """The whole record, table by table, rows by id (`transition export
    --format json`, which `transition restore` reads back)."""

    #: "transition-export".
    format: str
    #: The Alembic revision of the schema the rows are at.
    schema: str
    elections: list[ExportedRow]
    members: list[ExportedRow]
    accounts: list[ExportedRow]
    candidacies: list[ExportedRow]
    checklist: list[ExportedRow]
    overrides: list[ExportedRow]
    #: Evidence files, their bytes in base64 (`content`), and their attachments.
    evidence: list[ExportedRow]
    attachments: list[ExportedRow]
    events: list[ExportedRow]


class CsvMemberRow(TypedDict):
    """A row of the CSV export for a member with no checklist item in the
    election (a spreadsheet leaves the item's columns empty)."""

    #: The election's name.
    election: str
    #: The member's name.
    member: str
    ward: str | None
    office: str
    running: str
    option: str | None
    filing_date: str | None
    filing: str | None
    #: The office's contact addresses, joined by "; " as the import reads them.
    email: str | None


class CsvItemRow(CsvMemberRow):
    """A row of the CSV export: one checklist item, after its member's columns."""

    #: The item's id.
    item: int
    step: str
    title: str
    account: str | None
    role: str | None
    status: str
    due: str | None
    latest: str
    overdue: bool
    done_on: str | None
    done_by: str | None
    note: str | None
    evidence: str | None
    #: The files attached, each "name (sha256 HASH)", joined by "; ".
    files: str | None
    superseded: bool
    owner: str | None
    owner_email: str | None
