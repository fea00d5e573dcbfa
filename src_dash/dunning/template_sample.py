"""A sample context where every variable has a value, to check and preview templates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.dunning.messaging import payment_variables, sender_variables
from src_dash.dunning.model import PlannedItem

_AS_OF = date(2026, 11, 22)
_COMPANY = {
    "name": "Atelier Dumas SAS",
    "code": "DEMO1",
    "address": "12 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "country": "France",
    "email": "compta@atelier-dumas.fr",
    "phone": "04 78 00 00 00",
    "siret": "12345678900012",
    "currency": "EUR",
    "logo_path": "",
    "logo_url": "",
}
_CUSTOMER = {
    "number": "CDUPONT",
    "name": "Boulangerie Dupont SARL",
    "address": "3 place Bellecour",
    "address2": "",
    "postal_code": "69002",
    "city": "Lyon",
    "country": "France",
    "email": "contact@dupont.fr",
    "phone": "04 78 11 22 33",
    "siret": "98765432100021",
    "vat_number": "FR12987654321",
    "language": "fr",
    "profile": "PME",
    "currency": "",
    "free_fields": {"Segment": "PME", "Fidélité": "Or"},
}
_CONTACT = {
    "civility": "Madame",
    "first_name": "Claire",
    "last_name": "Martin",
    "name": "Claire Martin",
    "function": "Comptable",
    "email": "claire.martin@dupont.fr",
}
_SALES_REP = {
    "name": "Paul Girard",
    "email": "p.girard@atelier-dumas.fr",
    "phone": "06 00 00 00 00",
}
_SENDER = {
    "name": "Atelier Dumas – Recouvrement",
    "email": "relances@atelier-dumas.fr",
    "reply_to": "relances@atelier-dumas.fr",
    "phone": "04 78 00 00 01",
    "signature": "Claire Recouvre\nService comptabilité clients\nAtelier Dumas SAS",
}
_PAYMENT = {
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "bank": "Crédit Agricole",
    "reference": "F2026-0001, F2026-0002",
    "rule": "invoice",
}


def _item(n: int, level: int, days: int, amount: str, currency: str = "") -> PlannedItem:
    """A sample invoice `days` late (negative: not yet due) on the sample day."""
    due = date.fromordinal(_AS_OF.toordinal() - days)
    value = Decimal(amount)
    return PlannedItem(
        entry_id=n,
        piece=f"FA{n:05d}",
        reference=f"F2026-{n:04d}",
        journal="VTE",
        posting_date=date.fromordinal(due.toordinal() - 30),
        due_date=due,
        days_late=days,
        amount=value,
        residual=value,
        currency=currency,
        residual_currency=value * Decimal("1.10") if currency else None,
        level=level,
        previous_level=max(0, level - 1),
    )


def _items(minimal: bool, not_due: bool) -> tuple[PlannedItem, ...]:
    if not_due:
        return (_item(1, 0, -10, "1200.00"),)
    if minimal:
        return (_item(1, 2, 20, "1200.00"),)
    return (_item(1, 2, 20, "1200.00"), _item(2, 3, 35, "480.50", "USD"))


def _credits(minimal: bool) -> tuple[PlannedItem, ...]:
    return () if minimal else (
        PlannedItem(
            entry_id=3, piece="AV00012", reference="AV-12", journal="VTE",
            posting_date=date(2026, 10, 5), due_date=date(2026, 10, 5), days_late=48,
            amount=Decimal("-150.00"), residual=Decimal("-150.00"), currency="",
            residual_currency=None, level=0, previous_level=0, kind="credit_note",
        ),
    )  # fmt: skip


def sample_context(language: str = "fr", *, minimal: bool = False, not_due: bool = False) -> dict:
    """A context where every variable has a value, to check and preview templates.

    Args:
        language: fr or en.
        minimal: one item, no credit, no contact, no sales rep, penalties off (the other
            side of the usual branches).
        not_due: one item not yet due (a prévenance), penalties on but not applying.
    """
    from src_dash.dunning.template_context import _contact, _sales_rep, build_context  # noqa: PLC0415
    from src_dash.dunning.template_sandbox import LOCALES  # noqa: PLC0415

    items = _items(minimal, not_due)
    customer = {**_CUSTOMER, "language": language, "free_fields": dict(_CUSTOMER["free_fields"])}
    return build_context(
        as_of=_AS_OF,
        language=language if language in LOCALES else "fr",
        phase="prevenance" if not_due else "relance",
        level=max(i.level for i in items),
        channel="email",
        step_name="Prévenance" if not_due else "Relance 3",
        scenario="PME",
        company=dict(_COMPANY),
        customer=customer,
        contact=_contact(None) if minimal else dict(_CONTACT),
        sales_rep=_sales_rep(None) if minimal else dict(_SALES_REP),
        items=items,
        credits=_credits(minimal),
        penalties_on=not minimal,
        ecb=Decimal("2.15"),
        sender=sender_variables(None, language) if minimal else dict(_SENDER),
        payment=payment_variables(None, customer["number"], items) if minimal else dict(_PAYMENT),
    )
