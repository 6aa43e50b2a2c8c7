"""Trials of the record: staff at once, kills, damaged and foreign files,
backups, names, an import among staff at work, and the record on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    SCRIPT,
    Figures,
    Result,
    as_rows,
    checkpoint,
    council_with_items,
    count,
    integrity_ok,
    invoke_transition,
    item_ids,
    run_transition,
)

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
        for row in as_rows(invoke_transition("checklist", "--json", "--db", str(database)))["items"]
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
    checkpoint(base)
    members_before = count(base, "SELECT count(*) FROM member")
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
        elif not integrity_ok(database):
            figures.changed += 1
            continue
        elif operation == "import":
            added = count(database, "SELECT count(*) FROM member") - members_before
            whole = added in (0, new_members)
        elif operation == "done":
            done = count(database, "SELECT count(*) FROM checklist_item WHERE status = 'done'")
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
    checkpoint(path)


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
    """A command that must fail with one clear line and leave the file as it was:
    run in this process, unless it needs a process of its own (a file size limit)."""
    before = database.read_bytes() if database.exists() else None
    run = run_transition if kw else invoke_transition
    result = run(*args, "--db", str(database), **kw)
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
        whole = result.returncode == 0 and integrity_ok(copy)
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
    rows = as_rows(invoke_transition("checklist", "--json", "--db", url))["items"]
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


#: The record's tables a direct change may hit, by store.
CONTENT_TABLES = {
    "sqlite": ("election", "member", "account", "candidacy", "checklist_item"),
    "postgresql": ("election", "member", "account", "candidacy", "checklist_item", "access_grant"),
}


def content_tamperings(folder: Path, server: Any, per_store: int = 20, seed: int = 21) -> Figures:
    """Any field of any row changed around transition, by SQL on either store,
    with the tables' triggers left in place or set aside: each must be caught,
    by `check` (a row the trail does not explain, or a change made outside
    transition) and by `verify` of a fingerprint taken before it. The line
    counts which check caught each."""
    import random

    chance = random.Random(seed)
    figures = Figures("tampering with the record's rows (SQLite and PostgreSQL)", caught=0)
    source = council_with_items(folder / "source", 3)
    invoke_transition("done", "1", "2", "3", "--db", str(source), "--by", "Staff")
    exported = folder / "source.json"
    invoke_transition("export", "--db", str(source), "-o", str(exported))
    for store in ("sqlite", "postgresql"):
        for n in range(per_store):
            if store == "sqlite":
                target = str(folder / f"rows-{n}.db")
            else:
                target = server.url(server.new_database())
            invoke_transition("restore", str(exported), "--db", target)
            if store == "postgresql":
                invoke_transition("access", "grant", "soakclerk", "--clerk", "--db", target)
            pinned = invoke_transition("fingerprint", "--db", target).stdout.strip()
            around = chance.random() < 0.5
            what = None
            for _ in range(10):  # a change the tables' own constraints refuse is no tampering
                table = chance.choice(CONTENT_TABLES[store])
                what = _change_a_field(store, server, target, table, chance, around)
                if what is not None:
                    break
            if what is None:
                continue
            figures.tried += 1
            check = invoke_transition("check", "--db", target)
            verify = invoke_transition("verify", pinned, "--db", target)
            figures.saw(check)
            figures.saw(verify)
            caught = []
            if check.returncode == 1 and "changed without an event" in check.stdout:
                caught.append("check: no event")
            if "changed outside transition" in check.stdout:
                caught.append("check: outside transition")
            if verify.returncode == 1:
                caught.append("verify")
            for name in caught:
                figures.by[name] = figures.by.get(name, 0) + 1
            found = bool(caught) and verify.returncode == 1
            figures.caught += found
            figures.missed += not found
            if not found:
                figures.note(f"{store} {what}: {check.stdout.strip()[:200]}")
    return figures


def _change_a_field(store: str, server: Any, target: str, table: str, chance: Any, around: bool):
    """One field of one row of `table` set to another value of its kind; what
    was changed, or None if the database refused it."""
    import sqlite3

    if store == "sqlite":
        with sqlite3.connect(target) as connection:
            columns = [
                (name, kind.upper())
                for _, name, kind, *_ in connection.execute(f"PRAGMA table_info({table})")
                if name != "id"
            ]
            ids = [row[0] for row in connection.execute(f"SELECT id FROM {table}")]
            name, kind = chance.choice(columns)
            target_id = chance.choice(ids)
            value = {"INTEGER": "id + 1000", "BOOLEAN": f"1 - coalesce({name}, 0)",
                     "DATE": "'2031-01-02'", "DATETIME": "'2031-01-02 00:00:00.000000'"
                     }.get(kind, f"'tampered {chance.randint(0, 10**6)}'")  # fmt: skip
            triggers = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (table,),
            ).fetchall()
            if around:
                for trigger, _ in triggers:
                    connection.execute(f"DROP TRIGGER {trigger}")
            try:
                connection.execute(f"UPDATE {table} SET {name} = {value} WHERE id = {target_id}")
            except sqlite3.Error:
                return None
            finally:
                if around:  # made again whatever happened, as one covering their tracks would
                    for _, made in triggers:
                        connection.execute(made)
        connection.close()
        return f"{table} {target_id} {name} ({'triggers set aside' if around else 'by SQL'})"
    database = target.rsplit("/", 1)[1]
    listed = server.psql(
        "SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_name = '{table}' AND column_name <> 'id'",
        database,
    )
    columns = [line.split("|") for line in listed.strip().splitlines()]
    name, kind = chance.choice(columns)
    value = {"integer": f"coalesce({name}, 0) + 1000", "boolean": f"NOT {name}",
             "date": "'2031-01-02'",
             "timestamp with time zone": "'2031-01-02 00:00:00+00'"
             }.get(kind, f"'tampered {chance.randint(0, 10**6)}'")  # fmt: skip
    statement = f"UPDATE {table} SET {name} = {value} WHERE id = (SELECT min(id) FROM {table})"
    if around:
        statement = (
            f"ALTER TABLE {table} DISABLE TRIGGER USER; {statement}; "
            f"ALTER TABLE {table} ENABLE TRIGGER USER"
        )
    try:
        server.psql(statement, database)
    except Exception:
        return None
    return f"{table} {name} ({'triggers set aside' if around else 'by SQL'})"


# -- names --------------------------------------------------------------------------

#: Ways a name typed or pasted can differ from the stored one and still be it.
SAME_NAME = {
    "two spaces": lambda n: n.replace(" ", "  ", 1),
    "a non-breaking space": lambda n: n.replace(" ", "\u00a0", 1),
    "a tab": lambda n: n.replace(" ", "\t", 1),
    "spaces around": lambda n: f"  {n} ",
    "decomposed accents": lambda n: unicodedata.normalize("NFD", n),
    "another case": lambda n: n.swapcase(),
}
#: Characters no name may hold.
INVISIBLE = ("\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\x1b", "\x07")


def names(folder: Path, examples: int, seed: int = 7) -> Figures:
    """Names that differ from a member's only as typing and pasting make them
    differ: each must reach that member and no other, be refused as a second
    member, and be refused as a second row of one CSV file; names holding
    invisible or control characters are refused. A refusal changes nothing."""
    import random

    pick = random.Random(seed)
    figures = Figures(f"names as typed and pasted ({examples} names)")
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "names.db"
    at = ("--db", str(database), "--today", "2030-04-01")
    invoke_transition("election", "add", "--year", "2030", *at)
    syllables = ("an", "lé", "zo", "ë", "mi", "ko", "ra", "ø", "su", "é", "li", "na")
    for n in range(examples):
        name = " ".join(
            "".join(pick.choice(syllables) for _ in range(pick.randint(1, 3))).title()
            for _ in range(pick.randint(2, 3))
        )
        # Its neighbour differs by a letter, so a loose match would find it.
        neighbour = name + "a"
        for who, ward in ((name, 2 * n + 1), (neighbour, 2 * n + 2)):
            result = invoke_transition("member", "add", who, "--ward", str(ward), *at)
            figures.saw(result)
            if result.returncode and "already a member" not in result.stderr:
                figures.lost += 1
        variant = pick.choice(list(SAME_NAME.values()))
        typed = variant(name)
        before = _members(database)
        if name not in before:
            continue  # generated twice; the first example stands
        figures.tried += 1
        moved = invoke_transition("member", "set", typed, "--running", "yes", *at)
        figures.saw(moved)
        after = _members(database)
        figures.lost += moved.returncode != 0 or after[name] != (before[name][0], "yes")
        figures.changed += any(after[k] != v for k, v in before.items() if k != name)
        for attempt in (
            ("member", "add", typed, "--ward", "9999"),
            ("member", "add", name[:3] + pick.choice(INVISIBLE) + name[3:], "--ward", "9999"),
        ):
            figures.tried += 1
            _refused(figures, database, attempt + at)
        csv = folder / f"names-{n}.csv"
        csv.write_text(f"name,ward\n{name},1\n{typed},2\n", encoding="utf-8")
        figures.tried += 1
        _refused(figures, database, ("import", "members", str(csv), *at))
    return figures


def _members(database: Path) -> dict[str, tuple[str, str]]:
    """Each member's ward and whether they run."""
    rows = as_rows(invoke_transition("member", "list", "--json", "--db", str(database)))
    return {row["name"]: (row["ward"], row["running"]) for row in rows}


