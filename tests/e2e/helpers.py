"""Helpers shared by the browser tests: logging in as a demo user, viewports, number formats,
screenshots, the viewer of a demo user."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from src_dash.access import Viewer

DEMO_PASSWORD = "demo-src-dash"
# The demo users of `src-dash demo`, one per role: login -> role.
DEMO_LOGINS = {
    "admin": "admin",
    "collector": "recouvrement",
    "sales_rep": "commercial",
    "read_only": "direction",
}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1440, "height": 900}
VIEWPORTS = {"phone": PHONE, "tablet": TABLET, "desktop": DESKTOP}
LOAD_TIMEOUT = 90_000  # ms; the dev server compiles a page on its first visit
NNBSP, NBSP = "\u202f", "\u00a0"


def log_in(
    page: Page,
    base_url: str,
    login: str,
    password: str = DEMO_PASSWORD,
    next_path: str = "/",
) -> None:
    """Sign in through the login page and wait until the app has left it.

    Args:
        page: the Playwright page.
        base_url: the app's frontend URL (`app.frontend_url`).
        login: a login (see `DEMO_LOGINS`).
        password: its password (the demo's by default).
        next_path: the page to land on after login.
    """
    base = base_url.rstrip("/")
    url = f"{base}/login" if next_path == "/" else f"{base}/login?next={next_path}"
    page.goto(url)
    page.locator("#login-login").fill(login, timeout=LOAD_TIMEOUT)
    page.locator("#login-password").fill(password)
    page.locator("#login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#logout")).to_be_visible(timeout=LOAD_TIMEOUT)


def log_in_as(page: Page, base_url: str, role: str, next_path: str = "/") -> None:
    """Sign in as the demo user of a role: admin, collector, sales_rep or read_only."""
    log_in(page, base_url, DEMO_LOGINS[role], DEMO_PASSWORD, next_path)


def fr_int(n: int) -> str:
    """A whole number as the French UI writes it ("12 345" with a narrow no-break space)."""
    return f"{n:,}".replace(",", NNBSP)


def squash(text: str | None) -> str:
    """Collapse every kind of space, for texts whose spacing is not what is under test."""
    return " ".join((text or "").replace(NNBSP, " ").replace(NBSP, " ").split())


def fr_eur(amount) -> str:  # noqa: ANN001  (Decimal or str)
    """An amount in euros as the French UI writes it: "-12 345,67 €"."""
    from decimal import Decimal

    amount = Decimal(amount)
    units, cents = f"{abs(amount):.2f}".split(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{fr_int(int(units))},{cents}{NBSP}€"


def fr_days(value) -> str:  # noqa: ANN001
    """A number of days with one decimal as the French UI writes it ("45,3 j"), "—" for None."""
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",") + f"{NBSP}j"


def fr_percent(value) -> str:  # noqa: ANN001
    """A percentage with one decimal as the French UI writes it ("87,5 %"), "—" for None."""
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",") + f"{NBSP}%"


def full_page_shot(page: Page, path: Path) -> None:
    """A screenshot of the whole page from its top (a sticky header would float mid-page
    otherwise), once the scroll has settled."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=path, full_page=True)


def demo_viewer(engine: Engine, login: str) -> Viewer:
    """The viewer of a user of the store by login, with its role and scope, as the app builds it."""
    from sqlalchemy import select

    from src_dash.access import viewer
    from src_dash.store import User

    u = User.__table__
    with engine.connect() as conn:
        user_id = conn.execute(select(u.c.id).where(u.c.login == login)).scalar_one()
    return viewer(engine, user_id)
