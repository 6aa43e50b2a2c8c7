"""The printer: documents' HTML to PDF files, on every core.

A PDF render spends its time importing WeasyPrint (and, to read the database,
SQLModel), then laying out pages at about 80 ms a page. So where it may fork,
the command reads the database in a forked child while it loads WeasyPrint
itself, the two imports overlapping on two cores; then it forks one worker a
core, each inheriting WeasyPrint with its fonts found, to lay out and write
the pages. A combined PDF is laid out in parts, one a core (or one for
about 25 members), and the parts are joined in qpdf (see `joining`).

Each member's document is laid out on its own and numbers its own pages, so
a combined file reads page for page like the separate ones, however it was
shared among the cores.

A process forks only when it runs no thread besides its own (a fork copies
locks that other threads hold, which can hang the child), on a system whose
libraries expect forks (not macOS), with more than one core. Anywhere else
the same work runs in this process, one document after another.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from transition.documents.html import Document, Embedded
from transition.documents.joining import joined
from transition.errors import TransitionError
from transition.files import resource_dir, save

#: About this many members' documents in one part of a combined PDF: parts
#: keep every core busy and a worker's memory bounded, and move the progress
#: bar; each part carries its own copy of the fonts (about 25 KB).
PART_SIZE = 25

Read = TypeVar("Read")


class CannotPrint(TransitionError):
    """PDFs cannot be printed here (HTML still can): WeasyPrint did not load."""


def load_weasyprint() -> Any:
    """WeasyPrint, or a message saying why PDFs cannot be printed here: it
    needs Pango, a system library that pip does not install."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise CannotPrint(
            f"cannot print PDFs: WeasyPrint could not load ({error}); install Pango "
            "(Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        ) from None
    return weasyprint


@lru_cache(maxsize=1)
def _font_configuration() -> Any:
    """The fonts found for one PDF serve the next: many PDFs from one process
    share them (about 20 ms a document)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


#: Every PDF is tagged PDF/UA, so a screen reader can follow its headings and
#: tables (Ontario's accessibility standards ask accessible documents); an
#: archival one (a sign-off sheet to file) is PDF/A-2a, which is tagged too.
ACCESSIBLE, ARCHIVAL = "pdf/ua-1", "pdf/a-2a"


def pdf_bytes(
    htmls: Sequence[str],
    title: str | None = None,
    variant: str = ACCESSIBLE,
    attachments: Sequence[Embedded] = (),
) -> bytes:
    """One PDF of these HTML documents, one after another, each laid out on its
    own (WeasyPrint's way to combine documents), with the files it carries
    embedded. A document's own `<meta>` names (a sign-off sheet's fingerprint)
    go into the PDF's document information, where `verify` reads them."""
    laid_out = [_lay_out(html) for html in htmls]
    document = laid_out[0]
    if len(laid_out) > 1:
        document = document.copy([page for each in laid_out for page in each.pages])
    if title:
        document.metadata.title = title
    embedded = [_attachment(kept) for kept in attachments]
    return document.write_pdf(pdf_variant=variant, custom_metadata=True, attachments=embedded)


def _attachment(kept: Embedded) -> Any:
    """A file to embed, its media type given as a data URL gives it (WeasyPrint
    would otherwise guess it from the name); related to the sheet as a
    supplement, as PDF/A-3 asks every embedded file to say."""
    import base64

    data = base64.b64encode(kept.content).decode("ascii")
    return load_weasyprint().Attachment(
        url=f"data:{kept.media_type};base64,{data}",
        name=kept.name,
        description=kept.description,
        relationship="Supplement",
    )


#: What a PDF prints differently from a browser: WeasyPrint puts the running
#: header and footer in the page's margin boxes, with "page N of M" counting
#: each member's own pages (a browser would count the whole file), so the
#: table rows that browsers repeat on every page go, and the sheet they wrap
#: is laid out as the plain blocks it holds.
PDF_ONLY = """
@page {
  @top-left { content: string(pagehead); width: 100%; font: 8pt "DejaVu Sans", sans-serif;
    color: #333; border-bottom: 0.6pt solid #666; vertical-align: bottom; padding-bottom: 2pt; }
  @bottom-left { content: string(pagefoot); width: 75%; font: 8pt "DejaVu Sans", sans-serif;
    color: #333; }
  @bottom-right { content: "page " counter(page) " of " counter(pages);
    font: 8pt "DejaVu Sans", sans-serif; color: #333; }
}
.sheet > thead, .sheet > tfoot { display: none; }
.sheet, .sheet > tbody, .sheet > tbody > tr, .sheet > tbody > tr > td { display: block; }
"""


