"""The options commands share, and the one way a command opens the tracker.

Every command that depends on today takes `--today`; every command that
reads or writes the database takes `--db` and `--election`. Defining each
once keeps their names, help and environment variables the same everywhere.
"""

import contextlib
import getpass
import os
import signal
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from transition.errors import TransitionError, UsageError

if TYPE_CHECKING:
    from transition.store.record import Record
    from transition.store.tracker import Tracker


def parse_date(value: str | date) -> date:
    """A calendar date typed as YYYY-MM-DD, refused clearly if impossible."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        reason = str(error).removeprefix("Invalid isoformat string: ")
        hint = "" if "range" in reason else " (write dates as YYYY-MM-DD)"
        raise typer.BadParameter(f"{value!r} is not a date: {reason}{hint}") from None


DATE = {"parser": parse_date, "metavar": "YYYY-MM-DD"}


def from_group(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
    """The shared options work before the command too (`transition --db FILE
    status`): the one nearer the command wins, then the one before it, then
    the environment variable, then the default."""
    if _given(ctx, param.name):
        return value
    root = ctx.find_root()
    if root is not ctx and _given(root, param.name):
        return root.params[param.name]
    return value


def _given(ctx: typer.Context, name: str | None) -> bool:
    source = ctx.get_parameter_source(name) if name else None
    return source is not None and source.name == "COMMANDLINE"


def _completion(name: str) -> Any:
    """A completion function of `transition.cli.completion`, loaded on a Tab only."""

    def complete(ctx: typer.Context, incomplete: str) -> Any:
        from transition.cli import completion

        function = getattr(completion, name)
        return function(incomplete) if name == "profiles" else function(ctx, incomplete)

    return complete


TODAY_HELP = "Work as of this date instead of today in Toronto."
DB_HELP = (
    "The database: a file, sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE; "
    "else TRANSITION_DB, else a file in your data folder."
)
ELECTION_HELP = (
    "The election, by name (a year such as 2030, or a by-election's name); "
    "else the only one, else the next one."
)

TodayOption = Annotated[
    date | None,
    typer.Option(
        "--today",
        **DATE,
        envvar="TRANSITION_TODAY",
        help=TODAY_HELP,
        show_default=False,
        callback=from_group,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile",
        help="A built-in profile by name (toronto, ottawa, markham: see `transition rules "
        "--list`) or a profile TOML file of your own (default: toronto).",
        dir_okay=False,
        show_default=False,
        metavar="NAME|FILE.toml",
        autocompletion=_completion("profiles"),
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=DB_HELP,
        show_default=False,
        metavar="FILE|URL",
        callback=from_group,
    ),
]
ElectionOption = Annotated[
    str | None,
    typer.Option(
        "--election",
        envvar="TRANSITION_ELECTION",
        help=ELECTION_HELP,
        show_default=False,
        metavar="NAME",
        callback=from_group,
        autocompletion=_completion("elections"),
    ),
]
MemberCompletion = _completion("members")
MemberArgument = Annotated[
    str,
    typer.Argument(
        help="The member's name (any case, or a unique part).",
        metavar="MEMBER",
        autocompletion=MemberCompletion,
    ),
]
OptionalMember = Annotated[
    str | None,
    typer.Argument(
        help="One member (default: everyone).",
        metavar="[MEMBER]",
        autocompletion=MemberCompletion,
        show_default=False,
    ),
]
ItemCompletion = _completion("items")
#: The largest id or count an option takes: what a database integer holds,
#: with room, so that 2**63 is a usage error and not an overflow.
LARGEST_ID = 2**62
ItemId = Annotated[
    int,
    typer.Argument(
        help="The checklist item id, as `checklist` shows.",
        metavar="ID",
        min=1,
        max=LARGEST_ID,
        autocompletion=ItemCompletion,
    ),
]
ItemIds = Annotated[
    list[int],
    typer.Argument(
        help="Checklist item ids, as `checklist` shows.",
        metavar="ID...",
        min=1,
        max=LARGEST_ID,
        autocompletion=ItemCompletion,
    ),
]
AccountId = Annotated[
    int,
    typer.Argument(
        help="The account id, as `account list` shows.",
        metavar="ID",
        min=1,
        max=LARGEST_ID,
        autocompletion=_completion("accounts"),
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who did it; else TRANSITION_USER, else your login name.",
        show_default=False,
        metavar="NAME",
    ),
]


def today_or_now(today: date | None) -> date:
    from transition.core.calendar import toronto_today

    return today or toronto_today()


#: Who did it is a person's name: as long as any, not a page of text.
MAX_ACTOR = 200


def current_actor(by: str | None = None) -> str:
    """`--by`, else TRANSITION_USER, else the login name: checked as any name
    typed is (no control characters, not blank, not overlong), since it is
    stored and printed to whoever reads the trail."""
    from transition.store.values import normal_name

    source = "--by" if by is not None else "TRANSITION_USER"
    name = by if by is not None else os.environ.get("TRANSITION_USER")
    if name is None:
        try:
            return normal_name(getpass.getuser(), "login name")
        except (KeyError, OSError, TransitionError):
            return "unknown"
    try:
        name = normal_name(name, f"{source} name")
    except TransitionError as error:
        raise UsageError(str(error)) from None
    if len(name) > MAX_ACTOR:
        raise UsageError(f"the {source} name is {len(name)} characters; keep it under {MAX_ACTOR}")
    return name


T = TypeVar("T")


def on_record(
    db: str | None,
    today: date | None,
    work: Callable[["Tracker"], T],
    *,
    write: bool = False,
    by: str | None = None,
    mode: str | None = None,
) -> T:
    """What `work` returns, run on a tracker inside one transaction on the
    record (`transition.store.open_record`), committed when it returns.

    A writing command queues for the write lock when it begins, so
    concurrent staff wait their turn instead of failing. `mode` names
    another use than reading or writing ("inspect" for `check`, "create"
    and "upgrade" for `init` and `upgrade --confirm`). The work may run
    again where the server undid it: it returns what the command prints,
    and prints nothing itself.
    """
    with opened_record(db, today, write=write, by=by, mode=mode) as record:
        return record.transaction(work)


@contextlib.contextmanager
def opened_record(
    db: str | None,
    today: date | None,
    *,
    write: bool = False,
    by: str | None = None,
    mode: str | None = None,
) -> Iterator["Record"]:
    """The record, open for a command that runs several transactions on it
    (`remind --send`: claim, send, confirm, message by message); each
    transaction is `record.transaction(work)`, as `on_record` runs one."""
    from transition.cli.startup import settle
    from transition.store import Mode, locate, open_record
    from transition.store.record import load

    location = locate(db)
    chosen = Mode(mode) if mode else Mode.WRITE if write else Mode.READ
    load(location, chosen)  # before settle, which freezes what is loaded
    settle()
    actor = current_actor(by)
    with open_record(
        location, today=today_or_now(today), actor=actor, mode=chosen, commit=_commit
    ) as record:
        try:
            yield record
        finally:
            PENDING_WARNINGS.extend(record.warnings)


INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def _commit(transaction: Any, changed: bool) -> None:
    """Commit, unless the user interrupted first: an interrupt that came while
    the command worked undoes it; one that comes during the commit itself, or
    after it, finds the change made, and the command done. So once a change
    is committed, the console script keeps Ctrl-C and SIGTERM off until it
    ends: its exit status must not say "interrupted" of a change made."""
    if not hasattr(signal, "pthread_sigmask"):
        transaction.commit()
        return
    from transition.cli.startup import is_console_script

    signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    done = False
    try:
        if set(signal.sigpending()) & set(INTERRUPTS):
            transaction.rollback()
            raise KeyboardInterrupt
        transaction.commit()
        done = changed and is_console_script()
        while not done and signal.sigtimedwait(INTERRUPTS, 0) is not None:
            pass  # arrived during the commit: the change is made, the command done
    finally:
        if not done:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)


#: Warnings of a committed change, printed by `transition.cli.app.main` after the
#: command's own output, as a reader expects them.
PENDING_WARNINGS: list[str] = []


def warn(*messages: str) -> None:
    """What was done but deserves a second look: one line each, on standard error."""
    for message in messages:
        typer.echo(f"transition: warning: {' '.join(message.split())}", err=True)
