"""The profile rules tab of the settings page ("/reglages?tab=profiles") in Chromium: an admin
adds a rule, is told what is wrong under the field, fixes it, moves it to the top, sees the
counts per profile change, applies the rules and deletes the rule; a collector cannot reach the
tab and the events they send by hand are refused by the server. Screenshots at phone and desktop
sizes go to test-artifacts/screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, fr_int, full_page_shot, log_in_as
from playwright.sync_api import Page, expect
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from src_dash.services.profile_rules import profile_counts
from src_dash.store import AuditLog, Customer, ProfileRule
from src_dash.store.versions import bump_data_version

pytestmark = pytest.mark.e2e

ROUTE = "/reglages"
PROFILE = "Gros encours e2e"
THRESHOLD = Decimal("5000")


@pytest.fixture
def kept_profiles(engine: Engine) -> Iterator[None]:
    """Give the customers their profiles back after the test (other tests share the store)."""
    c, r = Customer.__table__, ProfileRule.__table__
    with engine.connect() as conn:
        before = dict(conn.execute(select(c.c.id, c.c.profile)).all())
    yield
    with engine.begin() as conn:
        conn.execute(r.delete().where(r.c.profile == PROFILE))
        for customer_id, profile in before.items():
            conn.execute(update(c).where(c.c.id == customer_id).values(profile=profile))
        bump_data_version(conn)


def rules(engine: Engine) -> list[tuple]:
    r = ProfileRule.__table__
    with engine.connect() as conn:
        return [tuple(x) for x in conn.execute(select(r).order_by(r.c.position)).all()]


def audited(engine: Engine, action: str) -> list:
    a = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(select(a).where(a.c.action == action).order_by(a.c.id)).all()


def open_tab(page: Page, app, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, "admin", next_path=f"{ROUTE}?tab=profiles")
    expect(page).to_have_url(re.compile(rf"{ROUTE}\?tab=profiles$"), timeout=LOAD_TIMEOUT)
    expect(page.locator("[data-testid=profile-rule]").first).to_be_visible(timeout=LOAD_TIMEOUT)


def no_sideways_scroll(page: Page, what: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what}: {overflow}px wider than the screen"


def count_of(page: Page, profile: str):  # noqa: ANN201
    return page.locator("[data-testid=profile-count]").filter(
        has=page.get_by_text(profile, exact=True)
    )


def test_an_admin_adds_fixes_moves_applies_and_deletes_a_rule(
    app, page: Page, engine: Engine, e2e_store, screenshots_dir: Path, kept_profiles: None
) -> None:
    admin = demo_viewer(engine, "admin")
    before = rules(engine)
    open_tab(page, app, DESKTOP)
    cards = page.locator("[data-testid=profile-rule]")
    expect(cards).to_have_count(len(before))
    # The default rules in plain words, the catch-all last.
    expect(cards.first).to_contain_text("Facturé en devise")
    expect(cards.nth(1)).to_contain_text("Hors de\u00a0: France")
    expect(cards.nth(3)).to_contain_text("Score D ou E")
    expect(cards.last).to_contain_text("Tous les clients")
    expect(page.locator("[data-testid=profile-count]").first).to_be_visible()
    no_sideways_scroll(page, "profiles at desktop")
    full_page_shot(page, screenshots_dir / "settings-profiles-desktop.png")

    # A negative amount: the error under the field, nothing saved.
    page.locator("#rule-add").click()
    page.locator("#rule-profile").fill(PROFILE)
    page.locator("#rule-description").fill("Encours d'au moins 5 000 €")
    page.locator("#rule-min-outstanding").fill("-5")
    page.locator("#rule-save").click()
    expect(page.locator("#rule-min-outstanding-error")).to_have_text(
        "ne doit pas être négatif", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#rule-dialog")).to_be_visible()
    assert rules(engine) == before
    full_page_shot(page, screenshots_dir / "settings-profiles-error-desktop.png")

    # Fixed (typed the French way): saved at the end, where the catch-all hides it.
    page.locator("#rule-min-outstanding").fill("5 000")
    page.locator("#rule-save").click()
    expect(page.locator("#rule-dialog")).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(page.get_by_text(f"Règle «\u00a0{PROFILE}\u00a0» enregistrée.")).to_be_visible()
    expect(cards).to_have_count(len(before) + 1)
    mine = cards.last
    expect(mine).to_contain_text(PROFILE)
    expect(mine).to_contain_text("Encours ≥ 5\u202f000,00\u00a0€")
    expect(mine.locator("[data-testid=rule-shadowed]")).to_be_visible()
    expect(mine.locator("[data-testid=rule-no-scenario]")).to_be_visible()
    expect(count_of(page, PROFILE)).to_have_count(0)  # nobody gets it yet
    saved = rules(engine)[-1]
    r = ProfileRule.__table__
    assert saved[r.c.keys().index("min_outstanding")] == Decimal("5000.00")

    # Moved to the top, one step at a time.
    for position in range(len(before), 0, -1):
        cards.nth(position).locator("[data-testid=rule-up]").click()
        expect(cards.nth(position - 1)).to_contain_text(PROFILE, timeout=LOAD_TIMEOUT)
    expect(cards.first.locator("[data-testid=rule-up]")).to_be_disabled()
    expect(cards.first.locator("[data-testid=rule-shadowed]")).to_have_count(0)
    assert [x[r.c.keys().index("profile")] for x in rules(engine)][0] == PROFILE
    expected = {c.profile: c.customers for c in profile_counts(engine, admin, e2e_store.today)}
    assert expected.get(PROFILE, 0) > 0, "the demo has customers owing 5 000 € or more"
    expect(count_of(page, PROFILE).locator("[data-testid=count-customers]")).to_have_text(
        fr_int(expected[PROFILE])
    )
    expect(count_of(page, PROFILE).locator("td").last).to_have_text("Aucun")

    # Applied: the toast says how many customers changed, as the audit log does.
    page.locator("#rules-apply").click()
    toast = page.get_by_text(re.compile(r"^Profils appliqués\u00a0: "))
    expect(toast).to_be_visible(timeout=LOAD_TIMEOUT)
    (line,) = audited(engine, "profiles.apply")
    changed = line.details["changed"]
    assert line.user_id == admin.user_id and changed >= expected[PROFILE]
    expect(toast).to_have_text(
        f"Profils appliqués\u00a0: {fr_int(changed)} clients ont changé de profil."
    )
    c = Customer.__table__
    with engine.connect() as conn:
        given = conn.execute(
            select(func.count()).select_from(c).where(c.c.profile == PROFILE)
        ).scalar()
    assert given == expected[PROFILE]

    # At phone size, the same tab and the dialog fit the screen.
    page.set_viewport_size(PHONE)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=20_000)
    no_sideways_scroll(page, "profiles at phone")
    full_page_shot(page, screenshots_dir / "settings-profiles-phone.png")
    cards.first.locator("[data-testid=rule-edit]").click()
    expect(page.locator("#rule-profile")).to_have_value(PROFILE, timeout=LOAD_TIMEOUT)
    expect(page.locator("#rule-min-outstanding")).to_have_value("5\u202f000,00")
    page.locator("#rule-countries").fill("Fr4nce")
    page.locator("#rule-save").click()
    expect(page.locator("#rule-countries-error")).to_contain_text(
        "n'est pas un nom ou un code de pays", timeout=LOAD_TIMEOUT
    )
    page.locator("#rule-countries").scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / "settings-profiles-dialog-phone.png")
    page.get_by_role("button", name="Annuler").click()
    expect(page.locator("#rule-dialog")).to_have_count(0)

    # Deleted after a confirmation: the list is as it was.
    page.set_viewport_size(DESKTOP)
    cards.first.locator("[data-testid=rule-delete]").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(f"La règle n°1 «\u00a0{PROFILE}")
    page.locator("#rule-confirm-delete").click()
    expect(cards).to_have_count(len(before), timeout=LOAD_TIMEOUT)
    expect(cards.first).to_contain_text("Facturé en devise")
    assert [x[1:] for x in rules(engine)] == [x[1:] for x in before]
    actions = [a.action for a in audited(engine, "profile_rule.create")] + [
        a.action for a in audited(engine, "profile_rule.delete")
    ]
    assert actions == ["profile_rule.create", "profile_rule.delete"]
    assert len(audited(engine, "profile_rule.move")) == len(before)


def test_a_collector_cannot_reach_the_rules_and_crafted_events_are_refused(
    app, page: Page, engine: Engine
) -> None:
    from reflex.config import get_config

    from src_dash.bench.app import Client, state_names
    from src_dash.services.auth import log_in
    from src_dash.ui.pages.settings.profiles import ProfileRulesState

    page.set_viewport_size(DESKTOP)
    log_in_as(page, app.frontend_url, "collector")
    page.goto(app.frontend_url.rstrip("/") + f"{ROUTE}?tab=profiles")
    expect(page).to_have_url(app.frontend_url.rstrip("/") + "/", timeout=LOAD_TIMEOUT)
    expect(page.locator("[data-testid=profile-rule]")).to_have_count(0)

    who = demo_viewer(engine, "recouvrement")
    before = rules(engine)
    first_id = before[0][0]
    a, c = AuditLog.__table__, Customer.__table__
    token = log_in(engine, who.login, "demo-src-dash")  # writes its own audit line
    with engine.connect() as conn:
        audit_count = conn.execute(select(func.count()).select_from(a)).scalar()
        profiles = dict(conn.execute(select(c.c.id, c.c.profile)).all())
    client = Client(urlsplit(get_config().api_url).port, state_names())
    state = ProfileRulesState.get_full_name()
    try:
        client.connect(ROUTE, {**client.storage(), client.names["token_var"]: token})
        client.send(f"{state}.load", {}, ROUTE)
        client.send(f"{state}.open_new", {}, ROUTE)
        client.send(f"{state}.set_text", {"name": "profile", "value": "Pirate"}, ROUTE)
        client.send(f"{state}.save", {}, ROUTE)
        client.send(f"{state}.move", {"rule_id": first_id, "step": 1}, ROUTE)
        client.send(f"{state}.ask_delete", {"rule_id": first_id}, ROUTE)
        client.send(f"{state}.confirm_delete", {}, ROUTE)
        client.send(f"{state}.apply_now", {}, ROUTE)
        updates = client.until_quiet(quiet=1.5)
    finally:
        client.close()
    shown = [u.get("delta", {}).get(state, {}) for u in updates]
    # The events reached the handlers, which were refused by the services.
    refused = "Les réglages sont réservés aux administrateurs."
    assert any(d.get("error_rx_state_") == refused for d in shown), shown
    assert any(d.get("errors_rx_state_", {}).get("form") == refused for d in shown), shown
    assert not any(d.get("rules_rx_state_") for d in shown)  # no rule was read for them
    assert rules(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(a)).scalar() == audit_count
        assert dict(conn.execute(select(c.c.id, c.c.profile)).all()) == profiles
