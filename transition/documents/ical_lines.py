"""RFC 5545 content lines, written the way the icalendar package writes them.

The feed holds one event per step of every member: a province's is 40,000
events. Built as icalendar objects and serialised by the package, each costs
some 30 objects (a property value, its parameters, a content line) and a
fold character by character, which made a province's feed take 16 s where
its query takes under one. So the feed writes its lines here, as text, and
icalendar stays what the tests read the feed back with.

Subscribers' calendars compare what they import with what they hold, so
these lines are byte for byte what icalendar 7 wrote before: the same order
of properties (its `canonical_order`, then the rest alphabetically), the
same escaping of TEXT (RFC 5545 3.3.11) and the same folding (RFC 5545 3.1:
at most 74 octets on the first line and after each fold's space, never in
the middle of a UTF-8 character, never just after a backslash). The golden
files in tests/snapshots guard that, and a property test compares these
functions with icalendar's own on arbitrary text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

#: icalendar folds before the character that would bring a line to 75 octets.
FOLD_AT = 75
#: A fold: CRLF and one space (RFC 5545 3.1).
FOLD = "\r\n "
#: Ends every content line, the last one included.
CRLF = "\r\n"


def text(value: str) -> str:
    r"""A TEXT value escaped as RFC 5545 3.3.11 asks: backslash, semicolon,
    comma and line breaks, in icalendar's order (a `\N` is a line break first)."""
    escaped = (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )
    # icalendar reads its own encoded value back as "utf-8-sig", which drops
    # a byte-order mark at the start of the value.
    return escaped[1:] if escaped.startswith("\ufeff") else escaped


def fold(line: str) -> str:
    """One content line folded to lines of at most 75 octets."""
    if len(line) < FOLD_AT and (line.isascii() or len(line.encode()) < FOLD_AT):
        return line
    if not line.isascii():
        return _fold_octets(line)
    # A character is an octet: cut every 74, one sooner where the cut would
    # leave a backslash (or a caret, RFC 6868's escape) at a line's end.
    room = FOLD_AT - 1
    pieces = []
    start = 0
    while len(line) - start > room:
        end = start + room
        if line[end - 1] in "\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return FOLD.join(pieces)


def _fold_octets(line: str) -> str:
    """`fold` for a line with characters of more than one octet, counted as
    icalendar counts them (its `_foldline`)."""
    pieces: list[str] = []
    current: list[str] = []
    octets = 0
    for char in line:
        size = len(char.encode())
        if current and octets + size >= FOLD_AT:
            carried = [current.pop()] if len(current) > 1 and current[-1] in "\\^" else []
            pieces.append("".join(current))
            current = carried
            octets = len(carried[0].encode()) if carried else 0
        current.append(char)
        octets += size
    if current:
        pieces.append("".join(current))
    return FOLD.join(pieces)


@cache  # a feed's 40,000 events fall on a few hundred days
def day(value: date) -> str:
    """A DATE value (RFC 5545 3.3.4)."""
    return f"{value.year:04}{value.month:02}{value.day:02}"


def utc_moment(value: datetime) -> str:
    """A DATE-TIME in UTC, to the second (RFC 5545 3.3.5, form 2)."""
    when = f"{value.year:04}{value.month:02}{value.day:02}"
    return f"{when}T{value.hour:02}{value.minute:02}{value.second:02}Z"


@cache  # and ring a few kinds of alarm before them
def duration(value: timedelta) -> str:
    """A DURATION value (RFC 5545 3.3.6): weeks never, days then hours,
    minutes and seconds, with the sign in front, as icalendar writes it."""
    sign = "-" if value.days < 0 else ""
    value = -value if value.days < 0 else value
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    time = ""
    if value.seconds:
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    if value.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{value.days}D{time}"


def prop(name: str, value: str) -> str:
    """A property with a TEXT value and no parameters, as a folded, CRLF-ended line."""
    return fold(f"{name}:{text(value)}") + CRLF


def calendar(properties: Iterable[str], components: Iterable[str]) -> bytes:
    """The whole file: a VCALENDAR with its property lines, then its components."""
    return "".join(["BEGIN:VCALENDAR\r\n", *properties, *components, "END:VCALENDAR\r\n"]).encode()


def event(
    *,
    summary: str,
    start: date,
    end: date | None,
    length: timedelta | None,
    stamp: str,
    uid: str,
    sequence: int,
    description: str,
    cancelled: bool,
    alarms: Iterable[tuple[str, timedelta]],
) -> str:
    """One all-day VEVENT, its lines in icalendar's order (its canonical
    order, then the rest alphabetically). Each alarm, its description and
    how long before the start it rings, is a VALARM with a DISPLAY action.
    `stamp` is the DTSTAMP line, the same for every event of a feed."""
    lines = ["BEGIN:VEVENT\r\n", prop("SUMMARY", summary), f"DTSTART;VALUE=DATE:{day(start)}\r\n"]
    if end is not None:
        lines.append(f"DTEND;VALUE=DATE:{day(end)}\r\n")
    if length is not None:
        lines.append(f"DURATION:{duration(length)}\r\n")
    lines += [stamp, prop("UID", uid), f"SEQUENCE:{sequence}\r\n", prop("DESCRIPTION", description)]
    if cancelled:
        lines.append("STATUS:CANCELLED\r\n")
    lines.append("TRANSP:TRANSPARENT\r\n")
    for said, before in alarms:
        lines += [
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\n",
            prop("DESCRIPTION", said),
            f"TRIGGER:{duration(-before)}\r\nEND:VALARM\r\n",
        ]
    lines.append("END:VEVENT\r\n")
    return "".join(lines)
