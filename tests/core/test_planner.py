"""The planner: caution assessments and each member's dated steps."""

from __future__ import annotations

from datetime import date

import pytest

from transition.core.calendar import by_election, regular_election
from transition.core.planner import Account, Member, assess, plan
from transition.core.rules import load_profile
from transition.core.terms import Option
from transition.errors import TransitionError

D = date.fromisoformat
PROFILE = load_profile()
ELECTION_2030 = regular_election(2030)
FILING_DAY_STEPS = [
    "remove-city-identity",
    "clear-city-registration",
    "unlink-city-websites",
    "end-office-staff-role",
    "notify-followers",
]

COUNCIL_X = Account("X", "@CllrJane", "single", email="jane.doe@toronto.ca", key=1)
PERSONAL_IG = Account("Instagram", "@jane.cooks", "council", email="jane@example.com", key=2)
CAMPAIGN_X = Account("X", "@JaneForWard1", "campaign", email="team@janeforward1.ca", key=3)


def steps_of(result):
    return [
        (s.step.id, s.account.key if s.account else None, s.due, s.latest) for s in result.steps
    ]


def test_worked_example_option_2_files_on_may_6_2030():
    member = Member(
        "Jane Doe", "yes", option=Option.SINGLE, filing_date=D("2030-05-06"), accounts=(COUNCIL_X,)
    )
    result = plan(ELECTION_2030, member, PROFILE)
    assert steps_of(result) == [
        ("stop-handle-publications", 1, D("2030-05-01"), D("2030-05-01")),
        *[(step, 1, D("2030-05-06"), D("2030-05-06")) for step in FILING_DAY_STEPS],
    ]
    assert result.notices == ()


def test_option_2_with_no_filing_date_is_due_on_filing_by_nomination_day():
    member = Member("Jane Doe", "yes", option=Option.SINGLE, accounts=(COUNCIL_X,))
    result = plan(ELECTION_2030, member, PROFILE)
    on_filing = [s for s in result.steps if s.on_filing]
    assert [s.step.id for s in on_filing] == FILING_DAY_STEPS
    assert {s.latest for s in on_filing} == {D("2030-08-16")}
    assert not on_filing[0].overdue(D("2030-08-16"))
    assert on_filing[0].overdue(D("2030-08-17"))
    cutoff = result.steps[0]
    assert (cutoff.step.id, cutoff.due) == ("stop-handle-publications", D("2030-05-01"))
    assert cutoff.overdue(D("2030-05-02")) and not cutoff.overdue(D("2030-05-01"))


def test_option_2_steps_skip_accounts_that_are_not_city_connected():
    unconnected_single = Account("TikTok", "@jane", "single", email="jane@example.com", key=9)
    member = Member(
        "Jane Doe", "yes", option=Option.SINGLE, accounts=(COUNCIL_X, unconnected_single)
    )
    result = plan(ELECTION_2030, member, PROFILE)
    assert {s.account.key for s in result.steps} == {1}
    assert len(result.steps) == 6


def test_option_1_plans_the_campaign_account_and_the_member():
    member = Member(
        "Jane Doe",
        "yes",
        option=Option.SEPARATE,
        filing_date=D("2030-06-03"),
        accounts=(COUNCIL_X, CAMPAIGN_X),
    )
    result = plan(ELECTION_2030, member, PROFILE)
    assert steps_of(result) == [
        ("open-campaign-account", None, D("2030-06-03"), D("2030-06-03")),
        ("keep-campaign-account-unconnected", 3, D("2030-06-03"), D("2030-06-03")),
    ]


def test_option_1_without_a_campaign_account_says_so():
    member = Member("Jane Doe", "yes", option=Option.SEPARATE, accounts=(COUNCIL_X,))
    result = plan(ELECTION_2030, member, PROFILE)
    assert [s.step.id for s in result.steps] == ["open-campaign-account"]
    assert any("no campaign account" in n for n in result.notices)


