"""The campaign send screen in Chromium (issue 12): a run prepared for one scenario and level is
listed by its name ("PME · Relance 3 · 22/11/2026"), not its id; opened, it says which data its
items are checked against ("Données du ..."); the preview counts customers and items apart. A
dun-now is not listed. Screenshots at 390x844 and 1440x900."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, full_page_shot
from e2e.test_campaigns_page import (  # noqa: F401  (module fixtures)
    FR,
    open_campaigns,
    preview_level,
    restore_store,
)
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.campaigns import campaign_name

pytestmark = pytest.mark.e2e
LEVEL = 3


def test_the_send_screen_names_the_run_and_says_its_data(
    app,  # noqa: ANN001
    page: Page,
    login,  # noqa: ANN001
    engine: Engine,
    restore_store,  # noqa: ANN001, F811
    e2e_store,  # noqa: ANN001
    screenshots_dir: Path,
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    criteria = CampaignCriteria(level=LEVEL)
    draft = campaigns.create_draft(engine, collector, criteria, as_of=e2e_store.today)
    status = campaigns.run_status(engine, collector, draft.run)
    name = campaign_name(status.scenarios, status.levels, status.as_of, Formats("fr"))
    assert FR[f"camp.level.{LEVEL}"] in name and f"{e2e_store.today:%d/%m/%Y}" in name

    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        if size == "phone":
            open_campaigns(page, login, "collector", viewport)
        else:  # logged in already: the same page, wider
            page.set_viewport_size(viewport)
            page.reload()
            expect(page.locator("#recent-runs")).to_be_visible(timeout=LOAD_TIMEOUT)
        recent = page.locator("#recent-runs")
        expect(recent).to_contain_text(name, timeout=LOAD_TIMEOUT)
        expect(recent).not_to_contain_text(draft.run)
        recent.locator("[data-testid=open-run]").first.click()
        expect(page.locator("#run")).to_be_visible(timeout=LOAD_TIMEOUT)
        expect(page.locator("#run-title")).to_have_text(name)
        data = page.locator("#run-data")
        expect(data).to_contain_text("Données du ")
        if status.data_at is not None:
            # In the viewer's time zone (Paris): from 23:00 UTC it is already the next day there.
            shown = status.data_at.astimezone(ZoneInfo("Europe/Paris"))
            expect(data).to_contain_text(f"{shown:%d/%m/%Y}")
        full_page_shot(page, screenshots_dir / f"campaigns-send-screen-{size}.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the send screen is {width}px wide"

        # The preview's counts: customers and items apart, each "of N · M left out".
        page.locator("#close-run").click()
        preview_level(page, LEVEL)
        seen = campaigns.preview(engine, collector, criteria, e2e_store.today)
        cust = seen.customer_counts
        expect(page.locator("#kpi-customers-note")).to_contain_text(
            f"sur {cust.in_scope} · {cust.excluded}"
        )
        full_page_shot(page, screenshots_dir / f"campaigns-counts-{size}.png")
