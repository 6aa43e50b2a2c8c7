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
#: on a filing date not known), then their id.
DUE_ORDER = "coalesce(item.due, item.latest), item.item_id"

#: One row per candidacy of the election: who, then how many steps are done,
#: open, overdue and waived, then the next open step's day, step and due date.
#: SQLite's, from the record's tables (whoever opens the file reads all of it).
QUERY = f"""
WITH item AS (
    SELECT c.id AS candidacy_id, m.name, m.ward, m.office, c.running, c.option,
           c.filing_date, c.filing_actual, i.id AS item_id, i.status, i.due, i.latest,
           i.step_id
    FROM candidacy AS c
    JOIN member AS m ON m.id = c.member_id
    LEFT JOIN checklist_item AS i ON i.candidacy_id = c.id AND i.superseded_at IS NULL
    WHERE c.election_id = :election
),
next AS (
    SELECT item.candidacy_id, coalesce(item.due, item.latest) AS day, item.step_id, item.due,
           row_number() OVER (PARTITION BY item.candidacy_id ORDER BY {DUE_ORDER}) AS place
    FROM item WHERE {OPEN}
)
SELECT item.name, item.ward, item.office, item.running, item.option, item.filing_date,
       item.filing_actual,
       count(CASE WHEN item.status = 'done' THEN 1 END),
       count(CASE WHEN {OPEN} THEN 1 END),
       count(CASE WHEN {OVERDUE} THEN 1 END),
       count(CASE WHEN item.status = 'waived' THEN 1 END),
       next.day, next.step_id, next.due
FROM item
LEFT JOIN next ON next.candidacy_id = item.candidacy_id AND next.place = 1
GROUP BY item.candidacy_id, item.name, item.ward, item.office, item.running, item.option,
         item.filing_date, item.filing_actual, next.day, next.step_id, next.due
"""


def counted(connection: Connection, election_id: int, today: date) -> list[Row[*tuple[Any, ...]]]:
    """Each candidacy's row of counts (see QUERY), in no particular order."""
    from sqlalchemy import Date, bindparam, text

    from transition.store.backends import backend_of

    query = text(backend_of(connection).status_query())
    query = query.bindparams(bindparam("today", type_=Date))
    return list(connection.execute(query, {"today": today, "election": election_id}))
