"""The `transition` command line: parse options, call the core, show the result.

Commands stay thin; the logic lives in the core modules. Errors meant for the
user are caught once, in `main`, and printed as one line. Heavy libraries
(the database, PDF printing) are imported inside the commands that use them,
so `transition --help` and the date commands start fast.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from transition.errors import TransitionError, UsageError
from transition.output import emit

app = typer.Typer(
    name="transition",
    help="Election-period social media transitions for Ontario council offices: "
    "the election calendar, each member's due dates, and the rules they come from.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


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

TodayOption = Annotated[
    date | None,
    typer.Option(
        "--today",
        **DATE,
        envvar="TRANSITION_TODAY",
        help="Work as of this date instead of today in Toronto.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProfileOption = Annotated[
    Path | None,
    typer.Option(
        "--profile",
        help="A profile TOML file of your own (default: the City of Toronto 2016 bulletin).",
        dir_okay=False,
        show_default=False,
    ),
]


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context) -> None:
    """Election-period social media transitions for Ontario council offices."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def _today(today: date | None) -> date:
    from transition.calendar import toronto_today

    return today or toronto_today()


@app.command("calendar")
def calendar_command(
    year: Annotated[
        int | None,
        typer.Argument(help="A regular election year, such as 2030.", show_default=False),
    ] = None,
    *,
    next_: Annotated[
        bool, typer.Option("--next", help="The next regular election on or after today.")
    ] = False,
    by_election: Annotated[
        bool, typer.Option("--by-election", help="A by-election from the clerk's three dates.")
    ] = False,
    opens: Annotated[
        date | None,
        typer.Option(**DATE, help="By-election: the day nominations open."),
    ] = None,
    nomination_day: Annotated[
        date | None,
        typer.Option(**DATE, help="By-election: nomination day (filing closes)."),
    ] = None,
    voting_day: Annotated[
        date | None, typer.Option(**DATE, help="By-election: voting day.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="By-election: a name to show.")] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an election's key dates: nominations, publication cutoff, voting, term."""
    from transition import calendar

    modes = [
        mode
        for mode, on in (
            ("YEAR", year is not None),
            ("--next", next_),
            ("--by-election", by_election),
        )
        if on
    ]
    if len(modes) != 1:
        raise UsageError(
            "give one of YEAR, --next or --by-election (see 'transition calendar --help')"
        )
    if not by_election and (opens or nomination_day or voting_day or name):
        raise UsageError("--opens, --nomination-day, --voting-day and --name go with --by-election")
    if by_election:
        missing = [
            flag
            for flag, value in (
                ("--opens", opens),
                ("--nomination-day", nomination_day),
                ("--voting-day", voting_day),
            )
            if value is None
        ]
        if missing:
            raise UsageError(
                f"--by-election needs {', '.join(missing)} (the clerk's dates, YYYY-MM-DD)"
            )
        election = calendar.by_election(opens, nomination_day, voting_day, name)  # type: ignore[arg-type]
    elif next_:
        election = calendar.next_regular_election(_today(today))
    else:
        election = calendar.regular_election(year)  # type: ignore[arg-type]

    from transition.views import calendar_payload, show_calendar

    emit(
        calendar_payload(election), as_json=as_json, human=lambda out: show_calendar(out, election)
    )


@app.command("rules")
def rules_command(*, profile: ProfileOption = None, as_json: JsonOption = False) -> None:
    """List the profile's dated steps and standing reminders, with their sources."""
    from transition.rules import load_profile
    from transition.views import profile_payload, show_profile

    loaded = load_profile(profile)
    emit(profile_payload(loaded), as_json=as_json, human=lambda out: show_profile(out, loaded))


def main(argv: list[str] | None = None) -> None:
    """The console script: run the app and turn every user error into one line."""
    command = typer.main.get_command(app)
    try:
        status = command.main(args=argv, prog_name="transition", standalone_mode=False)
    except typer.TyperException as error:
        # click's usage errors (exit 2) and other refusals, as one line.
        ctx = getattr(error, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _fail(error.format_message() + hint, error.exit_code)
    except typer.Abort:
        _fail("aborted", 130)
    except TransitionError as error:
        _fail(str(error), error.exit_code)
    except BrokenPipeError:
        # The reader (say, `| head`) went away; nothing left to say to it.
        sys.stderr.close()
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)


def _fail(message: str, status: int) -> None:
    line = " ".join(message.split())
    sys.stderr.write(f"transition: error: {line}\n")
    sys.exit(status)
