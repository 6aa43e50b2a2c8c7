"""Running transition as a user does, and trying it hard: shared by the tests
and by `make soak` (scripts/soak.py), which runs the same trials longer."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(sys.executable).with_name("transition")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_transition(
    *args: str, env: dict[str, str] | None = None, limit: int | None = None
) -> Result:
    """Run the installed `transition` console script in a subprocess; `limit`
    caps the size of files it may write (a stand-in for a full disk)."""
    environment = dict(os.environ)
    environment["COLUMNS"] = "200"
    environment.update(env or {})
    done = subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        preexec_fn=None if limit is None else lambda: _limit_file_size(limit),
    )
    return Result(done.returncode, done.stdout, done.stderr)


def _limit_file_size(limit: int) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def invoke_transition(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command line in this process: the same code, without the start-up cost.

    For the many small calls of detailed tests; the console script itself is
    exercised by `run_transition`.
    """
    from transition.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return Result(code, out.getvalue(), err.getvalue())


def as_rows(result: Result) -> list[dict]:
    import json

    if result.returncode != 0:
        raise AssertionError(f"command failed: {result.stderr}")
    return json.loads(result.stdout)


# -- figures -----------------------------------------------------------------


@dataclass
class Figures:
    """What one trial of a promise counted: tried, and what went wrong."""

    promise: str
    tried: int = 0
    lost: int = 0
    doubled: int = 0
    tracebacks: int = 0
    locked: int = 0
    changed: int = 0
    skipped: str = ""
    #: For trials of what must be caught (refusals, tampering): how many were,
    #: and how many got through.
    caught: int | None = None
    missed: int = 0

    @property
    def ok(self) -> bool:
        return (
            not (self.lost or self.doubled or self.tracebacks or self.locked or self.changed)
            and not self.missed
        )

    def line(self) -> str:
        counts = (
            f"{self.tried} tried, {self.lost} lost, {self.doubled} doubled, "
            f"{self.tracebacks} tracebacks, {self.locked} 'database is locked', "
            f"{self.changed} files changed"
        )
        if self.caught is not None:
            counts = (
                f"{self.tried} tried, {self.caught} caught, {self.missed} missed, "
                f"{self.tracebacks} tracebacks, {self.changed} records changed"
            )
        skipped = f" (skipped: {self.skipped})" if self.skipped else ""
        return f"{'ok  ' if self.ok else 'FAIL'} {self.promise}: {counts}{skipped}"

    def saw(self, result: Result) -> None:
        """Count what a user would have seen go wrong in one command's output."""
        text = result.stderr + result.stdout
        self.tracebacks += "Traceback" in text
        self.locked += "database is locked" in text


# -- building a council with many items ---------------------------------------


def council_with_items(folder: Path, members: int) -> Path:
    """A 2030 database of `members` members, each on one City-connected account
    (six steps each), built through the CSV import staff use."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "council.db"
    (folder / "members.csv").write_text(
        "name,ward,running,option\n"
        + "".join(f"Member {n:04d},{n},yes,single\n" for n in range(1, members + 1))
    )
    (folder / "accounts.csv").write_text(
        "member,platform,handle,role,uses_logo\n"
        + "".join(f"Member {n:04d},X,@m{n},single,yes\n" for n in range(1, members + 1))
    )
    at = ("--db", str(database), "--today", "2030-04-01")
    for args in (
        ("election", "add", "--year", "2030"),
        ("import", "members", str(folder / "members.csv")),
        ("import", "accounts", str(folder / "accounts.csv")),
    ):
        result = invoke_transition(*args, *at)
        if result.returncode:
            raise AssertionError(result.stderr)
    return database


def item_ids(database: Path) -> list[int]:
    rows = as_rows(invoke_transition("checklist", "--json", "--db", str(database)))
    return [row["id"] for row in rows]


# -- concurrent staff ------------------------------------------------------------

WORKER = """
import subprocess, sys, json
script, db, who, batch, *ids = sys.argv[1:]
third = len(ids) // 3
reopened, annotated = ids[third:2 * third], ids[2 * third:]
size = int(batch)
commands = [["done", *ids[i:i + size], "--note", f"by {who}"] for i in range(0, len(ids), size)]
commands.append(["reopen", *reopened])
commands.append(["note", *annotated, "--evidence", f"https://example.org/{who}"])
outputs = []
for command in commands:
    command += ["--db", db, "--by", who]
    done = subprocess.run([script, *command], capture_output=True, text=True)
    outputs.append({"code": done.returncode, "out": done.stdout, "err": done.stderr})
