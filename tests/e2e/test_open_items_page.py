"""The open items page ("/echeances") in Chromium: a collector records a promise (seen on the
customer's timeline and on the dashboard), duns an item by email (delivered to a local SMTP sink
with the To and Cc of the customer's contacts), selects items for a campaign; read-only users and
sales reps see no action, and the server refuses their actions sent by hand; screenshots on a
phone and a desktop."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, NBSP, PHONE, demo_viewer, fr_eur, fr_int, squash
from playwright.sync_api import Page, expect
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.dunning.mailsink import received, start_sink
from src_dash.services import followup
from src_dash.services.auth import log_in
from src_dash.services.dun_now import dun_now, item_status, preview_dun, proposed_level
from src_dash.services.open_items import (
    OpenItemFilters,
    OpenItemRow,
    filter_choices,
    open_item_ids,
    open_items,
)
from src_dash.store import (
    Action,
    ActionItem,
    Alert,
    AuditLog,
    Comment,
    Contact,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    Entry,
    ItemState,
    Message,
    MessageItem,
    Promise,
    PromiseItem,
    SalesRep,
)
from src_dash.store.versions import bump_data_version

pytestmark = pytest.mark.e2e

ROUTE = "/echeances"
NOTE = "Promesse notée au téléphone (e2e h6)"
# Tables the tests write to, children first: what they add is removed afterwards.
WRITTEN = (
    MessageItem,
    Message,
    ActionItem,
    Action,
    PromiseItem,
    Promise,
    DisputeItem,
    Dispute,
    Comment,
    Alert,
    AuditLog,
)


@pytest.fixture(scope="module", autouse=True)
def undo_changes(engine: Engine) -> Iterator[None]:
    """Give the store back as it was: the rows these tests add, the items' states."""
    with engine.connect() as conn:
        last = {
            t: conn.execute(select(func.coalesce(func.max(t.__table__.c.id), 0))).scalar()
            for t in WRITTEN
        }
        states = [r._asdict() for r in conn.execute(select(ItemState.__table__)).all()]
    yield
    with engine.begin() as conn:
        for t in WRITTEN:
            conn.execute(delete(t.__table__).where(t.__table__.c.id > last[t]))
        conn.execute(delete(ItemState.__table__))
        if states:
            conn.execute(insert(ItemState.__table__), states)
        bump_data_version(conn)


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An SMTP sink (aiosmtpd) on a free port; the app (in this process) sends to it."""
    folder = tmp_path_factory.mktemp("sink")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = start_sink(folder, "127.0.0.1", port)
    saved = {k: os.environ.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS")}
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TLS": "none"})
    try:
        yield folder
    finally:
        controller.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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


def open_page(page: Page, login, who: str, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    login(who, ROUTE)
    expect(page.locator("#items-total")).to_be_visible(timeout=LOAD_TIMEOUT)


def show_row(page: Page, item: OpenItemRow, testid: str = "item-row"):  # noqa: ANN201
    """Search the item's piece; return its row (or card on phones)."""
    page.locator("#items-search").fill(item.piece)
    row = page.locator(f"[data-testid={testid}][data-row-id='{item.entry_id}']")
    expect(row).to_be_visible(timeout=LOAD_TIMEOUT)
    return row


def open_action(page: Page, row, action: str) -> None:  # noqa: ANN001
    row.locator("[data-testid=row-actions]").click()
    page.locator(f"#act-{action}").click()
    expect(page.locator(f"#dialog-{action}")).to_be_visible()