def _lay_out(html: str) -> Any:
    """The document's pages. Its `<style>` is parsed once a process and shared
    by every document that carries the same one (about 7 ms a page): given
    apart as a user stylesheet, it cascades as it did inline, because our
    documents have no other stylesheet and no `!important`."""
    weasyprint = load_weasyprint()
    before, opened, rest = html.partition("<style>")
    style, closed, after = rest.partition("</style>")
    stylesheets = [_stylesheet(style + PDF_ONLY)] if opened and closed else []
    if stylesheets:
        html = before + after
    document = weasyprint.HTML(string=html, base_url=str(resource_dir("templates")))
    return document.render(font_config=_font_configuration(), stylesheets=stylesheets)


@lru_cache(maxsize=8)
def _stylesheet(css: str) -> Any:
    return load_weasyprint().CSS(
        string=css, base_url=str(resource_dir("templates")), font_config=_font_configuration()
    )


def get_ready() -> None:
    """Load WeasyPrint and print a scrap, so that fonts are found and its
    first-use set-up is done once, before any worker forks."""
    load_weasyprint()
    pdf_bytes(['<p>transition: <strong>ready</strong> <span class="iso">2030</span></p>'])


def read_while_loading(read: Callable[[], Read]) -> Read:
    """`read()`, run in a forked child while this process gets ready to
    print; the child's answer, or its error, comes back through a pipe."""
    global _PARENT
    _PARENT = os.getpid()
    if not _may_fork():
        get_ready()  # first, so that a machine without Pango hears it first
        return read()
    from multiprocessing import get_context

    context = get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(target=_answer, args=(read, sending), daemon=True)
    reader.start()
    sending.close()
    try:
        get_ready()
        try:
            succeeded, answer = receiving.recv()
        except EOFError:
            reader.join()
            raise TransitionError(
                "the process reading the database ended without an answer "
                f"(exit status {reader.exitcode}); nothing was written, try again"
            ) from None
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        receiving.close()
    if not succeeded:
        raise answer
    return answer


def _answer(read: Callable[[], Any], sending: Any) -> None:
    """The reading child: send back what `read` returned, or the error it raised."""
    _leave_interrupts_to_the_command()
    try:
        answer: tuple[bool, Any] = (True, read())
    except Exception as error:
        answer = (False, error)
    sending.send(answer)
    sending.close()


class _Part(NamedTuple):
    """A part of a document to print: which document, which part, its pages."""

    number: int
    part: int
    htmls: tuple[str, ...]
    title: str | None
    variant: str
    #: The document's embedded files, carried by its first part (a joined
    #: PDF keeps the first part's catalog, where they are listed).
    attachments: tuple[Embedded, ...] = ()


def write_pdfs(
    documents: Sequence[Document],
    *,
    progress: bool,
    finish: Callable[[bytes, Path], bytes] | None = None,
) -> list[Path]:
    """Print each document to its file (replaced atomically), sharing the parts
    among the cores, with a progress bar if asked and there is more than one.
    `finish` turns each whole PDF into what is saved (a signed copy), so that
    no file is ever written without it."""
    global _PARENT
    _PARENT = os.getpid()
    workers = _cores() if _may_fork() else 1
    splits = [_split(document.htmls, workers) for document in documents]
    # The longest first, so that short ones fill the cores' last gaps.
    parts = sorted(
        (
            _Part(
                number,
                part,
                htmls,
                documents[number].title,
                documents[number].variant,
                documents[number].attachments if part == 0 else (),
            )
            for number, pieces in enumerate(splits)
            for part, htmls in enumerate(pieces)
        ),
        key=lambda part: -sum(map(len, part.htmls)),
    )
    done: list[dict[int, bytes]] = [{} for _ in documents]
    members = sum(len(document.htmls) for document in documents)
    visible = progress and len(parts) > 1
    # Workers fork before the progress bar starts its thread.
    with _printing(parts, workers) as printed, _progress(members, visible) as advance:
        if len(parts) > len(documents) and workers > 1:
            # Parts will be joined: load pikepdf (about 20 ms) while the workers
            # print, rather than after them.
            import pikepdf  # noqa: F401
        for part, pdf in printed:
            done[part.number][part.part] = pdf
            if len(done[part.number]) == len(splits[part.number]):
                pieces = done[part.number]
                whole = joined([pieces[n] for n in sorted(pieces)])
                path = documents[part.number].path
                save(path, finish(whole, path) if finish else whole)
                done[part.number] = {}
            advance(len(part.htmls))
    return [document.path for document in documents]


