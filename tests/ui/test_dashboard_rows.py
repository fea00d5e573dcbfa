"""The dashboard's rows and texts in the viewer's language and formats: aging bucket names, a top
10's rows (amounts, days, grade colour, link to the card)."""

from __future__ import annotations

from decimal import Decimal

from src_dash.analytics.top import TopCustomer
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.dashboard.rows import bucket_names, top_rows

FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"


def _top(grade: str = "D") -> TopCustomer:
    return TopCustomer(
        customer_id=42,
        number="CDUPONT",
        name="Dupont SA",
        overdue=Decimal("12345.6"),
        outstanding=Decimal("20000"),
        exposure=Decimal("20000"),
        oldest_days_overdue=1234,
        score=71,
        grade=grade,
        risk=Decimal("14200"),
    )


def test_bucket_names_in_both_languages() -> None:
    fr, en = bucket_names("fr"), bucket_names("en")
    assert len(fr) == len(en) >= 3
    assert fr[0] != en[0]  # "Non échu" / "Not due"
    assert all("_" not in name for name in fr + en)  # no raw code left


def test_top_rows_format_amounts_days_and_link() -> None:
    (fr,) = top_rows([_top()], FR, "EUR")
    assert fr.href == "/clients/42"
    assert fr.overdue == f"12{NNB}345,60{NB}€"
    assert fr.days.startswith(f"1{NNB}234")
    assert (fr.score, fr.grade, fr.grade_color) == ("71", "D", "orange")
    (en,) = top_rows([_top("Z")], EN, "EUR")
    assert en.overdue == "€12,345.60"
    assert en.days.startswith("1,234")
    assert en.grade_color == "gray"  # an unknown grade is drawn neutral
