"""Evidence files and sign-offs at the command line: `done/note --attach`,
`evidence list|get`, `check`, export and restore, and `attest` with what
`member show` and `status` say of it; on PostgreSQL, as each role. A refused
command is one line and leaves the record as it was. What the store keeps,
and how: tests/store/test_evidence.py; who may, enforced by the server:
tests/store/test_evidence_roles.py."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import (
    SCRIPT,
    WARD3,
    WARD7,
    as_json,
    invoke_transition,
    ok,
    postgres_database,
)
from harness.records import copy_of, isolated, role_url, shared_council, two_offices

T = invoke_transition
TODAY = ("--today", "2030-05-20")

#: The smallest PNG a reader accepts the start of: signature and header chunk.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
TEXT = "Campaign account opened on 2030-05-06, Zoë.\n".encode()
EMAIL = (
    b"From: clerk@toronto.ca\r\nTo: w7@toronto.ca\r\nSubject: Nomination filed\r\n"
    b"Date: Mon, 6 May 2030 10:00:00 -0400\r\n\r\nYour nomination was filed today.\r\n"
)
#: Each kind the record keeps, under a name that need not say so.
KEPT = {
    "profile.png": (PNG, "image/png"),
    "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\0" * 20, "image/jpeg"),
    "banner.webp": (b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8, "image/webp"),
    "badge.gif": (b"GIF89a" + b"\0" * 10, "image/gif"),
    "letter.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
    "note.txt": (TEXT, "text/plain"),
    "filed.eml": (EMAIL, "message/rfc822"),
    "renamed.txt": (PNG + b"\0", "image/png"),  # a picture, whatever its name says
}
#: Two texts whose SHA-256s share their first six hex digits (3fef83).
SAME_START = (b"Screenshot note 2885.\n", b"Screenshot note 3910.\n")
ROW_KEYS = {
    "id", "item", "member", "step", "file", "media_type", "size", "sha256",
    "captured_on", "attached_at", "attached_by",
}  # fmt: skip


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def seated(tmp_path_factory) -> Path:
    """The council in a SQLite file, seated once a module: each test gets a copy."""
    folder = tmp_path_factory.mktemp("seated")
    with isolated(folder):
        two_offices("--db", str(folder / "council.db"))
    return folder / "council.db"


@pytest.fixture
def council(seated, db_path):
    """The council, in this test's own SQLite file."""
    return copy_of(seated, db_path)


@pytest.fixture
def either(store, seated):
    """The council on a SQLite file, and again on a PostgreSQL database."""
    if store == "sqlite":
        copy_of(seated, Path(os.environ["TRANSITION_DB"]))
    else:
        two_offices()
    return store


@pytest.fixture
def files(tmp_path):
    """Each file of KEPT, written out; by name."""
    folder = tmp_path / "files"
    folder.mkdir()
    for name, (data, _) in KEPT.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in KEPT}


def listed(*args: str) -> list[dict]:
    return as_json(T("evidence", "list", *args, "--json"))


def record() -> str:
    """The whole record, as `transition export` writes it: what a refused
    command must leave as it was."""
    return ok(T("export"))


