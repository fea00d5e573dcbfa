"""The outbox: every message is written before it is sent, and its status says where it is.

States of `Message.status`:

- ``held``: waits for a user's approval (`runs.approve` makes it ``queued``, `runs.cancel`
  makes it ``cancelled``).
- ``queued``: waits for the dispatcher, not before `next_attempt_at` when it is set.
- ``sending``: claimed by the dispatcher (`claim` names it); the SMTP transaction may have started
  but the end of data (the final ``.``) has not been written to the server.
- ``handover``: committed just before the final ``.`` is written; the server may take it.
- ``sent``: the server answered 250 (its answer is kept in `server_answer`).
- ``uncertain``: a dispatcher died (or lost the server, or the store) in the handover: nobody
  knows whether the server took it. It is never sent again by itself; an alert asks a user to
  check the mail server's log and to resend it by hand if needed.
- ``failed``: refused for good, or still refused after `dispatch_max_attempts` (alert).
- ``bounced``: every recipient refused (alert).
- ``cancelled``: a held message a user rejected.

Exactly once. Only one dispatcher runs at a time (`dispatcher_lock`: an advisory lock on
PostgreSQL, a file lock beside a SQLite store; both die with their process). So when a dispatcher
starts, any message left in ``sending`` or ``handover`` belongs to a dead one, and `recover`
resolves it: ``sending`` goes back to ``queued`` (the server drops a transaction whose data never
ended, so sending it again cannot duplicate it), ``handover`` becomes ``uncertain`` (sending it
again could). The only window where the outcome is unknown is therefore between the commit of
``handover`` and the commit of ``sent``: a few milliseconds around the final ``.`` and the
server's answer. A crash there never sends a message twice; it leaves it ``uncertain`` with an
alert, and a message is lost only when the crash falls between the ``handover`` commit and the
write of the ``.`` (a few instructions; the data before it is already in the kernel's buffer).

All functions here take a connection and run in the caller's transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning.alerts import (
    EMAIL_BOUNCED,
    EMAIL_FAILED,
    EMAIL_UNCERTAIN,
    message_alert,
)
from src_dash.dunning.messaging import companies_messaging, ensure_reply_secrets
from src_dash.dunning.send_window import company_of_messages
from src_dash.store import Action, Message

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


def claim(
    conn: Connection, token: str, now: datetime, limit: int, channel: str = "email"
) -> list[OutgoingMessage]:
    """Claim up to `limit` queued messages due at `now` for the dispatcher `token`.

    Counts the attempt now; `release` gives it back when the message was not tried after all.
    """
    m = Message.__table__
    due = and_(
        m.c.status == QUEUED,
        m.c.channel == channel,
        or_(m.c.next_attempt_at.is_(None), m.c.next_attempt_at <= now),
    )
    ids = conn.execute(select(m.c.id).where(due).order_by(m.c.id).limit(limit)).scalars().all()
    if not ids:
        return []
    conn.execute(
        update(m)
        .where(m.c.id.in_(ids), m.c.status == QUEUED)
        .values(status=SENDING, claim=token, claimed_at=now, attempts=m.c.attempts + 1)
    )
    rows = conn.execute(
        select(m).where(m.c.id.in_(ids), m.c.claim == token, m.c.status == SENDING).order_by(m.c.id)
    ).all()
    return [
        OutgoingMessage(
            id=r.id,
            customer_id=r.customer_id,
            action_id=r.action_id,
            subject=r.subject,
            body_html=r.body_html,
            body_text=r.body_text,
            recipients_to=_pairs(r.recipients_to),
            recipients_cc=_pairs(r.recipients_cc),
            idempotency_key=r.idempotency_key,
            attempts=r.attempts,
            pdf_path=r.pdf_path,
        )
        for r in rows
    ]


def addressed(
    conn: Connection,
    messages: list[OutgoingMessage],
    now: datetime | None = None,
    settings: Settings | None = None,
) -> list[OutgoingMessage]:
    """The claimed messages with their From, Reply-To and statement of account.

    From and Reply-To come from their company's messaging settings (`dunning.messaging`); a
    message without a PDF yet gets the statement of account of its customer as of `now`'s day
    (`letters.write_statement`), kept as its `pdf_path`, so a retry sends the same one. Makes the
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


