"""The local mail sink of the embedded default: an SMTP server (aiosmtpd) that keeps every message
it receives as one .eml file in a folder (default ``<data dir>/mail-sink``), and the reader the app
uses to show what it received.

Run it with ``python -m src_dash.dunning.mailsink`` (``.ci/start.sh`` does) or ``src-dash
mailsink``. Each file is written under a temporary name then renamed, so a reader never sees half
a message. The envelope (MAIL FROM, RCPT TO) is kept in ``X-Sink-*`` headers at the top, since Bcc
recipients appear nowhere else.
"""

from __future__ import annotations

import argparse
import itertools
import os
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path

from src_dash.clock import utcnow
from src_dash.config import load_settings

_SEQ = itertools.count(1)
_SEQ_LOCK = threading.Lock()


def sink_dir(directory: Path | str | None = None) -> Path:
    """The folder of the sink (default: SRC_DASH_MAIL_SINK_DIR, else <data dir>/mail-sink)."""
    if directory is not None:
        return Path(directory)
    settings = load_settings()
    return settings.mail_sink_dir or settings.data_dir / "mail-sink"


class SinkHandler:
    """aiosmtpd handler writing each message it accepts as a .eml file."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def store(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> Path:
        """Write one message; return its file."""
        now = utcnow()
        with _SEQ_LOCK:
            seq = next(_SEQ)
        name = f"{now:%Y%m%dT%H%M%S%f}-{os.getpid()}-{seq:06d}.eml"
        header = (
            f"X-Sink-Received: {now.isoformat()}\r\n"
            f"X-Sink-Mail-From: {mail_from}\r\n"
            f"X-Sink-Rcpt-To: {', '.join(rcpt_tos)}\r\n"
        ).encode()
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(header + content)
        path = self.directory / name
        tmp.replace(path)
        return path

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        """Keep the message; answer 250 with the file's name."""
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path = self.store(envelope.mail_from, list(envelope.rcpt_tos), content)
        return f"250 OK kept as {path.name}"


@dataclass(frozen=True)
class ReceivedMail:
    """A message the sink received."""

    path: str
    received_at: str  # ISO timestamp (UTC)
    envelope_from: str
    envelope_to: tuple[str, ...]
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    message_id: str
    size: int
    text: str = ""  # filled by `read_mail`
    html: str = ""
    attachments: tuple[str, ...] = ()


def _decoded(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError):
        return value


def _addresses(values: list[str]) -> tuple[str, ...]:
    return tuple(addr for _, addr in getaddresses([_decoded(v) for v in values]) if addr)


def _summary(path: Path, headers, size: int, **bodies: object) -> ReceivedMail:  # noqa: ANN001
    return ReceivedMail(
        path=str(path),
        received_at=headers.get("X-Sink-Received", ""),
        envelope_from=headers.get("X-Sink-Mail-From", ""),
        envelope_to=tuple(
            a.strip() for a in (headers.get("X-Sink-Rcpt-To") or "").split(",") if a.strip()
        ),
        sender=_decoded(headers.get("From")),
        to=_addresses(headers.get_all("To") or []),
        cc=_addresses(headers.get_all("Cc") or []),
        subject=_decoded(headers.get("Subject")),
        message_id=(headers.get("Message-ID") or "").strip(),
        size=size,
        **bodies,
    )


def received(limit: int = 50, directory: Path | str | None = None) -> list[ReceivedMail]:
    """The last `limit` messages the sink received, newest first (headers only).

    Args:
        limit: how many to list (0 or less: all).
        directory: the sink's folder (default: see `sink_dir`).
    """
    folder = sink_dir(directory)
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.iterdir() if p.suffix == ".eml"), reverse=True)
    if limit > 0:
        files = files[:limit]
    parser = BytesHeaderParser()
    out = []
    for path in files:
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
            size = path.stat().st_size
        except OSError:  # removed meanwhile
            continue
        out.append(_summary(path, headers, size))
    return out


def read_mail(path: Path | str) -> ReceivedMail:
    """One received message with its text and HTML bodies and its attachments' names."""
    path = Path(path)
    raw = path.read_bytes()
    msg = message_from_bytes(raw, policy=default_policy)
    text = html = ""
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_filename():
            attachments.append(part.get_filename())
        elif part.get_content_type() == "text/plain" and not text:
            text = part.get_content()
        elif part.get_content_type() == "text/html" and not html:
            html = part.get_content()
    return _summary(path, msg, len(raw), text=text, html=html, attachments=tuple(attachments))


def start_sink(directory: Path | str, host: str = "127.0.0.1", port: int = 8025):  # noqa: ANN201
    """Start the sink in a background thread; returns the aiosmtpd controller (call `stop()`)."""
    from aiosmtpd.controller import Controller

    controller = Controller(SinkHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> int:
    """Run the sink in the foreground until interrupted."""
    settings = load_settings()
    parser = argparse.ArgumentParser(description="local SMTP sink writing .eml files")
    parser.add_argument("--host", default=settings.smtp_host)
    parser.add_argument("--port", type=int, default=settings.smtp_port)
    parser.add_argument("--dir", default=str(sink_dir()))
    args = parser.parse_args(argv)
    controller = start_sink(args.dir, args.host, args.port)
    print(f"mail sink on {args.host}:{args.port}, messages in {args.dir}", flush=True)
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
