"""Replies read from the collection mailbox, as the collector works them: list a customer's
replies with their suggestions, accept one in one click, or set a reply aside.

Accepting goes through the follow-up services (`services.followup`), with their checks:

- ``promise``: `record_promise` for the date found and the amount written (else what is open on
  the items; never more), on the open items of the message the reply answers (else on the
  customer's open items) that the amount covers in due-date order, those already under a
  pending promise left out.
- ``paid``: "déjà payé", `stop_dunning` on those items for `PAID_HOLD_DAYS` days, the reason
  naming the reference and the day of the payment, while the payment reaches the books.
- ``dispute``: `open_dispute` with the configured reason that matches the one found ("Autre"
  when none does), on the items not already disputed.

The reply is then handled and its "réponse à traiter" action done; its other suggestions may
still be accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine, Row

from src_dash.access import (
    WORK,
    Viewer,
    audit,
    check_customers,
    owned_row,
    scope_clause,
)
from src_dash.access import require as require_role
from src_dash.analytics.ledger import open_residuals
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.dunning.inbox_store import REPLY_KIND
from src_dash.dunning.reply_rules import DISPUTE, DISPUTE_REASONS, PAID, PROMISE, Suggestion, fold
from src_dash.money import ZERO
from src_dash.services.auth import ROLES
from src_dash.services.followup import open_dispute, record_promise, stop_dunning
from src_dash.services.inputs import InvalidInput, text_field
from src_dash.services.rows import from_row
from src_dash.store import (
    Action,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    InboundMail,
    MessageItem,
    Promise,
    PromiseItem,
)
from src_dash.store.versions import bump_data_version

PAID_HOLD_DAYS = 15  # how long "déjà payé" holds the dunning of the items


@dataclass(frozen=True)
class SuggestionView:
    """A suggestion of a reply, as the card shows it.

    Attributes:
        index: its position in the reply (what `accept_suggestion` takes).
        reason_label: the dispute reason of the list it would be opened with.
        accepted: whether it was accepted already.
    """

    index: int
    kind: str
    quote: str
    on: date | None
    amount: Decimal | None
    reference: str
    reason: str
    reason_label: str
    accepted: bool


@dataclass(frozen=True)
class ReplyView:
    """A reply of a customer read from the collection mailbox."""

    id: int
    customer_id: int
    message_id: int | None
    action_id: int | None
    kind: str  # reply | auto_reply
    subject: str
    from_address: str
    from_name: str
    received_at: datetime
    body_text: str
    status: str  # new | handled | dismissed | none
    outcome: str
    matched_by: str
    suggestions: tuple[SuggestionView, ...]


@dataclass(frozen=True)
class Accepted:
    """What accepting a suggestion made: a promise, a dispute or stopped items."""

    reply_id: int
    kind: str
    promise_id: int | None = None
    dispute_id: int | None = None
    entry_ids: tuple[int, ...] = ()
    on: date | None = None
    amount: Decimal | None = None


def _accepted(outcome: str) -> set[int]:
    """The indexes of the suggestions already accepted ("2=promise:12,0=dispute:3")."""
    out = set()
    for part in outcome.split(","):
        head = part.split("=", 1)[0]
        if head.isdigit():
            out.add(int(head))
    return out


def _reasons(conn) -> list:  # noqa: ANN001
    r = DisputeReason.__table__
    return conn.execute(
        select(r.c.id, r.c.label).where(r.c.active.is_(True)).order_by(r.c.id)
    ).all()


def _reason_for(reasons: list, code: str) -> tuple[int, str] | None:
    """The active reason of the list that matches a rule's reason code ("Autre", else the first
    one, when none does)."""
    label, words = DISPUTE_REASONS.get(code, DISPUTE_REASONS["other"])
    folded = [(r.id, r.label, fold(r.label)) for r in reasons]
    for rid, text, f in folded:
        if f == fold(label):
            return rid, text
    for rid, text, f in folded:
        if any(w in f for w in words):
            return rid, text
    for rid, text, f in folded:
        if f == "autre" or f == "other":
            return rid, text
    return (folded[0][0], folded[0][1]) if folded else None


def _view(row, reasons: list) -> ReplyView:  # noqa: ANN001
    done = _accepted(row.outcome or "")
    suggestions = []
    for n, data in enumerate(row.suggestions or []):
        s = Suggestion.from_dict(data)
        found = _reason_for(reasons, s.reason) if s.kind == DISPUTE else None
        suggestions.append(
            from_row(
                SuggestionView,
                s,
                index=n,
                reason_label=found[1] if found else "",
                accepted=n in done,
            )
        )
    return from_row(
        ReplyView,
        row,
        suggestions=tuple(suggestions),
    )


def customer_replies(
    engine: Engine, who: Viewer, customer_id: int, limit: int = 20, open_only: bool = False
) -> list[ReplyView]:
    """The replies of a customer (automatic answers too), newest first.

    Raises:
        AccessDenied: for a customer outside the viewer's scope.
    """
    require_role(who, ROLES)
    im = InboundMail.__table__
    query = (
        select(im)
        .where(im.c.customer_id == customer_id, im.c.kind.in_(("reply", "auto_reply")))
        .order_by(im.c.received_at.desc(), im.c.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(im.c.status == "new")
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        rows = conn.execute(query).all()
        reasons = _reasons(conn)
    return [_view(r, reasons) for r in rows]


def open_replies(engine: Engine, who: Viewer, limit: int = 200) -> list[ReplyView]:
    """The replies still to handle on the viewer's customers, oldest first."""
    require_role(who, ROLES)
    im, c = InboundMail.__table__, Customer.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(im)
            .select_from(im.join(c, c.c.id == im.c.customer_id))
            .where(im.c.status == "new", im.c.kind == "reply", scope_clause(who.scope))
            .order_by(im.c.received_at, im.c.id)
            .limit(limit)
        ).all()
        reasons = _reasons(conn)
    return [_view(r, reasons) for r in rows]


