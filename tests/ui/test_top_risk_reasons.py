"""The riskiest Top 10: each customer's top reason in words, in French and English (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from src_dash.analytics.scoring import with_reason
from src_dash.analytics.top import TopCustomer
from src_dash.ui.i18n import Formats, text
from src_dash.ui.pages.dashboard.rows import reason_text, top_rows


def _customer(**parts: float | int | None) -> dict:
    row = {
        "settled_invoices": 12,
        "dbt_signed": 0.0,
        "share_late": 0.0,
        "trend": 0.0,
        "current_days": 0.0,
        "disputes": 0,
        "broken": 0,
        "bounced": 0,
        "p_trend": 0.0,
        "p_current_overdue": 0.0,
        "p_disputes": 0.0,
        "p_broken_promises": 0.0,
        "p_bounced_payments": 0.0,
    }
    row.update(parts)
    return row


def _reasons(*rows: dict) -> list[tuple[str, int]]:
    frame = with_reason(pl.DataFrame(list(rows)))
    return list(zip(frame["reason"], frame["reason_value"], strict=True))


def test_the_strongest_part_is_the_reason() -> None:
    assert _reasons(
        _customer(dbt_signed=23.4, share_late=0.5),
        _customer(dbt_signed=4.0, share_late=0.25, broken=2, p_broken_promises=100.0),
        _customer(dbt_signed=3.0, share_late=0.1, trend=12.0, p_trend=40.0),
        _customer(dbt_signed=6.0, share_late=0.7),
        _customer(dbt_signed=-3.0),
        _customer(settled_invoices=0, dbt_signed=None, share_late=None, trend=None),
    ) == [
        ("late_days", 23),
        ("broken_promises", 2),
        ("trend_up", 12),
        ("share_late", 70),
        ("on_time", 0),
        ("little_history", 0),
    ]


def test_reasons_read_in_french_and_english() -> None:
    assert reason_text("late_days", 23, "fr") == "paie en moyenne 23 j après l'échéance"
    assert reason_text("late_days", 23, "en") == "pays 23 days after the due date on average"
    assert reason_text("broken_promises", 2, "fr") == "2 promesses non tenues"
    assert reason_text("broken_promises", 1, "en") == "1 broken promise"
    assert reason_text("trend_up", 12, "fr") == "retard en hausse"
    assert reason_text("share_late", 70, "en") == "70% of invoices paid late"
    assert reason_text("", 0, "fr") == ""
    assert text("top.risk.sorted_by", "fr") == "Trié par risque : score × encours exposé"
    assert text("top.risk.sorted_by", "en") == "Sorted by risk: score × exposure"


def test_a_top_row_carries_its_reason_in_the_viewer_language() -> None:
    customer = TopCustomer(
        customer_id=7,
        number="C7",
        name="Client 7",
        overdue=Decimal("1200.00"),
        outstanding=Decimal("3000.00"),
        exposure=Decimal("3000.00"),
        oldest_days_overdue=40,
        score=72,
        grade="D",
        risk=Decimal("2160.00"),
        reason="disputes",
        reason_value=3,
    )
    (fr,) = top_rows([customer], Formats("fr"), "EUR")
    (en,) = top_rows([customer], Formats("en"), "EUR")
    assert (fr.reason, en.reason) == ("3 litiges", "3 disputes")
