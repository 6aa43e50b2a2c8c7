"""Printed documents and the calendar feed, checked the way a reader meets them:
PDFs by their extracted text, HTML by its structure, ICS parsed back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pdf_reading
import pytest
from conftest import SCRIPT, as_json, invoke_transition, ok, run_transition
from hypothesis import given
from hypothesis import strategies as st
from pdf_reading import whole_text
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from transition.cli.sample import SAMPLE_TODAY
from transition.documents.html import slug

T = invoke_transition
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def council(sample_council) -> Path:
    """The 26-member sample council, for this module's read-only tests."""
    return sample_council


def at(council: Path) -> tuple[str, ...]:
    return ("--db", str(council), "--today", SAMPLE_TODAY.isoformat())


def on_paper(council: Path) -> set[str]:
    """The members `--all` prints: everyone with a step or a period. Members
    not running keep the election-period services restrictions alone."""
    listed = as_json(T("checklist", "--json", *at(council)))
    members = {row["member"] for row in listed["items"] + listed["periods"]}
    assert members - {row["member"] for row in listed["items"]}  # some have periods alone
    return members


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    """The file's objects (pypdf) and its text in one line (PDFium)."""
    return PdfReader(path), whole_text(path)


class Structure(HTMLParser):
    """Counts elements by tag and by class, and keeps the text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.classes: dict[str, int] = {}
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name in dict(attrs).get("class", "").split():
            self.classes[name] = self.classes.get(name, 0) + 1

    def handle_data(self, data):
        self.text.append(data)


def test_member_checklist_pdf(council, tmp_path):
    out = tmp_path / "nested" / "folder" / "ward13.pdf"
    assert ok(
        T("render", "checklist", "ward 13 councillor", "-o", str(out), *at(council))
    ).strip() == str(out)
    reader, text = pdf_text(out)
    assert len(reader.pages) == 1, "a member's checklist fits one page"
    assert "page 1 of 1" in text
    for expected in (
        "Ward 13 Councillor",
        "Social media transition checklist",
        "Tuesday, May 14, 2030",
        "2030-05-14",
        "OVERDUE",
        "stop-handle-publications",
        "As of Monday, May 20, 2030",
        "projected under current law",
        "City of Toronto",
        "Promote no candidate or party",
    ):
        assert expected in text, expected
    items = as_json(T("checklist", "ward 13 councillor", "--json", *at(council)))["items"]
    for item in items:
        assert str(item["id"]) in text


def test_checklist_html_structure(council, tmp_path):
    out = tmp_path / "ward13.html"
    ok(T("render", "checklist", "ward 13 councillor", "-o", str(out), *at(council)))
    page = Structure(out.read_text())
    items = as_json(T("checklist", "ward 13 councillor", "--json", *at(council)))["items"]
    assert page.classes["item"] == len(items)
    assert page.classes["step"] == len({(i["due"] or i["latest"], i["step"]) for i in items})
    assert page.tags["svg"] == 1 and page.classes["timeline"] == 1
    assert page.classes["reminder"] == 5
    assert page.classes["overdue"] == sum(i["overdue"] for i in items)
    assert page.classes["due-group"] == len({i["due"] or i["latest"] for i in items})


def test_one_html_file_per_member_or_one_for_everyone(council, tmp_path):
    members = on_paper(council)
    ok(
        T(
            "render",
            "checklist",
            "--all",
            "--combined",
            "-o",
            str(tmp_path / "all.html"),
            *at(council),
        )
    )
    combined = Structure((tmp_path / "all.html").read_text())
    assert combined.classes["member"] == len(members) and combined.tags["html"] == 1
    written = ok(
        T(
            "render",
            "checklist",
            "--all",
            "--format",
            "html",
            "-o",
            str(tmp_path / "each"),
            *at(council),
        )
    )
    files = sorted((tmp_path / "each").glob("*.html"))
    assert len(files) == len(members) == len(written.split())
    assert (tmp_path / "each" / "checklist-ward-13-ward-13-councillor.html").exists()


def page_texts(path: Path) -> list[str]:
    """Each page's text, without the minute it was generated."""
    return [
        re.sub(r"generated \d{4}-\d\d-\d\d \d\d:\d\d \w+", "generated", text)
        for text in pdf_reading.page_texts(path)
    ]