def one_line_refusal(result, status: int = 1) -> str:
    assert result.returncode == status, result.stdout + result.stderr
    assert result.stderr.startswith("transition: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


# -- attaching ------------------------------------------------------------------


def test_done_with_files_keeps_each_with_its_hash_and_captured_day(council, files):
    png, text = files["profile.png"], files["note.txt"]
    said = ok(T("done", "1", "--attach", str(png), "--attach", str(text),
                "--captured", "2030-05-18", *TODAY))  # fmt: skip
    assert said.splitlines() == [
        "item 1 done: Stop publications that show the account's handle (X @CllrDoe)",
        f"item 1: attached profile.png (image/png, 33 bytes, sha256 {sha256(PNG)[:12]})",
        f"item 1: attached note.txt (text/plain, {len(TEXT)} bytes, sha256 {sha256(TEXT)[:12]})",
    ]
    rows = listed()
    assert all(set(row) == ROW_KEYS for row in rows)
    assert [(row["item"], row["member"], row["step"]) for row in rows] == [
        (1, "Jane Doe", "stop-handle-publications")
    ] * 2
    assert [(row["file"], row["media_type"], row["size"], row["sha256"]) for row in rows] == [
        ("profile.png", "image/png", len(PNG), sha256(PNG)),
        ("note.txt", "text/plain", len(TEXT), sha256(TEXT)),
    ]
    # the day the files show, apart from when and by whom they were recorded
    assert {row["captured_on"] for row in rows} == {"2030-05-18"}
    assert {row["attached_by"] for row in rows} == {"tester"}
    assert all(row["attached_at"] for row in rows)
    (event, _) = [e for e in as_json(T("log", "--json")) if e["action"] == "item.attached"]
    assert event["after"]["sha256"] == sha256(TEXT)  # the trail carries each file's hash


def test_note_attaches_to_a_step_whatever_its_status_and_captured_defaults_to_today(council, files):
    ok(T("waive", "3", "--reason", "no City logo on this account", *TODAY))
    said = ok(T("note", "3", "--attach", str(files["filed.eml"]), *TODAY))
    assert said.strip() == (
        f"item 3: attached filed.eml (message/rfc822, {len(EMAIL)} bytes, "
        f"sha256 {sha256(EMAIL)[:12]})"
    )
    (row,) = listed("3")
    assert row["captured_on"] == "2030-05-20"


def test_a_files_kind_comes_from_its_bytes_not_its_name(council, files):
    attach = [arg for path in files.values() for arg in ("--attach", str(path))]
    ok(T("note", "2", *attach, *TODAY))
    kinds = {row["file"]: row["media_type"] for row in listed("2")}
    assert kinds == {name: kind for name, (_, kind) in KEPT.items()}


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("archive.zip", b"PK\x03\x04" + b"\0" * 30, "archive.zip is not a kind of file the record"),
        ("shot.png", b"\x7fELF\x02\x01\x01" + b"\0" * 30, "shot.png is not a kind of file the"),
        ("latin1.txt", "Zoë\n".encode("latin-1"), "latin1.txt is not a kind of file the record"),
        ("empty.png", b"", "empty.png is empty; attach the file that shows the step done"),
        ("missing.png", None, "is not a file; give the evidence file to attach"),
    ],
)
def test_a_file_the_record_does_not_keep_is_refused_and_nothing_changes(
    council, files, tmp_path, name, data, said
):
    """One refused file refuses the whole command: the step is not marked
    done, and the good file given with it is not kept either."""
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    before = record()
    result = T("done", "1", "--attach", str(files["profile.png"]), "--attach", str(path), *TODAY)
    assert said in one_line_refusal(result)
    assert result.stdout == ""
    assert record() == before


def test_captured_needs_attach_and_cannot_be_after_today(council, files):
    before = record()
    alone = T("note", "2", "--note", "screenshot taken", "--captured", "2030-05-18", *TODAY)
    assert "--captured dates the files given with --attach" in one_line_refusal(alone, 2)
    later = T("done", "2", "--attach", str(files["note.txt"]), "--captured", "2030-05-21", *TODAY)
    assert one_line_refusal(later, 2) == (
        "transition: error: note.txt cannot have been captured on 2030-05-21, after today "
        "(2030-05-20); give the day it was captured, today or before\n"
    )
    no_day = T("done", "2", "--attach", str(files["note.txt"]), "--captured", "2030-02-30")
    assert "'2030-02-30' is not a date" in one_line_refusal(no_day, 2)
    assert record() == before
    # the day itself is fine
    ok(T("done", "2", "--attach", str(files["note.txt"]), "--captured", "2030-05-20", *TODAY))


