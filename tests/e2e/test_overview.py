"""The sync overview ("/synchronisation") in Chromium: the figures of the store, in fr and en."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e.helpers import log_in_as
from playwright.sync_api import Page, expect
from sqlmodel import select

from src_dash.services.status import CompanyStatus, company_statuses
from src_dash.store import Company, SyncRun
from src_dash.store.engine import make_engine, session_scope

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
NNBSP, NBSP = "\u202f", "\u00a0"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
LOAD_TIMEOUT = 90_000  # ms; the dev server compiles the page on the first visit


# Expected texts are written out here by hand rather than with the app's Babel helpers, so a
# wrong locale or pattern in the app cannot make both sides agree.
def fr_int(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP)


def en_int(n: int) -> str:
    return f"{n:,}"


def fr_eur(amount: Decimal) -> str:
    units, cents = f"{abs(amount):.2f}".split(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{fr_int(int(units))},{cents}{NBSP}€"


def en_eur(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}€{abs(amount):,.2f}"


def squash(text: str | None) -> str:
    """Collapse every kind of space, for texts whose spacing is not what is under test."""
    return " ".join((text or "").replace(NNBSP, " ").replace(NBSP, " ").split())


def read_statuses(url: str, as_of) -> list[CompanyStatus]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return company_statuses(session, as_of)
    finally:
        engine.dispose()


@pytest.fixture
def statuses(e2e_store) -> list[CompanyStatus]:
    found = read_statuses(e2e_store.url, e2e_store.today)
    assert len(found) >= 2, "the demo registers two companies"
    return found


def open_overview(page: Page, app, viewport: dict, expected_cards: int) -> None:
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, "admin", next_path="/synchronisation")
    expect(page).to_have_url(f"{app.frontend_url.rstrip('/')}/synchronisation")
    expect(page.locator("[data-testid=company-card]")).to_have_count(
        expected_cards, timeout=LOAD_TIMEOUT
    )


def field(page: Page, scope: str, name: str) -> str:
    return page.locator(f"{scope} [data-testid={name}]").text_content() or ""


def test_cards_show_the_store_figures_in_french(
    app, page: Page, statuses: list[CompanyStatus], screenshots_dir: Path
) -> None:
    open_overview(page, app, DESKTOP, len(statuses))

    expect(page.locator("#page-title")).to_have_text("Synchronisation — vue d'ensemble")
    expect(page.locator("#as-of")).to_have_text("22/11/2026")
    expect(page.locator("[data-testid=company-card]").first).to_contain_text("Encours")
    for s in statuses:
        card = f"#company-{s.code}"
        expect(page.locator(card)).to_be_visible()
        assert field(page, card, "code") == s.code
        assert field(page, card, "name") == s.name
        assert field(page, card, "customers") == fr_int(s.customers)
        assert field(page, card, "open-items") == fr_int(s.open_items)
        assert field(page, card, "outstanding") == fr_eur(s.outstanding)
        assert field(page, card, "overdue") == fr_eur(s.overdue)
        status = page.locator(f"{card} [data-testid=sync-status]")
        assert status.get_attribute("data-status") == s.last_sync_status
        assert s.last_sync_at is not None, "the demo syncs every company"
        paris = s.last_sync_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
        assert field(page, card, "last-sync") == paris
        expected_label = {"ok": "Réussie", "failed": "Échec"}.get(s.last_sync_status)
        if expected_label:
            assert field(page, card, "sync-status") == expected_label
        # The demo's sync reconciled every company with its Sage base to the cent.
        assert s.reconciliation_gap == 0
        assert field(page, card, "reconciliation") == "écart " + fr_eur(s.reconciliation_gap)

    total = "#total-EUR"
    assert field(page, total, "customers") == fr_int(sum(s.customers for s in statuses))
    assert field(page, total, "open-items") == fr_int(sum(s.open_items for s in statuses))
    assert field(page, total, "outstanding") == fr_eur(sum(s.outstanding for s in statuses))
    assert field(page, total, "overdue") == fr_eur(sum(s.overdue for s in statuses))
    assert field(page, total, "companies") == f"{len(statuses)}\u00a0sociétés"

    page.screenshot(path=screenshots_dir / "overview-desktop-fr.png", full_page=True)


def test_switching_to_english_changes_labels_and_number_format(
    app, page: Page, statuses: list[CompanyStatus], screenshots_dir: Path
) -> None:
    open_overview(page, app, DESKTOP, len(statuses))
    first = f"#company-{statuses[0].code}"
    expect(page.locator(f"{first} [data-testid=outstanding]")).to_have_text(
        fr_eur(statuses[0].outstanding)
    )

    page.locator("#lang-en").click()

    expect(page.locator("#page-title")).to_have_text("Sync — overview")
    expect(page.locator(f"{first} [data-testid=outstanding]")).to_have_text(
        en_eur(statuses[0].outstanding)
    )
    expect(page.locator("#as-of")).to_have_text("Nov 22, 2026")
    expect(page.get_by_text("Outstanding", exact=True).first).to_be_visible()
    expect(page.get_by_text("Encours", exact=True)).to_have_count(0)
    for s in statuses:
        card = f"#company-{s.code}"
        assert field(page, card, "customers") == en_int(s.customers)
        assert field(page, card, "open-items") == en_int(s.open_items)
        assert field(page, card, "overdue") == en_eur(s.overdue)
        assert s.last_sync_at is not None
        paris = s.last_sync_at.astimezone(PARIS)
        hour = paris.hour % 12 or 12
        ampm = "AM" if paris.hour < 12 else "PM"
        assert squash(field(page, card, "last-sync")) == (
            f"{paris:%b} {paris.day}, {paris.year}, {hour}:{paris:%M} {ampm}"
        )
    assert field(page, "#total-EUR", "outstanding") == en_eur(sum(s.outstanding for s in statuses))
    page.screenshot(path=screenshots_dir / "overview-desktop-en.png", full_page=True)

    # The choice is kept in the browser: a reload stays in English.
    page.reload()
    expect(page.locator("#page-title")).to_have_text("Sync — overview", timeout=LOAD_TIMEOUT)
    expect(page.locator(f"{first} [data-testid=outstanding]")).to_have_text(
        en_eur(statuses[0].outstanding)
    )

    page.locator("#lang-fr").click()
    expect(page.locator("#page-title")).to_have_text("Synchronisation — vue d'ensemble")
    expect(page.locator(f"{first} [data-testid=outstanding]")).to_have_text(
        fr_eur(statuses[0].outstanding)
    )


def test_cards_stack_on_a_phone(
    app, page: Page, statuses: list[CompanyStatus], screenshots_dir: Path
) -> None:
    open_overview(page, app, PHONE, len(statuses))
    boxes = [page.locator(f"#company-{s.code}").bounding_box() for s in statuses]
    total = page.locator("#total-EUR").bounding_box()
    assert all(boxes) and total
    for above, below in zip(boxes, [*boxes[1:], total], strict=True):
        assert below["x"] == pytest.approx(above["x"], abs=1)
        assert below["y"] >= above["y"] + above["height"]
    for box in [*boxes, total]:
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots_dir / "overview-phone-fr.png", full_page=True)


def test_cards_sit_side_by_side_on_a_desktop(
    app, page: Page, statuses: list[CompanyStatus]
) -> None:
    open_overview(page, app, DESKTOP, len(statuses))
    first, second = (page.locator(f"#company-{s.code}").bounding_box() for s in statuses[:2])
    assert first and second
    assert second["y"] == pytest.approx(first["y"], abs=1)
    assert second["x"] >= first["x"] + first["width"]
    total = page.locator("#total-EUR").bounding_box()
    assert total and total["width"] >= first["width"] + second["width"]


@pytest.fixture
def failed_run(e2e_store, statuses: list[CompanyStatus]) -> Iterator[tuple[str, str]]:
    """Record a failed sync as the latest run of the first company; removed afterwards."""
    code = statuses[0].code
    error = "[unixODBC] Connexion à la base Sage refusée (test e2e)"
    engine = make_engine(e2e_store.url)
    latest = max(s.last_sync_at for s in statuses if s.last_sync_at)
    with session_scope(engine) as session:
        company = session.exec(select(Company).where(Company.code == code)).one()
        run = SyncRun(
            company_id=company.id,
            status="failed",
            started_at=latest + timedelta(minutes=5),
            finished_at=latest + timedelta(minutes=6),
            error=error,
        )
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        yield code, error
    finally:
        with session_scope(engine) as session:
            session.delete(session.get(SyncRun, run_id))
        engine.dispose()


def test_a_failed_sync_shows_its_error(
    app, page: Page, statuses: list[CompanyStatus], failed_run: tuple[str, str]
) -> None:
    code, error = failed_run
    open_overview(page, app, DESKTOP, len(statuses))
    card = f"#company-{code}"
    expect(page.locator(f"{card} [data-testid=sync-status]")).to_have_text("Échec")
    expect(page.locator(f"{card} [data-testid=sync-error]")).to_have_text(error)
    others = [s.code for s in statuses if s.code != code and s.last_sync_status == "ok"]
    for other in others:
        expect(page.locator(f"#company-{other} [data-testid=sync-error]")).to_have_count(0)


@pytest.fixture
def reported_run(e2e_store, statuses: list[CompanyStatus]) -> Iterator[str]:
    """Give the last successful run of the first company a report of lines left out and a
    warning, as a sync of a Sage base with such lines records it; put back afterwards."""
    code = statuses[0].code
    engine = make_engine(e2e_store.url)
    with session_scope(engine) as session:
        company = session.exec(select(Company).where(Company.code == code)).one()
        run = session.exec(
            select(SyncRun)
            .where(SyncRun.company_id == company.id, SyncRun.status == "ok")
            .order_by(SyncRun.id.desc())
        ).first()
        run_id, saved = run.id, dict(run.details or {})
        run.details = saved | {
            "excluded": [
                {"reason": "customer_advances", "account": "419", "lines": 3, "amount": "-1200.00"},
                {"reason": "no_third_party", "account": "411", "lines": 1, "amount": "250.00"},
            ],
            "warnings": ["1 line(s) on receivable accounts 411 are not customer entries"],
        }
        session.add(run)
    try:
        yield code
    finally:
        with session_scope(engine) as session:
            run = session.get(SyncRun, run_id)
            run.details = saved
            session.add(run)
        engine.dispose()


def test_the_lines_a_run_left_out_show_under_it_in_both_languages(
    app, page: Page, statuses: list[CompanyStatus], reported_run: str, screenshots_dir: Path
) -> None:
    open_overview(page, app, DESKTOP, len(statuses))
    card = f"#company-{reported_run}"
    lines = page.locator(f"{card} [data-testid=left-out]")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_have_text(
        f"3{NBSP}lignes 419 (avances reçues){NBSP}: {fr_eur(Decimal('-1200.00'))}"
    )
    expect(lines.nth(1)).to_have_text(
        f"1{NBSP}ligne 411 (clients), sans compte tiers{NBSP}: {fr_eur(Decimal('250.00'))}"
    )
    expect(page.locator(card)).to_contain_text("Lignes écartées")
    expect(page.locator(f"{card} [data-testid=sync-warning]")).to_have_text(
        "1 line(s) on receivable accounts 411 are not customer entries"
    )
    others = [s.code for s in statuses if s.code != reported_run]
    for other in others:
        expect(page.locator(f"#company-{other} [data-testid=left-out]")).to_have_count(0)
    page.screenshot(path=screenshots_dir / "overview-left-out-desktop-fr.png", full_page=True)

    page.locator("#lang-en").click()
    expect(lines.nth(0)).to_have_text(
        f"3{NBSP}lines 419 (customer advances): {en_eur(Decimal('-1200.00'))}"
    )
    expect(page.locator(card)).to_contain_text("Lines left out")
    page.locator("#lang-fr").click()
    expect(lines.nth(0)).to_contain_text("avances reçues")

    page.set_viewport_size(PHONE)
    box = page.locator(card).bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots_dir / "overview-left-out-phone-fr.png", full_page=True)
