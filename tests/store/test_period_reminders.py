"""A period's start, reminded as a step's due date is: at each stage of the
profile's `[remind]` before it and on the day, once each (claimed in the
record under the member, the period and the stage), never once it has
begun, and not while it hangs on a filing date not yet known; on both
databases, and on the server by the roles that may."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from conftest import WARD3, WARD7, postgres_database
from harness.council import JANE, Council, Seat
from harness.records import as_role, shared_council
from hypothesis import given, settings
from hypothesis import strategies as st

from transition.errors import TransitionError
from transition.store import Mode
from transition.store.reminders import claim, claimed, confirm, history, plan

pytestmark = pytest.mark.usefixtures("store")

SERVICES = "election-period-services"
#: The built-in period's first day in 2026: August 1, a Saturday. Monday
#: August 3 is the Civic Holiday, so the clerk's next working day is the 4th.
START = date(2026, 8, 1)
VOTING_DAY = date(2026, 10, 26)
PAT = Seat("Pat Lee", ward="3")  # not running: only the period reaches Pat
OFFICE = "office3@toronto.ca"
CLERK = "clerk@toronto.ca"


@pytest.fixture
def council(store, copies) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=date(2026, 6, 1), year=2026)

    def addresses(tracker):
        tracker.change.set_emails(tracker.find.member("pat"), [OFFICE])
        tracker.change.set_clerk_email(tracker.find.election(), CLERK)

    def build() -> None:
        council.add(PAT)
        council.write(addresses)

    copies.once("Pat, addressed", build)
    return council


def digests(council: Council, today: date):
    return council.read(lambda t: plan(t, t.find.election()).digests, today=today)


def starting(council: Council, today: date) -> list[tuple[str, str, str, str]]:
    """(address, member, period, stage key) of every period notice of the day."""
    return [
        (d.to, n.member, n.entry["period"], n.stage.key)
        for d in digests(council, today)
        for n in d.periods
    ]


#: today -> the stage of the period's start reminded that day (None: nothing).
#: Days before the start are counted as a step's are, on the calendar, so a
#: stage may fall on a Saturday; the clerk's working days matter only to what
#: is late, and a period never is.
STAGES = [
    ("2026-07-01", None),  # 31 days before: not yet
    ("2026-07-02", "30 days before"),
    ("2026-07-17", "30 days before"),  # a run missed since sends the latest that fell
    ("2026-07-18", "14 days before"),  # a Saturday
    ("2026-07-25", "7 days before"),
    ("2026-07-31", "1 day before"),  # the last working day before it
    ("2026-08-01", "on the day"),
    ("2026-08-02", None),  # it has begun: never after
    ("2026-08-04", None),  # the first working day after: no "overdue" for a period
    ("2026-10-26", None),  # in force, on its last day
    ("2026-10-27", None),  # over
]


@pytest.mark.parametrize(("today", "stage"), STAGES)
def test_the_start_is_reminded_at_each_stage_of_the_schedule(council, today, stage):
    found = digests(council, date.fromisoformat(today))
    if stage is None:
        assert found == []  # nor a clerk's digest: a period is never overdue
        return
    (digest,) = found
    assert (digest.to, digest.heard_as, digest.about, digest.cc) == (OFFICE, "office", PAT.name, [])
    assert digest.notices == []  # Pat is not running: no steps
    (notice,) = digest.periods
    assert notice.stage.key == f"{stage} / {START.isoformat()}"
    assert not notice.stage.overdue and not notice.stage.copies_clerk
    assert (notice.entry["period"], notice.entry["starts"], notice.entry["ends"]) == (
        SERVICES,
        START.isoformat(),
        VOTING_DAY.isoformat(),
    )


def test_a_period_notice_goes_once_per_member_and_stage_across_runs(council):
    # A second office at the same address: the claim is the member's, not the address's.
    council.add(Seat("Sam Roe", ward="5"))
    council.write(lambda t: t.change.set_emails(t.find.member("sam"), [OFFICE]))
    day = date(2026, 7, 2)
    pat, sam = digests(council, day)
    assert (pat.about, sam.about) == (PAT.name, "Sam Roe")
    mine = council.write(lambda t: claim(t, pat, "<p1@example.org>"), today=day)
    assert [n.key for n in mine[0].periods] == [n.key for n in pat.periods]
    assert council.write(lambda t: claim(t, pat, "<p2@example.org>"), today=day) == []
    council.write(lambda t: confirm(t, mine[0], "<p1@example.org>"), today=day)
    # the next run, a new transaction on a newly opened record: Pat's is sent, Sam's is not
    assert starting(council, day) == [
        (OFFICE, "Sam Roe", SERVICES, f"30 days before / {START.isoformat()}")
    ]
    assert starting(council, date(2026, 7, 10)) == [
        (OFFICE, "Sam Roe", SERVICES, f"30 days before / {START.isoformat()}")
    ]
    pat_id = council.read(lambda t: t.find.member("pat").id)
    assert ((pat_id, SERVICES), f"30 days before / {START.isoformat()}", OFFICE) in council.read(
        claimed
    )
    # a refused message frees its notice for the next run
    theirs = council.write(lambda t: claim(t, sam, "<s1@example.org>"), today=day)
    council.write(lambda t: confirm(t, theirs[0], "<s1@example.org>", "refused"), today=day)
    assert [who for _, who, _, _ in starting(council, day)] == ["Sam Roe"]
    rows = council.read(lambda t: history(t))
    assert [(r["kind"], r["item"], r["period"], r["member"], r["status"]) for r in rows] == [
        ("period", None, SERVICES, "Sam Roe", "failed"),
        ("period", None, SERVICES, PAT.name, "sent"),
    ]
    assert rows[1]["stage"] == f"30 days before / {START.isoformat()}"
    # the next stage is a notice of its own
    assert (OFFICE, PAT.name, SERVICES, f"14 days before / {START.isoformat()}") in starting(
        council, date(2026, 7, 18)
    )


def test_period_reminders_keep_the_record_whole(council):
    from transition.store.trail.integrity import problems

    day = date(2026, 7, 31)
    (digest,) = digests(council, day)
    mine = council.write(lambda t: claim(t, digest, "<p@example.org>"), today=day)
    council.write(lambda t: confirm(t, mine[0], "<p@example.org>"), today=day)
    assert council.read(lambda t: problems(t)[0]) == []
    pat = council.read(lambda t: t.find.member("pat"))
    assert [r["kind"] for r in council.read(lambda t: history(t, pat))] == ["period"]


def test_a_period_whose_start_is_past_is_not_reminded_even_if_never_sent(council):
    assert starting(council, date(2026, 8, 1)) != []
    assert starting(council, date(2026, 8, 2)) == []  # the day's stage was missed: it is gone


@pytest.mark.sqlite_only
def test_without_on_the_day_nothing_goes_on_the_first_day():
    from transition.core.reminding import Reminding, Schedule

    reminding = Reminding(Schedule(days_before=(1,), on_the_day=False), lambda day: True)
    assert reminding.start_stage_on(START, date(2026, 7, 31)).name == "1 day before"
    # a run missed the day before: on the first day "1 day before" would be stale
    assert reminding.start_stage_on(START, START) is None


@pytest.mark.sqlite_only
@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2014, 1, 1), max_value=date(2100, 12, 31)),
    after=st.integers(-60, 60),
)
def test_a_period_is_never_reminded_after_it_begins_nor_as_late(start, after):
    from datetime import timedelta

    from transition.core.reminding import Reminding, Schedule

    today = start + timedelta(days=after)
    found = Reminding(Schedule(), lambda day: True).start_stage_on(start, today)
    if today > start or today < start - timedelta(days=30):
        assert found is None
        return
    assert found is not None and found.anchor == start and found.on <= today <= start
    assert not found.overdue and not found.copies_clerk


def filing_profile(tmp_path: Path, **remind) -> Path:
    """The built-in profile and a period from the member's filing date to voting day."""
    from importlib import resources

    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    own = f"remind_days_before = {remind['days']}\n" if remind else ""
    path = tmp_path / "filing-period.toml"
    path.write_text(
        text
        + """
[[periods]]
id = "campaign-period"
title = "No office resources for the campaign"
explanation = "From filing day until voting day, no office staff or budget goes to the campaign."
source = "A test policy, s. 1"
applies_to = "member"
from = "filing-date"
until = "voting-day"
"""
        + own
    )
    return path


