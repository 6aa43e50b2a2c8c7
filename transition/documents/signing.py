"""The sign-off sheet's signature: an office signs the PDF with its PKCS#12
certificate, and anyone can check what was signed.

The signature is PAdES baseline B-B (ETSI.CAdES.detached, SHA-256) in an
invisible signature field, added as an incremental update: the sheet's bytes
stay a prefix of the signed file, so its tagging (PDF/UA-1, PDF/A-2a or
PDF/A-3a, as WeasyPrint wrote it) is kept, and no network is used: no
timestamp server, no revocation fetches.

The record's fingerprint travels in the PDF's document information, put there
by the renderer before signing; checking reads it from the revision the
signature covers, so a later update cannot change what a check reports.

pyHanko is imported inside the functions that use it, so that importing this
module stays cheap for a command that never signs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from transition.errors import TransitionError

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.validation import EmbeddedPdfSignature

#: The name of the sheet's `<meta name="..." content="...">` that carries the
#: record's fingerprint. WeasyPrint (70) lower-cases a meta name, keeps only
#: its ASCII letters and digits, and writes it into the document information
#: when `write_pdf(custom_metadata=True)`; so `<meta name="TransitionFingerprint">`
#: (any case) becomes the key below, never `/TransitionFingerprint`.
FINGERPRINT_META_NAME = "TransitionFingerprint"
FINGERPRINT_KEY = "/transitionfingerprint"
#: The sheet's member, from `<meta name="TransitionMember">` the same way (a
#: combined sheet of several members carries none).
MEMBER_KEY = "/transitionmember"

#: A signing certificate may say it signs with either key usage: PAdES asks
#: nonRepudiation, but many offices' certificates carry digitalSignature only,
#: and PDF readers accept both.
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


@dataclass(frozen=True)
class SignatureReport:
    """What a check of a signed PDF found, in a form the command line words."""

    #: The file has at least one signature.
    signed: bool
    #: Every signature's digest and cryptographic signature hold.
    intact: bool
    #: The last signature covers the whole file (nothing was added after it),
    #: and each earlier one its own revision, followed only by signing.
    whole_file: bool
    #: The last signer's certificate subject, as an RFC 4514 string.
    signer: str
    #: The signing time the last signature claims (not proven: no timestamp).
    signed_at: datetime | None
    #: None when no trust roots were given; else whether every signer's chain
    #: leads to one of them.
    trusted: bool | None
    #: The fingerprint in the revision the last signature covers.
    fingerprint: str | None
    #: The member the signed revision names, if it names one.
    member: str | None = None
    #: One short sentence per failure.
    problems: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        """The file is as it was signed, by a signer trusted if trust was asked."""
        return self.signed and self.intact and self.whole_file and self.trusted is not False


# -- signing ---------------------------------------------------------------------


def load_signer(p12: bytes, password: bytes | None, *, source: str) -> Signer:
    """The office's signer from its PKCS#12 file. The file's structure is
    checked before it is opened, because the cryptography library says the
    same thing of a wrong password and of a damaged file."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    if not _looks_like_pkcs12(p12):
        raise TransitionError(
            f"{source} is not a PKCS#12 file: export the office's certificate "
            "with its private key as .p12 or .pfx"
        )
    opened = _open_pkcs12(p12, password, source)
    key, certificate, _ = pkcs12.load_key_and_certificates(p12, opened)
    if key is None or certificate is None:
        raise TransitionError(
            f"{source} holds no private key and certificate: export the office's "
            "certificate together with its private key"
        )
    try:
        signer: Signer = SimpleSigner.load_pkcs12_data(p12, (), passphrase=opened)
    except ValueError:
        raise TransitionError(
            f"{source} holds a kind of key that cannot sign PDFs: use an RSA or EC key"
        ) from None
    return signer


def _looks_like_pkcs12(p12: bytes) -> bool:
    """Whether the bytes parse as a PKCS#12 structure (RFC 7292's PFX), before
    any password is tried."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(p12, strict=True)
        pfx["version"].native  # noqa: B018 - parsing is lazy; these reads force it
        pfx["auth_safe"]["content"].native  # noqa: B018
    except (ValueError, TypeError, KeyError):
        return False
    return True


def _open_pkcs12(p12: bytes, password: bytes | None, source: str) -> bytes | None:
    """The password that opens the file: the one given, or, when none was
    given, no password or the empty one (export tools differ on which an
    unprotected file uses)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    tries: list[bytes | None] = [password] if password else [None, b""]
    for attempt in tries:
        try:
            pkcs12.load_key_and_certificates(p12, attempt)
        except ValueError:
            continue
        return attempt
    raise TransitionError(
        f"the password does not open {source} (TRANSITION_SIGN_PASSWORD or the prompt)"
    )


