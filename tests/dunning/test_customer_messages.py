"""Customer-ready emails (issue 12, part 2), sent through a real SMTP server (aiosmtpd): From and
Reply-To from the company's messaging settings, a Reply-To token that names the message, a
Message-ID kept for the replies, a greeting and a closing that agree, a text part without
repetition, the bank details, the statement of account attached as a PDF with the app's totals,
and the template in the customer's (or the contact's) language."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import TODAY, days
from sqlalchemy import select, update

from src_dash.access import Viewer
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.reply_address import parse_reply_token
from src_dash.dunning.runs import create_run
from src_dash.dunning.templates import render
from src_dash.services.customer_card import customer_card
from src_dash.services.messaging_settings import MessagingError, messaging_form, save_messaging
from src_dash.store import CompanyMessaging, Entry, Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ADMIN = Viewer(user_id=None, login="admin", name="Admin", role="admin")  # type: ignore[arg-type]


pytestmark = pytest.mark.usefixtures("data_dir")


def _company_settings(world) -> None:
    save_messaging(
        world.engine,
        ADMIN,
        world.company_id,
        sender_name="Hand SA – Recouvrement",
        sender_email="recouvrement@hand.test",
        reply_mailbox="relances@hand.test",
        signature="Claire Recouvre\nService comptabilité clients",
        phone="04 11 22 33 44",
        iban="fr76 3000 6000 0112 3456 7890 189",
        bic="agrifrpp",
        bank_name="Crédit Agricole",
        payment_reference="invoice",
    )


def _fournier(world, civility: str = "Mme", **contact: str) -> tuple[int, list[int]]:
    """A customer with an overdue invoice whose piece is its reference, one not yet due and a
    credit note; its accountant Claire FOURNIER (as Sage writes her)."""
    cid = world.customer("FOURNIER", name="Fournier SARL")
    world.contact(
        cid, "c.fournier@fournier.test", "Comptabilité", civility=civility, first_name="Claire",
        last_name="FOURNIER", **contact,
    )  # fmt: skip
    ids = [
        world.item(cid, "1200.00", days(-20), piece="F0002401"),
        world.item(cid, "300.00", days(10), piece="F0002402"),
        world.item(cid, "-100.00", days(-5), piece="AV000012"),
    ]
    e = Entry.__table__
    with world.engine.begin() as conn:
        conn.execute(update(e).where(e.c.id.in_(ids)).values(reference=e.c.piece))
    return cid, ids


def _email_proposal(world, cid: int):  # noqa: ANN202
    found = [p for p in world.plan().proposals if p.customer_id == cid and p.channel == "email"]
    assert found, "the planner proposes an email to the customer"
    return found[0]


def _pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "\n".join(" ".join(line.split()) for line in out.splitlines())


def _attachment(msg: EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    return part.get_filename(), part.get_content()


def test_an_email_comes_from_the_company_with_a_reply_token_and_its_statement(
    world, server, tmp_path
):
    _company_settings(world)
    cid, _ = _fournier(world)
    create_run(world.engine, [_email_proposal(world, cid)])
    result = dispatch(world.engine, server.settings(), now=NOW)
    assert result.sent == 1
    (got,) = server.received
    msg = got.message

    # From: the company's sender; the envelope stays SMTP_FROM (the relay is set up for it).
    (sender,) = msg["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Hand SA – Recouvrement",
        "recouvrement@hand.test",
    )
    assert got.mail_from == "relances@atelier-dumas.fr"
    m, cm = Message.__table__, CompanyMessaging.__table__
    with world.engine.connect() as conn:
        row = conn.execute(select(m)).one()
        secret = conn.execute(select(cm.c.reply_secret)).scalar_one()
    # Reply-To: the collection mailbox, tagged with a token that names this message only.
    reply = msg["Reply-To"].addresses[0].addr_spec
    assert reply.startswith("relances+m") and reply.endswith("@hand.test")
    assert parse_reply_token(reply, secret) == row.id
    assert parse_reply_token(reply, "another secret") is None
    # Message-ID: kept with the message, so a reply's In-Reply-To finds it.
    assert msg["Message-ID"] == row.smtp_message_id
    assert row.smtp_message_id.startswith("<") and row.smtp_message_id.endswith(">")

    text = got.body("plain").replace("\r\n", "\n")
    assert text.startswith("Madame Fournier,\n")
    assert "Veuillez agréer, Madame, l'expression de nos salutations distinguées." in text
    assert "Madame, Monsieur" not in text and "Mme FOURNIER" not in text
    assert "F0002401" in text and "F0002401 (F0002401)" not in text
    assert "IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP" in text
    assert "en indiquant la référence F0002401" in text
    assert "Claire Recouvre\nService comptabilité clients\nTél. 04 11 22 33 44 – " in text
    html = got.body("html")
    assert "Claire Recouvre<br>" in html and "Madame Fournier," in html

    # The statement of account: every open item (the one not yet due and the credit too), with
    # the customer card's totals.
    name, data = _attachment(msg)
    assert name == "releve-de-compte-FOURNIER-2026-11-22.pdf"
    assert row.pdf_path.endswith(name) and Path(row.pdf_path).read_bytes() == data
    pdf = tmp_path / name
    pdf.write_bytes(data)
    statement = _pdf_text(pdf)
    card = customer_card(world.engine, ADMIN, cid, TODAY)
    assert card.balance.outstanding == 1400 and card.balance.overdue == 1200
    assert "Relevé de compte" in statement and "FOURNIER - Fournier SARL" in statement
    for piece in ("F0002401", "F0002402", "AV000012"):
        assert piece in statement
    lines = statement.splitlines()
    assert "Échu 1 200,00 €" in lines
    assert "À échoir 300,00 €" in lines
    assert "Avoirs et règlements non affectés -100,00 €" in lines
    assert "Solde dû 1 400,00 €" in lines
    assert any(line.startswith("Règlement par virement : IBAN FR76") for line in lines)


def test_without_a_civility_both_greeting_and_closing_say_madame_monsieur(world):
    cid, _ = _fournier(world, civility="")
    out = render(world.engine, _email_proposal(world, cid))
    assert out.text.startswith("Madame, Monsieur,\n")
    assert "Veuillez agréer, Madame, Monsieur, l'expression" in out.text
    # No bank details set: no payment sentence; the sender block falls back on the company.
    assert "IBAN" not in out.text
    assert "Le service comptabilité clients\nHand SA\nTél. 04 00 00 00 00 – " in out.text


def test_a_man_is_greeted_and_closed_on_as_monsieur(world):
    cid, _ = _fournier(world, civility="M.")
    out = render(world.engine, _email_proposal(world, cid))
    assert out.text.startswith("Monsieur Fournier,\n")
    assert "Veuillez agréer, Monsieur, l'expression" in out.text


def test_the_template_is_in_the_customers_or_the_contacts_language_else_french(world):
    english, _ = _fournier(world)
    world.set_customer(english, language="en")
    out = render(world.engine, _email_proposal(world, english))
    assert (out.language, out.text.split("\n")[0]) == ("en", "Dear Ms Fournier,")
    assert "Yours sincerely," in out.text

    # A French customer whose contact reads English: English.
    other = world.customer("TAYLOR", name="Taylor Ltd")
    world.contact(other, "j.taylor@taylor.test", "Comptabilité", civility="Mr",
                  last_name="Taylor", language="en")  # fmt: skip
    world.item(other, "500.00", days(-20), piece="F0009001")
    out = render(world.engine, _email_proposal(world, other))
    assert (out.language, out.text.split("\n")[0]) == ("en", "Dear Mr Taylor,")

    # A language without templates (German): French, and the message says so.
    german = world.customer("MUELLER", name="Müller GmbH", language="de")
    world.contact(german, "k.mueller@mueller.test", "Comptabilité", civility="M.",
                  last_name="Müller")  # fmt: skip
    world.item(german, "800.00", days(-20), piece="F0009002")
    out = render(world.engine, _email_proposal(world, german))
    assert (out.language, out.text.split("\n")[0]) == ("fr", "Monsieur Müller,")
    assert "échéance du 02/11/2026" in out.text  # French dates too


def test_the_settings_refuse_a_wrong_iban_bic_or_address_and_keep_what_was_saved(world):
    _company_settings(world)
    for field, value in (
        ("iban", "FR76 3000 6000 0112 3456 7890 188"),
        ("bic", "AGRI"),
        ("sender_email", "not an address"),
        ("reply_mailbox", "relances+x@hand.test"),
        ("payment_reference", "order"),
        ("send_start", "25:00"),
    ):
        with pytest.raises(MessagingError) as err:
            save_messaging(world.engine, ADMIN, world.company_id, **{field: value})
        assert err.value.field == field
    with pytest.raises(MessagingError) as err:
        save_messaging(world.engine, ADMIN, world.company_id, send_days=[])
    assert err.value.field == "send_days"
    form = messaging_form(world.engine, ADMIN, world.company_id, now=NOW)
    assert form.iban == "FR76 3000 6000 0112 3456 7890 189" and form.bic == "AGRIFRPP"
    assert form.sender == "Hand SA – Recouvrement <recouvrement@hand.test>"
    assert parse_reply_token(form.reply_example) == 123
    assert form.next_opening == "partira demain 08:30"  # a Sunday
    assert form.defaults["sender_name"] == "Hand SA"
