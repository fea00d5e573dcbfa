"""What a user did today, for the worklist's "Fait aujourd'hui": the audit log's lines of their
work on customers (calls logged, promises, disputes, comments, flags, actions closed, items stopped,
customers' space actions handled) and the messages they sent, in the viewer's scope, newest first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.engine import Connection

from src_dash.access import Viewer, scope_clause
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.services.worklist.model import DoneLine
from src_dash.store import AuditLog, Customer, Message

# The audit actions that are a collector's work on a customer.
DONE_ACTIONS = (
    "call.log",
    "promise.record",
    "promise.cancel",
    "dispute.open",
    "dispute.close",
    "comment.add",
    "flag.raise",
    "action.done",
    "action.skip",
    "item.stop",
    "item.resume",
    "item.set_level",
    "customer.stop",
    "customer.resume",
    "space.handled",
)
# What a call logged made on its own line is part of the call's line.
PART_OF_A_CALL = ("promise.record", "dispute.open")


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def done_window(today: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of "today" for what a user did: on the clock's today, the user's own day
    as it is now in their time zone (which may already be tomorrow's date in UTC, or still
    yesterday's); on another day, that day in their time zone."""
    if today == clock_today():
        today = utcnow().astimezone(_zone(timezone)).date()
    return day_bounds(today, timezone)


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants where `day` starts and ends in the user's time zone (UTC when unknown)."""
    zone = _zone(timezone)
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def _amount(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _audit_lines(conn: Connection, who: Viewer, start: datetime, end: datetime) -> list[tuple]:
    """(at, what, customer id, outcome, amount, day) of the user's work lines of the day."""
    al = AuditLog.__table__
    rows = conn.execute(
        select(al.c.at, al.c.action, al.c.entity, al.c.entity_id, al.c.details)
        .where(
            al.c.user_id == who.user_id,
            al.c.at >= start,
            al.c.at < end,
            al.c.action.in_(DONE_ACTIONS),
        )
        .order_by(al.c.id)
    ).all()
    lines = []
    for r in rows:
        details = r.details or {}
        if r.action in PART_OF_A_CALL and details.get("call_id"):
            continue
        customer_id = details.get("customer_id")
        if customer_id is None and r.entity == "customer":
            customer_id = r.entity_id
        if customer_id is None:
            continue
        outcome = str(details.get("outcome") or details.get("kind") or details.get("reason") or "")
        amount = _amount(details.get("amount"))
        on = _day(details.get("promised_on") or details.get("call_back_on"))
        lines.append((r.at, r.action, int(customer_id), outcome, amount, on))
    return lines


def _sent_lines(conn: Connection, who: Viewer, start: datetime, end: datetime) -> list[tuple]:
    """(at, "message.sent", customer id, channel, total, None) of the messages the user sent."""
    m = Message.__table__
    rows = conn.execute(
        select(m.c.sent_at, m.c.customer_id, m.c.channel, m.c.total).where(
            m.c.sent_by == who.user_id,
            m.c.status == "sent",
            m.c.sent_at >= start,
            m.c.sent_at < end,
        )
    ).all()
    return [(r.sent_at, "message.sent", r.customer_id, r.channel, r.total, None) for r in rows]


def done_today(conn: Connection, who: Viewer, today: date) -> tuple[DoneLine, ...]:
    """What the viewer did on `today` (their time zone's day, see `done_window`) on customers of
    their scope, newest first."""
    start, end = done_window(today, who.timezone)
    lines = _audit_lines(conn, who, start, end) + _sent_lines(conn, who, start, end)
    if not lines:
        return ()
    c = Customer.__table__
    customers = {
        r.id: r
        for r in conn.execute(
            select(c.c.id, c.c.number, c.c.name).where(
                c.c.id.in_(sorted({line[2] for line in lines})), scope_clause(who.scope)
            )
        )
    }
    lines.sort(key=lambda line: line[0], reverse=True)
    return tuple(
        DoneLine(
            at=at,
            what=what,
            customer_id=customer_id,
            customer_number=customers[customer_id].number,
            customer_name=customers[customer_id].name,
            outcome=outcome,
            amount=amount,
            on=on,
        )
        for at, what, customer_id, outcome, amount, on in lines
        if customer_id in customers
    )
