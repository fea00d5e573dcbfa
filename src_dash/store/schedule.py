"""The automatic sync's schedule as the store keeps it in `store_meta`: on or off and its
interval (set by an admin through services/sync_schedule.py, read by the scheduler without a
viewer), and when the scheduler last started it."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.store.meta import put_meta, read_meta

log = logging.getLogger(__name__)

# The automatic sync's schedule (JSON {"enabled", "minutes"}), and when the scheduler last
# started it (UTC, ISO), in `store_meta`.
SCHEDULE_KEY = "sync_schedule"
LAST_AUTO_SYNC_KEY = "sync_auto_last_run"
# How late a due automatic sync may be before we stop believing a scheduler is running.
SCHEDULE_SLACK = timedelta(minutes=2)


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


def parse_schedule(value: str | None) -> tuple[bool, int] | None:
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
        meta = read_meta(conn, SCHEDULE_KEY, LAST_AUTO_SYNC_KEY)
    stored = parse_schedule(meta.get(SCHEDULE_KEY))
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
        put_meta(conn, LAST_AUTO_SYNC_KEY, (at or utcnow()).isoformat())


def read_schedule(conn: Connection) -> tuple[bool, int] | None:
    """The stored (enabled, minutes) in this transaction, or None when none is stored."""
    return parse_schedule(read_meta(conn, SCHEDULE_KEY).get(SCHEDULE_KEY))


def write_schedule(conn: Connection, enabled: bool, minutes: int) -> None:
    """Store the schedule an admin set (checked by the caller)."""
    put_meta(conn, SCHEDULE_KEY, json.dumps({"enabled": enabled, "minutes": minutes}))
