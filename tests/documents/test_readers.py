"""The files an office opens elsewhere, checked with the programs it opens them
with: LibreOffice for CSV, Chromium for HTML, poppler for PDF, a second
calendar parser for the feed. A reader that is not installed skips its test,
saying so; .ci/run installs them all."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import as_json, invoke_transition, ok
from harness import SCRIPT
from pdf_reading import page_texts
from pypdf import PdfReader

T = invoke_transition
#: A small real picture (1x1, white), as a screenshot would be kept.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice")
PDFINFO = shutil.which("pdfinfo")
POPPLER = {name: shutil.which(name) for name in ("pdftoppm", "pdfdetach")}
needs = {
    "chromium": pytest.mark.skipif(
        not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"
    ),
    "soffice": pytest.mark.skipif(
        not SOFFICE, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
    ),
    "pdfinfo": pytest.mark.skipif(
        not PDFINFO, reason="pdfinfo is not installed (apt-get install poppler-utils)"
    ),
    "poppler": pytest.mark.skipif(
        not (PDFINFO and all(POPPLER.values())),
        reason="poppler's tools are not installed (apt-get install poppler-utils)",
    ),
}


@pytest.fixture(scope="module")
def council(sample_council):
    """The demo council, as of its day."""
    return sample_council


def at(database: Path) -> tuple[str, ...]:
    return ("--db", str(database), "--today", "2030-05-20")


# -- spreadsheets ---------------------------------------------------------------


def test_the_csv_export_is_what_spreadsheets_read(jane, tmp_path):
    ok(T("member", "add", "Frédéric Roy", "--ward", "9"))
    ok(T("export", "--format", "csv", "-o", "out.csv"))
    data = Path("out.csv").read_bytes()
    assert (
        data.startswith(b"\xef\xbb\xbf")
        and b"\r\n" in data
        and b"\n" not in data.replace(b"\r\n", b"")
    )
    text = data.decode("utf-8-sig")
    assert "Frédéric Roy" in text
    assert ",no," in text and ",True," not in text and ",False," not in text
    # standard output sent to a file is a file; a pipe to a program gets no mark
    with Path("redirected.csv").open("wb") as redirected:
        subprocess.run([SCRIPT, "export", "--format", "csv"], stdout=redirected, check=True)
    assert Path("redirected.csv").read_bytes() == data
    piped = subprocess.run([SCRIPT, "export", "--format", "csv"], capture_output=True, check=True)
    assert piped.stdout == data.removeprefix(b"\xef\xbb\xbf")


@needs["soffice"]
def test_a_csv_makes_the_round_trip_through_libreoffice(jane, tmp_path):
    """Exported, opened and saved again by LibreOffice (as a French office
    would: semicolons), then imported back: names intact, nothing refused."""
    ok(T("member", "add", "Frédéric Roy", "--ward", "9"))
    ok(T("export", "--format", "csv", "-o", "out.csv"))
    home = tmp_path / "lo-home"
    convert = [SOFFICE, f"-env:UserInstallation=file://{home}", "--headless", "--convert-to"]
    subprocess.run(
        [*convert, "ods", "--infilter=CSV:44,34,76", "--outdir", "ods", "out.csv"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [*convert, "csv:Text - txt - csv (StarCalc):59,34,76", "--outdir", "back", "ods/out.ods"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = Path("back/out.csv").read_text(encoding="utf-8-sig")
    assert "Frédéric Roy" in saved and ";" in saved.splitlines()[0]
    rows = [line.split(";") for line in saved.splitlines()]
    header = rows[0]
    wards = {row[header.index("member")]: row[header.index("ward")] for row in rows[1:]}
    members = "name;ward\n" + "".join(f"{name};{ward}\n" for name, ward in wards.items())
    Path("members.csv").write_text(members + ";;\n;;\n", encoding="utf-8")
    assert "0 new" in ok(T("import", "members", "members.csv"))


def test_csv_as_spreadsheets_write_it(db_path, tmp_path):
    ok(T("election", "add", "--year", "2030"))
    Path("semi.csv").write_text("name;ward;office\nAnn Lee;1;\n;;\n\n")
    assert "1 new" in ok(T("import", "members", "semi.csv"))
    Path("latin.csv").write_bytes("name,ward\nFrédéric Roy,2\n".encode("cp1252"))
    refused = T("import", "members", "latin.csv")
    assert refused.returncode == 1 and "--encoding cp1252" in refused.stderr
    assert "1 new" in ok(T("import", "members", "latin.csv", "--encoding", "cp1252"))
    for unknown in ("klingon", "base64", "rot13"):  # not an encoding; codecs, not text
        refused = T("import", "members", "latin.csv", "--encoding", unknown)
        assert refused.returncode == 2 and "not a text encoding" in refused.stderr, unknown
    strict = T("import", "members", "latin.csv", "--encoding", "idna")  # rules of its own
    assert strict.returncode == 1 and "is not idna text" in strict.stderr
    Path("lines.csv").write_text('name,ward\n"Pat\nLee",3\n,,\nBob,x²\n')
    bad = T("import", "members", "lines.csv")
    assert bad.returncode == 1 and "line 5:" in bad.stderr  # the file's own line
    quoting = (
        T("import", "members", "quote.csv")
        if Path("quote.csv").write_text('name,ward\n"Ann,1\n')
        else None
    )
    assert quoting.returncode == 1 and "line 2:" in quoting.stderr


# -- browsers --------------------------------------------------------------------


def _chromium_pdf(html: Path, pdf: Path) -> list[str]:
    """The HTML printed by headless Chromium as a user would; each page's text."""
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={pdf.parent / 'chromium'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return page_texts(pdf)


@needs["chromium"]
@pytest.mark.parametrize(
    ("kind", "who", "member"),
    [
        ("checklist", ("--all", "--combined"), "Ward 13 Councillor"),
        ("signoff", ("Ward 19 Councillor",), "Ward 19 Councillor"),
        ("reminders", (), None),
        ("overview", (), None),
    ],
)
def test_every_page_a_browser_prints_says_whose_and_as_of_when(
    council, tmp_path, kind, who, member
):
    html = tmp_path / f"{kind}.html"
    ok(T("render", kind, *who, "-o", str(html), *at(council)))
    pages = _chromium_pdf(html, tmp_path / f"{kind}.pdf")
    assert pages
    for text in pages:
        assert "City of Toronto · 2030 regular election" in text
        assert "As of Monday, May 20, 2030" in text
    if member:
        assert any(member in text.split("\n")[0] for text in pages)


def test_the_overview_scrolls_in_its_own_box_with_the_member_column_fixed(council, tmp_path):
    html = tmp_path / "overview.html"
    ok(T("render", "overview", "-o", str(html), *at(council)))
    text = html.read_text()
    assert '<div class="scroll">' in text
    assert ".scroll { overflow-x: auto; }" in text and "position: sticky; left: 0" in text


def test_evidence_is_a_link_in_html_and_pdf(council, tmp_path):
    ok(T("render", "checklist", "Ward 1 Councillor", "-o", str(tmp_path / "c.html"), *at(council)))
    assert (
        'href="https://example.org/ward1/remove-city-identity"' in (tmp_path / "c.html").read_text()
    )
    ok(T("render", "checklist", "Ward 1 Councillor", "-o", str(tmp_path / "c.pdf"), *at(council)))
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(tmp_path / "c.pdf").pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }
    assert "https://example.org/ward1/remove-city-identity" in links


