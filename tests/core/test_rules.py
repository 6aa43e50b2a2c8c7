"""The profile loader: the Toronto profile as shipped, and broken profiles."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from transition.core.rules import ProfileError, load_profile, parse_profile

FILING_DAY_STEPS = {
    "remove-city-identity",
    "clear-city-registration",
    "unlink-city-websites",
    "end-office-staff-role",
    "notify-followers",
}


def toronto_data() -> dict:
    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    return tomllib.loads(text)


def test_toronto_profile_carries_the_bulletin():
    profile = load_profile()
    assert profile.id == "toronto-2016"
    assert profile.city_email_domains == ("toronto.ca",)
    steps = {step.id: step for step in profile.steps}
    cutoff = steps["stop-handle-publications"]
    assert (cutoff.anchor, cutoff.paragraph, cutoff.applies_to) == (
        "publication-cutoff",
        "19b",
        "option2-city-account",
    )
    on_filing = {s.id for s in profile.steps if s.anchor == "filing-date" and s.paragraph == "19b"}
    assert on_filing == FILING_DAY_STEPS
    assert {s.applies_to for s in profile.steps if s.paragraph == "19a"} == {
        "member",
        "option1-campaign-account",
    }
    assert {r.paragraph for r in profile.reminders} >= {"15", "15, 17"}
    assert len(profile.reminders) == 5
    assert all(s.title and s.explanation for s in (*profile.steps, *profile.reminders))


@pytest.mark.parametrize(
    ("email", "city"),
    [
        ("jane.doe@toronto.ca", True),
        ("JANE@TORONTO.CA", True),
        ("staff@ward1.toronto.ca", True),
        ("jane@nottoronto.ca", False),
        ("jane@toronto.ca.example.com", False),
        ("jane@gmail.com", False),
    ],
)
def test_city_email_domain(email, city):
    assert load_profile().is_city_email(email) is city


def test_every_problem_is_reported_with_step_and_field():
    data = toronto_data()
    data["steps"][0]["anchor"] = "election-day"
    data["closures"]["holidays"][0]["weekend"] = "friday"
    del data["steps"][1]["title"]
    data["steps"][2]["id"] = data["steps"][3]["id"]
    data["steps"][4]["offset_days"] = "soon"
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, "broken.toml")
    message = str(raised.value)
    assert "broken.toml has 5 problems" in message
    assert "closure holiday \"New Year's Day\" weekend: unknown 'friday'" in message
    assert "step 'stop-handle-publications' anchor: unknown 'election-day'" in message
    assert "step 'remove-city-identity' title: missing" in message
    assert "step 'unlink-city-websites' id: used more than once" in message
    assert "step 'end-office-staff-role' offset_days" in message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("schema"), "schema: expected 2"),
        (lambda d: d.pop("closures"), "[closures]: missing"),
        (lambda d: d["steps"][0].update(anchor="02-29"), "a day of the election year as MM-DD"),
        (lambda d: d["steps"][0].update(anchor="13-01"), "unknown '13-01'"),
        (lambda d: d["profile"].pop("city_email_domains"), "city_email_domains"),
        (lambda d: d.pop("profile"), "[profile]: missing table"),
        (lambda d: d.update(steps=[], periods=[]), "at least one [[steps]]"),
        (lambda d: d["steps"][0].update(applies_to="everyone"), "unknown 'everyone'"),
        (lambda d: d["steps"][0].update(option=1), "only a member step takes an option"),
        (lambda d: d["steps"][0].update(id="has space"), "letters, digits"),
        (lambda d: d["reminders"][0].pop("paragraph"), "reminder 'no-candidate-promotion'"),
    ],
)
def test_broken_profiles_are_refused(change, message):
    data = toronto_data()
    change(data)
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(data)


def test_a_profile_of_another_municipality(tmp_path):
    text = (resources.files("transition.core") / "profiles" / "toronto-2016.toml").read_text()
    path = tmp_path / "ottawa.toml"
    path.write_text(
        text.replace('"toronto-2016"', '"ottawa-2026"')
        .replace('"City of Toronto"', '"City of Ottawa"')
        .replace('["toronto.ca"]', '["ottawa.ca"]')
    )
    profile = load_profile(path)
    assert (profile.id, profile.municipality) == ("ottawa-2026", "City of Ottawa")
    assert profile.is_city_email("clerk@ottawa.ca")
    assert not profile.is_city_email("clerk@toronto.ca")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no profile file at"),
        (b"schema = = 1", "is not valid TOML"),
        (b"\xff\xfe\x00garbage", "cannot read profile"),
    ],
)
def test_unreadable_profile_files(tmp_path, content, message):
    path = tmp_path / "profile.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProfileError, match=message):
        load_profile(path)
