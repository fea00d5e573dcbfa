"""The open items table's rows and texts built without a browser: the service's filters from
the filters' values (amounts typed in French or English, lateness steps, dates, free fields),
each row formatted in French and English (days late or to come, residual, level, last action,
promise, dispute, stop), the count, the totals and the selection's words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from src_dash.services.open_items import OpenItemRow, OpenItemsPage
from src_dash.ui.components.item_actions.wording import level_name
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.open_items.rows import (
    active_filters,
    count_text,
    days_text,
    format_row,
    item_filters,
    last_action_text,
    selected_text,
    status_cells,
    totals_text,
)
from src_dash.ui.pages.open_items.state import OpenItemsState

FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"

ROW = OpenItemRow(
    entry_id=7, company_id=1, company_code="ACME", customer_id=42, customer_number="C0042",
    customer_name="Dupont SARL", sales_rep_id=None, profile="PME", grade="C", journal="VE",
    kind="invoice", piece="F-001", reference="F-001", label="Facture",
    posting_date=date(2026, 9, 1),
    due_date=date(2026, 10, 1), days_late=52, amount=Decimal("1500"), residual=Decimal("1234.5"),
    currency="EUR", residual_currency=None, level=2, next_level=None, stopped=False,
    stop_reason="", stop_until=None, last_action_on=date(2026, 11, 2), last_action="call:reached",
    promise_id=None, promised_on=None, promise_amount=None, dispute_id=None, dispute_reason="",
    state="none",
)  # fmt: skip


def _filters(search: str = "", **values: object):  # noqa: ANN202
    return item_filters({**OpenItemsState.FILTERS, **values}, search)


def test_amounts_typed_in_french_or_english_bound_the_residual() -> None:
    filters, bad = _filters(min_amount=f"1{NNB}000,5", max_amount="2,000")
    assert not bad
    assert (filters.min_residual, filters.max_residual) == (Decimal("1000.5"), Decimal("2.000"))
    filters, bad = _filters(min_amount="abc")
    assert bad and filters.min_residual is None and filters.max_residual is None


def test_lateness_steps() -> None:
    assert (_filters()[0].min_days_late, _filters()[0].max_days_late) == (None, None)
    assert _filters(min_days="not_due")[0].max_days_late == 0
    assert _filters(min_days="1")[0].min_days_late == 1
    assert _filters(min_days="30")[0].min_days_late == 31


def test_the_filters_read_every_value() -> None:
    filters, _ = _filters(
        " F-00 ", company="2", sales_rep="5", profile="none", grades=["A", "Z"],
        levels=["0", "3", "x"], journal="VE", item_state="disputed", doubtful="only",
        due_from="2026-10-01", due_to="not a date", free_field="Secteur", free_value=" BTP",
        entry_free_field="N° commande", entry_free_value="CMD",
    )  # fmt: skip
    assert filters.company_ids == (2,) and filters.sales_rep_ids == (5,)
    assert filters.profiles == ("",) and filters.grades == ("A",) and filters.levels == (0, 3)
    assert filters.journals == ("VE",) and filters.states == ("disputed",)
    assert filters.doubtful is True and filters.search == "F-00"
    assert filters.due_from == date(2026, 10, 1) and filters.due_to is None
    assert filters.free_fields == (("Secteur", "BTP"),)
    assert filters.entry_free_fields == (("N° commande", "CMD"),)
    assert _filters(doubtful="without")[0].doubtful is False
    assert _filters()[0].doubtful is None and _filters(profile="PME")[0].profiles == ("PME",)


def test_active_filters_counts_what_narrows_the_view() -> None:
    values = OpenItemsState.FILTERS
    assert active_filters(values) == 0
    assert active_filters({**values, "free_field": "Secteur"}) == 0
    assert active_filters({**values, "levels": ["1"], "due_to": "2026-12-01"}) == 2


def test_days_late_or_to_come() -> None:
    assert days_text(45, FR) == (f"45{NB}j", "red")
    assert days_text(12, EN) == (f"12{NB}d", "orange")
    assert days_text(0, FR) == (f"0{NB}j", "gray")
    assert days_text(-3, FR) == (f"dans 3{NB}j", "gray")
    assert days_text(-3, EN) == (f"in 3{NB}d", "gray")


def test_last_action_and_level_words() -> None:
    assert last_action_text("call:reached", "fr") == "Appel · joint"
    assert last_action_text("call:reached", "en") == "Call · reached"
    assert last_action_text("step", "fr") == "Relance"
    assert last_action_text("odd_kind:some_thing", "en") == "odd kind · some thing"
    assert last_action_text("", "fr") == ""
    assert (level_name(2, "fr"), level_name(2, "en"), level_name(0, "fr")) == ("R2", "L2", "—")


def test_a_row_in_french_and_english() -> None:
    row = format_row(ROW, False, FR)
    assert (row.href, row.customer, row.number, row.company) == (
        "/clients/42", "Dupont SARL", "C0042", "ACME",
    )  # fmt: skip
    assert (row.piece, row.reference) == ("F-001", "")
    assert (row.due, row.days, row.days_tone) == ("01/10/2026", f"52{NB}j", "red")
    assert row.residual == f"1{NNB}234,50{NB}€" and not row.negative
    assert (row.level_text, row.level_color) == ("R2", "amber")
    assert (row.last_action, row.last_on) == ("Appel · joint", "02/11/2026")
    assert (row.state_text, row.item_stopped) == ("", False)
    credit = format_row(replace(ROW, residual=Decimal("-20"), piece="", reference="AV-3"), True, EN)
    assert credit.residual == "-€20.00" and credit.negative and credit.days_tone == "gray"
    assert (credit.piece, credit.reference, credit.item_stopped) == ("AV-3", "AV-3", True)
    assert credit.level_text == "L2" and credit.due == "Oct 1, 2026"


def test_promise_dispute_and_stop_cells() -> None:
    promised = replace(ROW, state="promised", promised_on=date(2026, 12, 12))
    assert status_cells(promised, False, FR)["state_text"] == "Promesse au 12/12/2026"
    assert status_cells(promised, False, EN)["state_color"] == "blue"
    disputed = replace(ROW, state="disputed", dispute_reason="Prix")
    assert status_cells(disputed, False, FR)["state_text"] == "Litige · Prix"
    assert status_cells(replace(disputed, dispute_reason=""), False, EN)["state_text"] == "Dispute"
    stopped = replace(ROW, state="stopped", stop_until=date(2027, 1, 31))
    assert status_cells(stopped, True, FR)["state_text"] == "Stoppée jusqu'au 31/01/2027"
    assert status_cells(replace(stopped, stop_until=None), True, EN)["state_text"] == "Stopped"
    assert status_cells(replace(ROW, level=9), False, FR)["level_color"] == "crimson"


def test_count_totals_and_selection_words() -> None:
    page = OpenItemsPage(
        as_of=date(2026, 11, 22), rows=(ROW,), total=1234, page=0, page_size=25, pages=50,
        total_residual=Decimal("98765.4"), overdue_residual=Decimal("500"), sort="due_date",
        descending=False,
    )  # fmt: skip
    assert count_text(1234, FR) == f"1{NNB}234{NB}échéances"
    assert count_text(1, EN) == "1 open item"
    assert totals_text(page, EN) == "Outstanding €98,765.40 · overdue €500.00"
    assert totals_text(replace(page, rows=()), FR) == (
        f"Reste dû 98{NNB}765,40{NB}€ · dont échu 500,00{NB}€"
    )
    assert selected_text(1, FR) == f"1{NB}échéance sélectionnée"
    assert selected_text(3, EN) == "3 items selected"
