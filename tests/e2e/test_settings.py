"""The settings page ("/reglages") in Chromium: admins edit and preview templates, add dispute
reasons and cash objectives, test and sync a Sage base, set the automatic sync's schedule,
upload FEC files; other roles are refused. Screenshots of every tab at phone and desktop sizes
go to test-artifacts/screenshots."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, full_page_shot, log_in_as, squash
from playwright.sync_api import Page, expect
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from src_dash.store import (
    AuditLog,
    CashObjective,
    Company,
    Customer,
    DisputeReason,
    MessageTemplate,
    Scenario,
    Step,
    StoreMeta,
    SyncRun,
)
from src_dash.ui.words_settings import WORDS

pytestmark = pytest.mark.e2e

ROUTE = "/reglages"
FEC_FILE = "000000000FEC20231231.txt"
TABS = (
    "companies",
    "scenarios",
    "profiles",
    "templates",
    "services",
    "thresholds",
    "reasons",
    "objectives",
    "users",
)


def base(app) -> str:
    return app.frontend_url.rstrip("/")


def open_tab(page: Page, app, tab: str, viewport: dict = DESKTOP, role: str = "admin") -> None:
    """Sign in and open a tab of the settings page."""
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, role, next_path=f"{ROUTE}?tab={tab}")
    expect(page).to_have_url(re.compile(rf"{ROUTE}\?tab={tab}$"), timeout=LOAD_TIMEOUT)
    expect(page.locator(f"#tab-{tab}")).to_have_attribute(
        "data-state", "active", timeout=LOAD_TIMEOUT
    )


def pick(page: Page, trigger: str, option: str) -> None:
    """Choose an option of a Radix select."""
    page.locator(trigger).click()
    page.get_by_role("option", name=option, exact=True).click()


def audit_actions(engine: Engine, action: str) -> list:
    a = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(select(a).where(a.c.action == action).order_by(a.c.id)).all()


def template_row(engine: Engine, code: str):  # noqa: ANN201
    t = MessageTemplate.__table__
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.code == code, t.c.language == "fr")).first()


def test_an_admin_sees_a_syntax_error_with_its_line_fixes_it_and_previews_on_a_customer(
    app, page: Page, engine: Engine, screenshots_dir: Path
) -> None:
    with engine.connect() as conn:
        c = Customer.__table__
        customer = conn.execute(
            select(c.c.id, c.c.number, c.c.name).order_by(c.c.name.desc()).limit(1)
        ).one()
    open_tab(page, app, "templates")
    # An existing template opens with its subject and bodies.
    expect(page.locator("#template-subject")).not_to_have_value("", timeout=LOAD_TIMEOUT)
    expect(page.locator("#template-html")).not_to_have_value("")

    pick(page, "#template-code", "Nouveau modèle…")
    page.locator("#template-new-code").fill("essai_e2e")
    page.locator("#template-name").fill("Essai navigateur")
    page.locator("#template-subject").fill("Relance {{ customer.number }}")
    broken = (
        "<p>Bonjour {{ customer.name }},</p>\n"
        "<p>Vous avez {{ totals.count } pièce(s) ouverte(s).</p>\n"
        "<p>Merci de votre règlement.</p>"
    )
    page.locator("#template-html").fill(broken)
    page.locator("#template-text").fill("Bonjour {{ customer.name }}")
    page.locator("#template-check").click()
    problem = page.locator("[data-testid=template-problem]")
    expect(problem).to_have_count(1, timeout=LOAD_TIMEOUT)
    expect(problem.locator("[data-testid=problem-where]")).to_have_text("Corps HTML, ligne 2")
    expect(problem).to_contain_text("erreur de syntaxe")
    expect(problem).to_contain_text("unexpected '}'")
    expect(problem).to_contain_text("{{ totals.count } pièce(s)")  # the line itself
    page.set_viewport_size(DESKTOP)
    full_page_shot(page, screenshots_dir / "settings-template-error-desktop.png")

    # Save refuses it: the problem stays and nothing is written.
    page.locator("#template-save").click()
    expect(problem).to_have_count(1, timeout=LOAD_TIMEOUT)
    expect(problem.locator("[data-testid=problem-where]")).to_have_text("Corps HTML, ligne 2")
    assert template_row(engine, "essai_e2e") is None

    fixed = broken.replace("{{ totals.count }", "{{ totals.count }}")
    page.locator("#template-html").fill(fixed)
    page.locator("#template-check").click()
    expect(problem).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(page.locator("#template-ok")).to_contain_text("Aucune erreur")
    page.locator("#template-save").click()
    expect(page.locator("#template-ok")).to_contain_text("Modèle enregistré", timeout=LOAD_TIMEOUT)
    saved = template_row(engine, "essai_e2e")
    assert saved is not None and saved.body_html == fixed and saved.name == "Essai navigateur"
    [line] = [a for a in audit_actions(engine, "template.save") if a.entity_id == saved.id]
    assert line.user_id is not None

    page.locator("#preview-search").fill(customer.name)
    expect(page.locator("#preview-customer")).to_contain_text(customer.name, timeout=LOAD_TIMEOUT)
    page.locator("#template-preview").click()
    expect(page.locator("#preview-subject")).to_have_text(
        f"Relance {customer.number}", timeout=LOAD_TIMEOUT
    )
    body = page.frame_locator("#preview-html").locator("body")
    expect(body).to_contain_text(f"Bonjour {customer.name},")
    expect(body).to_contain_text("Merci de votre règlement.")
    expect(page.locator("#preview-text")).to_have_text(f"Bonjour {customer.name}")
    full_page_shot(page, screenshots_dir / "settings-template-preview-desktop.png")
    page.set_viewport_size(PHONE)
    full_page_shot(page, screenshots_dir / "settings-template-preview-phone.png")


def test_an_admin_adds_a_dispute_reason_and_a_cash_objective(
    app, page: Page, engine: Engine
) -> None:
    open_tab(page, app, "reasons")
    rows = page.locator("[data-testid=reason-row]")
    expect(rows.first).to_be_visible(timeout=LOAD_TIMEOUT)
    before = rows.count()
    page.locator("#reason-add").click()  # an empty label is refused, by its field
    expect(page.locator("#reasons-error")).to_contain_text("Libellé", timeout=LOAD_TIMEOUT)
    page.locator("#reason-new").fill("Colis endommagé à la livraison")
    page.locator("#reason-add").click()
    expect(rows).to_have_count(before + 1, timeout=LOAD_TIMEOUT)
    expect(page.locator("[data-label='Colis endommagé à la livraison']")).to_be_visible()
    expect(page.locator("#reasons-error")).to_have_count(0)
    with engine.connect() as conn:
        r = DisputeReason.__table__
        reason = conn.execute(select(r).where(r.c.label == "Colis endommagé à la livraison")).one()
    assert reason.active
    assert [a.entity_id for a in audit_actions(engine, "dispute_reason.add")][-1] == reason.id

    page.locator("#tab-objectives").click()
    expect(page.locator("#objective-amount")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#objective-month").fill("2027-03")
    page.locator("#objective-amount").fill("152 500,50")
    pick(page, "#objective-company", "DEMO1 · " + company_name(engine, "DEMO1"))
    page.locator("#objective-add").click()
    row = page.locator("[data-testid=objective-row]", has_text="Mars 2027")
    expect(row).to_have_count(1, timeout=LOAD_TIMEOUT)
    assert squash(row.inner_text()).startswith("Mars 2027 DEMO1 Toute l'équipe 152 500,50 €")
    with engine.connect() as conn:
        o = CashObjective.__table__
        objective = conn.execute(select(o).where(o.c.month == date(2027, 3, 1))).one()
    assert objective.amount == Decimal("152500.50") and objective.user_id is None
    assert [a.entity_id for a in audit_actions(engine, "cash_objective.set")][-1] == objective.id


def company_name(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        co = Company.__table__
        return conn.execute(select(co.c.name).where(co.c.code == code)).scalar_one()


def test_an_admin_tests_a_sage_connection_syncs_it_and_uploads_fec_files(
    app, page: Page, engine: Engine, fec_dir: Path, tmp_path: Path
) -> None:
    open_tab(page, app, "companies")
    card = page.locator("[data-testid=settings-company][data-code=DEMO1]")
    expect(card).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#sync-schedule")).to_contain_text("SRC_DASH_SYNC_INTERVAL")
    with engine.connect() as conn:
        cu, co = Customer.__table__, Company.__table__
        count = conn.execute(
            select(func.count())
            .select_from(cu.join(co, co.c.id == cu.c.company_id))
            .where(co.c.code == "DEMO1")
        ).scalar_one()
        runs_before = conn.execute(select(func.count()).select_from(SyncRun.__table__)).scalar()
    card.locator("[data-testid=company-test]").click()
    expect(card.locator("[data-testid=company-check]")).to_contain_text(
        f"Connexion réussie : {count} clients", timeout=LOAD_TIMEOUT
    )
    card.locator("[data-testid=company-sync]").click()
    expect(page.locator("#companies-done")).to_contain_text("terminée", timeout=LOAD_TIMEOUT)
    with engine.connect() as conn:
        runs_after = conn.execute(select(func.count()).select_from(SyncRun.__table__)).scalar()
    assert runs_after == runs_before + 1
    expect(card.locator("[data-testid=run-row]").first).to_have_attribute("data-status", "ok")
    assert audit_actions(engine, "company.sync_now")
    assert audit_actions(engine, "company.test_connection")[-1].details["ok"] is True

    data = (fec_dir / FEC_FILE).read_bytes()
    lines = data.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.split(b"\t")[4].startswith(b"411"))
    fields = lines[at].split(b"\t")
    fields[11] = b"12,3x"
    bad = tmp_path / FEC_FILE
    bad.write_bytes(b"".join([*lines[:at], b"\t".join(fields), *lines[at + 1 :]]))
    page.locator("#fec-company").fill("FECWEB")
    page.locator("#fec-company").press("Tab")
    # The upload goes over HTTP, the typed code over the websocket: let the code arrive first.
    page.wait_for_timeout(1500)
    page.locator("#fec-upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#fec-error")).to_contain_text(
        f"{FEC_FILE}, line {at + 1}, column Debit", timeout=LOAD_TIMEOUT
    )
    with engine.connect() as conn:
        co = Company.__table__
        assert conn.execute(select(co.c.id).where(co.c.code == "FECWEB")).first() is None

    good = tmp_path / "good" / FEC_FILE
    good.parent.mkdir()
    good.write_bytes(data)
    page.locator("#fec-upload input[type=file]").set_input_files(str(good))
    # The file is previewed first (test_settings_fec.py tests the preview); nothing is written yet.
    expect(page.locator("#fec-preview")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#fec-import").click()
    expect(page.locator("#fec-done")).to_contain_text(
        f"{FEC_FILE} importé dans FECWEB", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#fec-error")).to_have_count(0)
    expect(page.locator("[data-testid=settings-company][data-code=FECWEB]")).to_be_visible()
    assert audit_actions(engine, "company.import_fec")[-1].details["code"] == "FECWEB"


def stored_schedule(engine: Engine) -> str | None:
    meta = StoreMeta.__table__
    with engine.connect() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == "sync_schedule")).scalar()


def test_an_admin_sets_the_automatic_sync_schedule(
    app, page: Page, engine: Engine, screenshots_dir: Path
) -> None:
    try:
        open_tab(page, app, "companies")
        block = page.locator("#sync-schedule-section")
        expect(block).to_be_visible(timeout=LOAD_TIMEOUT)
        # Nothing saved yet: the environment's 900 s, and where it comes from.
        summary = page.locator("#sync-schedule")
        expect(summary).to_contain_text("toutes les 15", timeout=LOAD_TIMEOUT)
        expect(summary).to_contain_text("SRC_DASH_SYNC_INTERVAL")
        interval, switch = page.locator("#sync-interval"), page.locator("#sync-enabled")
        expect(interval).to_have_value("15")
        expect(switch).to_have_attribute("data-state", "checked")

        # A bad interval: the error under the field, nothing written.
        interval.fill("3")
        page.locator("#sync-schedule-save").click()
        error = page.locator("#sync-interval-error")
        expect(error).to_have_text(
            "Intervalle : doit être entre 5 et 1440 minutes", timeout=LOAD_TIMEOUT
        )
        assert stored_schedule(engine) is None
        assert not audit_actions(engine, "sync.schedule")
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            block.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            block.screenshot(path=screenshots_dir / f"settings-sync-schedule-error-{name}.png")
        page.set_viewport_size(DESKTOP)

        # A good one: saved, said, audited; typing again clears the error.
        interval.fill("30")
        expect(error).to_have_count(0)
        page.locator("#sync-schedule-save").click()
        expect(page.locator("[data-sonner-toast]")).to_contain_text(
            "Planification enregistrée", timeout=LOAD_TIMEOUT
        )
        expect(summary).to_contain_text("toutes les 30")
        expect(summary).not_to_contain_text("SRC_DASH_SYNC_INTERVAL")
        assert stored_schedule(engine) == '{"enabled": true, "minutes": 30}'
        [line] = audit_actions(engine, "sync.schedule")
        assert line.details == {"enabled": True, "minutes": 30} and line.user_id is not None

        page.reload()
        expect(interval).to_have_value("30", timeout=LOAD_TIMEOUT)
        expect(switch).to_have_attribute("data-state", "checked")
        expect(summary).to_contain_text("toutes les 30")

        # Off: the automatic sync stops; sync now stays on each company's card.
        switch.click()
        expect(switch).to_have_attribute("data-state", "unchecked")
        page.locator("#sync-schedule-save").click()
        expect(summary).to_contain_text("désactivée", timeout=LOAD_TIMEOUT)
        assert stored_schedule(engine) == '{"enabled": false, "minutes": 30}'
        page.reload()
        expect(switch).to_have_attribute("data-state", "unchecked", timeout=LOAD_TIMEOUT)
        expect(interval).to_have_value("30")
        expect(page.locator("[data-testid=company-sync]").first).to_be_enabled()
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            block.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            block.screenshot(path=screenshots_dir / f"settings-sync-schedule-{name}.png")
    finally:  # the other tests see the environment's schedule
        with engine.begin() as conn:
            meta = StoreMeta.__table__
            conn.execute(delete(meta).where(meta.c.key == "sync_schedule"))


def test_an_admin_builds_a_scenario_whose_errors_name_their_step_then_sets_its_thresholds(
    app, page: Page, engine: Engine
) -> None:
    open_tab(page, app, "scenarios")
    expect(page.locator("[data-testid=scenario-step]").first).to_be_visible(timeout=LOAD_TIMEOUT)
    pick(page, "#scenario-pick", "Nouveau scénario")
    steps = page.locator("[data-testid=scenario-step]")
    expect(steps).to_have_count(1)
    page.locator("#scenario-name").fill("Essai e2e")
    page.locator("#scenario-profile").fill("essai-e2e")
    page.locator("#scenario-save").click()
    error = page.locator("#scenario-error")
    expect(error).to_contain_text("Étape 1, Modèle", timeout=LOAD_TIMEOUT)
    expect(error).to_contain_text("un e-mail ou un courrier demande un modèle")

    pick(page, "[data-testid=scenario-step] >> nth=0 >> [data-testid=step-template]", "relance1")
    page.locator("#scenario-add-step").click()
    expect(steps).to_have_count(2)
    pick(page, "[data-testid=scenario-step] >> nth=1 >> [data-testid=step-template]", "relance2")
    steps.nth(1).locator("[data-testid=step-day_offset]").fill("5")
    page.locator("#scenario-save").click()
    expect(error).to_contain_text("Étape 2, Jours", timeout=LOAD_TIMEOUT)
    expect(error).to_contain_text("R2 doit venir après R1 (10 jours)")
    with engine.connect() as conn:
        s = Scenario.__table__
        assert conn.execute(select(s.c.id).where(s.c.name == "Essai e2e")).first() is None

    steps.nth(1).locator("[data-testid=step-day_offset]").fill("30")
    page.locator("#scenario-save").click()
    expect(page.locator("#scenario-done")).to_contain_text("Essai e2e", timeout=LOAD_TIMEOUT)
    expect(error).to_have_count(0)
    with engine.connect() as conn:
        s, st, t = Scenario.__table__, Step.__table__, MessageTemplate.__table__
        scenario = conn.execute(select(s).where(s.c.name == "Essai e2e")).one()
        rows = conn.execute(
            select(st.c.level, st.c.day_offset, t.c.code)
            .select_from(st.join(t, t.c.id == st.c.template_id))
            .where(st.c.scenario_id == scenario.id)
            .order_by(st.c.position)
        ).all()
    assert scenario.profile == "essai-e2e"
    assert [tuple(r) for r in rows] == [(1, 10, "relance1"), (2, 30, "relance2")]
    assert audit_actions(engine, "scenario.save")[-1].entity_id == scenario.id

    page.locator("#tab-thresholds").click()
    row = page.locator("[data-testid=threshold-row]", has_text="Essai e2e")
    expect(row).to_be_visible(timeout=LOAD_TIMEOUT)
    row.get_by_role("textbox").nth(0).fill("15,50")
    row.get_by_role("textbox").nth(1).fill("250")
    row.locator("[data-testid=threshold-save]").click()
    expect(page.locator("#threshold-done")).to_contain_text("Essai e2e", timeout=LOAD_TIMEOUT)
    with engine.connect() as conn:
        s = Scenario.__table__
        saved = conn.execute(select(s).where(s.c.id == scenario.id)).one()
    assert (saved.min_item_amount, saved.min_customer_amount) == (
        Decimal("15.50"),
        Decimal("250.00"),
    )


@pytest.mark.parametrize("role", ["collector", "sales_rep", "read_only"])
def test_other_roles_are_refused_the_settings(app, page: Page, role: str) -> None:
    page.set_viewport_size(DESKTOP)
    log_in_as(page, app.frontend_url, role)
    expect(page.locator("#side-nav-reglages")).to_have_count(0)
    page.goto(base(app) + f"{ROUTE}?tab=users")
    expect(page).to_have_url(base(app) + "/", timeout=LOAD_TIMEOUT)
    # Said, not only bounced.
    expect(page.get_by_text("Cette page est réservée aux administrateurs.")).to_be_visible()
    expect(page.locator("#settings-tabs")).to_have_count(0)
    expect(page.locator("[data-testid=user-card]")).to_have_count(0)


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_every_tab_fits_the_screen(
    app, page: Page, screenshots_dir: Path, name: str, viewport: dict
) -> None:
    open_tab(page, app, "companies", viewport)
    expect(
        page.locator("#side-nav-reglages" if name == "desktop" else "#menu-button")
    ).to_be_visible()
    for tab in TABS:
        if name == "phone":  # the tabs do not fit a phone's width: a select picks them
            pick(page, "#settings-tab-select", WORDS["fr"][f"set.tab.{tab}"])
        else:
            page.locator(f"#tab-{tab}").click()
        expect(page.locator(f"#tab-{tab}")).to_have_attribute("data-state", "active")
        panel = page.locator("[role=tabpanel][data-state=active]")
        expect(panel.locator(".rt-Spinner")).to_have_count(0, timeout=LOAD_TIMEOUT)
        page.wait_for_timeout(300)
        # Nothing wider than the screen: the page never scrolls sideways.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{tab} at {name}: {overflow}px wider than the screen"
        full_page_shot(page, screenshots_dir / f"settings-{tab}-{name}.png")
