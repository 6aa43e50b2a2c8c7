"""What the commands show: JSON payloads and their human tables.

Each view builds the JSON-ready payload (the stable contract scripts rely on)
and draws the same facts as a table, so the two never drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transition.calendar import Election
from transition.output import iso, table
from transition.rules import Profile

if TYPE_CHECKING:
    from rich.console import Console

PROJECTED = "projected under current law"


def calendar_payload(election: Election) -> dict[str, Any]:
    return {
        "kind": election.kind,
        "year": election.year,
        "regime": election.regime.key,
        "projected": election.projected,
        "nomination_period_opens": iso(election.nomination_period_opens),
        "first_filing_day": iso(election.first_filing_day),
        "nomination_day": iso(election.nomination_day),
        "voting_day": iso(election.voting_day),
        "term_begins": iso(election.term_begins),
        "publication_cutoff": iso(election.publication_cutoff),
    }


def calendar_rows(election: Election) -> list[tuple[str, Any, str]]:
    """The key dates in order: what, when, and the rule that gives the date."""
    regime = election.regime
    regular = election.kind == "regular"
    clerk = "set by the clerk"
    rows = [
        (
            "Nomination period opens",
            election.nomination_period_opens,
            regime.nomination_period_opens.describe() if regular else clerk,
        ),
        ("Publication cutoff", election.publication_cutoff, "the opening itself, para 19b"),
        (
            "First filing day",
            election.first_filing_day,
            "first business day on or after the opening",
        ),
        (
            "Nomination day (closes 2 p.m.)",
            election.nomination_day,
            regime.nomination_day.describe() if regular else clerk,
        ),
        ("Voting day", election.voting_day, regime.voting_day.describe() if regular else clerk),
    ]
    if election.term_begins:
        rows.append(("Term of office begins", election.term_begins, regime.term_begins.describe()))
    return rows


def election_heading(election: Election) -> str:
    law = election.regime.name
    if election.kind == "by-election":
        law = f"by-election under the {law}"
    return f"{election.name}: {law}" + (f" ({PROJECTED})" if election.projected else "")


def show_calendar(out: Console, election: Election) -> None:
    rows = [
        (what, day.isoformat(), f"{day:%A}", rule) for what, day, rule in calendar_rows(election)
    ]
    out.print(table(election_heading(election), ("", "Date", "Weekday", "Rule"), rows))


def profile_payload(profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile.name,
        "municipality": profile.municipality,
        "source": profile.source,
        "city_email_domains": list(profile.city_email_domains),
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "explanation": step.explanation,
                "paragraph": step.paragraph,
                "applies_to": step.applies_to,
                "option": step.option,
                "anchor": step.anchor,
                "offset_days": step.offset_days,
            }
            for step in profile.steps
        ],
        "reminders": [
            {
                "id": reminder.id,
                "title": reminder.title,
                "explanation": reminder.explanation,
                "paragraph": reminder.paragraph,
            }
            for reminder in profile.reminders
        ],
    }


APPLIES_TO_LABELS = {
    "option2-city-account": "each City-connected account (option 2)",
    "option1-campaign-account": "each campaign account (option 1)",
    "member": "the member",
}


def when_due(anchor: str, offset_days: int) -> str:
    """A step's anchor in words: "filing date", "publication cutoff + 3 days"."""
    base = anchor.replace("-", " ")
    if offset_days == 0:
        return base
    return f"{base} {'+' if offset_days > 0 else '-'} {abs(offset_days)} days"


def applies_to_label(applies_to: str, option: int | None) -> str:
    label = APPLIES_TO_LABELS[applies_to]
    return f"{label} (option {option})" if option else label


def show_profile(out: Console, profile: Profile) -> None:
    out.print(f"{profile.name}: {profile.municipality}", markup=False)
    out.print(f"Source: {profile.source}", markup=False)
    out.print(f"City email domains: {', '.join(profile.city_email_domains)}", markup=False)
    out.print()
    steps = [
        (
            f"{step.id}\n{step.title}",
            applies_to_label(step.applies_to, step.option),
            when_due(step.anchor, step.offset_days),
            step.paragraph,
        )
        for step in profile.steps
    ]
    out.print(table("Dated steps", ("Step", "Applies to", "Due", "Para"), steps))
    out.print()
    reminders = [(f"{r.id}\n{r.title}", r.paragraph) for r in profile.reminders]
    out.print(table("Standing reminders (undated, always)", ("Reminder", "Para"), reminders))
