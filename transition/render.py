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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
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


@lru_cache(maxsize=1)
def environment() -> Any:
    """One Jinja2 environment per process, so that each template is compiled
    once however many documents are rendered."""
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


def load_weasyprint() -> Any:
    """WeasyPrint, or a message saying why PDFs cannot be printed here: it
    needs Pango, a system library that pip does not install."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise TransitionError(
            f"cannot print PDFs: WeasyPrint could not load ({error}); install Pango "
            "(Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
            "or render with --format html"
        ) from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    document = load_weasyprint().HTML(string=html, base_url=str(resource_dir("templates")))
    return document.write_pdf(font_config=_font_configuration())


@lru_cache(maxsize=1)
def _font_configuration() -> Any:
    """The fonts found for one PDF serve the next: many PDFs from one process
    share them (about 20 ms a document)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


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
    if all_members and not combined and kind in PER_MEMBER:
        raise UsageError("with --all, -o names a folder: one file per member (or give --combined)")
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
    # One file for everyone; one file each goes through render_each.
    sections = [section(tracker, election, member) for member in members]
    return [Document(output, render_html(kind, sections=sections))]


#: At most this many members per task when many files are rendered: small
#: enough for a smooth progress bar, large enough to outweigh the hand-off.
CHUNK = 10


def render_each(
    db: str | None,
    today: date | None,
    election_name: str | None,
    kind: str,
    fmt: str,
    folder: Path,
) -> list[Path]:
    """One file per member with steps, rendered on every core, with a progress
    bar on a terminal. Each worker reads the database on its own connection."""
    import os
    import sys
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    from transition.documents import members_with_steps
    from transition.options import tracking

    if kind not in PER_MEMBER:
        raise UsageError(f"--all makes one file per member for checklist or signoff, not {kind}")
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"with --all, -o names a folder for one file per member; {folder} is a file"
        )
    with tracking(db, today) as tracker:
        election = tracker.election(election_name)
        members = [member.id for member in members_with_steps(tracker, election)]
        today = tracker.today
    if not members:
        raise TransitionError(f"no member has steps in the {election.name} election yet")
    cores = os.cpu_count() or 1
    # Several tasks per core, so that no core idles while another finishes.
    size = max(1, min(CHUNK, -(-len(members) // (cores * 4))))
    jobs = [
        (db, today, election.name, kind, fmt, folder, members[i : i + size])
        for i in range(0, len(members), size)
    ]
    workers = min(cores, len(jobs))
    written: list[Path] = []
    with _progress(len(members), sys.stdout.isatty()) as advance:
        if workers == 1:
            for job in jobs:
                written += _render_chunk(job)
                advance(len(job[-1]))
        else:
            _warm_up(kind, fmt)
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                for future in as_completed(pool.submit(_render_chunk, job) for job in jobs):
                    paths = future.result()
                    written += paths
                    advance(len(paths))
    return sorted(written)


def _warm_up(kind: str, fmt: str) -> None:
    """Compile the template and print a scrap of it before forking, so that
    each worker starts with the fonts found and WeasyPrint's first-use set-up
    done rather than doing both itself."""
    environment().get_template(f"{kind}.html.j2")
    if fmt == "pdf":
        html_to_pdf('<p>transition: <strong>ready</strong> <span class="iso">2030</span></p>')


def _render_chunk(job: tuple[Any, ...]) -> list[Path]:
    from transition import documents
    from transition.models import Member
    from transition.options import tracking

    db, today, election_name, kind, fmt, folder, member_ids = job
    section = documents.checklist_section if kind == "checklist" else documents.signoff_section
    with tracking(db, today) as tracker:
        election = tracker.election(election_name)
        pages = []
        for member_id in member_ids:
            member = tracker.session.get(Member, member_id)
            html = render_html(kind, sections=[section(tracker, election, member)])
            pages.append(Document(folder / f"{kind}-{slug(member.name)}.{fmt}", html))
    return write_documents(pages, fmt)


@contextmanager
def _progress(total: int, visible: bool) -> Iterator[Any]:
    """A progress bar on a terminal; silence anywhere else."""
    if not visible:
        yield lambda n: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("rendering", total=total)
        yield lambda n: progress.advance(task, n)
