"""The worklist's day in sections ("/actions") in Chromium against the demo store: the demo
collector's call due today (with its customer's comment marker), a call back in three days under
"À venir", the comment they wrote under "Fait aujourd'hui", and the message a customer wrote in
their space under "Côté client", which "Marquer traité" takes away (stored as handled, and in
"Fait aujourd'hui"). On a desktop every section shows; on a phone they are tabs. Screenshots at
1440x900 and 390x844.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, full_page_shot
from playwright.sync_api import Page, expect
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from src_dash.services.customer_space.actions import write_message
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.followup import add_comment
from src_dash.store import Action, AuditLog, Comment, Customer, SpaceHandled
from src_dash.store.space import SpaceEvent, SpaceLink
from src_dash.ui.kit.widgets import POLL_MS
from src_dash.ui.words_campaigns import WORDS

pytestmark = pytest.mark.e2e

FR = WORDS["fr"]
MESSAGE = "Bonjour, la facture de novembre est partie hier par virement (test e2e)."
SECTIONS = ("today", "late", "client", "upcoming", "done")


@dataclass
class Day:
    """What the test put in the demo collector's day."""

    today_call: int
    coming_call: int
    customer_id: int
    space_customer_id: int
    event_id: int
    link_id: int
    comment_id: int


def _action(engine: Engine, customer_id: int, due_on, user_id: int, note: str) -> int:  # noqa: ANN001
    a, c = Action.__table__, Customer.__table__
    with engine.begin() as conn:
        company_id = conn.execute(select(c.c.company_id).where(c.c.id == customer_id)).scalar_one()
        return conn.execute(
            insert(a).values(
                company_id=company_id,
                customer_id=customer_id,
                kind="call",
                due_on=due_on,
                assigned_to=user_id,
                status="approved",
                origin="manual",
                note=note,
            )  # fmt: skip
        ).inserted_primary_key[0]


@pytest.fixture
def day(engine: Engine, e2e_store) -> Iterator[Day]:  # noqa: ANN001
    """The collector's day, removed afterwards with what it wrote."""
    today = e2e_store.today
    collector = demo_viewer(engine, "recouvrement")
    rows = list_customers(engine, collector, CustomerQuery(sort="overdue"), as_of=today).rows
    first, second = rows[0].customer_id, rows[1].customer_id
    today_call = _action(engine, first, today, collector.user_id, "Appel du jour (test e2e)")
    coming = _action(engine, first, today + timedelta(days=3), collector.user_id, "Rappel (e2e)")
    comment = add_comment(engine, collector, first, "Attend l'avoir (test e2e)")
    issued = issue_link(engine, collector, second)
    access = resolve(engine, issued.token, "203.0.113.50").access
    assert access is not None
    wrote = write_message(engine, access, MESSAGE, today=today)
    ev = SpaceEvent.__table__
    with engine.connect() as conn:
        event_id = conn.execute(
            select(ev.c.id).where(ev.c.link_id == access.link_id, ev.c.kind == "message")
        ).scalar_one()
    yield Day(today_call, coming, first, second, event_id, access.link_id, comment.id)
    a, al, h = Action.__table__, AuditLog.__table__, SpaceHandled.__table__
    with engine.begin() as conn:
        conn.execute(delete(h).where(h.c.event_id == event_id))
        conn.execute(delete(ev).where(ev.c.link_id == access.link_id))
        conn.execute(delete(al).where(al.c.entity == "space_event", al.c.entity_id == event_id))
        conn.execute(delete(al).where(al.c.entity == "comment", al.c.entity_id == comment.id))
        conn.execute(delete(a).where(a.c.id.in_([today_call, coming, wrote.action_id])))
        conn.execute(delete(Comment.__table__).where(Comment.__table__.c.id.in_(
            [comment.id, wrote.ref_id])))  # fmt: skip
        conn.execute(delete(SpaceLink.__table__).where(SpaceLink.__table__.c.id == access.link_id))


