"""The company's look in the customer's space, and the collector's side of a request, in Chromium:
an admin sets the accent colour and uploads a logo in Settings > Espace client (a GIF named .png is
refused, said in French); the space of a customer of that company shows the logo (a data:
address, no URL serving the file) and the colour; a billing contact the customer proposed is
accepted from the customer card and becomes the customer's contact."""

from __future__ import annotations

import re

import pytest
from e2e.helpers import LOAD_TIMEOUT, PHONE, demo_viewer
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customer_space.requests import ask_contact_change
from src_dash.store import Contact, Customer, Entry
from src_dash.store.space import SpaceBrand
from src_dash.ui.i18n import text

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _customer_of(engine: Engine, company_id: int) -> int:
    """A customer of the company with something open."""
    e, c = Entry.__table__, Customer.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(e.c.customer_id)
            .join(c, c.c.id == e.c.customer_id)
            .where(c.c.company_id == company_id, e.c.residual > 0)
            .order_by(e.c.customer_id.desc())
            .limit(1)
        ).scalar_one()


def _upload(page: Page, name: str, data: bytes, mime: str) -> None:
    page.locator("#space-logo-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def test_an_admin_sets_the_look_and_the_space_shows_it(app, page: Page, engine: Engine, login):
    login("admin", "/reglages?tab=space")
    expect(page.locator("#space-brand-section")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#space-brand-accent").fill("#AA3300")
    page.locator("#space-brand-save").click()
    expect(page.locator("#space-brand-done")).to_have_text(text("space.brand.saved", "fr"))
    _upload(page, "logo.png", b"GIF89a" + b"\x00" * 32, "image/png")
    expect(page.locator("#space-brand-error")).to_have_text(
        text("space.brand.err.type", "fr"), timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#space-brand-logo")).to_have_count(0)
    _upload(page, "logo.png", PNG, "image/png")
    expect(page.locator("#space-brand-logo")).to_be_visible(timeout=LOAD_TIMEOUT)
    with engine.connect() as conn:
        [brand] = conn.execute(select(SpaceBrand.__table__)).all()
    assert brand.accent == "#aa3300" and brand.logo_type == "image/png"

    customer_id = _customer_of(engine, brand.company_id)
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    page.set_viewport_size(PHONE)
    page.goto(f"{app.frontend_url.rstrip('/')}/espace/{issued.token}", timeout=LOAD_TIMEOUT)
    logo = page.locator("#space-logo")
    expect(logo).to_be_visible(timeout=LOAD_TIMEOUT)
    assert (logo.get_attribute("src") or "").startswith("data:image/png;base64,")
    expect(page.locator("#space-root")).to_have_css("border-top-color", "rgb(170, 51, 0)")
    expect(page.locator("#space-promise-submit")).to_have_css(
        "background-color", re.compile(r"rgb\(170, 51, 0\)")
    )


def test_a_collector_accepts_a_billing_contact_from_the_card(
    app, page: Page, engine: Engine, login
):
    with engine.connect() as conn:
        company_id = conn.execute(select(Customer.__table__.c.company_id).limit(1)).scalar_one()
    customer_id = _customer_of(engine, company_id)
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    access = resolve(engine, issued.token, "192.0.2.10").access
    ask_contact_change(engine, access, "Ana <b>Compta</b>", "ana.e2e@example.com", "0611223344")
    login("admin", f"/clients/{customer_id}")
    card = page.locator("#customer-space-requests")
    expect(card).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(card.get_by_text("Ana <b>Compta</b>")).to_be_visible()
    card.locator("[data-testid=space-request-accept]").click()
    expect(card).to_have_count(0, timeout=LOAD_TIMEOUT)
    ct = Contact.__table__
    with engine.connect() as conn:
        added = conn.execute(
            select(ct.c.last_name, ct.c.email, ct.c.dunning_role).where(
                ct.c.customer_id == customer_id, ct.c.email == "ana.e2e@example.com"
            )
        ).all()
    assert [tuple(r) for r in added] == [("Ana <b>Compta</b>", "ana.e2e@example.com", "to")]
