"""What the commands show: JSON payloads and their human tables.

Each view builds the JSON-ready payload (the stable contract scripts rely on)
and draws the same facts as a table, so the two never drift apart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from transition.cli.output import Console, table
from transition.core.calendar import Election
from transition.core.periods import Period
from transition.core.rules import Profile
from transition.core.terms import due_text, who_did

PROJECTED = "projected under current law"


def calendar_payload(election: Election, profile: Profile | None = None) -> dict[str, Any]:
    """The election's key dates, with its profile's periods dated for it."""
    payload = election.payload()
    if profile is not None:
        payload["periods"] = election_periods(election, profile)
    return payload


def election_periods(election: Election, profile: Profile) -> list[dict[str, Any]]:
    from transition.core import periods

    return [periods.payload(p) for p in periods.for_election(profile.periods, election)]


def calendar_rows(election: Election) -> list[tuple[str, Any, str]]:
    """The key dates in order: what, when, and the rule that gives the date.
    Where the law changed one office's dates, the change follows the
    statutory date it replaces, with its source."""
    regime = election.regime
    regular = election.kind == "regular"
    clerk = "set by the clerk"
    rows = []
    if election.bylaw_date:
        rows.append(("By-law calling the by-election", election.bylaw_date, "passed by council"))
    rows.append(
        (
            "Nomination period opens",
            election.nomination_period_opens,
            regime.nomination_period_opens.describe() if regular else clerk,
        )
    )
    rows.extend(_override_rows(election, "opens"))
    rows += [
        ("Publication cutoff", election.publication_cutoff, "the opening itself, para 19b"),
        (
            "First filing day",
            election.first_filing_day,
            "first day on or after the opening that the clerk's office is open",
        ),
        (
            "Nomination day (closes 2 p.m.)",
            election.nomination_day,
            regime.nomination_day.describe() if regular else clerk,
        ),
    ]
    rows.extend(_override_rows(election, "nomination_day"))
    rows.append(
        ("Voting day", election.voting_day, regime.voting_day.describe() if regular else clerk)
    )
    if election.term_begins:
        rows.append(("Term of office begins", election.term_begins, regime.term_begins.describe()))
    return rows


def _override_rows(election: Election, which: str) -> list[tuple[str, Any, str]]:
    rows = []
    for override in election.overrides:
        day = override.opens if which == "opens" else override.nomination_day
        if day is None:
            continue
        what = "Nomination period opens" if which == "opens" else "Nomination day"
        rows.append((f"  {what}, {override.office}s only", day, override.source))
    return rows


def election_heading(election: Election) -> str:
    law = election.regime.name
    if election.kind == "by-election":
        law = f"by-election under the {law}"
    return f"{election.name}: {law}" + (f" ({PROJECTED})" if election.projected else "")


def show_calendar(
    out: Console, election: Election, periods: list[dict[str, Any]] | None = None
) -> None:
    rows = [
        (what, day.isoformat(), f"{day:%A}", rule) for what, day, rule in calendar_rows(election)
    ]
    out.print(table(election_heading(election), ("", "Date", "Weekday", "Rule"), rows))
    if periods:
        body = [
            (
                row["title"],
                period_audience_label(row["applies_to"], row["option"]),
                period_start(row),
                period_end(row),
            )
            for row in periods
        ]
        title = "Periods (both days included)"
        out.print(table(title, ("Period", "Applies to", "From", "Until"), body))
        _print_sources(out, periods)
    closed = [(day.isoformat(), f"{day:%A}", name) for day, name in election.closed_days()]
    title = "The clerk's office is also closed on these weekdays while nominations are open"
    if closed:
        out.print(table(title, ("Date", "Weekday", "Closure"), closed))
    else:
        out.print("The clerk's office is open every weekday while nominations are open.")


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
                "label": step.label,
                "explanation": step.explanation,
                "paragraph": step.paragraph,
                "applies_to": step.applies_to,
                "option": step.option,
                "anchor": step.anchor,
                "offset_days": step.offset_days,
                "remind_days_before": (
                    list(step.remind_days_before) if step.remind_days_before else None
                ),
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
        "periods": [period_rule_payload(period) for period in profile.periods],
        "leaves_out": profile.leaves_out,
        "closures": closures_payload(profile),
        "remind": {
            "days_before": list(profile.remind.days_before),
            "on_the_day": profile.remind.on_the_day,
            "while_overdue": profile.remind.while_overdue,
            "copy_clerk_after": profile.remind.copy_clerk_after,
        },
    }


def period_rule_payload(period: Period) -> dict[str, Any]:
    """A profile's period as its rule (no dates: they depend on the election)."""
    return {
        **period.fields(),
        "from": {"anchor": period.starts.on, "offset_days": period.starts.offset_days},
        "until": {"anchor": period.ends.on, "offset_days": period.ends.offset_days},
        "elections": period.elections,
        "remind_days_before": (
            list(period.remind_days_before) if period.remind_days_before else None
        ),
    }


