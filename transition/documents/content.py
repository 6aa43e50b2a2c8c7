"""What each printed document says, as plain data for its template.

The templates only lay out; every fact, date and grouping is decided here,
from the same rows the command line shows, so a printed sheet and
`transition checklist` never disagree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from transition.core import calendar
from transition.core.calendar import TORONTO, days_after
from transition.core.periods import KeyDates, PlannedPeriod, applies_in
from transition.core.terms import ItemStatus, Option, Running, filing_kind, seat_label, who_did
from transition.store.attachments import file_contents, files_of
from transition.store.attesting import attestation_text, attestations
from transition.store.evidence import shown_size
from transition.store.listings import (
    candidacies,
    candidates,
    checklist_entries,
    checklist_rows,
    marks,
    status_rows,
)
from transition.store.models import Election, Member, key
from transition.store.periods import current_and_next, planned_periods
from transition.store.shapes import ChecklistRow
from transition.store.tracker import Tracker
from transition.store.trail.integrity import fingerprint, vouched_for


def header(tracker: Tracker, election: Election, member: Member | None = None) -> dict[str, Any]:
    """What every page says about itself: whose, which election, under which law, as of when."""
    dates = tracker.find.calendar(election)
    moment = datetime.now(UTC).astimezone(TORONTO)
    law = dates.regime.name
    if dates.kind == "by-election":
        law = f"by-election under the {law}"
    key_dates = [
        ("Nomination period opens; publication cutoff (para 19b)", dates.nomination_period_opens),
        ("First day to file nomination papers", dates.first_filing_day),
        ("Nomination day: filing closes at 2 p.m.", dates.nomination_day),
        ("Voting day", dates.voting_day),
    ]
    if dates.term_begins:
        key_dates.append(("Term of office begins", dates.term_begins))
    # Last, so that the key dates above keep their places (and calendar UIDs).
    for override in dates.overrides:
        statutory = f"the statute's: {dates.nomination_day:%b} {dates.nomination_day.day}"
        key_dates.append(
            (
                f"Nomination day for {override.office}s ({override.source}; {statutory})",
                override.nomination_day,
            )
        )
        if override.opens:
            key_dates.append(
                (f"Nominations open for {override.office}s ({override.source})", override.opens)
            )
    return {
        "municipality": election.municipality,
        "election_title": dates.name,
        "law": law,
        "projected": dates.projected,
        "key_dates": key_dates,
        "as_of": tracker.today,
        "generated": moment.strftime("%Y-%m-%d %H:%M %Z"),
        "generated_iso": moment.isoformat(timespec="seconds"),
        "member_name": member.name if member else None,
        "overrides": [override_sentence(dates, o) for o in dates.overrides],
    }


def override_sentence(dates: calendar.Election, override: calendar.OfficeOverride) -> str:
    """The dates the law changed for one office, beside the statute's, with the source."""
    changed = [f"nomination day {_long(override.nomination_day)}"]
    statutory = [f"{_long(dates.nomination_day)}"]
    if override.opens:
        changed.insert(0, f"nominations opened {_long(override.opens)}")
        statutory.insert(0, _long(dates.nomination_period_opens))
    return (
        f"For {override.office}s, {' and '.join(changed)} (the statute's: "
        f"{' and '.join(statutory)}), as set by {override.source}"
    )


def _long(day: date) -> str:
    return f"{day:%A, %B} {day.day}, {day.year}"


def member_summary(tracker: Tracker, election: Election, member: Member) -> dict[str, Any]:
    candidacy = tracker.find.candidacy(member, election)
    return {
        "name": member.name,
        "seat": seat_label(member.office, member.ward),
        "running": Running(candidacy.running).label,
        "option": Option(candidacy.option).label if candidacy.option else "not chosen yet",
        "filing_date": candidacy.filing_date,
        "filing": filing_kind(candidacy.filing_date, candidacy.filing_actual),
        "notices": list(tracker.find.plan(candidacy).notices),
    }


@dataclass(frozen=True)
class Everyone:
    """Every member's checklist rows and periods in the election, read at once
    for a print job of everyone's sheets. Read a member at a time, the rows
    are a query a member, and the periods a read of every candidacy a member:
    on a province's 3,000 members that was most of a bulk render's time."""

    #: Each member's rows, by name (names are unique), in checklist order.
    rows: dict[str, list[ChecklistRow]]
    #: Each member's periods, by member id.
    planned: dict[int, tuple[PlannedPeriod, ...]]

    @classmethod
    def read(cls, tracker: Tracker, election: Election) -> Everyone:
        rows: dict[str, list[ChecklistRow]] = defaultdict(list)
        for row in checklist_rows(tracker, election):
            rows[row["member"]].append(row)
        return cls(dict(rows), planned_periods(tracker, election))

    @classmethod
    def of_one(cls, tracker: Tracker, election: Election, member: Member) -> Everyone:
        """One member's rows and periods alone, as one member's sheet reads them."""
        rows = checklist_rows(tracker, election, member)
        return cls({member.name: rows}, planned_periods(tracker, election, member))


