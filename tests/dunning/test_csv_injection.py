"""CSV formula injection: a Sage name or a collector's note that starts a formula comes out inert
in every CSV the app writes (exports, the /clients export, a customer's history), while amounts,
negative ones included, stay numbers; the XLSX writer keeps such text as text, never a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dunning.smtp_helpers import make_ledger
from sage_helpers import TODAY
from sqlalchemy import insert, update

from src_dash.access import viewer
from src_dash.analytics.exports import KINDS, neutralise_text, run_export
from src_dash.dunning.trace import write_history
from src_dash.services.customers import CustomerQuery, export_customers
from src_dash.store import Action, Customer, Entry
from src_dash.store.csv_cells import safe_cell, safe_row

NAME = '=HYPERLINK("http://x","y")'
NOTE = "-1+cmd|' /C calc'!A0"
CREDIT = Decimal("-1600.00")


@pytest.fixture
def tainted(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two customers: C0000 named NAME with an action noted NOTE, C0001 owing less than nothing."""
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    ids = make_ledger(store, 2)
    first, second = ids["customers"]
    with store.begin() as conn:
        conn.execute(update(Customer.__table__).where(Customer.id == first).values(name=NAME))
        conn.execute(
            insert(Entry.__table__).values(
                company_id=ids["company"], customer_id=second, source_key=99, journal="VTE",
                posting_date=TODAY - timedelta(days=5), piece="AV0001", reference="AV-1",
                account="411000", amount=CREDIT, residual=CREDIT, due_date=TODAY,
            )
        )  # fmt: skip
        conn.execute(
            insert(Action.__table__).values(
                company_id=ids["company"], customer_id=first, kind="other", due_on=TODAY,
                status="done", origin="manual", outcome="", note=NOTE,
                created_at=datetime(2026, 11, 20, 10), done_by=ids["user"],
            )
        )  # fmt: skip
    return ids


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_inert(cells: list[str], *texts: str) -> None:
    for text in texts:
        assert "'" + text in cells, text
    # Nothing left that a spreadsheet would run.
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not _is_number(c)]


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True


def test_the_helper_touches_text_only():
    assert safe_cell(NAME) == "'" + NAME
    assert safe_row(["+33 1", "@SUM(A1)", "\tx", "\rx", "ok", ""]) == [
        "'+33 1", "'@SUM(A1)", "'\tx", "'\rx", "ok", "",
    ]  # fmt: skip
    for value in (Decimal("-12.50"), -3, -1.5, date(2026, 1, 1), None):
        assert safe_cell(value) == value


def test_every_analytics_export_is_inert_and_amounts_stay_numbers(store, tainted, tmp_path):
    for kind in KINDS:
        path = tmp_path / f"{kind}.csv"
        run_export(store, kind, "csv", path, as_of=TODAY)
        cells = _cells(path.read_text(encoding="utf-8"))
        expected = {"customers": [NAME], "owed": [NAME], "actions": [NOTE]}.get(kind, [])
        _assert_inert(cells, *expected)
        if kind == "entries":
            assert str(CREDIT) in cells  # the credit note's amount, a number still
        if kind in ("customers", "owed"):
            assert "-49.50" in cells  # C0001's balance: 1,550.50 - 1,600.00


def test_the_customer_list_export_is_inert(store, tainted):
    collector = viewer(store, tainted["user"])
    query = CustomerQuery(columns=("number", "name", "outstanding"))
    exported = export_customers(store, collector, query, "csv", as_of=TODAY)
    text = exported.data.decode("utf-8-sig")
    cells = _cells(text)
    _assert_inert(cells, NAME)
    assert "-49.50" in cells
    # The XLSX keeps the name as inline text: never a formula cell.
    xlsx = export_customers(store, collector, query, "xlsx", as_of=TODAY)
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in sheet and 't="inlineStr"' in sheet
    assert "<c><v>-49.50</v></c>" in sheet


def test_a_customer_history_is_inert(store, tainted, tmp_path):
    collector = viewer(store, tainted["user"])
    text = write_history(store, collector, "C0000", fmt="csv", path=tmp_path / "h.csv")
    cells = _cells(text)
    _assert_inert(cells, NAME, NOTE)
    assert "2026-11-22" in cells  # the action's date, as written


def test_the_frame_helper_keeps_types():
    import polars as pl

    frame = pl.DataFrame({"name": [NAME, "Dupont", None], "amount": [-12.5, 3.0, None]})
    out = neutralise_text(frame)
    assert out["name"].to_list() == ["'" + NAME, "Dupont", None]
    assert out["amount"].to_list() == [-12.5, 3.0, None] and out.schema == frame.schema