@contextmanager
def _printing(parts: list[_Part], workers: int) -> Iterator[Iterator[tuple[_Part, bytes]]]:
    """Each part with its PDF, as it is printed: here, or by a worker a core."""
    if workers == 1 or len(parts) == 1:
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield ((part, _print(part)) for part in parts)
        finally:
            if collecting:
                gc.enable()
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(
        min(workers, len(parts)),
        mp_context=get_context("fork"),
        initializer=_start_printing,
    )
    try:
        futures = {pool.submit(_print, part): part for part in parts}
        yield ((futures[future], future.result()) for future in as_completed(futures))
    except BrokenProcessPool:
        raise TransitionError(
            "a printing process ended before its work was done (out of memory?); "
            "some files were not written (none is half-written): run the command again"
        ) from None
    finally:
        pool.shutdown(cancel_futures=True)


def _leave_interrupts_to_the_command() -> None:
    """In a child: Ctrl-C ends it at once and says nothing; the command,
    interrupted too, stops the rest and exits 130. And it dies with the
    command, however the command ends (even SIGKILL): a worker left behind
    would hold the command's output open, and a script waiting on it hang."""
    signal.signal(signal.SIGINT, lambda number, frame: os._exit(128 + number))
    signal.signal(signal.SIGTERM, lambda number, frame: os._exit(128 + number))
    _die_with_parent()


#: The command's process id, noted before it forks its children.
_PARENT = os.getpid()


def _die_with_parent() -> None:
    """Ask Linux to kill this child when its parent dies (PR_SET_PDEATHSIG);
    elsewhere the parent's own exit stops its pool."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != _PARENT:  # the parent died before the request was made
        os._exit(1)


def _start_printing() -> None:
    """A printing worker runs with the garbage collector off (see `_print`)."""
    _leave_interrupts_to_the_command()
    gc.disable()


def _print(part: _Part) -> bytes:
    """A part's PDF. Layout builds a great many objects that all live until the
    part is printed, which the collector would scan again and again (about
    4 ms a page); so printing runs with the collector off and collects once
    before each part, clearing the last part's garbage. With the collector
    off, everything made since the last collection is in its youngest
    generation, so collecting that one alone clears that garbage without
    scanning again what outlived the parts before, or what the process held
    before printing began (WeasyPrint, SQLAlchemy, the rows read): a full
    collection scanned all of it, 20 to 50 ms a part, as much as laying out
    a page."""
    gc.collect(0)
    return pdf_bytes(part.htmls, part.title, part.variant, part.attachments)


def _split(htmls: tuple[str, ...], workers: int) -> list[tuple[str, ...]]:
    """Consecutive parts of a combined document, one a worker or one for
    about every PART_SIZE members, of about equal length in HTML (a fair
    guess at the time a part takes to lay out)."""
    count = min(len(htmls), max(workers, -(-len(htmls) // PART_SIZE)))
    total = sum(map(len, htmls))
    parts: list[tuple[str, ...]] = []
    start = done = 0
    for end, html in enumerate(htmls, 1):
        done += len(html)
        filling = len(parts) + 1
        left, to_fill = len(htmls) - end, count - filling
        if to_fill and left >= to_fill and (done * count >= total * filling or left == to_fill):
            parts.append(htmls[start:end])
            start = end
    parts.append(htmls[start:])
    return parts


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _may_fork() -> bool:
    return (
        hasattr(os, "fork")
        and sys.platform != "darwin"
        and threading.active_count() == 1
        and _cores() > 1
    )


@contextmanager
def _progress(total: int, visible: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silence anywhere else."""
    if not visible:
        yield lambda n: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("rendering", total=total)
        yield lambda n: progress.advance(task, n)