def sign_pdf(
    pdf: bytes, signer: Signer, *, reason: str, name: str | None = None, source: str = "the sheet"
) -> bytes:
    """The PDF with the signer's PAdES signature appended as an incremental
    update, in a new invisible field.

    The update leaves the document's metadata alone: pyHanko would otherwise
    rewrite the XMP packet and append itself to the info dictionary's
    /Producer, which no longer matches the XMP's, and PDF/A asks the two to
    agree (pyHanko's maintainer suggests turning the update off this way,
    MatthiasValvekens/pyHanko#223). An EC P-256 or P-384 key makes pyHanko
    declare PDF 2.0 in the catalog (ISO/TS 32002); an RSA key does not."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers

    reader = _read(pdf, source)
    try:
        writer = IncrementalPdfFileWriter.from_reader(reader)
        writer._update_meta = lambda: None  # type: ignore[method-assign]
        existing = sum(1 for _ in fields.enumerate_sig_fields(reader))
        metadata = signers.PdfSignatureMetadata(
            field_name=f"SignOff{existing + 1}",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            name=name,
        )
        signed = signers.sign_pdf(writer, metadata, signer=signer)
    except (PdfError, ValueError, KeyError, TypeError) as error:  # SigningError is a ValueError
        raise TransitionError(f"cannot sign {source}: {_first_line(error)}") from None
    return bytes(signed.getvalue())


# -- checking --------------------------------------------------------------------


def check_signed(
    pdf: bytes, trust: Sequence[bytes] = (), *, source: str = "the file"
) -> SignatureReport:
    """What the file's signatures prove: every one is checked, the last one's
    signer and fingerprint are reported. `trust` holds the root CAs' PEM or
    DER certificates; without any, integrity is checked and trust is not."""
    from pyhanko.sign.validation import SignatureCoverageLevel

    roots = _certificates(trust)
    reader = _read(pdf, source)
    signatures = _signatures(reader, source)
    if not signatures:
        return SignatureReport(
            signed=False,
            intact=False,
            whole_file=False,
            signer="",
            signed_at=None,
            trusted=None if not trust else False,
            fingerprint=None,
            problems=("it carries no signature",),
        )
    problems: list[str] = []
    intact = whole_file = trusted = True
    status: Any = None
    for number, signature in enumerate(signatures, start=1):
        last = number == len(signatures)
        which = "the signature" if len(signatures) == 1 else f"signature {number}"
        status = _validate(signature, roots, which)
        if not (status.intact and status.valid):
            intact = False
            problems.append(f"{which} does not match the file: it was changed after signing")
        if last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            whole_file = False
            problems.append(
                f"{which} does not cover the whole file: bytes were added after it was signed"
            )
        if not last and not _later_updates_only_sign(status):
            whole_file = False
            problems.append(f"{which} was followed by changes other than another signature")
        if trust and not _chain_trusted(status):
            trusted = False
            problems.append(_trust_problem(status, which, roots))
    return SignatureReport(
        signed=True,
        intact=intact,
        whole_file=whole_file,
        signer=_subject(status.signing_cert),
        signed_at=status.signer_reported_dt,
        trusted=trusted if trust else None,
        fingerprint=_signed_info(reader, signatures[-1], FINGERPRINT_KEY),
        member=_signed_info(reader, signatures[-1], MEMBER_KEY),
        problems=tuple(problems),
    )


def _signatures(reader: PdfFileReader, source: str) -> list[EmbeddedPdfSignature]:
    """The file's signatures (document timestamps aside), in signing order."""
    from pyhanko.pdf_utils.misc import PdfError

    try:
        return list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise TransitionError(
            f"{source} has a damaged signature that cannot be read ({_first_line(error)})"
        ) from None


