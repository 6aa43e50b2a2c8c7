"""The sign-off sheet's PAdES signature: made with an office's PKCS#12, checked
by pyHanko and by a second reader (poppler's pdfsig), and found out when the
file is changed, extended or signed by someone the trusted root never
certified. The sheets are WeasyPrint's own tagged PDFs, as the renderer makes
them."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from harness.certificates import OFFICE, Authority, authority
from pypdf import PdfReader

from transition.documents.signing import (
    FINGERPRINT_KEY,
    check_signed,
    fingerprint_of,
    load_signer,
    sign_pdf,
)
from transition.errors import TransitionError

FINGERPRINT = "12-0123456789abcdef-fedcba9876543210"
PDFSIG = "/usr/bin/pdfsig"

SHEET = f"""<!doctype html>
<html lang="en-CA"><head><meta charset="utf-8">
<title>Sign-off: Ward 19</title>
<meta name="TransitionFingerprint" content="{FINGERPRINT}">
</head><body><h1>Sign-off</h1><p>The accounts were handed over.</p></body></html>"""


def sheet(variant: str = "pdf/ua-1") -> bytes:
    """A sheet as the renderer prints it: tagged, its fingerprint in the
    document information."""
    import weasyprint

    return weasyprint.HTML(string=SHEET).write_pdf(pdf_variant=variant, custom_metadata=True)


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return sheet()


@pytest.fixture(scope="module")
def signed(ca: Authority, unsigned: bytes) -> bytes:
    signer = load_signer(ca.p12_path.read_bytes(), ca.password, source="office.p12")
    return sign_pdf(unsigned, signer, reason="Transition sign-off", name=OFFICE)


def test_the_renderers_meta_name_becomes_the_fingerprint_key(unsigned: bytes) -> None:
    info = PdfReader(BytesIO(unsigned)).metadata
    assert info is not None and info[FINGERPRINT_KEY] == FINGERPRINT
    assert fingerprint_of(unsigned) == FINGERPRINT


def test_a_signed_sheet_holds_against_its_root(ca: Authority, signed: bytes) -> None:
    report = check_signed(signed, [ca.root_pem])
    assert report.holds, report.problems
    assert (report.signed, report.intact, report.whole_file, report.trusted) == (
        True,
        True,
        True,
        True,
    )
    assert report.signer == f"CN={OFFICE},O=City of Toronto,C=CA"
    assert report.fingerprint == FINGERPRINT
    assert report.signed_at is not None and report.signed_at.tzinfo is not None
    assert report.problems == ()


def test_without_roots_integrity_is_checked_and_trust_is_not(signed: bytes) -> None:
    report = check_signed(signed)
    assert report.trusted is None
    assert report.holds


@pytest.mark.skipif(
    not Path(PDFSIG).exists(),
    reason="poppler's pdfsig is not installed (apt-get install poppler-utils)",
)
def test_poppler_finds_the_signature_valid(signed: bytes, tmp_path: Path) -> None:
    """A second, independent reader; it may not trust the test root, which
    is not what this asks."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    done = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in done.stdout, done.stdout + done.stderr
    assert "ETSI.CAdES.detached" in done.stdout
    assert "SHA-256" in done.stdout


def test_a_byte_changed_inside_the_signed_range_is_found(ca: Authority, signed: bytes) -> None:
    """The byte is in the binary comment on the file's second line: readers
    skip it, the signature's digest does not."""
    changed = signed[:10] + bytes([signed[10] ^ 0x01]) + signed[11:]
    report = check_signed(changed, [ca.root_pem])
    assert not report.intact and not report.holds
    assert report.problems == (
        "the signature does not match the file: it was changed after signing",
    )


def test_an_update_after_signing_is_found_and_its_fingerprint_ignored(
    ca: Authority, signed: bytes
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed))
    info = generic.DictionaryObject(writer.prev.trailer["/Info"])
    info[generic.NameObject(FINGERPRINT_KEY)] = generic.TextStringObject("99-forged")
    writer.set_info(info)
    extended = BytesIO()
    writer.write(extended)
    appended = extended.getvalue()

    assert fingerprint_of(appended) == "99-forged"  # the update did change it
    report = check_signed(appended, [ca.root_pem])
    assert report.intact and not report.whole_file and not report.holds
    assert report.fingerprint == FINGERPRINT
    assert report.problems == (
        "the signature does not cover the whole file: bytes were added after it was signed",
    )


def test_an_unrelated_root_does_not_trust_the_signer(ca: Authority, signed: bytes) -> None:
    report = check_signed(signed, [ca.other_root_pem])
    assert report.intact and report.whole_file
    assert report.trusted is False and not report.holds
    assert report.problems == (
        "the signer's certificate does not lead to the trusted root Unrelated Test Root CA",
    )