def closures_payload(profile: Profile) -> dict[str, Any]:
    """The days the clerk's office is closed, as the profile defines them."""
    rules = profile.closures
    return {
        "given": profile.closures_given,
        "source": rules.source,
        "country": rules.country,
        "subdivision": rules.subdivision,
        "language": rules.language,
        "categories": list(rules.categories),
        "weekend": rules.weekend,
        "holidays": [
            {"name": h.name, "category": h.category, "weekend": h.weekend} for h in rules.holidays
        ],
        "days": [
            {
                "name": d.name,
                "date": (f"{d.year:04d}-" if d.year else "") + f"{d.month:02d}-{d.day:02d}",
                "weekend": d.weekend,
            }
            for d in rules.days
        ],
    }


WEEKEND_LABELS = {
    "next-weekday": "on a weekend: also the next weekday not already closed",
    "after-sunday": "on a Sunday: also the next weekday not already closed",
    "none": "on a weekend: no alternate day",
}


APPLIES_TO_LABELS = {
    "option2-city-account": "each City-connected account (option 2)",
    "option1-campaign-account": "each campaign account (option 1)",
    "member": "the member",
}
PERIOD_AUDIENCE_LABELS = {
    "every-member": "every member",
    "member": "members running",
    "option2-city-account": "members with a City-connected account (option 2)",
    "option1-campaign-account": "members with a campaign account (option 1)",
}


def when_due(anchor: str, offset_days: int) -> str:
    """A step's anchor in words: "filing date", "publication cutoff + 3 days",
    "August 1 of the election year"."""
    if anchor[:2].isdigit():
        day = date(2001, int(anchor[:2]), int(anchor[3:]))
        base = f"{day:%B} {day.day} of the election year"
    else:
        base = anchor.replace("-", " ")
    if offset_days == 0:
        return base
    return f"{base} {'+' if offset_days > 0 else '-'} {abs(offset_days)} days"


def applies_to_label(applies_to: str, option: int | None) -> str:
    label = APPLIES_TO_LABELS[applies_to]
    return f"{label} (option {option})" if option else label


def period_audience_label(applies_to: str, option: int | None) -> str:
    label = PERIOD_AUDIENCE_LABELS[applies_to]
    return f"{label} (option {option})" if option else label


def show_profiles(out: Console, rows: list[dict[str, Any]]) -> None:
    """`rules --list`: the built-in profiles, by the name --profile takes."""
    body = [
        (row["name"], row["municipality"], row["title"], row["steps"], row["periods"])
        for row in rows
    ]
    columns = ("Name", "Municipality", "Profile", "Steps", "Periods")
    out.print(table("Built-in profiles (--profile NAME)", columns, body))


