"""What a collector does with the customer's space from the card: revoke the links, send a new
one by email, answer a message the customer wrote there.

The emails go the app's own way: a message written to the outbox (`message`, status queued,
to the customer's dunning contacts by the rules of `dunning.recipients`) that the dispatcher
sends, kept forever on the card like every message; `send_now` runs one pass of the dispatcher
at once. An answer is that message (template "space_answer"): the customer's space lists it
among the messages sent to them, marked as the company's answer. With nobody to email, an answer
is kept for the space alone (channel "space", delivered there at once); a link is not sent.
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    NOTE,
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
    owned_row,
    require,
)
from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning.recipients import load_contacts, resolve
from src_dash.services.customer_space.links import issue_in, revoke_links
from src_dash.services.customer_space.staff import (
    ANSWER_KEY,
    ANSWER_TEMPLATE,
    LINK_TEMPLATE,
    SIGNATURE,
    link_status,
)
from src_dash.services.inputs import text_field
from src_dash.store import Comment, Company, Customer, Message, User
from src_dash.store.space import SpaceEvent
from src_dash.store.versions import bump_data_version

__all__ = ["NoRecipient", "answer_message", "revoke_links", "send_link", "send_now"]

MAX_ANSWER = 4000

MAIL_WORDS = {
    "fr": {
        "link.subject": "{company} : votre espace client",
        "link.body": (
            "Bonjour,\n\nVoici le lien personnel de votre espace client chez {company} : vous y "
            "trouverez vos factures ouvertes, votre relevé de compte, et pourrez nous écrire, "
            "annoncer un paiement ou signaler un problème.\n\n{url}\n\nCe lien est valable "
            "jusqu'au {until}. Ne le transmettez pas : il donne accès à votre compte."
        ),
        "answer.subject": "{company} : réponse à votre message",
        "answer.quote": "Votre message du {day} :",
        "answer.space": "Votre espace client : {url}",
        "sign": "{name}, {company}",
    },
    "en": {
        "link.subject": "{company}: your customer space",
        "link.body": (
            "Hello,\n\nHere is the personal link to your customer space at {company}: your open "
            "invoices, your statement of account, and a way to write to us, announce a payment "
            "or report a problem.\n\n{url}\n\nThis link is valid until {until}. Please do not "
            "pass it on: it opens your account."
        ),
        "answer.subject": "{company}: reply to your message",
        "answer.quote": "Your message of {day}:",
        "answer.space": "Your customer space: {url}",
        "sign": "{name}, {company}",
    },
}


class NoRecipient(ValueError):
    """None of the customer's dunning contacts (nor the customer) has an email address."""


@dataclass(frozen=True)
class Sent:
    """A message written to the outbox for the customer (or kept for their space alone)."""

    message_id: int
    to: tuple[str, ...]
    cc: tuple[str, ...]
    emailed: bool
    expires_at: datetime | None = None


def _recipients(conn: Connection, customer) -> tuple[list[dict], list[dict]]:  # noqa: ANN001
    """The customer's dunning To and Cc (the rules of a step naming no service)."""
    contacts = load_contacts(conn, [customer.id]).get(customer.id, [])
    to, cc = resolve(
        to_services=(),
        cc_services=(),
        cc_sales_rep=False,
        contacts=contacts,
        customer_email=customer.email or "",
        customer_name=customer.name or "",
    )

    def rows(found) -> list[dict]:  # noqa: ANN001
        return [
            {"email": r.email, "name": r.name, "source": r.source, "service": r.service}
            for r in found
        ]

    return rows(to), rows(cc)


def _language(customer) -> str:  # noqa: ANN001
    code = (customer.language or "fr").lower()[:2]
    return code if code in MAIL_WORDS else "fr"


def _said_day(day: date, language: str) -> str:
    """A day as the customer reads it in an email ("20 février 2027", "February 20, 2027")."""
    return format_date(day, format="long", locale="en_GB" if language == "en" else "fr_FR")


def _customer(conn: Connection, customer_id: int):  # noqa: ANN202
    c, co = Customer.__table__, Company.__table__
    return conn.execute(
        select(c, co.c.name.label("company_name"), co.c.code.label("company_code"))
        .select_from(c.join(co, co.c.id == c.c.company_id))
        .where(c.c.id == customer_id)
    ).one()


