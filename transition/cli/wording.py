"""The store's and the printer's refusals in the command line's words.

The store says what is wrong, with the data (`transition.store.errors`), and
the printer why it cannot print; what to type to put it right (which command
lists the names, which flag to give) is said here, the one place a command's
name or flag meets such an error. Everything else a user can fix is already
one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transition.errors import TransitionError

#: Which command lists what a lookup looks among.
LISTINGS = {
    "election": "`transition election list` shows them",
    "member": "`transition member list` shows them",
    "checklist item": "`transition checklist` lists the ids",
    "account": "`transition account list` lists the ids",
    "evidence file": "`transition evidence list` shows the files and their SHA-256",
}


#: What puts a refusal right, in the command line's words (after its fact).
REMEDIES = {
    "OTHER_DATABASE": "; choose another --db",
    "CREATE_FOLDER": "; create it or choose another --db",
    "REMOVE_FILE": "; remove it or choose another --db",
    "CHECK": " (`transition check` says more)",
    "EXPORT": "; restore only a file `transition export --format json` wrote",
    "ENCODING": (
        "; save it from the spreadsheet as CSV UTF-8, or give its encoding, "
        "such as --encoding cp1252"
    ),
    "OTHER_ENCODING": "; check --encoding",
    "MEMBER_NAMES": "; `transition member list` shows them",
    "WARD": ": give --ward (or --office mayor)",
    "NO_WARD": ": give either --ward or --office mayor",
    "EVIDENCE_LIST": " (`transition evidence list` shows each file's SHA-256)",
    "CLERK_SIGNS": "; the clerk signs off with --as clerk, signed in as the clerk",
}


#: The remedies that put a file's rows right (a flag such as --ward does not).
FILE_REMEDIES = {"MEMBER_NAMES"}


def wording(error: TransitionError) -> str:
    """The one line the user sees for `error`."""
    from transition.documents.pdf import CannotPrint
    from transition.store import errors

    match error:
        case CannotPrint():
            return f"{error}, or render with --format html"
        case errors.NotFound(close=close) if close:
            return f"{error}; did you mean {' or '.join(repr(name) for name in close)}?"
        case errors.NotFound(kind=kind):
            return f"{error}; {LISTINGS.get(kind, f'there is no such {kind}')}"
        case errors.Ambiguous(exactly=True):
            return f"{error}; type the name exactly"
        case errors.Ambiguous():
            return f"{error}; give more of the name"
        case errors.NoElection(any_at_all=True):
            return f"{error}; choose one with --election NAME"
        case errors.NoElection():
            return f"{error}; add one with `transition election add --year YEAR`"
        case errors.SchemaNewer():
            return f"{error}; upgrade transition (pip install -U transition) to use it"
        case errors.SchemaBehind(where=where):
            return (
                f"{error}; whoever administers the database takes a backup (pg_dump) and "
                f"runs `transition upgrade --confirm --db {where}`"
            )
        case errors.NoTables(where=where):
            return (
                f"{error}; whoever administers it runs `transition init --db {where}` "
                "to create them"
            )
        case errors.NoAccess(user=user):
            return (
                f"{error}; ask its clerk or owner to run "
                f"`transition access grant {user} --office MEMBER` (or --clerk, --auditor)"
            )
        case errors.WrongKindOfElection(election=election, kind="regular"):
            return (
                f"the {election} election is a regular election; its dates follow the law "
                "(where the law changed them for one office, give --office and --source)"
            )
        case errors.WrongKindOfElection(election=election):
            return (
                f"{election} is a by-election: change its dates with --opens, "
                "--nomination-day and --voting-day, not for one office"
            )
        case errors.NothingToRecord():
            return "give --note, --evidence or --attach FILE to record"
        case errors.Refused(remedy=remedy):
            return f"{error}{REMEDIES[remedy.name]}"
        case errors.BadRows(remedy=remedy) if remedy and remedy.name in FILE_REMEDIES:
            return f"{error}{REMEDIES[remedy.name]}"
        case errors.UnknownEncoding(encoding=encoding):
            return f"--encoding {encoding!r} is not a text encoding Python knows"
        case errors.Conflict():
            return f"{error}; nothing was changed: try again"
    return str(error)
