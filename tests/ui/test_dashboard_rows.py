"""The dashboard's rows and texts in the viewer's language and formats: aging bucket names, a top
10's rows (amounts, days, grade colour, link to the card)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.analytics.dashboard import Dashboard
from src_dash.analytics.forecast import Forecast, MonthPlan
from src_dash.analytics.top import TopCustomer
from src_dash.services.dashboard import ViewerDashboard
from src_dash.ui.choice import Choice
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.dashboard.rows import (
    bucket_names,
    calls_now,
    filters_summary,
    objective_texts,
    top_rows,
)

FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"


def _top(
    grade: str = "D", customer_id: int = 42, overdue: str = "12345.6", score: int = 71
) -> TopCustomer:
    return TopCustomer(
        customer_id=customer_id,
        number=f"C{customer_id:05d}",
        name=f"Client {customer_id}",
        overdue=Decimal(overdue),
        outstanding=Decimal("20000"),
        exposure=Decimal("20000"),
        oldest_days_overdue=1234,
        score=score,
        grade=grade,
        risk=Decimal("14200"),
        reason="late_days",
        reason_value=23,
    )


AS_OF = date(2026, 11, 22)


def _viewer(
    top_overdue: tuple[TopCustomer, ...] = (),
    top_risk: tuple[TopCustomer, ...] = (),
    objective: Decimal | None = None,
    collected: str = "0",
) -> ViewerDashboard:
    month = MonthPlan(
        month=date(2026, 11, 1),
        collected=Decimal(collected),
        expected=Decimal("1000"),
        objective=objective,
        gap=None,
    )
    later = MonthPlan(date(2026, 12, 1), Decimal(0), Decimal(0), Decimal("99"), None)
    forecast = Forecast(AS_OF, (), (month, later), Decimal(0), Decimal(0))
    figures = Dashboard(None, (), (), top_overdue, top_risk, forecast)  # type: ignore[arg-type]
    return ViewerDashboard(1, AS_OF, "EUR", figures, (), 0, (), ())


def test_bucket_names_in_both_languages() -> None:
    fr, en = bucket_names("fr"), bucket_names("en")
    assert len(fr) == len(en) >= 3
    assert fr[0] != en[0]  # "Non échu" / "Not due"
    assert all("_" not in name for name in fr + en)  # no raw code left


def test_top_rows_format_amounts_days_and_link() -> None:
    (fr,) = top_rows([_top()], FR, "EUR")
    assert fr.href == "/clients/42"
    assert (fr.number, fr.name) == ("C00042", "Client 42")
    assert fr.overdue == f"12{NNB}345,60{NB}€"
    assert fr.days.startswith(f"1{NNB}234")
    assert (fr.score, fr.grade, fr.grade_color) == ("71", "D", "orange")
    (en,) = top_rows([_top("Z")], EN, "EUR")
    assert en.overdue == "€12,345.60"
    assert en.days.startswith("1,234")
    assert en.grade_color == "gray"  # an unknown grade is drawn neutral


def test_calls_now_are_the_three_largest_overdue_times_score_of_both_tops() -> None:
    small_but_risky = _top(customer_id=1, overdue="5000", score=90)  # 450 000
    large = _top(customer_id=2, overdue="20000", score=10)  # 200 000
    both = _top(customer_id=3, overdue="8000", score=80)  # 640 000, in both lists
    safe = _top(customer_id=4, overdue="1000", score=5)
    nothing_due = _top(customer_id=5, overdue="0", score=99)
    vd = _viewer(top_overdue=(large, both, safe), top_risk=(nothing_due, both, small_but_risky))
    calls = calls_now(vd, FR)
    assert [c.href for c in calls] == ["/clients/3", "/clients/1", "/clients/2"]
    assert calls[0].overdue == f"8{NNB}000,00{NB}€ échus"
    assert calls[0].reason  # the top reason, in words
    assert "_" not in calls[0].reason
    (en,) = calls_now(vd, EN, count=1)
    assert en.overdue == "€8,000.00 overdue"
    assert calls_now(_viewer(top_risk=(nothing_due,)), FR) == []


def test_objective_missing_is_said() -> None:
    none = objective_texts(_viewer(), FR)
    assert (none.is_set, none.reached, none.gap) == (False, "", "")


def test_objective_reached_and_gap_in_the_viewers_formats() -> None:
    fr = objective_texts(_viewer(objective=Decimal("20000"), collected="7655"), FR)
    assert fr.is_set
    assert fr.reached == f"38,3{NB}% atteint"
    assert fr.gap == f"reste 12{NNB}345,00{NB}€ à encaisser"
    en = objective_texts(_viewer(objective=Decimal("20000"), collected="7655"), EN)
    assert (en.reached, en.gap) == ("38.3% reached", "€12,345.00 left to collect")
    done = objective_texts(_viewer(objective=Decimal("100"), collected="150"), FR)
    assert (done.reached, done.gap) == (f"150,0{NB}% atteint", "objectif atteint")


def test_filters_summary_names_what_is_chosen() -> None:
    companies = [Choice("DEMO1", "Dumas SA"), Choice("DEMO2", "Gérard SNC")]
    reps = [Choice("7", "Jean Martin")]
    assert filters_summary(("all", companies), ("all", reps)) == ""
    assert filters_summary(("DEMO2", companies), ("all", reps)) == "Gérard SNC"
    both = filters_summary(("DEMO1", companies), ("7", reps), currency="EUR")
    assert both == "Dumas SA · Jean Martin · EUR"
