"""Personal links to the customer's space: issued, renewed, revoked, and resolved to a customer.

A token is `secrets.token_urlsafe(TOKEN_BYTES)` (192 bits); only its SHA-256 is stored, bound to
one customer of one company (issued by `src_dash.store.space_links.issue_in`, which the dunning
calls for every message it sends or prints). It works until `expires_at` (`VALID_FOR` after the
last message that carried a link) unless revoked. `resolve` is the only way in: it is
throttled per token and per client address (`space_throttle`, fixed windows of `WINDOW`) and
writes every access, granted or refused, to the audit log with the address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, AccessDenied, Scope, Viewer, audit, check_customers, require
from src_dash.clock import utcnow
from src_dash.store import Customer
from src_dash.store.space import SpaceLink, SpaceThrottle
from src_dash.store.space_links import (
    DEFAULT_PUBLIC_URL,
    SPACE_PATH,
    TOKEN_BYTES,
    VALID_FOR,
    IssuedLink,
    hash_token,
    issue_in,
    link_url,
    public_url,
)

WINDOW = timedelta(minutes=15)
ADDRESS_FAILURES = 20  # refused tokens from one address per window before it is held
ADDRESS_HITS = 600  # uses from one address per window (an office shares one)
TOKEN_HITS = 240  # uses of one token per window
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")

__all__ = [
    "DEFAULT_PUBLIC_URL",
    "SPACE_PATH",
    "TOKEN_BYTES",
    "VALID_FOR",
    "IssuedLink",
    "Resolution",
    "SpaceAccess",
    "checked",
    "hash_token",
    "issue_in",
    "issue_link",
    "link_url",
    "public_url",
    "resolve",
    "revoke_links",
    "space_viewer",
]


@dataclass(frozen=True)
class SpaceAccess:
    """A customer let in by a valid link: all the space may read or change is theirs."""

    link_id: int
    company_id: int
    customer_id: int
    language: str
    address: str


@dataclass(frozen=True)
class Resolution:
    """What a token opens: the access, or why it was refused (unknown, expired, revoked,
    throttled; the page says the same thing for all)."""

    access: SpaceAccess | None
    refusal: str = ""


def issue_link(engine: Engine, who: Viewer, customer_id: int) -> IssuedLink:
    """Issue a link to a customer's space (a collector resending it from the card).

    Raises:
        AccessDenied: for a role that may not work, or a customer outside the viewer's scope.
    """
    require(who, WORK)
    now = utcnow()
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        issued = issue_in(conn, customer_id, now, who.user_id)
        audit(conn, who, "space.issue", "customer", customer_id, link_id=issued.link_id)
    return issued


def revoke_links(engine: Engine, who: Viewer, customer_id: int) -> int:
    """Revoke every live link of a customer at once; how many were live.

    Raises:
        AccessDenied: for a role that may not work, or a customer outside the viewer's scope.
    """
    require(who, WORK)
    now = utcnow()
    t = SpaceLink.__table__
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        done = conn.execute(
            t.update()
            .where(t.c.customer_id == customer_id, t.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=who.user_id)
        ).rowcount
        audit(conn, who, "space.revoke", "customer", customer_id, links=done)
    return done


def _window(conn: Connection, key: str, now: datetime):  # noqa: ANN202
    """The throttle row of a key in the current window (a fresh one after the window)."""
    t = SpaceThrottle.__table__
    row = conn.execute(select(t).where(t.c.key == key)).first()
    if row is None:
        conn.execute(t.insert().values(key=key, window_start=now, hits=0, failures=0))
    elif now - row.window_start >= WINDOW:
        conn.execute(t.update().where(t.c.key == key).values(window_start=now, hits=0, failures=0))
    else:
        return row
    return conn.execute(select(t).where(t.c.key == key)).one()


def _count(conn: Connection, key: str, failed: bool) -> None:
    t = SpaceThrottle.__table__
    values = {"hits": t.c.hits + 1}
    if failed:
        values["failures"] = t.c.failures + 1
    conn.execute(t.update().where(t.c.key == key).values(**values))


def _held(conn: Connection, token_key: str, address_key: str | None, now: datetime) -> bool:
    """Whether this token or this address used up its window."""
    row = _window(conn, token_key, now)
    if row.hits >= TOKEN_HITS:
        return True
    if address_key is None:
        return False
    row = _window(conn, address_key, now)
    return row.hits >= ADDRESS_HITS or row.failures >= ADDRESS_FAILURES


def _refusal(link, now: datetime) -> str:  # noqa: ANN001  (a space_link row or None)
    if link is None:
        return "unknown"
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return ""


def resolve(
    engine: Engine, token: object, address: str = "", now: datetime | None = None
) -> Resolution:
    """The customer a token opens, or why not; every call is throttled and audited.

    Args:
        engine: the store.
        token: the token from the address (anything: it is checked here).
        address: the client's address (for the throttle and the audit log).
        now: the time (default the clock's).
    """
    now = now or utcnow()
    address = str(address or "")[:64]
    text = token if isinstance(token, str) else ""
    digest = hash_token(text)
    token_key, address_key = f"tok:{digest}", (f"addr:{address}" if address else None)
    t, c = SpaceLink.__table__, Customer.__table__
    with engine.begin() as conn:
        if _held(conn, token_key, address_key, now):
            refusal, link = "throttled", None
        else:
            link = None
            if _TOKEN_SHAPE.fullmatch(text):
                link = conn.execute(select(t).where(t.c.token_hash == digest)).first()
            refusal = _refusal(link, now)
            for key in (token_key, address_key):
                if key is not None:
                    _count(conn, key, failed=bool(refusal))
        if refusal:
            audit(
                conn,
                None,
                "space.refused",
                "space_link",
                link.id if link else None,
                reason=refusal,
                address=address,
                token=digest[:12],
            )
            return Resolution(None, refusal)
        conn.execute(
            t.update().where(t.c.id == link.id).values(last_used_at=now, uses=t.c.uses + 1)
        )
        language = conn.execute(select(c.c.language).where(c.c.id == link.customer_id)).scalar()
        audit(
            conn,
            None,
            "space.access",
            "customer",
            link.customer_id,
            link_id=link.id,
            address=address,
        )
    access = SpaceAccess(link.id, link.company_id, link.customer_id, language or "fr", address)
    return Resolution(access)


def space_viewer(access: SpaceAccess) -> Viewer:
    """The viewer the space acts as: a worker whose scope is this one customer of this one
    company, with no user behind it (its changes are authored by nobody: "Espace client")."""
    return Viewer(
        user_id=None,  # type: ignore[arg-type]  (no staff user: the customer)
        login="customer-space",
        name="Espace client",
        role="collector",
        language=access.language,
        scope=Scope(
            company_ids=frozenset({access.company_id}),
            customer_ids=frozenset({access.customer_id}),
        ),
    )


def checked(resolution: Resolution) -> SpaceAccess:
    """The access of a resolution.

    Raises:
        AccessDenied: when the token was refused (one message whatever the reason).
    """
    if resolution.access is None:
        raise AccessDenied("this link is not valid")
    return resolution.access
