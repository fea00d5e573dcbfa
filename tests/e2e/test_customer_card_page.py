"""The customer card ("/clients/<id>") in Chromium: figures, timeline, messages with their email
and PDF, and the changes a collector makes (comment, flag, stop, contact), on three screens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, NBSP, NNBSP, PHONE, TABLET, demo_viewer
from playwright.sync_api import Page, expect
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine

from src_dash.clock import utcnow
from src_dash.services.customer_card import CustomerCard, customer_card
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.followup import add_comment
from src_dash.store import Comment, Contact, Customer, Flag, Message
from src_dash.store.versions import bump_data_version
from src_dash.ui.pages.customer.live import CARD_POLL_MS
from src_dash.ui.pages.customer.timeline_rows import TIMELINE_PAGE, timeline_filter

pytestmark = pytest.mark.e2e

SUBJECT = "Relance : factures échues (test e2e)"
PDF_BYTES = b"%PDF-1.4\n% e2e letter\n"


def fr_eur(amount: Decimal) -> str:
    """An amount as the French UI writes it, worked out by hand: "-1 234,50 €"."""
    units, cents = f"{abs(amount):.2f}".split(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{int(units):,}".replace(",", NNBSP) + f",{cents}{NBSP}€"


@pytest.fixture(scope="module")
def customer(engine: Engine, e2e_store) -> Iterator[tuple[int, Path]]:
    """A customer of the demo sales rep with a sent message and its PDF (removed afterwards)."""
    rep = demo_viewer(engine, "commercial")
    rows = list_customers(engine, rep, CustomerQuery(sort="overdue"), as_of=e2e_store.today).rows
    customer_id = rows[0].customer_id
    pdf = e2e_store.data_dir / "e2e-letter.pdf"
    pdf.write_bytes(PDF_BYTES)
    m = Message.__table__
    with engine.begin() as conn:
        message_id = conn.execute(
            m.insert().values(
                customer_id=customer_id,
                channel="email",
                language="fr",
                subject=SUBJECT,
                body_html="<p>Madame, Monsieur,</p><p>Sauf erreur de notre part, "
                "<b>les factures ci-dessous</b> restent impayées.</p>",
                body_text="Madame, Monsieur, ...",
                recipients_to=["compta@client.test"],
                recipients_cc=[],
                pdf_path=str(pdf),
                status="sent",
                idempotency_key="e2e-card-message",
                created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                sent_at=datetime(2026, 11, 20, 9, 5, tzinfo=UTC),
            )
        ).inserted_primary_key[0]
        bump_data_version(conn)
    yield customer_id, pdf
    with engine.begin() as conn:
        conn.execute(delete(m).where(m.c.id == message_id))
        bump_data_version(conn)
    pdf.unlink(missing_ok=True)


def card_of(engine: Engine, login: str, customer_id: int, today) -> CustomerCard:
    return customer_card(engine, demo_viewer(engine, login), customer_id, as_of=today)


def open_card(page: Page, login, who: str, customer_id: int, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    login(who, f"/clients/{customer_id}")
    expect(page.locator("#customer-card")).to_be_visible(timeout=LOAD_TIMEOUT)


def test_the_card_shows_figures_score_and_timeline(
    app, page: Page, login, engine, e2e_store, customer
) -> None:
    customer_id, _ = customer
    card = card_of(engine, "admin", customer_id, e2e_store.today)
    open_card(page, login, "admin", customer_id, DESKTOP)
    expect(page.locator("#page-title")).to_have_text(card.identity.name)
    expect(page.locator("#kpi-outstanding [data-testid=kpi-value]")).to_have_text(
        fr_eur(card.balance.outstanding)
    )
    expect(page.locator("#kpi-overdue [data-testid=kpi-value]")).to_have_text(
        fr_eur(card.balance.overdue)
    )
    assert card.score is not None
    expect(page.locator("#grade-badge")).to_contain_text(card.score.grade)
    expect(page.locator("#score-parts [data-testid=bar]")).to_have_count(len(card.score.parts))
    expect(page.locator("#contacts [data-testid=contact]")).to_have_count(
        sum(len(g.contacts) for g in card.contacts)
    )

    page.locator("#tab-items").click()
    expect(page.locator("#open-items [data-testid=table-row]")).to_have_count(len(card.open_items))

    page.locator("#tab-timeline").click()
    events = page.locator("#timeline [data-testid=timeline-event]")
    assert len(card.timeline) > 5
    # A page of events at first, then "Afficher plus" until every one is shown.
    shown = min(len(card.timeline), TIMELINE_PAGE)
    expect(events).to_have_count(shown)
    while shown < len(card.timeline):
        page.locator("#timeline-more").click()
        shown = min(len(card.timeline), shown + TIMELINE_PAGE)
        expect(events).to_have_count(shown)
    expect(page.locator("#timeline-more")).to_have_count(0)
    newest = card.timeline[0]
    expect(events.first).to_contain_text(newest.title)
    invoices = [e for e in card.timeline if e.kind == "invoice"]
    assert invoices, "the demo customer has invoices"
    expect(page.locator("#timeline")).to_contain_text(invoices[0].title)
    expect(page.locator("#timeline")).to_contain_text("Facture")
    # The chips keep the events of one kind (from the first page again).
    books = [e for e in card.timeline if timeline_filter(e.kind) == "books"]
    page.locator("[data-testid=timeline-filter][data-kind=books]").click()
    expect(events).to_have_count(min(len(books), TIMELINE_PAGE))
    page.locator("[data-testid=timeline-filter][data-kind=all]").click()
    expect(events).to_have_count(min(len(card.timeline), TIMELINE_PAGE))


def test_a_message_opens_with_its_email_and_its_pdf(
    app, page: Page, login, customer, tmp_path: Path, screenshots_dir: Path
) -> None:
    customer_id, _ = customer
    open_card(page, login, "commercial", customer_id, DESKTOP)
    page.locator("#tab-messages").click()
    message = page.locator("#messages [data-testid=message]", has_text=SUBJECT)
    expect(message).to_have_count(1)
    message.locator("[data-testid=open-message]").click()
    expect(page.locator("#message-subject")).to_have_text(SUBJECT)
    body = page.frame_locator("#message-body")
    expect(body.locator("b")).to_have_text("les factures ci-dessous")
    page.screenshot(path=screenshots_dir / "card-message-desktop.png")
    with page.expect_download() as download:
        page.locator("#message-pdf").click()
    path = tmp_path / "letter.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == "e2e-letter.pdf"
    assert path.read_bytes() == PDF_BYTES


def test_a_sales_rep_reads_and_notes_but_does_not_work_the_account(
    app, page: Page, login, customer
) -> None:
    customer_id, _ = customer
    open_card(page, login, "sales_rep", customer_id, DESKTOP)
    expect(page.locator("#stop-button")).to_have_count(0)
    expect(page.locator("#add-contact")).to_have_count(0)
    expect(page.locator("#profile-input")).to_have_count(0)
    page.locator("#tab-follow").click()
    expect(page.locator("#comment-body")).to_be_visible()
    expect(page.locator("#flag-submit")).to_be_visible()


@pytest.fixture
def undo_changes(engine: Engine, customer) -> Iterator[None]:
    """Remove what the collector's test adds, so the store is as the other tests expect it."""
    customer_id, _ = customer
    started = utcnow()
    yield
    c = Customer.__table__
    with engine.begin() as conn:
        for table in (Comment.__table__, Flag.__table__):
            conn.execute(
                delete(table).where(
                    table.c.customer_id == customer_id, table.c.created_at >= started
                )
            )
        ct = Contact.__table__
        conn.execute(delete(ct).where(ct.c.customer_id == customer_id, ct.c.origin == "app"))
        conn.execute(update(c).where(c.c.id == customer_id).values(stop_reason="", stop_until=None))
        bump_data_version(conn)


