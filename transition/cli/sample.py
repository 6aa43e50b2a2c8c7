"""A sample council to try the tool on: the 2030 election, 25 wards and the mayor.

`make demo` builds it (`python -m transition.cli.sample FOLDER`), and the tests and
the benchmark use it as a realistic council. The members, accounts and filing
dates go in through the same CSV import staff use; steps are then marked done
as the offices would have by the sample's date. Placeholder names only
("Ward 7 Councillor"): no real person is described.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from datetime import date, timedelta
from pathlib import Path

from transition.cli.app import main as transition
from transition.store import Mode, Tracker, transact
from transition.store.listings import checklist_rows

SAMPLE_TODAY = date(2030, 5, 20)
WARDS = range(1, 26)
NOT_RUNNING = {4, 17}
UNDECIDED = {22}
SEPARATE_ACCOUNTS = {3, 6, 9, 12, 15, 18, 21, 24}
#: Wards whose member has filed, and on which day (May 2030 business days).
FILED = {1: 6, 2: 6, 5: 7, 7: 6, 9: 8, 10: 13, 13: 14, 16: 15, 19: 13}
#: Wards planning to file later in the window.
PLANNED = {8: date(2030, 6, 3), 11: date(2030, 6, 10), 14: date(2030, 7, 2), 20: date(2030, 8, 9)}
#: The mayor's accounts beyond X.
MAYOR_ACCOUNTS = (
    ("Facebook", "TorontoMayorDemo"),
    ("Instagram", "@torontomayordemo"),
    ("YouTube", "@TorontoMayorDemo"),
    ("LinkedIn", "toronto-mayor-demo"),
    ("TikTok", "@torontomayordemo"),
)
#: Offices that missed the publication cutoff.
LATE_ON_CUTOFF = {10, 23}


def run(*args: str) -> None:
    """Run one transition command in this process; stop the demo if it fails."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            transition(list(args))
    except SystemExit as stop:
        if stop.code:
            raise SystemExit(f"sample: `transition {' '.join(args)}` failed") from None


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def council_rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    members: list[dict[str, object]] = [
        {
            "name": "Mayor",
            "office": "mayor",
            "running": "yes",
            "option": "single",
            "email": "mayor.office@example.org",
        }
    ]
    accounts: list[dict[str, object]] = [
        {
            "member": "Mayor",
            "platform": "X",
            "handle": "@TorontoMayorDemo",
            "role": "single",
            "email": "mayor@toronto.ca",
            "identifies_member": "yes",
            "publicised": "yes",
        },
        # The mayor's office runs the most accounts: its checklist runs to a
        # second page, as a busy office's does.
        *(
            {
                "member": "Mayor",
                "platform": platform,
                "handle": handle,
                "role": "single",
                "identifies_member": "yes",
                "publicised": "yes" if platform != "LinkedIn" else "no",
            }
            for platform, handle in MAYOR_ACCOUNTS
        ),
    ]
    for ward in WARDS:
        name = f"Ward {ward} Councillor"
        running = "no" if ward in NOT_RUNNING else "undecided" if ward in UNDECIDED else "yes"
        option = "separate" if ward in SEPARATE_ACCOUNTS else "single"
        row: dict[str, object] = {
            "name": name,
            "ward": ward,
            "running": running,
            "option": option,
            # The office's address, where its reminders go (example.org: no one's).
            "email": f"ward{ward}.office@example.org",
        }
        if ward in FILED:
            row.update(filing_date=date(2030, 5, FILED[ward]).isoformat(), filing="actual")
        elif ward in PLANNED:
            row.update(filing_date=PLANNED[ward].isoformat(), filing="planned")
        members.append(row)
        accounts.append(
            {
                "member": name,
                "platform": "X",
                "handle": f"@Ward{ward}Cllr",
                "role": "council" if option == "separate" else "single",
                "email": f"councillor_ward{ward}@toronto.ca",
                "identifies_member": "yes",
                "publicised": "yes" if ward % 2 else "no",
                "city_resources": "yes" if ward % 5 == 0 else "no",
            }
        )
        if option == "separate":
            accounts.append(
                {
                    "member": name,
                    "platform": "Instagram",
                    "handle": f"@ward{ward}campaign",
                    "role": "campaign",
                    "email": f"ward{ward}.campaign@example.org",
                    "uses_logo": "yes" if ward == 21 else "no",
                }
            )
        elif ward % 4 == 1:
            accounts.append(
                {
                    "member": name,
                    "platform": "Facebook",
                    "handle": f"Ward{ward}Updates",
                    "role": "single",
                    "identifies_member": "yes",
                    "city_resources": "yes",
                }
            )
    return members, accounts


def mark_progress(database: Path) -> None:
    """Mark steps done the way the offices would have by the demo's date."""
    transact(database, mark, today=SAMPLE_TODAY, actor="Demo Staff", mode=Mode.WRITE)


def mark(tracker: Tracker) -> None:
    """`mark_progress`'s one transaction."""
    election = tracker.find.election("2030")
    for row in checklist_rows(tracker, election):
        ward = row["member"].removeprefix("Ward ").split()[0]
        ward_number = int(ward) if ward.isdigit() else 0
        if row["step"] == "stop-handle-publications" and ward_number not in LATE_ON_CUTOFF:
            tracker.today = date(2030, 4, 24 + ward_number % 6)
            tracker.mark.done([row["id"]], note="print run checked", evidence=None)
        elif (ward_number, row["step"]) == (19, "unlink-city-websites"):
            tracker.today = SAMPLE_TODAY
            tracker.mark.waive(row["id"], "the account was never linked from any City site")
        elif (
            row["step"] != "stop-handle-publications"
            and row["due"]
            and ward_number in FILED
            and ward_number != 13
        ):
            tracker.today = date.fromisoformat(row["due"]) + timedelta(days=ward_number % 2)
            evidence = f"https://example.org/ward{ward_number}/{row['step']}"
            tracker.mark.done([row["id"]], note=None, evidence=evidence)


def build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "transition.db"
    for stale in folder.glob("transition.db*"):
        stale.unlink()
    members, accounts = council_rows()
    write_csv(
        folder / "members.csv",
        ["name", "ward", "office", "running", "option", "filing_date", "filing", "email"],
        members,
    )
    write_csv(
        folder / "accounts.csv",
        [
            "member",
            "platform",
            "handle",
            "role",
            "email",
            "identifies_member",
            "publicised",
            "uses_logo",
            "city_resources",
        ],
        accounts,
    )
    db = ("--db", str(database))
    today = ("--today", SAMPLE_TODAY.isoformat())
    run("election", "add", "--year", "2030", *db, *today)
    run("election", "set", "2030", "--clerk-email", "clerk@example.org", *db, *today)
    run("import", "members", str(folder / "members.csv"), *db, *today)
    run("import", "accounts", str(folder / "accounts.csv"), *db, *today)
    mark_progress(database)
    return database


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo")
    sys.stdout.write(f"built the sample council in {build(target)} (as of {SAMPLE_TODAY})\n")
