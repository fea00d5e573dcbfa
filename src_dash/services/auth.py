"""Users, passwords and login sessions: plain Python, used by the app's login and by the CLI.

Passwords are hashed with scrypt (standard library) and a salt per user. A login gives the browser
an opaque random token; the store keeps only its SHA-256, with an expiry, so a stolen database
holds no usable session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.clock import utcnow
from src_dash.store import AuditLog, User, UserSession
from src_dash.store.locking import write_session

ROLES = ("admin", "collector", "sales_rep", "read_only")
SESSION_LIFETIME = timedelta(hours=12)
# scrypt cost: about 50 ms a hash on this kind of machine.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class AuthError(ValueError):
    """A login or a user change is refused; the message says why, without leaking secrets."""


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in: what the UI keeps of a user (never the password hash)."""

    user_id: int
    login: str
    name: str
    role: str
    language: str
    timezone: str


def hash_password(password: str) -> str:
    """Hash a password as `scrypt$n$r$p$salt$hash` (base64), with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    encode = base64.b64encode
    return (
        f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"
    )


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by `hash_password` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(actual, expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    engine: Engine,
    login: str,
    password: str,
    role: str,
    name: str = "",
    email: str = "",
    sales_rep_id: int | None = None,
    sees_all_customers: bool = False,
    language: str = "fr",
) -> int:
    """Create a user; return its id.

    Raises:
        AuthError: unknown role, login taken, a password under 8 characters, or a sales rep
            user without its Sage sales rep (their portfolio would be undefined).
    """
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise AuthError("the password must have at least 8 characters")
    if role == "sales_rep" and sales_rep_id is None:
        raise AuthError("a sales rep user needs the Sage sales rep whose customers they see")
    with write_session(engine) as session:
        if session.exec(select(User).where(User.login == login)).first():
            raise AuthError(f"the login {login!r} is taken")
        user = User(
            login=login,
            name=name or login,
            email=email,
            password_hash=hash_password(password),
            role=role,
            sales_rep_id=sales_rep_id,
            sees_all_customers=sees_all_customers,
            language=language,
        )
        session.add(user)
        session.flush()
        session.add(
            AuditLog(user_id=user.id, action="user.create", entity="user", entity_id=user.id)
        )
        session.commit()
        return user.id


def log_in(engine: Engine, login: str, password: str, now: datetime | None = None) -> str:
    """Check a login and password; return a new session token for the browser.

    Raises:
        AuthError: the same message whether the login or the password is wrong.
    """
    now = now or utcnow()
    # Read, check the hash (slow on purpose) outside any transaction, then write in a short
    # one of its own: logins at the same moment then never wait on each other's locks.
    with Session(engine) as session:
        user = session.exec(select(User).where(User.login == login, User.active)).first()
        found = None if user is None else (user.id, user.password_hash)
    if found is None or not check_password(password, found[1]):
        raise AuthError("unknown login or wrong password")
    user_id = found[0]
    token = secrets.token_urlsafe(32)
    with write_session(engine) as session:
        session.add(
            UserSession(
                token_hash=_token_hash(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
        session.add(AuditLog(user_id=user_id, action="login", entity="user", entity_id=user_id))
        session.commit()
    return token


def signed_in(engine: Engine, token: str, now: datetime | None = None) -> SignedIn | None:
    """The user a session token belongs to, or None when it is unknown, expired or disabled."""
    if not token:
        return None
    now = now or utcnow()
    with Session(engine) as session:
        found = session.exec(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _token_hash(token))
        ).first()
        if found is None:
            return None
        user_session, user = found
        if user_session.expires_at <= now or not user.active:
            return None
        return SignedIn(
            user_id=user.id,
            login=user.login,
            name=user.name,
            role=user.role,
            language=user.language,
            timezone=user.timezone,
        )


def viewer_for_token(engine: Engine, token: str) -> Viewer | None:
    """The viewer a session token belongs to, or None when it is unknown or expired."""
    who = signed_in(engine, token)
    if who is None:
        return None
    try:
        return viewer(engine, who.user_id)
    except AccessDenied:
        return None


def log_out(engine: Engine, token: str) -> None:
    """End a session (the token stops working at once)."""
    with write_session(engine) as session:
        session.exec(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
        session.commit()


def purge_expired_sessions(engine: Engine, now: datetime | None = None) -> int:
    """Delete expired sessions; return how many."""
    now = now or utcnow()
    with write_session(engine) as session:
        result = session.exec(delete(UserSession).where(UserSession.expires_at <= now))
        session.commit()
        return result.rowcount


DEMO_PASSWORD = "demo-src-dash"
DEMO_USERS = (
    ("admin", "admin", "Claire Martin (DAF)"),
    ("recouvrement", "collector", "Julien Petit (recouvrement)"),
    ("commercial", "sales_rep", "Sophie Bernard (commerciale)"),
    ("direction", "read_only", "Marc Durand (direction)"),
)


def seed_demo_users(engine: Engine) -> list[tuple[str, str]]:
    """Create one demo user per role (password DEMO_PASSWORD) unless they exist.

    The sales rep user is the Sage sales rep with the most customers, so their portfolio is a
    real part of the demo; the collector sees every customer.
    """
    from sqlalchemy import func

    from src_dash.store import Customer, SalesRep

    with Session(engine) as session:
        rep = session.exec(
            select(SalesRep.id, func.count(Customer.id))
            .join(Customer, Customer.sales_rep_id == SalesRep.id)
            .group_by(SalesRep.id)
            .order_by(func.count(Customer.id).desc(), SalesRep.id)
        ).first()
        existing = set(session.exec(select(User.login)).all())
    created = []
    for login, role, name in DEMO_USERS:
        if login in existing or (role == "sales_rep" and rep is None):
            continue
        create_user(
            engine,
            login,
            DEMO_PASSWORD,
            role,
            name=name,
            sales_rep_id=rep[0] if role == "sales_rep" else None,
            sees_all_customers=role == "collector",
        )
        created.append((login, role))
    return created