def period_state(row: dict[str, Any]) -> str:
    """ "in force, 12 days left", "upcoming", "ended"."""
    if row["state"] != "in force":
        return row["state"]
    left = row["days_left"]
    return "in force, last day" if left == 1 else f"in force, {left} days left"


def period_start(row: dict[str, Any]) -> str:
    """A period's first day, or "on filing (by D)" while the filing date is unknown."""
    return row["starts"] or f"on filing (by {row['latest_start']})"


def period_end(row: dict[str, Any]) -> str:
    return row["ends"] or f"on filing (by {row['latest_end']})"


def show_periods(out: Console, heading: str, rows: list[dict[str, Any]]) -> None:
    """The election-period restrictions that reach each member, dated."""
    if not rows:
        return
    several = len({row["member"] for row in rows}) > 1
    columns = (*(("Member",) if several else ()), "Period", "From", "Until", "State")
    body = [
        (
            *((row["member"],) if several else ()),
            row["title"],
            period_start(row),
            period_end(row),
            period_state(row),
        )
        for row in rows
    ]
    out.print(table(heading, columns, body))
    _print_sources(out, rows)


def _print_sources(out: Console, rows: list[dict[str, Any]]) -> None:
    """Each period's source once, under its table, as the steps cite paragraphs."""
    for title, source in dict.fromkeys((row["title"], row["source"]) for row in rows):
        out.print(f"Source of {title!r}: {source}", markup=False)


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
    if steps:
        out.print(table("Dated steps", ("Step", "Applies to", "Due", "Para"), steps))
    else:
        out.print("No dated steps: this profile's rules are periods.")
    out.print()
    reminders = [(f"{r.id}\n{r.title}", r.paragraph) for r in profile.reminders]
    out.print(table("Standing reminders (undated, always)", ("Reminder", "Para"), reminders))
    out.print()
    if profile.periods:
        periods = [
            (
                f"{p.id}\n{p.title}",
                period_audience_label(p.applies_to, p.option.number if p.option else None),
                p.describe() + ("" if p.elections == "all" else "; regular elections only"),
                p.source,
            )
            for p in profile.periods
        ]
        title = "Periods (restricted from a day until another)"
        out.print(table(title, ("Period", "Applies to", "When", "Source"), periods))
        out.print()
    if profile.leaves_out:
        out.print(f"Not in this profile: {profile.leaves_out}", markup=False)
        out.print()
    out.print(f"Reminded by e-mail (transition remind): {remind_sentence(profile)}", markup=False)
    out.print()
    show_closures(out, profile)


def remind_sentence(profile: Profile) -> str:
    """When the profile's `[remind]` reminds a step, in a sentence."""
    schedule = profile.remind
    days = [str(d) for d in schedule.days_before]
    parts = []
    if days:
        listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
        parts.append(f"{listed} day{'s' if days != ['1'] else ''} before a step is due")
    if schedule.on_the_day:
        parts.append("on the day")
    if schedule.while_overdue:
        parts.append("every working day while it is overdue")
    said = ", ".join(parts) or "never"
    if schedule.copy_clerk_after:
        said += f"; the clerk is copied from {schedule.copy_clerk_after} working days overdue"
    else:
        said += "; the clerk is never copied"
    own = [
        f"{step.id} {' and '.join(map(str, step.remind_days_before))} days before"
        for step in profile.steps
        if step.remind_days_before
    ]
    if own:
        said += f"; on days of their own (instead): {', '.join(own)}"
    return said + "."


