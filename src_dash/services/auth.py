"""Users, passwords and login sessions: plain Python, used by the app's login and by the CLI.

Passwords are hashed with scrypt (standard library) and a salt per user. A login gives the browser
an opaque random token; the store keeps only its SHA-256, with an expiry, so a stolen database
holds no usable session. A session also ends after `IDLE_TIMEOUT` without use.

Failed logins are throttled per login and per client address (`login_guard`), written in the
audit log like successful ones (a refusal in one write transaction), and an unknown login costs
the same hash as a known one. An admin or collector may turn on a TOTP second factor
(`second_factor`): their login then needs a code too, and a wrong code counts as a failure. When the
app listens on a network address (`SRC_DASH_HOST`), a user still on the published demo password
must choose their own before working.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from src_dash.access import AccessDenied, Viewer, audit, identity, viewer
from src_dash.clock import utcnow
from src_dash.services import login_guard, totp
from src_dash.services.passwords import PUBLISHED, password_problem
from src_dash.store import AuditLog, User, UserSession
from src_dash.store.locking import write_session

ROLES = ("admin", "collector", "sales_rep", "read_only")
SESSION_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SRC_DASH_IDLE_MINUTES", "60")))
# A session's last use is written at most this often (not on every event).
SEEN_EVERY = timedelta(minutes=1)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# scrypt cost: about 50 ms a hash on this kind of machine.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class AuthError(ValueError):
    """A login or a user change is refused; the message says why, without leaking secrets."""


class LoginHeld(AuthError):
    """Too many failed logins: the next attempt waits until `until` (`locked` for a lock)."""

    def __init__(self, until: datetime, locked: bool) -> None:
        super().__init__("too many failed logins: try again later")
        self.until = until
        self.locked = locked


class PasswordChangeRequired(AuthError):
    """The password was right but is the published one: the user must choose their own."""


class SecondFactorRequired(AuthError):
    """The password was right and the user's second factor is on: a code is needed too."""


class WrongCode(AuthError):
    """The second factor's code is wrong, or was already used."""


class WeakPassword(AuthError):
    """A new password the policy refuses; `code` names the rule ("short", "guessable", ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def listens_publicly() -> bool:
    """Whether the app listens on a network address rather than this machine's loopback."""
    return os.environ.get("SRC_DASH_HOST", "127.0.0.1").strip() not in LOOPBACK


def checked_password(password: str, login: str = "", name: str = "", email: str = "") -> str:
    """The hash of a new password the policy accepts.

    Raises:
        WeakPassword: too short, published, or too easy to guess.
    """
    problem = password_problem(password, login=login, name=name, email=email)
    if problem is not None:
        raise WeakPassword(problem.code, problem.message)
    return hash_password(password)


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


@functools.cache
def _dummy_hash() -> str:
    """A hash to check an unknown login's password against: the same work as a known one's."""
    return hash_password(secrets.token_urlsafe(16))


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


def log_in(
    engine: Engine,
    login: str,
    password: str,
    now: datetime | None = None,
    address: str = "",
    new_password: str | None = None,
    code: str | None = None,
) -> str:
    """Check a login and password (and the second factor's code); return a new session token.

    `address` is the client's (for throttling and the audit log). When the app listens publicly
    and the password is the published demo one, the login goes through only with a
    `new_password`, which then replaces it. A user whose TOTP second factor is on must also give
    a `code`: one from their authenticator app not used before, or one of their recovery codes;
    a wrong code counts as a failed login.

    Raises:
        LoginHeld: too many failures for this login or address (the password is not checked).
        AuthError: the same message whether the login or the password is wrong.
        PasswordChangeRequired: right password, but the published one, and no `new_password`.
        WeakPassword: the `new_password` given is refused by the policy.
        SecondFactorRequired: right password, the second factor is on, and no `code`.
        WrongCode: the code is wrong or already used (nothing else is changed).
    """
    now = now or utcnow()
    attempt = login_guard.keys(login, address)
    with engine.connect() as conn:
        held = login_guard.hold(conn, attempt, now)
    if held is not None:
        _refuse(engine, None, "login.held", login, address)
        raise LoginHeld(held.until, held.locked)
    # Read, check the hash (slow on purpose) outside any transaction, then write in a short
    # one of its own: logins at the same moment then never wait on each other's locks.
    with Session(engine) as session:
        user = session.exec(select(User).where(User.login == login, User.active)).first()
        found = None if user is None else (user.id, user.password_hash, user.name, user.email)
        two_factor = user is not None and user.totp_enabled_at is not None
    if not check_password(password, found[1] if found else _dummy_hash()) or found is None:
        _refuse(engine, found[0] if found else None, "login.failed", login, address, attempt, now)
        raise AuthError("unknown login or wrong password")
    user_id = found[0]
    new_hash = None
    if new_password is not None:
        new_hash = checked_password(new_password, login, found[2], found[3])
    elif listens_publicly() and password in PUBLISHED:
        raise PasswordChangeRequired("the published password must be changed before working")
    if two_factor and not (code or "").strip():
        raise SecondFactorRequired("the code of the second factor is needed")
    token = secrets.token_urlsafe(32)
    with write_session(engine) as session:
        conn = session.connection()
        factor = totp.use_code(conn, user_id, code or "", now) if two_factor else None
        if two_factor and factor is None:
            _refusal(conn, user_id, "login.code_failed", login, address, attempt, now)
            session.commit()
            raise WrongCode("wrong or already used code")
        _open_session(session, user_id, login, address, token, now, new_hash, factor)
        session.commit()
    return token