def test_a_self_signed_certificate_is_intact_but_not_trusted(
    ca: Authority, unsigned: bytes
) -> None:
    signer = load_signer(ca.self_signed_p12_path.read_bytes(), ca.password, source="alone.p12")
    alone = sign_pdf(unsigned, signer, reason="Transition sign-off")
    assert check_signed(alone).holds
    trusted = check_signed(alone, [ca.root_pem])
    assert trusted.intact and trusted.trusted is False


def test_a_countersignature_keeps_the_first_whole(ca: Authority, signed: bytes) -> None:
    """Two signatures: the first covers its revision and is followed only by
    signing; the last one's signer is reported."""
    again = load_signer(ca.self_signed_p12_path.read_bytes(), ca.password, source="alone.p12")
    twice = sign_pdf(signed, again, reason="Countersigned")
    report = check_signed(twice)
    assert report.holds, report.problems
    assert report.signer.startswith(f"CN={OFFICE} (self-signed),")
    assert report.fingerprint == FINGERPRINT


def test_an_unsigned_sheet_carries_no_signature(unsigned: bytes) -> None:
    report = check_signed(unsigned)
    assert not report.signed and not report.holds
    assert report.problems == ("it carries no signature",)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"GIF89a not a pdf", "sheet.pdf is not a PDF: it does not begin with %PDF-"),
        (b"%PDF-1.7\n1 0 obj\n<<", "sheet.pdf is not a readable PDF: it is damaged"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_one_line(content: bytes, says: str) -> None:
    with pytest.raises(TransitionError) as raised:
        check_signed(content, source="sheet.pdf")
    assert str(raised.value).startswith(says)
    assert "\n" not in str(raised.value)
    with pytest.raises(TransitionError):
        fingerprint_of(content)


def test_a_wrong_password_is_named_and_never_shown(ca: Authority) -> None:
    wrong = b"not-the-pass-9"
    with pytest.raises(TransitionError) as raised:
        load_signer(ca.p12_path.read_bytes(), wrong, source="KEY.p12")
    message = str(raised.value)
    assert message == (
        "the password does not open KEY.p12 (TRANSITION_SIGN_PASSWORD or the prompt)"
    )
    assert wrong.decode() not in message and ca.password.decode() not in message
    # no cryptography error rides along to be printed in a traceback
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or raised.value.__suppress_context__


def test_no_password_for_a_protected_file_is_a_wrong_password(ca: Authority) -> None:
    with pytest.raises(TransitionError, match=r"^the password does not open KEY\.p12 "):
        load_signer(ca.p12_path.read_bytes(), None, source="KEY.p12")


@pytest.mark.parametrize("content", [b"", b"garbage, not a certificate", b"0\x03\x02\x01\x03"])
def test_a_file_that_is_not_pkcs12_is_named(content: bytes, ca: Authority) -> None:
    with pytest.raises(TransitionError) as raised:
        load_signer(content, ca.password, source="KEY.p12")
    assert str(raised.value).startswith("KEY.p12 is not a PKCS#12 file")


def test_a_pkcs12_without_a_key_is_named(ca: Authority) -> None:
    with pytest.raises(TransitionError) as raised:
        load_signer(ca.keyless_p12_path.read_bytes(), ca.password, source="KEY.p12")
    assert str(raised.value).startswith("KEY.p12 holds no private key and certificate")


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-2a", "pdf/a-3a"])
def test_signing_keeps_the_sheet_tagged_and_its_bytes(ca: Authority, variant: str) -> None:
    """An incremental update: the sheet is a prefix of the signed file, whose
    catalog keeps its structure tree, and whose XMP (the PDF/A or PDF/UA
    claim) and document information are the sheet's own."""
    original = sheet(variant)
    signer = load_signer(ca.p12_path.read_bytes(), ca.password, source="office.p12")
    signed = sign_pdf(original, signer, reason="Transition sign-off")
    assert signed.startswith(original) and len(signed) > len(original)

    before, after = PdfReader(BytesIO(original)), PdfReader(BytesIO(signed))
    catalog = after.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert catalog["/Metadata"].get_object().get_data() == (
        before.trailer["/Root"]["/Metadata"].get_object().get_data()
    )
    assert dict(after.metadata or {}) == dict(before.metadata or {})
    assert check_signed(signed, [ca.root_pem]).holds


def test_importing_signing_loads_no_heavy_library() -> None:
    code = (
        "import transition.documents.signing, sys; "
        "print([m for m in ('pyhanko', 'sqlalchemy', 'weasyprint', 'typer') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