def test_a_member_not_running_has_no_steps():
    member = Member("Jane Doe", "no", option=Option.SINGLE, accounts=(COUNCIL_X,))
    result = plan(ELECTION_2030, member, PROFILE)
    assert result.steps == ()
    assert result.assessments[0].city_connected  # the accounts are still assessed
    assert result.notices == ("not running: no transition steps",)


def test_an_undecided_member_is_planned_in_case_they_run():
    member = Member("Jane Doe", "undecided", option=Option.SINGLE, accounts=(COUNCIL_X,))
    result = plan(ELECTION_2030, member, PROFILE)
    assert len(result.steps) == 6
    assert any(n.startswith("undecided") for n in result.notices)


def test_a_running_member_without_an_option_gets_a_notice_and_no_steps():
    result = plan(ELECTION_2030, Member("Jane Doe", "yes", accounts=(COUNCIL_X,)), PROFILE)
    assert result.steps == ()
    assert any("no option chosen" in n for n in result.notices)


def test_a_filing_date_outside_the_window_is_refused():
    member = Member("Jane Doe", "yes", option=Option.SINGLE, filing_date=D("2030-04-30"))
    with pytest.raises(TransitionError, match="outside the filing window"):
        plan(ELECTION_2030, member, PROFILE)


def test_a_by_election_anchors_on_the_clerks_opening():
    election = by_election(D("2025-01-06"), D("2025-02-07"), D("2025-03-10"))
    member = Member("Jane Doe", "yes", option=Option.SINGLE, accounts=(COUNCIL_X,))
    result = plan(election, member, PROFILE)
    assert result.steps[0].due == D("2025-01-06")
    assert result.steps[-1].latest == D("2025-02-07")


def test_offsets_move_due_dates_from_the_anchor():
    from dataclasses import replace

    early = replace(PROFILE.steps[1], offset_days=-2)
    profile = replace(PROFILE, steps=(PROFILE.steps[0], early))
    member = Member(
        "Jane Doe", "yes", option=Option.SINGLE, filing_date=D("2030-05-06"), accounts=(COUNCIL_X,)
    )
    result = plan(ELECTION_2030, member, profile)
    assert [(s.step.id, s.due) for s in result.steps] == [
        ("stop-handle-publications", D("2030-05-01")),
        ("remove-city-identity", D("2030-05-04")),
    ]


def test_an_account_registered_with_a_city_email_is_city_connected():
    assessment = assess(COUNCIL_X, PROFILE)
    found = {c.key: c for c in assessment.connections}
    assert found["city-email"].holds
    assert "jane.doe@toronto.ca, a City address" in found["city-email"].reason
    assert [c.holds for c in assessment.connections] == [True, False, False, False, False]
    assert assessment.city_connected


def test_an_account_with_none_of_the_five_connections_is_not_city_connected():
    assessment = assess(PERSONAL_IG, PROFILE)
    assert not assessment.city_connected
    assert [c.key for c in assessment.connections] == [
        "city-email",
        "identifies-member",
        "publicised",
        "uses-logo",
        "city-resources",
    ]
    assert "not a City address" in assessment.connections[0].reason


@pytest.mark.parametrize("flag", ["identifies_member", "publicised", "uses_logo", "city_resources"])
def test_each_connection_alone_makes_an_account_city_connected(flag):
    account = Account("X", "@jane", "single", **{flag: True})
    assessment = assess(account, PROFILE)
    assert assessment.city_connected
    assert sum(c.holds for c in assessment.connections) == 1


def test_a_city_connected_campaign_account_is_flagged():
    account = Account("X", "@JaneForWard1", "campaign", uses_logo=True, phone="416-555-0100")
    notes = assess(account, PROFILE).notes
    assert any("none of these connections (para 19a)" in n for n in notes)
    assert any("416-555-0100" in n for n in notes)
