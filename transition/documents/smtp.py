"""Sending messages through the office's mail server, with the standard
library's `smtplib`.

`TRANSITION_SMTP_URL` names the server: `smtp://user@host:587` (the
submission port: STARTTLS, then the login), `smtps://user@host:465` (TLS from
the first byte), `smtp://localhost:25` (no login). Where the server offers
STARTTLS it is used, certificates checked as the system's trust store has
them (`SSL_CERT_FILE` adds one); a login is never sent in clear. The
password comes from `TRANSITION_SMTP_PASSWORD` only, and no error names it.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from urllib.parse import unquote, urlsplit

from transition.errors import TransitionError

TIMEOUT = 30


@dataclass(frozen=True)
class Server:
    """Where to send, as the URL says (the password kept apart)."""

    host: str
    port: int
    tls: bool
    user: str | None
    #: Kept out of its repr, so no log or traceback of the server shows it.
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        scheme = "smtps" if self.tls else "smtp"
        who = f"{self.user}@" if self.user else ""
        return f"{scheme}://{who}{self.host}:{self.port}"


def server_from(url: str | None, password: str | None) -> Server:
    """The server `TRANSITION_SMTP_URL` names, refused in one line if it names none."""
    if not url:
        raise TransitionError(
            "set TRANSITION_SMTP_URL to send (such as smtp://user@mail.example.org:587), "
            "or leave out --send to see what would be sent"
        )
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018  (a malformed host, such as "[::1", raises here)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise TransitionError(
            f"TRANSITION_SMTP_URL {_shown(url)} is not smtp://HOST[:PORT] or smtps://HOST[:PORT]"
        )
    if parts.password is not None:
        raise TransitionError(
            "TRANSITION_SMTP_URL holds a password; give it in TRANSITION_SMTP_PASSWORD instead"
        )
    tls = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if tls else 25)
    except ValueError:
        raise TransitionError(
            f"TRANSITION_SMTP_URL {_shown(url)}: its port is not a number from 1 to 65535"
        ) from None
    user = unquote(parts.username) if parts.username else None
    if user and not password:
        raise TransitionError(
            f"{user} logs in to {parts.hostname}: set TRANSITION_SMTP_PASSWORD to its password"
        )
    return Server(parts.hostname, port, tls, user, password if user else None)


def _shown(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # so malformed no password can be told apart: show none of it
        return repr(url.split("@")[-1])
    if parts.password is None:
        return repr(url)
    return repr(url.replace(f":{parts.password}@", ":***@"))


class Connection:
    """One session with the server, for a run's messages."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        server = self.server
        context = ssl.create_default_context()
        try:
            if server.tls:
                self.smtp = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=TIMEOUT, context=context
                )
            else:
                self.smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
                self.smtp.ehlo()
                if self.smtp.has_extn("starttls"):
                    self.smtp.starttls(context=context)
                    self.smtp.ehlo()
                elif server.user:
                    self._drop()
                    raise TransitionError(
                        f"the mail server {server.host}:{server.port} offers no STARTTLS; "
                        "transition sends no login in clear (use smtps:// or port 587)"
                    )
            if server.user and server.password:
                self.smtp.login(server.user, server.password)
        except smtplib.SMTPAuthenticationError:
            self._drop()
            raise TransitionError(
                f"the mail server {server.host} refused the login of {server.user}; "
                "check TRANSITION_SMTP_PASSWORD"
            ) from None
        except ssl.SSLError as error:
            self._drop()
            raise TransitionError(
                f"cannot talk securely to the mail server {server.host}:{server.port}: "
                f"{error.reason or error}"
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise TransitionError(
                f"cannot reach the mail server {server.host}:{server.port}: {_reason(error)}"
            ) from None
        return self

    def send(self, message: EmailMessage) -> str | None:
        """Send one message: None when the server took it for every recipient,
        else why not (a refused recipient, a dropped connection)."""
        assert self.smtp is not None
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = "; ".join(
                f"{who}: {code} {_text(said)}" for who, (code, said) in error.recipients.items()
            )
            return f"the server refused the recipient ({codes})"
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise
        except smtplib.SMTPResponseException as error:
            return f"the server refused the message: {error.smtp_code} {_text(error.smtp_error)}"
        except smtplib.SMTPException as error:  # this message only (say, SMTPUTF8 needed)
            return f"the message could not be sent: {_text(str(error))}"
        except OSError as error:
            self.smtp = None
            raise smtplib.SMTPServerDisconnected(_reason(error)) from None
        if refused:
            codes = "; ".join(
                f"{who}: {code} {_text(said)}" for who, (code, said) in refused.items()
            )
            return f"the server refused some recipients ({codes})"
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
        self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError):
                self.smtp.close()
        self.smtp = None


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{who}: {code} {_text(said)}" for who, (code, said) in refused.items())


def _text(said: bytes | str) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    return " ".join(text.split())


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout):
        return "it did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "nothing answers there (connection refused)"
    if isinstance(error, socket.gaierror):
        return "no such host"
    return _text(str(error)) or type(error).__name__
