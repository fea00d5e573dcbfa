"""Campaigns ("/campagnes") in Chromium against the demo store and a real SMTP sink (aiosmtpd on a
free port, the app pointed at it through SMTP_HOST / SMTP_PORT): a campaign of the level "Relance
3" previews with its counts, totals and the reasons customers are left out; a message opens
before it goes; the campaign is prepared, one message then all are approved, sent; the page
follows the delivery until every email is sent and the sink holds them; the grouped PDF of the
letters downloads and holds each letter. A read-only user and a sales rep see no button to run,
approve or send. Screenshots on a phone and a desktop.

Everything the campaign writes (runs, messages, item levels, alerts) is removed afterwards, so
the other browser tests find the demo store as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dunning.smtp_helpers import free_port
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, fr_eur, full_page_shot, squash
from playwright.sync_api import Page, expect
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine

from src_dash.dunning import planner
from src_dash.dunning.mailsink import received, start_sink
from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria
from src_dash.store import (
    Action,
    ActionItem,
    Alert,
    ItemState,
    Message,
    MessageItem,
)
from src_dash.ui.words_campaigns import WORDS

pytestmark = pytest.mark.e2e

FR = WORDS["fr"]
LEVEL = 3
CRITERIA = CampaignCriteria(level=LEVEL)


@dataclass
class Sink:
    """The SMTP sink the app sends to, and the folder it writes each message in."""

    port: int
    folder: Path

    def mails(self) -> list:
        return received(0, self.folder)


@pytest.fixture(scope="module")
def sink(e2e_store) -> Iterator[Sink]:
    """An aiosmtpd sink on a free port; the app (same process) reads SMTP_* when it sends."""
    port = free_port()
    folder = e2e_store.data_dir / "e2e-campaign-sink"
    controller = start_sink(folder, "127.0.0.1", port)
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TLS": "none"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield Sink(port, folder)
    finally:
        controller.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def restore_store(engine: Engine) -> Iterator[None]:
    """Undo what the campaigns of this module write: runs, messages, levels, alerts."""
    m, a, s, al = Message.__table__, Action.__table__, ItemState.__table__, Alert.__table__
    with engine.connect() as conn:
        runs_before = set(conn.execute(select(m.c.run).distinct()).scalars())
        states = [dict(r._mapping) for r in conn.execute(select(s))]
        last_alert = conn.execute(select(func.max(al.c.id))).scalar() or 0
    yield
    with engine.begin() as conn:
        new = set(conn.execute(select(a.c.run).distinct()).scalars()) - runs_before - {""}
        if new:
            ids = select(m.c.id).where(m.c.run.in_(new))
            conn.execute(
                delete(MessageItem.__table__).where(MessageItem.__table__.c.message_id.in_(ids))
            )
            conn.execute(delete(al).where(al.c.message_id.in_(ids)))
            conn.execute(delete(m).where(m.c.run.in_(new)))
            actions = select(a.c.id).where(a.c.run.in_(new))
            conn.execute(delete(al).where(al.c.action_id.in_(actions)))
            conn.execute(
                delete(ActionItem.__table__).where(ActionItem.__table__.c.action_id.in_(actions))
            )
            conn.execute(delete(a).where(a.c.run.in_(new)))
        conn.execute(delete(al).where(al.c.id > last_alert))
        conn.execute(delete(s))
        if states:
            conn.execute(insert(s), states)
    campaigns.forget_plans()


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return squash(out)


def open_campaigns(page: Page, login, who: str, viewport: dict) -> None:  # noqa: ANN001
    page.set_viewport_size(viewport)
    login(who, "/campagnes")
    expect(page.locator("#page-title")).to_have_text(FR["camp.title"], timeout=LOAD_TIMEOUT)
    expect(page.locator("#recent-runs")).to_be_visible(timeout=LOAD_TIMEOUT)


def in_status(page: Page, status: str):  # noqa: ANN201
    """The run's rows in a status."""
    return page.locator(f"#run-messages [data-testid=run-message][data-status={status}]")


