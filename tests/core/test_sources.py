"""Every row of the core's tables of real calendars and of the law's rules
names where its dates come from (`sources.py`), and the rows whose source
could not be confirmed are the ones listed here, so that a new one shows
up in review."""

from __future__ import annotations

import test_calendar
import test_closures
from sources import NOT_CONFIRMED, cites

MODULES = (test_calendar, test_closures)

#: The tables whose rows carry a source. A table that loses its `source`
#: column drops out of what `_sourced_tables` finds, and the test says so.
TABLES = {
    "test_calendar.KNOWN_CALENDARS",
    "test_calendar.CLOSED_WEEKDAYS",
    "test_calendar.REAL_BY_ELECTIONS",
    "test_calendar.OPENINGS_ON_CLOSURES",
    "test_calendar.VOTING_DAY_CHECKS",
    "test_calendar.BYLAW_CHECKS",
    "test_closures.TORONTO_DAYS",
    "test_closures.STATUTORY_DAYS",
}

#: Rows whose source says part of it is not confirmed: each is owed a better one.
UNCONFIRMED = {
    # the term: municipal pages give December 1, 2018
    "test_calendar.KNOWN_CALENDARS[2018]",
    # the Civic Holiday, a City of Toronto closure
    "test_calendar.CLOSED_WEEKDAYS[2010]",
    "test_calendar.CLOSED_WEEKDAYS[2014]",
    "test_calendar.CLOSED_WEEKDAYS[2022]",
    "test_calendar.CLOSED_WEEKDAYS[2026]",
    "test_calendar.CLOSED_WEEKDAYS[2030]",
    "test_calendar.OPENINGS_ON_CLOSURES[2030-08-05]",
    "test_closures.TORONTO_DAYS[2030-08-05-Civic Holiday]",
    # the City's alternate days, and none for Remembrance Day
    "test_calendar.OPENINGS_ON_CLOSURES[2029-11-11]",
    "test_closures.TORONTO_DAYS[2029-11-12-open]",
    "test_closures.TORONTO_DAYS[2023-11-13-open]",
    "test_closures.TORONTO_DAYS[2023-07-03-Canada Day (observed)]",
    "test_closures.TORONTO_DAYS[2021-12-28-Boxing Day (observed)]",
    "test_closures.TORONTO_DAYS[2022-01-03-New Year's Day (observed)]",
    # a clerk's date seen only as the press reported the clerk's release
    "test_calendar.REAL_BY_ELECTIONS[Toronto mayor 2023]",
    "test_calendar.REAL_BY_ELECTIONS[Toronto Ward 15 2024]",
    "test_calendar.REAL_BY_ELECTIONS[Mississauga mayor 2024]",
    "test_calendar.REAL_BY_ELECTIONS[Ottawa Rideau-Rockcliffe 2019]",
}


def _sourced_tables():
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, list) and value and all(hasattr(r, "source") for r in value):
                yield f"{module.__name__}.{name}", value


def test_every_row_of_every_table_names_its_source():
    tables = dict(_sourced_tables())
    assert set(tables) == TABLES
    unconfirmed = set()
    for table, rows in tables.items():
        labels = [row.label for row in rows]
        assert len(set(labels)) == len(labels), f"{table}: two rows share a label"
        for row in rows:
            where = f"{table}[{row.label}]"
            assert row.source.strip(), f"{where} has no source"
            confirmed = NOT_CONFIRMED not in row.source
            assert cites(row.source) or not confirmed, (
                f"{where}: its source names neither a statute's section nor a web page, "
                f"nor says '{NOT_CONFIRMED}'"
            )
            if not confirmed:
                unconfirmed.add(where)
    assert unconfirmed == UNCONFIRMED