def structure_problems(path):
    """What keeps a screen reader from the whole of a tagged PDF: pages
    without structure, elements on pages not in the file, links whose tag is
    lost, parent-tree entries that are not in the tree."""
    reader = PdfReader(path)
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    links = {a.idnum for page in reader.pages for a in page.get("/Annots", [])}
    problems, reached, on_pages = [], set(), set()
    stack = [tree.raw_get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if isinstance(node, IndirectObject):
            reached.add(node.idnum)
        element = node.get_object()
        if not isinstance(element, DictionaryObject):
            continue  # a marked-content id on the element's page
        if element.get("/Type") == "/OBJR":
            if element.raw_get("/Obj").idnum not in links:
                problems.append("a link's tag points at no link on any page")
            continue
        if "/Pg" in element:
            page = element.raw_get("/Pg").idnum
            if page in pages:
                on_pages.add(pages[page])
            else:
                problems.append(f"an element on a page not in the file ({page})")
        if "/K" in element:
            stack.append(element.raw_get("/K"))
    if on_pages != set(range(len(reader.pages))):
        missing = sorted(set(range(len(reader.pages))) - on_pages)
        problems.append(f"pages without structure: {missing}")
    numbers = tree["/ParentTree"].get_object()["/Nums"]
    keys = [int(k) for k in numbers[::2]]
    if len(keys) != len(set(keys)):
        problems.append("parent-tree keys repeat")
    parents = [page.get("/StructParents") for page in reader.pages]
    annotations = [
        a.get_object().get("/StructParent") for p in reader.pages for a in p.get("/Annots", [])
    ]
    if sorted(k for k in parents + annotations if k is not None) != sorted(keys):
        problems.append("pages and links do not match the parent-tree keys")
    for raw in numbers[1::2]:
        target = raw.get_object()
        for element in list(target) if isinstance(target, list) else [raw]:
            element = element.get_object()
            tagged = isinstance(element, DictionaryObject) and "/Pg" in element
            page = element.raw_get("/Pg") if tagged else None
            if page is not None and page.idnum not in pages:
                problems.append("a parent-tree entry is on a page not in the file")
    return problems


@pytest.mark.parametrize("forking", [True, False], ids=["on every core", "in one process"])
def test_a_combined_pdf_reads_page_for_page_as_the_separate_ones(
    council, each_pdf, tmp_path, monkeypatch, forking
):
    """Shared among workers and joined, or printed in one process, the combined
    file is each member's own checklist in turn, numbering its own pages."""
    from transition.documents import pdf as printer

    if not forking:
        monkeypatch.setattr(printer, "_may_fork", lambda: False)
    ok(
        T(
            "render",
            "checklist",
            "--all",
            "-o",
            str(tmp_path / "all.pdf"),
            "--combined",
            *at(council),
        )
    )
    folder = each_pdf[0]
    members = [m["name"] for m in as_json(T("member", "list", "--json", *at(council)))]
    separate = [
        page
        for name in members
        for path in folder.glob(f"checklist-*{slug(name)}.pdf")
        for page in page_texts(path)
    ]
    combined = page_texts(tmp_path / "all.pdf")
    assert combined == separate
    assert PdfReader(tmp_path / "all.pdf").metadata.title == "Social media transition checklist"
    # tagged throughout, not only the part printed first
    assert structure_problems(tmp_path / "all.pdf") == []
    # the mayor's runs to two pages, numbered as its own, not the file's
    assert any("page 2 of 2" in page for page in combined)
    assert sum("page 1 of 1" in page for page in combined) == len(combined) - 2


@pytest.fixture(scope="module")
def each_pdf(council, tmp_path_factory) -> tuple[Path, list[str]]:
    """Every member's checklist PDF from the console script, and what it said it wrote."""
    folder = tmp_path_factory.mktemp("each")
    written = ok(
        run_transition(
            "render", "checklist", "--all", "--format", "pdf", "-o", str(folder), *at(council)
        )
    ).split()
    return folder, written


def test_one_pdf_per_member_from_workers_on_every_core(council, each_pdf):
    """The console script shares the members among forked workers, which
    inherit WeasyPrint with its fonts found before the fork."""
    folder, written = each_pdf
    members = on_paper(council)
    assert sorted(Path(p).name for p in written) == sorted(p.name for p in folder.iterdir())
    assert len(written) == len(members)
    for member in members:
        (path,) = folder.glob(f"checklist-*-{member.lower().replace(' ', '-')}.pdf")
        reader, text = pdf_text(path)
        pages = len(reader.pages)
        assert f"Social media transition checklist: {member}" in text
        assert f"page {pages} of {pages}" in text
        others = [m for m in members if m != member and f": {m} " in text]
        assert others == []


def test_overview_fits_one_landscape_page_for_the_council(council, tmp_path):
    out = tmp_path / "overview.pdf"
    ok(T("render", "overview", "-o", str(out), *at(council)))
    reader, text = pdf_text(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height
    assert "page 1 of 1" in text
    members = as_json(T("member", "list", "--json", *at(council)))
    assert len(members) == 26
    for member in members:
        assert member["name"] in text
    html = tmp_path / "overview.html"
    ok(T("render", "overview", "-o", str(html), *at(council)))
    assert Structure(html.read_text()).classes["member-row"] == 26


def test_reminder_sheet_lists_overdue_and_upcoming_by_date(council, tmp_path):
    out = tmp_path / "reminders.html"
    ok(T("render", "reminders", "--within", "21", "-o", str(out), *at(council)))
    html = out.read_text()
    status = as_json(T("status", "--json", *at(council)))
    overdue = sum(m["overdue"] for m in status)
    assert Structure(html).classes["overdue"] == overdue
    assert "(the next 21 days)" in html
    ok(T("render", "reminders", "--within", "21", "-o", str(tmp_path / "r.pdf"), *at(council)))
    _, text = pdf_text(tmp_path / "r.pdf")
    assert f"Overdue ({overdue})" in text
    assert text.index("Wednesday, May 1, 2030") < text.index("Tuesday, May 14, 2030")


def test_signoff_sheet(council, tmp_path):
    out = tmp_path / "signoff.pdf"
    ok(T("render", "signoff", "ward 19", "-o", str(out), *at(council)))
    _, text = pdf_text(out)
    for expected in (
        "Sign-off: social media transition of Ward 19 Councillor",
        "Steps completed (5)",
        "Steps waived (1)",
        "the account was never linked from any City site",
        "Staff lead (name and signature)",
        "Member: Ward 19 Councillor",
    ):
        assert expected in text, expected
    # long URLs wrap inside their cell
    assert "https://example.org/ward19/notify-followers" in text.replace(" ", "")


def test_an_html_sheet_links_each_file_to_its_copy_beside_it(jane, tmp_path):
    """The HTML cannot embed a file as the PDF does: each is written into a
    folder beside it, byte for byte, and linked from the sheet, whatever the
    sheet's own name holds."""
    proof = tmp_path / "bio #1.txt"
    proof.write_text("Bio changed to 'campaign account' on 2030-05-06.\n")
    ok(T("done", "1", "--attach", str(proof), "--today", "2030-05-06"))
    out = tmp_path / "sheets" / "jane sign-off.html"
    ok(T("render", "signoff", "jane", "-o", str(out), "--today", "2030-05-06"))
    html = out.read_text()
    (copy,) = (tmp_path / "sheets" / "jane sign-off-files").iterdir()
    assert copy.read_bytes() == proof.read_bytes()
    assert copy.name.endswith("-bio-1.txt")
    assert f'href="jane%20sign-off-files/{copy.name}"' in html
    assert "Files kept in the record (1)" in " ".join(Structure(html).text)


def test_hostile_text_prints_as_text(jane, tmp_path):
    ok(T("member", "add", HOSTILE, "--ward", "3"))
    ok(
        T(
            "account",
            "add",
            HOSTILE,
            "--platform",
            "X",
            "--handle",
            "<b>@x</b>",
            "--role",
            "single",
            "--uses-logo",
        )
    )
    ok(T("member", "set", HOSTILE, "--running", "yes", "--option", "single"))
    item = as_json(T("checklist", HOSTILE, "--json"))["items"][0]["id"]
    ok(
        T(
            "done",
            str(item),
            "--note",
            '<img src=x onerror="alert(2)">',
            "--evidence",
            "javascript:alert(3)",
        )
    )
    for kind, who in (
        ("checklist", [HOSTILE]),
        ("signoff", [HOSTILE]),
        ("overview", []),
        ("reminders", []),
    ):
        out = tmp_path / f"{kind}.html"
        ok(T("render", kind, *who, "--within", "400", "-o", str(out), "--today", "2030-04-01"))
        html = out.read_text()
        assert "<script>" not in html and "<img src=x" not in html and "<b>@x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ok(T("render", "checklist", HOSTILE, "-o", str(tmp_path / "c.pdf"), "--today", "2030-04-01"))
    assert HOSTILE in pdf_text(tmp_path / "c.pdf")[1]


def test_a_failed_write_keeps_the_last_good_file(jane, tmp_path, monkeypatch):
    from transition import files as output

    out = tmp_path / "checklist.html"
    ok(T("render", "checklist", "jane", "-o", str(out)))
    good = out.read_text()

    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    result = T("render", "checklist", "jane", "-o", str(out))
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert out.read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".checklist")) == []


