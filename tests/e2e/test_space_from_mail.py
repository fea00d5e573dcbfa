"""From a dunning email to the customer's space and back to the collector (issue 13, how it is
measured): the dunning sends a reminder through the local mail sink; the customer follows the
link of that email in Chromium (390x844 and 1440x900), sees their items, promises, reports a
problem with a small PDF and says "déjà payé"; a collector signed in in another browser context
sees each on that customer's card within 2 s of the customer's confirmation, and the space's
total is the card's.

The card stays open and refreshes by itself (it polls the store's data version every second):
the 2 s run from the customer's confirmation to the line on the open card. The latencies are
written to `latencies.json` in the test's temporary folder, beside the screenshots.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from dunning.smtp_helpers import free_port
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, fr_eur, log_in
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache
from src_dash.config import load_settings
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.mailsink import read_mail, received, start_sink
from src_dash.dunning.planner import plan
from src_dash.dunning.runs import create_run
from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.links import resolve
from src_dash.store import Message
from src_dash.store.space import SpaceLink
from src_dash.ui.i18n import text

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% e2e bon de livraison signe\n%%EOF\n"
WITHIN = 2.0  # seconds from the customer's confirmation to the line on the collector's card
COLLECTOR = "recouvrement"


@dataclass
class Mail:
    """A reminder as the sink received it, and whom it was for."""

    customer_id: int
    text: str
    html: str
    url: str


@pytest.fixture(scope="module")
def mails(app, engine: Engine, e2e_store) -> Iterator[list[Mail]]:
    """Two French customers of the collector, each sent a reminder by email through a local
    SMTP sink, with the space's links on the app's own address."""
    folder = e2e_store.data_dir / "e2e-space-sink"
    port = free_port()
    controller = start_sink(folder, "127.0.0.1", port)
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TLS": "none",
        "SRC_DASH_PUBLIC_URL": app.frontend_url.rstrip("/"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        proposals = _proposals(engine, e2e_store.today)
        # The render's deadline (2 s a field) can be missed on a loaded machine: the proposals
        # left out are run again (a run writes each proposal once).
        for _ in range(3):
            run = create_run(engine, proposals, approve=True)
            if not run.errors:
                break
        assert run.emails + run.existing == 2 and not run.errors, run
        # Playwright's sync API holds this thread's event loop: the dispatcher runs its own.
        with ThreadPoolExecutor(1) as pool:
            done = pool.submit(dispatch, engine, load_settings()).result(timeout=120)
        assert done.sent == 2, done
        by_address = {p.to[0].email: p.customer_id for p in proposals}
        found = []
        for summary in received(0, folder):
            mail = read_mail(summary.path)
            (url,) = set(re.findall(r"https?://\S+/espace/[A-Za-z0-9_-]{32,64}", mail.text))
            found.append(Mail(by_address[mail.to[0]], mail.text, mail.html, url))
        assert sorted(m.customer_id for m in found) == sorted(by_address.values())
        yield sorted(found, key=lambda m: [p.customer_id for p in proposals].index(m.customer_id))
    finally:
        controller.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        clear_cache()


def _proposals(engine: Engine, today) -> list:  # noqa: ANN001
    """Today's email reminders of two French customers of the collector with three open debits
    free of promises and disputes, who never had a link to their space."""
    collector = demo_viewer(engine, COLLECTOR)
    t = SpaceLink.__table__
    with engine.connect() as conn:
        linked = set(conn.execute(select(t.c.customer_id)).scalars())
    chosen = []
    for p in sorted(plan(engine, today).proposals, key=lambda p: (-p.total, p.customer_id)):
        if p.channel != "email" or not p.to or p.customer_id in linked or p.language != "fr":
            continue
        if p.customer_id in {c.customer_id for c in chosen}:
            continue
        try:
            card = customer_card(engine, collector, p.customer_id, today)
        except Exception:  # outside the collector's portfolio
            continue
        free = [i for i in card.open_items if i.residual > 0 and not (i.promised or i.disputed)]
        if len(free) >= 3 and card.identity.language == "fr":
            chosen.append(p)
        if len(chosen) == 2:
            return chosen
    pytest.fail("the demo has no two French customers of the collector to dun by email")


def _card_outstanding(page: Page) -> str:
    return page.locator("#kpi-outstanding [data-testid=kpi-value]").inner_text()


def _seen_within(card: Page, url: str, section: str, testid: str, expected: str, count: int):  # noqa: ANN202
    """Wait (at most WITHIN from now) for the open card's `count`-th line of `section` holding
    `expected`, the card never opened again; the seconds it took."""
    started = time.monotonic()
    assert card.url.rstrip("/").endswith(url.rsplit("/clients", 1)[1])  # the same card, open
    lines = card.locator(f"#{section} [data-testid={testid}]")
    expect(lines).to_have_count(count, timeout=WITHIN * 1000)
    expect(lines.filter(has_text=expected)).to_have_count(1, timeout=1)
    return time.monotonic() - started


@pytest.mark.parametrize(("size", "which"), [(PHONE, 0), (DESKTOP, 1)], ids=["phone", "desktop"])
def test_from_the_email_the_customer_acts_and_the_collector_sees_it_within_2s(
    app, page: Page, browser: Browser, engine: Engine, e2e_store, mails, size, which, tmp_path
):
    mail = mails[which]
    customer_id = mail.customer_id
    # The email says what the link is for, and its token opens this customer only.
    assert "Consultez votre compte et répondez en ligne" in mail.text
    assert f'href="{mail.url}"' in mail.html
    token = mail.url.rsplit("/", 1)[1]
    access = resolve(engine, token, "").access
    assert access is not None and access.customer_id == customer_id
    m = Message.__table__
    with engine.connect() as conn:
        bodies = conn.execute(select(m.c.body_text).where(m.c.customer_id == customer_id)).all()
    assert bodies and not any(token in b.body_text for b in bodies)

    # The collector, in another browser context, on the customer's card.
    base = app.frontend_url.rstrip("/")
    card_url = f"{base}/clients/{customer_id}"
    staff = browser.new_context(viewport=DESKTOP)
    card = staff.new_page()
    try:
        log_in(card, base, COLLECTOR, next_path=f"/clients/{customer_id}")
        expect(card.locator("#kpi-outstanding [data-testid=kpi-value]")).not_to_have_text(
            "", timeout=LOAD_TIMEOUT
        )
        card.locator("#tab-follow").click()
        expect(card.locator("#disputes")).to_be_visible(timeout=LOAD_TIMEOUT)
        promises = card.locator("#promises [data-testid=promise]").count()
        disputes = card.locator("#disputes [data-testid=dispute]").count()

        # The customer follows the link of the email.
        page.set_viewport_size(size)
        page.goto(mail.url, timeout=LOAD_TIMEOUT)
        expect(page.locator("#space-outstanding")).not_to_have_text("", timeout=LOAD_TIMEOUT)
        admin = demo_viewer(engine, "admin")
        shown = customer_card(engine, admin, customer_id, e2e_store.today)
        expect(page.locator(".space-item")).to_have_count(len(shown.open_items))
        page.screenshot(path=tmp_path / f"space-{which}-items.png", full_page=True)
        free = [i for i in shown.open_items if i.residual > 0 and not (i.promised or i.disputed)]
        first, second, third = free[:3]
        latencies = {}

        page.locator(f"#promise-item-{first.entry_id}").check()
        page.locator("#space-promise-date").fill("2026-12-10")
        page.locator("#space-promise-amount").fill(str(first.residual))
        page.locator("#space-promise-submit").click()
        _notice(page, "space.promise.done")
        latencies["promise"] = _seen_within(
            card, card_url, "promises", "promise", fr_eur(first.residual), promises + 1
        )

        note = "Livraison incomplète (e2e depuis le mail)"
        page.locator(f"#problem-item-{second.entry_id}").check()
        page.locator("#space-problem-message").fill(note)
        page.locator("#space-file").set_input_files(
            files=[{"name": "bon.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.locator("#space-problem-submit").click()
        _notice(page, "space.problem.done")
        latencies["dispute"] = _seen_within(
            card, card_url, "disputes", "dispute", note, disputes + 1
        )

        page.locator(f"#paid-item-{third.entry_id}").check()
        page.locator("#space-paid-date").fill("2026-11-20")
        page.locator("#space-paid-amount").fill(str(third.residual))
        page.locator("#space-paid-reference").fill(f"VIR-MAIL-{which}")
        page.locator("#space-paid-submit").click()
        _notice(page, "space.paid.done")
        latencies["paid"] = _seen_within(
            card, card_url, "disputes", "dispute", f"VIR-MAIL-{which}", disputes + 2
        )
        page.screenshot(path=tmp_path / f"space-{which}-done.png", full_page=True)
        card.screenshot(path=tmp_path / f"card-{which}-follow.png", full_page=True)

        # The space's total is the card's, to the cent, once everything is in.
        clear_cache()
        page.reload()
        expect(page.locator("#space-outstanding")).not_to_have_text("", timeout=LOAD_TIMEOUT)
        card.goto(card_url)
        expect(card.locator("#kpi-outstanding [data-testid=kpi-value]")).to_have_text(
            page.locator("#space-outstanding").inner_text(), timeout=LOAD_TIMEOUT
        )
        (tmp_path / "latencies.json").write_text(json.dumps(latencies, indent=1))
        print(f"\nlatencies ({size['width']}x{size['height']}): {latencies}")  # noqa: T201
        assert all(v <= WITHIN for v in latencies.values()), latencies
    finally:
        staff.close()


def _notice(page: Page, key: str) -> None:
    expect(page.locator("#space-notice")).to_have_text(text(key, "fr"), timeout=LOAD_TIMEOUT)