def choose_level(page: Page, level: int) -> None:
    page.locator("#crit-level").click()
    page.get_by_role("option", name=FR[f"camp.level.{level}"], exact=True).click()
    expect(page.locator("#crit-level")).to_contain_text(FR[f"camp.level.{level}"])


def preview_level(page: Page, level: int) -> None:
    choose_level(page, level)
    page.locator("#run-preview").click()
    expect(page.locator("#preview")).to_be_visible(timeout=LOAD_TIMEOUT)


def test_items_chosen_on_the_open_items_page_start_a_campaign(
    app, page: Page, login, engine: Engine, e2e_store
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    due = planner.plan(engine, e2e_store.today, viewer=collector).proposals
    chosen = next(p for p in due if p.channel == "email")
    entry_ids = [i.entry_id for i in chosen.items][:2]
    page.set_viewport_size(DESKTOP)
    login("collector", f"/campagnes?items={','.join(map(str, entry_ids))}")
    expect(page.locator("#items-chosen")).to_contain_text(str(len(entry_ids)), timeout=LOAD_TIMEOUT)
    expect(page.locator("#items-chosen")).to_contain_text(FR["camp.items_chosen"])
    # The preview runs at once, on those items only.
    proposals = page.locator("#proposals [data-testid=proposal]")
    expect(proposals.first).to_be_visible(timeout=LOAD_TIMEOUT)
    expected = campaigns.preview(
        engine, collector, CampaignCriteria(entry_ids=tuple(entry_ids)), e2e_store.today
    )
    assert {p.customer_id for p in expected.proposals} == {chosen.customer_id}
    expect(proposals).to_have_count(len(expected.proposals))
    for row in proposals.all():
        expect(row).to_contain_text(chosen.customer_name)
    expect(page.locator("#crit-level")).to_be_visible()
    expect(page.get_by_text(FR["camp.level.forced"])).to_be_visible()
    page.locator("#items-clear").click()
    expect(page.locator("#items-chosen")).to_have_count(0)


def test_a_campaign_previews_is_approved_sent_and_prints_its_letters(
    app,
    page: Page,
    login,
    engine: Engine,
    sink: Sink,
    restore_store,
    e2e_store,
    tmp_path: Path,
    screenshots_dir: Path,
) -> None:
    collector = demo_viewer(engine, "recouvrement")
    expected = campaigns.preview(engine, collector, CRITERIA, e2e_store.today)
    emails = [p for p in expected.proposals if p.channel == "email"]
    letters = [p for p in expected.proposals if p.channel == "letter"]
    assert emails and letters, "the demo store has R3 emails and letters to send"
    assert expected.reasons, "the demo store leaves some customers out"

    open_campaigns(page, login, "collector", DESKTOP)
    preview_level(page, LEVEL)
    proposals = page.locator("#proposals [data-testid=proposal]")
    expect(proposals).to_have_count(len(expected.proposals))
    expect(page.locator("#kpi-messages-value")).to_have_text(str(len(expected.proposals)))
    total = expected.totals[0].amount
    units, cents = f"{total:.2f}".split(".")
    expect(page.locator("#kpi-total")).to_contain_text(re.compile(rf"{units[-3:]},{cents}"))
    expect(page.locator("#preview-chips")).to_contain_text(FR["camp.channel.letter"])
    reasons = page.locator("#reasons [data-testid=reason]")
    # Customers and items apart (issue 12): each unit lists its own reasons.
    units = (*expected.customer_counts.reasons, *expected.item_counts.reasons)
    expect(reasons).to_have_count(len(units))
    for reason in {r.reason for r in units}:
        expect(page.locator(f"#reasons [data-reason={reason}]")).to_contain_text(
            FR[f"camp.reason.{reason}"]
        )
    page.locator("#exclusions-toggle").click()
    shown = page.locator("#exclusions-card")
    for excluded in expected.exclusions[:5]:
        expect(shown).to_contain_text(excluded.customer_name)
    full_page_shot(page, screenshots_dir / "campaigns-preview-desktop.png")
    shown.scroll_into_view_if_needed()
    shown.screenshot(path=screenshots_dir / "campaigns-exclusions-desktop.png")

    # Open a message before it goes: the email as the customer will read it.
    first_email = page.locator(f"[data-testid=proposal][data-key='{emails[0].key}']")
    first_email.locator("[data-testid=open-proposal]").click()
    expect(page.locator("#message-subject")).not_to_be_empty()
    expect(page.locator("#message-to")).to_contain_text(emails[0].to[0])
    body = page.frame_locator("#message-body")
    expect(body.locator("body")).to_contain_text(fr_eur(emails[0].total))
    page.screenshot(path=screenshots_dir / "campaigns-message-desktop.png")
    page.keyboard.press("Escape")
    expect(page.locator("#message-subject")).to_have_count(0)

    # Prepare: every message waits for approval.
    page.locator("#prepare").click()
    expect(page.locator("#run")).to_be_visible(timeout=LOAD_TIMEOUT)
    rows = page.locator("#run-messages [data-testid=run-message]")
    expect(rows).to_have_count(len(expected.proposals))
    expect(in_status(page, "held")).to_have_count(len(expected.proposals))
    with engine.connect() as conn:
        m = Message.__table__
        run = conn.execute(select(m.c.run).order_by(m.c.id.desc()).limit(1)).scalar_one()
        ids = {
            r.id: r
            for r in conn.execute(select(m.c.id, m.c.channel, m.c.status).where(m.c.run == run))
        }
    assert {r.status for r in ids.values()} == {"held"} and len(ids) == len(expected.proposals)

    # Approve one email, then all.
    one = next(i for i, r in ids.items() if r.channel == "email")
    row = page.locator(f"[data-testid=run-message][data-row-id=m{one}]")
    row.get_by_role("checkbox").click()
    page.locator("#approve-selected").click()
    expect(row).to_have_attribute("data-status", "queued", timeout=LOAD_TIMEOUT)
    expect(in_status(page, "held")).to_have_count(len(ids) - 1)
    page.locator("#approve-all").click()
    expect(in_status(page, "held")).to_have_count(0)
    expect(in_status(page, "queued")).to_have_count(len(ids))

    # Send, and follow the delivery until every email is sent; the letters wait to be printed.
    page.locator("#send").click()
    expect(in_status(page, "sent")).to_have_count(len(emails), timeout=LOAD_TIMEOUT)
    expect(in_status(page, "queued")).to_have_count(len(letters))
    expect(page.locator("#run-progress")).to_contain_text(f"{len(emails)} sur {len(ids)}")
    expect(page.locator("#live")).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(page.locator("#letters-counts")).to_contain_text(f"{len(letters)} à imprimer")
    full_page_shot(page, screenshots_dir / "campaigns-run-desktop.png")
    mails = sink.mails()
    assert sorted(a for mail in mails for a in mail.to) == sorted(p.to[0] for p in emails)
    subjects = {mail.subject for mail in mails}
    with engine.connect() as conn:
        stored = conn.execute(
            select(m.c.subject, m.c.status).where(m.c.run == run, m.c.channel == "email")
        ).all()
    assert {s.subject for s in stored} == subjects and {s.status for s in stored} == {"sent"}

    # The grouped PDF of the letters.
    with page.expect_download() as download:
        page.locator("#letters-pdf").click()
    path = tmp_path / "letters.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    for letter in letters:
        assert letter.customer_name in text, letter.customer_name

    # Printed, then posted on a day: only then are the letters sent (issue 12).
    page.locator("#letters-printed").click()
    expect(in_status(page, "printed")).to_have_count(len(letters), timeout=LOAD_TIMEOUT)
    page.locator("#letters-posted-on").fill(e2e_store.today.isoformat())
    page.locator("#letters-posted").click()
    expect(in_status(page, "sent")).to_have_count(len(ids), timeout=LOAD_TIMEOUT)
    expect(page.locator("#run-progress")).to_contain_text(f"{len(ids)} sur {len(ids)}")
    expect(page.locator("#letters-counts")).to_contain_text(f"{len(letters)} posté(s)")
    with engine.connect() as conn:
        posted = conn.execute(
            select(m.c.posted_on).where(m.c.run == run, m.c.channel == "letter")
        ).scalars()
        assert list(posted) == [e2e_store.today] * len(letters)


def test_exclusion_details_are_said_in_french(
    app, page: Page, login, engine: Engine, e2e_store, restore_store
) -> None:
    """Every level (exclusions follow the level filter since issue 12: a customer in credit
    would not get R3): the planner's details in French, with amounts and days in the French
    formats (the planner writes "balance -1660.00", "last message on 2026-11-16" for the CLI)."""
    collector = demo_viewer(engine, "recouvrement")
    expected = campaigns.preview(engine, collector, CampaignCriteria(), e2e_store.today)
    open_campaigns(page, login, "collector", DESKTOP)
    page.locator("#run-preview").click()
    expect(page.locator("#preview")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.locator("#exclusions-toggle").click()
    shown = page.locator("#exclusions-card")
    listed = expected.exclusions[:100]
    credit = next(e for e in listed if e.reason == "in_credit" and e.amount is not None)
    soon = next(e for e in listed if e.reason == "too_soon" and e.on is not None)
    expect(shown).to_contain_text(credit.customer_name)
    card = squash(shown.inner_text())
    assert squash(f"solde {fr_eur(credit.amount)}") in card, card
    assert f"dernier envoi le {soon.on:%d/%m/%Y}" in card, card
    assert credit.detail not in card and soon.detail not in card


def test_the_campaign_page_fits_a_phone(
    app, page: Page, login, restore_store, screenshots_dir: Path
) -> None:
    open_campaigns(page, login, "collector", PHONE)
    full_page_shot(page, screenshots_dir / "campaigns-criteria-phone.png")
    page.locator("#run-preview").click()  # every level: a customer in credit is left out
    expect(page.locator("#preview")).to_be_visible(timeout=LOAD_TIMEOUT)
    full_page_shot(page, screenshots_dir / "campaigns-preview-phone.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 390px phone"
    page.locator("#exclusions-toggle").click()
    shown = page.locator("#exclusions-card")
    expect(shown).to_contain_text("solde -")
    shown.scroll_into_view_if_needed()
    shown.screenshot(path=screenshots_dir / "campaigns-exclusions-phone.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the exclusions are {width}px wide on a 390px phone"
    runs = page.locator("#recent-runs [data-testid=open-run]")
    if runs.count():
        runs.first.click()
        expect(page.locator("#run")).to_be_visible(timeout=LOAD_TIMEOUT)
        full_page_shot(page, screenshots_dir / "campaigns-run-phone.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the run is {width}px wide on a 390px phone"


@pytest.mark.parametrize("who", ["read_only", "sales_rep"])
def test_read_only_users_and_sales_reps_get_no_button_to_run_approve_or_send(
    app, page: Page, login, who: str, restore_store, screenshots_dir: Path
) -> None:
    open_campaigns(page, login, who, DESKTOP)
    expect(page.locator("#campaigns-denied")).to_be_visible()
    for button in ("#run-preview", "#prepare", "#approve-all", "#approve-selected", "#send"):
        expect(page.locator(button)).to_have_count(0)
    runs = page.locator("#recent-runs [data-testid=open-run]")
    if runs.count():
        runs.first.click()
        expect(page.locator("#run")).to_be_visible(timeout=LOAD_TIMEOUT)
        for button in ("#approve-all", "#approve-selected", "#reject-selected", "#send"):
            expect(page.locator(button)).to_have_count(0)
    full_page_shot(page, screenshots_dir / f"campaigns-{who}-desktop.png")