def show_closures(out: Console, profile: Profile) -> None:
    rules = profile.closures
    where = "-".join(part for part in (rules.country, rules.subdivision) if part)
    heading = "When the clerk's office is closed (besides Saturdays and Sundays)"
    if not profile.closures_given:
        heading += ": the profile names none, so the Legislation Act's holidays"
    rows = [
        (f"{h.name}", f"holidays {where}, {h.category}", WEEKEND_LABELS[h.weekend])
        for h in rules.holidays
    ]
    rows += [
        (f"every holiday in {category}", f"holidays {where}", WEEKEND_LABELS[rules.weekend])
        for category in rules.categories
    ]
    for day in closures_payload(profile)["days"]:
        rows.append(
            (
                day["name"],
                f"{'every year, ' if len(day['date']) == 5 else ''}{day['date']}",
                WEEKEND_LABELS[day["weekend"]],
            )
        )
    out.print(table(heading, ("Closure", "Date from", "Weekend rule"), rows))
    out.print(f"Source: {rules.source}", markup=False)


# -- the tracker's listings -----------------------------------------------


def due_label(row: dict[str, Any]) -> str:
    """When a step is due: its date, or "on filing, by DATE" while unknown."""
    return due_text(row["due"], row["latest"])


def status_label(row: dict[str, Any]) -> str:
    if row.get("superseded"):
        return f"{row['status']} (superseded)"
    return "OVERDUE" if row["overdue"] else row["status"]


