"""TOTP codes (RFC 6238, with pyotp) and single-use recovery codes: the checks the login and the
enrolment share.

A code is accepted for its 30-second step and one step either side (clock drift), and only for a
step later than the last one used by the same user: a code seen over a shoulder or replayed
within its window is refused. The step is taken with a conditional UPDATE, so two logins with
the same code at the same moment cannot both go through. Recovery codes are 16 characters
(about 79 bits, so a plain SHA-256 of them is safe to keep); each works once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from src_dash.store import User
from src_dash.store.users import RecoveryCode

ROLES_WITH_TOTP = ("admin", "collector")
ISSUER = "src_dash"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # steps either side of now that are still accepted
RECOVERY_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 16
_DIGITS = re.compile(r"\d{6}")


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def otpauth_uri(secret: str, login: str) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=login, issuer_name=ISSUER
    )


def step_of(now: datetime) -> int:
    """The TOTP time step `now` falls in."""
    return int(now.timestamp()) // STEP_SECONDS


def clean(code: str) -> str:
    """A typed code without its spaces and dashes, in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The step (around now, later than `after`) whose code is `code`, else None."""
    code = clean(code)
    if not _DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    here = step_of(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def recovery_hash(code: str) -> str:
    """What the store keeps of a recovery code."""
    return hashlib.sha256(clean(code).encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    """`RECOVERY_COUNT` fresh codes, written "abcd-efgh-jkmn-pqrs"."""
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def store_recovery_codes(conn: Connection, user_id: int, codes: list[str]) -> None:
    """Replace a user's recovery codes by `codes` (kept hashed)."""
    r = RecoveryCode.__table__
    conn.execute(r.delete().where(r.c.user_id == user_id))
    conn.execute(r.insert(), [{"user_id": user_id, "code_hash": recovery_hash(c)} for c in codes])


def use_code(conn: Connection, user_id: int, code: str, now: datetime) -> str | None:
    """Spend a TOTP code or a recovery code of a user whose second factor is on, in the caller's
    transaction: "totp" or "recovery" when it is good and unused, else None."""
    u, r = User.__table__, RecoveryCode.__table__
    row = conn.execute(
        select(u.c.totp_secret, u.c.totp_last_step).where(
            u.c.id == user_id, u.c.totp_enabled_at.is_not(None)
        )
    ).first()
    if row is None or not row.totp_secret:
        return None
    step = matching_step(row.totp_secret, code, now, row.totp_last_step)
    if step is not None:
        taken = conn.execute(
            update(u)
            .where(
                u.c.id == user_id,
                (u.c.totp_last_step.is_(None)) | (u.c.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return "totp" if taken.rowcount == 1 else None
    if len(clean(code)) != RECOVERY_LENGTH:
        return None
    spent = conn.execute(
        update(r)
        .where(
            r.c.user_id == user_id,
            r.c.code_hash == recovery_hash(code),
            r.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return "recovery" if spent.rowcount == 1 else None
