"""Printing: documents to HTML through Jinja2, and the same HTML to PDF.

There is one template per document, extending one base. A PDF is the HTML
printed by WeasyPrint, never a second template, so screen and paper say the
same thing. Autoescaping is on for every template: a name or note such as
`<script>` prints as text. Jinja2 and WeasyPrint are imported here only, and
this module only by the commands that print.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from transition.database import resource_dir
from transition.errors import TransitionError, UsageError
from transition.output import human_date, save

KINDS = ("checklist", "reminders", "overview", "signoff")
PER_MEMBER = ("checklist", "signoff")
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Document:
    """One file to write: its name and its HTML."""

    path: Path
    html: str


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def long_date(value: date | str | None) -> str:
    return human_date(_as_date(value)) if value else ""


def short_date(value: date | str | None) -> str:
    """ "Wed May 1, 2030": enough for the timeline's narrow labels."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day:%a} {day:%b} {day.day}, {day.year}"


def iso(value: date | str | None) -> str:
    return _as_date(value).isoformat() if value else ""


def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, short_date=short_date, iso=iso)
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(f"{template}.html.j2").render(**context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(resource_dir("templates"))).write_pdf()


def output_format(requested: str | None, output: Path) -> str:
    """`--format`, else the output file's suffix."""
    chosen = requested or output.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise UsageError(
            f"give --format html or pdf (the output {output.name!r} does not say which)"
            if requested is None
            else f"--format must be html or pdf, not {requested!r}"
        )
    return chosen


def write_documents(documents: list[Document], fmt: str) -> list[Path]:
    """Write each document whole (HTML or its PDF), replacing files atomically."""
    written = []
    for document in documents:
        data: str | bytes = html_to_pdf(document.html) if fmt == "pdf" else document.html
        save(document.path, data)
        written.append(document.path)
    return written


def slug(text: str) -> str:
    """A file name from a member's name: "Ward 7 Councillor" -> "ward-7-councillor"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "member"


def build_documents(
    tracker: Any,
    election: Any,
    kind: str,
    member_name: str | None,
    *,
    all_members: bool,
    combined: bool,
    within: int,
    output: Path,
    fmt: str,
) -> list[Document]:
    """The documents a `render` command asks for, each with the path it goes to."""
    from transition import documents

    if kind not in KINDS:
        raise UsageError(f"what to render must be one of {', '.join(KINDS)}, not {kind!r}")
    if member_name and all_members:
        raise UsageError("give a MEMBER or --all, not both")
    if combined and not (kind in PER_MEMBER and all_members):
        raise UsageError("--combined goes with --all for checklist or signoff")
    if kind == "overview":
        if member_name:
            raise UsageError("the overview is of the whole council; give no MEMBER")
        return [
            Document(
                output, render_html("overview", doc=documents.overview_document(tracker, election))
            )
        ]
    if kind == "reminders":
        member = tracker.member(member_name) if member_name else None
        doc = documents.reminders_document(tracker, election, member, within)
        return [Document(output, render_html("reminders", doc=doc))]
    section = documents.checklist_section if kind == "checklist" else documents.signoff_section
    if not all_members:
        if not member_name:
            raise UsageError(f"give a MEMBER, or --all for everyone, to render the {kind}")
        member = tracker.member(member_name)
        return [Document(output, render_html(kind, sections=[section(tracker, election, member)]))]
    members = documents.members_with_steps(tracker, election)
    if not members:
        raise TransitionError(f"no member has steps in the {election.name} election yet")
    if combined:
        sections = [section(tracker, election, member) for member in members]
        return [Document(output, render_html(kind, sections=sections))]
    if output.exists() and not output.is_dir():
        raise UsageError(
            f"with --all, -o names a folder for one file per member; {output} is a file"
        )
    return [
        Document(
            output / f"{kind}-{slug(member.name)}.{fmt}",
            render_html(kind, sections=[section(tracker, election, member)]),
        )
        for member in members
    ]
