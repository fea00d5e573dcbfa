"""The settings tab "Envois" in Chromium: an admin sets the company's sender, collection mailbox,
bank details and send window; a wrong IBAN is refused with its field named; the tab fits a phone
and a desktop. A dunning email as the customer sees it (rendered from the default template with
these settings) is screenshot too; both go to test-artifacts/screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, log_in_as
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.clock import utcnow
from src_dash.store import Company, CompanyMessaging

pytestmark = pytest.mark.e2e

ROUTE = "/reglages"


def _open(page: Page, app, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, "admin", next_path=f"{ROUTE}?tab=messaging")
    expect(page).to_have_url(re.compile(rf"{ROUTE}\?tab=messaging$"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#msg-save")).to_be_visible(timeout=LOAD_TIMEOUT)


def _shoot(page: Page, path: Path) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=path, full_page=True)


def _fill(page: Page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.blur()


def test_an_admin_sets_the_sender_bank_details_and_send_window(
    app, page: Page, engine: Engine, screenshots_dir: Path
) -> None:
    _open(page, app, DESKTOP)
    # The defaults come from the company record (shown as placeholders).
    with engine.connect() as conn:
        company = conn.execute(select(Company.__table__).order_by(Company.__table__.c.code)).first()
    expect(page.locator("#msg-sender-name")).to_have_attribute("placeholder", company.name)
    # Other browser tests send emails of other companies (each gets its row then): this one's.
    table = CompanyMessaging.__table__
    mine = select(table).where(table.c.company_id == company.id)
    # The pinned Sunday: Monday 08:30 is "demain", unless Paris is already on Monday (from 23:00
    # UTC), where it is "aujourd'hui".
    paris_now = utcnow().astimezone(ZoneInfo("Europe/Paris"))
    day = "demain" if paris_now.weekday() == 6 else "aujourd'hui"
    expect(page.locator("#msg-next")).to_contain_text(f"partira {day} 08:30")

    _fill(page, "#msg-sender-name", f"{company.name} – Recouvrement")
    _fill(page, "#msg-reply", "relances@exemple.fr")
    _fill(page, "#msg-phone", "04 78 00 00 01")
    _fill(page, "#msg-iban", "FR76 3000 6000 0112 3456 7890 188")  # a wrong check digit
    page.locator("#msg-save").click()
    expect(page.locator("#msg-error")).to_contain_text("IBAN", timeout=LOAD_TIMEOUT)
    with engine.connect() as conn:
        row = conn.execute(mine).first()
    assert row is None or row.iban == ""

    _fill(page, "#msg-iban", "FR76 3000 6000 0112 3456 7890 189")
    _fill(page, "#msg-bic", "AGRIFRPP")
    page.locator("#msg-day-5").click()  # Saturday on
    page.locator("#msg-save").click()
    expect(page.locator("#msg-error")).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(page.locator("#msg-from")).to_contain_text("Recouvrement", timeout=LOAD_TIMEOUT)
    expect(page.locator("#msg-reply-example")).to_contain_text("relances+m123-")
    with engine.connect() as conn:
        row = conn.execute(mine).one()
    assert row.iban == "FR7630006000011234567890189" and row.bic == "AGRIFRPP"
    assert sorted(row.send_days) == [0, 1, 2, 3, 4, 5]
    assert row.reply_mailbox == "relances@exemple.fr" and row.reply_secret
    _shoot(page, screenshots_dir / "settings-messaging-desktop.png")

    # Still logged in: the same page at a phone's size.
    page.set_viewport_size(PHONE)
    expect(page.locator("#msg-save")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#msg-iban")).to_have_value("FR76 3000 6000 0112 3456 7890 189")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than a phone"
    _shoot(page, screenshots_dir / "settings-messaging-phone.png")


def test_a_dunning_email_as_the_customer_sees_it(
    page: Page, e2e_store, engine: Engine, screenshots_dir: Path
) -> None:
    """The HTML part of a default R1 email with the company's settings, at both sizes."""
    from src_dash.dunning.defaults import TEMPLATES
    from src_dash.dunning.templates import render_sources, sample_context

    source = next(t for t in TEMPLATES if t["code"] == "relance1" and t["language"] == "fr")
    out = render_sources(source["subject"], source["html"], source["text"], sample_context("fr"))
    frame = (
        '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        "</head><body style='margin:16px;background:#fff'>"
        f"<p style='font:13px Arial;color:#555'>Objet : {out.subject}<br>"
        "De : Atelier Dumas – Recouvrement &lt;relances@atelier-dumas.fr&gt;<br>"
        "Pièce jointe : releve-de-compte-CDUPONT-2026-11-22.pdf</p><hr>"
        f"{out.html}</body></html>"
    )
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.set_content(frame)
        expect(page.get_by_text("Madame Martin,")).to_be_visible()
        expect(page.get_by_text("Veuillez agréer, Madame,")).to_be_visible()
        expect(page.get_by_text("IBAN FR76 3000 6000 0112 3456 7890 189")).to_be_visible()
        page.screenshot(path=screenshots_dir / f"email-relance1-{name}.png", full_page=True)
