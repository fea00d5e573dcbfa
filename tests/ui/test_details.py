"""The planner's exclusion details and the alerts' texts in the viewer's language and formats:
amounts and days formatted for French and English, free text kept as typed, unknown texts shown
as they came."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from src_dash.dunning.alerts import AlertFacts
from src_dash.dunning.model import Exclusion
from src_dash.services.dun_now import NotDunnable
from src_dash.ui.components.item_actions import error_text
from src_dash.ui.details import alert_text, exclusion_detail
from src_dash.ui.i18n import Formats

D = Decimal
FR, EN = Formats("fr"), Formats("en")
ISO_CODE = Formats("en", currency_format="code", date_format="iso")
NB, NNB = "\u00a0", "\u202f"  # no-break space; narrow one (French thousands)


@pytest.mark.parametrize(
    ("reason", "detail", "params", "fr", "en"),
    [
        ("in_credit", "balance -1234.50", {"amount": D("-1234.50")},
         f"solde -1{NNB}234,50{NB}€", "balance -€1,234.50"),
        ("in_credit", "overdue covered by credits", {},
         "échu couvert par les avoirs", "overdue covered by credits"),
        ("too_soon", "last message on 2026-11-02", {"on": date(2026, 11, 2)},
         "dernier envoi le 02/11/2026", "last message on Nov 2, 2026"),
        ("below_customer_threshold", "minimum 50.00", {"amount": D("50.00")},
         f"minimum 50,00{NB}€", "minimum €50.00"),
        ("customer_stopped", "accord du gérant (until 2026-12-01)",
         {"note": "accord du gérant", "on": date(2026, 12, 1)},
         "accord du gérant (jusqu'au 01/12/2026)", "accord du gérant (until Dec 1, 2026)"),
        # A typed reason is kept as typed, even when it looks like the English words.
        ("item_stopped", "x (until 2026-01-05) (until 2027-01-31)",
         {"note": "x (until 2026-01-05)", "on": date(2027, 1, 31)},
         "x (until 2026-01-05) (jusqu'au 31/01/2027)",
         "x (until 2026-01-05) (until Jan 31, 2027)"),
        ("item_stopped", "procédure collective", {"note": "procédure collective"},
         "procédure collective", "procédure collective"),
        ("customer_stopped", " (until 2026-12-01)", {"on": date(2026, 12, 1)},
         "jusqu'au 01/12/2026", "until Dec 1, 2026"),
        ("no_step", "no step due yet", {},
         "aucune étape due pour l'instant", "no step due yet"),
        ("no_step", "the scenario has no step for level 3", {"level": 3},
         f"le scénario n'a pas d'étape au niveau «{NB}Relance 3{NB}»",
         "the scenario has no step at the level “Reminder 3”"),
        ("no_recipient", "Relance mail (email): no contact to write to",
         {"note": "Relance mail", "level": 1},
         f"Relance mail{NB}: aucun contact à qui écrire", "Relance mail: no contact to write to"),
        ("no_recipient", "relance (email): no contact to write to", {"level": 2},
         f"Relance 2{NB}: aucun contact à qui écrire", "Reminder 2: no contact to write to"),
        ("disputed", "", {}, "", ""),
        # Without its parameters (an older plan), the planner's English detail as it is.
        ("too_soon", "last message on 2026-11-02", {},
         "last message on 2026-11-02", "last message on 2026-11-02"),
    ],
)  # fmt: skip
def test_exclusion_details_in_french_and_english(reason, detail, params, fr, en) -> None:
    assert exclusion_detail(reason, detail, FR, **params) == fr
    assert exclusion_detail(reason, detail, EN, **params) == en


def test_exclusion_details_follow_the_viewers_currency_and_date_formats() -> None:
    assert (
        exclusion_detail("in_credit", "", ISO_CODE, amount=D("-12.50"), currency="USD")
        == f"balance -USD{NB}12.50"
    )
    assert exclusion_detail("too_soon", "", ISO_CODE, on=date(2026, 11, 2)) == (
        "last message on 2026-11-02"
    )
    chf = exclusion_detail("below_customer_threshold", "", FR, amount=D("1500"), currency="CHF")
    assert chf == f"minimum 1{NNB}500,00{NB}CHF"


@pytest.mark.parametrize(
    ("kind", "facts", "fr", "en"),
    [
        ("do_not_dun", AlertFacts("do_not_dun", count=1),
         f"Marqué «{NB}ne pas relancer{NB}», 1{NB}échéance échue",
         "Not to be dunned, 1 item overdue"),
        ("no_contact", AlertFacts("no_contact", count=1200),
         f"Aucune adresse e-mail pour relancer 1{NNB}200{NB}échéances échues",
         "No email address to dun 1,200 overdue items"),
        ("action_overdue", AlertFacts("action_overdue", on=date(2026, 11, 21), code="call"),
         f"Action «{NB}appel{NB}» prévue le 21/11/2026, non faite",
         "“call” action due on Nov 21, 2026, not done"),
        ("promise_broken", AlertFacts("promise_broken", on=date(2026, 11, 10),
                                      amount=D("1250.50")),
         f"Promesse de 1{NNB}250,50{NB}€ pour le 10/11/2026 non tenue",
         "Promise of €1,250.50 for Nov 10, 2026 not kept"),
        ("email_failed", AlertFacts("email_attempts", count=5, note="451 4.3.0 try later"),
         f"Courriel non envoyé après 5{NB}tentatives{NB}: 451 4.3.0 try later",
         "Email not sent after 5 attempts: 451 4.3.0 try later"),
        ("email_bounced", AlertFacts("some_refused", note="a@x.test: 550"),
         f"Destinataires refusés{NB}: a@x.test: 550", "Some recipients refused: a@x.test: 550"),
        ("smtp_unreachable", AlertFacts("smtp_unreachable", note="[Errno 111]"),
         f"Le serveur de messagerie est injoignable{NB}: [Errno 111]",
         "The mail server cannot be reached: [Errno 111]"),
        ("no_recipient", AlertFacts("no_recipient", note="Relance 2"),
         "Une relance par courriel est due mais personne ne peut la recevoir (Relance 2)",
         "An email step is due but nobody can receive it (Relance 2)"),
    ],
)  # fmt: skip
def test_alert_texts_in_french_and_english(kind, facts, fr, en) -> None:
    assert alert_text(kind, "stored text", facts, FR) == fr
    assert alert_text(kind, "stored text", facts, EN) == en


def test_an_alert_not_understood_shows_its_stored_text() -> None:
    assert alert_text("email_failed", "refused", None, FR) == "refused"
    odd = AlertFacts("some_form_of_a_later_version")
    assert alert_text("email_failed", "refused", odd, FR) == "refused"
    usd = AlertFacts("promise_broken", on=date(2026, 11, 10), amount=D("99"))
    assert alert_text("promise_broken", "x", usd, ISO_CODE, "USD") == (
        f"Promise of USD{NB}99.00 for 2026-11-10 not kept"
    )


def test_dun_now_refusal_says_the_planners_detail_in_the_viewers_words() -> None:
    stop = Exclusion(
        customer_id=1, customer_number="C1", customer_name="Dupont", reason="item_stopped",
        entry_id=9, detail="avoir à venir (until 2026-11-27)", note="avoir à venir",
        on=date(2026, 11, 27),
    )  # fmt: skip
    refused = NotDunnable("item_stopped", stop.detail, exclusion=stop)
    assert error_text(refused, "fr", FR) == (
        f"Les relances de cette échéance sont stoppées{NB}: avoir à venir (jusqu'au 27/11/2026)."
    )
    assert error_text(refused, "en", EN) == (
        "Dunning of this item is stopped: avoir à venir (until Nov 27, 2026)."
    )
    credit = Exclusion(
        customer_id=1, customer_number="C1", customer_name="Dupont", reason="in_credit",
        detail="balance -200.00", amount=D("-200.00"),
    )  # fmt: skip
    refused = NotDunnable("in_credit", credit.detail, exclusion=credit, currency="EUR")
    assert error_text(refused, "fr", FR) == (
        f"Le solde de ce client est créditeur{NB}: solde -200,00{NB}€."
    )
    # Without formats (or without the planner's exclusion), the reason alone.
    assert error_text(refused, "fr") == "Le solde de ce client est créditeur."
    assert error_text(NotDunnable("disputed"), "fr", FR) == (
        f"Cette échéance est en litige{NB}: elle n'est jamais relancée."
    )


def test_the_alerts_page_says_an_alert_in_the_viewers_language() -> None:
    from datetime import datetime

    from src_dash.dunning.alerts import AlertRow, alert_facts
    from src_dash.ui.pages.alerts import format_alerts

    def row(kind: str, text: str) -> AlertRow:
        return AlertRow(
            id=1, kind=kind, key=f"{kind}:c1", text=text, customer_id=1, customer_number="C1",
            customer_name="Dupont", message_id=None, action_id=None,
            created_at=datetime(2026, 11, 22, 8), resolved_at=None,
            facts=alert_facts(kind, text),
        )  # fmt: skip

    broken = row("promise_broken", "C1 Dupont: promise of 1500.00 for 2026-11-10 not kept")
    (view,) = format_alerts([broken], FR)
    assert view.text == f"Promesse de 1{NNB}500,00{NB}€ pour le 10/11/2026 non tenue"
    assert view.customer == "C1 Dupont"
    old = row("promise_broken", "promised 1500 on 10 Nov, not kept")
    assert format_alerts([old], FR)[0].text == "promised 1500 on 10 Nov, not kept"
