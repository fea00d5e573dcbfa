"""The customer's space in Chromium, beyond the first visit: a 4 MB PDF goes through the socket
with a report (Reflex's 1 MB socket limit is raised in rxconfig.py); a copy, a call back and a
new billing contact are asked from their forms and land in the store; a refused form is said in
the customer's language (English here), never in the services' own words."""

from __future__ import annotations

import pytest
from e2e.helpers import LOAD_TIMEOUT, PHONE, demo_viewer
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.links import issue_link
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.inputs import InvalidInput
from src_dash.store import Action, Customer
from src_dash.store.space import SpaceAttachment, SpaceRequest
from src_dash.ui.i18n import text
from src_dash.ui.pages.space.errors import error_text

pytestmark = pytest.mark.e2e

FOUR_MB = 4 * 1024 * 1024
BIG_PDF = b"%PDF-1.4\n%" + b"0" * (FOUR_MB - 16) + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def two_customers(engine: Engine, e2e_store) -> list[tuple[int, list[int]]]:
    """Two customers with a free open debit, among the least overdue (the other space test takes
    the most overdue), as (customer id, free item ids); the first set to French, the second to
    English."""
    admin = demo_viewer(engine, "admin")
    rows = list_customers(engine, admin, CustomerQuery(sort="overdue"), as_of=e2e_store.today)
    found = []
    for row in reversed(rows.rows):
        card = customer_card(engine, admin, row.customer_id, e2e_store.today)
        free = [i.entry_id for i in card.open_items if i.residual > 0 and not i.disputed]
        if free:
            found.append((row.customer_id, free))
        if len(found) == 2:
            break
    assert len(found) == 2, "the demo base has customers with open items"
    c = Customer.__table__
    with engine.begin() as conn:
        for (customer_id, _), lang in zip(found, ("fr", "en"), strict=True):
            conn.execute(update(c).where(c.c.id == customer_id).values(language=lang))
    return found


def _open(app, page: Page, engine: Engine, customer_id: int) -> None:
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    page.set_viewport_size(PHONE)
    page.goto(f"{app.frontend_url.rstrip('/')}/espace/{issued.token}", timeout=LOAD_TIMEOUT)
    expect(page.locator(".space-item").first).to_be_visible(timeout=LOAD_TIMEOUT)


def _notice(page: Page, key: str, lang: str = "fr") -> None:
    expect(page.locator("#space-notice")).to_have_text(text(key, lang), timeout=LOAD_TIMEOUT)


def test_a_4_mb_pdf_goes_through_with_a_report(app, page: Page, engine: Engine, two_customers):
    customer_id, free = two_customers[0]
    _open(app, page, engine, customer_id)
    page.locator(f"#problem-item-{free[0]}").check()
    page.locator("#space-problem-message").fill("Facture contestée, justificatif joint")
    page.locator("#space-file").set_input_files(
        files=[{"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": BIG_PDF}]
    )
    page.locator("#space-problem-submit").click()
    _notice(page, "space.problem.done")
    att = SpaceAttachment.__table__
    with engine.connect() as conn:
        files = conn.execute(select(att).where(att.c.customer_id == customer_id)).all()
    assert [(f.original_name, f.size) for f in files] == [("justificatif.pdf", len(BIG_PDF))]


def test_a_copy_a_call_back_and_a_contact_are_asked_from_the_space(
    app, page: Page, engine: Engine, two_customers
):
    customer_id, free = two_customers[0]
    _open(app, page, engine, customer_id)
    page.locator("#space-copy-document").select_option(str(free[0]))
    page.locator("#space-copy-note").fill("<i>pour la compta</i>")
    page.locator("#space-copy-submit").click()
    _notice(page, "space.copy.done")
    page.locator("#space-callback-phone").fill("01 23 45 67 89")
    page.locator("#space-callback-moment").fill("mardi matin")
    page.locator("#space-callback-submit").click()
    _notice(page, "space.callback.done")
    page.locator("#space-contact-name").fill("Ana Compta")
    page.locator("#space-contact-email").fill("ana.compta@example.com")
    page.locator("#space-contact-submit").click()
    _notice(page, "space.contact.done")
    r, a = SpaceRequest.__table__, Action.__table__
    with engine.connect() as conn:
        asked = conn.execute(
            select(r.c.kind, r.c.status, r.c.entry_id, r.c.note, r.c.phone, r.c.contact_email)
            .where(r.c.customer_id == customer_id)
            .order_by(r.c.id)
        ).all()
        actions = conn.execute(
            select(a.c.id).where(a.c.customer_id == customer_id, a.c.origin == "space")
        ).all()
    assert [tuple(x) for x in asked] == [
        ("copy", "queued", free[0], "<i>pour la compta</i>", "", ""),
        ("callback", "queued", None, "", "01 23 45 67 89", ""),
        ("contact", "pending", None, "", "", "ana.compta@example.com"),
    ]
    assert len(actions) >= 2


def test_a_refusal_is_said_in_english_to_an_english_customer(
    app, page: Page, engine: Engine, two_customers
):
    customer_id, _ = two_customers[1]
    _open(app, page, engine, customer_id)
    expect(page.locator("#page-title")).to_have_text(text("space.title", "en"))
    page.locator("#space-callback-phone").fill("call me later")
    page.locator("#space-callback-moment").fill("Tuesday")
    page.locator("#space-callback-submit").click()
    expected = error_text(InvalidInput("phone", "is not a phone number"), "en")
    expect(page.locator("#space-error")).to_have_text(expected, timeout=LOAD_TIMEOUT)
    assert expected.startswith("Could not record: enter a phone number")
    r = SpaceRequest.__table__
    with engine.connect() as conn:
        assert conn.execute(select(r.c.id).where(r.c.customer_id == customer_id)).all() == []
