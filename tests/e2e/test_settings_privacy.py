"""The admin's RGPD tab in Chromium: the six retention periods with what is due now and the
register of processing, at desktop and phone width."""

from __future__ import annotations

import dataclasses
import re

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, full_page_shot, log_in_as
from playwright.sync_api import Page, expect

from src_dash.services.privacy import RetentionSettings
from src_dash.ui import routes

PERIODS = len(dataclasses.fields(RetentionSettings))  # one line per retention period

pytestmark = pytest.mark.e2e


def test_the_admin_reads_the_periods_and_the_register(app, page: Page, screenshots_dir) -> None:  # noqa: ANN001
    page.set_viewport_size(DESKTOP)
    log_in_as(page, app.frontend_url, "admin", next_path=f"{routes.SETTINGS}?tab=privacy")
    expect(page).to_have_url(re.compile(r"\?tab=privacy$"), timeout=LOAD_TIMEOUT)
    periods = page.locator("[data-testid=rgpd-period]")
    expect(periods).to_have_count(PERIODS, timeout=LOAD_TIMEOUT)
    expect(periods.first).to_contain_text("jours")
    expect(page.locator("[data-testid=rgpd-processing]").first).to_contain_text("Finalité")
    assert page.locator("[data-testid=rgpd-processing]").count() >= 5
    full_page_shot(page, screenshots_dir / "settings-privacy-desktop.png")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(periods).to_have_count(PERIODS, timeout=LOAD_TIMEOUT)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    full_page_shot(page, screenshots_dir / "settings-privacy-phone.png")
