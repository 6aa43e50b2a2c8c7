"""Checking an export before and after it is loaded, as the commands check what
people type: a restore must not put into the record what no command would.

Before loading: only the keys an export has, and every value of every row as
the commands would take it (names as transition stores them, without
control or direction characters; statuses, offices, roles and choices from
the vocabulary; hashes as hashes). After loading, inside the restore's
transaction: every reference resolves, the trail's chain holds as
recomputed here, and (from schema 0007, whose trail records contents) every
row is what the trail's row events say. Anything else refuses the whole
restore, which leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from transition.core.terms import ItemStatus, Office, Option, Role, Running
from transition.errors import TransitionError
from transition.store.errors import Refused, Remedy
from transition.store.evidence import KEPT_TYPES
from transition.store.trail.events import by_the_database
from transition.store.values import clean_addresses, clean_text, clean_ward, normal_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: The export's own keys beside its tables.
HEADER_KEYS = {"format", "schema"}
STATUSES = tuple(ItemStatus)
KINDS = ("regular", "by-election")


def _member_of(values: tuple[str, ...], what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in values:
            raise TransitionError(f"{what} {value!r} is not one of {', '.join(values)}")

    return check


def _name(what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if normal_name(value, what) != value:
            raise TransitionError(f"the {what} {value!r} is not written as transition keeps names")

    return check


def _text(what: str, optional: bool = True) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or clean_text(value, what) != value:
            raise TransitionError(f"the {what} {value!r} is not text as transition keeps it")

    return check


def _ward(value: Any) -> None:
    if value is not None and clean_ward(value) != value:
        raise TransitionError(f"the ward {value!r} is not a ward as transition keeps it")


def _optional(check: Callable[[Any], None]) -> Callable[[Any], None]:
    return lambda value: None if value is None else check(value)


def _addresses(value: Any) -> None:
    """None, or addresses as the commands keep them: each checked, joined by "; "."""
    if value is not None and clean_addresses([value]) != value:
        raise TransitionError(f"{value!r} is not e-mail addresses as transition keeps them")


def _hash(value: Any) -> None:
    if value is not None and not (
        isinstance(value, str) and len(value) == 64 and set(value) <= set("0123456789abcdef")
    ):
        raise TransitionError(f"the hash {value!r} is not a SHA-256 in hex")


#: What each table's columns must hold (columns not named are typed by the
#: database, or hold free text a note may).
RULES: dict[str, dict[str, Callable[[Any], None]]] = {
    "elections": {
        "name": _text("election name", False),
        "kind": _member_of(KINDS, "kind"),
        "clerk_email": _addresses,
    },
    "members": {
        "name": _name("member name"),
        "ward": _ward,
        "office": _member_of(tuple(Office), "office"),
        "emails": _addresses,
    },
    "accounts": {
        "platform": _text("platform", False),
        "handle": _text("handle", False),
        "role": _member_of(tuple(Role), "role"),
        "email": _text("email"),
        "phone": _text("phone"),
        "url": _text("url"),
    },
    "candidacies": {
        "running": _member_of(tuple(Running), "running"),
        "option": _optional(_member_of(tuple(Option), "option")),
    },
    "checklist": {
        "status": _member_of(STATUSES, "status"),
        "step_id": _text("step", False),
        "done_by": _text("name of who did it"),
        "owner": _optional(_name("owner")),
        "owner_email": _addresses,
    },
    "overrides": {"office": _member_of(tuple(Office), "office"), "source": _text("source")},
    "evidence": {"sha256": _hash, "media_type": _member_of(KEPT_TYPES, "media type")},
    "attachments": {"name": _text("file name", False), "attached_by": _text("name", False)},
    "events": {
        "actor": _text("actor", False),
        "action": _text("action", False),
        "recorded_by": _text("signed-in name"),
        "chain": _hash,
    },
}


#: Columns that hold yes or no, and the largest id a database column holds.
FLAGS = {
    "identifies_member",
    "publicised",
    "uses_logo",
    "city_resources",
    "filing_actual",
}
LARGEST_ID = 2**31 - 1
#: Columns named like ids that hold names: a profile's and a step's.
TEXT_IDS = {"profile_id", "step_id"}


def check_export(data: dict[str, Any], tables: tuple[tuple[str, str], ...]) -> None:
    """Refuse an export with keys of its own or a value no command would record."""
    unknown = set(data) - HEADER_KEYS - {key for key, _ in tables}
    if unknown:
        raise Refused(
            f"the export has keys no export has ({', '.join(sorted(unknown))})", Remedy.EXPORT
        )
    for key, _ in tables:
        rows = data.get(key)
        if not isinstance(rows, list):
            continue  # the table-by-table check names it
        rules = RULES.get(key, {})
        seen: set[Any] = set()
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                continue
            try:
                for column, value in row.items():
                    _typed(column, value)
                    if column in rules:
                        rules[column](value)
                if row.get("id") in seen:
                    raise TransitionError(f"id {row['id']} is there twice")
                seen.add(row.get("id"))
            except TransitionError as error:
                raise TransitionError(
                    f"row {number} of {key!r} is refused: {error}; nothing was restored"
                ) from None


def _typed(column: str, value: Any) -> None:
    """Every value of the kind its column holds: ids whole numbers a database
    takes, flags true or false, text text, and no NaN anywhere."""
    if column == "id" or (column.endswith("_id") and column not in TEXT_IDS):
        if value is None and column != "id":
            return
        if type(value) is not int or not 1 <= value <= LARGEST_ID:
            raise TransitionError(f"{column} {value!r} is not an id (a whole number from 1)")
    elif column in FLAGS:
        if type(value) is not bool:
            raise TransitionError(f"{column} {value!r} is not true or false")
    elif column == "size":
        if type(value) is not int or value < 0:
            raise TransitionError(f"the size {value!r} is not a number of bytes")
    elif column == "year":
        if type(value) is not int or not 1900 <= value <= 2200:
            raise TransitionError(f"the year {value!r} is not a year")
    elif value is not None and not isinstance(value, str):
        raise TransitionError(f"{column} {value!r} is not text")


def check_loaded(connection: Connection, schema_has: Callable[[str], bool]) -> None:
    """Refuse a loaded record whose references dangle, whose chain does not
    hold, or (from schema 0007) whose rows are not what its trail says."""
    from transition.store.trail.chain import first_break
    from transition.store.trail.contents import differences, replay, rows
    from transition.store.trail.journal import as_moment

    dangling = connection.exec_driver_sql(
        "SELECT id FROM event WHERE member_id IS NOT NULL "
        "AND member_id NOT IN (SELECT id FROM member) ORDER BY id LIMIT 1"
    ).first()
    if dangling is not None:
        raise TransitionError(
            f"event {dangling[0]} of the export names a member the export does not hold; "
            "nothing was restored"
        )
    if not schema_has("0004_audit_chain"):
        return
    events = [
        SimpleNamespace(**{**row._mapping, "at": as_moment(row.at)})
        for row in connection.exec_driver_sql("SELECT * FROM event ORDER BY id")
    ]
    broken = first_break(events)
    if broken is not None:
        raise TransitionError(
            f"the export's audit trail does not hold: {broken}; nothing was restored"
        )
    _steps_replay(connection, events)
    if schema_has("0010_evidence"):
        _files_hold(connection)
    if not schema_has("0007_content_trail"):
        return
    actual, kinds = rows(connection)
    unexplained = differences(replay(events), actual, kinds)
    if unexplained:
        raise TransitionError(
            f"the export's rows are not what its audit trail says ({unexplained[0]}); "
            "nothing was restored"
        )


def _files_hold(connection: Connection) -> None:
    """Each file's bytes give the SHA-256 and the size its row says."""
    import hashlib

    for file_id in connection.exec_driver_sql("SELECT id FROM evidence_file ORDER BY id").scalars():
        sha256, size, content = connection.exec_driver_sql(
            f"SELECT sha256, size, content FROM evidence_file WHERE id = {int(file_id)}"
        ).one()
        content = bytes(content)
        if hashlib.sha256(content).hexdigest() != sha256 or len(content) != size:
            raise TransitionError(
                f"evidence file {file_id} of the export does not hold the file its SHA-256 "
                f"({sha256[:12]}) and size name; nothing was restored"
            )


def _steps_replay(connection: Connection, events: list[Any]) -> None:
    """Each step's state is the one its own events lead to, as `check` has it."""
    from collections import defaultdict

    from transition.store.trail.integrity import replay_item

    by_item: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        if event.item_id is not None and not by_the_database(event.action):
            by_item[event.item_id].append(event)
    for row in connection.exec_driver_sql("SELECT id, status, superseded_at FROM checklist_item"):
        found = replay_item(SimpleNamespace(**row._mapping), by_item.get(row.id, []))
        if found:
            raise TransitionError(
                f"the export's steps are not what its audit trail says ({found[0]}); "
                "nothing was restored"
            )
