"""`make bench`: time every everyday command at council and province scale.

Builds two databases through the project's own import path: the sample
Toronto council (26 members) and a province-scale one (3,000 members, about
45,000 items, a mix of done, open and overdue). Times whole processes: a
warm-up, then several runs each, reporting the median with min and max. The
baselines `python -c "import sqlmodel"` and `python -c "import typer"` run
interleaved with the commands, and each command is reported as a ratio to
them: on a shared machine ratios hold where absolute times do not. Prints a
table, checks the budgets, and writes everything as JSON to compare runs.

Usage: python scripts/bench.py [--runs N] [--out FILE] [--skip-province-render]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from subprocess import DEVNULL

from transition.cli.sample import SAMPLE_TODAY, build
from transition.store import Mode, Tracker, transact
from transition.store.listings import checklist_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from postgres_server import NoServer, running_server

PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).with_name("transition"))
BASELINES = {
    "import typer": [PYTHON, "-c", "import typer"],
    "import sqlmodel": [PYTHON, "-c", "import sqlmodel"],
    "import weasyprint": [PYTHON, "-c", "import weasyprint"],
}
#: Every member's checklist as a PDF of its own, into the folder that follows.
EVERY_CHECKLIST_PDF = [SCRIPT, "render", "checklist", "--all", "--format", "pdf", "-o"]
PROVINCE_MEMBERS = 3000
PROVINCE_TODAY = date(2030, 6, 10)
BIG_IMPORT = 100_000
IMPORT_ROW = "province: import 3,000 members, then 6,900 accounts"
BIG_IMPORT_ROW = f"import {BIG_IMPORT:,} members"
PROVINCE_RENDER_ROW = "province: render checklist --all (3,000 PDFs)"


def province(folder: Path) -> Path:
    """3,000 members through the CSV import, then a realistic mix of progress."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "province.db"
    members, accounts = [], []
    for n in range(1, PROVINCE_MEMBERS + 1):
        running = "no" if n % 20 == 0 else "undecided" if n % 33 == 0 else "yes"
        option = "separate" if n % 10 == 3 else "single"
        row = {
            "name": f"Member {n:04d}",
            "ward": n,
            "running": running,
            "option": option,
            "email": f"office{n}@example.org",
        }
        if n % 4 == 0:
            row.update(filing_date=(date(2030, 5, 1) + timedelta(days=7 * (n % 5))).isoformat())
            row["filing"] = "actual"
        elif n % 4 == 1:
            row.update(filing_date="2030-07-15", filing="planned")
        members.append(row)
        count = 2 + n % 2 if option == "single" else 1
        for a in range(count):
            role = "single" if option == "single" else "campaign"
            accounts.append(
                {
                    "member": row["name"],
                    "platform": ("X", "Facebook", "Instagram")[a],
                    "handle": f"@m{n}a{a}",
                    "role": role,
                    "email": f"m{n}@toronto.ca" if role == "single" else f"m{n}@example.org",
                }
            )
    _write_csv(folder / "members.csv", members)
    _write_csv(folder / "accounts.csv", accounts)
    at = ["--db", str(folder / "empty.db"), "--today", PROVINCE_TODAY.isoformat()]
    subprocess.run([SCRIPT, "election", "add", "--year", "2030", *at], check=True, stdout=DEVNULL)
    clerk = ["election", "set", "2030", "--clerk-email", "clerk@example.org"]
    subprocess.run([SCRIPT, *clerk, *at], check=True, stdout=DEVNULL)
    subprocess.run(province_import(folder, database), check=True, stdout=DEVNULL)

    def mark(tracker: Tracker) -> None:
        rows = checklist_rows(tracker, tracker.find.election("2030"))
        done = [
            r["id"]
            for n, r in enumerate(rows)
            if n % 5 in (0, 1, 2) and (r["due"] or "9") <= "2030-06-10"
        ]
        tracker.mark.done(done, note=None, evidence=None)

    transact(database, mark, today=PROVINCE_TODAY, actor="Bench Staff", mode=Mode.WRITE)
    return database


