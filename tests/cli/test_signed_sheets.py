"""A signed sign-off sheet at the command line: `render signoff --sign KEY.p12`
signs the PDF with an office's certificate, and `verify SHEET.pdf` says
whether the sheet is as it was signed, by whom, and whether the record still
holds what it printed. A sheet is proof only if every way of making it lie
fails: a byte changed, another record's sheet, a record cut short or changed
after signing, an untrusted signer. The signature itself, in pyHanko's and
poppler's eyes: tests/documents/test_signing.py."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SCRIPT, invoke_transition, ok
from harness.certificates import OFFICE, Authority, authority
from harness.records import copy_of, isolated, two_offices

T = invoke_transition
TODAY = ("--today", "2030-05-20")
PASSWORD_VARIABLE = "TRANSITION_SIGN_PASSWORD"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
SIGNER = f"CN={OFFICE},O=City of Toronto,C=CA"


@dataclass(frozen=True)
class Sheets:
    """The record a signed sheet was printed from, and the sheets of it."""

    db: Path
    #: Jane Doe's sheet, signed with the office's certificate.
    signed: Path
    #: The same sheet, printed without --sign.
    unsigned: Path
    #: Jane Doe's signed sheet from another record with the same council.
    elsewhere: Path
    #: The record's fingerprint when the sheets were printed.
    fingerprint: str
    root: Path
    other_root: Path


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    """Making the office's RSA key takes a while: once a module."""
    return authority(tmp_path_factory.mktemp("ca"))


def council(db: Path) -> None:
    """Jane Doe (ward 7) and John Roe (ward 3), each on a City-connected X
    account; Jane's first step done with a screenshot, and her office's sign-off."""
    at = ("--db", str(db), *TODAY)
    two_offices(*at)
    shot = db.with_name("profile.png")
    shot.write_bytes(PNG)
    ok(T("done", "1", "--attach", str(shot), *at))
    ok(T("attest", "jane", "--as", "office", "--note", "All steps done.", *at))


def render(db: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> Path:
    ok(T("render", "signoff", "jane", "-o", str(out), "--db", str(db), *TODAY, *extra, env=env))
    return out


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory, ca: Authority) -> Sheets:
    """One record and its sheets, printed once a module (a PDF takes a second
    to print); a test that changes the record changes a copy of it."""
    folder = tmp_path_factory.mktemp("sheets")
    root, other_root = folder / "root.pem", folder / "other-root.pem"
    root.write_bytes(ca.root_pem)
    other_root.write_bytes(ca.other_root_pem)
    sign = ("--sign", str(ca.p12_path))
    password = {PASSWORD_VARIABLE: ca.password.decode()}
    with isolated(folder):
        db, other = folder / "record.db", folder / "elsewhere" / "record.db"
        other.parent.mkdir()
        council(db)
        council(other)
        fingerprint = ok(T("fingerprint", "--db", str(db))).strip()
        return Sheets(
            db=db,
            signed=render(db, folder / "signed.pdf", *sign, env=password),
            unsigned=render(db, folder / "unsigned.pdf"),
            elsewhere=render(other, folder / "elsewhere.pdf", *sign, env=password),
            fingerprint=fingerprint,
            root=root,
            other_root=other_root,
        )


def verify(sheet: Path, *args: str):
    return T("verify", str(sheet), *args)


