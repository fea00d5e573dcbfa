"""Reply-To addresses that say which message a customer answers (plus-addressing with a token).

Every dunning email carries `Reply-To: relances+m123-1a2b3c4d@domaine.fr`: the company's
collection mailbox, tagged with the message id and the first 8 hex digits of an HMAC-SHA256 of
that id under the company's reply secret. A reply that reaches the mailbox names its message even
when the customer's client drops In-Reply-To; the HMAC keeps a forged or mistyped tag from landing
on another customer's timeline.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from email.utils import parseaddr

# The tag: "m" + message id + "-" + 8 hex digits of the HMAC.
TAG_RE = re.compile(r"^m(?P<id>[1-9][0-9]{0,17})-(?P<mac>[0-9a-f]{8})$")
MAC_LENGTH = 8


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def reply_mac(message_id: int, secret: bytes | str) -> str:
    """The 8 hex digits that sign a message id under a company's reply secret.

    Args:
        message_id: the message's id in the store.
        secret: the company's reply secret (`CompanyMessaging.reply_secret`).

    Returns:
        Eight lowercase hex digits.
    """
    digest = hmac.new(_key(secret), f"m{int(message_id)}".encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:MAC_LENGTH]


def reply_token(message_id: int, secret: bytes | str) -> str:
    """The plus-address tag of a message, e.g. `m123-1a2b3c4d`."""
    return f"m{int(message_id)}-{reply_mac(message_id, secret)}"


def reply_to(mailbox: str, message_id: int, secret: bytes | str) -> str:
    """The Reply-To address of a message: the collection mailbox tagged with the message's token.

    Args:
        mailbox: the company's collection mailbox, e.g. `relances@domaine.fr` (a tag it already
            carries, `relances+x@...`, is replaced).
        message_id: the message's id in the store.
        secret: the company's reply secret.

    Returns:
        `relances+m123-1a2b3c4d@domaine.fr`.

    Raises:
        ValueError: the mailbox is not an address (no `@`).
    """
    local, domain = _split(mailbox)
    if not local or not domain:
        raise ValueError(f"boîte de relance invalide : {mailbox!r} (adresse attendue)")
    base = local.split("+", 1)[0]
    return f"{base}+{reply_token(message_id, secret)}@{domain}"


def parse_reply_token(address: str, secret: bytes | str | None = None) -> int | None:
    """The message id a reply address names, or None when it names none.

    Accepts a bare address or a header value (`"Relances" <relances+m123-...@x.fr>`), in any case.

    Args:
        address: the address a reply was sent to (To, Delivered-To, X-Original-To...).
        secret: the company's reply secret; when given, a tag whose HMAC does not match gives None.
            Pass it whenever the mailbox's company is known (it always is for the IMAP reader).

    Returns:
        The message id, or None (no tag, a malformed tag, or a wrong signature).
    """
    local, _domain = _split(address)
    if "+" not in local:
        return None
    tag = local.split("+", 1)[1].lower()
    match = TAG_RE.match(tag)
    if match is None:
        return None
    message_id = int(match.group("id"))
    if secret is not None and not hmac.compare_digest(
        match.group("mac"), reply_mac(message_id, secret)
    ):
        return None
    return message_id


def _split(address: str) -> tuple[str, str]:
    _name, addr = parseaddr(address or "")
    addr = addr.strip()
    if "@" not in addr:
        return addr, ""
    local, domain = addr.rsplit("@", 1)
    return local, domain.lower()