def test_a_collector_records_a_promise_seen_on_the_timeline_and_the_dashboard(
    app, page: Page, login, engine: Engine, e2e_store, screenshots_dir: Path
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    item = free_items(engine, collector, e2e_store.today)[0]
    promised_on = e2e_store.today + timedelta(days=3)
    open_page(page, login, "collector", DESKTOP)
    page.screenshot(path=screenshots_dir / "items-desktop.png", full_page=False)
    row = show_row(page, item)
    expect(row.locator("[data-key=residual]")).to_have_text(fr_eur(item.residual))

    open_action(page, row, "promise")
    dialog = page.locator("#dialog-promise")
    expect(dialog.locator("#amount-input")).to_have_value(f"{item.residual:.2f}")
    # Too much is refused by the server, the error shown next to the amount.
    dialog.locator("#amount-input").fill(str(item.residual + 1000))
    dialog.locator("#promised-on-input").fill(promised_on.isoformat())
    dialog.locator("#note-input").fill(NOTE)
    dialog.locator("#promise-submit").click()
    expect(dialog.locator("#error-amount")).to_contain_text("Montant")
    page.screenshot(path=screenshots_dir / "items-promise-error-desktop.png")
    with engine.connect() as conn:
        assert not conn.execute(
            select(PromiseItem.__table__.c.id).where(
                PromiseItem.__table__.c.entry_id == item.entry_id
            )
        ).first()

    amount = (item.residual / 2).quantize(Decimal("0.01"))
    dialog.locator("#amount-input").fill(str(amount).replace(".", ","))
    dialog.locator("#promise-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Promesse enregistrée")).to_be_visible()
    expect(row.locator("[data-testid=state]")).to_have_text(f"Promesse au {promised_on:%d/%m/%Y}")
    page.screenshot(path=screenshots_dir / "items-after-promise-desktop.png")

    p, a = Promise.__table__, AuditLog.__table__
    with engine.connect() as conn:
        promise = conn.execute(
            select(p).where(p.c.customer_id == item.customer_id, p.c.note == NOTE)
        ).one()
        audited = conn.execute(
            select(a.c.action, a.c.user_id).where(
                a.c.entity == "promise", a.c.entity_id == promise.id
            )
        ).all()
    assert (promise.amount, promise.promised_on, promise.status) == (amount, promised_on, "pending")
    assert [(x.action, x.user_id) for x in audited] == [("promise.record", collector.user_id)]

    # On the customer's timeline.
    page.goto(f"{app.frontend_url.rstrip('/')}/clients/{item.customer_id}")
    page.locator("#tab-timeline").click(timeout=LOAD_TIMEOUT)
    first = page.locator("#timeline [data-testid=timeline-event]").first
    expect(first).to_contain_text("Promesse de paiement", timeout=LOAD_TIMEOUT)
    expect(first).to_contain_text(NOTE)

    # On the dashboard, among the promises due.
    page.goto(app.frontend_url)
    expect(page.locator("#promises-list")).to_contain_text(item.customer_name, timeout=LOAD_TIMEOUT)


def _expected_recipients(engine: Engine, customer_id: int) -> tuple[set[str], set[str], str]:
    """To: the accounting services' contacts; Cc: the contacts whose role is cc (by hand or by
    their service); and the customer's sales rep's address (Cc when the scenario says so)."""
    c, s = Contact.__table__, ContactService.__table__
    to, cc = set(), set()
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.c.email, c.c.dunning_role, s.c.name, s.c.dunning_role.label("service_role"))
            .select_from(c.outerjoin(s, s.c.id == c.c.service_id))
            .where(c.c.customer_id == customer_id)
        ).all()
        rep = conn.execute(
            select(SalesRep.__table__.c.email)
            .select_from(
                Customer.__table__.join(
                    SalesRep.__table__,
                    SalesRep.__table__.c.id == Customer.__table__.c.sales_rep_id,
                )
            )
            .where(Customer.__table__.c.id == customer_id)
        ).scalar()
    for r in rows:
        role = r.dunning_role or r.service_role or ""
        if role == "never" or "@" not in (r.email or ""):
            continue
        service = (r.name or "").lower()
        if service.startswith(("comptabilit", "recouvrement")):
            to.add(r.email.lower())
        elif role == "cc":
            cc.add(r.email.lower())
    return to, cc, (rep or "").lower()