def refused(result, *problems: str) -> list[str]:
    """A sheet that does not hold: exit 1, each problem on a `problem:` line of
    standard output, one line on standard error; the problem lines."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    found = [line.removeprefix("problem: ") for line in lines if line.startswith("problem: ")]
    assert len(found) == len(problems), found
    for line, said in zip(found, problems, strict=True):
        assert said in line, (said, line)
    assert not any(line.startswith("ok:") for line in lines)
    assert result.stderr == (
        f"transition: error: the sheet does not hold: {len(problems)} problem(s); see above\n"
    )
    return found


# -- a sheet that holds -----------------------------------------------------------


def test_a_signed_sheet_holds_against_its_root(sheets):
    result = verify(sheets.signed, "--trust", str(sheets.root), "--db", str(sheets.db))
    lines = ok(result).splitlines()
    assert result.stderr == ""
    assert lines[0] == f"sheet: {sheets.signed}"
    assert lines[1].startswith(f"signed by: {SIGNER} on ")
    assert "signature: intact, covering the whole file" in lines
    assert "trust: the signer chains to a trusted root" in lines
    assert f"fingerprint: {sheets.fingerprint} for Jane Doe" in lines
    assert any(
        line.startswith(f"record: {sheets.fingerprint} holds for Jane Doe") for line in lines
    )
    assert lines[-1].startswith("ok:")


def test_the_sheets_check_as_json(sheets):
    """--json for a script that files the sheet: every key, each as the text says."""
    payload = json.loads(ok(verify(sheets.signed, "--json", "--trust", str(sheets.root),
                                   "--db", str(sheets.db))))  # fmt: skip
    assert set(payload) == {
        "ok", "sheet", "signed", "intact", "whole_file", "signer", "signed_at",
        "trusted", "fingerprint", "member", "record", "problems",
    }  # fmt: skip
    assert payload["ok"] is payload["signed"] is payload["intact"] is payload["whole_file"] is True
    assert payload["trusted"] is True
    assert payload["signer"] == SIGNER and payload["signed_at"].endswith("+00:00")
    assert (payload["fingerprint"], payload["member"]) == (sheets.fingerprint, "Jane Doe")
    assert payload["sheet"] == str(sheets.signed) and payload["problems"] == []
    assert "holds for Jane Doe" in payload["record"]
    # without --trust the chain is not asked about, and the sheet still holds
    untrusted = json.loads(ok(verify(sheets.signed, "--json", "--db", str(sheets.db))))
    assert untrusted["trusted"] is None and untrusted["ok"] is True


def test_poppler_finds_the_rendered_signature_valid(sheets):
    """A second reader, independent of the one `verify` uses; it does not
    know the test root, so it is asked only about the signature."""
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("poppler's pdfsig is not installed (apt-get install poppler-utils)")
    done = subprocess.run([pdfsig, str(sheets.signed)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid." in done.stdout, done.stdout + done.stderr
    assert "Total document signed" in done.stdout
    assert f"Signer full Distinguished Name: {SIGNER}" in done.stdout


def test_a_fingerprint_is_verified_as_before(sheets):
    """`verify FINGERPRINT` predates sheets: --member still narrows it, and
    --trust, which only a sheet's signer can meet, is a usage error."""
    db = ("--db", str(sheets.db))
    said = ok(T("verify", sheets.fingerprint, "--member", "jane", *db))
    assert said.startswith(f"{sheets.fingerprint} holds for Jane Doe")
    payload = json.loads(ok(T("verify", sheets.fingerprint, "--json", *db)))
    assert payload["ok"] is True and payload["fingerprint"] == sheets.fingerprint
    wrong = T("verify", sheets.fingerprint, "--trust", str(sheets.root), *db)
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "transition: error: --trust checks a signed sheet's signer: give SHEET.pdf\n"
    )
    named = verify(sheets.signed, "--member", "jane", *db)
    assert named.returncode == 2 and "give no --member with SHEET.pdf" in named.stderr
    assert named.stdout == ""


# -- a sheet that does not hold ------------------------------------------------------


def test_any_of_several_trusted_roots_will_do(sheets):
    roots = ("--trust", str(sheets.other_root), "--trust", str(sheets.root))
    assert (
        ok(verify(sheets.signed, *roots, "--db", str(sheets.db))).splitlines()[-1].startswith("ok:")
    )
    not_a_root = verify(sheets.signed, "--trust", str(sheets.signed), "--db", str(sheets.db))
    assert not_a_root.returncode == 1 and not_a_root.stdout == ""
    assert not_a_root.stderr == (
        "transition: error: a trusted root is not a PEM or DER certificate: "
        "give the CA's certificate\n"
    )


def test_a_signer_the_trusted_root_never_certified_fails(sheets):
    db = ("--db", str(sheets.db))
    result = verify(sheets.signed, "--trust", str(sheets.other_root), *db)
    refused(result, "does not lead to the trusted root Unrelated Test Root CA")
    assert "trust: the signer does not chain to a trusted root" in result.stdout
    payload = json.loads(verify(sheets.signed, "--json", "--trust", str(sheets.other_root), *db)
                         .stdout)  # fmt: skip
    assert payload["ok"] is False and payload["trusted"] is False
    assert payload["intact"] is True  # the signature itself holds; its signer is not trusted


def test_one_byte_changed_in_the_signed_file_fails(sheets, tmp_path):
    """The byte is in the binary comment on the file's second line, which
    readers skip and the signature's digest covers."""
    data = bytearray(sheets.signed.read_bytes())
    data[10] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = verify(changed, "--db", str(sheets.db))
    refused(result, "the signature does not match the file: it was changed after signing")
    assert "signature: does not hold" in result.stdout


