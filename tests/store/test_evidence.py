"""Evidence kept in the record, and sign-offs of it, on both databases: a file
attached to a step is its bytes under the hash chain, found changed by
`check`, carried through export and restore; a sign-off pins the record's
fingerprint and counts what changed since. The commands: tests/cli/
test_evidence_commands.py; the signed sheet: tests/cli/test_signed_sheets.py."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date

import pytest
from harness.council import JANE, Account, Council, Seat
from harness.records import check, export_text, export_to, log, restore

from transition.core.terms import Signer
from transition.errors import TransitionError
from transition.store.attachments import SHOWN_DIGITS, content, evidence_rows, files_of
from transition.store.attesting import attest, attestation_text, attestations
from transition.store.errors import NotFound, Refused
from transition.store.evidence import Upload, media_type_of, read_upload
from transition.store.listings import member_detail, status_rows

pytestmark = pytest.mark.usefixtures("store")

TODAY = date(2030, 5, 20)
#: The smallest PNG a reader accepts the start of: signature and header chunk.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def upload(content: bytes, name: str = "shot.png", captured: date = TODAY) -> Upload:
    kind = media_type_of(content)
    assert kind is not None, "the tests' files are of kinds the record takes"
    return Upload(name, kind, hashlib.sha256(content).hexdigest(), captured, content)


@pytest.fixture
def council(store, copies) -> Council:
    council = Council(os.environ["TRANSITION_DB"], today=TODAY)
    john = Seat("John Roe", ward="3", running="yes", option="single", accounts=(Account(),))
    copies.once("Jane and John", lambda: council.add(JANE, john))
    return council


def attach_done(council: Council, items: list[int], *files: Upload) -> list[str]:
    return council.write(lambda t: t.mark.done(items, note=None, evidence=None, files=files))


def kept(council: Council) -> list[dict]:
    return council.read(lambda t: evidence_rows(t))


# -- keeping files -----------------------------------------------------------------


def test_a_file_attached_is_kept_whole_and_comes_back_byte_for_byte(council):
    screenshot = upload(PNG, "profile.png", captured=date(2030, 5, 18))
    said = attach_done(council, [1], screenshot)
    assert any("attached profile.png (image/png" in line for line in said)
    (row,) = kept(council)
    assert row["item"] == 1 and row["member"] == "Jane Doe"
    assert (row["file"], row["media_type"], row["size"]) == ("profile.png", "image/png", len(PNG))
    assert row["sha256"] == hashlib.sha256(PNG).hexdigest()
    # the day it shows, apart from the day it was recorded
    assert row["captured_on"] == "2030-05-18" and row["attached_by"] == "tester"
    found, data = council.read(lambda t: content(t, row["sha256"][:8]))
    assert data == PNG and found["id"] == row["id"]


def test_the_trail_carries_each_files_hash(council):
    attach_done(council, [1], upload(PNG))
    (event,) = [e for e in log(council.db) if e["action"] == "item.attached"]
    assert event["after"]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert event["after"]["captured_on"] == TODAY.isoformat()
    assert (event["member"], event["subject"]) == ("Jane Doe", "item 1")


def test_the_same_file_is_stored_once_for_a_member(council, direct):
    same = upload(PNG)
    attach_done(council, [1, 2], same, same)
    again = council.write(lambda t: t.mark.annotate([1], None, None, files=[same]))
    assert again == [f"item 1 already has shot.png ({same.sha256[:SHOWN_DIGITS]}); nothing changed"]
    assert [row["item"] for row in kept(council)] == [1, 2]
    assert len({row["id"] for row in kept(council)}) == 2  # two attachments, one file
    files, checked, _ = check(council.db)
    assert files == [] and checked["files"] == 1


def test_a_file_for_two_members_is_each_ones_own(council):
    """Each office's evidence is its own: the same screenshot attached for two
    members is two stored files, so neither's access reaches the other's."""
    jane, john = council.items("Jane Doe")[0], council.items("John Roe")[0]
    attach_done(council, [jane, john], upload(PNG))
    assert check(council.db)[1]["files"] == 2


def test_a_files_kind_comes_from_its_bytes_not_its_name(tmp_path):
    cases = {
        "a.png": (PNG, "image/png"),
        "b.jpg": (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        "c.webp": (b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8, "image/webp"),
        "d.gif": (b"GIF89a" + b"\0" * 10, "image/gif"),
        "e.pdf": (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "application/pdf"),
        "f.txt": ("Filed on the 6th, Zoë.\n".encode(), "text/plain"),
        "g.eml": (
            b"From: clerk@toronto.ca\r\nSubject: Nomination\r\nDate: Mon, 6 May 2030\r\n\r\nok\r\n",
            "message/rfc822",
        ),
        "renamed.txt": (PNG, "image/png"),
    }
    for name, (data, kind) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert read_upload(path, TODAY, TODAY).media_type == kind, name


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04" + b"\0" * 30, "not a kind of file the record keeps"),
        (b"\x7fELF\x02\x01\x01" + b"\0" * 30, "not a kind of file the record keeps"),
        (b"", "is empty"),
    ],
)
def test_other_kinds_of_file_are_refused_in_one_line(tmp_path, data, said):
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    with pytest.raises(TransitionError, match=said) as refused:
        read_upload(path, TODAY, TODAY)
    assert "\n" not in str(refused.value)


def test_a_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    monkeypatch.setenv("TRANSITION_MAX_EVIDENCE", "1KB")
    with pytest.raises(TransitionError, match=r"big.txt is 2.0 KB, over the 1.0 KB a file may be"):
        read_upload(path, TODAY, TODAY)
    path.write_text("x" * 1001)  # rounded alike, the sizes are told in bytes
    with pytest.raises(TransitionError, match="is 1,001 bytes, over the 1,000 bytes a file"):
        read_upload(path, TODAY, TODAY)
    path.write_text("x" * 2000)
    monkeypatch.setenv("TRANSITION_MAX_EVIDENCE", "2000")
    assert read_upload(path, TODAY, TODAY).size == 2000
    monkeypatch.setenv("TRANSITION_MAX_EVIDENCE", "lots")
    with pytest.raises(TransitionError, match="TRANSITION_MAX_EVIDENCE is 'lots'"):
        read_upload(path, TODAY, TODAY)


def test_a_file_cannot_be_captured_after_today(tmp_path):
    path = tmp_path / "shot.png"
    path.write_bytes(PNG)
    with pytest.raises(TransitionError, match="cannot have been captured on 2030-05-21"):
        read_upload(path, date(2030, 5, 21), TODAY)


def test_an_attach_that_fails_leaves_nothing_behind(council):
    before = export_text(council.db)

    def interrupted(tracker):
        tracker.mark.done([1], note=None, evidence=None, files=[upload(PNG)])
        raise KeyboardInterrupt  # the staffer's Ctrl-C, after the file was written

    with pytest.raises(KeyboardInterrupt):
        council.write(interrupted)
    with pytest.raises(NotFound):  # one unknown step refuses the whole command
        council.write(
            lambda t: t.mark.done([1, 999], note=None, evidence=None, files=[upload(PNG)])
        )
    assert export_text(council.db) == before
    assert kept(council) == []


# -- check ---------------------------------------------------------------------------


def bytes_literal(store: str, data: bytes) -> str:
    return f"X'{data.hex()}'" if store == "sqlite" else f"'\\x{data.hex()}'::bytea"


def test_a_file_changed_in_the_database_is_named_by_check(council, direct, store):
    attach_done(council, [1], upload(PNG))
    assert check(council.db)[0] == []
    changed = bytes_literal(store, PNG + b"\0")
    direct(f"UPDATE evidence_file SET content = {changed}", "evidence_file", set_aside=True)
    problems = check(council.db)[0]
    assert any(
        "evidence file 1" in problem and "the file was changed in the database" in problem
        for problem in problems
    ), problems
    # nor is the changed copy handed out as the evidence it replaced
    with pytest.raises(Refused, match="bytes no longer give its SHA-256"):
        council.read(lambda t: content(t, hashlib.sha256(PNG).hexdigest()))


@pytest.mark.sqlite_only
def test_text_written_over_a_file_is_named_by_check(council, direct):
    """SQLite lets any writer put text where the bytes were (`content || 'x'`
    is text): check still reads it as bytes and finds it changed."""
    attach_done(council, [1], upload(PNG))
    direct("UPDATE evidence_file SET content = content || 'x'", "evidence_file", set_aside=True)
    assert any("the file was changed in the database" in p for p in check(council.db)[0])


def test_a_hash_rewritten_with_its_bytes_is_named_by_check(council, direct, store):
    """Whoever rewrites a file and its stored hash together still differs
    from the hash the trail's chained event carries."""
    attach_done(council, [1], upload(PNG))
    other = b"Not what was attached.\n"
    direct(
        f"UPDATE evidence_file SET content = {bytes_literal(store, other)}, "
        f"sha256 = '{hashlib.sha256(other).hexdigest()}'",
        "evidence_file",
        set_aside=True,
    )
    problems = check(council.db)[0]
    assert any("but the trail recorded" in problem for problem in problems), problems


