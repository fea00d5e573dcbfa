"""Display settings: each user reads and saves their own, only values the formatting knows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, viewer
from src_dash.services.auth import create_user
from src_dash.services.preferences import (
    InvalidPreference,
    Preferences,
    get_preferences,
    save_preferences,
    timezone_choices,
)
from src_dash.store import AuditLog, User
from src_dash.ui.i18n import Formats


def test_a_user_saves_and_reads_back_their_own_settings(store: Engine) -> None:
    first = viewer(store, create_user(store, "anne", "password-1", "read_only"))
    second = viewer(store, create_user(store, "bruno", "password-2", "admin"))
    assert get_preferences(store, first) == Preferences()

    chosen = Preferences("en", "accounting", "iso", "America/Martinique")
    assert save_preferences(store, first, chosen) == chosen
    assert get_preferences(store, first) == chosen
    assert get_preferences(store, second) == Preferences()  # the other user is untouched
    with store.connect() as conn:
        row = conn.execute(
            select(User.currency_format, User.date_format).where(User.id == first.user_id)
        ).one()  # noqa: E501
        actions = (
            conn.execute(select(AuditLog.action).where(AuditLog.user_id == first.user_id))
            .scalars()
            .all()
        )  # noqa: E501
    assert tuple(row) == ("accounting", "iso")
    assert "preferences.save" in actions


@pytest.mark.parametrize(
    ("prefs", "field"),
    [
        (Preferences(language="de"), "language"),
        (Preferences(currency_format="roman"), "currency_format"),
        (Preferences(date_format="%d"), "date_format"),
        (Preferences(timezone="Mars/Olympus"), "timezone"),
    ],
)
def test_an_unknown_value_is_refused_and_nothing_is_stored(
    store: Engine, prefs: Preferences, field: str
) -> None:
    who = viewer(store, create_user(store, "claire", "password-3", "collector"))
    with pytest.raises(InvalidPreference, match=field):
        save_preferences(store, who, prefs)
    assert get_preferences(store, who) == Preferences()


def test_nobody_signed_in_has_no_settings(store: Engine) -> None:
    with pytest.raises(AccessDenied):
        get_preferences(store, None)  # type: ignore[arg-type]
    with pytest.raises(AccessDenied):
        save_preferences(store, None, Preferences())  # type: ignore[arg-type]


def test_common_time_zones_come_first() -> None:
    zones = timezone_choices()
    assert zones[0] == "Europe/Paris"
    assert "Indian/Reunion" in zones[:12]
    assert "Asia/Tokyo" in zones
    assert len(zones) == len(set(zones))


@pytest.mark.parametrize(
    ("formats", "money", "day", "moment"),
    [
        (Formats("fr"), "-1\u202f234,50\u00a0€", "22/11/2026", "22/11/2026 09:15"),
        (Formats("en"), "-€1,234.50", "Nov 22, 2026", "Nov 22, 2026, 9:15\u202fAM"),
        (Formats("fr", "code", "long"), "-1\u202f234,50\u00a0EUR", "22 novembre 2026",
         "22 novembre 2026, 09:15"),
        (Formats("en", "code", "iso"), "-EUR\u00a01,234.50", "2026-11-22", "2026-11-22 09:15"),
        (Formats("en", "accounting", "short", "America/Martinique"), "(€1,234.50)", "11/22/26",
         "11/22/26, 4:15\u202fAM"),
    ],
)  # fmt: skip
def test_formats_follow_the_settings(formats: Formats, money: str, day: str, moment: str) -> None:
    assert formats.money(Decimal("-1234.50"), "EUR") == money
    assert formats.day(date(2026, 11, 22)) == day
    assert formats.moment(datetime(2026, 11, 22, 8, 15, tzinfo=UTC)) == moment


def test_an_unknown_time_zone_falls_back_to_paris() -> None:
    assert Formats(timezone="Nowhere/Land").moment(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == (
        "01/07/2026 10:00"
    )
