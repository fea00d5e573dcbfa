"""Bulk actions on "/echeances" in Chromium, on a desktop (1440x900) and a phone (390x844): a
collector selects three items, stops their dunning in one go and sees each marked "Stoppée", the
store holding the stop on each; on the desktop, one comment on two items. Screenshots of the bar,
the dialog and the rows after."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer
from playwright.sync_api import Page, expect
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.services.open_items import OpenItemFilters, OpenItemRow, open_items
from src_dash.store import AuditLog, Comment, ItemState
from src_dash.store.versions import bump_data_version

pytestmark = pytest.mark.e2e

ROUTE = "/echeances"
REASON = "Accord du DAF (e2e bulk)"
BODY = "Relance groupée vue avec le client (e2e bulk)"


@pytest.fixture(scope="module", autouse=True)
def undo_changes(engine: Engine) -> Iterator[None]:
    """Give the store back as it was: the comments and audit lines added, the items' states."""
    with engine.connect() as conn:
        last = {
            t: conn.execute(select(func.coalesce(func.max(t.__table__.c.id), 0))).scalar()
            for t in (Comment, AuditLog)
        }
        states = [r._asdict() for r in conn.execute(select(ItemState.__table__)).all()]
    yield
    with engine.begin() as conn:
        for t in (Comment, AuditLog):
            conn.execute(delete(t.__table__).where(t.__table__.c.id > last[t]))
        conn.execute(delete(ItemState.__table__))
        if states:
            conn.execute(insert(ItemState.__table__), states)
        bump_data_version(conn)


def free_items(engine: Engine, who: Viewer, today) -> list[OpenItemRow]:  # noqa: ANN001
    """Overdue invoices with nothing on them (no promise, dispute, stop), largest first."""
    clear_cache()
    page = open_items(
        engine,
        who,
        OpenItemFilters(states=("none",), min_days_late=1, kinds=("invoice",)),
        sort="residual",
        descending=True,
        page_size=200,
        as_of=today,
    )
    return [r for r in page.rows if r.residual > Decimal("50")]


def show(page: Page, item: OpenItemRow, testid: str):  # noqa: ANN201
    """Search the item's piece; its row (or card on a phone)."""
    page.locator("#items-search").fill(item.piece)
    found = page.locator(f"[data-testid={testid}][data-row-id='{item.entry_id}']")
    expect(found).to_be_visible(timeout=LOAD_TIMEOUT)
    return found


def select_items(page: Page, items: list[OpenItemRow], testid: str) -> None:
    for item in items:
        show(page, item, testid).locator("[data-testid=row-select]").click()
    n = len(items)
    expect(page.locator("#selected-count")).to_have_text(f"{n}\u00a0échéances sélectionnées")


def fits(page: Page, locator, width: int) -> None:  # noqa: ANN001
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_collector_stops_the_selected_items_at_once(
    app, page: Page, login, engine: Engine, e2e_store, screenshots_dir: Path,
    name: str, viewport: dict,
) -> None:  # fmt: skip
    collector = demo_viewer(engine, "recouvrement")
    chosen = free_items(engine, collector, e2e_store.today)[:3]
    assert len(chosen) == 3
    testid = "item-card" if name == "phone" else "item-row"
    page.set_viewport_size(viewport)
    login("collector", ROUTE)
    expect(page.locator("#items-total")).to_be_visible(timeout=LOAD_TIMEOUT)
    select_items(page, chosen, testid)
    bar = page.locator("#selection-bar")
    fits(page, bar, viewport["width"])
    page.screenshot(path=screenshots_dir / f"items-bulk-bar-{name}.png")

    page.locator("#bulk-stop").click()
    dialog = page.locator("#bulk-stop-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Pour 3\u00a0échéances")
    # No reason: refused by the form's check, nothing written.
    page.locator("#bulk-stop-submit").click()
    expect(page.locator("#bulk-error")).to_be_visible()
    page.locator("#bulk-reason-input").fill(REASON)
    fits(page, dialog, viewport["width"])
    page.screenshot(path=screenshots_dir / f"items-bulk-stop-{name}.png")
    page.locator("#bulk-stop-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Relances bloquées sur 3\u00a0échéances.")).to_be_visible()

    for item in chosen:
        row = show(page, item, testid)
        expect(row.locator("[data-testid=state]")).to_have_text("Stoppée")
    page.screenshot(path=screenshots_dir / f"items-bulk-after-{name}.png")
    with engine.connect() as conn:
        s = ItemState.__table__
        stored = dict(
            conn.execute(
                select(s.c.entry_id, s.c.stop_reason).where(
                    s.c.entry_id.in_([i.entry_id for i in chosen])
                )
            ).all()
        )
    assert stored == {i.entry_id: REASON for i in chosen}


def test_one_comment_on_each_selected_item(
    app, page: Page, login, engine: Engine, e2e_store, screenshots_dir: Path
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    chosen = free_items(engine, collector, e2e_store.today)[-2:]
    page.set_viewport_size(DESKTOP)
    login("collector", ROUTE)
    expect(page.locator("#items-total")).to_be_visible(timeout=LOAD_TIMEOUT)
    select_items(page, chosen, "item-row")
    page.locator("#bulk-comment").click()
    page.locator("#bulk-body-input").fill(BODY)
    page.screenshot(path=screenshots_dir / "items-bulk-comment-desktop.png")
    page.locator("#bulk-comment-submit").click()
    expect(page.locator("#bulk-comment-dialog")).to_be_hidden()
    with engine.connect() as conn:
        c = Comment.__table__
        found = conn.execute(
            select(c.c.entry_id, c.c.author_id).where(c.c.body == BODY).order_by(c.c.entry_id)
        ).all()
    assert [tuple(r) for r in found] == sorted((i.entry_id, collector.user_id) for i in chosen)
