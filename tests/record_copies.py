"""Records a fixture builds, built once a test process and copied after.

Many tests start from the same few records (Jane Doe running on one
account, a small council), and building one is a handful of commands: most
of what a short test spent was its set-up. A fixture that builds through
`copies.once(name, build)` builds for its first test; each later test gets
a copy of the database (a SQLite file, or a PostgreSQL database copied file
by file), the machine's anchor of its trail moved to the copy's place, and
the value `build` returned the first time.

A copy is made only of the state the build started from: the key is the
fixture's name, the store, and the trail's length and head before the build
(every write to a record is in its trail), so a test that wrote before the
fixture built gets a build of its own, never a copy that drops its writes.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postgres_server import PostgresServer

#: The trail's length and head before a build; None for a file not made yet.
Trail = tuple[int, str | None] | None


@dataclass
class Kept:
    """One build: where its copy is, the anchors it left, what it returned."""

    copy: str
    anchors: dict[str, dict]
    value: Any


@dataclass
class Copies:
    folder: Path
    server: Callable[[], PostgresServer]
    kept: dict[tuple[str, str, Trail], Kept] = field(default_factory=dict)

    def once(self, name: str, build: Callable[[], Any]) -> Any:
        """What `build` returns, built into TRANSITION_DB the first time from
        this state and copied there every time after."""
        url = os.environ["TRANSITION_DB"]
        store = "postgresql" if url.startswith("postgresql") else "sqlite"
        key = (name, store, self._trail(url))
        kept = self.kept.get(key)
        if kept is None:
            value = build()
            self.kept[key] = self._keep(url, len(self.kept), value)
            return value
        self._restore(kept, url)
        return kept.value

    # -- the trail, the database and the anchors ---------------------------

    def _trail(self, url: str) -> Trail:
        if url.startswith("postgresql"):
            import psycopg

            with psycopg.connect(url) as connection:
                return _length_and_head(connection)
        if not Path(url).exists():
            return None
        with sqlite3.connect(url) as connection:
            found = _length_and_head(connection)
        connection.close()
        return found

    def _keep(self, url: str, number: int, value: Any) -> Kept:
        where = _where()
        anchors = {
            record.partition(" ")[0]: entry
            for record, entry in _anchors().items()
            if record.partition(" ")[2] == where
        }
        if url.startswith("postgresql"):
            server, name = self.server(), url.rsplit("/", 1)[1]
            copy = f"copy_{os.getpid()}_{number}"
            server.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            server.copy_database(name, copy)
            return Kept(copy, anchors, value)
        copy = self.folder / f"copy-{number}.db"
        copy_sqlite(Path(url), copy)
        return Kept(str(copy), anchors, value)

    def _restore(self, kept: Kept, url: str) -> None:
        if url.startswith("postgresql"):
            server, name = self.server(), url.rsplit("/", 1)[1]
            server.drop_database(name)
            server.copy_database(kept.copy, name)
        else:
            for side in ("-wal", "-shm", "-journal"):
                Path(url + side).unlink(missing_ok=True)
            shutil.copy2(kept.copy, url)
        where = _where()
        anchors = _anchors()
        anchors.update({f"{first} {where}": entry for first, entry in kept.anchors.items()})
        path = _anchors_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(anchors, indent=1), encoding="utf-8")


def copy_sqlite(source: Path, target: Path) -> None:
    """A whole copy of a SQLite record, its write-ahead log folded in."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()


def _length_and_head(connection: Any) -> Trail:
    (length,) = connection.execute("SELECT count(*) FROM event").fetchone()
    head = connection.execute("SELECT chain FROM event ORDER BY id DESC LIMIT 1").fetchone()
    return length, head[0] if head else None


def _where() -> str:
    """Where the record is, as the machine's anchors name it."""
    from transition.store.backends import locate

    return str(locate(None))


def _anchors_path() -> Path:
    from transition.store.trail.anchors import state_path

    return state_path()


def _anchors() -> dict[str, dict]:
    try:
        return dict(json.loads(_anchors_path().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