def _refused(figures: Figures, database: Path, args: tuple[str, ...]) -> None:
    """The command must fail with one line and leave the members as they were."""
    before = _members(database)
    result = invoke_transition(*args)
    figures.saw(result)
    figures.lost += result.returncode != 1 or result.stderr.count("\n") != 1
    figures.changed += _members(database) != before


# -- damaged pages ------------------------------------------------------------------

WRITES = (
    ("member", "add", "Late Comer", "--ward", "999"),
    ("done", "1"),
    ("election", "add", "--year", "2034"),
)


def damaged_pages(folder: Path, rounds: int, seed: int = 11) -> Figures:
    """A council database with the start of one page overwritten (its b-tree
    header, cell pointers, or an overflow page's link): every writing command
    and `backup` must refuse it with one line, leave it as it was, and leave
    no copy or partial file behind. Damage SQLite's own full check cannot see
    (bytes that happen to read as a valid page) is not counted: no tool on
    SQLite could refuse it, as no page carries a checksum."""
    import random
    import shutil

    pick = random.Random(seed)
    figures = Figures(f"a damaged page ({rounds} databases)")
    base = council_with_items(folder / "base", members=60)
    checkpoint(base)
    pages = count(base, "PRAGMA page_count")
    if count(base, "PRAGMA freelist_count"):
        raise AssertionError("the base database has free pages; damage could miss the record")
    size = count(base, "PRAGMA page_size")
    unseen = 0
    for n in range(rounds):
        database = folder / f"damaged-{n}" / "council.db"
        database.parent.mkdir(parents=True)
        shutil.copy(base, database)
        page = pick.randrange(2, pages + 1)
        with database.open("r+b") as file:
            file.seek((page - 1) * size)
            file.write(os.urandom(pick.randrange(16, size // 2)))
        if _intact(database):
            unseen += 1
            continue
        for args in (*WRITES, ("backup", "-o", str(database.parent / "copy.db"))):
            _attempt(figures, database, args)
        left = [p.name for p in database.parent.iterdir() if p.name != "council.db"]
        figures.changed += bool(left)
    if unseen:
        figures.skipped = f"{unseen} damaged pages SQLite's full check reads as sound"
    return figures


def _intact(database: Path) -> bool:
    """SQLite's full integrity check passes, read without writing a byte."""
    import sqlite3

    connection = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


# -- an import while staff work -------------------------------------------------------


def imports_under_contention(folder: Path, rounds: int, staff: int = 6) -> Figures:
    """A 3,000-member import while `staff` others mark steps done: each of
    them waits its turn and lands (none fails "busy"), and the import lands
    whole; or, with a bad last row, is refused without keeping anyone waiting."""
    import time

    figures = Figures(f"an import of 3,000 members while {staff} staff work ({rounds} rounds)")
    database = council_with_items(folder / "council", members=staff * rounds * 2)
    at = ("--db", str(database), "--today", "2030-04-01")
    ids = item_ids(database)
    for n in range(rounds):
        bad = n % 2 == 1
        rows = "".join(f"Import {n} Member {m:04d},{m}\n" for m in range(1, 3001))
        csv = folder / f"import-{n}.csv"
        csv.write_text("name,ward\n" + rows + ("Last Row,²\n" if bad else ""))
        importing = subprocess.Popen(
            [str(SCRIPT), "import", "members", str(csv), *at],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.3)
        mine = ids[n * staff : (n + 1) * staff]
        marking = [
            subprocess.Popen(
                [str(SCRIPT), "done", str(item), "--by", f"staff{k}", *at],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for k, item in enumerate(mine)
        ]
        for process in (importing, *marking):
            out, err = process.communicate(timeout=300)
            figures.saw(Result(process.returncode, out, err))
        figures.tried += 1 + len(mine)
        figures.lost += (importing.returncode != 0) != bad
        figures.lost += sum(process.returncode != 0 for process in marking)
        imported = count(database, f"SELECT count(*) FROM member WHERE name LIKE 'Import {n} %'")
        figures.lost += imported != (0 if bad else 3000)
        done = count(
            database,
            "SELECT count(*) FROM checklist_item WHERE status = 'done' AND id IN "
            f"({','.join(map(str, mine))})",
        )
        figures.lost += len(mine) - done
    return figures
