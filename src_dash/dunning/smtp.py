"""Email over SMTP with aiosmtplib: MIME building and one reusable connection that sends a
message in two phases, so that the outbox can commit the handover just before the end of data.

Settings come from the environment (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
SMTP_TLS = none | starttls | tls, SMTP_FROM, SMTP_TIMEOUT); see `src_dash.config`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

import aiosmtplib
from aiosmtplib.errors import SMTPException, SMTPResponseException

from src_dash.clock import utcnow
from src_dash.config import Settings, load_settings

TLS_MODES = ("none", "starttls", "tls")
_CRLF = re.compile(rb"\r\n|\r|\n")
_PERIOD = re.compile(rb"(?m)^\.")


class SmtpConfigError(ValueError):
    """The SMTP settings are wrong (the message names the variable)."""


class ServerUnavailable(ConnectionError):
    """The server cannot be reached or refuses the session (connect, TLS, login)."""


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    tls: str = "none"  # none | starttls | tls
    sender: str = "relances@src-dash.local"
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SmtpConfig:
        """The configuration of the settings (default: the environment).

        Raises:
            SmtpConfigError: when SMTP_TLS or SMTP_FROM is not valid.
        """
        s = settings or load_settings()
        tls = s.smtp_tls.strip().lower()
        if tls not in TLS_MODES:
            raise SmtpConfigError(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        if "@" not in parseaddr(s.smtp_from)[1]:
            raise SmtpConfigError(f"SMTP_FROM is not an email address: {s.smtp_from!r}")
        return cls(
            host=s.smtp_host,
            port=s.smtp_port,
            user=s.smtp_user,
            password=s.smtp_password,
            tls=tls,
            sender=s.smtp_from,
            timeout=s.smtp_timeout_seconds,
        )

    @property
    def envelope_sender(self) -> str:
        """The bare address of SMTP_FROM."""
        return parseaddr(self.sender)[1]

    @property
    def domain(self) -> str:
        """The domain of the sender (used in Message-IDs and as our EHLO name)."""
        return self.envelope_sender.rpartition("@")[2] or "src-dash.local"


@dataclass(frozen=True)
class SendResult:
    """What the server said about one message.

    Attributes:
        outcome: ``sent``; ``transient`` (try again later); ``permanent`` (refused for good);
            ``bounced`` (every recipient refused); ``uncertain`` (lost after the end of data).
        answer: the server's answer, or the error.
        refused: recipients the server refused while it took the message for the others.
    """

    outcome: str
    answer: str
    refused: tuple[str, ...] = ()


def _header(value: str) -> str:
    """A header value: as is when ASCII, else RFC 2047 encoded (UTF-8), folded."""
    value = " ".join(value.split())
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76).encode()


class BadAddress(ValueError):
    """An address that is not exactly one plain email address (a line break, a second address,
    angle brackets): it must never reach a header, where it could add recipients or headers."""


_ONE_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+")


def one_address(email: str) -> str:
    """`email` when it is exactly one plain address (surrounding spaces dropped).

    Raises:
        BadAddress: a control character (CR, LF, NUL...), a second address, a display name or
            anything else that is not an address.
    """
    value = email.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in value) or not _ONE_ADDRESS.fullmatch(value):
        raise BadAddress(f"not one email address: {email[:80]!r}")
    return value


def _named(value: str) -> str:
    """A "Name <address>" or bare address setting (sender, reply-to) as a header value.

    Raises:
        BadAddress: a control character anywhere, or not one address inside.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise BadAddress(f"not one email address: {value[:80]!r}")
    name, address = parseaddr(value)
    return _address(address or value, name)


def _address(email: str, name: str) -> str:
    email = one_address(email)
    return formataddr((" ".join(name.split()), email), charset="utf-8") if name else email


def _is_one(email: str) -> bool:
    try:
        one_address(email)
    except BadAddress:
        return False
    return True


def _addresses(pairs: tuple[tuple[str, str], ...]) -> str:
    """The recipients' header value; an address that is not one address is left out (the
    server is not asked to take it either, and its refusal is said: see `SmtpConnection.send`),
    so nothing it holds can become a header."""
    shown = [_address(e, n) for e, n in pairs if _is_one(e)]
    return ",\r\n ".join(shown) or "undisclosed-recipients:;"


def _qp(text: str) -> bytes:
    """Quoted-printable body with CRLF line ends (binascii: C speed)."""
    return binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True).replace(
        b"\n", b"\r\n"
    )


