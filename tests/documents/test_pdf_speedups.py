"""What the faster printing keeps: a combined PDF joined in qpdf is its parts'
pages, bookmarks and tags in about their bytes, everyone's sheets read at
once say what each member's reads alone, and templates compiled by an
earlier run are read back unless their cache is damaged or cannot be kept."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from test_render import structure_problems

from transition.cli.sample import SAMPLE_TODAY
from transition.documents import content
from transition.documents.html import PrintJob, documents_for
from transition.documents.joining import joined
from transition.documents.pdf import pdf_bytes
from transition.store import transact


@pytest.fixture(scope="module")
def council(sample_council) -> Path:
    """The 26-member sample council, for this module's read-only tests."""
    return sample_council


def read(council: Path, work):
    return transact(council, work, today=SAMPLE_TODAY, actor="tester")


@pytest.fixture(scope="module")
def parts(council) -> list[bytes]:
    """The council's checklists printed as three parts, as three cores would."""
    job = PrintJob(kind="checklist", output=Path("all.pdf"), fmt="pdf", combined=True)
    (document,) = read(council, lambda t: documents_for(t, t.find.election(), job))
    thirds = [document.htmls[:9], document.htmls[9:18], document.htmls[18:]]
    return [pdf_bytes(htmls, document.title, document.variant) for htmls in thirds]


def test_a_joined_pdf_is_about_the_bytes_of_its_parts(parts):
    """Each part keeps its own fonts, so the whole cannot be much smaller;
    pypdf's join, without object streams, made it four times larger."""
    whole = joined(parts)
    assert len(whole) <= 1.05 * sum(map(len, parts))


def test_a_joined_pdf_keeps_every_part_tagged_and_bookmarked(parts, tmp_path):
    path = tmp_path / "whole.pdf"
    path.write_bytes(joined(parts))
    assert structure_problems(path) == []
    readers = [PdfReader(BytesIO(part)) for part in parts]
    whole = PdfReader(path)
    assert len(whole.pages) == sum(len(reader.pages) for reader in readers)
    assert whole.metadata.title == readers[0].metadata.title
    assert [b.title for b in whole.outline if not isinstance(b, list)] == [
        b.title for reader in readers for b in reader.outline if not isinstance(b, list)
    ]
    assert whole.trailer["/Root"]["/Outlines"]["/Count"] == sum(
        reader.trailer["/Root"]["/Outlines"]["/Count"] for reader in readers
    )


def test_a_joined_pdf_has_one_structure_tree_and_one_document_element(parts):
    """The parts' own Document elements stay behind: every element of the
    whole, the page margins' text too, has the whole's for its ancestor."""
    with pikepdf.open(BytesIO(joined(parts))) as whole:
        objects = [o for o in whole.objects if isinstance(o, pikepdf.Dictionary)]
        roots = [o for o in objects if o.get("/Type") == "/StructTreeRoot"]
        documents = [o for o in objects if o.get("/S") == "/Document"]
        assert len(roots) == len(documents) == 1
        elements = [o for o in objects if o.get("/Type") == "/StructElem"]
        assert all("/P" in element for element in elements)
        tree = whole.Root.StructTreeRoot
        keys = [int(key) for key in tree.ParentTree.Nums[::2]]
        assert keys == sorted(set(keys))
        assert int(tree.ParentTreeNextKey) == max(keys) + 1


def test_untagged_parts_join_page_after_page():
    def blank(pages: int) -> bytes:
        pdf = pikepdf.new()
        for _ in range(pages):
            pdf.add_blank_page()
        written = BytesIO()
        pdf.save(written)
        return written.getvalue()

    with pikepdf.open(BytesIO(joined([blank(2), blank(3)]))) as whole:
        assert len(whole.pages) == 5
        assert "/StructTreeRoot" not in whole.Root


def without_moment(section: dict) -> dict:
    """A section less the minute it was generated, which two reads may not share."""
    header = {k: v for k, v in section["header"].items() if not k.startswith("generated")}
    return {**section, "header": header}


@pytest.mark.parametrize("kind", ["checklist", "signoff"])
def test_everyones_sheets_read_at_once_say_what_each_read_alone_says(council, kind):
    section = content.checklist_section if kind == "checklist" else content.signoff_section

    def compare(tracker):
        election = tracker.find.election()
        everyone = content.Everyone.read(tracker, election)
        members = content.members_on_paper(tracker, election)
        assert content.members_on_paper(tracker, election, everyone) == members
        for member in members:
            alone = section(tracker, election, member)
            at_once = section(tracker, election, member, everyone)
            assert without_moment(at_once) == without_moment(alone), member.name
        return len(members)

    assert read(council, compare) == 26


def fresh_environment():
    """The Jinja2 environment as a new process makes it, with its own cache."""
    from transition.documents.html import environment

    return environment.__wrapped__()


def test_a_template_compiled_once_is_read_compiled_by_the_next_run(monkeypatch):
    fresh_environment().get_template("checklist.html.j2")
    later = fresh_environment()

    def compile_again(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(later, "compile", compile_again)
    later.get_template("checklist.html.j2")


def test_a_damaged_cache_is_compiled_afresh(tmp_path):
    fresh_environment().get_template("checklist.html.j2")
    kept = list((tmp_path / "cache" / "templates").iterdir())
    assert kept
    for path in kept:
        path.write_bytes(b"not a compiled template")
    assert fresh_environment().get_template("checklist.html.j2").blocks["title"]
    assert all(path.read_bytes() != b"not a compiled template" for path in kept)


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("TRANSITION_CACHE_DIR", str(blocked))
    assert fresh_environment().get_template("checklist.html.j2").blocks["title"]
