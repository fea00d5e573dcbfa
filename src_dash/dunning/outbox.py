"""The outbox: every message is written before it is sent, and its status says where it is.

States of `Message.status`:

- ``held``: waits for a user's approval (`runs.approve` makes it ``queued``, `runs.cancel`
  makes it ``cancelled``).
- ``queued``: waits for the dispatcher, not before `next_attempt_at` when it is set.
- ``sending``: claimed by the dispatcher (`attempts.claim`, with a lease); the SMTP transaction
  may have started but the end of data (the final ``.``) has not been written to the server.
- ``handover``: committed just before the final ``.`` is written; the server may take it.
- ``sent``: the server answered 250 (its answer is kept in `server_answer`).
- ``uncertain``: the dispatcher was lost in the handover and the server cannot be asked whether it
  took the message. It is never sent again by itself; an alert asks a user to check the mail
  server's log and to resend it by hand if needed.
- ``failed``: refused for good (a 5xx answer), with an alert. Transient failures never fail.
- ``bounced``: every recipient refused (alert).
- ``cancelled``: a held message a user rejected.

Claims, leases, attempts, retries and what survives a crash of the dispatcher are in
`src_dash.dunning.attempts`.

All functions here take a connection and run in the caller's transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning.alerts import (
    EMAIL_UNCERTAIN,
    message_alert,
)
from src_dash.dunning.messaging import companies_messaging, ensure_reply_secrets
from src_dash.dunning.send_window import company_of_messages
from src_dash.dunning.space_link import put_link
from src_dash.store import Message
from src_dash.store.space_links import has_example

log = logging.getLogger(__name__)

HELD, QUEUED, SENDING, HANDOVER = "held", "queued", "sending", "handover"
SENT, UNCERTAIN, FAILED, BOUNCED, CANCELLED = "sent", "uncertain", "failed", "bounced", "cancelled"
STATUSES = (HELD, QUEUED, SENDING, HANDOVER, SENT, UNCERTAIN, FAILED, BOUNCED, CANCELLED)
# Statuses after which the dispatcher never touches a message again.
FINAL = (SENT, UNCERTAIN, FAILED, BOUNCED, CANCELLED)


@dataclass(frozen=True)
class OutgoingMessage:
    """A claimed message, with everything needed to send it."""

    id: int
    customer_id: int
    action_id: int | None
    subject: str
    body_html: str
    body_text: str
    recipients_to: tuple[tuple[str, str], ...]  # (email, name)
    recipients_cc: tuple[tuple[str, str], ...]
    idempotency_key: str
    attempts: int  # counting the one being made
    pdf_path: str
    sender: str = ""  # From: the company's sender ("" : SMTP_FROM); see `addressed`
    reply_to: str = ""  # Reply-To: the collection mailbox tagged with this message's token


def backoff(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: base x 2^(attempts-1)."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def _pairs(recipients: list) -> tuple[tuple[str, str], ...]:
    out = []
    for r in recipients or []:
        if isinstance(r, dict):
            if r.get("email"):
                out.append((str(r["email"]), str(r.get("name") or "")))
        elif r:
            out.append((str(r), ""))
    return tuple(out)


def addressed(
    conn: Connection,
    messages: list[OutgoingMessage],
    now: datetime | None = None,
    settings: Settings | None = None,
) -> list[OutgoingMessage]:
    """The claimed messages with their From, Reply-To and statement of account.

    From and Reply-To come from their company's messaging settings (`dunning.messaging`); a
    message without a PDF yet gets the statement of account of its customer as of `now`'s day
    (`letters.write_statement`), kept as its `pdf_path`, so a retry sends the same one; the
    example link of the customer's space in its bodies becomes a link issued now
    (`space_link.put_link`: a new token each attempt, never stored in the message). Makes the
    reply secret of a company that has none yet: call it in a write transaction (the dispatcher
    does, with the claim).
    """
    if not messages:
        return messages
    from src_dash.dunning.letters import write_statement

    companies = company_of_messages(conn, [x.id for x in messages])
    ensure_reply_secrets(conn, companies.values())
    found = companies_messaging(conn, companies.values(), settings)
    m = Message.__table__
    bare = [x.id for x in messages if not x.pdf_path]
    languages = dict(
        conn.execute(select(m.c.id, m.c.language).where(m.c.id.in_(bare))).all() if bare else ()
    )
    day = (now or utcnow()).date()
    out = []
    for message in messages:
        company = found.get(companies.get(message.id, -1))
        if company is not None:
            message = replace(message, sender=company.sender, reply_to=company.reply_to(message.id))
        if has_example(message.body_html, message.body_text):
            _, (html, text) = put_link(
                conn, message.customer_id, message.id, now or utcnow(),
                message.body_html, message.body_text,
            )  # fmt: skip
            message = replace(message, body_html=html, body_text=text)
        if not message.pdf_path:
            try:
                path = str(
                    write_statement(
                        conn.engine,
                        message.id,
                        message.customer_id,
                        day,
                        languages.get(message.id) or "fr",
                        settings,
                    )
                )[:300]
            except (OSError, LookupError) as exc:  # send without it rather than not at all
                log.warning("statement of message %s not written: %s", message.id, exc)
            else:
                conn.execute(update(m).where(m.c.id == message.id).values(pdf_path=path))
                message = replace(message, pdf_path=path)
        out.append(message)
    return out


def mark_handover(conn: Connection, message_id: int, token: str, smtp_message_id: str) -> None:
    """Record that the end of data is about to be written (commit before writing it).

    Raises:
        RuntimeError: when the message is no longer claimed by `token` (it must not be sent).
    """
    m = Message.__table__
    done = conn.execute(
        update(m)
        .where(m.c.id == message_id, m.c.claim == token, m.c.status == SENDING)
        .values(status=HANDOVER, smtp_message_id=smtp_message_id[:200])
    ).rowcount
    if done != 1:
        raise RuntimeError(f"message {message_id} is no longer claimed by this dispatcher")


def mark_uncertain(conn: Connection, message_id: int, token: str | None, reason: str) -> bool:
    """Make a message in the handover ``uncertain`` and raise an alert; True when it was."""
    m = Message.__table__
    where = [m.c.id == message_id, m.c.status == HANDOVER]
    if token is not None:
        where.append(m.c.claim == token)
    done = conn.execute(
        update(m).where(*where).values(status=UNCERTAIN, claim="", server_answer=reason[:1000])
    ).rowcount
    if done:
        message_alert(
            conn,
            EMAIL_UNCERTAIN,
            message_id,
            f"the mail server may or may not have this email ({reason}); check its log, "
            "and send it again by hand if it is missing",
        )
    return bool(done)


def resend(conn: Connection, message_id: int) -> bool:
    """Queue again a message that failed, bounced or is uncertain (a user's decision)."""
    m = Message.__table__
    return bool(
        conn.execute(
            update(m)
            .where(m.c.id == message_id, m.c.status.in_((FAILED, BOUNCED, UNCERTAIN)))
            .values(status=QUEUED, claim="", attempts=0, next_attempt_at=None)
        ).rowcount
    )