# -- screen readers and archives ---------------------------------------------------


@needs["pdfinfo"]
@pytest.mark.parametrize("kind", ["checklist", "reminders", "overview", "signoff"])
def test_every_pdf_is_tagged_with_its_metadata(council, tmp_path, kind):
    who = ("Ward 19 Councillor",) if kind in ("checklist", "signoff") else ()
    pdf = tmp_path / f"{kind}.pdf"
    ok(T("render", kind, *who, "-o", str(pdf), *at(council)))
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Author:          City of Toronto" in info
    assert "Subject:" in info and "2030 regular election" in info
    assert "CreationDate:" in info


def test_an_archival_sign_off_is_pdf_a(council, tmp_path):
    pdf = tmp_path / "signoff.pdf"
    ok(T("render", "signoff", "Ward 19 Councillor", "--archival", "-o", str(pdf), *at(council)))
    catalog = PdfReader(pdf).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp or "<pdfaid:part>2</pdfaid:part>" in xmp, xmp[:400]
    assert "/OutputIntents" in catalog and "/StructTreeRoot" in catalog
    refused = T(
        "render", "checklist", "Ward 19 Councillor", "--archival", "-o", "x.pdf", *at(council)
    )
    assert refused.returncode == 2 and "--archival" in refused.stderr


