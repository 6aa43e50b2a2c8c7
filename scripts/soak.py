"""`make soak`: the reliability trials of the tests (tests/harness/), run longer.

Prints one line per promise with its counts: operations tried, changes lost
or doubled, tracebacks seen, "database is locked" errors, files changed that
should not have been. Exits non-zero if any promise failed. The README keeps
the latest figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from harness import cli, documents, store
from postgres_server import NoServer, running_server

TRIALS = [
    ("concurrent", lambda d: store.concurrent_staff(d, processes=8, items_each=150, batch=30)),
    *[
        (f"crash-{operation}", lambda d, o=operation: store.crashes(d, o, kills=60))
        for operation in store.CRASH_OPERATIONS
    ],
    ("damaged", lambda d: store.damaged_files(d, rounds=3)),
    ("damaged-pages", lambda d: store.damaged_pages(d, rounds=40)),
    ("backups", lambda d: store.backups_under_load(d, backups=20)),
    ("names", lambda d: store.names(d, examples=100)),
    ("import-contention", lambda d: store.imports_under_contention(d, rounds=10)),
    ("hostile", lambda d: cli.hostile_input(d, examples=150)),
    ("interrupts", lambda d: cli.interrupts(d, tries=150)),
    ("file-names", lambda d: documents.file_names(d, members=300)),
    ("orphaned-workers", lambda d: documents.orphaned_workers(d, kills=20)),
]
#: Trials on a throwaway PostgreSQL server, started for them.
SERVER_TRIALS = [
    (
        "concurrent-postgresql",
        lambda d, server: store.concurrent_staff(
            d, processes=8, items_each=150, batch=30, postgres_url=server.url(server.new_database())
        ),
    ),
    ("round-trips", lambda d, server: store.round_trips(d, server, members=3000)),
    ("roles", lambda d, server: store.role_attempts(d, server, rounds=3)),
    ("tampering", lambda d, server: store.tamperings(d, server, per_kind=10)),
    ("tampering-rows", lambda d, server: store.content_tamperings(d, server, per_store=60)),
]


def main() -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="transition-soak-") as scratch:
        for name, trial in TRIALS:
            failed += _run(name, lambda d, t=trial: t(d), Path(scratch))
        try:
            with running_server() as server:
                for name, trial in SERVER_TRIALS:
                    failed += _run(name, lambda d, t=trial: t(d, server), Path(scratch))
        except NoServer as reason:
            print(f"FAIL PostgreSQL trials: no server could start ({reason})", flush=True)
            failed += 1
    return 1 if failed else 0


def _run(name: str, trial, scratch: Path) -> int:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    figures = trial(scratch / name)
    seconds = time.monotonic() - started
    print(f"{figures.line()} [{seconds:.0f} s]", flush=True)
    return int(not figures.ok)


if __name__ == "__main__":
    sys.exit(main())
