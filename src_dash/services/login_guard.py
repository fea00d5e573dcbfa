"""Throttling of failed logins, per login and per client address.

The first `FREE_FAILURES` failures in a row of a login cost nothing (`ADDRESS_FREE_FAILURES` for
an address: an office behind one address has many users); each one after makes the next attempt
wait twice as long (1 s, 2 s, 4 s, ... up to a minute); at `LOCK_AFTER` failures
(`ADDRESS_LOCK_AFTER`) the key is locked for `LOCK_FOR`. A success clears the login's count (not
the address's: one good password does not open the door to guessing others from the same place).
Failures older than `FORGET_AFTER` are forgotten. An admin can unlock a login at once.

Keys are "login:<login, lower case>" and "addr:<address>": an unknown login is throttled like a
known one, so the answers say nothing of which logins exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.services.admin import require_admin
from src_dash.store import LoginThrottle
from src_dash.store.locking import write_session

FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 10
MAX_WAIT = timedelta(minutes=1)
LOCK_AFTER = 10
ADDRESS_LOCK_AFTER = 50
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


def keys(login: str, address: str) -> tuple[str, ...]:
    """The throttle keys of an attempt: its login, and its client address when known."""
    found = [f"login:{login.strip().lower()[:150]}"]
    if address:
        found.append(f"addr:{address[:150]}")
    return tuple(found)


def wait_after(failures: int, free: int = FREE_FAILURES) -> timedelta:
    """How long the next attempt waits after `failures` failures in a row (`free` cost nothing)."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - free)), MAX_WAIT)


def _limits(key: str) -> tuple[int, int]:
    """The failures a key may have free, and the failures that lock it."""
    if key.startswith("addr:"):
        return ADDRESS_FREE_FAILURES, ADDRESS_LOCK_AFTER
    return FREE_FAILURES, LOCK_AFTER


@dataclass(frozen=True)
class Hold:
    """An attempt refused before its password is checked: until when, and whether locked."""

    until: datetime
    locked: bool


def hold(conn: Connection, attempt_keys: tuple[str, ...], now: datetime) -> Hold | None:
    """Whether an attempt now must wait (the latest of its keys' holds), else None."""
    t = LoginThrottle.__table__
    rows = conn.execute(select(t).where(t.c.key.in_(attempt_keys))).all()
    holds = [h for h in (hold_of(row, now) for row in rows) if h is not None]
    return max(holds, key=lambda h: h.until, default=None)


def record_failure(conn: Connection, attempt_keys: tuple[str, ...], now: datetime) -> None:
    """Count a failed attempt against each key; lock a key that reached its limit."""
    t = LoginThrottle.__table__
    for key in attempt_keys:
        row = conn.execute(select(t).where(t.c.key == key)).first()
        if row is None:
            conn.execute(t.insert().values(key=key, failures=1, last_failure_at=now))
            continue
        stale = now - row.last_failure_at > FORGET_AFTER
        failures = 1 if stale else row.failures + 1
        locked = now + LOCK_FOR if failures >= _limits(key)[1] else None
        conn.execute(
            t.update()
            .where(t.c.key == key)
            .values(failures=failures, last_failure_at=now, locked_until=locked)
        )


def record_success(conn: Connection, login: str) -> None:
    """A login that worked starts again from zero."""
    t = LoginThrottle.__table__
    conn.execute(delete(t).where(t.c.key == keys(login, "")[0]))


@dataclass(frozen=True)
class Throttled:
    """A login or address being held, for the admin."""

    key: str
    failures: int
    last_failure_at: datetime
    locked_until: datetime | None


def throttled(engine: Engine, who: Viewer, now: datetime | None = None) -> list[Throttled]:
    """The logins and addresses held now (waiting or locked), the latest failure first.

    Raises:
        AccessDenied: for a non-admin.
    """
    require_admin(who)
    now = now or utcnow()
    t = LoginThrottle.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.last_failure_at.desc())).all()
    return [
        Throttled(r.key, r.failures, r.last_failure_at, r.locked_until)
        for r in rows
        if hold_of(r, now) is not None
    ]


def hold_of(row, now: datetime) -> Hold | None:  # noqa: ANN001
    """The hold one throttle row puts on an attempt now."""
    if now - row.last_failure_at > FORGET_AFTER:
        return None
    if row.locked_until is not None and row.locked_until > now:
        return Hold(row.locked_until, True)
    until = row.last_failure_at + wait_after(row.failures, _limits(row.key)[0])
    return Hold(until, False) if until > now else None


def unlock(engine: Engine, who: Viewer, login: str) -> bool:
    """Let a login try again at once (its count cleared); whether it was held at all.

    Raises:
        AccessDenied: for a non-admin.
    """
    require_admin(who)
    t = LoginThrottle.__table__
    key = keys(login, "")[0]
    with write_session(engine) as session:
        conn = session.connection()
        done = conn.execute(delete(t).where(t.c.key == key)).rowcount > 0
        audit(conn, who, "login.unlock", "user", None, login=login.strip().lower())
        session.commit()
    return done