def _open(page: Page, login, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    login("collector", "/actions")
    expect(page.locator("#page-title")).to_have_text(FR["work.title"], timeout=LOAD_TIMEOUT)


def _section(page: Page, key: str):  # noqa: ANN202
    return page.locator(f"[data-testid=work-section][data-section={key}]")


def test_the_day_in_sections_on_a_desktop(
    app, page: Page, login, engine: Engine, day: Day, screenshots_dir
) -> None:
    _open(page, login, DESKTOP)
    today_item = _section(page, "today").locator(
        f"[data-testid=work-item][data-action-id='{day.today_call}']"
    )
    expect(today_item).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#section-tabs")).to_be_hidden()
    for key in SECTIONS:
        expect(_section(page, key)).to_be_visible()
        expect(_section(page, key).locator("[data-testid=section-heading]")).to_contain_text(
            FR[f"work.section.{key}"]
        )
    expect(today_item.locator("[data-testid=marker-comments]")).to_be_visible()
    expect(today_item.locator("[data-testid=marker-next]")).to_be_visible()
    coming = _section(page, "upcoming").locator(
        f"[data-testid=work-item][data-action-id='{day.coming_call}']"
    )
    expect(coming.locator("[data-testid=due-badge]")).to_contain_text("Prévue le")
    done = _section(page, "done").locator("[data-testid=done-item][data-what='comment.add']")
    expect(done.first).to_be_visible()
    client = _section(page, "client").locator(
        f"[data-testid=client-item][data-event-id='{day.event_id}']"
    )
    expect(client).to_contain_text(MESSAGE)
    expect(client).to_contain_text(FR["work.client.kind.message"])
    # The customer's name links to their card.
    expect(client.locator(f"a[href='/clients/{day.space_customer_id}']")).to_be_visible()
    full_page_shot(page, screenshots_dir / "worklist-sections-desktop.png")

    client.locator("[data-testid=client-handle]").click()
    expect(client).to_have_count(0, timeout=LOAD_TIMEOUT)
    handled = _section(page, "done").locator("[data-testid=done-item][data-what='space.handled']")
    expect(handled.first).to_contain_text(FR["work.done.space.handled"])
    with engine.connect() as conn:
        h = SpaceHandled.__table__
        row = conn.execute(select(h).where(h.c.event_id == day.event_id)).one()
    assert row.handled_by == demo_viewer(engine, "recouvrement").user_id
    full_page_shot(page, screenshots_dir / "worklist-sections-desktop-handled.png")

    page.locator("#lang-en").click()
    en = WORDS["en"]
    for key in SECTIONS:
        expect(_section(page, key).locator("[data-testid=section-heading]")).to_contain_text(
            en[f"work.section.{key}"]
        )
    expect(handled.first).to_contain_text(en["work.done.space.handled"])
    expect(coming.locator("[data-testid=due-badge]")).to_contain_text("Due ")
    full_page_shot(page, screenshots_dir / "worklist-sections-desktop-en.png")
    page.locator("#lang-fr").click()
    expect(page.locator("#page-title")).to_have_text(FR["work.title"])


def test_the_sections_are_tabs_on_a_phone(
    app, page: Page, login, day: Day, screenshots_dir
) -> None:
    _open(page, login, PHONE)
    tabs = page.locator("#section-tabs")
    expect(tabs).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(_section(page, "today")).to_be_visible()
    for key in ("late", "client", "upcoming", "done"):
        expect(_section(page, key)).to_be_hidden()
    full_page_shot(page, screenshots_dir / "worklist-sections-phone-today.png")
    for key in ("client", "upcoming", "done"):
        tabs.locator(f"[data-section={key}]").click()
        expect(_section(page, key)).to_be_visible()
        expect(_section(page, "today")).to_be_hidden()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the {key} section is {width}px wide on a phone"
        full_page_shot(page, screenshots_dir / f"worklist-sections-phone-{key}.png")
    tabs.locator("[data-section=client]").click()
    expect(
        _section(page, "client").locator(
            f"[data-testid=client-item][data-event-id='{day.event_id}']"
        )
    ).to_contain_text(MESSAGE)


def test_a_customers_message_lands_on_an_open_worklist_by_itself(
    app, page: Page, login, engine: Engine, e2e_store, day: Day
) -> None:
    """Live like the dashboard: what a customer writes in their space while the collector's
    worklist is open appears under "Côté client" without the page being opened again."""
    _open(page, login, DESKTOP)
    client = _section(page, "client")
    expect(client.locator("[data-testid=client-item]").first).to_be_visible(timeout=LOAD_TIMEOUT)
    with engine.connect() as conn:
        link = conn.execute(
            select(SpaceLink.__table__).where(SpaceLink.__table__.c.id == day.link_id)
        ).one()
    issued = issue_link(engine, demo_viewer(engine, "recouvrement"), link.customer_id)
    access = resolve(engine, issued.token, "203.0.113.51").access
    assert access is not None
    later = "Et voici la référence du virement : VIR-2026-E2E (test e2e)."
    wrote = write_message(engine, access, later, today=e2e_store.today)
    try:
        # The worklist polls every 3 s: seen within two polls.
        expect(client).to_contain_text(later, timeout=2 * POLL_MS)
    finally:
        a, ev, cm = Action.__table__, SpaceEvent.__table__, Comment.__table__
        al, h = AuditLog.__table__, SpaceHandled.__table__
        with engine.begin() as conn:
            ids = select(ev.c.id).where(ev.c.link_id == access.link_id)
            conn.execute(delete(h).where(h.c.event_id.in_(ids)))
            conn.execute(delete(al).where(al.c.entity == "space_event", al.c.entity_id.in_(ids)))
            conn.execute(delete(ev).where(ev.c.link_id == access.link_id))
            conn.execute(delete(a).where(a.c.id == wrote.action_id))
            conn.execute(delete(cm).where(cm.c.id == wrote.ref_id))
            conn.execute(
                delete(SpaceLink.__table__).where(SpaceLink.__table__.c.id == access.link_id)
            )
