"""The TOTP second factor in Chromium, on a phone (390x844): a collector turns it on in their
preferences (QR code, key, a code, ten recovery codes), logs out, then signs in with their
password and a code; a wrong code is refused on the way. Codes are computed by pyotp at the app's
clock (`src_dash.clock.utcnow`, which the e2e store pins to its day)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from e2e.helpers import LOAD_TIMEOUT, VIEWPORTS, log_in
from playwright.sync_api import Page, expect
from sqlalchemy import select

from src_dash.clock import utcnow
from src_dash.services.auth import create_user
from src_dash.store import AuditLog
from src_dash.store.engine import make_engine

pytestmark = pytest.mark.e2e

LOGIN = "julie-totp"
PASSWORD = "Verger-Quatre-Saisons-71"


def _audit(url: str, user_id: int) -> list[tuple[str, dict]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditLog.action, AuditLog.details)
                .where(AuditLog.user_id == user_id, AuditLog.action.startswith("login"))
                .order_by(AuditLog.id)
            ).all()
            return [(a, d) for a, d in rows]
    finally:
        engine.dispose()


def _new_collector(url: str) -> int:
    engine = make_engine(url)
    try:
        return create_user(
            engine, LOGIN, PASSWORD, "collector", name="Julie Totp", sees_all_customers=True
        )
    finally:
        engine.dispose()


def test_a_collector_turns_totp_on_then_signs_in_with_password_and_code(
    app, page: Page, e2e_store, screenshots_dir: Path
) -> None:
    phone = VIEWPORTS["phone"]
    page.set_viewport_size(phone)
    user_id = _new_collector(e2e_store.url)
    base = app.frontend_url.rstrip("/")
    page.goto(base + "/login", timeout=LOAD_TIMEOUT)  # the dev server may still be compiling
    log_in(page, app.frontend_url, LOGIN, PASSWORD, next_path="/preferences")

    # Enrol: a QR code and the key to type, then the app's code now.
    page.locator("#totp-start").click(timeout=LOAD_TIMEOUT)
    expect(page.locator("#totp-secret")).to_be_visible(timeout=LOAD_TIMEOUT)
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    qr = page.locator("#totp-qr")
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert f"secret={secret}" in (qr.get_attribute("data-uri") or "")
    page.wait_for_function("document.getElementById('totp-qr').naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
    page.screenshot(path=screenshots_dir / "totp-setup-phone.png", full_page=True)
    page.locator("#totp-code").fill(pyotp.TOTP(secret).at(utcnow()))
    page.locator("#totp-confirm").click()
    codes = page.locator("[data-testid=recovery-code]")
    expect(codes).to_have_count(10, timeout=LOAD_TIMEOUT)
    assert len(set(codes.all_inner_texts())) == 10
    expect(page.locator("#totp-on")).to_contain_text("Codes de secours restants : 10")
    assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
    page.screenshot(path=screenshots_dir / "totp-enrolled-phone.png", full_page=True)
    page.locator("#totp-kept").click()
    expect(codes).to_have_count(0)

    # Log out, then the password alone is not enough.
    page.locator("#logout").click()
    expect(page).to_have_url(base + "/login", timeout=LOAD_TIMEOUT)
    page.locator("#login-login").fill(LOGIN, timeout=LOAD_TIMEOUT)
    page.locator("#login-password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page.locator("#page-title")).to_have_text("Code de vérification", timeout=LOAD_TIMEOUT)
    expect(page.locator("#login-submit")).to_have_text("Vérifier et se connecter")

    # A wrong code is refused, the form stays on the code.
    right_next = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    wrong = f"{(int(right_next) + 1) % 10**6:06d}"
    page.locator("#login-code").fill(wrong)
    page.locator("#login-submit").click()
    expect(page.locator("#login-error")).to_have_text(
        "Code incorrect ou déjà utilisé.", timeout=LOAD_TIMEOUT
    )
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
    page.screenshot(path=screenshots_dir / "totp-login-code-phone.png", full_page=True)

    # The next step's code (the enrolment used this one) signs in.
    page.locator("#login-code").fill(pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30)))
    page.locator("#login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#logout")).to_be_visible(timeout=LOAD_TIMEOUT)
    lines = _audit(e2e_store.url, user_id)
    assert [a for a, _ in lines] == ["login", "login.code_failed", "login"]
    assert lines[-1][1].get("second_factor") == "totp"