def checklist_section(
    tracker: Tracker, election: Election, member: Member, everyone: Everyone | None = None
) -> dict[str, Any]:
    """One member's checklist: the days steps fall due, each step explained once
    with a line to tick for every account it applies to. `everyone`, where
    given, holds the member's rows and periods, read with everyone else's."""
    profile = tracker.find.profile(election)
    explanations = {step.id: step.explanation for step in profile.steps}
    days: dict[tuple[int, date], dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    if everyone is None:
        everyone = Everyone.of_one(tracker, election, member)
    for row in everyone.rows.get(member.name, []):
        # Dated steps first, in date order; then those waiting on the filing date.
        when = (
            (0, date.fromisoformat(row["due"]))
            if row["due"]
            else (1, date.fromisoformat(row["latest"]))
        )
        days[when].setdefault(row["step"], []).append(row)
    summary = member_summary(tracker, election, member)
    return {
        "header": header(tracker, election, member),
        "member": summary,
        "timeline": timeline(tracker, election, summary["filing_date"], member.office),
        "groups": [
            {
                "on_filing": on_filing,
                "day": day,
                "overdue": any(row["overdue"] for rows in steps.values() for row in rows),
                "steps": [
                    {
                        "id": step,
                        "title": rows[0]["title"],
                        "paragraph": rows[0]["paragraph"],
                        "explanation": explanations.get(step, ""),
                        "overdue": any(row["overdue"] for row in rows),
                        "items": rows,
                    }
                    for step, rows in steps.items()
                ],
            }
            for (on_filing, day), steps in sorted(days.items())
        ],
        "reminders": profile.reminders,
        "periods": periods_now(everyone.planned.get(key(member), ()), tracker.today),
    }


def period_entry(planned: PlannedPeriod, today: date) -> dict[str, Any]:
    """One period as a sheet prints it: its days (a start or end still hanging
    on the filing date prints as "on filing", by the latest day it can be),
    what it restricts and the policy it comes from."""
    period = planned.period
    return {
        "id": period.id,
        "title": period.title,
        "label": period.label,
        "explanation": period.explanation,
        "source": period.source,
        "starts": planned.starts,
        "ends": planned.ends,
        "latest_start": planned.latest_start,
        "latest_end": planned.latest_end,
        "state": planned.state(today),
        "days_left": planned.days_left(today),
        # While the end still hangs on the filing date: the most it can be.
        "days_left_at_most": (planned.latest_end - today).days + 1,
        "days_to_start": ((planned.starts or planned.latest_start) - today).days,
        "accounts": list(planned.accounts),
        # Who it reaches, where a council's sheet prints it once for several.
        "members": [],
        "everyone": False,
    }


def periods_now(planned: tuple[PlannedPeriod, ...], today: date) -> dict[str, Any]:
    """A member's periods in force today, and the next to start."""
    current, upcoming = current_and_next(planned, today)
    return {
        "in_force": [period_entry(one, today) for one in current],
        "next": period_entry(upcoming, today) if upcoming else None,
    }


def council_periods(tracker: Tracker, election: Election, member: Member | None) -> dict[str, Any]:
    """The periods in force today, and each member's next to start, for the
    council (or one member): a period on the same days for several members is
    printed once, naming them, or saying it reaches every member."""
    who = candidates(tracker, election, member)
    planned = planned_periods(tracker, election, member, given=who)
    names = {one.member_id: one.name for one in who if one.member_id in planned}
    groups: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {"in_force": {}, "next": {}}
    for member_id, name in names.items():
        now = periods_now(planned[member_id], tracker.today)
        for kind, entries in (("in_force", now["in_force"]), ("next", [now["next"]])):
            for entry in filter(None, entries):
                same = (
                    entry["id"],
                    entry["starts"],
                    entry["ends"],
                    entry["latest_start"],
                    entry["latest_end"],
                    tuple(entry["accounts"]),
                )
                groups[kind].setdefault(same, {**entry, "members": []})["members"].append(name)
    found: dict[str, Any] = {}
    for kind, grouped in groups.items():
        entries = sorted(
            grouped.values(),
            key=lambda e: (
                (e["ends"] or e["latest_end"])
                if kind == "in_force"
                else (e["starts"] or e["latest_start"])
            ),
        )
        for entry in entries:
            entry["everyone"] = member is None and len(entry["members"]) == len(names) > 1
        found[kind] = entries
    return found


def timeline(
    tracker: Tracker, election: Election, filing: date | None, office: str
) -> dict[str, Any]:
    """The election drawn as a strip: x positions (0 to 1) of its dates and of
    today, as they hold for the member's office."""
    dates = tracker.find.calendar(election).for_office(office)
    start = dates.nomination_period_opens
    end = dates.voting_day
    span = max((end - start).days, 1)

    def at(day: date) -> float:
        return min(max((day - start).days / span, 0.0), 1.0)

    marks = [
        ("Nominations open; publication cutoff", dates.nomination_period_opens),
        ("Nomination day", dates.nomination_day),
        ("Voting day", dates.voting_day),
    ]
    if filing:
        marks.append(("Filing date", filing))
    marks.sort(key=lambda mark: mark[1])
    return {
        "period": (at(dates.nomination_period_opens), at(dates.nomination_day)),
        "marks": [
            {"label": label, "day": day, "x": at(day), "row": n % 2}
            for n, (label, day) in enumerate(marks)
        ],
        "today": {
            "day": tracker.today,
            "x": at(tracker.today),
            "before": tracker.today < start,
            "after": tracker.today > end,
        },
    }


def reminders_document(
    tracker: Tracker, election: Election, member: Member | None, within: int
) -> dict[str, Any]:
    """What falls due within `within` days, and what is overdue, in date order."""
    horizon = days_after(tracker.today, within)
    rows = []
    for row in checklist_rows(tracker, election, member):
        if row["status"] != ItemStatus.OPEN:
            continue
        when = date.fromisoformat(row["due"] or row["latest"])
        if row["overdue"] or when <= horizon:
            rows.append({**row, "when": when, "days": (when - tracker.today).days})
    rows.sort(key=lambda r: (r["when"], r["member"], r["id"]))
    return {
        "header": header(tracker, election, member),
        "within": within,
        "horizon": horizon,
        "overdue": [r for r in rows if r["overdue"]],
        "upcoming": [r for r in rows if not r["overdue"]],
        "scope": member.name if member else "the whole council",
        "whole_council": member is None,
        "periods": council_periods(tracker, election, member),
    }


CELL_ORDER = ("overdue", "open", "waived", "done")


def overview_document(tracker: Tracker, election: Election) -> dict[str, Any]:
    """The council by step: each cell done, open, overdue, waived or not
    applicable; each member's counts are the council status's own. Office
    staff see only their members' steps, which is not the council's overview."""
    tracker.access.check_reads_all("the council overview")
    profile = tracker.find.profile(election)
    steps = list(profile.steps)
    counts = {row["member"]: row for row in status_rows(tracker, election, False, None)}
    column_totals = {step.id: defaultdict(int) for step in steps}
    states: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for extra, item in checklist_entries(tracker, election, None, include_superseded=False):
        state = "overdue" if item["overdue"] else item["status"]
        states[extra["member_id"]][item["step"]].append(state)
    dates = KeyDates.of(tracker.find.calendar(election))
    periods = [p for p in profile.periods if applies_in(p, dates)]
    planned = planned_periods(tracker, election) if periods else {}
    rows = []
    for member, candidacy in candidacies(tracker, election):
        reached = {one.period.id: one for one in planned.get(key(member), ())}
        cells = []
        for step in steps:
            found = states[member.id].get(step.id, [])
            state = next((s for s in CELL_ORDER if s in found), "n/a")
            cells.append({"state": state, "count": len(found)})
            column_totals[step.id][state] += 1
        status = counts[member.name]
        rows.append(
            {
                "member": member.name,
                "seat": member.ward or member.office,
                "running": candidacy.running,
                "option": candidacy.option,
                "cells": cells,
                "period_starts": [
                    period_entry(reached[p.id], tracker.today) if p.id in reached else None
                    for p in periods
                ],
                **{key: status[key] for key in ("done", "open", "overdue", "waived")},
            }
        )
    return {
        "header": header(tracker, election),
        "steps": steps,
        "periods": periods,
        "rows": rows,
        "totals": [dict(column_totals[step.id]) for step in steps],
        "sums": {key: sum(r[key] for r in rows) for key in ("done", "open", "overdue", "waived")},
    }


def signoff_section(
    tracker: Tracker, election: Election, member: Member, everyone: Everyone | None = None
) -> dict[str, Any]:
    """What the office would file if asked: every step done, waived or still
    open, who marked each and who was signed in, the evidence in full, and the
    record's fingerprint, which pins the record as it was when printed.
    `everyone`, where given, holds the member's rows, read with everyone else's."""
    vouched_for(tracker, member)
    rows = (
        everyone.rows.get(member.name, [])
        if everyone is not None
        else checklist_rows(tracker, election, member)
    )
    recorded = marks(tracker, [r["id"] for r in rows if r["status"] != ItemStatus.OPEN])
    done = [_marked(r, recorded.get(r["id"], {})) for r in rows if r["status"] == ItemStatus.DONE]
    files = kept_files(tracker, member, [r["id"] for r in rows])
    numbers = {f["sha256"]: n for n, f in enumerate(files, start=1)}
    for row in done:
        row["file_numbers"] = sorted(
            {numbers[f["sha256"]] for f in files for item in f["item_ids"] if item == row["id"]}
        )
    evidence: list[str] = []
    for row in done:
        if row["evidence"]:
            if row["evidence"] not in evidence:
                evidence.append(row["evidence"])
            row["evidence_number"] = evidence.index(row["evidence"]) + 1
    return {
        "header": header(tracker, election, member),
        "member": member_summary(tracker, election, member),
        "done": done,
        "evidence": evidence,
        "waived": [
            _marked(r, recorded.get(r["id"], {})) for r in rows if r["status"] == ItemStatus.WAIVED
        ],
        "open": [r for r in rows if r["status"] == ItemStatus.OPEN],
        "fingerprint": str(fingerprint(tracker)),
        "member_name": member.name,
        "files": files,
        "signoffs": [
            {**signed, "text": attestation_text(signed)}
            for signed in attestations(tracker, [key(member)]).get(key(member), [])
        ],
    }


def kept_files(tracker: Tracker, member: Member, item_ids: list[int]) -> list[dict[str, Any]]:
    """The member's evidence files on these steps, once each (a file proving
    two steps is one file), oldest first, with their bytes to embed and the
    name each is written under beside an HTML sheet."""
    by_hash: dict[str, dict[str, Any]] = {}
    for rows in files_of(tracker, item_ids, member).values():
        for row in rows:
            kept = by_hash.setdefault(
                row["sha256"],
                {
                    **row,
                    "item_ids": [],
                    "stored_as": stored_name(row["sha256"], row["file"]),
                    "size_text": shown_size(row["size"]),
                },
            )
            kept["item_ids"].append(row["item"])
    found = sorted(by_hash.values(), key=lambda kept: kept["id"])
    for kept, data in zip(
        found, file_contents(tracker, member, [f["sha256"] for f in found]), strict=True
    ):
        kept["content"] = data
        kept["item_ids"] = sorted(set(kept["item_ids"]))
    return found


def stored_name(sha256: str, name: str) -> str:
    """A file's name beside a sheet: its hash's start, then its own name made
    safe for any file system ("2cb922ecae93-screenshot.png")."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "evidence"
    return f"{sha256[:12]}-{safe[:80]}"


def _marked(row: dict[str, Any], recorded: dict[str, Any]) -> dict[str, Any]:
    """The row with who marked it as the trail has it: the declared name, who
    was signed in where that differs, and the day it was recorded where the
    stated day is more than a day away from it."""
    who = who_did(row["done_by"] or "", recorded.get("recorded_by"))
    moment = recorded.get("recorded_at")
    late = ""
    if moment and row["done_at"]:
        gap = abs((date.fromisoformat(moment[:10]) - date.fromisoformat(row["done_at"])).days)
        late = moment[:10] if gap > 1 else ""
    return {**row, "who": who, "recorded_on": late, "evidence_number": None}


def members_on_paper(
    tracker: Tracker, election: Election, everyone: Everyone | None = None
) -> list[Member]:
    """The members with something to print in this election: a step (running
    or undecided) or a period that reaches them. A member not running under
    Toronto's profile still keeps its election-period services restrictions,
    and a profile of periods alone (Ottawa's, Markham's) has no steps at all.
    `everyone`, where read already, says so without asking the record again."""
    if everyone is not None:
        return [
            m
            for m, _ in candidacies(tracker, election)
            if m.name in everyone.rows or everyone.planned.get(key(m))
        ]
    with_items = {
        extra["member_id"] for extra, _ in checklist_entries(tracker, election, None, False)
    }
    with_periods = {mid for mid, found in planned_periods(tracker, election).items() if found}
    wanted = with_items | with_periods
    return [m for m, _ in candidacies(tracker, election) if m.id in wanted]
