"""Running transition as a user does, and counting what goes wrong: shared by
the tests and by `make soak` (scripts/soak.py), which runs the same trials
longer. The trials themselves follow the layers they try: `harness.store`
(the record: concurrency, crashes, damaged files, imports, PostgreSQL),
`harness.cli` (the command line: hostile input, interrupts) and
`harness.documents` (printed files and the workers that print them)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

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


class PrintedInsideTransaction(AssertionError):
    """A command printed while its transaction on the record was open."""


class HeldBack(io.StringIO):
    """A command's output, refused while a transaction is open: the work
    of a transaction may run again, or be undone after it was reported, so
    a command prints only what its transaction returned, after it ended."""

    def write(self, text: str) -> int:
        from transition.store.record import in_transaction

        if in_transaction():
            raise PrintedInsideTransaction(f"printed inside a transaction: {text[:200]!r}")
        return super().write(text)


def invoke_transition(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command line in this process: the same code, without the start-up cost.

    For the many small calls of detailed tests; the console script itself is
    exercised by `run_transition`.
    """
    from transition.cli.app import main

    out, err = HeldBack(), HeldBack()
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
            except AssertionError:  # the harness's own guards (HeldBack) fail the test
                raise
            except Exception:  # what the console script would print, and its exit code
                traceback.print_exc()
                code = 1
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
    #: For trials of what must be caught: how many each check caught.
    by: dict[str, int] = field(default_factory=dict)
    #: What went wrong, the first few times, to start the hunt from.
    notes: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.notes) < 3:
            self.notes.append(what)

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
        if self.by:
            counts += (
                " (caught by " + ", ".join(f"{k} {v}" for k, v in sorted(self.by.items())) + ")"
            )
        skipped = f" (skipped: {self.skipped})" if self.skipped else ""
        notes = "".join(f"\n     - {note}" for note in self.notes if not self.ok)
        return f"{'ok  ' if self.ok else 'FAIL'} {self.promise}: {counts}{skipped}{notes}"

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
    rows = as_rows(invoke_transition("checklist", "--json", "--db", str(database)))["items"]
    return [row["id"] for row in rows]


# -- reading a SQLite file behind the tool's back ------------------------------------


def checkpoint(database: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def integrity_ok(database: Path) -> bool:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def count(database: Path, sql: str) -> int:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()