def test_bytes_added_after_the_signature_fail(sheets, tmp_path):
    """Anything after the signed range is not what was signed, even a
    comment a reader never shows."""
    extended = tmp_path / "extended.pdf"
    extended.write_bytes(sheets.signed.read_bytes() + b"\n% added after signing\n")
    result = verify(extended, "--db", str(sheets.db))
    refused(result, "does not cover the whole file: bytes were added after it was signed")
    payload = json.loads(verify(extended, "--json", "--db", str(sheets.db)).stdout)
    assert payload["whole_file"] is False and payload["ok"] is False


def test_an_unsigned_sheet_fails(sheets):
    result = verify(sheets.unsigned, "--trust", str(sheets.root), "--db", str(sheets.db))
    refused(result, "carries no signature")
    # the record still holds what it printed: only the signature is missing
    assert f"fingerprint: {sheets.fingerprint} for Jane Doe" in result.stdout
    payload = json.loads(verify(sheets.unsigned, "--json", "--db", str(sheets.db)).stdout)
    assert payload["signed"] is False and payload["ok"] is False


def test_a_sheet_from_another_record_fails_against_this_one(sheets):
    """The same council, members and steps, typed into another database: its
    sheet is intact and signed by the same office, but of another record."""
    result = verify(sheets.elsewhere, "--trust", str(sheets.root), "--db", str(sheets.db))
    refused(result, "an earlier event differs from the one the fingerprint pinned")
    assert "signature: intact, covering the whole file" in result.stdout
    assert "trust: the signer chains to a trusted root" in result.stdout
    # and it does hold against its own record
    ok(verify(sheets.elsewhere, "--db", str(sheets.elsewhere.parent / "elsewhere" / "record.db")))


def test_a_pdf_that_is_no_sign_off_sheet_fails(sheets, tmp_path):
    from pypdf import PdfWriter

    blank = tmp_path / "blank.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with blank.open("wb") as out:
        writer.write(out)
    refused(verify(blank, "--db", str(sheets.db)), "carries no signature", "no record fingerprint")
    text = tmp_path / "notes.pdf"
    text.write_text("These are notes, not a PDF.\n")
    result = verify(text, "--db", str(sheets.db))
    assert result.returncode == 1 and result.stdout == ""
    assert (
        result.stderr == f"transition: error: {text} is not a PDF: it does not begin with %PDF-\n"
    )


# -- the record after signing -------------------------------------------------------


def test_a_record_cut_short_after_signing_fails(sheets, tmp_path):
    """The trail is append-only: whoever drops its delete trigger and removes
    the last events leaves a record that no longer holds the sheet's
    fingerprint, even when new events bring the count back."""
    db = copy_of(sheets.db, tmp_path / "cut.db")
    with sqlite3.connect(db) as connection:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event'"
            " AND name LIKE '%delete%'"
        ).fetchall()
        assert triggers, "the event table has a trigger refusing deletes"
        for name, _ in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
        for _, made in triggers:  # put back, or transition refuses the file as damaged
            connection.execute(made)
    connection.close()
    events = int(sheets.fingerprint.split("-")[0])
    result = verify(sheets.signed, "--db", str(db))
    refused(result, f"it holds {events - 1} events")
    # One new event brings the count back, on another chain.
    ok(T("note", "4", "--note", "filled in", "--db", str(db), *TODAY))
    refused(verify(sheets.signed, "--db", str(db)), "an earlier event differs")


def test_a_change_to_the_sheets_member_fails_and_one_to_another_member_does_not(sheets, tmp_path):
    """The sheet vouches for Jane Doe's record as printed: John Roe's steps
    moving on is the council's business, not a change to her sheet."""
    db = copy_of(sheets.db, tmp_path / "later.db")
    john = next(row["id"] for row in json.loads(ok(T("checklist", "john", "--json", "--db", str(db),
                                                     *TODAY)))["items"])  # fmt: skip
    ok(T("done", str(john), "--db", str(db), *TODAY))
    lines = ok(verify(sheets.signed, "--db", str(db))).splitlines()
    record = next(line for line in lines if line.startswith("record: "))
    assert "holds for Jane Doe" in record and "event(s) were added since" in record
    assert lines[-1].startswith("ok:")
    ok(T("done", "2", "--db", str(db), *TODAY))
    refused(verify(sheets.signed, "--db", str(db)), "change(s) to Jane Doe's record")