def province_import(folder: Path, database: Path) -> list[str]:
    """A shell command: the province's members, then their accounts, imported
    into a copy of `folder`'s database that holds only the election."""
    at = f"--db {database} --today {PROVINCE_TODAY.isoformat()}"
    return [
        "sh",
        "-ec",
        f"cp {folder / 'empty.db'} {database}; "
        f"{SCRIPT} import members {folder / 'members.csv'} {at}; "
        f"{SCRIPT} import accounts {folder / 'accounts.csv'} {at}",
    ]


def big_import(folder: Path, members: int) -> list[str]:
    """A command importing `members` members at once (the issue's 100,000)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"name": f"Member {n:06d}", "ward": n, "running": "yes", "option": "single"}
        | ({"filing_date": "2030-07-15", "filing": "planned"} if n % 2 else {})
        for n in range(1, members + 1)
    ]
    _write_csv(folder / "members.csv", rows)
    at = ["--db", str(folder / "big.db"), "--today", PROVINCE_TODAY.isoformat()]
    subprocess.run([SCRIPT, "election", "add", "--year", "2030", *at], check=True, stdout=DEVNULL)
    return [SCRIPT, "import", "members", str(folder / "members.csv"), *at]


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


class Bench:
    def __init__(self, runs: int):
        self.runs = runs
        self.samples: dict[str, list[float]] = {name: [] for name in BASELINES}
        self.results: list[dict[str, object]] = []

    def baselines(self) -> None:
        for name, command in BASELINES.items():
            self.samples[name].append(timed(command))

    def measure(
        self,
        label: str,
        command: list[str],
        *,
        runs: int | None = None,
        after: list[str] | None = None,
    ) -> None:
        """Warm up once, then time `runs` runs, with the baselines run between them."""
        timed(command)
        if after:
            timed(after)
        times = []
        for _ in range(runs or self.runs):
            self.baselines()
            times.append(timed(command))
            if after:
                timed(after)
        self.results.append(
            {
                "what": label,
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "runs": len(times),
            }
        )
        print(f"  {label}: {statistics.median(times) * 1000:.0f} ms", flush=True)

    def once(self, label: str, command: list[str]) -> dict[str, object]:
        seconds = timed(command)
        self.results.append(
            {"what": label, "median": seconds, "min": seconds, "max": seconds, "runs": 1}
        )
        print(f"  {label}: {seconds:.1f} s", flush=True)
        return self.results[-1]

    def baseline(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, label: str, baseline: str) -> float:
        row = next(r for r in self.results if r["what"] == label)
        return float(row["median"]) / self.baseline(baseline)


def taskwarrior_row(bench: Bench, folder: Path, items: int) -> str | None:
    """Taskwarrior answering "due within 14 days" over as many tasks, if installed."""
    task = shutil.which("task")
    if task is None:
        return None
    data = folder / "taskwarrior"
    data.mkdir()
    rc = folder / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    start = date(2030, 5, 1)
    tasks = [
        {
            "description": f"step {n}",
            "status": "pending",
            "entry": "20300401T000000Z",
            "due": (start + timedelta(days=n % 100)).strftime("%Y%m%dT000000Z"),
            "uuid": _uuid(n),
        }
        for n in range(items)
    ]
    (folder / "tasks.json").write_text(json.dumps(tasks))
    subprocess.run(
        [task, "import", str(folder / "tasks.json")], env=env, check=True, capture_output=True
    )
    command = [task, f"due.before:{(PROVINCE_TODAY + timedelta(days=14)).isoformat()}", "list"]
    label = f"taskwarrior: due within 14 days ({items} tasks)"
    old = dict(os.environ)
    os.environ.update(env)
    try:
        bench.measure(label, command)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return label


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--skip-province-render", action="store_true")
    options = parser.parse_args()
    bench = Bench(options.runs)
    with tempfile.TemporaryDirectory(prefix="transition-bench-") as scratch:
        folder = Path(scratch)
        print("building the council and the province databases ...", flush=True)
        council = build(folder / "council")
        started = time.perf_counter()
        big = province(folder / "province")
        print(f"  province built in {time.perf_counter() - started:.0f} s", flush=True)
        big_items = transact(
            big,
            lambda tracker: len(checklist_rows(tracker, tracker.find.election("2030"))),
            today=PROVINCE_TODAY,
            actor="Bench Staff",
        )
        c = ["--db", str(council), "--today", SAMPLE_TODAY.isoformat()]
        p = ["--db", str(big), "--today", PROVINCE_TODAY.isoformat()]
        council_item = _first_open(council, SAMPLE_TODAY, "Ward 13 Councillor")
        province_item = _first_open(big, PROVINCE_TODAY, "Member 1234")

        print("timing (median of runs):", flush=True)
        bench.measure("transition --help", [SCRIPT, "--help"])
        bench.measure("calendar 2030", [SCRIPT, "calendar", "2030"])
        bench.measure("rules", [SCRIPT, "rules"])
        for scale, at, member, item in (
            ("council", c, "Ward 13 Councillor", council_item),
            ("province", p, "Member 1234", province_item),
        ):
            everyday(bench, scale, at, member, item)
        completion_rows(bench, "province", str(big))
        for scale, at in (("council", c), ("province", p)):
            bench.measure(f"{scale}: remind", [SCRIPT, "remind", *at])
            outbox = ["--outbox", str(folder / f"outbox-{scale}")]
            bench.measure(f"{scale}: remind --outbox", [SCRIPT, "remind", *outbox, *at])
        postgres_rows(bench, folder, (council, c, council_item), (big, p, province_item))
        out = folder / "out"
        bench.measure(
            "council: render one checklist PDF",
            [SCRIPT, "render", "checklist", "Ward 13 Councillor", "-o", str(out / "one.pdf"), *c],
        )
        bench.measure(
            "council: render 26 checklists, one PDF",
            [SCRIPT, "render", "checklist", "--all", "--combined", "-o", str(out / "all.pdf"), *c],
        )
        bench.measure(
            "council: render 26 checklists, 26 PDFs",
            [*EVERY_CHECKLIST_PDF, str(out / "each"), *c],
        )
        bench.measure(
            "council: export ics --all",
            [SCRIPT, "export", "ics", "--all", "-o", str(out / "c.ics"), *c],
        )
        bench.measure(
            "province: export ics --all",
            [SCRIPT, "export", "ics", "--all", "-o", str(out / "p.ics"), *p],
            runs=3,
        )
        bench.measure(
            IMPORT_ROW,
            province_import(folder / "province", folder / "imported.db"),
            runs=3,
        )
        bench.once(BIG_IMPORT_ROW, big_import(folder / "big", BIG_IMPORT))
        tw = taskwarrior_row(bench, folder, big_items)
        if tw is None:
            print(
                "  taskwarrior: not installed (apt-get install taskwarrior); that row is skipped",
                flush=True,
            )
        if not options.skip_province_render:
            bench.once(
                PROVINCE_RENDER_ROW,
                [*EVERY_CHECKLIST_PDF, str(out / "province"), *p],
            )

    report(bench, big_items, tw, options.out)
    return 0


def everyday(bench: Bench, scale: str, at: list[str], member: str, item: int) -> None:
    """The everyday commands on one database."""
    bench.measure(f"{scale}: checklist MEMBER", [SCRIPT, "checklist", member, *at])
    bench.measure(f"{scale}: status", [SCRIPT, "status", *at])
    bench.measure(f"{scale}: status --json", [SCRIPT, "status", "--json", *at])
    bench.measure(f"{scale}: status --due-within 14", [SCRIPT, "status", "--due-within", "14", *at])
    bench.measure(
        f"{scale}: done ID",
        [SCRIPT, "done", str(item), *at],
        after=[SCRIPT, "reopen", str(item), *at],
    )
    timed([SCRIPT, "done", str(item), *at])  # reopen needs a done step
    bench.measure(
        f"{scale}: reopen ID",
        [SCRIPT, "reopen", str(item), *at],
        after=[SCRIPT, "done", str(item), *at],
    )
    bench.measure(f"{scale}: log MEMBER", [SCRIPT, "log", member, *at[:2]])


def completion_rows(bench: Bench, scale: str, database: str) -> None:
    """What a Tab costs: the shell runs the console script with Click's
    completion variables, for item ids (of tens of thousands) and names."""
    for what, words in (
        ("done ID", "transition done "),
        ("checklist MEMBER", "transition checklist M"),
    ):
        bench.measure(
            f"{scale}: complete {what}",
            [
                "env",
                f"TRANSITION_DB={database}",
                "_TRANSITION_COMPLETE=complete_bash",
                f"COMP_WORDS={words}",
                "COMP_CWORD=2",
                SCRIPT,
            ],
        )


def postgres_rows(bench: Bench, folder: Path, *databases: tuple[Path, list[str], int]) -> None:
    """The same commands on a PostgreSQL server on loopback, each database
    restored from the SQLite one's export."""
    try:
        with running_server() as server:
            for (database, at, item), scale, member in zip(
                databases,
                ("council", "province"),
                ("Ward 13 Councillor", "Member 1234"),
                strict=True,
            ):
                export = folder / f"{scale}.json"
                subprocess.run(
                    [SCRIPT, "export", "--db", str(database), "-o", str(export)], check=True
                )
                url = server.url(server.new_database())
                subprocess.run([SCRIPT, "restore", str(export), "--db", url], check=True)
                everyday(bench, f"postgresql {scale}", ["--db", url, *at[2:]], member, item)
                if scale == "province":
                    completion_rows(bench, "postgresql province", url)
    except NoServer as reason:
        print(f"  PostgreSQL: no server could start ({reason}); those rows are skipped")


