"""How dates are written: for people, and for files and scripts.

Every date in the tool is a Toronto date (see `transition.core.calendar`);
these only spell them.
"""

from __future__ import annotations

from datetime import date


def human_date(day: date) -> str:
    """A date as people read it: "Wednesday, May 1, 2030"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """ "Wed May 1, 2030": enough for narrow places."""
    return f"{day:%a} {day:%b} {day.day}, {day.year}"


def iso(day: date | None) -> str | None:
    """YYYY-MM-DD, as JSON and CSV carry dates; None for no date."""
    return day.isoformat() if day else None
