"""The dispatcher's claims, attempts and retries: what survives a crash of the dispatcher.

A message's life in the outbox (statuses in `outbox`):

- ``queued`` -> ``sending``: `claim` takes a small batch (a few per SMTP connection) with a lease
  (`lease_until`). No attempt is counted there: a dispatcher that dies with messages claimed
  gives them back to the queue as they were (`recover`, or any claim once the lease is past).
- ``sending`` -> ``handover``: committed just before the end of data (see `outbox`).
- ``handover`` -> ``sent``, or -> ``queued`` / ``failed`` / ``bounced``: the server's answer is
  written with the attempt (`mark_sent`, `mark_refused`). An attempt is counted only there, for
  a message really tried: a connection refused, a timeout or a 4xx answer.
- Transient failures (connection refused, timeout, 4xx) never fail for good: the message waits
  `backoff` (doubling, capped at `dispatch_backoff_max_seconds`) and goes when the server is
  back, however long it was away. Only a permanent refusal (5xx) fails it (``failed``, or
  ``bounced`` when every recipient was refused), with an alert.

Exactly once. A message is in doubt only when the dispatcher lost it between the ``handover``
commit and the ``sent`` commit (killed, or the connection dropped after the end of data). What
happens to it then depends on whether the server can be asked:

- with a `DeliveryCheck` (``SRC_DASH_DELIVERY_CHECK=sink``: the local mail sink's folder, where
  every message is kept with its Message-ID), once its lease is past the message is looked up
  by its Message-ID (the same on every attempt): found, it is ``sent``; not found, it goes back
  to the queue. Every message is then delivered exactly once, whatever moment the dispatcher
  died at.
- without one (a real relay keeps no index we can read), it becomes ``uncertain`` with an alert
  asking a person to check the server's log (`outbox.mark_uncertain`): never sent twice, never
  lost silently. The window is the few milliseconds around the end of data.

Every function takes a connection and runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from src_dash.dunning import outbox
from src_dash.dunning.alerts import EMAIL_BOUNCED, EMAIL_FAILED, message_alert
from src_dash.store import Action, Message
from src_dash.store.rows import from_row

DeliveryCheck = Callable[[list[str]], set[str]]
"""Given Message-IDs, those the mail server has (raises OSError when it cannot tell)."""

DEFAULT_LEASE_SECONDS = 300.0
FOUND_ANSWER = "found at the mail server after an interrupted dispatch"


def _finish_action(conn: Connection, action_id: int | None, status: str, now: datetime) -> None:
    if action_id is None:
        return
    a = Action.__table__
    conn.execute(
        update(a)
        .where(a.c.id == action_id, a.c.status.in_(("proposed", "approved")))
        .values(status=status, done_at=now)
    )


def claim(
    conn: Connection, token: str, now: datetime, limit: int, lease: timedelta
) -> list[outbox.OutgoingMessage]:
    """Claim up to `limit` due emails for the dispatcher `token`, until `now + lease`.

    Takes the queued emails due at `now`, and those a dead dispatcher left ``sending`` past
    their lease. Counts no attempt (see `mark_sent`, `mark_refused`).
    """
    m = Message.__table__
    due = and_(
        m.c.channel == "email",
        or_(
            and_(
                m.c.status == outbox.QUEUED,
                or_(m.c.next_attempt_at.is_(None), m.c.next_attempt_at <= now),
            ),
            and_(m.c.status == outbox.SENDING, m.c.lease_until <= now),
        ),
    )
    ids = conn.execute(select(m.c.id).where(due).order_by(m.c.id).limit(limit)).scalars().all()
    if not ids:
        return []
    conn.execute(
        update(m)
        .where(m.c.id.in_(ids), due)
        .values(status=outbox.SENDING, claim=token, claimed_at=now, lease_until=now + lease)
    )
    rows = conn.execute(
        select(m)
        .where(m.c.id.in_(ids), m.c.claim == token, m.c.status == outbox.SENDING)
        .order_by(m.c.id)
    ).all()
    return [
        from_row(
            outbox.OutgoingMessage,
            r,
            recipients_to=outbox._pairs(r.recipients_to),
            recipients_cc=outbox._pairs(r.recipients_cc),
            attempts=r.attempts + 1,
        )
        for r in rows
    ]


def mark_sent(
    conn: Connection,
    message_id: int,
    token: str,
    answer: str,
    now: datetime,
    sent_by: int | None = None,
) -> bool:
    """Record the server's acceptance (the attempt counted); the message's action is done."""
    m = Message.__table__
    row = conn.execute(
        update(m)
        .where(m.c.id == message_id, m.c.claim == token, m.c.status == outbox.HANDOVER)
        .values(
            status=outbox.SENT,
            server_answer=answer[:1000],
            sent_at=now,
            sent_by=sent_by,
            claim="",
            lease_until=None,
            next_attempt_at=None,
            attempts=m.c.attempts + 1,
        )
        .returning(m.c.action_id)
    ).first()
    if row is None:
        return False
    _finish_action(conn, row.action_id, "done", now)
    return True


def mark_refused(
    conn: Connection,
    message_id: int,
    token: str,
    answer: str,
    now: datetime,
    *,
    permanent: bool,
    bounced: bool = False,
    backoff_seconds: float,
    backoff_max_seconds: float,
) -> str:
    """Record a refusal or an error of a message really tried; return its new status.

    Transient (connection refused, timeout, 4xx): queued again after the backoff of its
    attempts, capped; it never fails for that. Permanent (5xx): ``failed`` or ``bounced``, with
    an alert, and its action failed.
    """
    m = Message.__table__
    row = conn.execute(
        select(m.c.attempts, m.c.action_id).where(
            m.c.id == message_id,
            m.c.claim == token,
            m.c.status.in_((outbox.SENDING, outbox.HANDOVER)),
        )
    ).first()
    if row is None:
        return ""
    attempts = row.attempts + 1
    if not permanent:
        wait = outbox.backoff(attempts, backoff_seconds, backoff_max_seconds)
        conn.execute(
            update(m)
            .where(m.c.id == message_id)
            .values(
                status=outbox.QUEUED,
                claim="",
                lease_until=None,
                attempts=attempts,
                server_answer=answer[:1000],
                next_attempt_at=now + wait,
            )
        )
        return outbox.QUEUED
    status = outbox.BOUNCED if bounced else outbox.FAILED
    conn.execute(
        update(m)
        .where(m.c.id == message_id)
        .values(
            status=status,
            claim="",
            lease_until=None,
            attempts=attempts,
            server_answer=answer[:1000],
            next_attempt_at=None,
        )
    )
    _finish_action(conn, row.action_id, "failed", now)
    kind = EMAIL_BOUNCED if bounced else EMAIL_FAILED
    message_alert(conn, kind, message_id, f"email {'bounced' if bounced else 'refused'}: {answer}")
    return status


def release(
    conn: Connection, message_ids: Iterable[int], token: str, next_at: datetime | None
) -> int:
    """Give claimed messages that were not tried back to the queue, with no attempt counted."""
    ids = list(message_ids)
    if not ids:
        return 0
    m = Message.__table__
    return conn.execute(
        update(m)
        .where(m.c.id.in_(ids), m.c.claim == token, m.c.status == outbox.SENDING)
        .values(status=outbox.QUEUED, claim="", lease_until=None, next_attempt_at=next_at)
    ).rowcount


def recover(
    conn: Connection, now: datetime, check: DeliveryCheck | None = None
) -> tuple[int, int, int]:
    """Resolve what a dead dispatcher left (call it with the dispatcher lock held).

    ``sending``: back to the queue, no attempt counted (the server drops a transaction whose
    data never ended). ``handover``: with `check`, once its lease is past, ``sent`` when the
    server has its Message-ID, else queued again (an attempt counted); without `check`,
    ``uncertain`` with an alert (see the module's docstring).

    Returns:
        (queued again, made uncertain, found sent at the server).
    """
    m = Message.__table__
    requeued = conn.execute(
        update(m)
        .where(m.c.status == outbox.SENDING)
        .values(
            status=outbox.QUEUED,
            claim="",
            lease_until=None,
            server_answer="queued again after an interrupted dispatch",
        )
    ).rowcount
    if check is None:
        left = conn.execute(select(m.c.id).where(m.c.status == outbox.HANDOVER)).scalars().all()
        for message_id in left:
            outbox.mark_uncertain(
                conn, message_id, None, "the dispatcher stopped during the handover"
            )
        return requeued, len(left), 0
    rows = conn.execute(
        select(m.c.id, m.c.smtp_message_id, m.c.action_id).where(
            m.c.status == outbox.HANDOVER,
            or_(m.c.lease_until.is_(None), m.c.lease_until <= now),
        )
    ).all()
    if not rows:
        return requeued, 0, 0
    try:
        found = check([r.smtp_message_id for r in rows if r.smtp_message_id])
    except OSError:
        return requeued, 0, 0  # the server cannot tell now: they wait for the next pass
    sent = 0
    for r in rows:
        delivered = bool(r.smtp_message_id) and r.smtp_message_id in found
        values = {"claim": "", "lease_until": None, "attempts": m.c.attempts + 1}
        if delivered:
            values |= {"status": outbox.SENT, "sent_at": now, "server_answer": FOUND_ANSWER}
        else:
            values |= {
                "status": outbox.QUEUED,
                "next_attempt_at": None,
                "server_answer": "not at the mail server after an interrupted dispatch",
            }
        conn.execute(
            update(m).where(m.c.id == r.id, m.c.status == outbox.HANDOVER).values(**values)
        )
        if delivered:
            sent += 1
            _finish_action(conn, r.action_id, "done", now)
        else:
            requeued += 1
    return requeued, 0, sent


def sink_check(directory: Path | str) -> DeliveryCheck:
    """A `DeliveryCheck` reading the Message-IDs kept by the local mail sink in `directory`."""
    folder = Path(directory)
    parser = BytesHeaderParser()

    def check(message_ids: list[str]) -> set[str]:
        wanted = set(message_ids)
        found: set[str] = set()
        if not wanted or not folder.is_dir():
            return found
        for path in folder.iterdir():
            if path.suffix != ".eml":
                continue
            try:
                with path.open("rb") as handle:
                    value = (parser.parse(handle).get("Message-ID") or "").strip()
            except FileNotFoundError:  # removed meanwhile
                continue
            if value in wanted:
                found.add(value)
                if found == wanted:
                    break
        return found

    return check
