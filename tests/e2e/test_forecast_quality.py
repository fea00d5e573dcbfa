"""The admin's "Qualité des prévisions" tab in Chromium: empty before the first backtest, then,
after "Recalculer", the model against the three rules, cutoff by cutoff, and the cash-in
forecast's record; phone and desktop screenshots."""

from __future__ import annotations

import re

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, full_page_shot, log_in_as
from playwright.sync_api import Page, expect

from src_dash.ui import routes

pytestmark = pytest.mark.e2e
BACKTEST_TIMEOUT = 240_000  # ms: 12 monthly replays of the demo ledger


def _open(page: Page, app, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, "admin", next_path=f"{routes.SETTINGS}?tab=forecast")
    expect(page).to_have_url(re.compile(r"\?tab=forecast$"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#fq-models")).to_be_visible(timeout=LOAD_TIMEOUT)


def test_the_admin_runs_the_backtest_and_reads_the_figures(
    app, page: Page, screenshots_dir
) -> None:  # noqa: ANN001
    _open(page, app, DESKTOP)
    page.locator("#fq-run").click()
    rows = page.locator("[data-testid=fq-method]")
    expect(rows).to_have_count(4, timeout=BACKTEST_TIMEOUT)
    expect(rows.first).to_contain_text("Modèle src_dash")
    expect(rows.first).to_contain_text(re.compile(r"0,\d{3}"))
    expect(page.locator("#fq-verdict")).to_contain_text("Le modèle fait mieux")
    expect(page.locator("#fq-run-at")).to_contain_text("Calculé le")
    expect(page.locator("[data-testid=fq-cutoff]")).to_have_count(12)
    full_page_shot(page, screenshots_dir / "forecast-quality-desktop.png")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("[data-testid=fq-method]")).to_have_count(4, timeout=LOAD_TIMEOUT)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    full_page_shot(page, screenshots_dir / "forecast-quality-phone.png")


def test_another_role_never_sees_it(app, page: Page) -> None:  # noqa: ANN001
    page.set_viewport_size(DESKTOP)
    log_in_as(page, app.frontend_url, "collector", next_path=f"{routes.SETTINGS}?tab=forecast")
    expect(page.locator("#fq-models")).to_have_count(0, timeout=LOAD_TIMEOUT)
