"""The "Préférences" page in Chromium: each user's formats, kept in the store, used everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from e2e.helpers import LOAD_TIMEOUT, NNBSP, VIEWPORTS, fr_eur, log_in_as
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from src_dash.store import User
from src_dash.store.engine import make_engine

pytestmark = pytest.mark.e2e


def settings_of(url: str, login: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(User.language, User.currency_format, User.date_format, User.timezone).where(
                    User.login == login
                )
            ).one()
        return dict(row._mapping)
    finally:
        engine.dispose()


@pytest.fixture
def direction_settings(e2e_store) -> Iterator[None]:
    """Put the read-only demo user's settings back to the defaults after the test."""
    yield
    engine = make_engine(e2e_store.url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(User)
                .where(User.login == "direction")
                .values(
                    language="fr",
                    currency_format="symbol",
                    date_format="default",
                    timezone="Europe/Paris",
                )
            )
    finally:
        engine.dispose()


def pick(page: Page, trigger: str, index: int) -> None:
    page.locator(trigger).click()
    page.get_by_role("option").nth(index).click()


def test_formats_are_saved_for_the_user_and_used_by_the_dashboard(
    app, page: Page, e2e_store, kpis_of, direction_settings, screenshots_dir
) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    log_in_as(page, app.frontend_url, "read_only", next_path="/preferences")
    expect(page.locator("#sample-money")).to_have_text(fr_eur("-12345.67"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#sample-day")).to_have_text("22/11/2026")
    expect(page.locator("#sample-moment")).to_have_text("22/11/2026 09:15")

    pick(page, "#pref-currency", 1)  # the ISO code
    pick(page, "#pref-date", 4)  # ISO dates
    page.locator("#pref-timezone").click()
    page.get_by_role("option", name="America/Martinique", exact=True).click()
    expect(page.locator("#sample-money")).to_have_text(f"-12{NNBSP}345,67\u00a0EUR")
    expect(page.locator("#sample-day")).to_have_text("2026-11-22")
    # 08:15 UTC is 04:15 in Martinique (UTC-4).
    expect(page.locator("#sample-moment")).to_have_text("2026-11-22 04:15")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    page.screenshot(path=screenshots_dir / "preferences-phone.png", full_page=True)
    page.locator("#prefs-save").click()
    expect(page.locator("#prefs-saved-note")).to_be_visible()
    assert settings_of(e2e_store.url, "direction") == {
        "language": "fr",
        "currency_format": "code",
        "date_format": "iso",
        "timezone": "America/Martinique",
    }

    page.goto(app.frontend_url)
    outstanding = Decimal(kpis_of("direction")["kpis"]["outstanding"])
    expected = fr_eur(outstanding).replace("\u00a0€", "\u00a0EUR")
    expect(page.locator("#kpi-outstanding [data-testid=kpi-value]")).to_have_text(
        expected, timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#as-of")).to_have_text("2026-11-22")


def test_the_language_saved_comes_back_at_the_next_login(
    app, page: Page, e2e_store, direction_settings
) -> None:
    log_in_as(page, app.frontend_url, "read_only", next_path="/preferences")
    expect(page.locator("#pref-lang-en")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#pref-lang-en").click()
    page.locator("#prefs-save").click()
    expect(page.locator("#page-title")).to_have_text("Preferences")
    assert settings_of(e2e_store.url, "direction")["language"] == "en"

    page.locator("#logout").click()
    expect(page).to_have_url(app.frontend_url.rstrip("/") + "/login", timeout=LOAD_TIMEOUT)
    # Another browser (no language stored in it) gets the user's language at login.
    page.evaluate("window.localStorage.clear()")
    page.reload()
    expect(page.locator("#page-title")).to_have_text("Connexion", timeout=LOAD_TIMEOUT)
    log_in_as(page, app.frontend_url, "read_only")
    expect(page.locator("#page-title")).to_have_text("Dashboard", timeout=LOAD_TIMEOUT)

    # The header's switch is remembered too.
    page.locator("#lang-fr").click()
    expect(page.locator("#page-title")).to_have_text("Tableau de bord")
    for _ in range(50):
        if settings_of(e2e_store.url, "direction")["language"] == "fr":
            break
        page.wait_for_timeout(100)
    assert settings_of(e2e_store.url, "direction")["language"] == "fr"
