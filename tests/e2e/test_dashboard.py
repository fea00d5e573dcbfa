"""The dashboard ("/") in Chromium: the figures of `src-dash kpis --json` for the viewer's scope,
filters, live updates, and a layout that fits a phone, a tablet and a desktop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import (
    DEMO_LOGINS,
    LOAD_TIMEOUT,
    VIEWPORTS,
    fr_days,
    fr_eur,
    fr_int,
    fr_percent,
    log_in_as,
)
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select

from src_dash.store import Comment, Customer, Dispute, DisputeItem, Promise, SalesRep, User
from src_dash.store.engine import make_engine
from src_dash.store.versions import bump_data_version
from src_dash.ui.components.layout import nav_items

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT = 15_000  # ms: the page polls every 3 s


def menu_for(role: str) -> list[str]:
    """The routes the menu shows to a role: the pages that exist, the role's only."""
    return [i.route for i in nav_items() if i.roles is None or role in i.roles]


def kpi(page: Page, key: str):  # noqa: ANN201
    return page.locator(f"#kpi-{key} [data-testid=kpi-value]")


def expected_kpis(figures: dict) -> dict[str, str]:
    """The KPI cards' texts in French, written by hand from the CLI's JSON."""
    k = figures["kpis"]
    return {
        "outstanding": fr_eur(k["outstanding"]),
        "overdue": fr_eur(k["overdue"]),
        "dso": fr_days(k["dso"]),
        "add": fr_days(k["average_days_delinquent"]),
        "cei": fr_percent(k["cei"]),
        "cash": fr_eur(k["cash_collected_month"]),
        "promises": fr_int(k["promises"]["due"]),
        "disputes": fr_int(k["open_disputes"]),
    }


def open_dashboard(page: Page, app, role: str, size: str = "desktop") -> None:
    page.set_viewport_size(VIEWPORTS[size])
    log_in_as(page, app.frontend_url, role)
    expect(page.locator("[data-testid=kpi]")).to_have_count(8, timeout=LOAD_TIMEOUT)
    expect(kpi(page, "outstanding")).not_to_be_empty(timeout=LOAD_TIMEOUT)


def assert_kpis(page: Page, figures: dict) -> None:
    for key, text in expected_kpis(figures).items():
        expect(kpi(page, key)).to_have_text(text)


@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_the_figures_are_those_of_the_cli_for_the_viewer(
    app, page: Page, kpis_of, role: str
) -> None:
    figures = kpis_of(DEMO_LOGINS[role])
    open_dashboard(page, app, role)
    assert_kpis(page, figures)
    expect(page.locator("#as-of")).to_have_text("22/11/2026")
    names = [row["name"] for row in figures["top_overdue"]]
    table = page.locator("#top-overdue-table [data-testid=top-row]")
    expect(table).to_have_count(len(names))
    for i, name in enumerate(names):
        expect(table.nth(i)).to_contain_text(name)
        expect(table.nth(i)).to_contain_text(fr_eur(figures["top_overdue"][i]["overdue"]))


def test_a_sales_rep_sees_only_their_portfolio(app, page: Page, kpis_of, e2e_store) -> None:
    everything = kpis_of("admin")
    mine = kpis_of("commercial")
    assert Decimal(mine["kpis"]["outstanding"]) < Decimal(everything["kpis"]["outstanding"])
    engine = make_engine(e2e_store.url)
    try:
        with engine.connect() as conn:
            rep = conn.execute(select(User.sales_rep_id).where(User.login == "commercial")).scalar()
            reps_of_listed = set(
                conn.execute(
                    select(Customer.sales_rep_id).where(
                        Customer.id.in_([r["customer_id"] for r in mine["top_overdue"]])
                    )
                ).scalars()
            )
    finally:
        engine.dispose()
    assert reps_of_listed == {rep}

    open_dashboard(page, app, "sales_rep")
    assert_kpis(page, mine)
    rows = page.locator("#top-overdue-table [data-testid=top-row]")
    expect(rows).to_have_count(len(mine["top_overdue"]))
    for other in everything["top_overdue"]:
        if other["customer_id"] not in {r["customer_id"] for r in mine["top_overdue"]}:
            expect(page.locator("#top-overdue-table")).not_to_contain_text(other["name"])
    # A filter with their own Sage sales rep only could not change anything: it says whose
    # portfolio this is instead.
    engine = make_engine(e2e_store.url)
    try:
        with engine.connect() as conn:
            names = conn.execute(
                select(SalesRep.first_name, SalesRep.last_name).where(SalesRep.id == rep)
            ).one()
        rep_name = " ".join(p for p in names if p)
    finally:
        engine.dispose()
    expect(page.locator("#filter-sales-rep-only")).to_have_text(rep_name)
    expect(page.locator("#filter-sales-rep")).to_have_count(0)


