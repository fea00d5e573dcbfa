"""A company's messaging settings for the settings page: who dunning emails come from, where
replies go, the signature, the bank details and payment reference, and the send window.

Admins only. An empty text field means "from the company record" (see `dunning.messaging`); the
form shows what that default is beside each field. A save checks everything first (addresses,
IBAN, BIC, hours, days, time zone) and writes nothing when one field is wrong (`MessagingError`
names it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning.messaging import (
    PAYMENT_REFERENCES,
    company_messaging,
    ensure_reply_secrets,
    format_iban,
    iban_is_valid,
    resolve,
)
from src_dash.dunning.send_window import (
    DEFAULT_TZ,
    REGIONS,
    SendWindow,
    WindowError,
    leaves_label,
)
from src_dash.dunning.smtp import valid_address
from src_dash.services.inputs import InvalidInput
from src_dash.store import Company, CompanyMessaging

TEXT_FIELDS = (
    "sender_name", "sender_email", "reply_mailbox", "signature", "phone", "iban", "bic",
    "bank_name", "payment_reference", "send_start", "send_end", "timezone", "holidays_region",
)  # fmt: skip
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


class MessagingError(InvalidInput):
    """A messaging setting the admin got wrong; `field` names it. Nothing was changed."""


@dataclass(frozen=True)
class MessagingForm:
    """A company's messaging settings as stored, and what each empty field falls back on.

    Attributes:
        defaults: per text field, what an empty value means (the company record's value).
        sender: the From header as emails carry it now.
        reply_example: the Reply-To of a message (#123) as emails carry it now.
        next_opening: when an email planned now would leave ("" when it leaves at once).
    """

    company_id: int
    company_code: str
    company_name: str
    sender_name: str
    sender_email: str
    reply_mailbox: str
    signature: str
    phone: str
    iban: str
    bic: str
    bank_name: str
    payment_reference: str
    send_days: tuple[int, ...]
    send_start: str
    send_end: str
    timezone: str
    holidays_region: str
    defaults: dict[str, str]
    sender: str
    reply_example: str
    next_opening: str


def messaging_form(
    engine: Engine,
    viewer: Viewer,
    company_id: int,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    language: str = "fr",
) -> MessagingForm:
    """The messaging settings of a company, for its form.

    Raises:
        AccessDenied: for a non-admin.
        MessagingError: when there is no such company.
    """
    require(viewer, ADMIN)
    co, cm = Company.__table__, CompanyMessaging.__table__
    with engine.connect() as conn:
        company = conn.execute(select(co).where(co.c.id == company_id)).first()
        if company is None:
            raise MessagingError("company", f"no company {company_id}")
        row = conn.execute(select(cm).where(cm.c.company_id == company_id)).first()
        resolved = company_messaging(conn, company_id, settings)
    bare = resolve(company, None, settings)
    now = now or utcnow()
    window = resolved.window
    example = (
        resolved.reply_to(123) if resolved.reply_secret else f"{resolved.reply_mailbox} (+m123-…)"
    )

    def value(name: str, default: str = "") -> str:
        return str(getattr(row, name) or default) if row is not None else default

    return MessagingForm(
        company_id=company.id,
        company_code=company.code,
        company_name=company.name,
        sender_name=value("sender_name"),
        sender_email=value("sender_email"),
        reply_mailbox=value("reply_mailbox"),
        signature=value("signature"),
        phone=value("phone"),
        iban=format_iban(value("iban")),
        bic=value("bic"),
        bank_name=value("bank_name"),
        payment_reference=value("payment_reference", "invoice"),
        send_days=tuple(sorted(window.days)),
        send_start=window.start.strftime("%H:%M"),
        send_end=window.end.strftime("%H:%M"),
        timezone=window.timezone,
        holidays_region=window.region,
        defaults={
            "sender_name": bare.sender_name,
            "sender_email": bare.sender_email,
            "reply_mailbox": bare.reply_mailbox,
            "signature": bare.signature_in(language),
            "phone": bare.phone,
        },
        sender=resolved.sender,
        reply_example=example,
        next_opening=leaves_label(window.next_opening(now), now, window, language),
    )


def save_messaging(
    engine: Engine,
    viewer: Viewer,
    company_id: int,
    *,
    send_days: list[int] | tuple[int, ...] | None = None,
    settings: Settings | None = None,
    **fields: str,
) -> MessagingForm:
    """Check and save a company's messaging settings; return the form as saved.

    Args:
        engine: the store.
        viewer: an admin.
        company_id: the company.
        send_days: the weekdays emails leave on (0 = Monday); None keeps them.
        settings: the settings (SMTP_FROM, the default sender).
        **fields: any of `TEXT_FIELDS`; those not given are kept.

    Raises:
        AccessDenied: for a non-admin.
        MessagingError: naming the first wrong field; nothing is written.
    """
    require(viewer, ADMIN)
    unknown = sorted(set(fields) - set(TEXT_FIELDS))
    if unknown:
        raise MessagingError(unknown[0], "unknown field")
    co, cm = Company.__table__, CompanyMessaging.__table__
    with engine.begin() as conn:
        if conn.execute(select(co.c.id).where(co.c.id == company_id)).first() is None:
            raise MessagingError("company", f"no company {company_id}")
        ensure_reply_secrets(conn, [company_id])
        row = conn.execute(select(cm).where(cm.c.company_id == company_id)).one()
        values = {name: getattr(row, name) for name in TEXT_FIELDS}
        values |= {k: " ".join(str(v or "").split()) if k != "signature" else str(v or "").strip()
                   for k, v in fields.items()}  # fmt: skip
        values["iban"] = "".join(values["iban"].split()).upper()
        values["bic"] = values["bic"].replace(" ", "").upper()
        days = (
            list(row.send_days or []) if send_days is None else sorted({int(d) for d in send_days})
        )
        _check(values, days)
        conn.execute(
            update(cm)
            .where(cm.c.company_id == company_id)
            .values(**values, send_days=days, updated_by=viewer.user_id, updated_at=utcnow())
        )
        audit(conn, viewer, "company.messaging", "company", company_id, **fields)
    return messaging_form(engine, viewer, company_id, settings=settings)


def _check(values: dict[str, str], days: list[int]) -> None:
    for name in ("sender_email", "reply_mailbox"):
        if values[name] and not valid_address(values[name]):
            raise MessagingError(name, f"adresse email invalide : {values[name]!r}")
    if values["reply_mailbox"] and "+" in values["reply_mailbox"].split("@")[0]:
        raise MessagingError(
            "reply_mailbox", "sans « + » : l'application y ajoute le jeton de chaque message"
        )
    if values["iban"] and not iban_is_valid(values["iban"]):
        raise MessagingError("iban", f"IBAN invalide (clé de contrôle) : {values['iban']!r}")
    if values["bic"] and not _BIC.match(values["bic"]):
        raise MessagingError("bic", f"BIC invalide (8 ou 11 caractères) : {values['bic']!r}")
    if values["payment_reference"] not in PAYMENT_REFERENCES:
        raise MessagingError(
            "payment_reference", f"règle inconnue : {values['payment_reference']!r}"
        )
    if values["holidays_region"] not in REGIONS:
        raise MessagingError("holidays_region", f"région inconnue : {values['holidays_region']!r}")
    try:
        SendWindow.of(
            days,
            values["send_start"],
            values["send_end"],
            values["timezone"] or DEFAULT_TZ,
            values["holidays_region"],
        )
    except WindowError as exc:
        field = (
            "send_days"
            if "jour" in str(exc)
            else "timezone"
            if "fuseau" in str(exc)
            else ("send_start")
        )
        raise MessagingError(field, str(exc)) from None


def company_choices(engine: Engine, viewer: Viewer) -> list[tuple[int, str]]:
    """The companies an admin can set up: (id, "CODE - name"), by code."""
    require(viewer, ADMIN)
    co = Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(co.c.id, co.c.code, co.c.name).order_by(co.c.code)).all()
    return [(r.id, f"{r.code} - {r.name}" if r.name else r.code) for r in rows]


__all__ = [
    "MessagingError",
    "MessagingForm",
    "company_choices",
    "messaging_form",
    "save_messaging",
]
