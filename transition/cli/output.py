"""How every command shows its result: a table for people, JSON for scripts.

One helper for all listings keeps the two forms in step: a command builds the
JSON-ready payload once and says how to draw it for a person; `--json` prints
the payload itself. On a terminal, tables are drawn by rich; piped into a
file or another program they are plain aligned columns, one line a row,
which greps well and spares every scripted call rich's start-up time.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Console(Protocol):
    """What a view draws on: rich's console, or the plain one below."""

    def print(self, *objects: Any, markup: bool = ...) -> None: ...


def emit(payload: Any, *, as_json: bool, human: Callable[[Console], None]) -> None:
    """Print `payload` as JSON, or let `human` draw it for a person."""
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif sys.stdout.isatty():
        human(RichConsole())
    else:
        human(PlainConsole())


@dataclass(frozen=True)
class Grid:
    """A table as data; each console draws it its own way."""

    title: str | None
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    #: Columns a narrow window may do without, the first to go first.
    optional: Sequence[str] = ()


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    optional: Sequence[str] = (),
) -> Grid:
    return Grid(
        printable(title) if title else title,
        columns,
        [["" if cell is None else printable(str(cell)) for cell in row] for row in rows],
        optional,
    )


def printable(text: str) -> str:
    """Text from the record as a terminal may safely show it: a control
    character (an escape sequence could clear the reader's screen or retitle
    their window) is shown as its code, such as \\x1b; line breaks stay."""
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # nearly every cell, checked in C: nothing to escape
    return "".join(c if c in "\n\t" or not _is_control(c) else f"\\x{ord(c):02x}" for c in text)


def _is_control(character: str) -> bool:
    code = ord(character)
    return code < 32 or 127 <= code < 160 or unicodedata.category(character) in ("Cf", "Cs")


class RichConsole:
    """A terminal: rich draws the tables, wrapping them to the window."""

    def __init__(self) -> None:
        from rich.console import Console as Rich

        self.rich = Rich(highlight=False)

    def print(self, *objects: Any, markup: bool = False) -> None:
        self.rich.print(
            *(self._draw(o) if isinstance(o, Grid) else printable(str(o)) for o in objects),
            markup=markup,
        )

    def _draw(self, grid: Grid) -> Any:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        grid = _fitted(grid, self.rich.width)
        # Cells are Text, never markup: a handle like "[red]" prints as typed.
        drawn = Table(
            title=Text(grid.title) if grid.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
        )
        # A date or an id is never broken across lines ("2030-05 / -06"); text
        # wraps at spaces, and what cannot fit a narrow window is shortened
        # with an ellipsis rather than cut mid-word.
        narrow = _natural_width(grid) > self.rich.width
        for n, column in enumerate(grid.columns):
            # In a narrow window a column is as wide as its longest word, so
            # text wraps at spaces and every word (a date, a step) stays whole.
            widest = max(_longest_word(grid, n), len(column))
            drawn.add_column(column, max_width=widest if narrow else None, overflow="ellipsis")
        for row in grid.rows:
            drawn.add_row(*(Text(cell) for cell in row))
        return drawn


def _longest_word(grid: Grid, column: int) -> int:
    return max((len(word) for row in grid.rows for word in row[column].split()), default=1)


def _natural_width(grid: Grid) -> int:
    """The grid's width with no cell wrapped (3 characters of padding a column)."""
    return sum(
        max([len(title), *(len(line) for row in grid.rows for line in row[n].splitlines())]) + 3
        for n, title in enumerate(grid.columns)
    )


def _fitted(grid: Grid, width: int) -> Grid:
    """The grid without its optional columns, one at a time, until every
    column's longest word fits the window (3 characters of padding each)."""
    columns, rows = list(grid.columns), [list(row) for row in grid.rows]
    for name in grid.optional:
        needed = sum(
            max(_longest_word(Grid(None, columns, rows), n), len(title)) + 3
            for n, title in enumerate(columns)
        )
        if needed <= width - 3 or name not in columns:
            continue
        index = columns.index(name)
        del columns[index]
        for row in rows:
            del row[index]
    return Grid(grid.title, columns, rows)


class PlainConsole:
    """A pipe or a file: aligned columns, one line a row, no wrapping."""

    def print(self, *objects: Any, markup: bool = False) -> None:
        lines = []
        for thing in objects:
            lines.append(self._draw(thing) if isinstance(thing, Grid) else printable(str(thing)))
        sys.stdout.write(" ".join(lines) + "\n")

    @staticmethod
    def _draw(grid: Grid) -> str:
        rows = [list(grid.columns)] + [
            [" / ".join(cell.splitlines()) for cell in row] for row in grid.rows
        ]
        widths = [max(len(row[n]) for row in rows) for n in range(len(grid.columns))]
        lines = [grid.title] if grid.title else []
        for row in rows:
            lines.append(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        return "\n".join(lines)
