"""Where the core tests' known dates come from.

Every row of a table of real calendars, or of the law's rules, names its
source: the statute's section with its e-Laws page, the act that amended
it, or the clerk's page for a real election. uk-election-timetables names
the reference election behind each of its dates in the same way. A reader
can check a row against its source, and `test_sources.py` checks that every
row has one. Where no source could be confirmed the row says so
(`NOT_CONFIRMED`) rather than cite something unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

import pytest

#: What a row's source says about the part of it no source could be found for.
NOT_CONFIRMED = "source: not confirmed"

E_LAWS_MEA = "https://www.ontario.ca/laws/statute/96m32"
E_LAWS_LEGISLATION_ACT = "https://www.ontario.ca/laws/statute/06l21"

MEA = "Municipal Elections Act, 1996, S.O. 1996, c. 32, Sched."
LEGISLATION_ACT = "Legislation Act, 2006, S.O. 2006, c. 21, Sched. F"

#: The MEA's calendar: voting day (s. 5), the four-year term (s. 6),
#: nomination day (s. 31) and the nomination period (cl. 33 (4) (a)).
CALENDAR_SECTIONS = "ss. 5, 6, 31 and 33 (4)"

#: 2010 and 2014: nominations from January 1 to the second Friday in
#: September, voting day moved to the fourth Monday in October by the 2009
#: amendments. e-Laws version 14 is the Act as it stood from 2012 to 2016.
REGIME_1996 = (
    f"{MEA}, {CALENDAR_SECTIONS}, voting day as amended by S.O. 2009, c. 33, Sched. 21; "
    f"{E_LAWS_MEA}/v14"
)

#: 2018: the Municipal Elections Modernization Act, 2016 moved the period to
#: May 1 to the fourth Friday in July (its explanatory note: "amendments to
#: section 31 and clause 33 (4) (a)").
REGIME_2016 = (
    f"{MEA}, ss. 5 and 6, and ss. 31 and 33 (4) (a) as amended by the Municipal "
    "Elections Modernization Act, 2016, S.O. 2016, c. 15; "
    "https://www.ontario.ca/laws/statute/s16015"
)

#: 2022 on: Bill 218 (Schedule 2) moved nomination day to the third Friday
#: in August.
REGIME_2020 = (
    f"{MEA}, ss. 5, 6 and 33 (4), and s. 31 as amended by the Supporting Ontario's Recovery "
    "and Municipal Elections Act, 2020, S.O. 2020, c. 26, Sched. 2; "
    "https://www.ola.org/en/legislative-business/bills/parliament-42/session-1/bill-218"
)

#: A by-election: nomination day 30 to 60 days after the by-law calling it,
#: voting day the 45th day after nomination day.
MEA_BY_ELECTIONS = f"{MEA}, s. 65; {E_LAWS_MEA}"

#: The City's own closures beyond the Legislation Act (the Civic Holiday, an
#: alternate weekday for a Saturday holiday), as DOMAIN.md and the
#: toronto-2016 profile give them; no City page listing them was found.
TORONTO_CLOSURES = f"City of Toronto designated holidays: {NOT_CONFIRMED} (no City page found)"


def legislation_act(sections: str) -> str:
    """The Legislation Act's holidays: s. 87 lists them, s. 88 adds a day
    for some that fall on a weekend, s. 89 moves a deadline past one."""
    return f"{LEGISLATION_ACT}, {sections}; {E_LAWS_LEGISLATION_ACT}"


_SECTION = re.compile(r"\b(?:ss?|cl)\. \d")
_URL = re.compile(r"https?://\S+")


def cites(source: str) -> bool:
    """Whether a source names a statute's section or a web page."""
    return bool(_SECTION.search(source) or _URL.search(source))


class Row(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def source(self) -> str: ...


def params(rows: Iterable[Row]) -> list[Any]:
    """A table's rows as pytest parameters, each under its own label."""
    return [pytest.param(row, id=row.label) for row in rows]
