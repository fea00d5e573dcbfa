"""The customers table's rows and texts built without a browser: the query from the filters'
values (amounts typed in French or English, "no sales rep", "no profile"), the cells formatted
in French and English, the count and the totals lines per currency."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from src_dash.services.customers import COLUMNS, CurrencyTotal, CustomerPage, CustomerRow
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.customer_list.rows import (
    active_filters,
    cell_text,
    count_text,
    customer_query,
    export_headers,
    table_columns,
    table_rows,
    totals_texts,
)
from src_dash.ui.pages.customer_list.state import CustomersState

FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"
BY_KEY = {c.key: c for c in COLUMNS}

ROW = CustomerRow(
    customer_id=42, company="ACME", number="C0042", name="Dupont SARL", currency="EUR",
    sales_rep="Julie", collector="Marc", profile="PME", city="Lyon", email="a@b.fr",
    phone="01 02", outstanding=Decimal("1234.5"), overdue=Decimal("200"), not_due=Decimal("0"),
    credits=Decimal("-10"), credit_limit=Decimal("5000"), open_items=3, oldest_days=45,
    score=62, grade="C", stopped=True, flagged=False,
)  # fmt: skip


def _page(rows=(ROW,), totals=(), total=1) -> CustomerPage:  # noqa: ANN001
    columns = tuple(BY_KEY[k] for k in ("number", "name", "outstanding", "oldest_days", "grade"))
    return CustomerPage(
        rows=rows, total=total, page=0, page_size=25, pages=1, totals=totals,
        columns=columns, as_of=date(2026, 11, 22),
    )  # fmt: skip


def _filters(**values: object) -> dict[str, object]:
    return {**CustomersState.FILTERS, **values}


def _query(**values: object):  # noqa: ANN202
    return customer_query(
        _filters(**values), search="dup", sort="overdue", descending=True, page=2,
        page_size="50", columns=["number", "name"],
    )  # fmt: skip


def test_amounts_typed_in_french_or_english_bound_the_query() -> None:
    query, bad = _query(min_amount=f"1{NNB}234,50", max_amount="2 000.5")
    assert not bad
    assert (query.min_amount, query.max_amount) == (Decimal("1234.50"), Decimal("2000.5"))
    query, bad = _query(min_amount="", max_amount="")
    assert not bad and query.min_amount is None and query.max_amount is None


def test_an_amount_that_is_not_one_is_left_out_and_said() -> None:
    for text in ("douze", "1,2,3", "NaN", "Infinity"):
        query, bad = _query(min_amount=text, max_amount="100")
        assert bad, text
        assert query.min_amount is None and query.max_amount is None


def test_the_query_reads_every_filter() -> None:
    query, _ = _query(
        company="3", sales_rep="none", profile="none", grades=["A", "E"], min_days="60",
        amount_on="overdue", free_field="Secteur", free_value="  BTP ", with_balance=False,
        flagged_only=True,
    )  # fmt: skip
    assert query.company_ids == (3,) and query.sales_rep_ids == (0,) and query.profiles == ("",)
    assert query.grades == ("A", "E") and query.min_days_overdue == 60
    assert query.amount_on == "overdue" and query.free == (("Secteur", "BTP"),)
    assert not query.with_balance and query.flagged_only and not query.stopped_only
    assert (query.search, query.page, query.page_size) == ("dup", 2, 50)
    assert query.columns == ("number", "name")
    query, _ = _query(sales_rep="7", profile="PME", amount_on="forged", free_field="all")
    assert query.sales_rep_ids == (7,) and query.profiles == ("PME",)
    assert query.amount_on == "outstanding" and query.free == ()
    assert query.company_ids == () and query.min_days_overdue is None


def test_active_filters_counts_what_narrows_the_view() -> None:
    assert active_filters(_filters()) == 0
    assert active_filters(_filters(free_field="Secteur", free_value=" ")) == 0
    assert active_filters(_filters(company="1", grades=["A"], with_balance=False)) == 3
    assert active_filters(_filters(min_amount="1", max_amount="2", stopped_only=True)) == 2


def test_cells_in_french_and_english() -> None:
    money, days = BY_KEY["outstanding"], BY_KEY["oldest_days"]
    assert cell_text(ROW, money, FR) == f"1{NNB}234,50{NB}€"
    assert cell_text(ROW, money, EN) == "€1,234.50"
    assert cell_text(ROW, days, FR) == f"45{NB}j"
    assert cell_text(ROW, days, EN) == f"45{NB}d"
    assert cell_text(replace(ROW, oldest_days=0), days, FR) == ""
    assert cell_text(ROW, BY_KEY["open_items"], FR) == "3"
    assert cell_text(ROW, BY_KEY["stopped"], FR) == "Stoppé"
    assert cell_text(ROW, BY_KEY["stopped"], EN) == "Stopped"
    assert cell_text(ROW, BY_KEY["flagged"], EN) == ""
    assert cell_text(replace(ROW, score=None), BY_KEY["score"], FR) == ""
    assert cell_text(ROW, BY_KEY["city"], FR) == "Lyon"


def test_header_and_rows_carry_the_data_tables_keys() -> None:
    page = _page()
    header = table_columns(page.columns, "en")
    assert [(c.key, c.label, c.kind, c.in_card) for c in header] == [
        ("number", "Customer no.", "link", False),
        ("name", "Customer", "link", False),
        ("outstanding", "Outstanding", "number", True),
        ("oldest_days", header[3].label, "number", True),
        ("grade", header[4].label, "badge", True),
    ]
    (row,) = table_rows(page, FR)
    assert row["_id"] == "42" and row["_href"] == "/clients/42"
    assert row["_title"] == "Dupont SARL" and row["_subtitle"] == "C0042 · ACME"
    assert row["_tone.overdue"] == "red" and row["_tone.oldest_days"] == "orange"
    assert row["_color.grade"] == "amber"
    (late,) = table_rows(_page(rows=(replace(ROW, oldest_days=61, overdue=Decimal(0)),)), FR)
    assert late["_tone.oldest_days"] == "red" and "_tone.overdue" not in late


def test_count_and_totals_lines() -> None:
    assert count_text(1, FR) == f"1{NB}client"
    assert count_text(1234, FR) == f"1{NNB}234{NB}clients"
    assert count_text(2, EN) == "2 customers"
    eur = CurrencyTotal("EUR", 3, Decimal("1500"), Decimal("500"))
    usd = CurrencyTotal("USD", 1, Decimal("20"), Decimal("0"))
    assert totals_texts(_page(totals=(eur,)), EN) == ["outstanding €1,500.00 · overdue €500.00"]
    assert totals_texts(_page(totals=(eur, usd)), EN) == [
        "3 customers · outstanding €1,500.00 · overdue €500.00",
        "1 customer · outstanding $20.00 · overdue $0.00",
    ]


def test_export_headers_name_every_column_and_the_currency() -> None:
    headers = export_headers(COLUMNS, "fr")
    assert headers["number"] == "N° client" and headers["currency"] == "Devise"