def _validate(signature: EmbeddedPdfSignature, roots: list[Any], which: str) -> Any:
    """pyHanko's status of one signature, validated offline against `roots`
    alone (an empty list trusts nothing, where None would mean the operating
    system's roots), revocation soft-failing since nothing is fetched."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    _quiet_pyhanko()
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    usage = KeyUsageConstraints(key_usage=SIGNING_KEY_USAGES, match_all_key_usages=False)
    try:
        return validate_pdf_signature(signature, context, key_usage_settings=usage)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise TransitionError(f"{which} cannot be checked: {_first_line(error)}") from None


def _later_updates_only_sign(status: Any) -> bool:
    """Whether an earlier signature still covers its own revision and all
    that came after was signing or form filling (pyHanko's difference
    analysis), as when a second office countersigns."""
    from pyhanko.sign.validation import SignatureCoverageLevel

    return bool(
        status.coverage is not None
        and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
        and status.docmdp_ok
    )


def _chain_trusted(status: Any) -> bool:
    """Whether the signer's chain leads to a trusted root, whatever the
    file's integrity (pyHanko's `trusted` also asks the digest to match,
    which is reported apart)."""
    return status.validation_path is not None and status.trust_problem_indic is None


def _trust_problem(status: Any, which: str, roots: list[Any]) -> str:
    """Why a signer is not trusted, in words: its chain leads elsewhere, it
    was revoked, it was out of date, or pyHanko's own reason."""
    certificate = "the signer's certificate"
    if which != "the signature":
        certificate += f" in {which}"
    indication = getattr(status.trust_problem_indic, "name", "")
    if status.revoked:
        return f"{certificate} was revoked"
    if "OUT_OF_BOUNDS" in indication or "EXPIRED" in indication:
        return f"{certificate} is expired or not yet valid"
    if status.validation_path is None:  # no chain at all, or the signer is self-signed
        named = ", ".join(_common_name(root) for root in roots)
        return f"{certificate} does not lead to the trusted root {named}"
    return f"{certificate} is not trusted ({indication.lower().replace('_', ' ')})"


def _signed_info(reader: PdfFileReader, signature: EmbeddedPdfSignature, key: str) -> str | None:
    """An entry of the signed revision's document information (the
    fingerprint, the member); what an update appended after signing says
    does not count."""
    from pyhanko.pdf_utils.misc import PdfError

    try:
        revision = reader.get_historical_resolver(signature.signed_revision)
        info = revision.trailer_view["/Info"]
        value = info.get(key)
    except (PdfError, KeyError, ValueError, TypeError, AttributeError):
        return None
    return None if value is None else str(value)


# -- reading ---------------------------------------------------------------------


def sheet_info(pdf: bytes, *, source: str = "the file") -> tuple[str | None, str | None]:
    """The fingerprint and member in a PDF's document information (its latest
    revision), signed or not: what the renderer wrote, or what was put there
    since."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    _require_pdf_header(pdf, source)
    try:
        info = PdfReader(BytesIO(pdf)).metadata
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise TransitionError(f"{source} is not a readable PDF ({_first_line(error)})") from None
    if info is None:
        return None, None
    fingerprint, member = info.get(FINGERPRINT_KEY), info.get(MEMBER_KEY)
    return (
        None if fingerprint is None else str(fingerprint),
        None if member is None else str(member),
    )


def fingerprint_of(pdf: bytes, *, source: str = "the file") -> str | None:
    """The fingerprint the renderer wrote into a PDF's document information."""
    return sheet_info(pdf, source=source)[0]


def _read(pdf: bytes, source: str) -> PdfFileReader:
    """pyHanko's reader of the file, or a message saying it is not a PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    _require_pdf_header(pdf, source)
    try:
        return PdfFileReader(BytesIO(pdf))
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise TransitionError(
            f"{source} is not a readable PDF: it is damaged ({_first_line(error)})"
        ) from None


def _require_pdf_header(pdf: bytes, source: str) -> None:
    """A PDF begins with %PDF- within its first kilobyte (ISO 32000 7.5.2,
    as readers allow); anything else is some other file."""
    if b"%PDF-" not in pdf[:1024]:
        raise TransitionError(f"{source} is not a PDF: it does not begin with %PDF-")


def _certificates(trust: Sequence[bytes]) -> list[Any]:
    """The trust roots as asn1crypto certificates, from PEM or DER."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots: list[Any] = []
    for data in trust:
        try:
            roots.extend(load_certs_from_pemder_data(data))
        except (ValueError, TypeError, KeyError):
            raise TransitionError(
                "a trusted root is not a PEM or DER certificate: give the CA's certificate"
            ) from None
    if trust and not roots:
        raise TransitionError("the trusted roots hold no certificate: give the CA's certificate")
    return roots


def _subject(certificate: Any) -> str:
    """A certificate's subject as RFC 4514 writes it ("CN=Ward 19 Office,O=...")."""
    from cryptography import x509

    return x509.load_der_x509_certificate(certificate.dump()).subject.rfc4514_string()


def _common_name(certificate: Any) -> str:
    """A root's common name, or its whole subject when it has none."""
    name = certificate.subject.native.get("common_name")
    return str(name) if name else _subject(certificate)


def _quiet_pyhanko() -> None:
    """pyHanko logs a traceback for each chain it cannot build; with no
    logging configured Python prints those on stderr. A NullHandler (the
    library idiom) keeps them out of a user's terminal; an application that
    configures logging still sees them."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _first_line(error: BaseException) -> str:
    """An error's message on one line, for a message that must be one."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