def _first_open(database: Path, today: date, member: str) -> int:
    rows = transact(
        database,
        lambda tracker: checklist_rows(
            tracker, tracker.find.election("2030"), tracker.find.member(member)
        ),
        today=today,
        actor="Bench Staff",
    )
    return next(r["id"] for r in rows if r["status"] == "open")


BUDGETS = [
    ("transition --help", "import typer", 2.5),
    ("calendar 2030", "import typer", 2.5),
    ("rules", "import typer", 2.5),
    *[
        (f"council: {c}", "import sqlmodel", 1.2)
        for c in ("checklist MEMBER", "status", "done ID", "reopen ID", "log MEMBER")
    ],
    *[
        (f"province: {c}", "import sqlmodel", 1.4)
        for c in ("checklist MEMBER", "status", "done ID", "reopen ID", "log MEMBER")
    ],
    # A dry run reads what `status` reads, and the reminders sent.
    ("council: remind", "import sqlmodel", 1.2),
    ("province: remind", "import sqlmodel", 1.4),
    # A command that opens the record cannot start faster than SQLModel imports.
    ("council: export ics --all", "import sqlmodel", 1.3),
    ("council: render one checklist PDF", "import weasyprint", 2.5),
    # Every PDF is tagged (PDF/UA); a combined file's parts are joined with
    # their structure trees grafted together.
    ("council: render 26 checklists, one PDF", "import weasyprint", 3.5),
    ("council: render 26 checklists, 26 PDFs", "import weasyprint", 5.0),
]

