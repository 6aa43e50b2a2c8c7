"""Who may keep and read evidence, and sign off, on the council's record,
enforced by PostgreSQL: office staff attach to their own member's steps and
see only their files, the auditor reads every file and writes none, only the
clerk signs off as the clerk."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from conftest import WARD3, WARD7, postgres_database, sql
from harness.records import as_role, shared_council
from postgres_server import PostgresError

from transition.core.terms import Signer
from transition.errors import TransitionError
from transition.store import Mode
from transition.store.attachments import content, evidence_rows
from transition.store.attesting import attest
from transition.store.errors import Refused
from transition.store.evidence import Upload

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def upload(data: bytes = PNG) -> Upload:
    return Upload("shot.png", "image/png", hashlib.sha256(data).hexdigest(), date(2030, 4, 1), data)


@pytest.fixture
def roles(postgres):
    return shared_council(postgres, postgres_database(postgres))


def attach_as(roles, role: str, item: int) -> list[str]:
    return as_role(
        roles,
        role,
        lambda t: t.mark.done([item], note=None, evidence=None, files=[upload(PNG)]),
        mode=Mode.WRITE,
    )


def test_office_staff_attach_to_their_own_members_steps_only(roles):
    mine, theirs = roles["items"][WARD7], roles["items"][WARD3]
    assert any("attached" in line for line in attach_as(roles, "ward7staff", mine))
    with pytest.raises(TransitionError, match=f"not {WARD3}'s"):
        attach_as(roles, "ward7staff", theirs)
    attach_as(roles, "theclerk", theirs)
    seen = as_role(roles, "ward7staff", lambda t: evidence_rows(t))
    assert {row["member"] for row in seen} == {WARD7}


def test_the_auditor_reads_every_file_and_attaches_none(roles):
    attach_as(roles, "ward7staff", roles["items"][WARD7])
    attach_as(roles, "theclerk", roles["items"][WARD3])
    seen = as_role(roles, "theauditor", lambda t: evidence_rows(t))
    assert {row["member"] for row in seen} == {WARD7, WARD3}
    sha256 = seen[0]["sha256"]
    assert as_role(roles, "theauditor", lambda t: content(t, sha256))[1] == PNG
    with pytest.raises(TransitionError):
        attach_as(roles, "theauditor", roles["items"][WARD7])


def test_only_the_clerk_signs_off_as_the_clerk(roles):
    def sign(signer: Signer, member: str = WARD7):
        return lambda t: attest(t, t.find.member(member), signer, None)

    with pytest.raises(Refused, match="only the clerk may sign off"):
        as_role(roles, "ward7staff", sign(Signer.CLERK), mode=Mode.WRITE)
    assert as_role(roles, "ward7staff", sign(Signer.OFFICE), mode=Mode.WRITE)["signed_as"] == (
        "office"
    )
    with pytest.raises(TransitionError, match=f"not {WARD3}'s"):
        as_role(roles, "ward7staff", sign(Signer.MEMBER, WARD3), mode=Mode.WRITE)
    signed = as_role(roles, "theclerk", sign(Signer.CLERK, WARD3), mode=Mode.WRITE)
    assert signed["recorded_by"] == "theclerk"


def test_the_server_itself_keeps_office_staff_to_their_own_files(roles):
    """Past the tool, in SQL as the role: the policies, not the tool, decide."""
    attach_as(roles, "theclerk", roles["items"][WARD3])
    assert sql(roles, "ward7staff", "SELECT count(*) FROM evidence_file").strip() == "0"
    assert sql(roles, "theauditor", "SELECT count(*) FROM evidence_file").strip() == "1"
    with pytest.raises(PostgresError, match=r"permission denied|row-level security"):
        sql(roles, "theauditor", "INSERT INTO evidence_file (member_id, sha256, media_type, "
            "size, content) VALUES (1, 'x', 'text/plain', 1, '\\x00')")  # fmt: skip
    with pytest.raises(PostgresError, match="permission denied"):
        sql(roles, "ward7staff", "UPDATE evidence_file SET content = '\\x00'")
