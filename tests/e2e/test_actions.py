"""The worklist ("/actions") in Chromium against the demo store: a call planned for today for the
demo collector shows in the "Appels" group; its call sheet shows the customer's figures, contacts
and script; marking it done with the outcome "Joint" and a note closes it in the store. A
read-only user gets a refusal and no action. Screenshots on a phone and a desktop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, fr_eur, full_page_shot
from playwright.sync_api import Page, expect
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.worklist import CallSheet, call_sheet
from src_dash.store import Action, AuditLog, Customer
from src_dash.ui.words_campaigns import WORDS

pytestmark = pytest.mark.e2e

FR = WORDS["fr"]
NOTE = "Appel e2e : règlement prévu la semaine prochaine"


@dataclass
class PlannedCall:
    """A call action made for the test, and the customer's call sheet as the service sees it."""

    action_id: int
    customer_id: int
    sheet: CallSheet


def plan_call(engine: Engine, today, customer_rank: int = 0) -> PlannedCall:  # noqa: ANN001
    """A call due today for the demo collector on one of the most overdue customers."""
    collector = demo_viewer(engine, "recouvrement")
    rows = list_customers(engine, collector, CustomerQuery(sort="overdue"), as_of=today).rows
    customer_id = rows[customer_rank].customer_id
    a, c = Action.__table__, Customer.__table__
    with engine.begin() as conn:
        company_id = conn.execute(select(c.c.company_id).where(c.c.id == customer_id)).scalar_one()
        action_id = conn.execute(
            insert(a).values(
                company_id=company_id,
                customer_id=customer_id,
                kind="call",
                due_on=today,
                assigned_to=collector.user_id,
                status="approved",
                origin="manual",
                note="Relancer le comptable (test e2e)",
            )
        ).inserted_primary_key[0]
    return PlannedCall(action_id, customer_id, call_sheet(engine, collector, customer_id, today))


@pytest.fixture
def planned_call(engine: Engine, e2e_store) -> Iterator[PlannedCall]:
    """A call due today, removed afterwards (with the audit lines its closing wrote)."""
    call = plan_call(engine, e2e_store.today)
    yield call
    with engine.begin() as conn:
        al = AuditLog.__table__
        conn.execute(delete(al).where(al.c.entity == "action", al.c.entity_id == call.action_id))
        conn.execute(delete(Action.__table__).where(Action.__table__.c.id == call.action_id))


def open_actions(page: Page, login, who: str, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    login(who, "/actions")
    expect(page.locator("#page-title")).to_have_text(FR["work.title"], timeout=LOAD_TIMEOUT)


def test_a_planned_call_opens_its_call_sheet_and_is_marked_done_with_its_outcome(
    app, page: Page, login, engine: Engine, planned_call: PlannedCall, screenshots_dir
) -> None:
    open_actions(page, login, "collector", DESKTOP)
    item = page.locator(f"[data-testid=work-item][data-action-id='{planned_call.action_id}']")
    expect(item).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(item).to_have_attribute("data-kind", "call")
    expect(item).to_contain_text(planned_call.sheet.name)
    expect(item.locator("[data-testid=due-badge]")).to_have_text(FR["work.today"])
    expect(page.locator("[data-testid=work-group][data-kind=call]")).to_contain_text(
        FR["work.kind.call"]
    )
    full_page_shot(page, screenshots_dir / "actions-desktop.png")

    item.locator("[data-testid=open-sheet]").click()
    sheet = page.locator("#call-sheet")
    expect(page.locator("#sheet-title")).to_have_text(planned_call.sheet.name)
    overdue = sheet.locator("[data-testid=sheet-figure][data-key=overdue]")
    expect(overdue).to_contain_text(fr_eur(planned_call.sheet.overdue), timeout=LOAD_TIMEOUT)
    expect(page.locator("#sheet-script")).to_contain_text(planned_call.sheet.script[0][:30])
    expect(sheet.locator("[data-testid=sheet-item]")).to_have_count(len(planned_call.sheet.items))
    if planned_call.sheet.contacts:
        expect(sheet.locator("[data-testid=sheet-contact]").first).to_be_visible()
    expect(page.locator("#outcome-reached")).to_have_attribute("aria-pressed", "true")
    page.locator("#outcome-no_answer").click()
    expect(page.locator("#outcome-no_answer")).to_have_attribute("aria-pressed", "true")
    page.locator("#outcome-reached").click()
    page.locator("#outcome-note").fill(NOTE)
    page.screenshot(path=screenshots_dir / "actions-sheet-desktop.png", full_page=False)
    page.locator("#action-done").click()

    expect(page.locator("#call-sheet")).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(item).to_have_count(0)
    with engine.connect() as conn:
        a = Action.__table__
        done = conn.execute(select(a).where(a.c.id == planned_call.action_id)).one()
    assert (done.status, done.outcome, done.note) == ("done", "reached", NOTE)
    assert done.done_by == demo_viewer(engine, "recouvrement").user_id


def test_the_worklist_and_its_call_sheet_fit_a_phone(
    app, page: Page, login, planned_call: PlannedCall, screenshots_dir
) -> None:
    open_actions(page, login, "collector", PHONE)
    item = page.locator(f"[data-testid=work-item][data-action-id='{planned_call.action_id}']")
    expect(item).to_be_visible(timeout=LOAD_TIMEOUT)
    full_page_shot(page, screenshots_dir / "actions-phone.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the worklist is {width}px wide on a 390px phone"
    item.locator("[data-testid=open-sheet]").click()
    expect(page.locator("#sheet-title")).to_have_text(planned_call.sheet.name)
    expect(page.locator("#sheet-figures")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.screenshot(path=screenshots_dir / "actions-sheet-phone.png", full_page=False)
    box = page.locator("#call-sheet").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.locator("#action-done").scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / "actions-sheet-outcome-phone.png", full_page=False)


@pytest.mark.parametrize("who", ["read_only", "sales_rep"])
def test_read_only_users_and_sales_reps_have_no_worklist(
    app, page: Page, login, who: str, planned_call: PlannedCall
) -> None:
    open_actions(page, login, who, DESKTOP)
    expect(page.locator("#worklist-denied")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("[data-testid=work-item]")).to_have_count(0)
    expect(page.locator("[data-testid=open-sheet]")).to_have_count(0)
