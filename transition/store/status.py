"""The council at a glance, counted by the database: the rule for what is
overdue and what is next due, said once in SQL for both databases.

The rule is the core's (`transition.core.terms.is_overdue` and
`next_due_order`): an open, current step is overdue once the last day it
could fall due (`latest`) is past; a member's next step is their open step
due first (a step due "on filing" counts at its latest day), the lowest id
among equals. Each backend gives the rows to count (`status_source`: the
tables on SQLite, a function that sees every member's on PostgreSQL), and
this one query counts them. A property test holds both databases' counts to
the core's rule on random records.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row

#: An open step (the status source holds only current ones).
OPEN = "item.status = 'open'"
#: An open step whose last possible day is past.
OVERDUE = f"{OPEN} AND item.latest < :today"
#: The order open steps fall due in: their day (the latest, while it hangs
#: on a filing date not known), then their id.
DUE_ORDER = "coalesce(item.due, item.latest), item.item_id"

#: One row per candidacy of the election: who, then how many steps are done,
#: open, overdue and waived, then the next open step's day, step and due date.
QUERY = f"""
WITH item AS ({{source}}),
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

    query = text(QUERY.format(source=backend_of(connection).status_source()))
    query = query.bindparams(bindparam("today", type_=Date))
    return list(connection.execute(query, {"today": today, "election": election_id}))
