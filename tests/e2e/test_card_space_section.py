"""The customer card's "Espace client" section in Chromium, on a phone and a laptop: a visit and a
promise made in the customer's space (through the service, as the space page does) show in the
section with the live link; the collector revokes the access from the card (confirmed) and the
customer's link is refused from then on; the collector answers a customer's message from the
card and the answer is in the customer's space; the dashboard's count of customers active in
their space follows a promise made there without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, full_page_shot
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from src_dash.analytics.scope import Scope
from src_dash.clock import utcnow
from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.actions import log_event, promise, write_message
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customer_space.view import space_view
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.dashboard import space_customers
from src_dash.store import Action, AuditLog, Promise, PromiseItem
from src_dash.store.versions import bump_data_version
from src_dash.ui.i18n import Formats, text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def _no_promise_left(engine: Engine) -> Iterator[None]:
    """The promises this module makes in customers' spaces (and their follow-up actions) are
    removed afterwards: the dashboard's tests expect the demo's promises only."""
    started = utcnow()
    yield
    p, pi, a = Promise.__table__, PromiseItem.__table__, Action.__table__
    with engine.begin() as conn:
        made = [r.id for r in conn.execute(select(p.c.id).where(p.c.created_at >= started))]
        conn.execute(delete(a).where(a.c.promise_id.in_(made)))
        conn.execute(delete(pi).where(pi.c.promise_id.in_(made)))
        conn.execute(delete(p).where(p.c.id.in_(made)))
        # Their audit lines too: SQLite gives a deleted row's id again, and a later promise
        # must not find this one's history.
        al = AuditLog.__table__
        conn.execute(delete(al).where(al.c.entity == "promise", al.c.entity_id.in_(made)))
        bump_data_version(conn)


@pytest.fixture(scope="module")
def two_customers(engine: Engine, e2e_store) -> list:
    """Two customers of the demo collector with a debit free of promise and dispute, from the
    middle of the list (the space's own tests take its ends), as (card, free item)."""
    collector = demo_viewer(engine, "recouvrement")
    rows = list_customers(engine, collector, CustomerQuery(sort="overdue"), as_of=e2e_store.today)
    middle = rows.rows[len(rows.rows) // 3 :]
    found = []
    for row in middle:
        card = customer_card(engine, collector, row.customer_id, e2e_store.today)
        free = [i for i in card.open_items if i.residual > 0 and not (i.promised or i.disputed)]
        if free:
            found.append((card, free[0]))
        if len(found) == 2:
            return found
    raise AssertionError("the demo collector has customers with a free open item")


@pytest.mark.parametrize(("size", "which"), [(PHONE, 0), (DESKTOP, 1)], ids=["phone", "desktop"])
def test_the_card_shows_the_space_and_revokes_its_access(
    app, page: Page, login, engine: Engine, e2e_store, two_customers, screenshots_dir, size, which
):
    card, item = two_customers[which]
    customer_id = card.identity.customer_id
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    access = resolve(engine, issued.token, "203.0.113.50").access
    assert access is not None
    log_event(engine, access, "visit")
    promised_on = e2e_store.today + timedelta(days=12)
    promise(engine, access, str(item.residual), promised_on, [item.entry_id])

    page.set_viewport_size(size)
    login("collector", f"/clients/{customer_id}")
    section = page.locator("#space-section")
    expect(section).to_be_visible(timeout=LOAD_TIMEOUT)
    fr = Formats("fr")
    expect(page.locator("#space-link-state")).to_have_text(text("cspace.live", "fr"))
    lines = section.locator("[data-testid=space-line]")
    expect(lines.first).to_be_visible(timeout=LOAD_TIMEOUT)
    # Newest first: the promise (amount and date in the viewer's formats), then the visit.
    expect(lines.nth(0)).to_contain_text(text("cspace.kind.promise", "fr"))
    detail = text("cspace.promise", "fr").format(
        amount=fr.money(item.residual, "EUR"), day=fr.day(promised_on)
    )
    expect(lines.nth(0)).to_contain_text(detail)
    expect(lines.nth(1)).to_contain_text(text("cspace.kind.visit", "fr"))
    expect(page.locator("#space-link-status")).to_contain_text("valable jusqu'au")
    section.scroll_into_view_if_needed()
    name = "phone" if size == PHONE else "desktop"
    section.screenshot(path=screenshots_dir / f"card-space-section-{name}.png")
    full_page_shot(page, screenshots_dir / f"card-space-page-{name}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

    page.locator("#space-revoke").click()
    page.locator("#space-revoke-confirm").click()
    expect(page.locator("#space-link-state")).to_have_text(
        text("cspace.none", "fr"), timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#space-revoke")).to_be_disabled()
    expect(page.locator("#space-link-status")).to_contain_text("accès révoqué le")
    assert resolve(engine, issued.token, "203.0.113.51").refusal == "revoked"


def test_the_collector_answers_a_customers_message_from_the_card(
    app, page: Page, login, engine: Engine, two_customers, screenshots_dir
):
    card, _ = two_customers[1]
    customer_id = card.identity.customer_id
    issued = issue_link(engine, demo_viewer(engine, "admin"), customer_id)
    access = resolve(engine, issued.token, "203.0.113.52").access
    assert access is not None
    write_message(engine, access, "Pouvez-vous m'envoyer le détail de la facture ?")

    page.set_viewport_size(DESKTOP)
    login("collector", f"/clients/{customer_id}")
    section = page.locator("#space-section")
    expect(section).to_be_visible(timeout=LOAD_TIMEOUT)
    lines = section.locator("[data-testid=space-line]")
    expect(lines.nth(0)).to_contain_text("Pouvez-vous m'envoyer le détail", timeout=LOAD_TIMEOUT)
    lines.nth(0).locator("[data-testid=space-answer]").click()
    page.locator("#space-answer-body").fill("Bonjour, le détail part ce jour par courrier.")
    page.locator("#space-answer-send").click()
    expect(lines.nth(0)).to_contain_text(text("cspace.kind.answer", "fr"), timeout=LOAD_TIMEOUT)
    expect(lines.nth(0)).to_contain_text("le détail part ce jour")
    expect(lines.nth(1)).to_contain_text(text("cspace.answered", "fr"))
    section.screenshot(path=screenshots_dir / "card-space-answer-desktop.png")
    answers = [m for m in space_view(engine, access).messages if m.answer]
    assert [m.body_text.split("\n")[0] for m in answers] == [
        "Bonjour, le détail part ce jour par courrier."
    ]


def test_the_dashboard_counts_customers_active_in_their_space_live(
    app, page: Page, login, engine: Engine, e2e_store
):
    collector = demo_viewer(engine, "recouvrement")
    today = e2e_store.today

    def counted() -> int:
        with engine.connect() as conn:
            return space_customers(conn, collector.scope, today)

    page.set_viewport_size(PHONE)
    login("collector", "/")
    value = page.locator("#space-active-value")
    expect(value).to_have_text(str(counted()), timeout=LOAD_TIMEOUT)
    # A customer of the collector not yet active in their space promises there: the figure
    # follows without a reload, like the dashboard's other figures.
    rows = list_customers(engine, collector, CustomerQuery(sort="overdue"), as_of=today).rows
    for row in rows:
        card = customer_card(engine, collector, row.customer_id, today)
        free = [i for i in card.open_items if i.residual > 0 and not (i.promised or i.disputed)]
        with engine.connect() as conn:
            active = space_customers(conn, Scope(customer_ids=frozenset({row.customer_id})), today)
        if free and not active:
            break
    else:
        raise AssertionError("a customer of the collector not yet active in their space")
    before = counted()
    issued = issue_link(engine, demo_viewer(engine, "admin"), row.customer_id)
    access = resolve(engine, issued.token, "203.0.113.53").access
    assert access is not None
    promise(engine, access, str(free[0].residual), today + timedelta(days=5), [free[0].entry_id])
    assert counted() == before + 1
    expect(value).to_have_text(str(before + 1), timeout=15_000)
