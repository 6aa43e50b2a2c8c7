"""Rendering: the documents a print job asks for, as HTML through Jinja2.

There is one template per document, extending one base. A PDF is this HTML
printed by WeasyPrint (see `transition.documents.pdf`), never a second template, so
screen and paper say the same thing. Autoescaping is on for every template: a
name or note such as `<script>` prints as text. Jinja2 is imported here (and
by `template_cache`, from here) only, and this module only by the commands
that print.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from transition.core.dates import human_date
from transition.core.dates import iso as iso_or_none
from transition.core.dates import short_date as short
from transition.documents import Format, Kind
from transition.errors import TransitionError
from transition.files import resource_dir, save


@dataclass(frozen=True)
class Embedded:
    """A file that goes with a document: embedded in its PDF, or written
    beside its HTML (in the folder `Document.files_folder`) as `stored_as`."""

    name: str
    stored_as: str
    media_type: str
    content: bytes
    description: str


@dataclass(frozen=True)
class Document:
    """One file to write, made of one HTML document or, for a combined PDF, one
    per member: printed one after another, each numbers its own pages, so a
    member's checklist reads "page 1 of 1" wherever it is printed."""

    path: Path
    htmls: tuple[str, ...]
    #: The PDF's title where it joins several documents.
    title: str | None = None
    #: The kind of PDF: tagged PDF/UA, or PDF/A for an archival sign-off.
    variant: str = "pdf/ua-1"
    #: The evidence files a sign-off sheet carries.
    attachments: tuple[Embedded, ...] = ()
    #: Where an HTML sheet's files go, beside it (its links point there).
    files_folder: str | None = None


@dataclass(frozen=True)
class PrintJob:
    """What to print, for whom and where to: in the documents' own terms.

    Whoever asks has checked that these go together; a job for everyone of a
    per-member document writes one file a member into the folder `output`,
    unless `combined`."""

    kind: Kind
    #: The file to write, or the folder for one file a member.
    output: Path
    fmt: Format = "html"
    #: One member's document (their name, any case or a unique part), or
    #: None: everyone's, or for the reminders and the overview the council's.
    member: str | None = None
    #: Everyone's in one file rather than one file each.
    combined: bool = False
    #: The reminders look this many days ahead.
    within: int = 14
    #: A PDF/A file, self-contained to archive (a sign-off sheet).
    archival: bool = False


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def long_date(value: date | str | None) -> str:
    return human_date(_as_date(value)) if value else ""


def short_date(value: date | str | None) -> str:
    """ "Wed May 1, 2030": enough for the timeline's narrow labels."""
    return short(_as_date(value)) if value else ""


def iso(value: date | str | None) -> str:
    """YYYY-MM-DD, or nothing to print for no date."""
    return iso_or_none(_as_date(value) if value else None) or ""