def test_an_attachment_deleted_behind_the_tools_back_is_named_by_check(council, direct):
    attach_done(council, [1], upload(PNG))
    direct("DELETE FROM attachment", "attachment", set_aside=True)
    problems = check(council.db)[0]
    assert any("is gone from the record" in problem for problem in problems), problems


# -- export and restore --------------------------------------------------------------


def test_files_travel_in_exports_and_restores(council, tmp_path):
    text = b"Campaign account opened on 2030-05-06.\n"
    attach_done(council, [1], upload(PNG), upload(text, "note.txt"))
    exported = json.loads(export_text(council.db))
    assert {row["sha256"] for row in exported["evidence"]} == {
        hashlib.sha256(PNG).hexdigest(),
        hashlib.sha256(text).hexdigest(),
    }
    assert [row["name"] for row in exported["attachments"]] == ["shot.png", "note.txt"]
    csv_text = export_text(council.db, "csv")
    assert f"shot.png (sha256 {hashlib.sha256(PNG).hexdigest()})" in csv_text
    again = str(tmp_path / "again.db")
    restore(again, export_to(council.db, tmp_path / "record.json"))
    assert export_text(again) == export_text(council.db)
    back = Council(again, today=TODAY)
    assert back.read(lambda t: content(t, hashlib.sha256(text).hexdigest()))[1] == text
    assert check(again)[0] == []