def _open_items(engine: Engine, customer_id: int, message_id: int | None, today: date) -> dict:
    """The open debits a reply is about: its message's still open, else the customer's."""
    e, mi = Entry.__table__, MessageItem.__table__
    with engine.connect() as conn:
        ids: list[int] = []
        if message_id is not None:
            ids = [
                i
                for i in conn.execute(
                    select(mi.c.entry_id)
                    .where(mi.c.message_id == message_id, mi.c.entry_id.is_not(None))
                    .order_by(mi.c.id)
                ).scalars()
            ]
        found = {k: v for k, v in open_residuals(engine, ids, today).items() if v > ZERO}
        if not found:
            ids = list(
                conn.execute(
                    select(e.c.id)
                    .where(e.c.customer_id == customer_id, e.c.residual != 0)
                    .order_by(e.c.due_date, e.c.id)
                ).scalars()
            )
            found = {k: v for k, v in open_residuals(engine, ids, today).items() if v > ZERO}
    return found


def _free_items(engine: Engine, items: dict, kind: str, none_left: str) -> dict:
    """The items not under a pending promise (kind promise) or an open dispute (dispute).

    Raises:
        InvalidInput: on `items`, saying `none_left`, when there is none.
    """
    if not items:
        raise InvalidInput("items", none_left)
    if kind == PROMISE:
        head, link = Promise.__table__, PromiseItem.__table__
        key, state = "promise_id", head.c.status == "pending"
    else:
        head, link = Dispute.__table__, DisputeItem.__table__
        key, state = "dispute_id", head.c.status == "open"
    with engine.connect() as conn:
        taken = set(
            conn.execute(
                select(link.c.entry_id)
                .select_from(link.join(head, head.c.id == link.c[key]))
                .where(link.c.entry_id.in_(list(items)), state)
            ).scalars()
        )
    free = {k: v for k, v in items.items() if k not in taken}
    if not free:
        raise InvalidInput("items", none_left)
    return free


def _covering(engine: Engine, items: dict, amount: Decimal) -> dict:
    """The items an amount covers in due-date order (the others stay dunned)."""
    e = Entry.__table__
    with engine.connect() as conn:
        order = conn.execute(
            select(e.c.id)
            .where(e.c.id.in_(list(items)))
            .order_by(func.coalesce(e.c.due_date, e.c.posting_date), e.c.id)
        ).scalars()
        out, left = {}, amount
        for entry_id in order:
            if left <= ZERO:
                break
            out[entry_id] = items[entry_id]
            left -= items[entry_id]
    return out


def _accept_promise(
    engine: Engine, who: Viewer, row: Row, s: Suggestion, items: dict, note: str, today: date
) -> tuple[Accepted, str]:
    """Record the promise a reply says, on its open items without one."""
    items = _free_items(engine, items, PROMISE, "no open item without a pending promise")
    if s.on is None:
        raise InvalidInput("promised_on", "the reply gives no date")
    open_total = sum(items.values(), ZERO)
    amount = min(s.amount, open_total) if s.amount else open_total
    items = _covering(engine, items, amount)
    view = record_promise(
        engine, who, row.customer_id, amount, s.on, list(items), note[:500], today=today
    )
    done = Accepted(row.id, PROMISE, promise_id=view.id, on=s.on, amount=amount,
                    entry_ids=tuple(i.entry_id for i in view.items))  # fmt: skip
    outcome = f"promise:{view.id}"
    return done, outcome


def _accept_dispute(
    engine: Engine, who: Viewer, row: Row, s: Suggestion, items: dict, note: str, today: date
) -> tuple[Accepted, str]:
    """Open the dispute a reply says, on its open items not disputed yet."""
    items = _free_items(engine, items, DISPUTE, "no open item that is not disputed already")
    with engine.connect() as conn:
        reason = _reason_for(_reasons(conn), s.reason)
    if reason is None:
        raise InvalidInput("reason", "the list of dispute reasons is empty")
    view = open_dispute(engine, who, row.customer_id, reason[0], list(items), note[:1000])
    done = Accepted(row.id, DISPUTE, dispute_id=view.id, entry_ids=tuple(items))
    outcome = f"dispute:{view.id}"
    return done, outcome


