"""Ids for new rows, handed out before the rows are written.

A change names what it made in its event ("member 12"), and a checklist
item refers to its candidacy by id. Asking the database for each id means a
flush, a round trip, for every row: an import of thousands of rows spent
most of its time there. Ids given out here let the session write every new
row in a few batched statements, when it next flushes.

On SQLite the writer holds the write lock for the whole transaction, so the
next id is simply one past the largest (what SQLite itself would choose).
On PostgreSQL ids come from each table's own sequence: one at a time for
an everyday command (its few rows keep their ids in a row), in growing
blocks for work of thousands of rows (`in_blocks`), where the ids left over
are a gap, as sequences leave anyway.
"""

from __future__ import annotations

from typing import Any

#: The most ids taken from a PostgreSQL sequence at once.
LARGEST_BLOCK = 4096


class Ids:
    def __init__(self, session: Any) -> None:
        self.session = session
        self._free: dict[str, list[int]] = {}
        #: SQLite: the largest id given out so far, each table.
        self._largest: dict[str, int] = {}
        #: PostgreSQL: the size of the last block taken, each table.
        self._block: dict[str, int] = {}
        self._growing = False

    def in_blocks(self) -> None:
        """Take PostgreSQL ids in growing blocks from now on: for an import."""
        self._growing = True

    def next(self, model: Any) -> int:
        """A new id for a row of `model`'s table, never given out before."""
        table = model.__tablename__
        free = self._free.get(table)
        if not free:
            free = self._free[table] = self._take(table)
        return free.pop()

    def _take(self, table: str) -> list[int]:
        """More ids for `table`, the smallest last."""
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            if table not in self._largest:
                largest = connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
                self._largest[table] = largest or 0
            last = self._largest[table]
            self._largest[table] = last + LARGEST_BLOCK
            return list(range(last + LARGEST_BLOCK, last, -1))
        size = 1
        if self._growing:
            size = self._block[table] = min(self._block.get(table, 1) * 2, LARGEST_BLOCK)
        taken = connection.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            f"FROM generate_series(1, {size})"
        ).scalars()
        return sorted(taken, reverse=True)
