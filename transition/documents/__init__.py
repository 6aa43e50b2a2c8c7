"""The documents: what each printed sheet says, its HTML, its PDF, and the
calendar feed. They read the store and the core, never the command line.

What there is to print, and to which formats, is named here, where the
command line reads it without loading the documents themselves."""

from typing import Literal, get_args

#: The documents there are to print.
Kind = Literal["checklist", "reminders", "overview", "signoff"]
#: Those printed one a member; the others are the whole council's.
PER_MEMBER: tuple[Kind, ...] = ("checklist", "signoff")
Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = get_args(Format)
