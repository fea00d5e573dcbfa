"""Who owes what: the customers table on a synced demo base (SQLite and PostgreSQL).

The expected figures come from the demo Sage base itself (`sage_source_truth`) and from the
store's rows read with SQL, not from the code under test.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sage_helpers import TODAY, sage_source_truth
from services.demo_helpers import Demo
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer
from src_dash.services.customer_edit import set_profile
from src_dash.services.customers import (
    DEFAULT_COLUMNS,
    CustomerQuery,
    QueryError,
    export_customers,
    filter_options,
    list_customers,
)
from src_dash.services.followup import raise_flag
from src_dash.store import Customer, SalesRep, User


def all_rows(engine: Engine, who: Viewer, query: CustomerQuery) -> list:
    """Every row of a view, page after page."""
    first = list_customers(engine, who, query, as_of=TODAY)
    rows = list(first.rows)
    for page in range(1, first.pages):
        rows += list(list_customers(engine, who, _with(query, page=page), as_of=TODAY).rows)
    return rows


def _with(query: CustomerQuery, **changes) -> CustomerQuery:
    from dataclasses import replace

    return replace(query, **changes)


def free_fields_of_base(base: Path) -> dict[str, dict[str, str]]:
    conn = sqlite3.connect(base)
    rows = conn.execute('SELECT CT_Num, "Fidélité", Segment FROM F_COMPTET WHERE CT_Type = 0')
    out = {r[0]: {"Fidélité": (r[1] or "").strip(), "Segment": (r[2] or "").strip()} for r in rows}
    conn.close()
    return out


def test_balances_of_every_customer_equal_the_sage_base(demo: Demo):
    truth = sage_source_truth(demo.base)["balances"]
    admin = demo.users["admin"]
    rows = all_rows(demo.engine, admin, CustomerQuery(page_size=7, sort="number", descending=False))
    got = {r.number: r.outstanding for r in rows}
    assert got == truth
    assert [r.number for r in rows] == sorted(truth)
    for r in rows:
        assert r.overdue + r.not_due + r.credits == r.outstanding
        assert r.open_items > 0 and r.currency == "EUR" and r.company == "DEMO1"
    page = list_customers(demo.engine, admin, CustomerQuery(page_size=7), as_of=TODAY)
    assert page.total == len(truth) and page.pages == -(-len(truth) // 7)
    (total,) = page.totals
    assert total.outstanding == sum(truth.values()) and total.customers == len(truth)


def test_paging_covers_every_customer_once_and_clamps_past_the_end(demo: Demo):
    admin = demo.users["admin"]
    query = CustomerQuery(page_size=10, with_balance=False, sort="name", descending=False)
    rows = all_rows(demo.engine, admin, query)
    with demo.engine.connect() as conn:
        count = conn.execute(select(Customer.__table__.c.id)).all()
    assert len(rows) == len(count) == len({r.customer_id for r in rows})
    names = [(r.name, r.number) for r in rows]
    assert names == sorted(names)
    last = list_customers(demo.engine, admin, _with(query, page=999), as_of=TODAY)
    assert last.page == last.pages - 1 and last.rows == tuple(rows[last.page * 10 :])


def test_sorting_on_amounts_both_ways(demo: Demo):
    admin = demo.users["admin"]
    down = all_rows(demo.engine, admin, CustomerQuery(sort="overdue", page_size=50))
    values = [r.overdue for r in down]
    assert values == sorted(values, reverse=True) and values[0] > 0
    up = all_rows(demo.engine, admin, CustomerQuery(sort="oldest_days", descending=False))
    days = [r.oldest_days for r in up]
    assert days == sorted(days)
    graded = all_rows(demo.engine, admin, CustomerQuery(sort="grade", descending=True))
    scores = [r.score for r in graded]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(QueryError):
        list_customers(demo.engine, admin, CustomerQuery(sort="password"), as_of=TODAY)


def test_a_sales_rep_sees_only_their_customers(demo: Demo):
    rep = demo.users["commercial"]
    with demo.engine.connect() as conn:
        rep_id = conn.execute(
            select(User.__table__.c.sales_rep_id).where(User.__table__.c.login == "commercial")
        ).scalar_one()
        theirs = set(
            conn.execute(
                select(Customer.__table__.c.id).where(Customer.__table__.c.sales_rep_id == rep_id)
            ).scalars()
        )
        others = set(conn.execute(select(Customer.__table__.c.id)).scalars()) - theirs
    assert theirs and others
    rows = all_rows(demo.engine, rep, CustomerQuery(with_balance=False, page_size=5))
    assert {r.customer_id for r in rows} == theirs
    assert len({r.sales_rep for r in rows}) == 1
    # Filters cannot widen the portfolio: asking for every sales rep changes nothing.
    with demo.engine.connect() as conn:
        every_rep = tuple(conn.execute(select(SalesRep.__table__.c.id)).scalars())
    wide = all_rows(
        demo.engine, rep, CustomerQuery(with_balance=False, sales_rep_ids=every_rep, page_size=50)
    )
    assert {r.customer_id for r in wide} == theirs
    options = filter_options(demo.engine, rep, as_of=TODAY)
    assert [c.value for c in options.sales_reps] == [str(rep_id)]
    # Their own name on every row says nothing: the sales rep column is not offered to them.
    assert "sales_rep" not in {c.key for c in options.columns}
    assert "sales_rep" in {c.key for c in filter_options(demo.engine, demo.users["admin"]).columns}


def test_nobody_signed_in_is_refused(demo: Demo):
    with pytest.raises(AccessDenied):
        list_customers(demo.engine, None, CustomerQuery(), as_of=TODAY)  # type: ignore[arg-type]


def test_search_finds_words_in_number_name_and_city(demo: Demo):
    admin = demo.users["admin"]
    everyone = all_rows(demo.engine, admin, CustomerQuery(with_balance=False, page_size=100))
    target = everyone[3]
    found = all_rows(
        demo.engine, admin, CustomerQuery(with_balance=False, search=target.number.lower())
    )
    assert target.customer_id in {r.customer_id for r in found}
    assert all(target.number.lower() in r.number.lower() for r in found)
    word = target.name.split()[0]
    by_name = all_rows(demo.engine, admin, CustomerQuery(with_balance=False, search=word.upper()))
    expected = {
        r.customer_id
        for r in everyone
        if word.lower() in f"{r.number} {r.name} {r.city} {r.email} {r.phone}".lower()
    }
    assert {r.customer_id for r in by_name} == expected
    none = list_customers(demo.engine, admin, CustomerQuery(search="zzzqqq"), as_of=TODAY)
    assert none.total == 0 and none.rows == () and none.pages == 1


def test_filters_on_days_amount_grade_and_sales_rep(demo: Demo):
    admin = demo.users["admin"]
    everyone = all_rows(demo.engine, admin, CustomerQuery(page_size=100))
    late = all_rows(demo.engine, admin, CustomerQuery(min_days_overdue=60))
    assert {r.customer_id for r in late} == {r.customer_id for r in everyone if r.oldest_days >= 60}
    assert 0 < len(late) < len(everyone)
    low, high = Decimal("1000"), Decimal("20000")
    middle = all_rows(
        demo.engine,
        admin,
        CustomerQuery(amount_on="overdue", min_amount=low, max_amount=high),
    )
    assert {r.customer_id for r in middle} == {
        r.customer_id for r in everyone if low <= r.overdue <= high
    }
    grade = everyone[0].grade
    graded = all_rows(demo.engine, admin, CustomerQuery(grades=(grade,)))
    assert graded and all(r.grade == grade for r in graded)
    assert len(graded) == sum(1 for r in everyone if r.grade == grade)
    rep_name = everyone[0].sales_rep
    options = filter_options(demo.engine, admin, as_of=TODAY)
    rep_value = next(c.value for c in options.sales_reps if c.label == rep_name)
    by_rep = all_rows(demo.engine, admin, CustomerQuery(sales_rep_ids=(int(rep_value),)))
    assert {r.customer_id for r in by_rep} == {
        r.customer_id for r in everyone if r.sales_rep == rep_name
    }
    with pytest.raises(QueryError):
        list_customers(
            demo.engine, admin, CustomerQuery(amount_on="name", min_amount=low), as_of=TODAY
        )


def test_free_fields_are_columns_and_filters(demo: Demo):
    admin = demo.users["admin"]
    truth = free_fields_of_base(demo.base)
    options = filter_options(demo.engine, admin, as_of=TODAY)
    assert {"Fidélité", "Segment"} <= set(options.free_fields)
    assert "free:Segment" in {c.key for c in options.columns}
    query = CustomerQuery(with_balance=False, columns=("number", "free:Segment", "free:Fidélité"))
    page = list_customers(demo.engine, admin, _with(query, page_size=100), as_of=TODAY)
    assert [c.label for c in page.columns[1:]] == ["Segment", "Fidélité"]
    for row in page.rows:
        assert row.value("free:Segment") == truth[row.number]["Segment"]
        assert row.value("free:Fidélité") == truth[row.number]["Fidélité"]
    segment = next(v["Segment"] for v in truth.values() if v["Segment"])
    filtered = all_rows(
        demo.engine, admin, _with(query, free=(("Segment", segment.lower()),), page_size=100)
    )
    assert {r.number for r in filtered} == {
        n for n, v in truth.items() if segment.lower() in v["Segment"].lower()
    }
    unknown = list_customers(demo.engine, admin, _with(query, free=(("Nope", "x"),)), as_of=TODAY)
    assert unknown.total == 0


def test_profile_and_flag_set_on_the_card_show_in_the_table(demo: Demo):
    admin = demo.users["admin"]
    first, second = list_customers(demo.engine, admin, CustomerQuery(), as_of=TODAY).rows[:2]
    set_profile(demo.engine, admin, first.customer_id, "Grand compte")
    raise_flag(demo.engine, admin, second.customer_id, "watch", "à surveiller")
    profiled = list_customers(
        demo.engine, admin, CustomerQuery(profiles=("Grand compte",)), as_of=TODAY
    )
    assert [r.customer_id for r in profiled.rows] == [first.customer_id]
    assert profiled.rows[0].profile == "Grand compte"
    flagged = list_customers(demo.engine, admin, CustomerQuery(flagged_only=True), as_of=TODAY)
    assert [r.customer_id for r in flagged.rows] == [second.customer_id]
    options = filter_options(demo.engine, admin, as_of=TODAY)
    assert "Grand compte" in [p.value for p in options.profiles]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells = []
        for cell in row:
            text = "".join(t.text or "" for t in cell.iter(f"{{{ns['m']}}}t"))
            value = cell.find("m:v", ns)
            cells.append(text if value is None else value.text or "")
        rows.append(cells)
    return rows


def test_exports_hold_the_whole_view_in_the_chosen_columns(demo: Demo):
    rep = demo.users["commercial"]
    query = CustomerQuery(
        columns=("number", "name", "overdue", "free:Segment"),
        sort="overdue",
        page_size=3,
        page=1,
    )
    rows = all_rows(demo.engine, rep, _with(query, page=0))
    headers = {"number": "N°", "name": "Client", "overdue": "Échu", "currency": "Devise"}
    exported = export_customers(demo.engine, rep, query, "csv", headers, as_of=TODAY)
    assert exported.filename == "clients-2026-11-22.csv" and exported.rows == len(rows)
    text = exported.data.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert table[0] == ["N°", "Client", "Échu", "Segment", "Devise"]
    assert table[1:] == [
        [r.number, r.name, str(r.overdue), r.value("free:Segment"), "EUR"] for r in rows
    ]
    xlsx = export_customers(demo.engine, rep, query, "xlsx", headers, as_of=TODAY)
    assert xlsx.filename.endswith(".xlsx") and xlsx.data[:2] == b"PK"
    sheet = _xlsx_rows(xlsx.data)
    assert sheet[0] == table[0]
    assert [[c for c in r] for r in sheet[1:]] == [
        [r.number, r.name, str(r.overdue), r.value("free:Segment"), "EUR"] for r in rows
    ]
    with pytest.raises(QueryError):
        export_customers(demo.engine, rep, query, "pdf", as_of=TODAY)


def test_default_columns_are_all_known(demo: Demo):
    admin = demo.users["admin"]
    page = list_customers(demo.engine, admin, CustomerQuery(), as_of=TODAY)
    assert tuple(c.key for c in page.columns) == DEFAULT_COLUMNS
    with pytest.raises(QueryError):
        list_customers(demo.engine, admin, CustomerQuery(columns=("nope",)), as_of=TODAY)
