"""The schedule of the automatic sync: on or off and its interval, kept in `store_meta` (set by an
admin, read by the scheduler), and when the scheduler last started it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.services.admin import SettingsError
from src_dash.services.admin import require_admin as _admin
from src_dash.store import (
    StoreMeta,
)

# The automatic sync's schedule (JSON {"enabled", "minutes"}), and when the scheduler last
# started it (UTC, ISO), in `store_meta`.
SCHEDULE_KEY = "sync_schedule"
LAST_AUTO_SYNC_KEY = "sync_auto_last_run"
MIN_SYNC_MINUTES, MAX_SYNC_MINUTES = 5, 1440
# How late a due automatic sync may be before we stop believing a scheduler is running.
SCHEDULE_SLACK = timedelta(minutes=2)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """When the sync runs by itself.

    Attributes:
        interval_seconds: time between two automatic syncs.
        enabled: False when an admin turned the automatic sync off (sync now still works).
        source: "settings" when an admin set it, "environment" when it is the default of
            `setting` (nothing stored yet).
        setting: the environment variable that gives the default.
        next_run_at: when the scheduler will start the next automatic sync (UTC), when known:
            None when off, or when no scheduler has run it lately.
    """

    interval_seconds: int
    enabled: bool = True
    source: str = "environment"
    setting: str = "SRC_DASH_SYNC_INTERVAL"
    next_run_at: datetime | None = None

    @property
    def minutes(self) -> int:
        """The interval in whole minutes (at least 1)."""
        return max(1, round(self.interval_seconds / 60))


def _meta(conn: Connection, *keys: str) -> dict[str, str]:
    t = StoreMeta.__table__
    return dict(conn.execute(select(t.c.key, t.c.value).where(t.c.key.in_(keys))).all())


def _put_meta(conn: Connection, key: str, value: str) -> None:
    t = StoreMeta.__table__
    if not conn.execute(update(t).where(t.c.key == key).values(value=value)).rowcount:
        conn.execute(insert(t).values(key=key, value=value))


def _parse_schedule(value: str | None) -> tuple[bool, int] | None:
    """The stored (enabled, minutes), or None when nothing (or nothing sound) is stored."""
    if not value:
        return None
    try:
        data = json.loads(value)
        enabled, minutes = data["enabled"], data["minutes"]
    except (ValueError, TypeError, KeyError):
        log.warning("store_meta %s is not a schedule: %r", SCHEDULE_KEY, value)
        return None
    if not isinstance(enabled, bool) or not isinstance(minutes, int) or minutes < 1:
        log.warning("store_meta %s is not a schedule: %r", SCHEDULE_KEY, value)
        return None
    return enabled, minutes


def stored_sync_schedule(
    engine: Engine, default_seconds: int | None = None, now: datetime | None = None
) -> Schedule:
    """The automatic sync's schedule: the admin's, or the environment's until one is saved.

    One small query; the scheduler calls it (without a viewer: it shows nothing to anyone).

    Args:
        engine: the store.
        default_seconds: the interval when nothing is stored (default SRC_DASH_SYNC_INTERVAL).
        now: the time the next run is measured against (default now, UTC).
    """
    if default_seconds is None:
        default_seconds = load_settings().sync_interval_seconds
    with engine.connect() as conn:
        meta = _meta(conn, SCHEDULE_KEY, LAST_AUTO_SYNC_KEY)
    stored = _parse_schedule(meta.get(SCHEDULE_KEY))
    if stored is None:
        schedule = Schedule(int(default_seconds))
    else:
        schedule = Schedule(stored[1] * 60, enabled=stored[0], source="settings")
    last = _parse_time(meta.get(LAST_AUTO_SYNC_KEY))
    if not schedule.enabled or last is None:
        return schedule
    now = now or utcnow()
    due = last + timedelta(seconds=schedule.interval_seconds)
    if due < now - SCHEDULE_SLACK:
        return schedule  # no scheduler started it when due: say only the interval
    return replace(schedule, next_run_at=max(due, now))


def _parse_time(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found


def mark_automatic_sync(engine: Engine, at: datetime | None = None) -> None:
    """Note that the scheduler starts an automatic sync now (the page says when the next is)."""
    with engine.begin() as conn:
        _put_meta(conn, LAST_AUTO_SYNC_KEY, (at or utcnow()).isoformat())


def sync_schedule(engine: Engine, who: Viewer, now: datetime | None = None) -> Schedule:
    """How often the scheduler syncs every active Sage company, and when it will next.

    It is what an admin saved with `set_sync_schedule`, or SRC_DASH_SYNC_INTERVAL until then.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return stored_sync_schedule(engine, now=now)


def sync_minutes(value: object) -> int:
    """The interval of the automatic sync in minutes, checked: a whole number, 5 to 1440.

    Raises:
        SettingsError: on the field "interval" otherwise.
    """
    if isinstance(value, bool):
        raise SettingsError("interval", f"{value!r} is not a whole number")
    if isinstance(value, int):
        minutes = value
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise SettingsError("interval", "must not be empty")
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise SettingsError("interval", f"{text!r} is not a whole number")
        minutes = int(text)
    if not MIN_SYNC_MINUTES <= minutes <= MAX_SYNC_MINUTES:
        raise SettingsError(
            "interval", f"must be between {MIN_SYNC_MINUTES} and {MAX_SYNC_MINUTES} minutes"
        )
    return minutes


def set_sync_schedule(
    engine: Engine, who: Viewer, minutes: object, enabled: bool, now: datetime | None = None
) -> Schedule:
    """Turn the automatic sync on or off and set its interval; the scheduler follows it within
    seconds, without a restart (a shorter interval brings the next run forward).

    Args:
        engine: the store.
        who: the admin.
        minutes: the interval, a whole number of minutes from 5 to 1440 (checked even when off,
            as it is kept for when the sync is turned on again).
        enabled: False to stop the automatic sync (sync now from the page still works).
        now: the time the next run is measured against (default now, UTC).

    Returns:
        The schedule as stored.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad interval ("interval") or a switch that is not on or off
            ("enabled"); nothing is written then.
    """
    _admin(who)
    minutes = sync_minutes(minutes)
    if not isinstance(enabled, bool):
        raise SettingsError("enabled", f"{enabled!r} must be on or off")
    with engine.begin() as conn:
        before = _parse_schedule(_meta(conn, SCHEDULE_KEY).get(SCHEDULE_KEY))
        _put_meta(conn, SCHEDULE_KEY, json.dumps({"enabled": enabled, "minutes": minutes}))
        audit(
            conn,
            who,
            "sync.schedule",
            "store_meta",
            None,
            enabled=enabled,
            minutes=minutes,
            was_enabled=before[0] if before else None,
            was_minutes=before[1] if before else None,
        )
    return stored_sync_schedule(engine, now=now)
