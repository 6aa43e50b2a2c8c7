"""A throwaway PostgreSQL server for the tests, started in a temporary folder.

The tests that need PostgreSQL get a real server: Debian's server binaries
(`/usr/lib/postgresql/VERSION/bin`, from the `postgresql` package, which
`.ci/run` installs where it is missing) run `initdb` into a temporary
folder, and `pg_ctl` starts the cluster on a free loopback port with its
socket in that folder, so it can meet no other server. As root, the server
runs as the `postgres` user, since PostgreSQL refuses to run as root. The
superuser signs in with a password over TCP (scram-sha-256), as an office
server would require. Each test gets a database of its own, and the server
is stopped and its folder removed when the session ends. Nothing relies on a
server left running by hand.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

SUPERUSER = "transition_owner"
SERVER_BINARIES = "/usr/lib/postgresql/*/bin"


def find_binaries() -> Path | None:
    """The newest installed server's binaries, if any."""
    candidates = sorted(
        Path("/").glob(SERVER_BINARIES.lstrip("/")),
        key=lambda path: [int(p) if p.isdigit() else 0 for p in path.parent.name.split(".")],
    )
    found = [path for path in candidates if (path / "initdb").exists()]
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """A running cluster: its port, the superuser's password, and its databases."""

    binaries: Path
    folder: Path
    port: int
    password: str
    _databases: int = field(default=0, repr=False)
    _open: Any = field(default=None, repr=False)

    def url(
        self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """A URL as a user would give it to `--db` (the superuser's has its password)."""
        secret = self.password if password is None and user == SUPERUSER else password
        auth = quote(user, safe="") + (f":{quote(secret, safe='')}" if secret else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def psql(
        self,
        sql: str,
        database: str = "postgres",
        user: str = SUPERUSER,
        password: str | None = None,
    ) -> str:
        """Run SQL as `user` through psql; its output, or an error with psql's message."""
        done = subprocess.run(
            [
                str(self.binaries / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.url(database, user, password),
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        )
        if done.returncode != 0:
            raise PostgresError(done.stderr.strip())
        return done.stdout

    def execute(self, sql: str) -> None:
        """Run statements that return nothing as the superuser, over the
        connection kept open: what psql would do, without a process a call."""
        self._connection().execute(sql)

    def new_database(self, template: str | None = None) -> str:
        """A fresh database owned by the superuser, empty or a copy of
        `template`; its name. Over a connection kept open, not a psql process
        a database."""
        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        if template is None:
            self._connection().execute(f'CREATE DATABASE "{name}"')
        else:
            self.copy_database(template, name)
        return name

    def copy_database(self, source: str, name: str) -> None:
        """Database `name`, a copy of `source` (which no one may be connected
        to), copied file by file: PostgreSQL 15's default writes every page
        of the copy to the WAL, three times the work for databases this small."""
        connection = self._connection()
        strategy = " STRATEGY FILE_COPY" if connection.info.server_version >= 150000 else ""
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{strategy}')

    def drop_database(self, name: str) -> None:
        """Drop a test's database, whoever is still connected to it."""
        self._connection().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _connection(self) -> Any:
        """The superuser's own connection to the server, opened once."""
        if self._open is None or self._open.closed:
            import psycopg

            self._open = psycopg.connect(self.url(), autocommit=True)
        return self._open

    def stop(self) -> None:
        if self._open is not None:
            self._open.close()
        _run_as_server_user(
            [
                str(self.binaries / "pg_ctl"),
                "stop",
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-w",
            ],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresError(Exception):
    """psql refused a statement; the message is psql's."""


class NoServer(Exception):
    """No PostgreSQL server can be started on this machine; says why."""


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a cluster, yield it, and stop it whatever happens."""
    binaries = find_binaries()
    if binaries is None:
        raise NoServer(
            f"no PostgreSQL server binaries under {SERVER_BINARIES} "
            "(install Debian's postgresql package; .ci/run does)"
        )
    folder = Path(tempfile.mkdtemp(prefix="transition-pg-"))
    password = secrets.token_urlsafe(16)
    server = PostgresServer(binaries, folder, _free_port(), password)
    try:
        _start(server)
    except Exception:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


def _start(server: PostgresServer) -> None:
    folder, data = server.folder, server.folder / "data"
    (folder / "password").write_text(server.password + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(folder / "password", "postgres", "postgres")
    _run_as_server_user(
        [
            str(server.binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(folder / "password"),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        ],
    )
    options = (
        f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    _run_as_server_user(
        [
            str(server.binaries / "pg_ctl"),
            "start",
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
        ],
    )


def _run_as_server_user(command: list[str], *, check: bool = True) -> None:
    """PostgreSQL will not run as root: as root, run it as the `postgres` user."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if check and done.returncode != 0:
        raise NoServer(f"{Path(command[-1]).name}: {(done.stderr or done.stdout).strip()}")
