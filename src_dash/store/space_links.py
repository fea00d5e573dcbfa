"""Personal links to the customer's space as the store keeps them: issuing one, and the address
it opens (see `src_dash.services.customer_space.links` for resolving, revoking and the throttle).

A token is `secrets.token_urlsafe(TOKEN_BYTES)` (192 bits); only its SHA-256 is stored, bound to
one customer of one company. The dunning issues one for every message it actually sends or
prints (`issue_in`, in its own transaction), never for a preview: previews and the messages kept
in the outbox carry `EXAMPLE_URL`'s clearly fake token instead, which the sending replaces
(`with_link`), so no live token is ever stored in a message.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from src_dash.store.customers import Customer
from src_dash.store.space import SpaceLink

TOKEN_BYTES = 24
VALID_FOR = timedelta(days=90)
DEFAULT_PUBLIC_URL = "http://127.0.0.1:3000"
SPACE_PATH = "espace"
# The token shown in previews and kept in stored messages: never a valid token (a valid one is
# 32 characters of the URL-safe alphabet, all random), and plain to read as an example.
EXAMPLE_TOKEN = "EXEMPLE-lien-personnel"
_EXAMPLE_LINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]*?/espace/" + EXAMPLE_TOKEN)


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public_url(env: dict[str, str] | None = None) -> str:
    """The public address links are built on: `SRC_DASH_PUBLIC_URL`, without a trailing slash."""
    env = os.environ if env is None else env
    return (env.get("SRC_DASH_PUBLIC_URL") or DEFAULT_PUBLIC_URL).strip().rstrip("/")


def link_url(token: str, env: dict[str, str] | None = None) -> str:
    """The address of the space a token opens."""
    return f"{public_url(env)}/{SPACE_PATH}/{token}"


def example_url(env: dict[str, str] | None = None) -> str:
    """The fake link of previews, samples and stored messages (replaced when sent)."""
    return link_url(EXAMPLE_TOKEN, env)


def has_example(*texts: str) -> bool:
    """Whether some text carries the example link (to be replaced by a real one)."""
    return any(_EXAMPLE_LINK.search(t or "") for t in texts)


def with_link(text: str, url: str) -> str:
    """`text` with every example link replaced by `url` (whatever public address it had)."""
    return _EXAMPLE_LINK.sub(lambda _: url, text or "")


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the token is known only here, never stored."""

    link_id: int
    company_id: int
    customer_id: int
    token: str
    url: str
    expires_at: datetime


def issue_in(
    conn: Connection, customer_id: int, now: datetime, created_by: int | None = None
) -> IssuedLink:
    """Issue a link for a customer in the caller's transaction (the dunning does it for every
    message it sends or prints); the customer's live links are renewed to the same expiry.

    Raises:
        LookupError: for an unknown customer.
    """
    c, t = Customer.__table__, SpaceLink.__table__
    customer = conn.execute(select(c.c.id, c.c.company_id).where(c.c.id == customer_id)).first()
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + VALID_FOR
    conn.execute(
        t.update()
        .where(t.c.customer_id == customer.id, t.c.revoked_at.is_(None), t.c.expires_at > now)
        .values(expires_at=expires)
    )
    link_id = conn.execute(
        t.insert().values(
            company_id=customer.company_id,
            customer_id=customer.id,
            token_hash=hash_token(token),
            created_by=created_by,
            created_at=now,
            expires_at=expires,
            uses=0,
        )
    ).inserted_primary_key[0]
    return IssuedLink(link_id, customer.company_id, customer.id, token, link_url(token), expires)
