"""The one place that says what "today" and "now" are, so tests and the CLI can travel in time."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    """Return today's date, or `SRC_DASH_TODAY` (YYYY-MM-DD) when it is set."""
    forced = os.environ.get("SRC_DASH_TODAY")
    if forced:
        return date.fromisoformat(forced)
    return date.today()


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)
