"""Trials of the command line: hostile input to every command, and
interrupts at any moment of one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness import SCRIPT, Figures, Result, council_with_items, count, invoke_transition, item_ids

# -- hostile input -------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "'; DROP TABLE member; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM event; --",
    "%s %d {0} {name}",
    "[bold red]markup[/]",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "line\nbreak",
    "tab\there",
    "nul\x00byte",
    "\ud800 lone surrogate",
    "\u202eright-to-left override",
    "Zoë Ørsted-Łukasz 山田",
    "x" * 5000,
    "2030-02-30",
    "0000-00-00",
    "9999-12-31",
    "-1",
]


def hostile_input(folder: Path, examples: int, seed: int = 0) -> Figures:
    """Arbitrary text for every field and arbitrary CSV files: never a traceback,
    and a refused command leaves the exported state exactly as it was."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed
    from hypothesis import strategies as st

    figures = Figures(f"hostile input ({examples} examples a command)")
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "hostile.db"
    db = ("--db", str(database))
    for args in (
        ("election", "add", "--year", "2030"),
        ("member", "add", "Jane Doe", "--ward", "7"),
        (
            "account",
            "add",
            "jane",
            "--platform",
            "X",
            "--handle",
            "@CllrDoe",
            "--role",
            "single",
            "--uses-logo",
        ),
        ("member", "set", "jane", "--running", "yes", "--option", "single"),
    ):
        result = invoke_transition(*args, *db, "--today", "2030-04-01")
        if result.returncode:
            raise AssertionError(result.stderr)
    first_item = str(item_ids(database)[0])
    texts = st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=()), max_size=60),
        st.text(max_size=2500),
    )

    def state() -> str:
        """Everything in the file, row by row (faster than an export, and stricter)."""
        import hashlib
        import sqlite3

        connection = sqlite3.connect(database)
        try:
            return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
        finally:
            connection.close()

    def attempt(*args: str) -> None:
        before = state()
        try:
            result = invoke_transition(*args, *db)
        except Exception:  # an exception escaping main() is a traceback for the user
            figures.tracebacks += 1
            return
        figures.tried += 1
        figures.saw(result)
        if result.returncode not in (0, 1, 2) or (
            result.returncode and result.stderr.count("\n") != 1
        ):
            figures.lost += 1
        if result.returncode and state() != before:
            figures.changed += 1

    commands = [
        lambda t: attempt("member", "add", t, "--ward", "9"),
        lambda t: attempt("member", "add", "Pat Lee", "--ward", t),
        lambda t: attempt(
            "account", "add", "jane", "--platform", t, "--handle", t, "--role", "council"
        ),
        lambda t: attempt(
            "account",
            "add",
            "jane",
            "--platform",
            "Y",
            "--handle",
            "@h",
            "--role",
            "council",
            "--email",
            t,
        ),
        lambda t: attempt("done", first_item, "--note", t, "--evidence", t),
        lambda t: attempt("note", first_item, "--note", t),
        lambda t: attempt("waive", first_item, "--reason", t),
        lambda t: attempt("member", "file", "jane", "--date", t, "--planned"),
        lambda t: attempt("checklist", t),
        lambda t: attempt("status", "--today", t),
        lambda t: attempt("member", "set", t, "--running", t),
    ]
    run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    for command in commands:
        fixed_seed(seed)(run(given(texts)(command)))()

    cells = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
    columns = st.lists(
        st.sampled_from(
            ["name", "ward", "office", "running", "option", "filing_date", "filing", "junk", ""]
        ),
        min_size=0,
        max_size=8,
    )

    @fixed_seed(seed)
    @run
    @given(
        columns,
        st.lists(st.lists(cells, max_size=9), max_size=6),
        st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
        st.booleans(),
        st.sampled_from([",", ";", "\t"]),
    )
    def csv_file(header, rows, encoding, duplicate, delimiter):
        lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
        if duplicate and len(lines) > 1:
            lines.append(lines[-1])
        path = folder / "hostile.csv"
        path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
        attempt("import", "members", str(path))

    csv_file()
    return figures


# -- interrupts -----------------------------------------------------------------------

#: Commands an interrupt may come to, and how to tell whether each was done.
INTERRUPTED = ("calendar", "status", "member add", "done", "import members")


