"""The customer's space ("/espace/<token>") in Chromium, on a phone and a laptop: a link issued
for a demo customer opens their items with the customer card's total; the customer promises,
reports a problem with a small PDF and says "déjà payé"; each lands in the store as the app's
own promise and disputes, with a worklist action for the collector."""

from __future__ import annotations

from datetime import date

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache
from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.links import issue_link
from src_dash.services.customer_space.view import ALREADY_PAID_REASON
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.store import Action, Dispute, DisputeReason, Promise
from src_dash.store.space import SpaceAttachment
from src_dash.ui.i18n import Formats, text

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% e2e bon de livraison\n%%EOF\n"


def _customers(engine: Engine, today: date) -> list:
    """Customers with three open debits free of promises and disputes, the most overdue first."""
    admin = demo_viewer(engine, "admin")
    rows = list_customers(engine, admin, CustomerQuery(sort="overdue"), as_of=today).rows
    found = []
    for row in rows:
        card = customer_card(engine, admin, row.customer_id, today)
        free = [i for i in card.open_items if i.residual > 0 and not (i.promised or i.disputed)]
        if len(free) >= 3 and card.identity.language in ("fr", "en"):
            found.append((card, free))
        if len(found) == 2:
            return found
    pytest.skip("no demo customer with three open items")


@pytest.fixture(scope="module")
def chosen(engine: Engine, e2e_store) -> list:
    return _customers(engine, e2e_store.today)


def _wait_notice(page: Page, lang: str, key: str) -> None:
    expect(page.locator("#space-notice")).to_have_text(text(key, lang), timeout=LOAD_TIMEOUT)


@pytest.mark.parametrize(("size", "which"), [(PHONE, 0), (DESKTOP, 1)], ids=["phone", "desktop"])
def test_a_customer_opens_their_space_promises_reports_and_says_paid(
    app, page: Page, engine: Engine, chosen, size, which
):
    card, free = chosen[which]
    customer_id, lang = card.identity.customer_id, card.identity.language
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    page.set_viewport_size(size)
    page.goto(f"{app.frontend_url.rstrip('/')}/espace/{issued.token}", timeout=LOAD_TIMEOUT)
    fmt = Formats(lang)
    expect(page.locator("#space-outstanding")).to_have_text(
        fmt.money(card.balance.outstanding, card.identity.currency or "EUR"), timeout=LOAD_TIMEOUT
    )
    expect(page.locator(".space-item")).to_have_count(len(card.open_items))
    first, second, third = (i.entry_id for i in free[:3])

    page.locator(f"#promise-item-{first}").check()
    page.locator("#space-promise-date").fill("2026-12-10")
    page.locator("#space-promise-amount").fill(str(free[0].residual))
    page.locator("#space-promise-submit").click()
    _wait_notice(page, lang, "space.promise.done")

    page.locator(f"#problem-item-{second}").check()
    page.locator("#space-problem-message").fill("Livraison incomplète <b>test</b>")
    page.locator("#space-file").set_input_files(
        files=[{"name": "bon.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#space-problem-submit").click()
    _wait_notice(page, lang, "space.problem.done")

    page.locator(f"#paid-item-{third}").check()
    page.locator("#space-paid-date").fill("2026-11-20")
    page.locator("#space-paid-amount").fill(str(free[2].residual))
    page.locator("#space-paid-reference").fill("VIR-E2E")
    page.locator("#space-paid-submit").click()
    _wait_notice(page, lang, "space.paid.done")

    p, d, r = Promise.__table__, Dispute.__table__, DisputeReason.__table__
    a, att = Action.__table__, SpaceAttachment.__table__
    with engine.connect() as conn:
        promises = conn.execute(
            select(p).where(p.c.customer_id == customer_id, p.c.created_by.is_(None))
        ).all()
        disputes = conn.execute(
            select(d.c.id, d.c.note, r.c.label)
            .select_from(d.join(r, r.c.id == d.c.reason_id))
            .where(d.c.customer_id == customer_id, d.c.opened_by.is_(None))
            .order_by(d.c.id)
        ).all()
        landed = conn.execute(
            select(a.c.id).where(a.c.customer_id == customer_id, a.c.origin == "space")
        ).all()
        files = conn.execute(select(att).where(att.c.customer_id == customer_id)).all()
    assert [pr.amount for pr in promises] == [free[0].residual]
    assert [x.label == ALREADY_PAID_REASON for x in disputes] == [False, True]
    assert disputes[0].note == "Livraison incomplète <b>test</b>" and "VIR-E2E" in disputes[1].note
    assert len(landed) == 3
    assert [(f.original_name, f.size, f.dispute_id) for f in files] == [
        ("bon.pdf", len(PDF), disputes[0].id)
    ]
    # The customer's text is shown as text, never as markup.
    clear_cache()
    page.reload()
    expect(page.locator(".space-item")).to_have_count(len(card.open_items), timeout=LOAD_TIMEOUT)
    assert page.locator("#space-problem-message b").count() == 0


def test_a_forged_link_opens_nothing(app, page: Page):
    page.goto(f"{app.frontend_url.rstrip('/')}/espace/{'A' * 32}", timeout=LOAD_TIMEOUT)
    expect(page.locator("#space-refused")).to_be_visible(timeout=LOAD_TIMEOUT)
    assert page.locator(".space-item").count() == 0