def test_the_same_file_is_kept_once(council, files):
    """A screenshot that proves two steps is one file with two attachments;
    attached again to the same step, nothing changes."""
    png = str(files["profile.png"])
    ok(T("done", "1", "2", "--attach", png, "--attach", png, *TODAY))
    assert [(row["item"], row["file"]) for row in listed()] == [
        (1, "profile.png"),
        (2, "profile.png"),
    ]
    before = record()
    again = ok(T("note", "1", "--attach", png, *TODAY))
    assert again.strip() == f"item 1 already has profile.png ({sha256(PNG)[:12]}); nothing changed"
    assert record() == before
    assert ", 1 files," in ok(T("check"))
    exported = json.loads(before)
    assert len(exported["evidence"]) == 1 and len(exported["attachments"]) == 2


#: TRANSITION_MAX_EVIDENCE, a file's size, and what the refusal says (None: kept).
LIMITS = [
    (
        "1KB",
        1001,
        "big.txt is 1,001 bytes, over the 1,000 bytes a file may be (TRANSITION_MAX_EVIDENCE",
    ),
    ("1KB", 1000, None),
    ("2000", 2001, "big.txt is 2,001 bytes, over the 2,000 bytes a file may be"),
    ("2MB", 2_000_000, None),
    ("1KiB", 1025, "is 1,025 bytes, over the 1,024 bytes a file may be"),
    ("1KB", 3000, "big.txt is 3.0 KB, over the 1.0 KB a file may be"),
    ("", 25_000_001, "big.txt is 25,000,001 bytes, over the 25,000,000 bytes a file may be"),
]


@pytest.mark.parametrize(("limit", "size", "said"), LIMITS)
def test_a_file_over_the_limit_is_refused_and_nothing_changes(council, tmp_path, limit, size, said):
    """25 MB unless TRANSITION_MAX_EVIDENCE says otherwise (a size is told
    before the file is read, so a huge file costs nothing to refuse)."""
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        if said and size > 1_000_000:
            out.truncate(size)  # sparse: only its size is looked at
        else:
            out.write(b"x" * size)
    env = {"TRANSITION_MAX_EVIDENCE": limit} if limit else None
    before = record()
    result = T("done", "1", "--attach", str(path), *TODAY, env=env)
    if said is None:
        assert "item 1: attached big.txt (text/plain" in ok(result)
        return
    assert said in one_line_refusal(result)
    assert record() == before


def test_a_limit_that_is_no_size_is_a_usage_error(council, files):
    result = T("done", "1", "--attach", str(files["note.txt"]), *TODAY,
               env={"TRANSITION_MAX_EVIDENCE": "lots"})  # fmt: skip
    assert "TRANSITION_MAX_EVIDENCE is 'lots'; give a size in bytes" in one_line_refusal(result, 2)


# -- listing and reading back ---------------------------------------------------------


@pytest.fixture
def attached(council, files):
    """Jane's step 1 with a PNG and a text, step 2 with the e-mail; John's
    first step (7) with the same PNG, his own copy."""
    ok(T("done", "1", "--attach", str(files["profile.png"]), "--attach", str(files["note.txt"]),
         *TODAY))  # fmt: skip
    ok(T("note", "2", "--attach", str(files["filed.eml"]), *TODAY))
    ok(T("done", "7", "--attach", str(files["profile.png"]), *TODAY))
    return files


def test_evidence_list_of_a_member_or_a_step(attached):
    assert [row["item"] for row in listed()] == [1, 1, 2, 7]
    assert [row["file"] for row in listed("jane")] == ["profile.png", "note.txt", "filed.eml"]
    assert [row["member"] for row in listed("John Roe")] == ["John Roe"]
    assert [row["file"] for row in listed("2")] == ["filed.eml"]
    shown = ok(T("evidence", "list", "jane")).splitlines()
    assert shown[0] == "Evidence files"
    assert shown[1].split() == ["item", "member", "step", "file", "kind", "size", "captured",
                                "sha256"]  # fmt: skip
    first = ["1", "Jane", "Doe", "stop-handle-publications", "profile.png", "image/png", "33"]
    assert shown[2].split() == [*first, "bytes", "2030-05-20", sha256(PNG)[:16]]
    assert len(shown) == 5