def test_a_start_on_a_filing_date_not_yet_known_waits_for_it(store, tmp_path):
    council = Council(os.environ["TRANSITION_DB"], today=date(2026, 4, 1), year=2026)
    council.election(filing_profile(tmp_path, days=[10, 3]))
    council.add(JANE)
    council.write(lambda t: t.change.set_emails(t.find.member("jane"), ["office7@toronto.ca"]))

    def campaign(today: date) -> list[str]:
        return [
            key for _, _, period, key in starting(council, today) if period == "campaign-period"
        ]

    # Unknown, it could start as late as nomination day (August 21): no reminder
    # against that latest day, as a step on filing would have.
    assert campaign(date(2026, 8, 18)) == []
    assert campaign(date(2026, 8, 21)) == []

    def files(on: date):
        def work(tracker):
            jane = tracker.find.member("jane")
            tracker.change.set_filing(jane, tracker.find.election(), on, actual=False)

        return work

    council.write(files(date(2026, 5, 11)))
    # its own days (10 and 3 before), not the table's 30, 14, 7 and 1
    assert campaign(date(2026, 4, 30)) == []
    assert campaign(date(2026, 5, 1)) == ["10 days before / 2026-05-11"]
    assert campaign(date(2026, 5, 4)) == ["10 days before / 2026-05-11"]
    assert campaign(date(2026, 5, 8)) == ["3 days before / 2026-05-11"]
    assert campaign(date(2026, 5, 11)) == ["on the day / 2026-05-11"]
    assert campaign(date(2026, 5, 12)) == []
    # the built-in period keeps the table's schedule beside it
    assert "on the day / 2026-08-01" in [key for *_, key in starting(council, START)]

    # sent, then the filing date moves: the new date is reminded on its own schedule
    day = date(2026, 5, 8)
    (digest,) = digests(council, day)
    mine = council.write(lambda t: claim(t, digest, "<j@example.org>"), today=day)
    council.write(lambda t: confirm(t, mine[0], "<j@example.org>"), today=day)
    assert campaign(day) == []
    council.write(files(date(2026, 5, 20)), today=day)
    assert campaign(day) == []  # 12 days before the new date: not yet
    assert campaign(date(2026, 5, 10)) == ["10 days before / 2026-05-20"]


