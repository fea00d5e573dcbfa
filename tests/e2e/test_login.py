"""Login, roles and logout in Chromium: every page needs a session kept in the store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e.helpers import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    LOAD_TIMEOUT,
    VIEWPORTS,
    log_in,
    log_in_as,
)
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from src_dash.store import User, UserSession
from src_dash.store.engine import make_engine

pytestmark = pytest.mark.e2e

ROLE_LABELS = {
    "admin": "Administrateur",
    "collector": "Chargé de recouvrement",
    "sales_rep": "Commercial",
    "read_only": "Lecture seule",
}


def sessions_of(url: str, login: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count())
                .select_from(UserSession.__table__.join(User.__table__))
                .where(User.__table__.c.login == login)
            ).scalar_one()
    finally:
        engine.dispose()


def base(app) -> str:
    return app.frontend_url.rstrip("/")


@pytest.mark.parametrize("path", ["/", "/synchronisation", "/preferences"])
def test_a_page_visited_without_login_goes_to_the_login_page(app, page: Page, path: str) -> None:
    page.goto(base(app) + path)
    expected = "/login" if path == "/" else f"/login?next={path}"
    expect(page).to_have_url(base(app) + expected, timeout=LOAD_TIMEOUT)
    expect(page.locator("#page-title")).to_have_text("Connexion")
    # Nothing of the page's figures reached the browser.
    expect(page.locator("[data-testid=kpi]")).to_have_count(0)
    expect(page.locator("[data-testid=company-card]")).to_have_count(0)


def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(
    app, page: Page, e2e_store
) -> None:
    before = sessions_of(e2e_store.url, "admin")
    page.goto(base(app) + "/login")
    page.locator("#login-login").fill("admin", timeout=LOAD_TIMEOUT)
    page.locator("#login-password").fill("not-the-password")
    page.locator("#login-submit").click()
    expect(page.locator("#login-error")).to_have_text(
        "Identifiant inconnu ou mot de passe erroné.", timeout=LOAD_TIMEOUT
    )
    page.locator("#login-login").fill("nobody")
    page.locator("#login-password").fill(DEMO_PASSWORD)
    page.locator("#login-submit").click()
    expect(page.locator("#login-error")).to_have_text("Identifiant inconnu ou mot de passe erroné.")
    expect(page).to_have_url(re.compile(r"/login$"))
    assert sessions_of(e2e_store.url, "admin") == before


@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_each_role_logs_in_and_sees_its_name_and_role(app, page: Page, role: str) -> None:
    page.set_viewport_size(VIEWPORTS["desktop"])
    log_in_as(page, app.frontend_url, role)
    expect(page).to_have_url(base(app) + "/")
    expect(page.locator("#page-title")).to_have_text("Tableau de bord")
    expect(page.locator("#user-role")).to_have_text(ROLE_LABELS[role])
    expect(page.locator("#user-name")).not_to_be_empty()
    expect(page.locator("[data-testid=kpi]")).to_have_count(8, timeout=LOAD_TIMEOUT)


def test_login_brings_back_to_the_page_asked_for(app, page: Page) -> None:
    page.goto(base(app) + "/preferences")
    expect(page).to_have_url(base(app) + "/login?next=/preferences", timeout=LOAD_TIMEOUT)
    page.locator("#login-login").fill("direction", timeout=LOAD_TIMEOUT)
    page.locator("#login-password").fill(DEMO_PASSWORD)
    page.locator("#login-submit").click()
    expect(page).to_have_url(base(app) + "/preferences", timeout=LOAD_TIMEOUT)
    expect(page.locator("#page-title")).to_have_text("Préférences")


def test_an_outside_next_address_is_ignored(app, page: Page) -> None:
    log_in(page, app.frontend_url, "direction", next_path="//example.com/x")
    expect(page).to_have_url(base(app) + "/")


def test_logout_ends_the_session_in_the_store_and_the_browser(app, page: Page, e2e_store) -> None:
    before = sessions_of(e2e_store.url, "recouvrement")
    log_in_as(page, app.frontend_url, "collector")
    assert sessions_of(e2e_store.url, "recouvrement") == before + 1
    token = page.evaluate("window.localStorage.getItem('src_dash_session')")
    assert token and len(token) >= 40

    page.locator("#logout").click()
    expect(page).to_have_url(base(app) + "/login", timeout=LOAD_TIMEOUT)
    assert sessions_of(e2e_store.url, "recouvrement") == before
    assert not page.evaluate("window.localStorage.getItem('src_dash_session')")

    # The old token is dead even if someone put it back in the browser.
    page.evaluate(f"window.localStorage.setItem('src_dash_session', {token!r})")
    page.goto(base(app) + "/synchronisation")
    expect(page).to_have_url(base(app) + "/login?next=/synchronisation", timeout=LOAD_TIMEOUT)


def test_a_forged_token_is_not_a_session(app, page: Page) -> None:
    page.goto(base(app) + "/login")
    expect(page.locator("#login-login")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.evaluate("window.localStorage.setItem('src_dash_session', 'forged-token-1234567890')")
    page.goto(base(app) + "/")
    expect(page).to_have_url(base(app) + "/login", timeout=LOAD_TIMEOUT)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_login_page_fits_every_screen(
    app, page: Page, size: str, screenshots_dir: Path
) -> None:
    viewport = VIEWPORTS[size]
    page.set_viewport_size(viewport)
    page.goto(base(app) + "/login")
    form = page.locator("#login-form")
    expect(form).to_be_visible(timeout=LOAD_TIMEOUT)
    box = form.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=screenshots_dir / f"login-{size}.png", full_page=True)


def test_logging_out_in_one_tab_signs_the_other_tabs_out(app, page: Page) -> None:
    log_in_as(page, app.frontend_url, "admin")
    other = page.context.new_page()
    other.goto(base(app) + "/")
    expect(other.locator("[data-testid=kpi]")).to_have_count(8, timeout=LOAD_TIMEOUT)

    page.locator("#logout").click()
    expect(page).to_have_url(base(app) + "/login", timeout=LOAD_TIMEOUT)
    # The dashboard left open in the other tab notices at its next poll (every 3 s).
    expect(other).to_have_url(re.compile(r"/login"), timeout=15_000)
    other.close()


def test_repeated_wrong_passwords_make_the_next_attempt_wait(app, page: Page) -> None:
    page.goto(base(app) + "/login")
    page.locator("#login-login").fill("ghost-of-e2e", timeout=LOAD_TIMEOUT)
    said = []
    for _ in range(8):  # 3 free failures, then waits of 1, 2, 4 s...: one of these is held
        page.locator("#login-password").fill("not-the-password")
        page.locator("#login-submit").click()
        expect(page.locator("#login-submit")).to_be_enabled(timeout=LOAD_TIMEOUT)
        expect(page.locator("#login-error")).to_be_visible(timeout=LOAD_TIMEOUT)
        said.append(page.locator("#login-error").inner_text())
        if "Réessayez dans" in said[-1]:
            break
    assert said[:3] == ["Identifiant inconnu ou mot de passe erroné."] * 3
    assert re.fullmatch(r"Trop d'essais infructueux\. Réessayez dans \d+ s\.", said[-1]), said
