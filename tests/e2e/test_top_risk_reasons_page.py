"""The riskiest Top 10 on the dashboard in Chromium: what it is sorted by, and each customer's
top reason as `src-dash kpis --json` gives it, in the viewer's language (issue 15)."""

from __future__ import annotations

import pytest
from e2e.helpers import DEMO_LOGINS, LOAD_TIMEOUT, VIEWPORTS, log_in_as
from playwright.sync_api import Page, expect

from src_dash.ui.pages.dashboard.rows import reason_text

pytestmark = pytest.mark.e2e


def test_the_riskiest_top_10_says_its_order_and_each_reason(app, page: Page, kpis_of) -> None:
    figures = kpis_of(DEMO_LOGINS["admin"])
    riskiest = figures["top_risk"]
    assert riskiest
    page.set_viewport_size(VIEWPORTS["desktop"])
    log_in_as(page, app.frontend_url, "admin")
    page.locator("#tab-risk").click(timeout=LOAD_TIMEOUT)
    expect(page.locator("#top-risk-sorted-by")).to_have_text(
        "Trié par risque : score × encours exposé", timeout=LOAD_TIMEOUT
    )
    rows = page.locator("#top-risk-table [data-testid=top-row]")
    expect(rows).to_have_count(len(riskiest))
    for i, customer in enumerate(riskiest):
        expected = reason_text(customer["reason"], customer["reason_value"], "fr")
        assert expected
        expect(rows.nth(i)).to_contain_text(customer["name"])
        expect(rows.nth(i).locator("[data-testid=top-reason]")).to_have_text(expected)
    # The largest overdue list is sorted by what it says: no reason line there.
    expect(page.locator("#top-overdue-table [data-testid=top-reason]")).to_have_count(0)