@lru_cache(maxsize=1)
def environment() -> Any:
    """One Jinja2 environment per process, so that each template is compiled
    once however many documents are rendered (and read compiled from the
    cache where an earlier run compiled it: `template_cache`)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from transition.documents.template_cache import compiled_templates

    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_templates(),
    )
    env.filters.update(long_date=long_date, short_date=short_date, iso=iso)
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(f"{template}.html.j2").render(**context)


def documents_for(tracker: Any, election: Any, job: PrintJob) -> list[Document]:
    """The documents a print job makes, each with the path it goes to, from
    one open record."""
    from transition.documents import content as documents

    found = _documents(tracker, election, job, documents)
    if job.archival:
        # PDF/A-2 embeds only PDFs; PDF/A-3 any file, as a sheet's evidence is.
        return [
            replace(one, variant="pdf/a-3a" if one.attachments else "pdf/a-2a") for one in found
        ]
    return found


def _documents(tracker: Any, election: Any, job: PrintJob, documents: Any) -> list[Document]:
    kind, output = job.kind, job.output
    if kind == "overview":
        doc = documents.overview_document(tracker, election)
        return [Document(output, (render_html("overview", doc=doc),))]
    if kind == "reminders":
        member = tracker.find.member(job.member) if job.member else None
        doc = documents.reminders_document(tracker, election, member, job.within)
        return [Document(output, (render_html("reminders", doc=doc),))]
    section = documents.checklist_section if kind == "checklist" else documents.signoff_section
    if job.member:
        one = section(tracker, election, tracker.find.member(job.member))
        return [_document(kind, output, [one], job)]
    # Everyone's rows and periods in two reads, rather than two a member.
    everyone = documents.Everyone.read(tracker, election)
    members = documents.members_on_paper(tracker, election, everyone)
    if not members:
        raise TransitionError(f"no member has steps or periods in the {election.name} election yet")
    sections = [section(tracker, election, member, everyone) for member in members]
    if not job.combined:
        stems = file_stems(members)
        return [
            _document(kind, output / f"{kind}-{stems[member.id]}.{job.fmt}", [one], job)
            for member, one in zip(members, sections, strict=True)
        ]
    if job.fmt == "html":
        return [_document(kind, output, sections, job)]
    return [_document(kind, output, sections, job, title=_title(kind, sections), apart=True)]


def _document(
    kind: str,
    path: Path,
    sections: list[dict[str, Any]],
    job: PrintJob,
    *,
    title: str | None = None,
    apart: bool = False,
) -> Document:
    """The document of these sections at `path`: one HTML document, or one
    per section (`apart`, a combined PDF), with the files its sections carry."""
    folder = f"{path.stem}-files" if job.fmt == "html" else None
    htmls = (
        tuple(render_html(kind, sections=[one], files_folder=folder) for one in sections)
        if apart
        else (render_html(kind, sections=sections, files_folder=folder),)
    )
    files = {
        (kept["sha256"], kept["stored_as"]): _embedded(kept, one)
        for one in sections
        for kept in one.get("files", [])
    }
    return Document(
        path, htmls, title=title, attachments=tuple(files.values()), files_folder=folder
    )


def _embedded(kept: dict[str, Any], section: dict[str, Any]) -> Embedded:
    steps = ", ".join(str(item) for item in kept["item_ids"])
    return Embedded(
        name=kept["file"],
        stored_as=kept["stored_as"],
        media_type=kept["media_type"],
        content=kept["content"],
        description=(
            f"{section['member_name']}: evidence for item {steps}, captured "
            f"{kept['captured_on']}, SHA-256 {kept['sha256']}"
        ),
    )


def _title(template: str, sections: list[dict[str, Any]]) -> str:
    """The title the template gives a document of all these sections."""
    compiled = environment().get_template(f"{template}.html.j2")
    return "".join(compiled.blocks["title"](compiled.new_context({"sections": sections})))


def write_html(documents: list[Document]) -> list[Path]:
    """Write each HTML document whole, replacing files atomically, and the
    files it links to in the folder beside it."""
    for document in documents:
        (html,) = document.htmls
        if document.attachments and document.files_folder:
            folder = document.path.parent / document.files_folder
            for kept in document.attachments:
                save(folder / kept.stored_as, kept.content)
        save(document.path, html)
    return [document.path for document in documents]


def file_stems(members: list[Any]) -> dict[int, str]:
    """Each member's file name: the seat, then the name in Latin letters
    ("ward-7-jane-doe", "mayor-olivia-chow"); a name with none ("Иван
    Петров") or two members with the same stem add the member's id. The same
    member gets the same name on every run; no two members share one."""
    stems = {}
    for member in members:
        seat = f"ward-{slug(member.ward)}" if member.ward else slug(member.office)
        name = slug(member.name, fallback="")
        stems[member.id] = f"{seat}-{name}" if name else f"{seat}-member-{member.id}"
    taken = list(stems.values())
    for member_id, stem in stems.items():
        if taken.count(stem) > 1:
            stems[member_id] = f"{stem}-{member_id}"
    return stems


def slug(text: str, fallback: str = "member") -> str:
    """A file name from a member's name: "Ward 7 Councillor" -> "ward-7-councillor"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or fallback
