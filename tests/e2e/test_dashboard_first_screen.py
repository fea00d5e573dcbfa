"""The dashboard's first screen (issue 17): the three customers to call now, first on a phone and
after the KPIs on a desktop, each row a link to the card; the month's cash objective next to the
cash chart, or that none is set (with, for an admin, the link to where it is set)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import DEMO_LOGINS, LOAD_TIMEOUT, NBSP, VIEWPORTS, fr_eur, log_in_as
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from src_dash.store import CashObjective
from src_dash.store.versions import bump_data_version

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT = 15_000  # ms: the page polls every 3 s


def _open(page: Page, app, role: str, size: str) -> None:
    page.set_viewport_size(VIEWPORTS[size])
    log_in_as(page, app.frontend_url, role)
    expect(page.locator("[data-testid=kpi]")).to_have_count(8, timeout=LOAD_TIMEOUT)


def _expected_calls(figures: dict) -> list[str]:
    """The cards of the three customers to call, by hand from the CLI's JSON: of both top 10s,
    those with something overdue, by overdue x score."""
    seen = {}
    for row in figures["top_overdue"] + figures["top_risk"]:
        if Decimal(str(row["overdue"])) > 0:
            seen.setdefault(row["customer_id"], row)
    ranked = sorted(
        seen.values(), key=lambda r: (-Decimal(str(r["overdue"])) * r["score"], r["number"])
    )
    return [f"/clients/{r['customer_id']}" for r in ranked[:3]]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_customers_to_call_on_the_first_screen(
    app, page: Page, kpis_of, size: str, screenshots_dir: Path
) -> None:
    figures = kpis_of(DEMO_LOGINS["collector"])
    _open(page, app, "collector", size)
    rows = page.locator("#calls [data-testid=call-row]")
    expect(rows).to_have_count(3, timeout=LOAD_TIMEOUT)
    assert [rows.nth(i).get_attribute("href") for i in range(3)] == _expected_calls(figures)
    first = rows.first
    expect(first).to_contain_text(f"{NBSP}€ échus")
    calls = page.locator("#calls").bounding_box()
    kpis = page.locator("#kpis").bounding_box()
    aging = page.locator("#aging").bounding_box()
    assert calls and kpis and aging
    assert calls["y"] + calls["height"] < aging["y"]  # before the charts
    if size == "phone":
        # First on a phone, whole on the first screen, above the KPIs.
        assert calls["y"] + calls["height"] <= VIEWPORTS["phone"]["height"]
        assert calls["y"] < kpis["y"]
        box = first.bounding_box()
        assert box and box["height"] >= 44 and box["width"] > 300  # a whole row to tap
    else:
        assert calls["y"] > kpis["y"] + kpis["height"] - 1  # under the KPIs on a desktop
    page.screenshot(path=screenshots_dir / f"dashboard-first-screen-{size}.png")
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href}", timeout=LOAD_TIMEOUT)


def test_the_month_objective_missing_then_set(app, page: Page, kpis_of, engine) -> None:
    _open(page, app, "admin", "phone")
    none = page.locator("#objective-none")
    expect(none).to_contain_text("Aucun objectif d'encaissement pour ce mois", timeout=LOAD_TIMEOUT)
    expect(page.locator("#objective-set-link")).to_have_attribute(
        "href", "/reglages?tab=objectives"
    )
    cash = Decimal(str(kpis_of(DEMO_LOGINS["admin"])["kpis"]["cash_collected_month"]))
    goal = (cash + Decimal("12345")).quantize(Decimal("1"))
    with engine.begin() as conn:
        conn.execute(
            CashObjective.__table__.insert().values(
                company_id=None, user_id=None, month=date(2026, 11, 1), amount=goal
            )
        )
        bump_data_version(conn)
    try:
        status = page.locator("#objective-status")
        expect(status).to_contain_text("atteint", timeout=LIVE_TIMEOUT)
        expect(status).to_contain_text(f"reste {fr_eur(goal - cash)} à encaisser")
        expect(none).to_have_count(0)
    finally:
        with engine.begin() as conn:
            conn.execute(
                delete(CashObjective.__table__).where(CashObjective.month == date(2026, 11, 1))
            )
            bump_data_version(conn)


def test_a_collector_is_told_without_the_settings_link(app, page: Page) -> None:
    _open(page, app, "collector", "desktop")
    expect(page.locator("#objective-none")).to_contain_text(
        "Aucun objectif d'encaissement pour ce mois", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#objective-set-link")).to_have_count(0)


def test_the_filters_fold_into_one_chip_on_a_phone(app, page: Page) -> None:
    _open(page, app, "admin", "phone")
    chip, company = page.locator("#filters-chip"), page.locator("#filter-company")
    expect(chip).to_have_text("Filtres · tout le périmètre", timeout=LOAD_TIMEOUT)
    expect(company).to_be_hidden()
    chip.click()
    expect(company).to_be_visible()
    company.click()
    page.get_by_role("option", name="DEMO1 · Atelier Dumas SAS").click()
    expect(chip).to_have_text("Filtres · DEMO1 · Atelier Dumas SAS", timeout=LIVE_TIMEOUT)
    chip.click()
    expect(company).to_be_hidden()
    # As they were on a desktop: the selects, no chip.
    page.set_viewport_size(VIEWPORTS["desktop"])
    expect(chip).to_be_hidden()
    expect(company).to_be_visible()
