"""The "Qualité des prévisions" tab's figures, worded in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.analytics.forecast import ForecastCheck
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.forecast.rows import (
    check_rows,
    cutoff_rows,
    method_rows,
    run_line,
    verdict,
)

SUMMARY = {
    "cutoffs": 2,
    "auc": {"model": 0.9161, "share_late": 0.8012, "days_beyond_terms": 0.918, "mean_delay": 0.88},
    "mae_days": {"model": 10.31, "days_beyond_terms": 11.4, "mean_delay": 12.0},
    "auc_beats_best_baseline": 1,
    "mae_beats_best_baseline": 2,
}
CUTOFFS = [
    {
        "cutoff": "2026-10-01",
        "items": 1234,
        "auc": {"model": 0.9, "share_late": 0.8, "days_beyond_terms": 0.91, "mean_delay": None},
        "mae_days": {"model": 9.5, "days_beyond_terms": 10.0, "mean_delay": 12.5},
    },
    {
        "cutoff": "2026-11-01",
        "items": 99,
        "auc": {"model": None, "share_late": None, "days_beyond_terms": None, "mean_delay": None},
        "mae_days": {"model": None, "days_beyond_terms": None, "mean_delay": None},
    },
]


def test_methods_marks_the_best_of_each_column_in_the_viewers_numbers():
    fr = method_rows(SUMMARY, Formats("fr"))
    assert [m.key for m in fr] == ["model", "share_late", "days_beyond_terms", "mean_delay"]
    assert (fr[0].auc, fr[0].mae) == ("0,916", "10,3 j")
    assert [m.best_auc for m in fr] == [False, False, True, False]
    assert [m.best_mae for m in fr] == [True, False, False, False]
    assert fr[1].mae == "—"
    en = method_rows(SUMMARY, Formats("en"))
    assert (en[0].label, en[0].auc, en[0].mae) == ("src_dash model", "0.916", "10.3 d")


def test_cutoffs_newest_first_with_the_best_rule_beside_the_model():
    rows = cutoff_rows(CUTOFFS, Formats("fr"))
    assert [r.cutoff for r in rows] == ["01/11/2026", "01/10/2026"]
    assert rows[0].auc == "—" and rows[0].wins == "—"
    assert (rows[1].invoices, rows[1].auc, rows[1].auc_rule) == ("1\u202f234", "0,900", "0,910")
    assert (rows[1].mae, rows[1].mae_rule, rows[1].wins) == ("9,5", "10,0", "date")


def test_verdict_and_run_line():
    assert verdict(SUMMARY, "fr").startswith("Le modèle fait mieux")
    assert "1 de 2" not in verdict(SUMMARY, "en") and "at 1 of 2 dates" in verdict(SUMMARY, "en")
    assert verdict({"cutoffs": 0}, "fr") == "Pas assez de factures réglées pour mesurer."
    line = run_line({"run_at": "2026-12-07T08:15:00+00:00", "cutoffs": CUTOFFS}, Formats("fr"))
    assert line == "Calculé le 07/12/2026 09:15, sur 2 dates mensuelles"


def test_checks_show_the_gap_and_its_share_newest_first():
    checks = (
        ForecastCheck(
            date(2026, 10, 1),
            date(2026, 9, 1),
            Decimal("1000"),
            Decimal("1100"),
            Decimal("100"),
            "model",
        ),
        ForecastCheck(
            date(2026, 11, 1),
            date(2026, 10, 1),
            Decimal("2000"),
            Decimal("1500"),
            Decimal("-500"),
            "rules",
        ),
    )
    rows = check_rows(checks, Formats("fr"))
    assert [r.month for r in rows] == ["novembre 2026", "octobre 2026"]
    assert (rows[0].gap, rows[0].share, rows[0].tone) == ("-500,00\u00a0€", "-25\u00a0%", "orange")
    assert (rows[1].share, rows[1].tone) == ("+10\u00a0%", "green")
    assert check_rows(checks, Formats("en"))[0].month == "November 2026"


def test_the_tab_renders_with_its_ids():
    from src_dash.ui.pages.settings.forecast import forecast_tab

    out = str(forecast_tab().render())
    for id_ in ("fq-models", "fq-run", "fq-cash", "fq-cutoffs", "fq-verdict"):
        assert id_ in out