print(json.dumps(outputs))
"""


def concurrent_staff(
    folder: Path,
    processes: int = 4,
    items_each: int = 100,
    batch: int = 25,
    postgres_url: str | None = None,
) -> Figures:
    """`processes` staff at once, each marking, reopening and annotating its own
    `items_each` items through the console script; every change must land once.
    With `postgres_url` (an empty database), the council is restored there and
    the staff work on the server."""
    import json

    store = " on PostgreSQL" if postgres_url else ""
    figures = Figures(f"concurrent staff{store} ({processes} processes x {items_each} items)")
    database: Path | str = council_with_items(folder, members=-(-processes * items_each // 6))
    if postgres_url:
        exported = folder / "council.json"
        invoke_transition("export", "--db", str(database), "-o", str(exported))
        restored = invoke_transition("restore", str(exported), "--db", postgres_url)
        assert restored.returncode == 0, restored.stderr
        database = postgres_url
    ids = item_ids(database)[: processes * items_each]
    shares = [ids[n * items_each : (n + 1) * items_each] for n in range(processes)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(SCRIPT),
                str(database),
                f"staff{n}",
                str(batch),
                *map(str, share),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, share in enumerate(shares)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        figures.tracebacks += "Traceback" in err
        for output in json.loads(out):
            figures.saw(Result(output["code"], output["out"], output["err"]))
            figures.lost += output["code"] != 0

    items = {
        row["id"]: row
        for row in as_rows(invoke_transition("checklist", "--json", "--db", str(database)))
    }
    log = as_rows(invoke_transition("log", "--json", "--db", str(database)))
    actions: dict[int, list[str]] = {}
    for event in reversed(log):
        if event["subject"].startswith("item ") and event["action"] != "item.added":
            actions.setdefault(int(event["subject"].split()[1]), []).append(event["action"])
    for n, share in enumerate(shares):
        third = len(share) // 3
        for position, item_id in enumerate(share):
            figures.tried += 1
            item = items[item_id]
            if position < third:
                expected, want = ["item.done"], item["status"] == "done"
            elif position < 2 * third:
                expected, want = ["item.done", "item.reopened"], item["status"] == "open"
            else:
                expected = ["item.done", "item.annotated"]
                want = (
                    item["status"] == "done" and item["evidence"] == f"https://example.org/staff{n}"
                )
            got = actions.get(item_id, [])
            figures.lost += not want or any(a not in got for a in expected)
            figures.doubled += len(got) > len(expected)
    return figures


# -- crashes ---------------------------------------------------------------------


def _checkpoint(database: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _integrity_ok(database: Path) -> bool:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def _count(database: Path, sql: str) -> int:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


CRASH_OPERATIONS = ("import", "done", "migration")


def crashes(folder: Path, operation: str, kills: int, seed: int = 2030) -> Figures:
    """Kill a process (SIGKILL) at random points of `operation`, `kills` times;
    each time the database must pass its checks and hold all of it or none."""
    import random
    import shutil
    import signal
    import time

    figures = Figures(f"crashes during {operation} ({kills} kills)")
    base = council_with_items(folder / "base", members=20)
    _checkpoint(base)
    members_before = _count(base, "SELECT count(*) FROM member")
    ids = [str(i) for i in item_ids(base)]
    new_members = 150
    (folder / "more.csv").write_text(
        "name,ward,running,option\n"
        + "".join(f"New {n},{n},yes,single\n" for n in range(new_members))
    )

    def command(database: Path) -> list[str]:
        if operation == "import":
            return [
                str(SCRIPT),
                "import",
                "members",
                str(folder / "more.csv"),
                "--db",
                str(database),
            ]
        if operation == "done":
            return [str(SCRIPT), "done", *ids, "--db", str(database)]
        return [str(SCRIPT), "init", "--db", str(database)]

    def fresh(n: int) -> Path:
        target = folder / f"run{n}" / "council.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        if operation != "migration":
            shutil.copy(base, target)
        return target

    started = time.monotonic()
    calibration = subprocess.run(command(fresh(0)), capture_output=True, text=True)
    duration = time.monotonic() - started
    if calibration.returncode:
        raise AssertionError(calibration.stderr)
    chance = random.Random(seed)
    for n in range(1, kills + 1):
        database = fresh(n)
        process = subprocess.Popen(
            command(database), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(chance.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate()
        figures.tried += 1
        figures.tracebacks += b"Traceback" in err
        if not database.exists():
            whole = operation == "migration"  # killed before the new file was linked in
        elif not _integrity_ok(database):
            figures.changed += 1
            continue
        elif operation == "import":
            added = _count(database, "SELECT count(*) FROM member") - members_before
            whole = added in (0, new_members)
        elif operation == "done":
            done = _count(database, "SELECT count(*) FROM checklist_item WHERE status = 'done'")
            whole = done in (0, len(ids))
        else:
            whole = True
        after = invoke_transition("check", "--db", str(database))
        figures.saw(after)
        figures.lost += not whole or after.returncode != 0
        shutil.rmtree(database.parent)
    return figures


# -- damaged and foreign files ------------------------------------------------------


@dataclass
class Mount:
    """A small tmpfs this process mounted (as root), to fill or make read-only."""

    path: Path

    @classmethod
    def make(cls, path: Path, size: str) -> Mount | None:
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return None
        options = f"size={size},nr_inodes=256"
        command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)]
        done = subprocess.run(command, capture_output=True)
        return cls(path) if done.returncode == 0 else None

    def read_only(self) -> bool:
        command = ["mount", "-o", "remount,ro", str(self.path)]
        return subprocess.run(command, capture_output=True).returncode == 0

    def remove(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def _sample_database(path: Path) -> None:
    result = invoke_transition("election", "add", "--year", "2030", "--db", str(path))
    if result.returncode:
        raise AssertionError(result.stderr)
    invoke_transition("member", "add", "Jane Doe", "--ward", "7", "--db", str(path))
    _checkpoint(path)


def _other_application(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO recipes (name) VALUES ('bannock')")
    connection.commit()
    connection.close()


def _newer(path: Path) -> None:
    import sqlite3

    _sample_database(path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()


def _truncated(path: Path) -> None:
    _sample_database(path)
    path.write_bytes(path.read_bytes()[:2048])


DAMAGED = {
    "a zero-byte file": lambda p: p.write_bytes(b""),
    "random bytes": lambda p: p.write_bytes(os.urandom(8192)),
    "a truncated database": _truncated,
    "another application's SQLite database": _other_application,
    "a database from a newer transition": _newer,
}
ATTEMPTS = (("status",), ("member", "add", "Pat Lee", "--ward", "3"), ("init",), ("check",))


def _attempt(figures: Figures, database: Path, args: tuple[str, ...] = ATTEMPTS[1], **kw) -> None:
    """A command that must fail with one clear line and leave the file as it was."""
    before = database.read_bytes() if database.exists() else None
    result = run_transition(*args, "--db", str(database), **kw)
    figures.tried += 1
    figures.saw(result)
    lines = result.stderr.splitlines()
    clear = (
        result.returncode == 1 and len(lines) == 1 and lines[0].startswith("transition: error: ")
    )
    figures.lost += not clear
    after = database.read_bytes() if database.exists() else None
    figures.changed += before != after


def damaged_files(
    folder: Path, rounds: int = 1, attempts: tuple[tuple[str, ...], ...] = ATTEMPTS
) -> Figures:
    """Every kind of file that is not a usable database, met by each command of `attempts`."""
    figures = Figures("damaged, foreign and unreachable files")
    for n in range(rounds):
        for name, make in DAMAGED.items():
            path = folder / f"{n}-{name.replace(' ', '-').replace(chr(39), '')}" / "transition.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            make(path)
            for args in attempts:
                _attempt(figures, path, args)
        _attempt(figures, folder / "no-such-folder" / "transition.db")
    skipped = (_read_only(folder, figures, attempts), _full_disk(folder, figures))
    figures.skipped = ", ".join(filter(None, skipped))
    return figures


def _read_only(folder: Path, figures: Figures, attempts: tuple[tuple[str, ...], ...]) -> str:
    mount = Mount.make(folder / "read-only", "2m")
    if mount is None:
        return _read_only_by_permissions(folder, figures, attempts)
    try:
        _sample_database(mount.path / "transition.db")
        if not mount.read_only():
            return "read-only database: cannot remount read-only here"
        for args in attempts:
            _attempt(figures, mount.path / "transition.db", args)
        return ""
    finally:
        mount.remove()


def _read_only_by_permissions(
    folder: Path, figures: Figures, attempts: tuple[tuple[str, ...], ...]
) -> str:
    """Without a mount of its own, a user who is not root can still be refused
    writing by the file's and folder's modes."""
    if os.geteuid() == 0:
        return "read-only database: cannot mount a file system here, and root ignores modes"
    place = folder / "read-only-modes"
    place.mkdir(exist_ok=True)
    database = place / "transition.db"
    _sample_database(database)
    database.chmod(0o444)
    place.chmod(0o555)
    try:
        for args in attempts:
            _attempt(figures, database, args)
    finally:
        place.chmod(0o755)
        database.chmod(0o600)
    return ""


def _full_disk(folder: Path, figures: Figures) -> str:
    """A write that cannot fit: a full tmpfs where one can be mounted, else a file-size limit."""
    members = folder / "many.csv"
    members.write_text(
        "name,ward\n" + "".join(f"Member {n} {'x' * 200},{n}\n" for n in range(1500))
    )
    mount = Mount.make(folder / "full", "1m")
    if mount is not None:
        try:
            database = mount.path / "transition.db"
            _sample_database(database)
            filler = mount.path / "filler"
            try:
                with filler.open("wb") as file:
                    while True:
                        file.write(b"\0" * 4096)
                        file.flush()
            except OSError:
                pass  # full
            _attempt(figures, database, ("import", "members", str(members)))
            filler.unlink()
        finally:
            mount.remove()
        return ""
    database = folder / "limited" / "transition.db"
    database.parent.mkdir()
    _sample_database(database)
    limit = database.stat().st_size + 8192
    _attempt(figures, database, ("import", "members", str(members)), limit=limit)
    return "full disk: a file-size limit stands in for a full file system"


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


# -- backups while others write ----------------------------------------------------------


def backups_under_load(folder: Path, backups: int) -> Figures:
    """Take backups while staff write; every copy must be whole and consistent."""
    import time

    figures = Figures(f"backups while others write ({backups} backups)")
    database = council_with_items(folder, members=max(10, backups * 3))
    ids = [str(i) for i in item_ids(database)]
    writer = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(SCRIPT), str(database), "writer", "12", *ids],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for n in range(backups):
        copy = folder / "backups" / f"copy-{n}.db"
        result = run_transition("backup", "-o", str(copy), "--db", str(database))
        figures.tried += 1
        figures.saw(result)
        whole = result.returncode == 0 and _integrity_ok(copy)
        checked = invoke_transition("check", "--db", str(copy))
        figures.lost += not whole or checked.returncode != 0
        figures.changed += (copy.stat().st_mode & 0o777) != 0o600
        time.sleep(0.1)
    _, err = writer.communicate(timeout=600)
    figures.tracebacks += "Traceback" in err
    return figures


# -- the record on PostgreSQL ---------------------------------------------------------


def round_trips(folder: Path, server: Any, members: int) -> Figures:
    """A council of `members` moved file -> server -> file: each export must be
    the first byte for byte (a changed byte counts as lost)."""
    figures = Figures(f"round trips of {members} members (SQLite -> PostgreSQL -> SQLite)")
    database = council_with_items(folder, members)
    ids = item_ids(database)
    for start in range(0, len(ids) // 3, 500):
        result = invoke_transition(
            "done", *map(str, ids[start : start + 500]), "--db", str(database), "--by", "Staff"
        )
        figures.saw(result)
    exports = [folder / "first.json", folder / "server.json", folder / "back.json"]
    url = server.url(server.new_database())
    steps = [
        ("export", "--db", str(database), "-o", str(exports[0])),
        ("restore", str(exports[0]), "--db", url),
        ("export", "--db", url, "-o", str(exports[1])),
        ("restore", str(exports[1]), "--db", str(folder / "back.db")),
        ("export", "--db", str(folder / "back.db"), "-o", str(exports[2])),
    ]
    for step in steps:
        result = run_transition(*step)
        figures.saw(result)
        if result.returncode:
            figures.lost += 1
            return figures
    for copy in exports[1:]:
        figures.tried += 1
        figures.lost += copy.read_bytes() != exports[0].read_bytes()
    return figures


ROLE_ATTEMPTS = (
    # (role, what the console script is asked, or SQL through psql)
    ("office", ("done", "{theirs}")),
    ("office", ("member", "add", "Intruder", "--ward", "99")),
    ("office", ("member", "set", "{their_name}", "--running", "no")),
    ("office", ("account", "set", "{their_account}", "--email", "x@example.org")),
    ("office", ("election", "add", "--year", "2034")),
    ("office", ("access", "grant", "{office}", "--clerk")),
    ("auditor", ("done", "{mine}")),
    ("auditor", ("waive", "{mine}", "--reason", "no")),
    ("stranger", ("status",)),
    ("office", "UPDATE checklist_item SET status = 'done' WHERE id = {theirs}"),
    ("office", "UPDATE account SET email = 'x@example.org' WHERE id = {their_account}"),
    ("office", "INSERT INTO member (name, office, created_at) VALUES ('I', 'mayor', now())"),
    ("office", "UPDATE event SET actor = 'someone'"),
    ("office", "DELETE FROM event"),
    ("auditor", "UPDATE checklist_item SET status = 'done' WHERE id = {mine}"),
    ("auditor", "INSERT INTO access_grant (role_name, kind) VALUES ('x', 'clerk')"),
    ("clerk", "UPDATE event SET actor = 'someone'"),
    ("clerk", "DELETE FROM event"),
    ("stranger", "SELECT * FROM account"),
)


def role_attempts(folder: Path, server: Any, rounds: int = 1) -> Figures:
    """What each role may not do, tried through the console script and through
    psql as that role: every attempt must be refused, and the record unchanged."""
    figures = Figures("attempts beyond a role (console script and psql)", caught=0)
    url = server.url(server.new_database())
    exported = folder / "council.json"
    database = council_with_items(folder, 4)
    invoke_transition("export", "--db", str(database), "-o", str(exported))
    invoke_transition("restore", str(exported), "--db", url)
    name = url.rsplit("/", 1)[1]
    roles = {"office": "office7", "auditor": "auditor7", "clerk": "clerk7", "stranger": "stranger7"}
    invoke_transition("access", "grant", roles["office"], "--office", "Member 0001", "--db", url)
    invoke_transition("access", "grant", roles["auditor"], "--auditor", "--db", url)
    invoke_transition("access", "grant", roles["clerk"], "--clerk", "--db", url)
    for role in roles.values():
        server.psql(f"DROP ROLE IF EXISTS {role}" if role == roles["stranger"] else "SELECT 1")
        if role == roles["stranger"]:
            server.psql(f"CREATE ROLE {role} LOGIN")
        server.psql(f"ALTER ROLE {role} PASSWORD 'pw-{role}'")
    rows = as_rows(invoke_transition("checklist", "--json", "--db", url))
    accounts = as_rows(invoke_transition("account", "list", "--json", "--db", url))
    values = {
        "mine": next(r["id"] for r in rows if r["member"] == "Member 0001"),
        "theirs": next(r["id"] for r in rows if r["member"] == "Member 0002"),
        "their_name": "Member 0002",
        "their_account": next(a["id"] for a in accounts if a["member"] == "Member 0002"),
        "office": roles["office"],
    }
    for _ in range(rounds):
        before = invoke_transition("export", "--db", url).stdout
        for kind, attempt in ROLE_ATTEMPTS:
            role = roles[kind]
            figures.tried += 1
            if isinstance(attempt, str):
                # A refusal is an error, or (row-level security) no row to touch.
                statement = attempt.format(**values)
                if not statement.startswith("SELECT"):
                    statement += " RETURNING 1"
                try:
                    said = server.psql(statement, name, user=role, password=f"pw-{role}")
                    refused = not said.strip()
                except Exception:  # psql's refusal
                    refused = True
            else:
                user_url = url.replace(url.split("@")[0].removeprefix("postgresql://"),
                                       f"{role}:pw-{role}")  # fmt: skip
                result = run_transition(*[a.format(**values) for a in attempt], "--db", user_url)
                figures.saw(result)
                refused = result.returncode == 1 and result.stderr.count("\n") == 1
            figures.caught += refused
            figures.missed += not refused
        after = invoke_transition("export", "--db", url).stdout
        figures.changed += after != before
    return figures


TAMPERINGS = {
    "edit": "UPDATE event SET summary = summary || ' (edited)' WHERE id = {n}",
    "delete": "DELETE FROM event WHERE id = {n}",
    "reorder": "UPDATE event SET at = (SELECT min(at) FROM event) WHERE id = {n}",
    "insert": (
        "INSERT INTO event (id, at, actor, action, subject, summary) "
        "SELECT max(id) + 1, max(at), 'intruder', 'item.done', 'item 1', 'done' FROM event"
    ),
}


def tamperings(folder: Path, server: Any, per_kind: int = 3, seed: int = 15) -> Figures:
    """The trail changed behind transition's back, as its owner could, on a
    SQLite file (triggers dropped) and on PostgreSQL (triggers disabled): every
    change must be named by `check`, and by `verify` of an earlier fingerprint."""
    import random
    import sqlite3

    chance = random.Random(seed)
    figures = Figures("tampering with the audit trail (SQLite and PostgreSQL)", caught=0)
    source = council_with_items(folder / "source", 3)
    exported = folder / "source.json"
    invoke_transition("done", "1", "2", "3", "--db", str(source), "--by", "Staff")
    invoke_transition("export", "--db", str(source), "-o", str(exported))
    count = len(as_rows(invoke_transition("log", "--json", "--db", str(source))))
    for store in ("sqlite", "postgresql"):
        for how, statement in TAMPERINGS.items():
            for n in range(per_kind):
                if store == "sqlite":
                    target = str(folder / f"{how}-{n}.db")
                else:
                    target = server.url(server.new_database())
                invoke_transition("restore", str(exported), "--db", target)
                pinned = invoke_transition("fingerprint", "--db", target).stdout.strip()
                sql = statement.format(n=chance.randint(2, count - 1))
                if store == "sqlite":
                    with sqlite3.connect(target) as connection:
                        connection.execute("DROP TRIGGER event_append_only_update")
                        connection.execute("DROP TRIGGER event_append_only_delete")
                        connection.execute(sql)
                    connection.close()
                else:
                    name = target.rsplit("/", 1)[1]
                    server.psql(f"ALTER TABLE event DISABLE TRIGGER USER; {sql}", name)
                figures.tried += 1
                check = invoke_transition("check", "--db", target)
                figures.saw(check)
                found = check.returncode == 1 and "audit trail: event" in check.stdout
                if how != "insert":  # an event added after it leaves what it pinned
                    verify = invoke_transition("verify", pinned, "--db", target)
                    found = found and verify.returncode == 1
                figures.caught += found
                figures.missed += not found
    return figures
