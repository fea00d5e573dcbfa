"""The schedule of the automatic sync as an admin sees and sets it (the store keeps it:
store/schedule.py, which the scheduler reads without a viewer).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.engine import Engine

from src_dash.access import Viewer, audit
from src_dash.services.admin import SettingsError
from src_dash.services.admin import require_admin as _admin
from src_dash.store.schedule import (
    LAST_AUTO_SYNC_KEY,
    SCHEDULE_KEY,
    Schedule,
    mark_automatic_sync,
    read_schedule,
    stored_sync_schedule,
    write_schedule,
)

MIN_SYNC_MINUTES, MAX_SYNC_MINUTES = 5, 1440


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
        before = read_schedule(conn)
        write_schedule(conn, enabled, minutes)
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


__all__ = [
    "LAST_AUTO_SYNC_KEY",
    "MAX_SYNC_MINUTES",
    "MIN_SYNC_MINUTES",
    "SCHEDULE_KEY",
    "Schedule",
    "mark_automatic_sync",
    "set_sync_schedule",
    "stored_sync_schedule",
    "sync_minutes",
    "sync_schedule",
]
