"""The council at a glance, counted by the database: each backend's query
for what is overdue and what is next due.

The rule is the core's (`transition.core.terms.is_overdue` and `due_order`):
an open, current step is overdue once the last day it could fall due
(`latest`) is past; a member's next step is their open step due first (a step
due "on filing" counts at its latest day), the lowest id among equals.
SQLite counts with the query below, from the record's tables; PostgreSQL
with `council_status()` (migration 0011), a function that sees every
member's steps and counts them in one grouped pass where they are, since
office staff may see how the council stands though not other members' steps
(`Backend.status_query`). A property test holds both databases' counts to
the core's rule on random records, and another holds the two to each other
on the same record.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row

#: An open step (the query reads only current ones).
OPEN = "item.status = 'open'"
#: An open step whose last possible day is past.
OVERDUE = f"{OPEN} AND item.latest < :today"
#: The order open steps fall due in: their day (the latest, while it hangs
#: on a filing date not known), then their id; as one text that sorts so
#: (an ISO date, then the id with leading zeros).
NEXT_KEY = "coalesce(item.due, item.latest) || printf('%020d', item.id)"

#: One row per candidacy of the election: who, then how many steps are done,
#: open, overdue and waived, then the next open step's day, step and due date.
#: SQLite's, from the record's tables (whoever opens the file reads all of it),
#: in one grouped pass over each candidacy's steps. The next step is the one
#: where `min()` of its due-order key (day, then id, as text) falls: SQLite
#: takes a group's bare columns from the row of its one `min()`
#: (sqlite.org/lang_select.html#bare_columns_in_an_aggregate_query), and
#: from any row where there is no open step, so those are blanked outside.
#: A window over the steps sorted them all first, five times slower.
QUERY = f"""
SELECT name, ward, office, running, option, filing_date, filing_actual,
       done, open, overdue, waived,
       CASE WHEN next_key IS NOT NULL THEN next_day END,
       CASE WHEN next_key IS NOT NULL THEN step_id END,
       CASE WHEN next_key IS NOT NULL THEN due END
FROM (
    SELECT m.name, m.ward, m.office, c.running, c.option, c.filing_date, c.filing_actual,
           count(CASE WHEN item.status = 'done' THEN 1 END) AS done,
           count(CASE WHEN {OPEN} THEN 1 END) AS open,
           count(CASE WHEN {OVERDUE} THEN 1 END) AS overdue,
           count(CASE WHEN item.status = 'waived' THEN 1 END) AS waived,
           min(CASE WHEN {OPEN} THEN {NEXT_KEY} END) AS next_key,
           coalesce(item.due, item.latest) AS next_day, item.step_id, item.due
    FROM candidacy AS c
    JOIN member AS m ON m.id = c.member_id
    LEFT JOIN checklist_item AS item
        ON item.candidacy_id = c.id AND item.superseded_at IS NULL
    WHERE c.election_id = :election
    GROUP BY c.id
)
"""


def counted(connection: Connection, election_id: int, today: date) -> list[Row[*tuple[Any, ...]]]:
    """Each candidacy's row of counts (see QUERY), in no particular order."""
    from sqlalchemy import Date, bindparam, text

    from transition.store.backends import backend_of

    query = text(backend_of(connection).status_query())
    query = query.bindparams(bindparam("today", type_=Date))
    return list(connection.execute(query, {"today": today, "election": election_id}))