def test_a_restore_refuses_a_file_whose_bytes_are_not_its_hash(council, tmp_path):
    attach_done(council, [1], upload(PNG))
    path = export_to(council.db, tmp_path / "record.json")
    data = json.loads(path.read_text())
    data["evidence"][0]["content"] = "bm90IHRoZSBmaWxl"  # base64 of other bytes
    path.write_text(json.dumps(data))
    with pytest.raises(TransitionError, match="evidence"):
        restore(str(tmp_path / "crafted.db"), path)
    assert not (tmp_path / "crafted.db").exists() or check(tmp_path / "crafted.db")[1] == {}


# -- the documents' view ------------------------------------------------------------


def test_a_steps_files_are_listed_for_the_sheet(council):
    attach_done(council, [1, 2], upload(PNG))
    found = council.read(lambda t: files_of(t, [2]))
    assert list(found) == [2] and found[2][0]["file"] == "shot.png"


# -- sign-offs -----------------------------------------------------------------------


def signed_off(council: Council, signer: Signer, member: str = "Jane Doe", **kw) -> dict:
    return council.write(lambda t: attest(t, t.find.member(member), signer, kw.get("note")))


def test_a_sign_off_pins_the_record_and_counts_the_changes_since(council):
    signed = signed_off(council, Signer.MEMBER, note="All five steps done.")
    assert signed["signed_as"] == "member" and signed["note"] == "All five steps done."
    assert signed["changes_since"] == 0 and signed["on"] == TODAY.isoformat()
    event = next(e for e in log(council.db) if e["action"] == "member.attested")
    assert event["after"]["fingerprint"] == signed["fingerprint"]
    attach_done(council, [1], upload(PNG))  # a step done and a file added
    (now,) = council.read(lambda t: attestations(t))[1]
    assert now["changes_since"] >= 2
    assert attestation_text(now).startswith(f"signed off by the member on {TODAY}; ")
    assert attestation_text(now).endswith("changes since")


def test_a_change_to_another_member_is_no_change_to_this_ones_sign_off(council):
    signed_off(council, Signer.CLERK)
    john = council.items("John Roe")[0]
    council.mark(done=[john])
    (jane,) = council.read(lambda t: attestations(t))[1]
    assert jane["changes_since"] == 0 and attestation_text(jane).endswith("unchanged since")


def test_sign_offs_show_in_member_show_and_status(council):
    signed_off(council, Signer.OFFICE)
    signed_off(council, Signer.CLERK)
    detail = council.read(lambda t: member_detail(t, t.find.member("jane"), t.find.election()))
    assert [row["signed_as"] for row in detail["signoffs"]] == ["office", "clerk"]
    rows = council.read(lambda t: status_rows(t, t.find.election(), False, None))
    jane = next(row for row in rows if row["member"] == "Jane Doe")
    assert [row["signed_as"] for row in jane["signoffs"]] == ["office", "clerk"]
    john = next(row for row in rows if row["member"] == "John Roe")
    assert john["signoffs"] == []


def test_a_later_sign_off_by_the_same_signer_replaces_the_earlier_in_the_view(council):
    signed_off(council, Signer.MEMBER)
    council.mark(done=[1])
    signed_off(council, Signer.MEMBER)
    (latest,) = council.read(lambda t: attestations(t))[1]
    assert latest["changes_since"] == 0
    assert len(council.read(lambda t: attestations(t, latest_only=False))[1]) == 2
