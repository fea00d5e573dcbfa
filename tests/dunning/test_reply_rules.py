"""The rules that read a customer's reply: promises with their date and amount, "déjà payé" with
its reference, disputes with their reason, in French and English; nothing from a "no", nothing
from the quoted history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from src_dash.dunning.reply_rules import (
    DISPUTE,
    PAID,
    PROMISE,
    Suggestion,
    find_amounts,
    find_dates,
    fold,
    parse_amount,
    strip_quoted,
    suggest,
)

TODAY = date(2026, 11, 22)  # a Sunday
D = Decimal


def only(text: str, today: date = TODAY) -> Suggestion:
    found = suggest(text, today)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "on", "amount"),
    [
        ("Bonjour, nous réglerons le 15/01. Cordialement", date(2027, 1, 15), None),
        ("Paiement prévu le 15 janvier.", date(2027, 1, 15), None),
        ("Paiement prévu le 15 janvier pour 1 250,00 €.", date(2027, 1, 15), D("1250.00")),
        ("We will pay on 15 January.", date(2027, 1, 15), None),
        ("We will pay on January 15th, 2027 the amount of €1,250.00", date(2027, 1, 15),
         D("1250.00")),
        ("Nous allons régler 980,50 EUR le 30/11/2026.", date(2026, 11, 30), D("980.50")),
        ("Le virement de 1.250,00 € sera effectué le 02/12.", date(2026, 12, 2), D("1250.00")),
        ("Règlement programmé au 5 décembre.", date(2026, 12, 5), None),
        ("Je vous règlerai la somme de 400 euros le 1er décembre.", date(2026, 12, 1),
         D("400.00")),
        ("Nous ne pourrons régler que le 20/12.", date(2026, 12, 20), None),
        ("Votre facture sera réglée fin du mois.", date(2026, 11, 30), None),
        ("Le solde sera payé fin du mois prochain.", date(2026, 12, 31), None),
        ("Nous procéderons au virement sous 10 jours.", date(2026, 12, 2), None),
        ("Payment is scheduled for 01/15/2027.", date(2027, 1, 15), None),
        ("We'll make the payment next week, 2,400.00 EUR.", date(2026, 11, 23), D("2400.00")),
        ("The invoice will be paid on 2026-12-10.", date(2026, 12, 10), None),
        ("Nous réglerons demain.", date(2026, 11, 23), None),
        ("Nous payerons vendredi 1 500 €.", date(2026, 11, 27), D("1500.00")),
    ],
)  # fmt: skip
def test_a_promise_has_its_date_inferred_forward_and_its_amount(text, on, amount):
    s = only(text)
    assert (s.kind, s.on, s.amount) == (PROMISE, on, amount)
    assert s.quote in text or s.quote == " ".join(text.split())


def test_a_day_already_past_this_year_is_next_years():
    assert only("nous réglerons le 15/11").on == date(2027, 11, 15)
    assert only("nous réglerons le 22/11").on == TODAY
    # On another day, the same words give another year.
    assert only("nous réglerons le 15/01", date(2027, 1, 10)).on == date(2027, 1, 15)


@pytest.mark.parametrize(
    "text",
    [
        "Nous ne réglerons pas cette facture.",
        "Nous ne réglerons pas avant le 15/01.",
        "Nous ne pourrons pas payer le 15/01.",
        "Nous n'allons pas régler le 15/01.",
        "Il nous est impossible de régler le 15/01.",
        "We will not pay on 15 January.",
        "We won't pay before 15/01.",
        "We cannot pay on 15 January.",
        "We are unable to pay on 15/01.",
        "Nous refusons de payer le 15/01.",
        "Nous réglerons dès réception de la marchandise.",  # no day: no promise
        "Votre relance du 15/01 est bien arrivée.",  # a day, but nothing promised
    ],
)
def test_no_promise_from_a_no_or_without_a_day(text):
    assert [s for s in suggest(text, TODAY) if s.kind == PROMISE] == []


def test_a_no_in_one_clause_does_not_hide_a_promise_in_the_next():
    s = only("Nous n'avons pas encore payé, mais nous réglerons le 30/11.")
    assert (s.kind, s.on) == (PROMISE, date(2026, 11, 30))
    s = only("Il n'y a aucun litige, nous réglerons sous 10 jours.")
    assert (s.kind, s.on) == (PROMISE, date(2026, 12, 2))


@pytest.mark.parametrize(
    ("text", "on", "reference", "amount"),
    [
        ("La facture a déjà été payée, virement effectué le 10/11 réf VIR-2026-1187.",
         date(2026, 11, 10), "VIR-2026-1187", None),
        ("Virement effectué le 20/11.", date(2026, 11, 20), "", None),
        ("Déjà réglé par chèque n° 1234567 le 18 novembre.", date(2026, 11, 18), "1234567",
         None),
        ("Chèque n° 7654321 envoyé le 18/11.", date(2026, 11, 18), "7654321", None),
        ("Nous avons réglé 1 250,00 € le 12/11, référence FAC2026-77.", date(2026, 11, 12),
         "FAC2026-77", D("1250.00")),
        ("Already paid on 2 November, transfer reference TRX884512.", date(2026, 11, 2),
         "TRX884512", None),
        ("This invoice has been paid.", None, "", None),
        ("We paid it on 11/05, ref: PAY-5521.", date(2026, 5, 11), "PAY-5521", None),
        ("Payment was made on 20 November.", date(2026, 11, 20), "", None),
        ("Le paiement a été effectué le 15/12.", date(2025, 12, 15), "", None),  # a past day
    ],
)  # fmt: skip
def test_already_paid_with_its_reference_and_a_day_inferred_backward(text, on, reference, amount):
    s = only(text)
    assert (s.kind, s.on, s.reference, s.amount) == (PAID, on, reference, amount)


@pytest.mark.parametrize(
    "text",
    [
        "Nous n'avons pas encore payé.",
        "Nous n'avons pas réglé cette facture.",
        "We have not paid yet.",
        "The invoice hasn't been paid.",
    ],
)
def test_no_payment_from_a_no(text):
    assert [s for s in suggest(text, TODAY) if s.kind == PAID] == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Cette facture est en litige.", "contested"),
        ("Facture contestée.", "contested"),
        ("Nous contestons cette facture.", "contested"),
        ("Nous n'avons pas reçu la marchandise.", "not_received"),
        ("Marchandise non reçue à ce jour.", "not_received"),
        ("La commande n'a jamais été livrée.", "not_received"),
        ("Livraison incomplète : il manque 3 cartons.", "not_received"),
        ("Nous n'avons jamais reçu la facture.", "invoice_missing"),
        ("Les pièces sont arrivées abîmées.", "quality"),
        ("Matériel non conforme à la commande.", "quality"),
        ("Il y a une erreur de prix sur la ligne 2.", "price"),
        ("Facture erronée.", "price"),
        ("Vous nous avez facturé deux fois.", "duplicate"),
        ("Nous attendons un avoir.", "credit_note"),
        ("We dispute this invoice.", "contested"),
        ("We never received the goods.", "not_received"),
        ("We did not receive the delivery.", "not_received"),
        ("The goods arrived damaged.", "quality"),
        ("Wrong price on the invoice.", "price"),
        ("We were billed twice.", "duplicate"),
        ("We are waiting for a credit note.", "credit_note"),
        ("We have not received the invoice.", "invoice_missing"),
    ],
)
def test_a_dispute_has_its_reason(text, reason):
    s = only(text)
    assert (s.kind, s.reason, s.quote) == (DISPUTE, reason, text)


def test_no_dispute_when_the_customer_says_there_is_none():
    assert suggest("Il n'y a aucun litige sur ce dossier.", TODAY) == []
    assert suggest("No dispute on our side.", TODAY) == []


def test_the_quoted_history_suggests_nothing():
    text = (
        "Bonjour,\n\nnous réglerons le 15/01.\n\nCordialement,\nM. Durand\n\n"
        "Le 20 nov. 2026 à 10:00, Relances <relances+m12-1a2b3c4d@x.fr> a écrit :\n"
        "> Sauf erreur de notre part, la facture FA0001 (1 250,00 €) reste impayée.\n"
        "> En cas de litige, contactez-nous.\n"
    )
    found = suggest(text, TODAY)
    assert [(s.kind, s.on) for s in found] == [(PROMISE, date(2027, 1, 15))]
    assert found[0].quote == "nous réglerons le 15/01."
    outlook = (
        "Litige : marchandise non conforme.\n\n"
        "-----Message d'origine-----\n"
        "De : relances@x.fr\nEnvoyé : vendredi 20 novembre 2026 10:00\n"
        "Objet : Relance\n\nNous réglerons le 01/12 si vous le souhaitez.\n"
    )
    assert [(s.kind, s.reason) for s in suggest(outlook, TODAY)] == [(DISPUTE, "quality")]
    header_block = (
        "Already paid.\n\nFrom: relances@x.fr\nSent: Friday\nTo: a@b.c\n\nWe will pay on 1/12."
    )
    assert [s.kind for s in suggest(header_block, TODAY)] == [PAID]
    # A "De : ..." line that opens no header block is the customer's text.
    assert "De : notre côté" in strip_quoted("De : notre côté, rien.\nMerci")


def test_a_reply_with_a_promise_and_a_dispute_gives_both_in_order():
    text = (
        "Nous contestons la facture FA0002 (erreur de prix). "
        "Pour la facture FA0001, nous réglerons 500,00 € le 10/12."
    )
    found = suggest(text, TODAY)
    assert [(s.kind, s.reason, s.on, s.amount) for s in found] == [
        (DISPUTE, "price", None, None),
        (PROMISE, "", date(2026, 12, 10), D("500.00")),
    ]
    assert found[1].quote == "Pour la facture FA0001, nous réglerons 500,00 € le 10/12."


def test_the_same_promise_twice_is_suggested_once():
    found = suggest("Nous réglerons le 15/01.\n\nNous réglerons le 15/01.", TODAY)
    assert len(found) == 1


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 250,00", D("1250.00")),
        ("1\u202f250,00", D("1250.00")),
        ("1.250,00", D("1250.00")),
        ("1,250.00", D("1250.00")),
        ("1250", D("1250.00")),
        ("99,5", D("99.50")),
        ("1.250.000,10", D("1250000.10")),
        ("12,345", D("12345.00")),
    ],
)
def test_amounts_are_read_in_both_notations(text, value):
    assert parse_amount(text) == value


def test_amounts_need_a_currency_and_dates_are_not_amounts():
    assert find_amounts(fold("facture FA0001 du 15/01, 3 cartons")) == []
    assert [v for _, v in find_amounts(fold("soit 1 250,00 € et EUR 30"))] == [
        D("1250.00"),
        D("30.00"),
    ]
    # An amount with a dot is not a day; a day is not an amount.
    assert find_dates(fold("10.05 € le 12.05"), TODAY) == [(11, date(2027, 5, 12))]


def test_an_impossible_day_is_no_day():
    assert find_dates("le 31/02", TODAY) == []
    assert suggest("Nous réglerons le 31/02.", TODAY) == []


def test_suggestions_survive_their_json_form():
    for s in suggest("Paiement prévu le 15 janvier pour 1 250,00 €. Facture contestée.", TODAY):
        assert Suggestion.from_dict(s.as_dict()) == s