def test_dunning_an_item_by_email_delivers_to_its_contacts(
    app, page: Page, login, engine: Engine, e2e_store, sink: Path, screenshots_dir: Path
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    chosen = None
    for item in free_items(engine, collector, e2e_store.today):
        to, cc, rep = _expected_recipients(engine, item.customer_id)
        if not to or not cc:
            continue
        # The dialog proposes the scenario's next level (issue 12): an item whose next is R1.
        if proposed_level(engine, collector, item.entry_id, e2e_store.today).level != 1:
            continue
        preview = preview_dun(engine, collector, item.entry_id, 1, as_of=e2e_store.today)
        if preview.channel == "email":
            chosen = item
            break
    assert chosen is not None, "the demo has an item whose customer has To and Cc contacts"
    item = chosen

    open_page(page, login, "collector", DESKTOP)
    row = show_row(page, item)
    open_action(page, row, "dun")
    dialog = page.locator("#dialog-dun")
    expect(dialog.locator("#preview-to")).to_be_visible(timeout=LOAD_TIMEOUT)
    for address in to:
        expect(dialog.locator("#preview-to")).to_contain_text(address)
    expect(dialog.locator("#preview-body")).to_be_visible()
    page.screenshot(path=screenshots_dir / "items-dun-preview-desktop.png")
    dialog.locator("#dun-submit").click()
    expect(dialog).to_be_hidden()
    expect(row.locator("[data-testid=level]")).to_have_text("R1")
    page.screenshot(path=screenshots_dir / "items-after-dun-desktop.png")

    deadline = time.monotonic() + 60
    mails = []
    while time.monotonic() < deadline and not mails:
        mails = [m for m in received(0, sink) if set(m.to) & to]
        time.sleep(0.5)
    assert len(mails) == 1, "the reminder reached the sink once"
    mail = mails[0]
    assert {a.lower() for a in mail.to} == to
    got_cc = {a.lower() for a in mail.cc}
    assert cc <= got_cc and got_cc - cc <= {rep}
    assert set(mail.envelope_to) == set(mail.to) | set(mail.cc)
    expect(page.get_by_text("E-mail envoyé")).to_be_visible(timeout=30_000)

    m, a = Message.__table__, AuditLog.__table__
    with engine.connect() as conn:
        message = conn.execute(
            select(m.c.status, m.c.level).where(m.c.customer_id == item.customer_id)
        ).one()
        run_audit = conn.execute(
            select(a.c.user_id).where(a.c.action == "dunning.run").order_by(a.c.id.desc())
        ).first()
    assert (message.status, message.level) == ("sent", 1)
    assert run_audit.user_id == collector.user_id
    status = item_status(engine, collector, [item.entry_id], e2e_store.today)[item.entry_id]
    assert (status.level, status.last_action) == (1, "step")


def test_selected_items_lead_to_a_campaign(app, page: Page, login, engine, e2e_store) -> None:
    open_page(page, login, "collector", DESKTOP)
    rows = page.locator("[data-testid=item-row]")
    expect(rows.first).to_be_visible()
    ids = [rows.nth(i).get_attribute("data-row-id") for i in range(2)]
    for i in range(2):
        rows.nth(i).locator("[data-testid=row-select]").click()
    expect(page.locator("#selected-count")).to_have_text("2\u00a0échéances sélectionnées")
    expect(page.locator("#start-campaign")).to_have_attribute(
        "href", f"/campagnes?items={ids[0]},{ids[1]}"
    )
    page.locator("#clear-selection").click()
    expect(page.locator("#selection-bar")).to_have_count(0)


@pytest.mark.parametrize("role", ["read_only", "sales_rep"])
def test_read_only_users_and_sales_reps_cannot_act(
    app, page: Page, login, engine: Engine, e2e_store, role: str
) -> None:
    who = demo_viewer(engine, {"read_only": "direction", "sales_rep": "commercial"}[role])
    mine = open_items(engine, who, OpenItemFilters(states=("none",), min_days_late=1)).rows
    debits = [r for r in mine if r.residual > 0]  # an item one could act on
    assert debits, "they see open items"
    item = debits[0]

    # No button on the page.
    open_page(page, login, role, DESKTOP)
    expect(page.locator("[data-testid=item-row]").first).to_be_visible()
    expect(page.locator("[data-testid=row-actions]")).to_have_count(0)
    expect(page.locator("[data-testid=row-select]")).to_have_count(0)

    # The services refuse, on an item the viewer may see.
    collector = demo_viewer(engine, "recouvrement")
    # Level 3 has a letter step: a preview always exists (no email address needed).
    preview = preview_dun(engine, collector, item.entry_id, 3, as_of=e2e_store.today)
    refused = [
        lambda: followup.record_promise(
            engine,
            who,
            item.customer_id,
            "10",
            e2e_store.today + timedelta(days=2),
            [item.entry_id],
        ),
        lambda: followup.open_dispute(engine, who, item.customer_id, 1, [item.entry_id]),
        lambda: followup.stop_dunning(engine, who, [item.entry_id], "essai"),
        lambda: followup.log_call(engine, who, item.customer_id, "reached"),
        lambda: preview_dun(engine, who, item.entry_id, 1),
        lambda: dun_now(engine, who, preview),
    ]
    for attempt in refused:
        with pytest.raises(AccessDenied):
            attempt()

    # The handlers refuse the events sent by hand over the app's websocket.
    from reflex.config import get_config

    from src_dash.bench.app import SUFFIX, Client, state_names
    from src_dash.ui.components.item_actions import ItemActionsState

    login_name = who.login
    token = log_in(engine, login_name, "demo-src-dash")
    a = AuditLog.__table__
    with engine.connect() as conn:
        audited = conn.execute(
            select(func.count()).select_from(a).where(a.c.user_id == who.user_id)
        ).scalar()
    port = urlsplit(get_config().api_url).port
    client = Client(port, state_names())
    state = ItemActionsState.get_full_name()
    try:
        client.connect(ROUTE, {**client.storage(), client.names["token_var"]: token})
        client.send(f"{state}.open_action", {"kind": "promise", "entry_id": item.entry_id}, ROUTE)
        updates = client.until_quiet(quiet=1.5)
        opened = [
            u for u in updates if (u.get("delta") or {}).get(state, {}).get(f"dialog{SUFFIX}")
        ]
        assert not opened, "no dialog opens for them"
        form = {"amount": "10", "promised_on": (e2e_store.today + timedelta(days=2)).isoformat()}
        client.send(f"{state}.submit_promise", {"form": form}, ROUTE)
        client.send(f"{state}.send_dun", {}, ROUTE)
        client.until_quiet(quiet=1.5)
    finally:
        client.close()
    p = Promise.__table__
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(p).where(p.c.created_by == who.user_id)
            ).scalar()
            == 0
        )
        # Nothing they did was written (the audit log says every change).
        assert (
            conn.execute(
                select(func.count()).select_from(a).where(a.c.user_id == who.user_id)
            ).scalar()
            == audited
        )


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_page_fits_phone_and_desktop(
    app,
    page: Page,
    login,
    engine: Engine,
    e2e_store,
    screenshots_dir: Path,
    name: str,
    viewport: dict,
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    item = free_items(engine, collector, e2e_store.today)[-1]
    open_page(page, login, "collector", viewport)
    width = viewport["width"]
    testid = "item-card" if name == "phone" else "item-row"
    expect(page.locator(f"[data-testid={testid}]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots_dir / f"items-list-{name}.png", full_page=False)
    page.locator("#filters-button").click()
    expect(page.locator("#filters-panel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots_dir / f"items-filters-{name}.png", full_page=True)
    page.locator("#filters-button").click()

    row = show_row(page, item, testid)
    for action in ("dun", "call", "dispute-open", "stop"):
        open_action(page, row, action)
        dialog = page.locator(f"#dialog-{action}")
        if action == "dun":
            expect(dialog.locator("#dun-submit")).to_be_enabled(timeout=LOAD_TIMEOUT)
        box = dialog.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=screenshots_dir / f"items-{action}-{name}.png")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
    assert squash(row.inner_text())


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_items_are_filtered_on_a_free_field_of_the_entry(
    app,
    page: Page,
    login,
    engine: Engine,
    e2e_store,
    screenshots_dir: Path,
    name: str,
    viewport: dict,
) -> None:
    """The order number typed on invoices in Sage ("N° commande", a free field of F_ECRITUREC
    synced from the demo bases) narrows the items to those whose number contains the text."""
    collector = demo_viewer(engine, "recouvrement")
    clear_cache()
    choices = filter_choices(engine, collector, e2e_store.today)
    assert "N° commande" in choices.entry_free_fields, choices.entry_free_fields
    year = str(e2e_store.today.year)
    wanted = OpenItemFilters(entry_free_fields=(("N° commande", f"cmd-{year}"),))
    expected = open_item_ids(engine, collector, wanted, e2e_store.today)
    everything = open_items(engine, collector, as_of=e2e_store.today).total
    assert 0 < len(expected) < everything

    open_page(page, login, "collector", viewport)
    page.locator("#filters-button").click()
    panel = page.locator("#filters-panel")
    expect(panel).to_be_visible()
    value = page.locator("#filter-entry-free-value")
    expect(value).to_be_disabled()  # until a field is chosen
    page.locator("#filter-entry-free-field").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert sorted(options.all_inner_texts()[1:]) == sorted(choices.entry_free_fields)
    page.get_by_role("option", name="N° commande", exact=True).click()
    value.fill(f"CMD-{year}")  # any case: the service lowers both sides
    count = f"{fr_int(len(expected))}{NBSP}échéance{'s' if len(expected) > 1 else ''}"
    expect(page.locator("#items-total")).to_have_text(count, timeout=LOAD_TIMEOUT)
    expect(page.locator("#filters-button")).to_contain_text("1")
    testid = "item-card" if name == "phone" else "item-row"
    rows = page.locator(f"[data-testid={testid}]")
    expect(rows.first).to_be_visible()
    shown = [int(rows.nth(i).get_attribute("data-row-id")) for i in range(rows.count())]
    assert shown and set(shown) <= set(expected)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=screenshots_dir / f"items-entry-free-filter-{name}.png", full_page=True)

    # No item has that order number: the empty state, then the reset gives every item back.
    value.fill("pas-une-commande")
    expect(page.locator("#items-empty")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#filters-reset").click()
    expect(page.locator("#items-total")).to_contain_text(fr_int(everything))
    expect(value).to_have_value("")
    expect(value).to_be_disabled()


def test_a_doubtful_item_shows_its_badge_and_the_filter_keeps_it_or_leaves_it_out(
    app, page: Page, login, engine: Engine, e2e_store
) -> None:
    """A doubtful receivable (416, clients douteux) has its badge on its row; the filter keeps
    it alone, or every item but it."""
    collector = demo_viewer(engine, "recouvrement")
    item = free_items(engine, collector, e2e_store.today)[0]
    everything = open_items(engine, collector, as_of=e2e_store.today).total
    e = Entry.__table__
    with engine.begin() as conn:
        conn.execute(update(e).where(e.c.id == item.entry_id).values(doubtful=True))
        bump_data_version(conn, entries=True)
    try:
        open_page(page, login, "collector", DESKTOP)
        row = show_row(page, item)
        expect(row.locator("[data-testid=doubtful]")).to_have_text("Douteux")
        page.locator("#items-search").fill("")
        page.locator("#filters-button").click()
        page.locator("#filter-doubtful").click()
        page.get_by_role("option", name="Douteuses seulement", exact=True).click()
        total = page.locator("#items-total")
        expect(total).to_have_text(f"1{NBSP}échéance", timeout=LOAD_TIMEOUT)
        rows = page.locator("[data-testid=item-row]")
        expect(rows).to_have_count(1)
        assert rows.first.get_attribute("data-row-id") == str(item.entry_id)
        page.locator("#filter-doubtful").click()
        page.get_by_role("option", name="Sans les douteuses", exact=True).click()
        expect(total).to_have_text(f"{fr_int(everything - 1)}{NBSP}échéances", timeout=LOAD_TIMEOUT)
        expect(page.locator("[data-testid=doubtful]")).to_have_count(0)
    finally:
        with engine.begin() as conn:
            conn.execute(update(e).where(e.c.id == item.entry_id).values(doubtful=False))
            bump_data_version(conn, entries=True)
        clear_cache()
