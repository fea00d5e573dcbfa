"""The alerts page ("/alertes") and the local outbox ("/courriels") in Chromium on the demo store.

An alert raised in the store shows for the admin with its French kind, its customer's link, its
text and its date, and "Marquer comme traitée" resolves it in the store. A mail sent through a
local SMTP sink started here shows in the outbox and opens: its HTML body in a sandboxed iframe,
its text part and its attachment's name. A read-only user sees the alerts without the button
(the service refuses them too) and gets no outbox (refused on the server, no menu link).
Screenshots on a phone and a desktop.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from dunning.smtp_helpers import free_port
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, demo_viewer, full_page_shot
from playwright.sync_api import Page, expect
from sqlalchemy import select

from src_dash.access import AccessDenied
from src_dash.dunning.alerts import DO_NOT_DUN, SMTP_UNREACHABLE, raise_alert, resolve_alert
from src_dash.dunning.mailsink import start_sink
from src_dash.store import Alert, Customer
from src_dash.ui.words_alerts import WORDS

pytestmark = pytest.mark.e2e

FR = WORDS["fr"]
ALERT_TEXT = "Alerte e2e : client à ne pas relancer avec des échéances échues"
SUBJECT = "Relance e2e — facture FA0042"
HTML_MARK = "Corps HTML e2e"


def test_alert_listed_then_resolved(app, page: Page, login, engine, screenshots_dir) -> None:
    c, a = Customer.__table__, Alert.__table__
    with engine.begin() as conn:
        cid, number, name = conn.execute(
            select(c.c.id, c.c.number, c.c.name).order_by(c.c.id).limit(1)
        ).one()
        alert_id = raise_alert(
            conn, DO_NOT_DUN, f"{DO_NOT_DUN}:e2e{cid}", ALERT_TEXT, customer_id=cid
        )
    assert alert_id is not None

    page.set_viewport_size(DESKTOP)
    login("admin", "/alertes")
    item = page.locator(f'[data-testid="alert-item"][data-alert-id="{alert_id}"]')
    expect(item).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(item.get_by_test_id("alert-text")).to_have_text(ALERT_TEXT)
    expect(item.get_by_test_id("alert-kind")).to_have_text(FR["alerts.kind.do_not_dun"])
    link = item.get_by_test_id("alert-customer")
    expect(link).to_have_attribute("href", f"/clients/{cid}")
    expect(link).to_contain_text(number)
    expect(item.get_by_test_id("alert-date")).not_to_be_empty()
    expect(page.locator("#alerts-count")).to_contain_text("ouverte")
    expect(page.locator("#side-nav-alertes")).to_be_visible()
    full_page_shot(page, screenshots_dir / "alerts-desktop.png")
    page.set_viewport_size(PHONE)
    expect(item.get_by_test_id("alert-resolve")).to_be_visible()
    full_page_shot(page, screenshots_dir / "alerts-phone.png")
    page.set_viewport_size(DESKTOP)

    item.get_by_test_id("alert-resolve").click()
    expect(item).to_have_count(0, timeout=LOAD_TIMEOUT)
    expect(page.get_by_text(FR["alerts.resolved"])).to_be_visible()
    with engine.connect() as conn:
        resolved = conn.execute(select(a.c.resolved_at).where(a.c.id == alert_id)).scalar_one()
    assert resolved is not None


def test_outbox_lists_and_opens_a_mail(
    app, page: Page, login, tmp_path, monkeypatch, screenshots_dir
) -> None:
    sink = tmp_path / "mail-sink"
    monkeypatch.setenv("SRC_DASH_MAIL_SINK_DIR", str(sink))
    port = free_port()
    controller = start_sink(sink, "127.0.0.1", port)
    try:
        msg = EmailMessage()
        msg["From"] = "Relances <relances@exemple.fr>"
        msg["To"] = "compta@client.fr"
        msg["Cc"] = "gerant@client.fr"
        msg["Subject"] = SUBJECT
        msg.set_content("Bonjour,\nversion texte e2e.\n")
        msg.add_alternative(
            f"<html><body><h2>{HTML_MARK}</h2><p>Merci de régler la facture.</p>"
            "<script>document.title='pwned'</script></body></html>",
            subtype="html",
        )
        msg.add_attachment(
            b"%PDF-1.4 e2e", maintype="application", subtype="pdf", filename="FA0042.pdf"
        )
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(msg)
    finally:
        controller.stop()
    assert len(list(sink.glob("*.eml"))) == 1

    page.set_viewport_size(DESKTOP)
    login("admin", "/courriels")
    item = page.get_by_test_id("mail-item")
    expect(item).to_have_count(1, timeout=LOAD_TIMEOUT)
    expect(item.get_by_test_id("mail-subject")).to_have_text(SUBJECT)
    expect(item.get_by_test_id("mail-from")).to_contain_text("relances@exemple.fr")
    expect(item.get_by_test_id("mail-to")).to_have_text("compta@client.fr")
    expect(item.get_by_test_id("mail-cc")).to_have_text("gerant@client.fr")
    expect(item.get_by_test_id("mail-date")).not_to_be_empty()
    full_page_shot(page, screenshots_dir / "mailbox-desktop.png")

    item.get_by_test_id("mail-open").click()
    dialog = page.locator("#mail-dialog")
    expect(dialog).to_be_visible(timeout=LOAD_TIMEOUT)
    frame = page.locator("#mail-html")
    expect(frame).to_have_attribute("sandbox", "")
    expect(frame.content_frame.get_by_text(HTML_MARK)).to_be_visible()
    expect(page.locator("#mail-text")).to_contain_text("version texte e2e.")
    expect(dialog.get_by_test_id("mail-attachment")).to_have_text("FA0042.pdf")
    assert page.evaluate("document.title") != "pwned"
    page.screenshot(path=screenshots_dir / "mailbox-open-desktop.png")

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots_dir / "mailbox-open-phone.png")
    page.locator("#mail-close").click()
    expect(dialog).to_have_count(0)
    full_page_shot(page, screenshots_dir / "mailbox-phone.png")


def test_read_only_sees_alerts_but_no_outbox(app, page: Page, login, engine) -> None:
    with engine.begin() as conn:
        alert_id = raise_alert(conn, SMTP_UNREACHABLE, "smtp_unreachable:e2e", "SMTP e2e down")
    read_only = demo_viewer(engine, "direction")
    with pytest.raises(AccessDenied):
        resolve_alert(engine, read_only, alert_id)

    page.set_viewport_size(DESKTOP)
    login("read_only", "/alertes")
    item = page.locator(f'[data-testid="alert-item"][data-alert-id="{alert_id}"]')
    expect(item).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(item.get_by_test_id("alert-kind")).to_have_text(FR["alerts.kind.smtp_unreachable"])
    expect(page.get_by_test_id("alert-resolve")).to_have_count(0)

    page.goto(app.frontend_url.rstrip("/") + "/courriels")
    expect(page.locator("#mailbox-denied")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("mail-item")).to_have_count(0)
    expect(page.locator("#side-nav-courriels")).to_have_count(0)
    expect(page.locator("#side-nav-alertes")).to_be_visible()