def _accept_paid(
    engine: Engine, who: Viewer, row: Row, s: Suggestion, items: dict, note: str, today: date
) -> tuple[Accepted, str]:
    """Hold the dunning of the items a reply says are paid already."""
    if not items:
        raise InvalidInput("items", "no open item to hold")
    parts = [
        f"réf. {s.reference}" if s.reference else "",
        s.on.strftime("%d/%m/%Y") if s.on else "",
    ]
    detail = ", ".join(p for p in parts if p)
    reason = f"Déjà payé ({detail})" if detail else "Déjà payé"
    until = today + timedelta(days=PAID_HOLD_DAYS)
    stop_dunning(engine, who, list(items), reason[:200], until, today=today)
    done = Accepted(row.id, PAID, entry_ids=tuple(items), on=until)
    outcome = "paid"
    return done, outcome


def accept_suggestion(
    engine: Engine,
    who: Viewer,
    reply_id: int,
    index: int,
    today: date | None = None,
    entry_ids: Sequence[int] | None = None,
) -> Accepted:
    """Accept one suggestion of a reply: record the promise, the dispute or the hold it says.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        reply_id: the reply.
        index: the suggestion's index in the reply.
        today: the day (default the clock's).
        entry_ids: the items, instead of those the reply is about.

    Raises:
        AccessDenied: for another role, or a reply of a customer outside the viewer's scope.
        InvalidInput: for an unknown or already accepted suggestion, or what the follow-up
            service refuses (a promised day now past, no open item...); nothing is written.
    """
    require_role(who, WORK)
    today = today or clock_today()
    im = InboundMail.__table__
    with engine.connect() as conn:
        row = owned_row(conn, who, im, reply_id, "reply")
    data = list(row.suggestions or [])
    if not 0 <= int(index) < len(data):
        raise InvalidInput("suggestion", f"reply {row.id} has no suggestion {index}")
    if int(index) in _accepted(row.outcome or ""):
        raise InvalidInput("suggestion", "was accepted already")
    s = Suggestion.from_dict(data[int(index)])
    items = _open_items(engine, row.customer_id, row.message_id, today)
    if entry_ids:
        items = {k: v for k, v in open_residuals(engine, entry_ids, today).items() if v > ZERO}
    when = row.received_at.date().strftime("%d/%m/%Y")
    note = f"Réponse du {when} : « {s.quote} »"
    accept = {PROMISE: _accept_promise, DISPUTE: _accept_dispute, PAID: _accept_paid}.get(s.kind)
    if accept is None:
        raise InvalidInput("suggestion", f"unknown kind {s.kind!r}")
    done, outcome = accept(engine, who, row, s, items, note, today)
    _mark(engine, who, row, "handled", f"{int(index)}={outcome}", s.kind)
    return done


def _mark(engine: Engine, who: Viewer, row, status: str, outcome: str, kind: str) -> None:  # noqa: ANN001
    """Record the reply's new status and close its "réponse à traiter" action."""
    im, a = InboundMail.__table__, Action.__table__
    now = utcnow()
    with engine.begin() as conn:
        current = conn.execute(select(im.c.outcome).where(im.c.id == row.id)).scalar() or ""
        joined = ",".join(x for x in (current, outcome) if x)[:60]
        conn.execute(
            update(im)
            .where(im.c.id == row.id)
            .values(status=status, outcome=joined, handled_by=who.user_id, handled_at=now)
        )
        if row.action_id is not None:
            conn.execute(
                update(a)
                .where(a.c.id == row.action_id, a.c.status.in_(("proposed", "approved")))
                .values(
                    status="done" if status == "handled" else "skipped",
                    outcome=kind[:40],
                    done_at=now,
                    done_by=who.user_id,
                )
            )
        audit(conn, who, f"reply.{status}", "inbound_mail", row.id,
              customer_id=row.customer_id, outcome=outcome)  # fmt: skip
        bump_data_version(conn, parties=False)


def dismiss_reply(engine: Engine, who: Viewer, reply_id: int, note: str = "") -> None:
    """Set a reply aside (nothing to record): it leaves the worklist.

    Raises:
        AccessDenied: for another role, or a reply of a customer outside the viewer's scope.
        InvalidInput: when the reply is not waiting to be handled.
    """
    require_role(who, WORK)
    note = text_field(note, "note", 60)
    im = InboundMail.__table__
    with engine.connect() as conn:
        row = owned_row(conn, who, im, reply_id, "reply")
    if row.status != "new":
        raise InvalidInput("reply", f"is {row.status}, not waiting")
    _mark(engine, who, row, "dismissed", note, REPLY_KIND)