@pytest.mark.parametrize("kind", ["checklist", "overview"])
def test_the_printer_prints_what_weasyprint_prints_of_the_same_html(council, tmp_path, kind):
    """The printer parses each document's stylesheet once and hands it to
    WeasyPrint apart from the page; the pages come out as WeasyPrint prints the
    HTML file itself with the PDF's own page furniture."""
    import weasyprint

    from transition.documents.pdf import PDF_ONLY, pdf_bytes
    from transition.files import resource_dir

    html = tmp_path / f"{kind}.html"
    who = ["mayor"] if kind == "checklist" else []
    ok(T("render", kind, *who, "-o", str(html), *at(council)))
    plain = weasyprint.HTML(string=html.read_text(), base_url=str(resource_dir("templates")))
    furniture = weasyprint.CSS(string=PDF_ONLY)
    (tmp_path / "plain.pdf").write_bytes(plain.write_pdf(stylesheets=[furniture]))
    (tmp_path / "ours.pdf").write_bytes(pdf_bytes([html.read_text()]))
    ours, theirs = PdfReader(tmp_path / "ours.pdf"), PdfReader(tmp_path / "plain.pdf")
    assert [p.mediabox for p in ours.pages] == [p.mediabox for p in theirs.pages]
    assert page_texts(tmp_path / "ours.pdf") == page_texts(tmp_path / "plain.pdf")
    assert len(ours.pages) == (2 if kind == "checklist" else 1)


