"""How every command shows its result: a table for people, JSON for scripts.

One helper for all listings keeps the two forms in step: a command builds the
JSON-ready payload once and says how to draw it for a person; `--json` prints
the payload itself.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


PIPED_WIDTH = 132


def human_date(day: date) -> str:
    """A date as people read it: "Wednesday, May 1, 2030"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def emit(payload: Any, *, as_json: bool, human: Callable[[Console], None]) -> None:
    """Print `payload` as JSON, or let `human` draw it on a rich console."""
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.console import Console

    # Piped output (make, less, a file) has no terminal width to follow; rather
    # than squeeze tables into 80 columns, allow a wide line unless COLUMNS says.
    wide = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPED_WIDTH
    human(Console(highlight=False, width=wide))


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    """A plain rich table, the one look every listing shares."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Cells are Text, never markup: a handle like "[red]" prints as typed.
    grid = Table(
        title=Text(title) if title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    return grid


def save(path: Path, data: str | bytes) -> None:
    """Write an output file atomically; a failure is one line for the user."""
    from transition.errors import TransitionError

    try:
        write_atomically(path, data)
    except OSError as error:
        raise TransitionError(f"cannot write {path}: {error.strerror or error}") from None


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename.

    A failure part-way never leaves half a file where the last good one was.
    Missing folders are created.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