#: The everyday commands on PostgreSQL, against the same on SQLite.
EVERYDAY = ("checklist MEMBER", "status", "done ID", "reopen ID", "log MEMBER")
SERVER_BUDGETS = [
    *[(f"postgresql {scale}: {c}", 1.2) for scale in ("council", "province") for c in EVERYDAY],
    # The province's counts are one grouped query on both stores.
    ("postgresql province: status", 1.0),
]

#: What must finish within so many seconds, whatever the machine.
SECONDS = [
    (BIG_IMPORT_ROW, 60.0),
    ("province: export ics --all", 3.0),
    (PROVINCE_RENDER_ROW, 150.0),
]


def previous_run(out: Path) -> dict[str, dict[str, float]]:
    """The last run's rows by label (median and ratio), to print and keep
    beside this run's; empty on a first run or an unreadable file."""
    try:
        rows = json.loads(out.read_text())["results"]
        return {
            str(r["what"]): {"median": float(r["median"]), "ratio": float(r["ratio"])} for r in rows
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def report(bench: Bench, items: int, taskwarrior: str | None, out: Path) -> None:
    before = previous_run(out)
    print()
    print(f"{'what':52} {'median':>9} {'min':>9} {'max':>9}  ratio (last run)")
    for name in BASELINES:
        median = bench.baseline(name)
        label = f"baseline: python -c '{name}'"
        print(f"{label:52} {median * 1000:8.0f}ms")
    budgets = {label: (base, limit) for label, base, limit in BUDGETS}
    medians = {str(r["what"]): float(r["median"]) for r in bench.results}
    for row in bench.results:
        label = str(row["what"])
        base = budgets.get(label, (None, None))[0] or (
            "import weasyprint" if "render" in label else "import sqlmodel"
        )
        ratio = float(row["median"]) / bench.baseline(base)
        row["ratio"], row["baseline"] = ratio, base
        sqlite = medians.get(label.removeprefix("postgresql "))
        if label.startswith("postgresql ") and sqlite:
            row["sqlite_ratio"] = float(row["median"]) / sqlite
        if label in before:
            row["previous"] = before[label]
        last = f" ({before[label]['ratio']:.2f})" if label in before else ""
        server = f", {row['sqlite_ratio']:.2f} x SQLite" if "sqlite_ratio" in row else ""
        print(
            f"{label:52} {float(row['median']) * 1000:8.0f}ms {float(row['min']) * 1000:8.0f}ms "
            f"{float(row['max']) * 1000:8.0f}ms  {ratio:4.2f} x {base}{last}{server}"
        )
    print()
    verdicts = []
    for label, base, limit in BUDGETS:
        ratio = bench.ratio(label, base)
        verdicts.append({"what": label, "ratio": ratio, "budget": limit, "ok": ratio <= limit})
        print(
            f"{'ok  ' if ratio <= limit else 'OVER'} {label}: {ratio:.2f} x {base} (budget {limit})"
        )
    for label, limit in SECONDS:
        if label not in medians:
            continue  # not timed in this run (--skip-province-render)
        seconds = medians[label]
        verdicts.append(
            {"what": label, "seconds": seconds, "budget": limit, "ok": seconds <= limit}
        )
        verdict = "ok  " if seconds <= limit else "OVER"
        print(f"{verdict} {label}: {seconds:.1f} s (budget {limit:.0f} s)")
    for label, limit in SERVER_BUDGETS:
        if label not in medians:
            continue  # no PostgreSQL server could start
        ratio = medians[label] / medians[label.removeprefix("postgresql ")]
        verdicts.append(
            {"what": label, "sqlite_ratio": ratio, "budget": limit, "ok": ratio <= limit}
        )
        verdict = "ok  " if ratio <= limit else "OVER"
        print(f"{verdict} {label}: {ratio:.2f} x the same on SQLite (budget {limit})")
    if taskwarrior:
        ours, theirs = medians["province: status --due-within 14"], medians[taskwarrior]
        verdicts.append(
            {"what": "province: status --due-within 14 vs taskwarrior", "ok": ours < theirs}
        )
        verdict = "ok  " if ours < theirs else "OVER"
        print(
            f"{verdict} status --due-within 14 on {items} items: "
            f"{ours * 1000:.0f} ms vs taskwarrior {theirs * 1000:.0f} ms"
        )
    out.write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                "province_items": items,
                "baselines": {name: bench.baseline(name) for name in BASELINES},
                "results": bench.results,
                "budgets": verdicts,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    sys.exit(main())