def test_a_collector_comments_flags_stops_and_adds_a_contact(
    app, page: Page, login, engine, e2e_store, customer, undo_changes
) -> None:
    customer_id, _ = customer
    open_card(page, login, "collector", customer_id, DESKTOP)

    page.locator("#tab-follow").click()
    page.locator("#comment-body").fill("Client rappelé, règlement annoncé vendredi")
    page.locator("#comment-submit").click()
    expect(page.locator("#comments [data-testid=comment]").first).to_contain_text(
        "Client rappelé, règlement annoncé vendredi"
    )
    page.locator("#flag-label").fill("Retards répétés")
    page.locator("#flag-submit").click()
    expect(page.locator("[data-testid=flag-badge]")).to_have_text("À surveiller")
    expect(page.locator("#flags [data-testid=flag]")).to_contain_text("Retards répétés")

    page.locator("#tab-timeline").click()
    expect(page.locator("#timeline [data-testid=timeline-event]").first).to_contain_text(
        "Retards répétés"
    )
    expect(page.locator("#timeline")).to_contain_text("Client rappelé")

    page.locator("#stop-button").click()
    page.locator("#stop-reason").fill("Litige commercial en cours")
    page.locator("#stop-until").fill("2026-12-31")
    page.locator("#stop-submit").click()
    expect(page.locator("#stopped-badge")).to_be_visible()
    page.locator("#tab-summary").click()
    expect(page.locator("#stop-text")).to_have_text(
        "Litige commercial en cours (jusqu'au 31/12/2026)"
    )
    card = card_of(engine, "recouvrement", customer_id, e2e_store.today)
    assert card.identity.stop_reason == "Litige commercial en cours"
    page.locator("#resume-button").click()
    expect(page.locator("#stopped-badge")).to_have_count(0)
    expect(page.locator("#stop-button")).to_be_visible()

    page.locator("#add-contact").click()
    page.locator("#contact-first-name").fill("Alice")
    page.locator("#contact-last-name").fill("Martin")
    page.locator("#contact-email").fill("alice.martin@client.test")
    page.locator("#contact-role").click()
    page.get_by_role("option", name="Destinataire").click()
    page.locator("#contact-submit").click()
    added = page.locator("#contacts [data-testid=contact]", has_text="Alice Martin")
    expect(added).to_have_count(1)
    expect(added.locator("[data-testid=contact-role]")).to_have_text("Destinataire")
    card = card_of(engine, "recouvrement", customer_id, e2e_store.today)
    contact = next(c for g in card.contacts for c in g.contacts if c.name == "Alice Martin")
    assert (contact.email, contact.own_role, contact.origin) == (
        "alice.martin@client.test",
        "to",
        "app",
    )