def show_checklist(out: Console, heading: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print(f"{heading}: no steps.", markup=False)
        return
    several = len({row["member"] for row in rows}) > 1
    columns = ("ID", *(("Member",) if several else ()), "Step", "Account", "Due", "Status", "Done")
    body = []
    for row in rows:
        done = f"{row['done_by']} on {row['done_at']}" if row["done_at"] else ""
        if row.get("recorded_on"):
            done += f" (recorded {row['recorded_on']})"
        if row["note"]:
            done += f"\n{row['note']}" if done else row["note"]
        body.append(
            (
                row["id"],
                *((row["member"],) if several else ()),
                f"{row['title']} (para {row['paragraph']})",
                row["account"] or "(member)",
                due_label(row) + (" (see note)" if row["warnings"] else ""),
                status_label(row) + (f"\nfor {row['owner']}" if row.get("owner") else ""),
                done,
            )
        )
    out.print(table(heading, columns, body, optional=("Done", "Account", "Status")))
    notes = dict.fromkeys(f"{row['member']}: {w}" for row in rows for w in row["warnings"])
    for note in notes:
        out.print(f"Note: {note}", markup=False)


def show_status(out: Console, heading: str, rows: list[dict[str, Any]]) -> None:
    body = []
    for row in rows:
        filing = row["filing_date"] and f"{row['filing_date']}\n{row['filing']}"
        if row["next_step"]:
            when = due_text(None if row["next_on_filing"] else row["next_due"], row["next_due"])
            upcoming = f"{when}\n{row['next_step']}"
        else:
            upcoming = ""
        body.append(
            (
                row["member"],
                row["ward"] or "",
                row["running"],
                row["option"] or "",
                filing or "",
                row["done"],
                row["open"],
                row["overdue"] or "",
                upcoming,
                row["periods_in_force"] or "",
                "\n".join(signoff_brief(signed) for signed in row["signoffs"]),
            )
        )
    columns = (
        "Member",
        "Ward",
        "Running",
        "Option",
        "Filing",
        "Done",
        "Open",
        "Overdue",
        "Next due",
        "In force",
        "Signed off",
    )
    optional = ("Signed off", "In force", "Option", "Running", "Ward", "Done")
    out.print(table(heading, columns, body, optional=optional))


def signoff_brief(signed: dict[str, Any]) -> str:
    """A sign-off in a table's cell: "clerk 2030-08-20, 2 changes since"."""
    changes = signed["changes_since"]
    since = f", {changes} change{'' if changes == 1 else 's'} since" if changes else ""
    return f"{signed['signed_as']} {signed['on']}{since}"


def change_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """The fields an event changed: "status: open -> done"."""
    before, after = before or {}, after or {}
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return "\n".join(
        f"{key}: {_blank(before.get(key))} -> {_blank(after.get(key))}" for key in keys
    )


def _blank(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def show_log(out: Console, rows: list[dict[str, Any]]) -> None:
    """The trail, newest first; "Who" names the declared actor, and who was
    signed in where that differs."""
    body = [
        (
            row["at"][:16].replace("T", " "),
            who_did(row["actor"], row["recorded_by"]),
            row["summary"],
            change_text(row["before"], row["after"]),
        )
        for row in rows
    ]
    out.print(table("Audit trail, newest first", ("When (Toronto)", "Who", "What", "Change"), body))


def show_elections(out: Console, rows: list[dict[str, Any]]) -> None:
    body = [
        (
            row["name"],
            row["kind"],
            row["nomination_period_opens"],
            row["nomination_day"],
            row["voting_day"],
            row["regime"] + (" (projected)" if row["projected"] else ""),
            row["profile"],
        )
        for row in rows
    ]
    columns = ("Name", "Kind", "Opens", "Nomination day", "Voting day", "Regime", "Profile")
    out.print(table("Elections", columns, body))


def show_members(out: Console, rows: list[dict[str, Any]]) -> None:
    body = [
        (
            row["name"],
            row["ward"] or row["office"],
            row["running"],
            row["option"] or "",
            row["filing_date"] and f"{row['filing_date']} ({row['filing']})",
            row["accounts"],
        )
        for row in rows
    ]
    columns = ("Member", "Ward", "Running", "Option", "Filing", "Accounts")
    out.print(table("Members", columns, body))


def _connections(row: dict[str, Any]) -> str:
    held = [c["label"] for c in row["connections"] if c["holds"]]
    return ", ".join(held) if held else "none"


def show_accounts(out: Console, rows: list[dict[str, Any]]) -> None:
    body = [
        (
            row["id"],
            row["member"],
            row["platform"],
            row["handle"],
            row["role"],
            "yes" if row["city_connected"] else "no",
            _connections(row),
        )
        for row in rows
    ]
    columns = ("ID", "Member", "Platform", "Handle", "Role", "City-connected", "Connections")
    out.print(table("Accounts", columns, body))


def show_account(out: Console, row: dict[str, Any]) -> None:
    connected = "City-connected" if row["city_connected"] else "not City-connected"
    out.print(
        f"Account {row['id']}: {row['platform']} {row['handle']} ({row['role']}) of "
        f"{row['member']}: {connected}",
        markup=False,
    )
    for label in ("url", "email", "phone"):
        if row[label]:
            out.print(f"  {label}: {row[label]}", markup=False)
    body = [(c["label"], "yes" if c["holds"] else "no", c["reason"]) for c in row["connections"]]
    out.print(table("When is caution required? (the five connections)", ("", "Holds", "Why"), body))
    for note in row["notes"]:
        out.print(f"Note: {note}", markup=False)


def show_member(out: Console, detail: dict[str, Any]) -> None:
    seat = f"ward {detail['ward']}" if detail["ward"] else detail["office"]
    filing = (
        f"{detail['filing_date']} ({detail['filing']})"
        if detail["filing_date"]
        else "not yet known"
    )
    out.print(f"{detail['name']} ({seat}), {detail['election']} election", markup=False)
    out.print(
        f"  running: {detail['running']}; option: {detail['option'] or 'not chosen'}; "
        f"filing date: {filing or 'not yet known'}",
        markup=False,
    )
    if detail["emails"]:
        out.print(f"  addresses: {'; '.join(detail['emails'])}", markup=False)
    for notice in detail["notices"]:
        out.print(f"  Note: {notice}", markup=False)
    from transition.store.attesting import attestation_text

    for signed in detail["signoffs"]:
        out.print(f"  {attestation_text(signed)} (fingerprint {signed['fingerprint']})")
    if detail["accounts"]:
        show_accounts(out, detail["accounts"])
    show_checklist(out, "Checklist", detail["checklist"])
    show_periods(out, "Periods", detail["periods"])