@needs["poppler"]
def test_an_archival_sheet_with_evidence_is_pdf_a_3_and_reads_as_pictures(council, tmp_path):
    """The files a sheet rests on travel inside it: poppler lists and extracts
    them byte for byte, draws every page, and finds the file still tagged."""
    record = tmp_path / "record.db"
    shutil.copyfile(council, record)
    screenshot = tmp_path / "profile.png"
    screenshot.write_bytes(PNG)
    mail = tmp_path / "filed.eml"
    mail.write_bytes(
        b"From: clerk@toronto.ca\r\nSubject: Filed\r\nDate: Mon, 6 May 2030\r\n\r\nok\r\n"
    )
    done = as_json(T("checklist", "Ward 19 Councillor", "--json", *at(record)))["items"][0]["id"]
    ok(T("note", str(done), "--attach", str(screenshot), "--attach", str(mail),
         "--captured", "2030-05-06", *at(record)))  # fmt: skip
    pdf = tmp_path / "signoff.pdf"
    ok(T("render", "signoff", "Ward 19 Councillor", "--archival", "-o", str(pdf), *at(record)))
    catalog = PdfReader(pdf).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp, xmp[:400]
    listed = subprocess.run(
        [POPPLER["pdfdetach"], "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "2 embedded files" in listed and "profile.png" in listed and "filed.eml" in listed
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run([POPPLER["pdfdetach"], "-saveall", "-o", str(out), str(pdf)], check=True)
    assert (out / "profile.png").read_bytes() == PNG
    assert (out / "filed.eml").read_bytes() == mail.read_bytes()
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    drawn = subprocess.run(
        [POPPLER["pdftoppm"], "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert drawn.returncode == 0 and drawn.stderr == "", drawn.stderr
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == pages and all(p.stat().st_size > 2000 for p in pictures)
    text = " ".join(page_texts(pdf))
    assert "Files kept in the record (2)" in " ".join(text.split())
    assert hashlib.sha256(PNG).hexdigest()[:32] in text.replace("\n", "").replace(" ", "")


def test_a_checklist_for_a_member_with_two_accounts_fits_one_page(council, tmp_path):
    """Read in the combined file, which is each member's checklist in turn
    (test_render proves it page for page): one print for every member."""
    statuses = as_json(T("account", "list", "--json", *at(council)))
    two = {a["member"] for a in statuses if sum(b["member"] == a["member"] for b in statuses) == 2}
    assert two
    pdf = tmp_path / "all.pdf"
    ok(T("render", "checklist", "--all", "--combined", "-o", str(pdf), *at(council)))
    pages = {text.split("\n", 1)[0]: text for text in page_texts(pdf)}
    for member in sorted(two):
        page = pages[f"Social media transition checklist: {member}"]
        assert "page 1 of 1" in " ".join(page.split()), member


# -- calendars ----------------------------------------------------------------------


def _events(feed: bytes) -> dict[str, dict]:
    """The feed as a second parser (vobject) reads it: events by UID."""
    import vobject

    calendar = vobject.readOne(feed.decode("utf-8"))
    events = {}
    for event in calendar.vevent_list:
        status = getattr(event, "status", None)
        events[event.uid.value] = {
            "summary": event.summary.value,
            "day": event.dtstart.value,
            "sequence": int(event.sequence.value),
            "status": status.value if status else None,
            "alarms": [alarm.trigger.value for alarm in getattr(event, "valarm_list", [])],
        }
    return events


def _feed(*args: str) -> bytes:
    ok(T("export", "ics", *args, "-o", "feed.ics"))
    return Path("feed.ics").read_bytes()


def test_the_feed_shows_every_step_and_follows_it(jane):
    before = _events(_feed("jane", "--today", "2030-04-01"))
    items = {uid: e for uid, e in before.items() if uid.startswith("item-")}
    assert len(items) == 6  # all six, five of them waiting on the filing date
    waiting = [e for e in items.values() if "on filing" in e["summary"]]
    assert len(waiting) == 5 and {e["day"] for e in waiting} == {date(2030, 8, 16)}
    from datetime import timedelta

    assert all(
        e["alarms"] == [-timedelta(days=13, hours=15), -timedelta(hours=15)] for e in waiting
    )
    # overdue on the day of the export
    late = _events(_feed("jane", "--today", "2030-05-10"))
    cutoff = next(e for e in late.values() if "Stop publications" in e["summary"])
    assert cutoff["day"] == date(2030, 5, 10) and cutoff["summary"].startswith("OVERDUE")
    # done: cancelled, with a higher sequence; filed: moved
    uid = next(u for u, e in late.items() if "Stop publications" in e["summary"])
    ok(T("done", "1", "--today", "2030-05-10"))
    ok(T("member", "file", "jane", "--date", "2030-05-13", "--planned"))
    after = _events(_feed("jane", "--today", "2030-05-10"))
    assert after[uid]["status"] == "CANCELLED" and after[uid]["sequence"] > late[uid]["sequence"]
    moved = [e for u, e in after.items() if u.startswith("item-") and e["day"] == date(2030, 5, 13)]
    assert len(moved) == 5 and all(e["sequence"] > 0 for e in moved)


def test_key_dates_follow_the_clerk_and_uids_are_the_records_own(db_path, tmp_path):
    args = ("--opens", "2025-01-06", "--nomination-day", "2025-02-07", "--voting-day", "2025-03-24")
    ok(T("election", "add", "--by-election", "--name", "Ward 9", *args))
    ok(T("member", "add", "Pat Lee", "--ward", "9"))
    first = _events(_feed("pat"))
    ok(T("election", "set", "Ward 9", "--voting-day", "2025-03-25"))
    second = _events(_feed("pat"))
    voting = next(u for u, e in second.items() if "Voting day" in e["summary"])
    assert second[voting]["sequence"] > first[voting]["sequence"]
    other = tmp_path / "other.db"
    ok(T("election", "add", "--by-election", "--name", "Ward 9", *args, "--db", str(other)))
    ok(T("member", "add", "Pat Lee", "--ward", "9", "--db", str(other)))
    assert not set(_events(_feed("pat", "--db", str(other)))) & set(second)


# -- shared folders and pipes -------------------------------------------------------


def test_printed_files_follow_the_umask_and_keep_what_they_replace(jane, tmp_path):
    old = os.umask(0o027)
    try:
        ok(T("render", "checklist", "jane", "-o", "c.html"))
        assert stat.S_IMODE(Path("c.html").stat().st_mode) == 0o640
        Path("c.html").chmod(0o664)
        ok(T("render", "checklist", "jane", "-o", "c.html"))
        assert stat.S_IMODE(Path("c.html").stat().st_mode) == 0o664
        ok(T("export", "ics", "jane", "-o", "c.ics"))
        assert stat.S_IMODE(Path("c.ics").stat().st_mode) == 0o640
        ok(T("export", "-o", "all.json"))
        assert stat.S_IMODE(Path("all.json").stat().st_mode) == 0o600  # emails and phones
    finally:
        os.umask(old)


def test_a_reader_that_goes_away_is_not_an_error():
    done = subprocess.run(
        f"{SCRIPT} rules | head -3",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.splitlines()) == 3
    status = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {SCRIPT} rules | head -1"],
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0, status.stderr


def test_a_narrow_terminal_breaks_no_date_and_no_word(council):
    from io import StringIO

    from rich.console import Console

    from transition.cli.output import RichConsole
    from transition.cli.views import show_checklist, show_status

    rows = as_json(T("status", "--json", *at(council)))
    checklist = as_json(T("checklist", "Ward 1 Councillor", "--json", *at(council)))["items"]
    for draw, data in ((show_status, rows), (show_checklist, checklist)):
        out = RichConsole()
        out.rich = Console(file=StringIO(), width=80, highlight=False)
        draw(out, "heading", data)
        text = out.rich.file.getvalue()
        assert max(len(line) for line in text.splitlines()) <= 80
        for row in data:
            for value in (row.get("next_due"), row.get("due"), row.get("filing_date")):
                if value:
                    assert value in text, value


def test_the_license_ships():
    root = Path(__file__).resolve().parent.parent.parent
    assert "MIT License" in (root / "LICENSE").read_text()
