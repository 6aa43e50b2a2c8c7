"""A throwaway certificate authority for signing trials: a root CA, an office's
signing certificate it issued (in a password-protected PKCS#12, as an office
would receive it), an unrelated second root, and a self-signed office.

The CAs' keys are EC P-256, made fresh in well under a millisecond. The
offices sign with RSA 2048, the usual key of an office's certificate (an EC
signing key makes pyHanko declare PDF 2.0, which PDF/A-2 files are not); that
key takes a tenth of a second to make, so one process makes it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

#: The office's certificate, as a councillor's office would be named in it.
OFFICE = "Ward 19 Office"
ORGANIZATION = "City of Toronto"
PASSWORD = b"sign-pass-1"


@dataclass(frozen=True)
class Authority:
    """The files a signing trial needs, written under one folder."""

    #: The root CA that issued the office's certificate (PEM).
    root_pem: bytes
    #: A root that issued nothing here: trusting it alone must fail.
    other_root_pem: bytes
    #: The office's key and certificate (with the root's), password-protected.
    p12_path: Path
    password: bytes
    #: A self-signed office certificate and key under the same password.
    self_signed_p12_path: Path
    #: A PKCS#12 holding only certificates, no key (the password opens it).
    keyless_p12_path: Path


#: Either kind of key: a CA's (EC) or an office's (RSA).
Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _name(common_name: str) -> x509.Name:
    """A subject in the order CAs write it, country first."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@cache
def _office_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    subject: x509.Name,
    key: Key,
    issuer: x509.Name,
    issuer_key: Key,
    *,
    ca: bool,
) -> x509.Certificate:
    """A certificate valid from yesterday for a year: a CA's may sign
    certificates, an office's may sign documents (digitalSignature and
    nonRepudiation, which PAdES validators look for)."""
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer != subject:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _root(common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    return _certificate(name, key, name, key, ca=True), key


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _p12(
    key: Key | None,
    certificate: x509.Certificate | None,
    chain: list[x509.Certificate],
) -> bytes:
    encryption = serialization.BestAvailableEncryption(PASSWORD)
    return pkcs12.serialize_key_and_certificates(b"office", key, certificate, chain, encryption)


def authority(folder: Path) -> Authority:
    """A fresh authority, its PKCS#12 files written into `folder`."""
    root, root_key = _root("Transition Test Root CA")
    other_root, _ = _root("Unrelated Test Root CA")
    office_key = _office_key()
    office = _certificate(_name(OFFICE), office_key, root.subject, root_key, ca=False)
    alone_key = _office_key()  # a certificate of its own; the key may be shared
    alone_name = _name(f"{OFFICE} (self-signed)")
    alone = _certificate(alone_name, alone_key, alone_name, alone_key, ca=False)

    p12_path = folder / "office.p12"
    p12_path.write_bytes(_p12(office_key, office, [root]))
    self_signed_p12_path = folder / "self-signed.p12"
    self_signed_p12_path.write_bytes(_p12(alone_key, alone, []))
    keyless_p12_path = folder / "keyless.p12"
    keyless_p12_path.write_bytes(_p12(None, None, [office, root]))
    return Authority(
        root_pem=_pem(root),
        other_root_pem=_pem(other_root),
        p12_path=p12_path,
        password=PASSWORD,
        self_signed_p12_path=self_signed_p12_path,
        keyless_p12_path=keyless_p12_path,
    )