def interrupts(folder: Path, tries: int, seed: int = 130) -> Figures:
    """Ctrl-C or SIGTERM at a random moment of a random command, a third of
    them within its first tenth of a second: never a traceback, and the exit
    status says what happened. 0: done whole; 130 or 143: nothing done; the
    signal's own death (before Python could take it over): nothing done."""
    import random
    import signal
    import time

    pick = random.Random(seed)
    figures = Figures(f"interrupts at random moments ({tries} signals)")
    early = 0
    database = council_with_items(folder / "council", members=20)
    at = ("--db", str(database), "--today", "2030-04-01")
    ids = item_ids(database)
    for n in range(tries):
        csv = folder / f"members-{n}.csv"
        csv.write_text("name,ward\n" + "".join(f"Try {n} Member {m:03d},{m}\n" for m in range(400)))
        command = pick.choice(INTERRUPTED)
        item = ids[n % len(ids)]
        args = {
            "calendar": ("calendar", "2030"),
            "status": ("status", *at),
            "member add": ("member", "add", f"Interrupted {n}", "--ward", str(1000 + n), *at),
            "done": ("done", str(item), *at),
            "import members": ("import", "members", str(csv), *at),
        }[command]
        before = _state(database, command, n, item)
        process = subprocess.Popen(
            [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        delay = pick.uniform(0, 0.1) if n % 3 == 0 else pick.uniform(0.1, 1.5)
        time.sleep(delay)
        which = pick.choice((signal.SIGINT, signal.SIGTERM))
        process.send_signal(which)
        out, err = process.communicate(timeout=120)
        figures.tried += 1
        figures.saw(Result(process.returncode, out, err))
        after = _state(database, command, n, item)
        finished = process.returncode == 0
        starting = before_our_code(err)
        if starting:  # Python's own, not a defect of ours: counted apart
            figures.tracebacks -= 1
            early += 1
        if "Traceback" in err and not starting:
            figures.note(f"{command} after {delay * 1000:.0f} ms: {err.strip()[-600:]!r}")
        stopped = process.returncode in (130, 143, -which) or (starting and process.returncode == 1)
        quiet = err in ("", "\n") or starting
        wrong = not (finished or stopped) or (stopped and not quiet)
        # Done whole when it says so; untouched when it stopped.
        wrong = wrong or (before is not None and (after != before) != finished)
        figures.lost += wrong
        if wrong:
            figures.note(
                f"{command} after {delay * 1000:.0f} ms: exit {process.returncode}, "
                f"{before} -> {after}, {err.strip()[-200:]!r}"
            )
        _undo(database, command, n, item, at)
    if early:
        figures.skipped = f"{early} came while Python itself was starting, before transition ran"
    return figures


def before_our_code(err: str) -> bool:
    """Python's own report of an interrupt that came while Python itself was
    still starting (its site module, the console script's first import),
    before any of transition's code ran, so before anything was done: the
    few milliseconds no program written in Python can take over. Python
    then prints a traceback, or "Fatal Python error: init_import_site", and
    exits 1 or by the signal."""
    import re

    import transition

    package = Path(transition.__file__).parent
    # The modules the console script loads before main() takes the signals:
    # built-in imports only, so an interrupt there has done nothing either.
    first = {
        package / "__init__.py",
        package / "cli" / "__init__.py",
        package / "cli" / "startup.py",
    }
    lines = err.strip().splitlines()
    ours = [
        (Path(path), where)
        for path, where in re.findall(r'File "([^"]+)", line \d+, in (\S+)', err)
        if path.startswith(str(package))
    ]
    # Ctrl-C raised inside the import system's own lock callback, which
    # Python swallows ("Exception ignored in") and goes on: the interrupt is
    # Python's to lose, and the command then runs whole, as the trial checks.
    swallowed = "Exception ignored in: <function _get_module_lock"
    ignored = bool(lines) and lines[0].startswith(swallowed)
    return (
        "Traceback (most recent call last):" in lines
        and lines[-1] in ("KeyboardInterrupt", "KeyboardInterrupt:")
        and (ignored or lines[-1] == "KeyboardInterrupt")
        and all(path in first and where == "<module>" for path, where in ours)
    )


def _state(database: Path, command: str, n: int, item: int) -> object:
    """What the command changes, or None for a command that changes nothing."""
    if command == "member add":
        return count(database, f"SELECT count(*) FROM member WHERE name = 'Interrupted {n}'")
    if command == "done":
        return count(
            database, f"SELECT count(*) FROM checklist_item WHERE id = {item} AND status = 'done'"
        )
    if command == "import members":
        return count(database, f"SELECT count(*) FROM member WHERE name LIKE 'Try {n} %'")
    return None


def _undo(database: Path, command: str, n: int, item: int, at: tuple[str, ...]) -> None:
    """Put back what a finished command did, so the next try starts the same."""
    if command == "done":
        invoke_transition("reopen", str(item), *at)
