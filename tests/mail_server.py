"""A real SMTP server for the tests: aiosmtpd on a free loopback port, with
STARTTLS on a throwaway certificate and a login, keeping what it receives.

    with running_mail_server(tmp_path) as server:
        env = server.env()  # TRANSITION_SMTP_URL, _FROM, _PASSWORD, SSL_CERT_FILE
        ...
        messages = server.received()  # email.message.EmailMessage, parsed back

The certificate is made for this run with `cryptography` (for 127.0.0.1 and
localhost), and the client trusts it through SSL_CERT_FILE, as an office
would add its own certificate authority; nothing about the client is
loosened for the tests.
"""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

USER = "office"
PASSWORD = "mail-pass-1"
SENDER = "Transition <transition@example.org>"


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert = folder / "mail-cert.pem"
    private = folder / "mail-key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MailServer:
    port: int
    certificate: Path
    #: Recipients the server refuses (550).
    refuse: set[str] = field(default_factory=set)
    #: Drop the connection at this message (1 = the first), once.
    drop_at: int | None = None
    _received: list[bytes] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    @property
    def url(self) -> str:
        return f"smtp://{USER}@127.0.0.1:{self.port}"

    def env(self, **changes: str) -> dict[str, str]:
        return {
            "TRANSITION_SMTP_URL": self.url,
            "TRANSITION_SMTP_FROM": SENDER,
            "TRANSITION_SMTP_PASSWORD": PASSWORD,
            "SSL_CERT_FILE": str(self.certificate),
            **changes,
        }

    def received(self) -> list[email.message.EmailMessage]:
        with self._lock:
            raw = list(self._received)
        return [email.message_from_bytes(data, policy=email.policy.default) for data in raw]

    # -- aiosmtpd's handler ------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._count += 1
            if self.drop_at is not None and self._count == self.drop_at:
                self.drop_at = None
                server.transport.close()  # the connection drops mid-run
                return "421 going away"
            self._received.append(envelope.original_content or envelope.content)
        return "250 OK: queued"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    good = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    # handled=False: aiosmtpd answers a refusal itself (535), as a server does
    return AuthResult(success=good, handled=False)


@contextlib.contextmanager
def running_mail_server(folder: Path) -> Iterator[MailServer]:
    """The server, listening until the block ends."""
    from aiosmtpd.controller import Controller

    cert, key = _certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = MailServer(free_port(), cert)
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
