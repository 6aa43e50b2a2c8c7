"""The record-keeping commands: `election`, `member` and `account`.

Each command opens the tracker, makes one call, and prints the result; the
rules for what may be recorded live in `transition.store.tracker`.
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from transition.cli.constraints import any_of, checked, excludes, needs, one_of, only_with
from transition.cli.options import (
    DATE,
    AccountId,
    ByOption,
    DbOption,
    ElectionOption,
    JsonOption,
    MemberArgument,
    OptionalMember,
    ProfileOption,
    TodayOption,
    on_record,
    warn,
)
from transition.cli.output import emit
from transition.core import terms
from transition.core.terms import FLAGGED_CONNECTIONS

if TYPE_CHECKING:
    from rich.console import Console

    from transition.core import calendar
    from transition.store.models import Account, Election, Member
    from transition.store.tracker import Tracker

election_app = typer.Typer(
    help="Add and show elections.", no_args_is_help=True, rich_markup_mode=None
)
member_app = typer.Typer(
    help="Members of council and their candidacy.", no_args_is_help=True, rich_markup_mode=None
)
account_app = typer.Typer(
    help="Members' social media accounts.", no_args_is_help=True, rich_markup_mode=None
)

RoleOption = typer.Option(
    "--role",
    metavar="council|campaign|single",
    case_sensitive=False,
    help="What the account is for.",
)
BylawOption = Annotated[
    date | None,
    typer.Option(
        "--bylaw-date", **DATE, help="By-election: the by-law calling it (checks the dates)."
    ),
]


@election_app.command(
    "add",
    cls=checked(
        one_of("year", "by_election"),
        needs("by_election", "name", "opens", "nomination_day", "voting_day"),
        only_with("by_election", "name", "opens", "nomination_day", "voting_day", "bylaw_date"),
    ),
)
def election_add(
    *,
    year: Annotated[
        int | None, typer.Option("--year", metavar="YEAR", help="A regular election year.")
    ] = None,
    by_election: Annotated[
        bool, typer.Option("--by-election", help="A by-election, with the clerk's dates.")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="By-election: its name.")
    ] = None,
    opens: Annotated[
        date | None, typer.Option(**DATE, help="By-election: nominations open.")
    ] = None,
    nomination_day: Annotated[
        date | None, typer.Option(**DATE, help="By-election: nomination day.")
    ] = None,
    voting_day: Annotated[
        date | None, typer.Option(**DATE, help="By-election: voting day.")
    ] = None,
    bylaw_date: BylawOption = None,
    profile: ProfileOption = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Add a regular election (--year) or a by-election (--by-election with its dates)."""

    def work(tracker: "Tracker") -> "tuple[Election, str]":
        if by_election:  # Click checked that --by-election has its name and dates
            assert name and opens and nomination_day and voting_day
            added = tracker.change.add_by_election(
                name, opens, nomination_day, voting_day, profile, bylaw_date
            )
        else:  # ...or that --year is given
            assert year is not None
            added = tracker.change.add_regular_election(year, profile)
        return added, tracker.find.calendar(added).name

    added, label = on_record(db, today, work, write=True, by=by)
    typer.echo(f"added the {label} as {added.name!r}")


