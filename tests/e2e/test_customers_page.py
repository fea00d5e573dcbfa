"""Who owes what ("/clients") in Chromium: portfolio, paging, sorting, filters, columns, exports,
and the layout on a phone, a tablet and a desktop.

The expected rows come from the services called with the same viewer on the e2e store; the
services themselves are checked against the Sage base in tests/services.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, TABLET, demo_viewer, squash
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.services.customers import CustomerQuery, CustomerRow, list_customers

pytestmark = pytest.mark.e2e

ROWS = "#customers-table [data-testid=table-row]"
CARDS = "#customers-table-cards [data-testid=table-card]"


def expected(engine: Engine, who: Viewer, query: CustomerQuery, today) -> list[CustomerRow]:
    return list(list_customers(engine, who, query, as_of=today).rows)


def shown_ids(page: Page) -> list[int]:
    return [int(x) for x in page.locator(ROWS).evaluate_all("r => r.map(e => e.dataset.rowId)")]


def wait_for_ids(page: Page, ids: list[int]) -> None:
    """Wait until the table shows exactly these rows, in this order."""
    expect(page.locator(ROWS)).to_have_count(len(ids), timeout=LOAD_TIMEOUT)
    for n, customer_id in enumerate(ids):
        expect(page.locator(ROWS).nth(n)).to_have_attribute("data-row-id", str(customer_id))


def open_table(page: Page, login, viewport: dict, who: str = "admin") -> None:
    page.set_viewport_size(viewport)
    login(who, "/clients")
    expect(page.locator("#page-title")).to_have_text("Qui vous doit quoi", timeout=LOAD_TIMEOUT)
    expect(page.locator("#customers-total")).not_to_be_empty(timeout=LOAD_TIMEOUT)


def test_a_sales_rep_sees_only_their_portfolio_and_no_other_card(
    app, page: Page, login, engine, e2e_store, screenshots_dir: Path
) -> None:
    rep = demo_viewer(engine, "commercial")
    admin = demo_viewer(engine, "admin")
    theirs = list_customers(engine, rep, CustomerQuery(page_size=500), as_of=e2e_store.today)
    everyone = list_customers(engine, admin, CustomerQuery(page_size=500), as_of=e2e_store.today)
    assert 0 < theirs.total < everyone.total

    open_table(page, login, DESKTOP, "sales_rep")
    wait_for_ids(page, [r.customer_id for r in theirs.rows[:25]])
    expect(page.locator("#customers-total")).to_have_text(f"{theirs.total}\u00a0clients")
    # The sales rep filter could only offer their own name: it says it instead (whose portfolio).
    page.locator("#filters-button").click()
    expect(page.locator("#filter-sales-rep-only")).to_have_text(theirs.rows[0].sales_rep)
    expect(page.locator("#filter-sales-rep")).to_have_count(0)
    page.keyboard.press("Escape")

    # Another rep's customer by URL: the card's loader gets nothing.
    mine = {r.customer_id for r in theirs.rows}
    other = next(r for r in everyone.rows if r.customer_id not in mine)
    page.goto(f"{app.frontend_url.rstrip('/')}/clients/{other.customer_id}")
    expect(page.locator("#card-not-found")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#customer-card")).to_have_count(0)
    assert other.name not in page.content()
    assert other.number not in page.locator("body").inner_text()

    # Their own customer opens.
    own = theirs.rows[0]
    page.goto(f"{app.frontend_url.rstrip('/')}/clients/{own.customer_id}")
    expect(page.locator("#page-title")).to_have_text(own.name, timeout=LOAD_TIMEOUT)


def test_the_table_pages_sorts_searches_and_filters(
    app, page: Page, login, engine, e2e_store
) -> None:
    admin = demo_viewer(engine, "admin")
    today = e2e_store.today
    query = CustomerQuery()
    open_table(page, login, DESKTOP)
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, query, today)])

    # Next page, then back.
    page.locator("#customers-pager-next").click()
    wait_for_ids(
        page, [r.customer_id for r in expected(engine, admin, replace(query, page=1), today)]
    )
    expect(page.locator("#customers-pager-label")).to_contain_text("Page 2 sur")
    page.locator("#customers-pager-prev").click()
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, query, today)])

    # Sort on the name, then the other way.
    header = page.locator("[data-testid=column-header][data-key=name] button")
    header.click()
    by_name = replace(query, sort="name", descending=False)
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, by_name, today)])
    header.click()
    wait_for_ids(
        page,
        [r.customer_id for r in expected(engine, admin, replace(by_name, descending=True), today)],
    )

    # Search.
    first = expected(engine, admin, by_name, today)[0]
    word = first.name.split()[0]
    page.locator("#customers-search").fill(word)
    searched = replace(by_name, descending=True, search=word)
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, searched, today)])
    page.locator("#customers-search").fill("")

    # Filters: grade, then days overdue, then clear.
    page.locator("#filters-button").click()
    expect(page.locator("#filters-panel")).to_be_visible()
    everyone = list_customers(engine, admin, CustomerQuery(page_size=500), as_of=today).rows
    grade = max({r.grade for r in everyone}, key=lambda g: sum(1 for r in everyone if r.grade == g))
    page.locator(f"#filter-grade-{grade}").click()
    graded = replace(query, sort="name", descending=True, grades=(grade,))
    rows = expected(engine, admin, graded, today)
    wait_for_ids(page, [r.customer_id for r in rows])
    for n in range(len(rows)):
        expect(page.locator(ROWS).nth(n).locator("[data-key=grade]")).to_have_text(grade)
    page.locator("#filter-days").click()
    page.get_by_role("option", name="Plus de 60\u00a0jours").click()
    late = replace(graded, min_days_overdue=60)
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, late, today)])
    total = list_customers(engine, admin, late, as_of=today).total
    expect(page.locator("#customers-total")).to_have_text(
        f"{total}\u00a0client" + ("s" if total != 1 else "")
    )
    page.locator("#filters-reset").click()
    wait_for_ids(
        page,
        [
            r.customer_id
            for r in expected(engine, admin, replace(query, sort="name", descending=True), today)
        ],
    )


def test_free_field_columns_can_be_shown_and_filtered(
    app, page: Page, login, engine, e2e_store
) -> None:
    admin = demo_viewer(engine, "admin")
    today = e2e_store.today
    open_table(page, login, DESKTOP)
    page.locator("#columns-button").click()
    page.locator("#columns-menu [data-testid=column-choice]", has_text="Segment").click()
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=column-header][data-key='free:Segment']")).to_be_visible()
    query = CustomerQuery(columns=(*CustomerQuery().columns, "free:Segment"))
    rows = expected(engine, admin, query, today)
    for n, row in enumerate(rows[:10]):
        cell = page.locator(ROWS).nth(n).locator("[data-key='free:Segment']")
        expect(cell).to_have_text(row.value("free:Segment"))

    segment = next(r.value("free:Segment") for r in rows if r.value("free:Segment"))
    page.locator("#filters-button").click()
    page.locator("#filter-free-field").click()
    page.get_by_role("option", name="Segment", exact=True).click()
    page.locator("#filter-free-value").fill(segment)
    filtered = replace(query, free=(("Segment", segment),))
    wait_for_ids(page, [r.customer_id for r in expected(engine, admin, filtered, today)])


def _xlsx_rows(data: bytes) -> list[list[str]]:
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    out = []
    for row in sheet.iter(f"{ns}row"):
        cells = []
        for cell in row:
            value = cell.find(f"{ns}v")
            text = "".join(t.text or "" for t in cell.iter(f"{ns}t"))
            cells.append(text if value is None else value.text or "")
        out.append(cells)
    return out


def test_exports_download_the_current_view(
    app, page: Page, login, engine, e2e_store, tmp_path: Path
) -> None:
    rep = demo_viewer(engine, "commercial")
    today = e2e_store.today
    open_table(page, login, DESKTOP, "sales_rep")
    page.locator("#filters-button").click()
    page.locator("#filter-days").click()
    page.get_by_role("option", name="En retard").click()
    query = CustomerQuery(min_days_overdue=1, page_size=500)
    rows = expected(engine, rep, query, today)
    assert rows, "the demo sales rep has overdue customers"
    wait_for_ids(page, [r.customer_id for r in rows[:25]])
    # A sales rep's view has no Commercial column (their own name on every row).
    header = ["N° client", "Client", "Encours", "Échu", "Retard", "Note", "Devise"]
    lines = [
        [
            r.number,
            r.name,
            str(r.outstanding),
            str(r.overdue),
            str(r.oldest_days),
            r.grade,
            r.currency,
        ]
        for r in rows
    ]

    with page.expect_download() as csv_download:
        page.locator("#export-csv").click()
    assert csv_download.value.suggested_filename == f"clients-{today.isoformat()}.csv"
    path = tmp_path / "export.csv"
    csv_download.value.save_as(path)
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert table[0] == header
    assert table[1:] == lines

    with page.expect_download() as xlsx_download:
        page.locator("#export-xlsx").click()
    assert xlsx_download.value.suggested_filename == f"clients-{today.isoformat()}.xlsx"
    path = tmp_path / "export.xlsx"
    xlsx_download.value.save_as(path)
    sheet = _xlsx_rows(path.read_bytes())
    assert sheet[0] == header
    assert sheet[1:] == lines


@pytest.mark.parametrize(
    "name, viewport", [("phone", PHONE), ("tablet", TABLET), ("desktop", DESKTOP)]
)
def test_layout_fits_each_screen(
    app, page: Page, login, engine, e2e_store, screenshots_dir: Path, name: str, viewport: dict
) -> None:
    admin = demo_viewer(engine, "admin")
    rows = expected(engine, admin, CustomerQuery(), e2e_store.today)
    open_table(page, login, viewport)
    if name == "phone":
        # Cards, not a table, and nothing wider than the screen.
        expect(page.locator(CARDS)).to_have_count(len(rows), timeout=LOAD_TIMEOUT)
        expect(page.locator("#customers-table")).to_be_hidden()
        first = page.locator(CARDS).first
        expect(first).to_contain_text(rows[0].name)
        assert squash(first.locator("[data-key=overdue]").text_content()) != ""
    else:
        wait_for_ids(page, [r.customer_id for r in rows])
        expect(page.locator(CARDS).first).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=screenshots_dir / f"customers-{name}.png", full_page=True)
    page.locator("#filters-button").click()
    expect(page.locator("#filters-panel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=screenshots_dir / f"customers-filters-{name}.png", full_page=False)


def test_switching_to_english_changes_words_and_amounts(
    app, page: Page, login, engine, e2e_store
) -> None:
    admin = demo_viewer(engine, "admin")
    first = expected(engine, admin, CustomerQuery(), e2e_store.today)[0]
    open_table(page, login, DESKTOP)
    row = page.locator(ROWS).first
    expect(row.locator("[data-key=overdue]")).to_contain_text("\u00a0€")
    page.locator("#lang-en").click()
    expect(page.locator("#page-title")).to_have_text("Who owes what")
    expect(page.locator("[data-testid=column-header][data-key=outstanding]")).to_have_text(
        "Outstanding"
    )
    expect(row.locator("[data-key=overdue]")).to_have_text(f"€{first.overdue:,.2f}")
    page.locator("#lang-fr").click()
    expect(page.locator("#page-title")).to_have_text("Qui vous doit quoi")