def test_the_company_filter_narrows_every_figure(app, page: Page, kpis_of) -> None:
    demo1 = kpis_of("admin", company="DEMO1")
    open_dashboard(page, app, "admin")
    page.locator("#filter-company").click()
    page.get_by_role("option", name="DEMO1 · Atelier Dumas SAS").click()
    assert_kpis(page, demo1)
    page.locator("#filter-company").click()
    page.get_by_role("option", name="Toutes les sociétés").click()
    assert_kpis(page, kpis_of("admin"))


@pytest.fixture
def colleague_records(e2e_store, kpis_of) -> Iterator[dict]:
    """A function that records, like a colleague would, a promise, a dispute and a comment on
    the customer at the top of the overdue list; everything is removed afterwards."""
    engine = make_engine(e2e_store.url)
    top = kpis_of("admin")["top_overdue"][0]
    made: dict = {"customer": top}

    def record() -> None:
        with engine.begin() as conn:
            made["promise"] = conn.execute(
                Promise.__table__.insert().values(
                    customer_id=top["customer_id"],
                    amount=Decimal("1234.56"),
                    promised_on=e2e_store.today + timedelta(days=2),
                    status="pending",
                    note="test live",
                )
            ).inserted_primary_key[0]
            made["dispute"] = conn.execute(
                Dispute.__table__.insert().values(
                    customer_id=top["customer_id"], status="open", note="Livraison incomplète"
                )
            ).inserted_primary_key[0]
            conn.execute(
                DisputeItem.__table__.insert().values(
                    dispute_id=made["dispute"], piece="FA-LIVE", amount=Decimal("99.90")
                )
            )
            made["comment"] = conn.execute(
                Comment.__table__.insert().values(
                    customer_id=top["customer_id"], body="Rappeler jeudi (test live)"
                )
            ).inserted_primary_key[0]
            bump_data_version(conn)

    made["record"] = record
    try:
        yield made
    finally:
        with engine.begin() as conn:
            if "comment" in made:
                conn.execute(delete(Comment).where(Comment.id == made["comment"]))
            if "dispute" in made:
                conn.execute(delete(DisputeItem).where(DisputeItem.dispute_id == made["dispute"]))
                conn.execute(delete(Dispute).where(Dispute.id == made["dispute"]))
            if "promise" in made:
                conn.execute(delete(Promise).where(Promise.id == made["promise"]))
            bump_data_version(conn)
        engine.dispose()


def test_a_colleagues_records_show_up_without_reloading(
    app, page: Page, kpis_of, colleague_records: dict
) -> None:
    before = kpis_of("direction")
    open_dashboard(page, app, "read_only")
    expect(page.locator("#promises-list-empty")).to_be_visible()
    page.evaluate("window.__not_reloaded = true")

    colleague_records["record"]()
    after = kpis_of("direction")
    assert after["kpis"]["open_disputes"] == before["kpis"]["open_disputes"] + 1

    name = colleague_records["customer"]["name"]
    expect(kpi(page, "disputes")).to_have_text(
        fr_int(after["kpis"]["open_disputes"]), timeout=LIVE_TIMEOUT
    )
    assert_kpis(page, after)
    promises = page.locator("#promises-list [data-testid=list-row]")
    expect(promises).to_have_count(1)
    expect(promises.first).to_contain_text(name)
    expect(promises.first).to_contain_text("24/11/2026")
    expect(promises.first).to_contain_text(fr_eur("1234.56"))
    disputes = page.locator("#disputes-list [data-testid=list-row]")
    expect(disputes.first).to_contain_text("Livraison incomplète")
    expect(disputes.first).to_contain_text(fr_eur("99.90"))
    expect(page.locator("#events-list")).to_contain_text("Rappeler jeudi (test live)")
    assert page.evaluate("window.__not_reloaded") is True