def test_a_file_attached_after_signing_is_a_change_to_the_sheet(sheets, tmp_path):
    """A file is evidence the sheet never listed: attaching one after
    signing means the sheet no longer shows the record."""
    db = copy_of(sheets.db, tmp_path / "attached.db")
    note = tmp_path / "note.txt"
    note.write_text("Followers told on 2030-05-19.\n")
    ok(T("note", "6", "--attach", str(note), "--db", str(db), *TODAY))
    refused(
        verify(sheets.signed, "--db", str(db)),
        "2 change(s) to Jane Doe's record, the first insert evidence_file 2",
    )


# -- signing ----------------------------------------------------------------------


@pytest.fixture
def record(sheets, monkeypatch, tmp_path) -> Path:
    """This test's copy of the record, as TRANSITION_DB."""
    db = copy_of(sheets.db, tmp_path / "transition.db")
    monkeypatch.setenv("TRANSITION_DB", str(db))
    return db


def test_sign_goes_with_a_sign_off_sheets_pdf_only(record, ca, tmp_path):
    for args in (
        ("render", "signoff", "jane", "-o", str(tmp_path / "s.html")),
        ("render", "signoff", "jane", "--format", "html", "-o", str(tmp_path / "s.pdf")),
        ("render", "checklist", "jane", "-o", str(tmp_path / "c.pdf")),
    ):
        result = T(*args, "--sign", str(ca.p12_path))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr == (
            "transition: error: --sign signs a sign-off sheet: render signoff to a PDF\n"
        )
    assert list(tmp_path.glob("[sc].*")) == []


@pytest.mark.parametrize(
    ("key", "password", "said"),
    [
        ("p12_path", "not-the-password", "the password does not open "),
        ("keyless_p12_path", "sign-pass-1", "holds no private key and certificate"),
        ("not-pkcs12", "sign-pass-1", "is not a PKCS#12 file"),
        ("missing", "sign-pass-1", "cannot read "),
    ],
)
def test_a_key_that_cannot_sign_is_one_line_and_no_sheet(record, ca, tmp_path, key, password, said):
    """The key is opened before anything is printed: a refusal leaves no
    unsigned sheet where a signed one was asked for, nor replaces an older one,
    and never shows the password."""
    if key == "not-pkcs12":
        path = tmp_path / "office.p12"
        path.write_text("-----BEGIN CERTIFICATE-----\n")
    elif key == "missing":
        path = tmp_path / "nowhere.p12"
    else:
        path = getattr(ca, key)
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"the sheet printed last week")
    env = {PASSWORD_VARIABLE: password}
    result = T("render", "signoff", "jane", "-o", str(out), "--sign", str(path), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("transition: error: ") and said in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert password not in result.stderr
    assert out.read_bytes() == b"the sheet printed last week"


def test_no_password_and_no_terminal_is_refused_by_the_console_script(record, ca, tmp_path):
    """Run by a script, standard input no terminal: nothing waits for a prompt."""
    out = tmp_path / "sheet.pdf"
    done = subprocess.run(
        [str(SCRIPT), "render", "signoff", "jane", "-o", str(out), "--sign", str(ca.p12_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "the password does not open" in done.stderr and not out.exists()


def test_the_password_is_asked_for_at_a_terminal_and_not_echoed(record, sheets, ca, tmp_path):
    """At a terminal, with no TRANSITION_SIGN_PASSWORD, the password is
    typed at a prompt that does not show it, and the sheet is signed."""
    out = tmp_path / "typed.pdf"
    args = ["render", "signoff", "jane", "-o", str(out), "--sign", str(ca.p12_path), *TODAY]
    seen, status = at_a_terminal(args, b"Password for office.p12", ca.password)
    assert status == 0, seen
    assert ca.password not in seen  # not echoed
    assert json.loads(ok(verify(out, "--json", "--trust", str(sheets.root))))["ok"] is True


def at_a_terminal(args: list[str], prompt: bytes, answer: bytes) -> tuple[bytes, int | None]:
    """The console script run on a terminal of its own: what it showed, and
    its exit status (None if it had to be killed). `answer` is typed once
    `prompt` is shown and the terminal has stopped echoing (typed any sooner,
    the prompt's own flush of the terminal would drop it)."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the console script, on the terminal
        try:
            os.execv(str(SCRIPT), [str(SCRIPT), *args])
        finally:
            os._exit(127)
    seen, typed = b"", False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not typed and prompt in seen and not termios.tcgetattr(terminal)[3] & termios.ECHO:
                os.write(terminal, answer + b"\n")
                typed = True
            if not select.select([terminal], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the child has gone: the terminal is closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(terminal)
    return seen, None if time.monotonic() >= deadline else os.waitstatus_to_exitcode(status)