def build_email(
    *,
    sender: str,
    to: tuple[tuple[str, str], ...],
    cc: tuple[tuple[str, str], ...],
    subject: str,
    text: str,
    html: str,
    message_id: str,
    reply_to: str = "",
    attachment: Path | None = None,
) -> bytes:
    """The RFC 5322 bytes of a message: text and HTML alternatives, an optional PDF.

    Written by hand rather than with `email.message` (ten times slower): UTF-8 bodies in
    quoted-printable, non-ASCII headers in RFC 2047, the PDF in base64.
    """
    headers = [
        f"From: {_named(sender)}",
        f"To: {_addresses(to)}",
    ]
    if cc:
        headers.append(f"Cc: {_addresses(cc)}")
    if reply_to:
        headers.append(f"Reply-To: {_named(reply_to)}")
    headers += [
        f"Subject: {_header(subject)}",
        f"Date: {format_datetime(utcnow())}",
        f"Message-ID: {message_id}",
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
    ]
    text_part = (
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _qp(text or " ")
    )
    body = text_part
    top_type = "text/plain; charset=utf-8"
    if html:
        inner = uuid.uuid4().hex
        html_part = (
            b"Content-Type: text/html; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _qp(html)
        )
        body = _multipart(inner, [text_part, html_part])
        top_type = f'multipart/alternative; boundary="{inner}"'
    if attachment is not None and attachment.is_file():
        outer = uuid.uuid4().hex
        filename = attachment.name if attachment.name.isascii() else "document.pdf"
        pdf_part = (
            f'Content-Type: application/pdf; name="{filename}"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n'
        ).encode("ascii") + base64.encodebytes(attachment.read_bytes()).replace(b"\n", b"\r\n")
        alternative = f"Content-Type: {top_type}\r\n".encode("ascii")
        if not html:
            alternative = b""
            body = text_part
        else:
            body = alternative + b"\r\n" + body
        body = _multipart(outer, [body, pdf_part])
        top_type = f'multipart/mixed; boundary="{outer}"'
        headers.append(f"Content-Type: {top_type}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + body
    if html:
        headers.append(f"Content-Type: {top_type}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + body
    headers += [
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + _qp(text or " ")


def _multipart(boundary: str, parts: list[bytes]) -> bytes:
    b = boundary.encode("ascii")
    out = b"".join(b"--" + b + b"\r\n" + part + b"\r\n" for part in parts)
    return out + b"--" + b + b"--\r\n"


def message_id_for(key: str, message_id: int, domain: str) -> str:
    """A Message-ID naming the outbox row it comes from (for the trace, not for dedupe)."""
    local = re.sub(r"[^A-Za-z0-9.\-_]", ".", key)[:120].strip(".") or "message"
    return f"<{local}.{message_id}@{domain}>"


def valid_address(email: str) -> bool:
    """Whether `email` is a plain address the SMTP envelope can carry."""
    try:
        Address(addr_spec=email)
    except (ValueError, IndexError, TypeError):
        return False
    return "@" in email and not any(c.isspace() for c in email)


class SmtpConnection:
    """One connection to the server, reused for many messages (opened on first use)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.client: aiosmtplib.SMTP | None = None
        self.sent_on_connection = 0

    async def open(self) -> None:
        """Connect, say EHLO, start TLS and log in as configured.

        Raises:
            ServerUnavailable: with the reason, when any of it fails.
        """
        c = self.config
        client = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            timeout=c.timeout,
            use_tls=c.tls == "tls",
            start_tls=c.tls == "starttls",
            local_hostname=c.domain,
        )
        try:
            await client.connect()
            if c.user:
                await client.login(c.user, c.password)
        except SMTPResponseException as exc:
            client.close()
            raise ServerUnavailable(
                f"{c.host}:{c.port} refused the session: {exc.code} {exc.message}"
            ) from exc
        except (TimeoutError, SMTPException, OSError) as exc:
            client.close()
            raise ServerUnavailable(f"cannot reach {c.host}:{c.port}: {exc}") from exc
        self.client = client
        self.sent_on_connection = 0

    @property
    def is_open(self) -> bool:
        """Whether the connection is up."""
        return self.client is not None and self.client.is_connected

    async def close(self) -> None:
        """Say QUIT (politely, errors ignored) and drop the connection."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if client.is_connected:
                await client.quit()
        except (TimeoutError, SMTPException, OSError):
            client.close()

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.client = None

    async def _reset(self) -> None:
        """End a refused transaction so that the connection can serve the next message."""
        try:
            assert self.client is not None
            await self.client.rset()
        except (TimeoutError, SMTPException, OSError, AssertionError):
            self._drop()

    async def _envelope(
        self, client: aiosmtplib.SMTP, recipients: list[str]
    ) -> tuple[SendResult | None, list[str]]:
        """MAIL FROM and RCPT TO: the recipients refused, and the result when the message
        cannot go on to the data (sender refused, connection lost, no recipient accepted)."""
        try:
            await client.mail(self.config.envelope_sender)
        except SMTPResponseException as exc:
            await self._reset()
            return SendResult(_kind(exc.code), f"MAIL FROM: {exc.code} {exc.message}"), []
        except (TimeoutError, SMTPException, OSError) as exc:
            self._drop()
            return SendResult("transient", f"connection lost before the data: {exc}"), []
        accepted, refused, codes = [], [], []
        for rcpt in recipients:
            if not valid_address(rcpt):
                refused.append(f"{rcpt}: not a valid address")
                codes.append(550)
                continue
            try:
                await client.rcpt(rcpt)
                accepted.append(rcpt)
            except SMTPResponseException as exc:
                refused.append(f"{rcpt}: {exc.code} {exc.message}")
                codes.append(exc.code)
            except (TimeoutError, SMTPException, OSError) as exc:
                self._drop()
                return SendResult("transient", f"connection lost before the data: {exc}"), refused
        if not accepted:
            await self._reset()
            transient = any(400 <= code < 500 for code in codes)
            return SendResult(
                "transient" if transient else "bounced",
                "; ".join(refused) or "no recipient",
                tuple(refused),
            ), refused
        return None, refused

    async def send(
        self,
        recipients: list[str],
        data: bytes,
        before_end: Callable[[], Awaitable[None]],
    ) -> SendResult:
        """Send one message: envelope and data, then `before_end()`, then the end of data.

        `before_end` commits the handover; if it raises, the end of data is never written, the
        connection is dropped (the server discards the transaction) and the error propagates.

        Raises:
            ServerUnavailable: when the connection cannot be opened (nothing was sent).
        """
        if not self.is_open:
            await self.open()
        client = self.client
        assert client is not None
        stop, refused = await self._envelope(client, recipients)
        if stop is not None:
            return stop
        protocol = client.protocol
        lock = getattr(protocol, "_command_lock", None)
        if protocol is None or lock is None:
            self._drop()
            return SendResult("transient", "connection lost before the data")
        body = _PERIOD.sub(b"..", _CRLF.sub(b"\r\n", data))
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        ended = False
        try:
            async with lock:
                protocol._response_pending = True
                protocol.write(b"DATA\r\n")
                start = await protocol.read_response(timeout=self.config.timeout)
                if start.code != 354:
                    raise SMTPResponseException(start.code, start.message)
                protocol.write(body)
                await _drained(protocol)
                await before_end()
                protocol._response_pending = True
                protocol.write(b".\r\n")
                ended = True
                answer = await protocol.read_response(timeout=self.config.timeout)
        except SMTPResponseException as exc:
            if ended:
                return SendResult(_kind(exc.code), f"{exc.code} {exc.message}", tuple(refused))
            await self._reset()
            return SendResult(_kind(exc.code), f"DATA: {exc.code} {exc.message}", tuple(refused))
        except (TimeoutError, SMTPException, OSError) as exc:
            self._drop()
            if ended:
                return SendResult("uncertain", f"no answer after the end of data: {exc}")
            return SendResult("transient", f"connection lost during the data: {exc}")
        except BaseException:
            # The handover could not be committed (or we are cancelled): never end the data.
            self._drop()
            raise
        if answer.code != 250:
            await self._reset()
            return SendResult(_kind(answer.code), f"{answer.code} {answer.message}", tuple(refused))
        self.sent_on_connection += 1
        return SendResult("sent", f"{answer.code} {answer.message}", tuple(refused))


def _kind(code: int) -> str:
    return "transient" if 400 <= code < 500 else "permanent"


async def _drained(protocol: object, limit: float = 30.0) -> None:
    """Wait until asyncio has handed everything written to the kernel.

    The end of data then goes out in one small write right after the handover commit, so a
    crash after that write still delivers it (the kernel sends what it was given).
    """
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return
    waited = 0.0
    while transport.get_write_buffer_size() > 0:
        if waited > limit:
            raise TimeoutError("the server does not read the data")
        await asyncio.sleep(0.001)
        waited += 0.001