def test_evidence_list_says_when_there_is_none_and_refuses_what_is_not_there(attached):
    assert ok(T("evidence", "list", "12")) == "No evidence files.\n"
    assert listed("12") == []
    assert "there is no checklist item 999" in one_line_refusal(T("evidence", "list", "999"))
    assert "there is no member 'Nobody'" in one_line_refusal(T("evidence", "list", "Nobody"))


def test_evidence_get_writes_each_file_back_byte_for_byte(attached, tmp_path):
    for data in (PNG, TEXT, EMAIL):
        out = tmp_path / "back"
        result = T("evidence", "get", sha256(data)[:6], "-o", str(out))
        ok(result)
        assert out.read_bytes() == data
        assert result.stderr.startswith(f"wrote {out} (") and sha256(data) in result.stderr
    # the prefix in capitals, as someone might copy it from a printed sheet
    ok(T("evidence", "get", sha256(EMAIL)[:10].upper(), "-o", str(tmp_path / "upper")))
    assert (tmp_path / "upper").read_bytes() == EMAIL


def test_evidence_get_to_standard_output_is_the_bytes_alone(attached):
    """`-o -` for a pipe: the PNG's bytes and nothing else on standard output."""
    done = subprocess.run(
        [str(SCRIPT), "evidence", "get", sha256(PNG)[:8], "-o", "-"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == PNG


@pytest.mark.parametrize("prefix", ["4ffd8", "zzzzzzzz", "4ffd8b-b3", "", "      "])
def test_a_prefix_that_is_no_hash_start_is_refused(attached, tmp_path, prefix):
    result = T("evidence", "get", prefix, "-o", str(tmp_path / "out"))
    assert "is not the start of a file's SHA-256; give at least 6 of its hex digits" in (
        one_line_refusal(result)
    )
    assert not (tmp_path / "out").exists()


def test_an_unknown_prefix_is_one_line_and_writes_nothing(attached, tmp_path):
    result = T("evidence", "get", "000000", "-o", str(tmp_path / "out"))
    assert "there is no evidence file '000000'" in one_line_refusal(result)
    assert not (tmp_path / "out").exists()


def test_an_unknown_prefix_says_where_the_hashes_are_listed(attached, tmp_path):
    result = T("evidence", "get", "000000", "-o", str(tmp_path / "out"))
    assert result.stderr == (
        "transition: error: there is no evidence file '000000'; "
        "`transition evidence list` shows the files and their SHA-256\n"
    )


def test_a_prefix_two_files_share_asks_for_more_digits(council, tmp_path):
    first, second = SAME_START
    assert sha256(first)[:6] == sha256(second)[:6] != sha256(first)[:7]
    for n, data in enumerate(SAME_START, start=1):
        (tmp_path / f"{n}.txt").write_bytes(data)
        ok(T("note", str(n), "--attach", str(tmp_path / f"{n}.txt"), *TODAY))
    result = T("evidence", "get", sha256(first)[:6], "-o", str(tmp_path / "out"))
    assert "2 files have a SHA-256 starting 3fef83" in one_line_refusal(result)
    assert "give more of its digits" in result.stderr
    ok(T("evidence", "get", sha256(second)[:7], "-o", str(tmp_path / "out")))
    assert (tmp_path / "out").read_bytes() == second


# -- check ---------------------------------------------------------------------------


def bytes_literal(store: str, data: bytes) -> str:
    return f"X'{data.hex()}'" if store == "sqlite" else f"'\\x{data.hex()}'::bytea"


def test_check_names_a_file_whose_bytes_were_changed_in_the_database(either, files, direct):
    ok(T("done", "1", "--attach", str(files["profile.png"]), *TODAY))
    assert ok(T("check")).startswith("ok: checked")
    zero = b"\x00"
    changed = bytes_literal(either, zero)
    direct(f"UPDATE evidence_file SET content = {changed}", "evidence_file", set_aside=True)
    result = T("check")
    assert result.returncode == 1
    assert (
        f"evidence file 1 ({sha256(PNG)[:12]}): its bytes now hash to {sha256(zero)[:12]}; "
        "the file was changed in the database"
    ) in result.stdout.splitlines()
    assert result.stderr.startswith("transition: error: check found 1 problem(s)")
    payload = json.loads(T("check", "--json").stdout)
    assert payload["ok"] is False and any("evidence file 1" in p for p in payload["problems"])


def test_check_names_an_attachment_deleted_in_the_database(either, files, direct):
    ok(T("done", "1", "--attach", str(files["profile.png"]), "--attach", str(files["note.txt"]),
         *TODAY))  # fmt: skip
    direct("DELETE FROM attachment WHERE id = 2", "attachment", set_aside=True)
    result = T("check")
    assert result.returncode == 1
    assert (
        f"attachment 2 ({sha256(TEXT)[:12]}), which the trail recorded, is gone from the "
        "record: its evidence was deleted"
    ) in result.stdout.splitlines()
    assert "check found" in result.stderr


# -- export and restore ----------------------------------------------------------------


def test_the_json_export_carries_the_files_and_restores_byte_for_byte(attached, tmp_path):
    exported = tmp_path / "record.json"
    ok(T("export", "-o", str(exported)))
    data = json.loads(exported.read_text())
    kept = [(row["sha256"], base64.b64decode(row["content"])) for row in data["evidence"]]
    # John's PNG is his own copy: four attachments, four files
    assert sorted(content for _, content in kept) == sorted([PNG, PNG, TEXT, EMAIL])
    assert all(sha256(content) == digest for digest, content in kept)
    assert [row["name"] for row in data["attachments"]] == [
        "profile.png", "note.txt", "filed.eml", "profile.png",
    ]  # fmt: skip
    again = tmp_path / "again.db"
    ok(T("restore", str(exported), "--db", str(again)))
    ok(T("export", "-o", str(tmp_path / "again.json"), "--db", str(again)))
    assert (tmp_path / "again.json").read_bytes() == exported.read_bytes()
    assert ok(T("check", "--db", str(again))).startswith("ok: checked")
    out = tmp_path / "back.eml"
    ok(T("evidence", "get", sha256(EMAIL)[:8], "-o", str(out), "--db", str(again)))
    assert out.read_bytes() == EMAIL


def test_the_csv_export_names_each_steps_files_and_hashes(attached):
    rows = list(csv.DictReader(io.StringIO(ok(T("export", "--format", "csv")))))
    files = {row["item"]: row["files"] for row in rows if row["item"]}
    assert files["1"] == (f"profile.png (sha256 {sha256(PNG)}); note.txt (sha256 {sha256(TEXT)})")
    assert files["2"] == f"filed.eml (sha256 {sha256(EMAIL)})"
    assert files["3"] == ""


# -- sign-offs ----------------------------------------------------------------------


def signoffs_shown(member: str = "jane") -> list[str]:
    lines = ok(T("member", "show", member, *TODAY)).splitlines()
    return [line.strip() for line in lines if line.strip().startswith("signed off by")]


def status_cell(member: str) -> str:
    """What the status table's "Signed off" column says for `member`."""
    lines = ok(T("status", *TODAY)).splitlines()
    header = lines[1]
    start = header.index("Signed off")
    row = next(line for line in lines if line.startswith(member))
    return row[start:].strip()


def test_a_sign_off_pins_the_record_and_says_what_changed_since(council, files):
    fingerprint = ok(T("fingerprint")).strip()
    said = ok(T("attest", "jane", "--as", "member", "--note", "All six steps done.",
                "--by", "Jane Doe", *TODAY))  # fmt: skip
    assert said.strip().endswith(f"as the member on 2030-05-20: fingerprint {fingerprint}")
    assert signoffs_shown() == [
        f"signed off by the member on 2030-05-20; unchanged since (fingerprint {fingerprint})"
    ]
    assert status_cell("Jane Doe") == "member 2030-05-20"
    (shown,) = as_json(T("member", "show", "jane", "--json", *TODAY))["signoffs"]
    assert (shown["signed_as"], shown["on"], shown["note"]) == (
        "member", "2030-05-20", "All six steps done."
    )  # fmt: skip
    assert (shown["fingerprint"], shown["changes_since"], shown["actor"]) == (
        fingerprint, 0, "Jane Doe"
    )  # fmt: skip
    # the sign-off's fingerprint verifies for her as long as nothing of hers changes
    assert "holds for Jane Doe" in ok(T("verify", fingerprint, "--member", "jane"))

    ok(T("done", "2", *TODAY))
    assert signoffs_shown()[0].startswith("signed off by the member on 2030-05-20; 1 change since")
    assert status_cell("Jane Doe") == "member 2030-05-20, 1 change since"
    assert T("verify", fingerprint, "--member", "jane").returncode == 1

    ok(T("note", "3", "--attach", str(files["profile.png"]), *TODAY))  # a file and its attachment
    assert "; 3 changes since" in signoffs_shown()[0]
    rows = as_json(T("status", "--json", *TODAY))
    jane = next(row for row in rows if row["member"] == "Jane Doe")
    assert [(s["signed_as"], s["changes_since"]) for s in jane["signoffs"]] == [("member", 3)]


def test_a_change_to_another_member_leaves_a_sign_off_unchanged(council, files):
    ok(T("attest", "jane", "--as", "office", *TODAY))
    ok(T("done", "7", "--attach", str(files["profile.png"]), *TODAY))
    assert signoffs_shown()[0].startswith("signed off by the office on 2030-05-20; unchanged since")
    assert status_cell("Jane Doe") == "office 2030-05-20"
    assert status_cell("John Roe") == ""
    john = next(row for row in as_json(T("status", "--json")) if row["member"] == "John Roe")
    assert john["signoffs"] == []


def test_each_signers_latest_sign_off_is_shown(council):
    """On a SQLite file its owner holds every role, the clerk's too."""
    ok(T("attest", "jane", "--as", "office", *TODAY))
    ok(T("done", "1", *TODAY))
    ok(T("attest", "jane", "--as", "clerk", "--today", "2030-05-21"))
    ok(T("attest", "jane", "--as", "office", "--today", "2030-05-22"))
    assert [line.split(" (fingerprint")[0] for line in signoffs_shown()] == [
        "signed off by the clerk on 2030-05-21; unchanged since",
        "signed off by the office on 2030-05-22; unchanged since",
    ]
    assert status_cell("Jane Doe") == "clerk 2030-05-21 / office 2030-05-22"
    attested = [e for e in as_json(T("log", "--json")) if e["action"] == "member.attested"]
    assert len(attested) == 3  # the trail keeps every one


def test_a_sign_off_that_cannot_be_is_refused(council):
    before = record()
    wrong = T("attest", "jane", "--as", "mayor")
    assert "'mayor' is not one of 'member', 'office', 'clerk'" in one_line_refusal(wrong, 2)
    assert one_line_refusal(T("attest", "jane"), 2)  # --as is required
    assert "there is no member 'Nobody'" in one_line_refusal(
        T("attest", "Nobody", "--as", "member")
    )
    assert record() == before


# -- on PostgreSQL, as each role ----------------------------------------------------------


@pytest.fixture
def roles(postgres, tmp_path):
    """tests/conftest.py's council (wards 7 and 3, office staff of ward 7, a
    clerk and an auditor), and a file of each kind to attach."""
    found = shared_council(postgres, postgres_database(postgres))
    (tmp_path / "profile.png").write_bytes(PNG)
    (tmp_path / "note.txt").write_bytes(TEXT)
    return found


def as_role(roles, role: str, *args: str):
    """The command, in this process, signed in as `role`."""
    return T(*args, "--db", role_url(roles, role))


def test_office_staff_attach_and_see_only_their_own_members_files(roles, tmp_path):
    mine, theirs = roles["items"][WARD7], roles["items"][WARD3]
    png, text = str(tmp_path / "profile.png"), str(tmp_path / "note.txt")
    assert "attached profile.png" in ok(as_role(roles, "ward7staff", "done", str(mine),
                                                "--attach", png))  # fmt: skip
    refused = as_role(roles, "ward7staff", "done", str(theirs), "--attach", png)
    assert one_line_refusal(refused) == (
        f"transition: error: you may change only {WARD7}'s steps, not {WARD3}'s\n"
    )
    ok(as_role(roles, "theclerk", "note", str(theirs), "--attach", text))
    seen = as_json(as_role(roles, "ward7staff", "evidence", "list", "--json"))
    assert [(row["member"], row["file"], row["attached_by"]) for row in seen] == [
        (WARD7, "profile.png", "tester")
    ]
    for which in (WARD3, str(theirs)):
        result = as_role(roles, "ward7staff", "evidence", "list", which)
        assert f"not {WARD3}'s" in one_line_refusal(result)
    # Another member's file is not there for them, not even by its hash.
    hidden = as_role(roles, "ward7staff", "evidence", "get", sha256(TEXT)[:8], "-o",
                     str(tmp_path / "out"))  # fmt: skip
    assert "there is no evidence file" in one_line_refusal(hidden)
    assert not (tmp_path / "out").exists()


def test_the_auditor_reads_every_file_and_attaches_none(roles, tmp_path):
    png, text = str(tmp_path / "profile.png"), str(tmp_path / "note.txt")
    ok(as_role(roles, "ward7staff", "done", str(roles["items"][WARD7]), "--attach", png))
    ok(as_role(roles, "theclerk", "done", str(roles["items"][WARD3]), "--attach", text))
    seen = as_json(as_role(roles, "theauditor", "evidence", "list", "--json"))
    assert {row["member"] for row in seen} == {WARD7, WARD3}
    for data in (PNG, TEXT):
        out = tmp_path / "back"
        ok(as_role(roles, "theauditor", "evidence", "get", sha256(data)[:8], "-o", str(out)))
        assert out.read_bytes() == data
    refused = as_role(roles, "theauditor", "note", str(roles["items"][WARD3]), "--attach", png)
    assert "you are this record's auditor" in one_line_refusal(refused)
    assert len(as_json(as_role(roles, "theauditor", "evidence", "list", "--json"))) == 2


def test_office_staff_sign_off_their_own_member_and_only_the_clerk_as_the_clerk(roles):
    office = ok(as_role(roles, "ward7staff", "attest", WARD7, "--as", "office", "--by", "Sam"))
    assert office.startswith(f"signed off {WARD7} as the office on ")
    ok(as_role(roles, "ward7staff", "attest", WARD7, "--as", "member"))
    clerk = as_role(roles, "ward7staff", "attest", WARD7, "--as", "clerk")
    assert f"only the clerk may sign off {WARD7}'s record as the clerk" in one_line_refusal(clerk)
    other = as_role(roles, "ward7staff", "attest", WARD3, "--as", "office")
    assert f"not {WARD3}'s" in one_line_refusal(other)
    auditor = as_role(roles, "theauditor", "attest", WARD3, "--as", "member")
    assert "you are this record's auditor" in one_line_refusal(auditor)
    ok(as_role(roles, "theclerk", "attest", WARD3, "--as", "clerk"))

    detail = as_json(as_role(roles, "ward7staff", "member", "show", WARD7, "--json"))
    assert [(s["signed_as"], s["actor"], s["recorded_by"]) for s in detail["signoffs"]] == [
        ("office", "Sam", "ward7staff"),  # who was signed in, whatever --by said
        ("member", "tester", "ward7staff"),
    ]
    rows = as_json(as_role(roles, "theclerk", "status", "--json"))
    signed = {row["member"]: [s["signed_as"] for s in row["signoffs"]] for row in rows}
    assert signed == {WARD7: ["office", "member"], WARD3: ["clerk"]}