def _html(text: str) -> str:
    paragraphs = [html.escape(p).replace("\n", "<br>") for p in text.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _write(
    conn: Connection,
    customer,  # noqa: ANN001
    who: Viewer,
    *,
    subject: str,
    text: str,
    template: str,
    key: str,
    to: list[dict],
    cc: list[dict],
    now: datetime,
) -> int:
    """Write the message: queued for the dispatcher, or (nobody to email) kept for the space."""
    emailed = bool(to)
    return conn.execute(
        Message.__table__.insert().values(
            action_id=None,
            customer_id=customer.id,
            channel="email" if emailed else "space",
            language=_language(customer),
            subject=subject[:300],
            body_html=_html(text),
            body_text=text,
            recipients_to=to,
            recipients_cc=cc,
            pdf_path="",
            status="queued" if emailed else "sent",
            idempotency_key=key[:80],
            attempts=0,
            server_answer="",
            # The author (the dispatcher writes who pressed "send" as `sent_by`).
            approved_by=who.user_id,
            approved_at=now,
            created_at=now,
            sent_at=None if emailed else now,
            template_code=template,
            currency="EUR",
            claim="",
            smtp_message_id="",
        )
    ).inserted_primary_key[0]


def _emails(rows: list[dict]) -> tuple[str, ...]:
    return tuple(r["email"] for r in rows)


def send_link(engine: Engine, who: Viewer, customer_id: int) -> Sent:
    """Issue a new link to the customer's space and email it to their dunning contacts.

    Raises:
        AccessDenied: for a role that may not work, or a customer outside the viewer's scope.
        NoRecipient: when nobody has an email address (no link is issued then).
    """
    require(who, WORK)
    now = utcnow()
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        customer = _customer(conn, customer_id)
        to, cc = _recipients(conn, customer)
        if not to:
            raise NoRecipient("no contact of this customer has an email address")
        issued = issue_in(conn, customer_id, now, who.user_id)
        words = MAIL_WORDS[_language(customer)]
        company = customer.company_name or customer.company_code
        until = _said_day(issued.expires_at.date(), _language(customer))
        text = words["link.body"].format(company=company, url=issued.url, until=until)
        text += SIGNATURE + words["sign"].format(name=who.name, company=company)
        message_id = _write(
            conn,
            customer,
            who,
            subject=words["link.subject"].format(company=company),
            text=text,
            template=LINK_TEMPLATE,
            key=f"space-link:{issued.link_id}:{secrets.token_hex(8)}",
            to=to,
            cc=cc,
            now=now,
        )
        audit(
            conn,
            who,
            "space.send_link",
            "customer",
            customer_id,
            link_id=issued.link_id,
            message_id=message_id,
        )
        bump_data_version(conn, parties=False)
    return Sent(message_id, _emails(to), _emails(cc), True, issued.expires_at)


def _asked(conn: Connection, who: Viewer, comment_id: int):  # noqa: ANN202
    """The customer's message (a comment the space wrote) the viewer may answer.

    Raises:
        AccessDenied: "message not found", for another comment or a customer out of scope.
    """
    e = SpaceEvent.__table__
    row = owned_row(conn, who, Comment.__table__, int(comment_id), "message")
    from_space = conn.execute(
        select(e.c.id).where(
            e.c.kind == "message", e.c.ref_id == row.id, e.c.customer_id == row.customer_id
        )
    ).first()
    if from_space is None:
        raise AccessDenied("message not found")
    return row


def answer_message(engine: Engine, who: Viewer, comment_id: int, body: str) -> Sent:
    """Answer a message the customer wrote in their space: the answer shows in their space and
    goes by email to their dunning contacts (with a fresh link while they have a live one).

    Raises:
        AccessDenied: for a role that may not comment, or a message of a customer outside the
            viewer's scope, or a comment that is not a customer's message.
        InvalidInput: "body", for an empty or too long answer.
    """
    require(who, NOTE)
    body = text_field(body, "body", MAX_ANSWER, required=True)
    now = utcnow()
    with engine.begin() as conn:
        asked = _asked(conn, who, comment_id)
        customer = _customer(conn, asked.customer_id)
        to, cc = _recipients(conn, customer)
        words = MAIL_WORDS[_language(customer)]
        company = customer.company_name or customer.company_code
        author = conn.execute(
            select(User.__table__.c.name).where(User.__table__.c.id == who.user_id)
        ).scalar()
        text = body + SIGNATURE + words["sign"].format(name=author or who.name, company=company)
        quote = "\n".join(f"> {line}" for line in asked.body.splitlines())
        day = _said_day(asked.created_at.date(), _language(customer))
        text += "\n\n" + words["answer.quote"].format(day=day) + "\n" + quote
        if to and link_status(conn, customer.id, now).live:
            issued = issue_in(conn, customer.id, now, who.user_id)
            text += "\n\n" + words["answer.space"].format(url=issued.url)
        message_id = _write(
            conn,
            customer,
            who,
            subject=words["answer.subject"].format(company=company),
            text=text,
            template=ANSWER_TEMPLATE,
            key=f"{ANSWER_KEY}:{asked.id}:{secrets.token_hex(8)}",
            to=to,
            cc=cc,
            now=now,
        )
        audit(
            conn,
            who,
            "space.answer",
            "customer",
            customer.id,
            comment_id=asked.id,
            message_id=message_id,
            emailed=bool(to),
        )
        bump_data_version(conn, parties=False)
    return Sent(message_id, _emails(to), _emails(cc), bool(to))


def send_now(
    engine: Engine, who: Viewer, settings: Settings | None = None, tries: int = 5
) -> object:
    """One pass of the dispatcher for what the viewer just queued (and anything else due),
    tried again a few times while another pass holds the lock; what is left goes with the
    scheduler's next pass.

    Returns:
        The dispatcher's last `DispatchResult`.
    """
    from src_dash.dunning.dispatch import dispatch

    require(who, NOTE)
    done = None
    for attempt in range(max(1, tries)):
        done = dispatch(engine, settings, sent_by=who.user_id)
        if not (done.busy or done.store_error):
            break
        if attempt + 1 < tries:
            time.sleep(1.0)
    return done
