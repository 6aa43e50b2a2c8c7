"""Shell completion that knows the council: member names, open item ids with
their step and member, election names, account ids.

The shell asks through Click's completion protocol (`transition
--install-completion` sets it up) on every Tab, so the answer must come fast
and must never change anything: it reads the database the command line names
(`--db` before or after the command, else TRANSITION_DB, else the default
file) with the plain `sqlite3` module, opened read-only, or psycopg for a
PostgreSQL URL (where the server shows each user only what their role may
see). No database, or one that cannot be read, completes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: Enough choices for any shell to show; a province has tens of thousands of ids.
MOST = 200
ITEM_STATES = {
    "done": ("open",),
    "waive": ("open",),
    "reopen": ("done", "waived"),
    "note": ("open", "done", "waived"),
}


def members(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Member names: those starting with what was typed, then those containing it."""
    rows = _query(ctx, "SELECT name, coalesce('Ward ' || ward, office) FROM member ORDER BY name")
    return _matching(rows, incomplete)


def elections(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    rows = _query(ctx, "SELECT name, kind FROM election ORDER BY id")
    return _matching(rows, incomplete)


def items(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Checklist item ids a command can act on, each with its step and member."""
    states = ITEM_STATES.get(ctx.info_name or "", ("open",))
    marks = ", ".join(f"'{state}'" for state in states)
    sql = (
        "SELECT i.id, i.step_id || ' (' || m.name || ', ' || i.status || ')' "
        "FROM checklist_item i JOIN candidacy c ON c.id = i.candidacy_id "
        "JOIN member m ON m.id = c.member_id "
        f"WHERE i.superseded_at IS NULL AND i.status IN ({marks}) "
        "AND CAST(i.id AS TEXT) LIKE {prefix} ORDER BY i.id LIMIT " + str(MOST)
    )
    chosen = set(ctx.params.get("item_ids") or ())
    typed = incomplete if incomplete.isdigit() else ""
    rows = _query(ctx, sql, typed + "%")
    return [(str(id_), help_) for id_, help_ in rows if id_ not in chosen]


def accounts(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    sql = (
        "SELECT a.id, a.platform || ' ' || a.handle || ' (' || m.name || ')' "
        "FROM account a JOIN member m ON m.id = a.member_id "
        "WHERE CAST(a.id AS TEXT) LIKE {prefix} ORDER BY a.id LIMIT " + str(MOST)
    )
    typed = incomplete if incomplete.isdigit() else ""
    return [(str(id_), help_) for id_, help_ in _query(ctx, sql, typed + "%")]


def profiles(incomplete: str) -> list[str]:
    """The built-in profiles' names, then profile files: the TOML files by what was typed."""
    from transition.core.rules import BUILT_IN_PROFILES

    names = [name for name in sorted(BUILT_IN_PROFILES) if name.startswith(incomplete)]
    return names + _profile_files(incomplete)


def _profile_files(incomplete: str) -> list[str]:
    folder, _, start = incomplete.rpartition("/")
    where = Path(folder or ".")
    try:
        entries = sorted(where.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        shown = f"{folder}/{entry.name}" if folder else entry.name
        if entry.name.startswith(start) and (entry.is_dir() or entry.suffix == ".toml"):
            found.append(shown + ("/" if entry.is_dir() else ""))
    return found


def _matching(rows: list[tuple[Any, Any]], incomplete: str) -> list[tuple[str, str]]:
    wanted = incomplete.casefold()
    first = [(n, h) for n, h in rows if n.casefold().startswith(wanted)]
    then = [(n, h) for n, h in rows if wanted in n.casefold() and (n, h) not in first]
    return (first + then)[:MOST]


def _query(ctx: Any, sql: str, prefix: str | None = None) -> list[tuple[Any, ...]]:
    """Rows from the database the command line names; none if it cannot be read."""
    value = _option(ctx, "db") or os.environ.get("TRANSITION_DB")
    try:
        if value and value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            return _postgres(value, sql, prefix)
        return _sqlite(_path(value), sql, prefix)
    except Exception:  # completion never fails out loud: it offers nothing
        return []


def _option(ctx: Any, name: str) -> Any:
    while ctx is not None:
        if ctx.params.get(name):
            return ctx.params[name]
        ctx = ctx.parent
    return None


def _path(value: str | None) -> Path:
    if not value:
        from platformdirs import user_data_path

        return user_data_path("transition", appauthor=False) / "transition.db"
    return Path(value.removeprefix("sqlite:///")).expanduser()


def _sqlite(path: Path, sql: str, prefix: str | None) -> list[tuple[Any, ...]]:
    if not path.is_file():
        return []
    # mode=ro: completion can neither create the file nor change it.
    connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        return connection.execute(
            sql.replace("{prefix}", "?"), (prefix,) if prefix else ()
        ).fetchall()
    finally:
        connection.close()


def _postgres(url: str, sql: str, prefix: str | None) -> list[tuple[Any, ...]]:
    import psycopg

    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, connect_timeout=3) as connection:
        connection.read_only = True
        rows = connection.execute(sql.replace("{prefix}", "%s"), (prefix,) if prefix else ())
        return rows.fetchall()
