"""What the overview cards say, without a browser: Babel formats, totals per currency, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from src_dash.services.status import CompanyStatus
from src_dash.ui import i18n
from src_dash.ui.pages.sync_status import company_cards, totals

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def status(code: str, **changes: object) -> CompanyStatus:
    values: dict[str, object] = {
        "code": code,
        "name": f"Société {code}",
        "currency": "EUR",
        "customers": 1234,
        "open_items": 5678,
        "outstanding": Decimal("12345.67"),
        "overdue": Decimal("-0.50"),
        "last_sync_at": NOW - timedelta(hours=2),
        "last_sync_status": "ok",
        "last_sync_error": "",
    }
    values.update(changes)
    return CompanyStatus(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "outstanding", "overdue", "count", "moment"),
    [
        ("fr", "12\u202f345,67\u00a0€", "-0,50\u00a0€", "1\u202f234", "22/11/2026 08:00"),
        ("en", "€12,345.67", "-€0.50", "1,234", "Nov 22, 2026, 8:00\u202fAM"),
    ],
)
def test_a_card_is_formatted_in_the_ui_language(
    lang: str, outstanding: str, overdue: str, count: str, moment: str
) -> None:
    (card,) = company_cards([status("A")], lang, NOW)
    assert card.outstanding == outstanding
    assert card.overdue == overdue
    assert card.customers == count
    # 07:00 UTC is 08:00 in Paris in November (UTC+1).
    assert card.last_sync == moment
    assert not card.has_overdue  # a credit balance is not overdue


def test_times_are_shown_in_paris_time_summer_and_winter() -> None:
    winter = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 10, 22, 30, tzinfo=UTC)
    assert i18n.moment(winter, "fr") == "11/01/2026 00:30"
    assert i18n.moment(summer, "fr") == "11/07/2026 00:30"


def test_the_error_of_a_failed_sync_is_shown_and_an_old_one_is_not() -> None:
    failed, ok = company_cards(
        [
            status("A", last_sync_status="failed", last_sync_error="ODBC: login refused"),
            status("B", last_sync_status="ok", last_sync_error="stale text"),
        ],
        "fr",
        NOW,
    )
    assert (failed.status_label, failed.status_color, failed.error) == (
        "Échec",
        "red",
        "ODBC: login refused",
    )
    assert (ok.status_label, ok.status_color, ok.error) == ("Réussie", "green", "")


def test_a_company_never_synced_says_so() -> None:
    (card,) = company_cards([status("A", last_sync_at=None, last_sync_status="")], "en", NOW)
    assert (card.last_sync, card.last_sync_ago, card.status_label) == ("", "", "Never synced")


def test_totals_never_add_two_currencies() -> None:
    rows = totals(
        [
            status("A", overdue=Decimal("10.00")),
            status("B", outstanding=Decimal("0.33"), overdue=Decimal("0.00")),
            status("C", currency="USD", outstanding=Decimal("100.00")),
        ],
        "fr",
    )
    assert [(r.currency, r.companies, r.outstanding, r.overdue, r.has_overdue) for r in rows] == [
        ("EUR", "2\u00a0sociétés", "12\u202f346,00\u00a0€", "10,00\u00a0€", True),
        ("USD", "1\u00a0société", "100,00\u00a0$US", "-0,50\u00a0$US", False),
    ]
    assert rows[0].customers == "2\u202f468"


def test_long_errors_are_cut_to_fit_a_card() -> None:
    (card,) = company_cards(
        [status("A", last_sync_status="failed", last_sync_error="x" * 5000)], "fr", NOW
    )
    assert len(card.error) == 400 and card.error.endswith("…")


def test_a_label_and_its_value_follow_each_language_typography() -> None:
    assert i18n.labelled("Erreur", "x", "fr") == "Erreur\u00a0: x"
    assert i18n.labelled("Error", "x", "en") == "Error: x"


def test_an_unknown_language_falls_back_to_french() -> None:
    assert i18n.normalise_lang("de-DE") == "fr"
    assert i18n.normalise_lang("en-GB") == "en"
    assert i18n.money(Decimal("1"), "EUR", "xx") == "1,00\u00a0€"


def test_every_label_exists_in_both_languages() -> None:
    assert set(i18n.CATALOG["fr"]) == set(i18n.CATALOG["en"])
    assert set(i18n.SYNC_STATUS_LABELS["fr"]) == set(i18n.SYNC_STATUS_LABELS["en"])
    with pytest.raises(KeyError):
        i18n.t("no.such.label", "fr")