@given(
    lengths=st.lists(st.integers(1, 400), min_size=1, max_size=260),
    workers=st.integers(1, 8),
)
def test_a_combined_document_splits_into_consecutive_parts_of_like_length(lengths, workers):
    from transition.documents.pdf import PART_SIZE, _split

    htmls = tuple("x" * n for n in lengths)
    parts = _split(htmls, workers)
    assert sum(parts, ()) == htmls
    assert all(parts)
    assert len(parts) == min(len(htmls), max(workers, -(-len(htmls) // PART_SIZE)))
    if len(parts) > 1:
        # No part runs past its fair share by more than one member's page.
        fair = sum(lengths) / len(parts)
        assert all(sum(map(len, part)) < fair + 2 * max(lengths) for part in parts)


def test_a_pdf_of_an_unknown_member_is_refused_by_the_reading_process(council, tmp_path):
    """The console script reads the database in a child process while it loads
    WeasyPrint; the child's refusal is the command's, in one line."""
    out = tmp_path / "nobody.pdf"
    result = run_transition("render", "checklist", "nobody", "-o", str(out), *at(council))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "there is no member 'nobody'" in result.stderr
    assert not out.exists()


def _refusal(code: str) -> str:
    """What `code` ends in, printed: it runs in a fresh Python that forks as on
    a machine with two cores (a child that dies cannot take the tests down)."""
    probe = (
        "from transition.documents import pdf as printer\n"
        "from transition.errors import TransitionError\n"
        "printer._may_fork, printer._cores = (lambda: True), (lambda: 2)\n"
        "try:\n" + textwrap.indent(code, "    ") + "\n"
        "except TransitionError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_reading_process_that_dies_is_one_line():
    said = _refusal("import os\nprinter.read_while_loading(lambda: os._exit(3))")
    assert "ended without an answer (exit status 3)" in said


def test_a_printing_process_that_dies_is_one_line(tmp_path):
    said = _refusal(
        "import os\n"
        "from pathlib import Path\n"
        "from transition.documents.html import Document\n"
        "printer.pdf_bytes = lambda htmls, title, variant, attachments: (\n"
        "    os._exit(9) if 'die' in htmls[0] else b'%PDF')\n"
        f"documents = [Document(Path({str(tmp_path)!r}) / f'{{n}}.pdf', (text,))\n"
        "    for n, text in enumerate(['live', 'die', 'live', 'live'])]\n"
        "printer.write_pdfs(documents, progress=False)"
    )
    assert "a printing process ended before its work was done" in said
    assert not (tmp_path / "1.pdf").exists()


def _running_in_group(group: int) -> list[int]:
    """Processes of this process group that still run (not zombies), from /proc."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[2]) == group and fields[0] not in "ZX":
            running.append(int(stat.parent.name))
    return running


@pytest.mark.parametrize("moment", ["reading", "printing"])
def test_ctrl_c_stops_a_render_at_once_and_quietly(council, tmp_path, moment):
    """Ctrl-C reaches the command and its children, while the database is read
    or while pages are printed: all stop, exit 130, say nothing, and leave no
    half-written file."""
    import signal
    import time

    folder = tmp_path / "each"
    render = subprocess.Popen(
        [
            str(SCRIPT),
            "render",
            "checklist",
            "--all",
            "-o",
            str(folder),
            "--format",
            "pdf",
            *at(council),
        ],
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if moment == "reading":
        time.sleep(0.25)  # the command is still loading WeasyPrint
    while moment == "printing" and not list(folder.glob("*.pdf")) and render.poll() is None:
        time.sleep(0.005)
    os.killpg(render.pid, signal.SIGINT)
    out, err = render.communicate(timeout=30)
    assert (render.returncode, out, err) == (130, "", "")
    time.sleep(0.2)
    assert _running_in_group(render.pid) == [], "no child left behind"
    written = list(folder.glob("*")) if folder.exists() else []
    assert [p.name for p in written if p.name.startswith(".")] == []
    assert len(written) < 24


def test_without_pango_a_pdf_is_refused_in_one_line_and_html_still_works(jane, tmp_path):
    """WeasyPrint needs Pango, which pip cannot install; a machine without it
    gets a line saying so and what to do, and can still print HTML."""
    fake = tmp_path / "no-pango"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0'\")\n"
    )
    without = {"PYTHONPATH": str(fake)}
    result = run_transition(
        "render", "checklist", "jane", "-o", str(tmp_path / "c.pdf"), env=without
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "cannot print PDFs" in result.stderr and "--format html" in result.stderr
    assert not (tmp_path / "c.pdf").exists()
    ok(run_transition("render", "checklist", "jane", "-o", str(tmp_path / "c.html"), env=without))


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["render", "poster", "-o", "x.pdf"], 2, "'poster' is not one of 'checklist', 'reminders'"),
        (["render", "checklist", "-o", "x.pdf"], 2, "give a MEMBER, or --all"),
        (["render", "checklist", "jane", "--all", "-o", "x.pdf"], 2, "not both"),
        (["render", "checklist", "jane", "-o", "x.txt"], 2, "give --format html or pdf"),
        (
            ["render", "checklist", "jane", "--format", "doc", "-o", "x"],
            2,
            "not one of 'html', 'pdf'",
        ),
        (["render", "overview", "jane", "-o", "x.pdf"], 2, "give no MEMBER"),
        (["render", "reminders", "--all", "--combined", "-o", "x.pdf"], 2, "--combined goes"),
        (["render", "signoff", "jane", "--archival", "-o", "x.html"], 2, "--archival makes"),
        (["render", "checklist", "nobody", "-o", "x.pdf"], 1, "there is no member 'nobody'"),
        (["render", "checklist", "jane"], 2, "-o"),
        (["export", "ics", "-o", "x.ics"], 2, "give either MEMBER or --all"),
    ],
)
def test_render_mistakes(jane, tmp_path, args, status, message):
    result = T(*args)
    assert result.returncode == status
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not list(tmp_path.glob("x*"))


def test_with_all_a_file_where_the_folder_goes_is_refused(jane, tmp_path):
    (tmp_path / "checklists").write_text("not a folder")
    result = T("render", "checklist", "--all", "--format", "html", "-o", "checklists")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "with --all, -o names a folder for one file per member; checklists is a file" in (
        result.stderr
    )
    assert (tmp_path / "checklists").read_text() == "not a folder"


def _events(path: Path) -> dict[str, object]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_calendar_feed(jane, tmp_path):
    ok(T("member", "file", "jane", "--date", "2030-05-06", "--planned", "--today", "2030-04-01"))
    feed = tmp_path / "jane.ics"
    ok(T("export", "ics", "jane", "-o", str(feed), "--today", "2030-04-01"))
    events = _events(feed)
    items = as_json(T("checklist", "jane", "--json"))["items"]
    steps = {uid: event for uid, event in events.items() if uid.startswith("item-")}
    keys = {uid: event for uid, event in events.items() if "-key-" in uid}
    assert len(steps) == len(items) == 6 and len(keys) == 5
    first = next(e for u, e in steps.items() if u.startswith(f"item-{items[0]['id']}-"))
    assert first["dtstart"].dt.isoformat() == "2030-05-01"
    assert first["dtend"].dt.isoformat() == "2030-05-02"
    assert "para 19b" in str(first["description"]) and "Jane Doe" in str(first["summary"])
    # 9:00 the morning fourteen days and one day before the all-day event
    triggers = sorted(alarm["trigger"].dt for alarm in first.walk("VALARM"))
    assert triggers == [-timedelta(days=13, hours=15), -timedelta(hours=15)]
    voting = [e for e in keys.values() if "Voting day" in str(e["summary"])]
    assert voting[0]["dtstart"].dt.isoformat() == "2030-10-28"

    ok(T("done", str(items[0]["id"])))
    ok(T("export", "ics", "--all", "-o", str(feed)))
    again = _events(feed)
    assert set(again) == set(events)  # the done step stays, cancelled, so calendars drop it
    cancelled = [e for e in again.values() if e.get("status") == "CANCELLED"]
    assert [str(e["uid"]) for e in cancelled] == [str(first["uid"])]


def test_calendar_text_cannot_break_the_file(jane, tmp_path):
    ok(T("member", "add", "Line\\nBreak; X:Y, Z", "--ward", "3"))
    ok(
        T(
            "account",
            "add",
            "line",
            "--platform",
            "X",
            "--handle",
            "a;b,c:d",
            "--role",
            "single",
            "--uses-logo",
        )
    )
    ok(T("member", "set", "line", "--running", "yes", "--option", "single"))
    out = tmp_path / "feed.ics"
    ok(T("export", "ics", "--all", "-o", str(out)))
    summaries = [str(e["summary"]) for e in _events(out).values()]
    assert any("Line\\nBreak; X:Y, Z" in s and "a;b,c:d" in s for s in summaries)


def test_printing_commands_through_the_console_script(jane, tmp_path):
    out = tmp_path / "c.pdf"
    result = run_transition(
        "render", "checklist", "jane", "-o", str(out), env={"TZ": "Pacific/Auckland"}
    )
    assert result.returncode == 0 and result.stdout.strip() == str(out)
    feed = run_transition("export", "ics", "jane")
    assert feed.returncode == 0 and feed.stdout.startswith("BEGIN:VCALENDAR")
    assert json.loads(ok(T("export")))["members"][0]["name"] == "Jane Doe"
    assert os.path.getsize(out) > 1000
