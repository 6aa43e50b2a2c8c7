"""Trials of the printed files: one file per member, and print workers that
end with the command that started them."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from harness import SCRIPT, Figures, invoke_transition, run_transition

#: Names in many scripts, with pairs that one transliteration would merge.
SCRIPTS = (
    "Иван Петров",
    "Пётр Иванов",
    "王小明",
    "李华",
    "Zoë Ward",
    "Zoe Ward",
    "Ζωή Παππά",
    "محمد علي",
    "Nguyễn Văn An",
    "Nguyen Van An",
    "Łucja Żak",
    "Lucja Zak",
    "김민준",
    "Ἀλέξανδρος",
    "Saoirse Ní Bhriain",
    "Saoirse Ni Bhriain",
    "\uff21\uff4e\uff4e \uff2c\uff45\uff45",  # "Ann Lee" in full-width letters
    "Ann Lee",
)


def file_names(folder: Path, members: int, seed: int = 3) -> Figures:
    """`render checklist --all` for members named in many scripts, twice: one
    file per member, never one written over another, the same names both
    times."""
    import random

    pick = random.Random(seed)
    figures = Figures(f"one printed file per member ({members} members in many scripts)")
    folder.mkdir(parents=True, exist_ok=True)
    at = ("--db", str(folder / "names.db"), "--today", "2030-04-01")
    invoke_transition("election", "add", "--year", "2030", *at)
    added = 0
    for n in range(members):
        name = SCRIPTS[n % len(SCRIPTS)] + (
            "" if n < len(SCRIPTS) else f" {pick.choice('ABCDE')}{n}"
        )
        if invoke_transition("member", "add", name, "--ward", str(n + 1), *at).returncode == 0:
            invoke_transition(
                "member", "set", name, "--running", "yes", "--option", "separate", *at
            )
            added += 1
    runs = []
    for _ in range(2):
        result = run_transition(
            "render", "checklist", "--all", "--format", "html", "-o", str(folder / "out"), *at
        )
        figures.saw(result)
        runs.append(result.stdout.split())
    written = runs[0]
    figures.tried = added
    figures.lost = added - len(set(written)) + (len(written) - len(set(written)))
    figures.changed = sum(a != b for a, b in zip(runs[0], runs[1], strict=False))
    figures.changed += abs(len(runs[0]) - len(runs[1]))
    on_disk = {p.name for p in (folder / "out").iterdir()}
    figures.lost += len({Path(p).name for p in written} ^ on_disk)
    return figures


def orphaned_workers(folder: Path, kills: int, seed: int = 9) -> Figures:
    """Kill `render checklist --all` (SIGKILL and SIGTERM in turn) at a
    random moment while its print workers run: each worker must end with it,
    within a second or two."""
    import random
    import signal

    pick = random.Random(seed)
    figures = Figures(f"print workers outliving a killed render ({kills} kills)")
    folder.mkdir(parents=True, exist_ok=True)
    at = ("--db", str(folder / "council.db"), "--today", "2030-04-01")
    invoke_transition("election", "add", "--year", "2030", *at)
    for n in range(8):
        invoke_transition("member", "add", f"Member {n}", "--ward", str(n + 1), *at)
        invoke_transition("member", "set", f"Member {n}", "--running", "yes", *at)
    for n in range(kills):
        process = subprocess.Popen(
            [
                str(SCRIPT),
                "render",
                "checklist",
                "--all",
                "--format",
                "pdf",
                "-o",
                str(folder / f"out-{n}"),
                *at,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(children(process.pid)) < 2:
            time.sleep(0.02)
        time.sleep(pick.uniform(0, 0.5))
        workers = children(process.pid)
        # SIGKILL first: the parent gets no chance to end its workers itself.
        process.send_signal((signal.SIGKILL, signal.SIGTERM)[n % 2])
        process.communicate(timeout=60)
        figures.tried += 1
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(map(running, workers)):
            time.sleep(0.05)
        left = [pid for pid in workers if running(pid)]
        figures.lost += bool(left)
        for pid in left:
            _kill(pid)
    return figures


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill(pid: int) -> None:
    import os
    import signal
    from contextlib import suppress

    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
