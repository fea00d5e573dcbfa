"""The IMAP pass of `src-dash bench dunning`: 1,000 replies to the emails the bench sent (promises,
"déjà payé", disputes, thanks, each above the quoted dunning message, a few bounces among them)
delivered to a private Dovecot, then read in one pass: seconds, mails per second, and what the
pass found. Target: 1,000 replies within 10 s."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import format_datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.dunning.dovecot import Dovecot, dovecot_binary
from src_dash.dunning.inbox import read_mailbox
from src_dash.dunning.reply_address import reply_to
from src_dash.store import CompanyMessaging, Customer, Message

REPLIES = 1000
MAILBOX = "relances@bench.test"
TARGET_SECONDS = 10.0
_BODIES = (
    "Bonjour,\n\nNous réglerons le {day}/01 la somme de {amount} €.\n\nCordialement",
    "Hello,\n\nWe will pay on {day} January.\n\nBest regards",
    "Bonjour,\n\nLa facture a déjà été payée, virement effectué le {day}/11 réf VIR-{n}.",
    "Bonjour,\n\nFacture contestée : nous n'avons pas reçu la marchandise.",
    "Merci pour votre message, je transmets au service comptable.",
    "Paiement prévu le {day} décembre, {amount} EUR.",
    "Nous ne réglerons pas cette facture avant la livraison complète.",
    "Already paid on {day} November, transfer reference TRX{n}.",
)


def _reply(n: int, smtp_id: str, sender: str, quoted: str, to: str) -> bytes:
    body = _BODIES[n % len(_BODIES)].format(
        day=n % 28 + 1, amount=f"{n % 9 + 1} {n % 1000:03d},00", n=100000 + n
    )
    history = "".join(f"> {line}\n" for line in quoted.splitlines()[:40])
    text = f"{body}\n\nLe 22/11/2026 à 09:00, relances a écrit :\n{history}"
    headers = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: RE: Relance {n}\r\n"
        f"Date: {format_datetime(datetime(2026, 11, 22, 10, tzinfo=UTC))}\r\n"
        f"Message-ID: <bench-reply-{n}@client.test>\r\n"
        + (f"In-Reply-To: {smtp_id}\r\n" if smtp_id else "")
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return headers.encode() + text.replace("\n", "\r\n").encode("utf-8")


def _bounce(n: int, smtp_id: str, recipient: str, reply_address: str) -> bytes:
    return (
        f"From: MAILER-DAEMON@mx.bench.test\r\nTo: relances@bench.test\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bench-dsn-{n}@mx>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.bench.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {smtp_id or '<unsent@bench.test>'}\r\nReply-To: {reply_address}\r\n"
        "\r\n--B--\r\n"
    ).encode()


def bench_inbox(engine: Engine, today: date, replies: int = REPLIES) -> dict[str, object]:
    """Deliver `replies` mails answering the emails sent (1 in 50 a bounce) to a private
    Dovecot and time one IMAP pass over them.

    Returns:
        The figures, or {"skipped": why} when Dovecot is not installed or nothing was sent.
    """
    try:
        dovecot_binary()
    except RuntimeError as exc:
        return {"skipped": str(exc)}
    m, c, cm = Message.__table__, Customer.__table__, CompanyMessaging.__table__
    with engine.connect() as conn:
        # The emails sent, else those still waiting (outside the send window): replies to
        # those name them by their Reply-To token when the company has a reply secret.
        sent = conn.execute(
            select(m.c.id, m.c.smtp_message_id, m.c.body_text, m.c.recipients_to, c.c.email,
                   cm.c.reply_secret)
            .join(c, c.c.id == m.c.customer_id)
            .outerjoin(cm, cm.c.company_id == c.c.company_id)
            .where(m.c.channel == "email", m.c.status.in_(("sent", "queued")))
            .order_by((m.c.status == "sent").desc(), m.c.id)
            .limit(replies)
        ).all()  # fmt: skip
    if not sent:
        return {"skipped": "no email to answer"}
    mails = []
    for n in range(replies):
        row = sent[n % len(sent)]
        to = row.recipients_to[0] if row.recipients_to else {}
        recipient = to.get("email", "") if isinstance(to, dict) else str(to)
        tagged = reply_to(MAILBOX, row.id, row.reply_secret) if row.reply_secret else MAILBOX
        if n % 50 == 49:
            mails.append(_bounce(n, row.smtp_message_id, recipient, tagged))
        else:
            sender = recipient or row.email or f"client{n}@bench.test"
            mails.append(_reply(n, row.smtp_message_id, sender, row.body_text, tagged))
    server = Dovecot().start()
    try:
        started = time.perf_counter()
        server.deliver(*mails, folder="Bench")
        deliver_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = read_mailbox(engine, server.config(folder="Bench"), today=today)
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    return {
        "mails": replies,
        "deliver_seconds": round(deliver_seconds, 2),
        "pass_seconds": round(seconds, 2),
        "per_second": round(result.fetched / seconds, 1) if seconds else None,
        "fetched": result.fetched,
        "replies": result.replies,
        "suggestions": result.suggestions,
        "bounces": result.bounces,
        "unmatched": result.unmatched,
        "within_10s": seconds <= TARGET_SECONDS,
    }