@election_app.command("list")
def election_list(*, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the elections in the database."""
    from transition.cli.views import show_elections
    from transition.store.listings import election_rows

    rows = on_record(db, None, election_rows)
    emit(rows, as_json=as_json, human=lambda out: show_elections(out, rows))


@election_app.command("show")
def election_show(
    name: Annotated[
        str | None, typer.Argument(help="The election (default: as --election).")
    ] = None,
    *,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an election's key dates, law and profile."""
    from transition.cli.views import election_periods, show_calendar
    from transition.store.listings import election_row

    def work(tracker: "Tracker") -> "tuple[dict[str, Any], calendar.Election]":
        chosen = tracker.find.election(name or election)
        dates = tracker.find.calendar(chosen)
        row = {**election_row(tracker, chosen)}
        row["periods"] = election_periods(dates, tracker.find.profile(chosen))
        return row, dates

    row, dates = on_record(db, today, work)
    warn(*row["warnings"])

    def human(out: "Console") -> None:
        show_calendar(out, dates, row["periods"])
        if row["clerk_email"]:
            out.print(f"The clerk's address: {row['clerk_email']}", markup=False)

    emit(row, as_json=as_json, human=human)


@election_app.command(
    "set",
    cls=checked(
        only_with("office", "source", "statutory"),
        excludes("office", "voting_day", "bylaw_date", "clerk_email", "no_clerk_email"),
        excludes("no_clerk_email", "clerk_email"),
        one_of("nomination_day", "statutory", when="office"),
        excludes("statutory", "opens", "source"),
        needs(
            "nomination_day",
            "source",
            when="office",
            why="the law or decision that set the dates",
        ),
        any_of(
            *("opens", "nomination_day", "voting_day", "bylaw_date"),
            *("clerk_email", "no_clerk_email"),
            when="!office",
            purpose=" to change",
        ),
    ),
)
def election_set(
    name: Annotated[str, typer.Argument(help="The election.")],
    *,
    opens: Annotated[date | None, typer.Option(**DATE, help="Nominations open.")] = None,
    nomination_day: Annotated[date | None, typer.Option(**DATE, help="Nomination day.")] = None,
    voting_day: Annotated[
        date | None, typer.Option(**DATE, help="By-election: voting day.")
    ] = None,
    bylaw_date: BylawOption = None,
    office: Annotated[
        terms.Office | None,
        typer.Option(
            "--office",
            metavar="councillor|mayor",
            case_sensitive=False,
            help="Regular election: the office whose dates the law changed "
            "(with --nomination-day, --source and optionally --opens).",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="TEXT",
            help="With --office: the law or decision that changed the dates.",
        ),
    ] = None,
    statutory: Annotated[
        bool,
        typer.Option("--statutory", help="With --office: return the office to the law's dates."),
    ] = False,
    clerk_email: Annotated[
        str | None,
        typer.Option(
            "--clerk-email",
            metavar="ADDRESS",
            help="The clerk's e-mail address for this election.",
        ),
    ] = None,
    no_clerk_email: Annotated[
        bool, typer.Option("--no-clerk-email", help="Forget the clerk's address.")
    ] = False,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Change a by-election's dates, or record dates the law changed for one office
    in a regular election (open steps move with them); or the clerk's address."""
    if office is not None:
        message = on_record(
            db,
            today,
            lambda tracker: tracker.change.set_office_override(
                tracker.find.election(name), office, nomination_day, opens, source
            ),
            write=True,
            by=by,
        )
        typer.echo(message)
        return

    dates = (opens, nomination_day, voting_day, bylaw_date)

    def work(tracker: "Tracker") -> "list[str]":
        chosen = tracker.find.election(name)
        said = []
        if any(dates):
            tracker.change.set_by_election_dates(chosen, *dates)
            said.append(f"changed the dates of {chosen.name}")
        if clerk_email is not None or no_clerk_email:
            tracker.change.set_clerk_email(chosen, clerk_email)
            said.append(f"the clerk's address for {chosen.name}: {chosen.clerk_email or 'none'}")
        return said

    typer.echo("\n".join(on_record(db, today, work, write=True, by=by)))


@member_app.command("add")
def member_add(
    name: Annotated[str, typer.Argument(help="The member's name.")],
    *,
    ward: Annotated[
        str | None, typer.Option("--ward", metavar="WARD", help="The ward the member represents.")
    ] = None,
    office: Annotated[
        terms.Office,
        typer.Option(
            "--office",
            metavar="councillor|mayor",
            case_sensitive=False,
            help="councillor, or mayor (who has no ward).",
        ),
    ] = terms.Office.COUNCILLOR,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Add a member of council."""
    member = on_record(
        db, today, lambda tracker: tracker.change.add_member(name, ward, office), write=True, by=by
    )
    typer.echo(f"added {member.name}")


@member_app.command("list")
def member_list(
    *,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the members with their candidacy in the election."""
    from transition.cli.views import show_members
    from transition.store.listings import member_rows

    def work(tracker: "Tracker") -> list[dict[str, Any]]:
        if not tracker.find.members():
            return []
        return member_rows(tracker, tracker.find.election(election))

    rows = on_record(db, today, work)
    emit(rows, as_json=as_json, human=lambda out: show_members(out, rows))


@member_app.command("show")
def member_show(
    name: MemberArgument,
    *,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a member: candidacy, accounts with their City connections, and steps."""
    from transition.cli.views import show_member
    from transition.store.listings import member_detail

    detail = on_record(
        db,
        today,
        lambda tracker: member_detail(
            tracker, tracker.find.member(name), tracker.find.election(election)
        ),
    )
    emit(detail, as_json=as_json, human=lambda out: show_member(out, detail))


@member_app.command(
    "set",
    cls=checked(
        any_of("running", "option", "emails", "no_email", purpose=" to change"),
        excludes("no_email", "emails"),
    ),
)
def member_set(
    name: MemberArgument,
    *,
    running: Annotated[
        terms.Running | None,
        typer.Option(
            "--running", metavar="yes|no|undecided", case_sensitive=False, help="Whether they run."
        ),
    ] = None,
    option: Annotated[
        terms.Option | None,
        typer.Option(
            "--option",
            metavar="separate|single",
            case_sensitive=False,
            help="separate (Option 1, para 19a) or single (Option 2, para 19b).",
        ),
    ] = None,
    emails: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            metavar="ADDRESS",
            help="The office's contact e-mail address "
            "(repeat for several; they replace those recorded).",
        ),
    ] = None,
    no_email: Annotated[
        bool, typer.Option("--no-email", help="Forget the office's addresses.")
    ] = False,
    by: ByOption = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
) -> None:
    """Record whether the member runs and which option they take, and their
    office's contact addresses."""

    def work(tracker: "Tracker") -> "list[str]":
        member = tracker.find.member(name)
        said = []
        if running is not None or option is not None:
            chosen = tracker.find.election(election)
            candidacy = tracker.change.set_candidacy(member, chosen, running, option)
            option_chosen = candidacy.option or "not chosen"
            said.append(
                f"{member.name} in {chosen.name}: running {candidacy.running}, {option_chosen}"
            )
        if emails or no_email:
            tracker.change.set_emails(member, emails or [])
            said.append(f"{member.name}'s addresses: {member.emails or 'none'}")
        return said

    typer.echo("\n".join(on_record(db, today, work, write=True, by=by)))


@member_app.command(
    "file", cls=checked(one_of("filing_date", "clear"), excludes("clear", "planned"))
)
def member_file(
    name: MemberArgument,
    *,
    filing_date: Annotated[
        date | None,
        typer.Option("--date", **DATE, help="The day the member files nomination papers."),
    ] = None,
    planned: Annotated[
        bool, typer.Option("--planned", help="The date is planned, not yet done.")
    ] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Forget the filing date.")] = False,
    by: ByOption = None,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
) -> None:
    """Record the member's filing date (actual, or --planned); steps due on filing move with it."""

    def work(tracker: "Tracker") -> "tuple[Member, Election]":
        member = tracker.find.member(name)
        chosen = tracker.find.election(election)
        tracker.change.set_filing(member, chosen, filing_date, actual=not planned)
        return member, chosen

    member, chosen = on_record(db, today, work, write=True, by=by)
    if filing_date is None:
        typer.echo(f"cleared the filing date of {member.name}")
    else:
        kind = "plans to file" if planned else "filed"
        typer.echo(f"{member.name} {kind} on {filing_date.isoformat()} ({chosen.name})")


UrlOption = Annotated[
    str | None, typer.Option("--url", metavar="URL", help="The account's address.")
]
EmailOption = Annotated[
    str | None, typer.Option("--email", metavar="EMAIL", help="The registration email.")
]
PhoneOption = Annotated[
    str | None, typer.Option("--phone", metavar="NUMBER", help="The registration phone number.")
]


def _connection(key: str) -> object:
    """One of the bulletin's five connections as an on/off flag (unset: unchanged),
    named and explained as `transition.core.terms` defines it."""
    connection = next(c for c in FLAGGED_CONNECTIONS if c.key == key)
    meaning = f"It {connection.holds}."
    return Annotated[
        bool | None,
        typer.Option(f"--{key}/--no-{key}", help=meaning, show_default=False),
    ]


IdentifiesMemberFlag = _connection("identifies-member")
PublicisedFlag = _connection("publicised")
UsesLogoFlag = _connection("uses-logo")
CityResourcesFlag = _connection("city-resources")


@account_app.command("add")
def account_add(
    member: MemberArgument,
    *,
    platform: Annotated[
        str, typer.Option("--platform", metavar="NAME", help="X, Instagram, Facebook, ...")
    ],
    handle: Annotated[
        str,
        typer.Option("--handle", metavar="HANDLE", help="The account's handle, such as @CllrDoe."),
    ],
    role: Annotated[terms.Role, RoleOption],
    url: UrlOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    identifies_member: IdentifiesMemberFlag = None,
    publicised: PublicisedFlag = None,
    uses_logo: UsesLogoFlag = None,
    city_resources: CityResourcesFlag = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Add a member's account, with the connections that tie it to the City."""

    def work(tracker: "Tracker") -> "Account":
        return tracker.change.add_account(
            tracker.find.member(member),
            platform=platform,
            handle=handle,
            role=role,
            url=url,
            email=email,
            phone=phone,
            identifies_member=identifies_member,
            publicised=publicised,
            uses_logo=uses_logo,
            city_resources=city_resources,
        )

    account = on_record(db, today, work, write=True, by=by)
    typer.echo(f"added account {account.id}: {account.platform} {account.handle} ({account.role})")


@account_app.command("set")
def account_set(
    account_id: AccountId,
    *,
    role: Annotated[terms.Role | None, RoleOption] = None,
    url: UrlOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    identifies_member: IdentifiesMemberFlag = None,
    publicised: PublicisedFlag = None,
    uses_logo: UsesLogoFlag = None,
    city_resources: CityResourcesFlag = None,
    by: ByOption = None,
    db: DbOption = None,
    today: TodayOption = None,
) -> None:
    """Change an account's role, registration or City connections; steps follow."""

    def work(tracker: "Tracker") -> "Account":
        return tracker.change.update_account(
            tracker.find.account(account_id),
            role=role,
            url=url,
            email=email,
            phone=phone,
            identifies_member=identifies_member,
            publicised=publicised,
            uses_logo=uses_logo,
            city_resources=city_resources,
        )

    account = on_record(db, today, work, write=True, by=by)
    typer.echo(f"account {account.id}: {account.platform} {account.handle} ({account.role})")


@account_app.command("list")
def account_list(
    member: OptionalMember = None,
    *,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """List accounts and whether each is City-connected."""
    from transition.cli.views import show_accounts
    from transition.store.listings import account_rows

    def work(tracker: "Tracker") -> list[dict[str, Any]]:
        who = tracker.find.member(member) if member else None
        return account_rows(tracker, who, tracker.find.profile_for(election))

    rows = on_record(db, today, work)
    emit(rows, as_json=as_json, human=lambda out: show_accounts(out, rows))


@account_app.command("show")
def account_show(
    account_id: AccountId,
    *,
    db: DbOption = None,
    election: ElectionOption = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an account and the caution assessment: which City connections hold, and why."""
    from transition.cli.views import show_account
    from transition.store.listings import account_row

    row = on_record(
        db,
        today,
        lambda tracker: account_row(
            tracker, tracker.find.account(account_id), tracker.find.profile_for(election)
        ),
    )
    emit(row, as_json=as_json, human=lambda out: show_account(out, row))
