"""The one place that says what "today" and "now" are, so tests and the CLI can travel in time.

`SRC_DASH_TODAY` moves both: when it is set, `today()` is that day and `utcnow()` is the real time
shifted by whole days so that its UTC date is that day too. Every timestamp the product writes
(promises, disputes, comments, actions, messages, runs, audit) comes from `utcnow()`, so a demo or
a store replayed at another date never mixes two calendars, and time still runs within the day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta


def forced_today() -> date | None:
    """The day `SRC_DASH_TODAY` (YYYY-MM-DD) pins, or None when it is not set."""
    forced = os.environ.get("SRC_DASH_TODAY", "").strip()
    return date.fromisoformat(forced) if forced else None


def today() -> date:
    """Return today's date, or `SRC_DASH_TODAY` (YYYY-MM-DD) when it is set."""
    return forced_today() or date.today()


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware, on the day `SRC_DASH_TODAY` pins if set."""
    real = datetime.now(UTC)
    forced = forced_today()
    if forced is None:
        return real
    return real + timedelta(days=(forced - real.date()).days)