def _finish_action(conn: Connection, action_id: int | None, status: str, now: datetime) -> None:
    if action_id is None:
        return
    a = Action.__table__
    conn.execute(
        update(a)
        .where(a.c.id == action_id, a.c.status.in_(("proposed", "approved")))
        .values(status=status, done_at=now)
    )


def mark_sent(
    conn: Connection,
    message_id: int,
    token: str,
    answer: str,
    now: datetime,
    sent_by: int | None = None,
) -> None:
    """Record the server's acceptance; the message's action is done."""
    m = Message.__table__
    row = conn.execute(
        update(m)
        .where(m.c.id == message_id, m.c.claim == token, m.c.status == HANDOVER)
        .values(status=SENT, server_answer=answer[:1000], sent_at=now, sent_by=sent_by, claim="")
        .returning(m.c.action_id)
    ).first()
    if row is not None:
        _finish_action(conn, row.action_id, "done", now)


def mark_refused(
    conn: Connection,
    message_id: int,
    token: str,
    answer: str,
    now: datetime,
    *,
    permanent: bool,
    bounced: bool = False,
    max_attempts: int,
    backoff_seconds: float,
    backoff_max_seconds: float,
) -> str:
    """Record a refusal or an error before the server took the message; return the new status.

    A transient one is tried again after a backoff until `max_attempts`; then, like a permanent
    one, the message fails (``bounced`` when its recipients were refused) and an alert is raised.
    """
    m = Message.__table__
    row = conn.execute(
        select(m.c.attempts, m.c.action_id).where(
            m.c.id == message_id, m.c.claim == token, m.c.status.in_((SENDING, HANDOVER))
        )
    ).first()
    if row is None:
        return ""
    if not permanent and row.attempts < max_attempts:
        conn.execute(
            update(m)
            .where(m.c.id == message_id)
            .values(
                status=QUEUED,
                claim="",
                server_answer=answer[:1000],
                next_attempt_at=now + backoff(row.attempts, backoff_seconds, backoff_max_seconds),
            )
        )
        return QUEUED
    status = BOUNCED if bounced else FAILED
    conn.execute(
        update(m)
        .where(m.c.id == message_id)
        .values(status=status, claim="", server_answer=answer[:1000], next_attempt_at=None)
    )
    _finish_action(conn, row.action_id, "failed", now)
    if bounced:
        message_alert(conn, EMAIL_BOUNCED, message_id, f"email bounced: {answer}")
    elif permanent:
        message_alert(conn, EMAIL_FAILED, message_id, f"email refused: {answer}")
    else:
        message_alert(
            conn,
            EMAIL_FAILED,
            message_id,
            f"email not sent after {row.attempts} attempts: {answer}",
        )
    return status


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


def release(conn: Connection, message_ids: list[int], token: str, next_at: datetime | None) -> int:
    """Give claimed messages that were not tried back to the queue (their attempt uncounted)."""
    if not message_ids:
        return 0
    m = Message.__table__
    return conn.execute(
        update(m)
        .where(m.c.id.in_(message_ids), m.c.claim == token, m.c.status == SENDING)
        .values(status=QUEUED, claim="", attempts=m.c.attempts - 1, next_attempt_at=next_at)
    ).rowcount


def recover(conn: Connection) -> tuple[int, int]:
    """Resolve the messages a dead dispatcher left behind (call with the dispatcher lock held).

    Returns:
        (messages queued again, messages made uncertain).
    """
    m = Message.__table__
    requeued = conn.execute(
        update(m)
        .where(m.c.status == SENDING)
        .values(status=QUEUED, claim="", server_answer="queued again after an interrupted dispatch")
    ).rowcount
    left = conn.execute(select(m.c.id).where(m.c.status == HANDOVER)).scalars().all()
    for message_id in left:
        mark_uncertain(conn, message_id, None, "the dispatcher stopped during the handover")
    return requeued, len(left)


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