def _open_session(  # noqa: PLR0913
    session: Session,
    user_id: int,
    login: str,
    address: str,
    token: str,
    now: datetime,
    new_hash: str | None,
    factor: str | None,
) -> None:
    """A login that went through, in the caller's transaction: the throttle's count cleared, the
    new password (if any), the session, and the audit line (with the second factor used)."""
    conn = session.connection()
    login_guard.record_success(conn, login)
    if new_hash is not None:
        u = User.__table__
        conn.execute(update(u).where(u.c.id == user_id).values(password_hash=new_hash))
        audit(conn, None, "user.change_password", "user", user_id, login=login)
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
        )
    )
    details = {"address": address} if address else {}
    session.add(
        AuditLog(
            user_id=user_id,
            action="login",
            entity="user",
            entity_id=user_id,
            details={**details, **({"second_factor": factor} if factor else {})},
        )
    )


def _refuse(
    engine: Engine,
    user_id: int | None,
    action: str,
    login: str,
    address: str,
    attempt: tuple[str, ...] = (),
    now: datetime | None = None,
) -> None:
    """A refused login, in one write transaction: counted against `attempt`'s keys (when given)
    and written in the audit log."""
    with write_session(engine) as session:
        _refusal(session.connection(), user_id, action, login, address, attempt, now)
        session.commit()


def _refusal(
    conn: Connection,
    user_id: int | None,
    action: str,
    login: str,
    address: str,
    attempt: tuple[str, ...],
    now: datetime | None,
) -> None:
    """Count a refused login against its keys (when given) and write its audit line (the login
    tried, cut short, and the address) in the caller's transaction."""
    if attempt:
        login_guard.record_failure(conn, attempt, now or utcnow())
    details = {"login": login[:80], **({"address": address} if address else {})}
    conn.execute(
        AuditLog.__table__.insert().values(
            user_id=user_id,
            action=action,
            entity="user",
            entity_id=user_id,
            details=details,
            at=utcnow(),
        )
    )


def change_password(
    engine: Engine, token: str, current: str, new: str, now: datetime | None = None
) -> None:
    """The signed-in user changes their own password; their other sessions end at once.

    Raises:
        AuthError: the session is not valid, or `current` is wrong.
        WeakPassword: the new password is refused by the policy.
    """
    who = signed_in(engine, token, now)
    if who is None:
        raise AuthError("not signed in")
    with Session(engine) as session:
        user = session.get(User, who.user_id)
        stored, name, email = user.password_hash, user.name, user.email
    if not check_password(current, stored):
        raise AuthError("the current password is wrong")
    new_hash = checked_password(new, who.login, name, email)
    u, s = User.__table__, UserSession.__table__
    with write_session(engine) as session:
        conn = session.connection()
        conn.execute(update(u).where(u.c.id == who.user_id).values(password_hash=new_hash))
        conn.execute(
            delete(s).where(s.c.user_id == who.user_id, s.c.token_hash != _token_hash(token))
        )
        audit(conn, None, "user.change_password", "user", who.user_id, login=who.login)
        session.commit()


def on_published_password(engine: Engine) -> list[str]:
    """The logins of active users whose password is still a published one (slow: a hash each)."""
    with Session(engine) as session:
        users = session.exec(select(User.login, User.password_hash).where(User.active)).all()
    return [login for login, stored in users if any(check_password(p, stored) for p in PUBLISHED)]


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
        seen = user_session.last_seen_at or user_session.created_at
        if user_session.expires_at <= now or now - seen >= IDLE_TIMEOUT or not user.active:
            return None
        who = SignedIn(**identity(user))
        session_id = user_session.id
    if now - seen >= SEEN_EVERY:
        _seen(engine, session_id, now)
    return who


def _seen(engine: Engine, session_id: int, now: datetime) -> None:
    """Note that a session was used now (keeps it from the idle timeout)."""
    s = UserSession.__table__
    with write_session(engine) as session:
        session.connection().execute(update(s).where(s.c.id == session_id).values(last_seen_at=now))
        session.commit()


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

    The sales rep user is the Sage sales rep with the most customers, and has their name, so
    their portfolio is a real part of the demo; the collector sees every customer.
    """
    from sqlalchemy import func

    from src_dash.store import Customer, SalesRep

    with Session(engine) as session:
        rep = session.exec(
            select(SalesRep.id, func.count(Customer.id), SalesRep.first_name, SalesRep.last_name)
            .join(Customer, Customer.sales_rep_id == SalesRep.id)
            .group_by(SalesRep.id, SalesRep.first_name, SalesRep.last_name)
            .order_by(func.count(Customer.id).desc(), SalesRep.id)
        ).first()
        existing = set(session.exec(select(User.login)).all())
    created = []
    for login, role, name in DEMO_USERS:
        if login in existing or (role == "sales_rep" and rep is None):
            continue
        if role == "sales_rep":  # the user is that Sage sales rep: their name, not another
            name = " ".join(p for p in (rep[2], rep[3]) if p) or name
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
