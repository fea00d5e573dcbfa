"""A user's display settings: language, currency and date formats, time zone.

Every user may read and change their own settings, and only their own; the values are checked
here so the UI and the CLI cannot store one the formatting would not understand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, audit, require
from src_dash.services.auth import ROLES
from src_dash.store import User

LANGUAGES = ("fr", "en")
CURRENCY_FORMATS = ("symbol", "code", "accounting")
DATE_FORMATS = ("default", "short", "medium", "long", "iso")
# Offered first in the time zone list: where French SMEs and their customers usually are.
COMMON_TIMEZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/London",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Africa/Casablanca",
    "Africa/Abidjan",
    "Africa/Dakar",
    "America/Montreal",
    "America/New_York",
    "UTC",
)


class InvalidPreference(ValueError):
    """A setting has a value the app does not know; the message names the field."""


@dataclass(frozen=True)
class Preferences:
    """A user's display settings (see `src_dash.ui.i18n.Formats` for what each value means)."""

    language: str = "fr"
    currency_format: str = "symbol"
    date_format: str = "default"
    timezone: str = "Europe/Paris"


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(available_timezones())


def timezone_choices() -> list[str]:
    """The time zones to offer: the common ones first, then every other one by name."""
    rest = sorted(known_timezones() - set(COMMON_TIMEZONES))
    return [tz for tz in COMMON_TIMEZONES if tz in known_timezones()] + rest


def validate(prefs: Preferences) -> Preferences:
    """Check every field of `prefs`.

    Raises:
        InvalidPreference: naming the first field with an unknown value.
    """
    if prefs.language not in LANGUAGES:
        raise InvalidPreference(f"language: {prefs.language!r} is not one of {LANGUAGES}")
    if prefs.currency_format not in CURRENCY_FORMATS:
        raise InvalidPreference(
            f"currency_format: {prefs.currency_format!r} is not one of {CURRENCY_FORMATS}"
        )
    if prefs.date_format not in DATE_FORMATS:
        raise InvalidPreference(f"date_format: {prefs.date_format!r} is not one of {DATE_FORMATS}")
    if prefs.timezone not in known_timezones():
        raise InvalidPreference(f"timezone: unknown time zone {prefs.timezone!r}")
    return prefs


def get_preferences(engine: Engine, who: Viewer) -> Preferences:
    """The viewer's own display settings.

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, ROLES)
    users = User.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(
                users.c.language, users.c.currency_format, users.c.date_format, users.c.timezone
            ).where(users.c.id == who.user_id)
        ).first()
    if row is None:
        return Preferences()
    return Preferences(
        language=row.language if row.language in LANGUAGES else "fr",
        currency_format=row.currency_format,
        date_format=row.date_format,
        timezone=row.timezone,
    )


def save_preferences(engine: Engine, who: Viewer, prefs: Preferences) -> Preferences:
    """Store the viewer's own display settings; return them as stored.

    Raises:
        AccessDenied: when nobody is signed in.
        InvalidPreference: when a value is unknown (nothing is stored then).
    """
    require(who, ROLES)
    validate(prefs)
    users = User.__table__
    with engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == who.user_id)
            .values(
                language=prefs.language,
                currency_format=prefs.currency_format,
                date_format=prefs.date_format,
                timezone=prefs.timezone,
            )
        )
        audit(conn, who, "preferences.save", "user", who.user_id)
    return prefs