def test_an_office_without_an_address_is_counted_for_its_periods(council):
    council.add(Seat("Lee Poe", ward="9"))
    found = council.read(lambda t: plan(t, t.find.election()), today=date(2026, 7, 2))
    assert found.unaddressed_periods == {"Lee Poe": 1}
    assert found.unaddressed == {}
    assert [d.about for d in found.digests] == [PAT.name]


@pytest.fixture
def shared(store, postgres):
    if store != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    council = shared_council(postgres, postgres_database(postgres))

    def addresses(tracker):
        for name in (WARD7, WARD3):
            number = name.split()[1]
            tracker.change.set_emails(tracker.find.member(name), [f"ward{number}@toronto.ca"])

    as_role(council, "theclerk", addresses, mode=Mode.WRITE)
    return council


def test_office_staff_claim_their_own_offices_period_notices_only(shared):
    from harness.records import role_url

    from transition.store import transact

    day = date(2030, 7, 2)  # 30 days before August 1, 2030

    def as_of(role, work, mode=Mode.READ):
        return transact(role_url(shared, role), work, today=day, actor=role, mode=mode)

    def today_plan(tracker):
        return plan(tracker, tracker.find.election())

    staff = as_of("ward7staff", today_plan)
    assert [(d.about, [n.entry["period"] for n in d.periods]) for d in staff.digests] == [
        (WARD7, [SERVICES])
    ]
    clerk = as_of("theclerk", today_plan)
    assert {d.about for d in clerk.digests if d.periods} == {WARD7, WARD3}
    assert as_of("ward7staff", lambda t: claim(t, staff.digests[0], "<w7@x.org>"), Mode.WRITE)
    theirs = next(d for d in clerk.digests if d.about == WARD3)
    with pytest.raises(TransitionError):
        as_of("ward7staff", lambda t: claim(t, theirs, "<w3@x.org>"), Mode.WRITE)
    assert as_of("ward7staff", today_plan).digests == []  # claimed: not again