def test_english_labels_and_formats(app, page: Page, kpis_of) -> None:
    figures = kpis_of("admin")
    open_dashboard(page, app, "admin")
    page.locator("#lang-en").click()
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    outstanding = Decimal(figures["kpis"]["outstanding"])
    expect(kpi(page, "outstanding")).to_have_text(f"€{outstanding:,.2f}")
    expect(page.locator("#as-of")).to_have_text("Nov 22, 2026")
    page.locator("#lang-fr").click()
    expect(kpi(page, "outstanding")).to_have_text(fr_eur(outstanding))


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_dashboard_fits_every_screen(app, page: Page, size: str, screenshots_dir: Path) -> None:
    viewport = VIEWPORTS[size]
    open_dashboard(page, app, "admin", size)
    expect(page.locator("#aging-chart .js-plotly-plot")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#forecast-chart .js-plotly-plot")).to_be_visible()
    page.wait_for_timeout(500)  # let Plotly size the charts to their boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for box_id in ("kpis", "aging-chart", "forecast-chart", "top", "events"):
        box = page.locator(f"#{box_id}").bounding_box()
        assert box, box_id
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box_id
    svg = page.locator("#aging-chart .main-svg").first.bounding_box()
    chart_box = page.locator("#aging-chart").bounding_box()
    assert svg and chart_box and svg["width"] <= chart_box["width"] + 1
    # Every KPI value is shown whole, not cut by its card.
    for key in ("outstanding", "overdue", "cash"):
        value = kpi(page, key)
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), key
    phone = size == "phone"
    expect(page.locator("#top-overdue-cards")).to_be_visible(visible=phone)
    expect(page.locator("#top-overdue-table")).to_be_visible(visible=not phone)
    page.screenshot(path=screenshots_dir / f"dashboard-{size}.png", full_page=True)


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_the_drawer_menu_on_small_screens(app, page: Page, size: str, screenshots_dir) -> None:
    open_dashboard(page, app, "admin", size)
    expect(page.locator("#sidebar")).to_be_hidden()
    page.locator("#menu-button").click()
    drawer = page.locator("#drawer")
    expect(drawer).to_be_visible()
    expect(drawer.locator("[data-testid=nav-link]")).to_have_count(len(menu_for("admin")))
    expect(page.locator("#drawer-user-role")).to_have_text("Administrateur")
    page.screenshot(path=screenshots_dir / f"drawer-{size}.png")
    drawer.get_by_text("Synchronisation").click()
    expect(page).to_have_url(app.frontend_url.rstrip("/") + "/synchronisation")
    expect(page.locator("#drawer")).to_be_hidden()
    expect(page.locator("[data-testid=company-card]").first).to_be_visible(timeout=LOAD_TIMEOUT)


def test_the_side_menu_on_a_desktop(app, page: Page) -> None:
    open_dashboard(page, app, "sales_rep")
    expect(page.locator("#menu-button")).to_be_hidden()
    links = page.locator("#sidebar [data-testid=nav-link]")
    expected = menu_for("sales_rep")
    # The sync overview is for users who see every customer, the settings for admins.
    assert "/synchronisation" not in expected and "/reglages" not in expected
    assert {"/", "/clients", "/preferences"} <= set(expected)
    expect(links).to_have_count(len(expected))
    routes = [links.nth(i).get_attribute("data-route") for i in range(len(expected))]
    assert routes == expected
