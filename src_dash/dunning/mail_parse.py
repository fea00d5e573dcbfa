"""Reading a mail of the collection mailbox: its addresses, thread, text, and, for a delivery
status notification (multipart/report; message/delivery-status), the recipients that failed and
the Message-ID of the mail it reports on."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message as MimeMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery status notification says."""

    failed: tuple[tuple[str, str], ...]  # (recipient, status and diagnostic)
    original_id: str  # the Message-ID of the mail it reports on
    original_tokens: tuple[str, ...]  # addresses of the original that may carry a token


@dataclass
class ParsedMail:
    """The parts of a mail the pass needs."""

    header_id: str
    from_address: str
    from_name: str
    subject: str
    sent_at: datetime | None
    addresses: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To...: may carry a token
    thread_ids: tuple[str, ...]  # In-Reply-To then References, newest first
    auto: bool
    report: DeliveryReport | None
    text: str


_MSGID = re.compile(r"<[^<>\s]+>")
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:r[ée]ponse automatique|automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office"
    r"|absence|absent|autoreply|abwesenheit)\b",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<br\s*/?>|</p>|</div>|<[^>]+>", re.I | re.S)


def html_to_text(markup: str) -> str:
    """The text of an HTML body (paragraphs and line breaks kept as new lines)."""

    def swap(m: re.Match[str]) -> str:
        tag = m.group(0).lower()
        if tag.startswith("<br"):
            return "\n"
        if tag.startswith(("</p", "</div")):
            return "\n\n"
        return ""

    return html.unescape(_TAGS.sub(swap, markup))


def _header(msg: MimeMessage, name: str) -> str:
    """A header as written (encoded words left as they are), spaces collapsed; "" if none."""
    value = msg.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _decoded(value: str) -> str:
    """A header value with its encoded words (=?utf-8?q?...?=) decoded."""
    if "=?" not in value:
        return value
    try:
        return " ".join(str(make_header(decode_header(value))).split())
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


def _part_text(part: MimeMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # an unknown charset
        return payload.decode("utf-8", "replace")


def _text_of(msg: MimeMessage) -> str:
    """The mail's text: its first plain part, else (missing or blank) its HTML part made text;
    attachments left out."""
    found: dict[str, str] = {}
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        subtype = part.get_content_subtype()
        if subtype in ("plain", "html") and subtype not in found:
            text = _part_text(part)
            if text.strip():
                found[subtype] = text
    if "plain" in found:
        return found["plain"]
    return html_to_text(found["html"]) if "html" in found else ""


def _report(msg: MimeMessage) -> DeliveryReport | None:
    """The delivery report of a multipart/report mail, or None for another mail."""
    if msg.get_content_type() != "multipart/report":
        return None
    status_part = None
    original: MimeMessage | None = None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            status_part = part
        elif ctype in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _original(part)
    if status_part is None:
        return None
    failed = []
    for block in _status_blocks(status_part):
        if block.get("action", "").lower() != "failed":
            continue
        recipient = block.get("final-recipient") or block.get("original-recipient") or ""
        recipient = recipient.split(";", 1)[-1].strip()
        note = " ".join(x for x in (block.get("status", ""), block.get("diagnostic-code", "")) if x)
        failed.append((recipient.lower(), note))
    original_id, tokens = "", ()
    if original is not None:
        found = _MSGID.findall(_header(original, "Message-ID"))
        original_id = found[0] if found else ""
        tokens = tuple(
            a for _, a in getaddresses([_header(original, h) for h in ("Reply-To", "From")]) if a
        )
    return DeliveryReport(tuple(failed), original_id, tokens)


def _original(part: MimeMessage) -> MimeMessage | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            return inner[0]
        return inner if isinstance(inner, MimeMessage) else None
    payload = part.get_payload(decode=True) or b""
    return message_from_bytes(payload)


def _status_blocks(part: MimeMessage) -> list[dict[str, str]]:
    """The per-message and per-recipient fields of a message/delivery-status part."""
    blocks: list[dict[str, str]] = []
    payload = part.get_payload()
    if isinstance(payload, list):  # parsed as a list of header blocks
        for sub in payload:
            blocks.append({k.lower(): " ".join(str(v).split()) for k, v in sub.items()})
        return blocks
    raw = part.get_payload(decode=True) or b""
    for chunk in re.split(r"\r?\n\s*\r?\n", raw.decode("utf-8", "replace")):
        fields: dict[str, str] = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", chunk).splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def parse_mail(raw: bytes) -> ParsedMail:
    """Read the parts of a raw RFC 5322 mail the pass needs."""
    # The compat32 policy: the default one parses every header into objects, ten times slower.
    msg = message_from_bytes(raw)
    name, address = parseaddr(_header(msg, "From"))
    name = _decoded(name)
    sent_at = None
    date_text = _header(msg, "Date")
    if date_text:
        try:
            sent_at = parsedate_to_datetime(date_text)
            sent_at = sent_at.replace(tzinfo=UTC) if sent_at.tzinfo is None else sent_at
        except (TypeError, ValueError):
            sent_at = None
    heads = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
    addresses = tuple(a for _, a in getaddresses([_header(msg, h) for h in heads]) if a)
    thread = _MSGID.findall(_header(msg, "In-Reply-To"))
    thread += list(reversed(_MSGID.findall(_header(msg, "References"))))
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    subject = _decoded(_header(msg, "Subject"))
    auto = (
        (auto_submitted not in ("", "no"))
        or bool(_header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"))
        or _header(msg, "Precedence").lower() == "auto_reply"
        or bool(_AUTO_SUBJECT.match(subject))
    )
    report = _report(msg)
    found_id = _MSGID.findall(_header(msg, "Message-ID"))
    return ParsedMail(
        header_id=found_id[0][:250] if found_id else "",
        from_address=address.lower()[:200],
        from_name=name[:200],
        subject=subject[:300],
        sent_at=sent_at,
        addresses=addresses,
        thread_ids=tuple(dict.fromkeys(thread)),
        auto=auto,
        report=report,
        text="" if report is not None else _text_of(msg),
    )
