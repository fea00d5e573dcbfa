"""The optional TOTP second factor of admins and collectors: turn it on, off, and the admin's reset.

Turning it on takes two steps: `start` keeps a fresh secret for the user (not yet asked at login)
and gives it as an otpauth URI and a QR code; `confirm` turns it on once a code from the user's
app is right, and gives ten recovery codes, shown once (the store keeps only their hashes).
`turn_off` needs a current code, a recovery code, or the user's password. An admin can reset
another user's second factor (a lost phone). Every change is in the audit log.

The secret is kept as is in the store (the code must be computed from it), so the store's backups
are as sensitive as the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import AccessDenied, Viewer, audit
from src_dash.clock import utcnow
from src_dash.services import totp
from src_dash.services.admin import require_admin
from src_dash.services.auth import check_password
from src_dash.store import User
from src_dash.store.locking import write_session
from src_dash.store.users import RecoveryCode


class SecondFactorError(ValueError):
    """A change of the second factor is refused; `code` says why ("on", "off", "wrong")."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SecondFactor:
    """Where a user stands: whether their role may use it, whether it is on, recovery codes left."""

    allowed: bool
    enabled: bool
    recovery_left: int


@dataclass(frozen=True)
class Enrolment:
    """A secret being set up: to type (`secret`), to scan (`qr`: an SVG data URI of `uri`)."""

    secret: str
    uri: str
    qr: str


def _allowed(who: Viewer) -> None:
    if who.role not in totp.ROLES_WITH_TOTP:
        raise AccessDenied("the second factor is for admins and collectors")


def _row(conn: Connection, user_id: int):  # noqa: ANN202
    u = User.__table__
    return conn.execute(
        select(u.c.totp_secret, u.c.totp_enabled_at, u.c.password_hash).where(u.c.id == user_id)
    ).one()


def status(engine: Engine, who: Viewer) -> SecondFactor:
    """The viewer's own second factor."""
    r = RecoveryCode.__table__
    with engine.connect() as conn:
        row = _row(conn, who.user_id)
        left = conn.execute(
            select(func.count()).where(r.c.user_id == who.user_id, r.c.used_at.is_(None))
        ).scalar_one()
    enabled = row.totp_enabled_at is not None
    return SecondFactor(who.role in totp.ROLES_WITH_TOTP, enabled, int(left) if enabled else 0)


def start(engine: Engine, who: Viewer) -> Enrolment:
    """Keep a new secret for the viewer (not asked at login until `confirm`) and give it.

    Raises:
        AccessDenied: the viewer is neither an admin nor a collector.
        SecondFactorError: it is already on ("on").
    """
    _allowed(who)
    secret = totp.new_secret()
    u = User.__table__
    with write_session(engine) as session:
        conn = session.connection()
        if _row(conn, who.user_id).totp_enabled_at is not None:
            raise SecondFactorError("on", "the second factor is already on")
        conn.execute(update(u).where(u.c.id == who.user_id).values(totp_secret=secret))
        session.commit()
    uri = totp.otpauth_uri(secret, who.login)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return Enrolment(secret, uri, qr)


def confirm(engine: Engine, who: Viewer, code: str, now: datetime | None = None) -> list[str]:
    """Turn the second factor on with a code of the secret `start` gave; return the recovery
    codes (shown once: only their hashes are kept).

    Raises:
        AccessDenied: the viewer is neither an admin nor a collector.
        SecondFactorError: no secret being set up, or it is already on ("off"/"on"), or the
            code is not the app's code now ("wrong").
    """
    _allowed(who)
    now = now or utcnow()
    codes = totp.new_recovery_codes()
    u = User.__table__
    with write_session(engine) as session:
        conn = session.connection()
        row = _row(conn, who.user_id)
        if row.totp_enabled_at is not None:
            raise SecondFactorError("on", "the second factor is already on")
        if not row.totp_secret:
            raise SecondFactorError("off", "start setting the second factor up first")
        step = totp.matching_step(row.totp_secret, code, now, None)
        if step is None:
            raise SecondFactorError("wrong", "this is not the code the app shows now")
        conn.execute(
            update(u).where(u.c.id == who.user_id).values(totp_enabled_at=now, totp_last_step=step)
        )
        totp.store_recovery_codes(conn, who.user_id, codes)
        audit(conn, who, "user.second_factor_on", "user", who.user_id, login=who.login)
        session.commit()
    return codes


def turn_off(engine: Engine, who: Viewer, proof: str, now: datetime | None = None) -> None:
    """Turn the viewer's second factor off, proved by a current code, a recovery code or their
    password.

    Raises:
        SecondFactorError: it is not on ("off"), or the proof is wrong ("wrong").
    """
    now = now or utcnow()
    with engine.connect() as conn:
        row = _row(conn, who.user_id)
    if row.totp_enabled_at is None:
        raise SecondFactorError("off", "the second factor is not on")
    by_password = check_password(proof or "", row.password_hash)
    with write_session(engine) as session:
        conn = session.connection()
        how = "password" if by_password else totp.use_code(conn, who.user_id, proof or "", now)
        if how is None:
            audit(conn, who, "user.second_factor_refused", "user", who.user_id, login=who.login)
            session.commit()
            raise SecondFactorError("wrong", "wrong code or password")
        _clear(conn, who.user_id)
        audit(conn, who, "user.second_factor_off", "user", who.user_id, login=who.login, by=how)
        session.commit()


def reset(engine: Engine, who: Viewer, user_id: int) -> bool:
    """The admin turns a user's second factor off (a lost phone); whether it was on.

    Raises:
        AccessDenied: for a non-admin.
    """
    require_admin(who)
    u = User.__table__
    with write_session(engine) as session:
        conn = session.connection()
        row = conn.execute(select(u.c.login, u.c.totp_enabled_at).where(u.c.id == user_id)).first()
        if row is None:
            return False
        _clear(conn, user_id)
        audit(conn, who, "user.second_factor_reset", "user", user_id, login=row.login)
        session.commit()
    return row.totp_enabled_at is not None


def _clear(conn: Connection, user_id: int) -> None:
    """No secret, no recovery codes: the login asks only for the password again."""
    u, r = User.__table__, RecoveryCode.__table__
    conn.execute(
        update(u)
        .where(u.c.id == user_id)
        .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None)
    )
    conn.execute(r.delete().where(r.c.user_id == user_id))
