"""Ids for new rows, handed out before the rows are written.

A change names what it made in its event ("member 12"), and a checklist
item refers to its candidacy by id. Asking the database for each id means a
flush, a round trip, for every row: an import of thousands of rows spent
most of its time there. Ids given out here let the session write every new
row in a few batched statements, when it next flushes.

Where they come from is the backend's (`take_ids`): one past the largest on
SQLite, whose writer holds the file for the whole transaction; each table's
own sequence on PostgreSQL. One at a time for an everyday command (its few
rows keep their ids in a row), in growing blocks for work of thousands of
rows (`in_blocks`), where the ids left over are a gap, as sequences leave
anyway.
"""

from __future__ import annotations

from typing import Any

from transition.store.backends import backend_of

#: The most ids taken at once.
LARGEST_BLOCK = 4096


class Ids:
    def __init__(self, session: Any) -> None:
        self.session = session
        self._free: dict[str, list[int]] = {}
        #: The largest id given out so far, each table.
        self._largest: dict[str, int] = {}
        #: The size of the last block taken, each table.
        self._block: dict[str, int] = {}
        self._growing = False

    def in_blocks(self) -> None:
        """Take ids in growing blocks from now on: for an import."""
        self._growing = True

    def next(self, model: Any) -> int:
        """A new id for a row of `model`'s table, never given out before."""
        table = model.__table__
        free = self._free.get(table.name)
        if not free:
            free = self._free[table.name] = self._take(table)
        taken = free.pop()
        self._largest[table.name] = max(taken, self._largest.get(table.name, 0))
        return taken

    def _take(self, table: Any) -> list[int]:
        """More ids for `table`, the smallest last."""
        size = 1
        if self._growing:
            size = self._block[table.name] = min(self._block.get(table.name, 1) * 2, LARGEST_BLOCK)
        connection = self.session.connection()
        given = self._largest.get(table.name, 0)
        return sorted(backend_of(connection).take_ids(connection, table, size, given), reverse=True)