@pytest.mark.parametrize(
    "name, viewport", [("phone", PHONE), ("tablet", TABLET), ("desktop", DESKTOP)]
)
def test_the_card_fits_each_screen(
    app, page: Page, login, customer, screenshots_dir: Path, name: str, viewport: dict
) -> None:
    customer_id, _ = customer
    open_card(page, login, "admin", customer_id, viewport)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots_dir / f"card-summary-{name}.png", full_page=True)
    for tab in ("items", "timeline", "follow", "messages"):
        page.locator(f"#tab-{tab}").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, tab
        page.screenshot(path=screenshots_dir / f"card-{tab}-{name}.png", full_page=False)
    if name == "phone":
        page.locator("#tab-items").click()
        expect(page.locator("#open-items-cards [data-testid=table-card]").first).to_be_visible()
        expect(page.locator("#open-items")).to_be_hidden()


def test_the_card_shows_a_colleagues_change_without_being_opened_again(
    app, page: Page, login, engine, customer, undo_changes
) -> None:
    """Live like the dashboard: a comment written by someone else (here, straight through the
    service, as a colleague's tab would) appears on an open card by itself."""
    customer_id, _ = customer
    open_card(page, login, "commercial", customer_id, DESKTOP)
    page.locator("#tab-timeline").click()
    expect(page.locator("#timeline [data-testid=timeline-event]").first).to_be_visible()
    add_comment(engine, demo_viewer(engine, "admin"), customer_id, "Vu par un collègue à l'instant")
    # The card polls every second: seen within a few polls, the page never reloaded.
    expect(page.locator("#timeline")).to_contain_text(
        "Vu par un collègue à l'instant", timeout=3 * CARD_POLL_MS
    )
