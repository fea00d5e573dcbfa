"""Inline work on one open item, from its row: dun it now, and read its fresh state afterwards.

Dunning now is a thin adapter over the dunning engine: the planner, asked for this item at a
chosen level (`plan(entry_ids=..., force_level=..., viewer=...)`), gives one proposal per step of
the customer's scenario at that level (a channel each: email, letter, phone); the chosen one is
rendered for the preview, then written by `runs.create_run` (approved by the user who previewed
it) and delivered by one pass of the dispatcher. Stops, disputes, pending promises and "do not
dun" still apply: the item is then not dunnable and the reason is given.

The planner reloads the analytics' frames after every change anywhere (a promise, a comment...),
over a second on a million entries, and recomputes every customer's profile and scenario; with
many users at work the version moves all the time. A preview therefore plans (`_plan_item`:
`planner.plan` given a ledger and a customers' frame) on a recent ledger prepared here, with its
customers' frame computed once (`recent_ledger`): when it is older than
`MAX_STALE_SECONDS`, a newer one is prepared in the background, and after a sync it is loaded
again at once. What the planner reads live (levels and stops of the items, customers' stops,
last messages) stays fresh; promises, disputes and stops are checked against the store before
planning and again before sending; only a change made by hand to a customer or its contacts in
the last seconds may be missed by a preview.

`item_status` reads again, straight from the store, what an inline action changes on a row (level,
stop, promise, dispute, last action), so the row refreshes at once without waiting for the
analytics to rebuild their joined frame of every open item.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.ledger import Ledger, data_version, entries_version, get_ledger
from src_dash.clock import today as clock_today
from src_dash.config import Settings
from src_dash.dunning.model import EMAIL, LETTER, PHONE, Plan, PlannedItem, Proposal, Recipient
from src_dash.services.access import WORK, AccessDenied, Viewer, customers_of_entries, require
from src_dash.services.followup import InvalidInput
from src_dash.store import (
    Action,
    ActionItem,
    Company,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    ItemState,
    Promise,
    PromiseItem,
)
from src_dash.sync import bump_data_version

LEVELS = (0, 1, 2, 3, 4, 5)  # 0 prévenance, 1..5 R1..R5
MAX_STALE_SECONDS = 10.0  # how old a preview's ledger may get before a newer one is prepared
logger = logging.getLogger(__name__)
CHANNEL_ORDER = (EMAIL, LETTER, PHONE)
# The planner's reasons that keep an item from being dunned whatever the level asked.
BLOCKING = (
    "do_not_dun",
    "dormant",
    "customer_stopped",
    "item_stopped",
    "disputed",
    "promised",
    "no_scenario",
    "no_recipient",
    "no_step",
)


class NotDunnable(InvalidInput):
    """The item cannot be dunned at this level (the planner's reason code is kept).

    Attributes:
        reason: one of the planner's exclusion reasons (disputed, promised, item_stopped, ...).
        detail: the planner's detail (a stop's reason and end, a missing recipient, ...).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        """Keep the reason; the field at fault is the level."""
        super().__init__("level", f"not dunnable: {reason}{f' ({detail})' if detail else ''}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class DunPreview:
    """What dunning the item now would send, for the user to check before sending.

    Attributes:
        channels: the channels the scenario offers at this level (email, letter, phone).
        proposal: the planner's proposal shown; `dun_now` sends exactly this one.
        subject, html, text: the rendered message (empty for a phone step).
    """

    entry_id: int
    customer_id: int
    level: int
    channel: str
    channels: tuple[str, ...]
    step_name: str
    needs_approval: bool
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...]
    subject: str
    html: str
    text: str
    items: tuple[PlannedItem, ...]
    total: Decimal
    currency: str
    proposal: Proposal


@dataclass(frozen=True)
class DunResult:
    """What `dun_now` wrote.

    Attributes:
        status: queued (an email or letter for the dispatcher), call (a call planned in the
            worklist), or already (the same message was already made today: nothing new).
    """

    run: str
    status: str
    channel: str
    level: int
    message_ids: tuple[int, ...]
    action_ids: tuple[int, ...]


@dataclass(frozen=True)
class ItemStatus:
    """The app's state of one open item as the open items table shows it (see open_items)."""

    entry_id: int
    customer_id: int
    level: int
    next_level: int | None
    stopped: bool
    item_stopped: bool
    stop_reason: str
    stop_until: date | None
    last_action_on: date | None
    last_action: str
    promise_id: int | None
    promised_on: date | None
    promise_amount: Decimal | None
    dispute_id: int | None
    dispute_reason: str
    state: str


def _level(value: object) -> int:
    try:
        level = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("level", f"{value!r} is not a level") from exc
    if level not in LEVELS:
        raise InvalidInput("level", f"must be between {LEVELS[0]} and {LEVELS[-1]}")
    return level


def _entry(conn: Connection, who: Viewer, entry_id: object) -> int:
    """The entry id, once checked that it is an open debit of a customer in the scope."""
    try:
        entry_id = int(entry_id)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise AccessDenied("item not found") from exc
    customers_of_entries(conn, who, [entry_id])
    e = Entry.__table__
    residual = conn.execute(select(e.c.residual).where(e.c.id == entry_id)).scalar()
    if residual is None or residual <= 0:
        raise InvalidInput("items", f"{entry_id} is not an open debit")
    return entry_id


def _why_not(found: Plan, entry_id: int) -> NotDunnable:
    """The planner's reason for leaving the item (or its customer) out."""
    mine = [x for x in found.exclusions if x.entry_id == entry_id]
    mine += [x for x in found.exclusions if x.entry_id is None]
    for reason in BLOCKING:
        for x in mine:
            if x.reason == reason:
                return NotDunnable(reason, x.detail)
    if mine:
        return NotDunnable(mine[0].reason, mine[0].detail)
    return NotDunnable("no_step")


def _proposals(found: Plan, entry_id: int) -> list[Proposal]:
    mine = [
        p for p in found.proposals if any(i.entry_id == entry_id and i.advances for i in p.items)
    ]
    return sorted(
        mine,
        key=lambda p: CHANNEL_ORDER.index(p.channel) if p.channel in CHANNEL_ORDER else 9,
    )


_RECENT: dict[str, tuple[Ledger, float, dict]] = {}  # url -> ledger, when, customers frames
_RECENT_LOCK = threading.Lock()
_REFRESHING: set[str] = set()
_PUBLISH_LOCK = threading.Lock()


def _customers_of(
    ledger: Ledger, engine: Engine, conn: Connection, as_of: date, scenarios: list, frames: dict
) -> pl.DataFrame:  # noqa: E501
    """`planner._customers` for every customer (profiles, scenarios, flags, stops), computed
    once per recent ledger, day and set of scenarios."""
    from src_dash.dunning import planner

    key = (as_of, tuple((s.id, s.profile, s.active) for s in scenarios))
    found = frames.get(key)
    if found is None:
        found = planner._customers(ledger, engine, conn, as_of, scenarios, None)  # noqa: SLF001
        frames[key] = found
    return found


def _newest_loaded(key: str) -> Ledger | None:
    """The ledger the analytics' cache holds now (the dashboard's warm-up reloads it every few
    seconds after a change), whatever its version."""
    from src_dash.analytics import ledger as ledger_module

    return getattr(ledger_module, "_CACHE", {}).get(key)


def _publish(engine: Engine, key: str, as_of: date, reuse: Ledger | None) -> Ledger:
    """Load (or take the cache's newer) ledger, prepare its customers' frame, keep it."""
    from src_dash.dunning.scenarios import load_scenarios

    ledger = reuse if reuse is not None else get_ledger(engine)
    frames: dict = {}
    with engine.connect() as conn:
        _customers_of(ledger, engine, conn, as_of, load_scenarios(conn), frames)
    with _RECENT_LOCK:
        _RECENT[key] = (ledger, time.monotonic(), frames)
    return ledger


def _refresh_soon(engine: Engine, key: str, as_of: date, entries_at: int) -> None:
    """Publish a newer ledger in the background (one refresh at a time per store)."""
    with _RECENT_LOCK:
        if key in _REFRESHING:
            return
        _REFRESHING.add(key)

    def work() -> None:
        try:
            newest = _newest_loaded(key)
            with _RECENT_LOCK:
                mine = _RECENT.get(key)
            usable = (
                newest is not None
                and newest.entries_version == entries_at
                and (mine is None or newest.version > mine[0].version)
            )
            _publish(engine, key, as_of, newest if usable else None)
        except Exception:  # the previews go on with the ledger they have
            logger.exception("refreshing the previews' ledger failed")
        finally:
            with _RECENT_LOCK:
                _REFRESHING.discard(key)

    threading.Thread(target=work, name="dun-now-ledger", daemon=True).start()


def recent_ledger(
    engine: Engine, max_age: float = MAX_STALE_SECONDS, as_of: date | None = None
) -> tuple[Ledger, dict]:
    """A ledger for previews: the store's current version when it is loaded here, else the one
    prepared last while it is under `max_age` seconds old (a newer one is prepared meanwhile, in
    the background) and the entries have not changed since (a sync: loaded again at once).

    Returns:
        The ledger, and its prepared customers' frames (see `_customers_of`).
    """
    key = engine.url.render_as_string(hide_password=False)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        version, entries_at = data_version(conn), entries_version(conn)
    with _RECENT_LOCK:
        found = _RECENT.get(key)
    if found is None or found[0].entries_version != entries_at:
        # Loaded here, once: the previews asking meanwhile wait for it, then share it.
        with _PUBLISH_LOCK:
            with _RECENT_LOCK:
                found = _RECENT.get(key)
            if found is None or found[0].entries_version != entries_at:
                newest = _newest_loaded(key)
                fresh = newest if newest is not None and newest.version == version else None
                _publish(engine, key, as_of, fresh)
                with _RECENT_LOCK:
                    found = _RECENT[key]
    ledger, loaded_at, frames = found
    if ledger.version != version and time.monotonic() - loaded_at >= max_age:
        _refresh_soon(engine, key, as_of, entries_at)
    return ledger, frames


def warm_previews(engine: Engine, as_of: date | None = None) -> None:
    """Prepare the previews' ledger in the background (when a collector opens the items), so
    the first "dun now" does not wait for it; does nothing when it is ready or under way."""
    key = engine.url.render_as_string(hide_password=False)
    with _RECENT_LOCK:
        if key in _RECENT or key in _REFRESHING:
            return
        _REFRESHING.add(key)

    def work() -> None:
        try:
            recent_ledger(engine, as_of=as_of)
        except Exception:  # the first preview loads it then
            logger.exception("preparing the previews' ledger failed")
        finally:
            with _RECENT_LOCK:
                _REFRESHING.discard(key)

    threading.Thread(target=work, name="dun-now-warm", daemon=True).start()


def _plan_item(engine: Engine, who: Viewer, entry_id: int, level: int, as_of: date) -> Plan:
    """`planner.plan` for one item at a forced level, on `recent_ledger` and its customers'
    frame prepared beforehand (the whole frame costs far more than one item's plan)."""
    from src_dash.dunning import planner
    from src_dash.dunning.scenarios import load_scenarios

    ledger, prepared = recent_ledger(engine, as_of=as_of)
    with engine.connect() as conn:
        customers = _customers_of(ledger, engine, conn, as_of, load_scenarios(conn), prepared)
    return planner.plan(
        engine,
        as_of,
        entry_ids=[entry_id],
        viewer=who,
        force_level=level,
        ledger=ledger,
        customers=customers,
    )


def preview_dun(
    engine: Engine,
    who: Viewer,
    entry_id: int,
    level: int,
    channel: str | None = None,
    as_of: date | None = None,
) -> DunPreview:
    """What dunning an open item now at `level` by `channel` would send.

    Args:
        engine: the store.
        who: the viewer (admin or collector, the item's customer in their scope).
        entry_id: the open item.
        level: 0 (prévenance) to 5; the item is sent at this level whatever it reached.
        channel: email, letter or phone among those the scenario has at this level (default:
            email when there is one, else the first).
        as_of: the day (default today).

    Raises:
        AccessDenied: for another role, or an item outside the viewer's scope.
        InvalidInput: for a bad level or channel, a template that fails (field "template");
            NotDunnable when the planner leaves the item out (disputed, promised, stopped...).
    """
    from src_dash.dunning.planner import PlanError
    from src_dash.dunning.templates import Renderer, TemplateError

    require(who, WORK)
    level = _level(level)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        entry_id = _entry(conn, who, entry_id)
        # Checked live: the preview's ledger may be a few seconds old.
        reason = _blocked(conn, [entry_id], as_of)
    if reason:
        raise NotDunnable(reason)
    try:
        found = _plan_item(engine, who, entry_id, level, as_of)
    except PlanError as exc:
        raise InvalidInput("level", str(exc)) from exc
    proposals = _proposals(found, entry_id)
    if not proposals:
        raise _why_not(found, entry_id)
    channels = tuple(dict.fromkeys(p.channel for p in proposals))
    if channel in (None, ""):
        channel = channels[0]
    if channel not in channels:
        raise InvalidInput(
            "channel", f"{channel!r} is not a step at this level ({', '.join(channels)})"
        )
    chosen = next(p for p in proposals if p.channel == channel)
    subject = html = text = ""
    if chosen.channel in (EMAIL, LETTER):
        try:
            with engine.connect() as conn:
                rendered = Renderer(conn).render(chosen)
        except TemplateError as exc:
            raise InvalidInput("template", str(exc)) from exc
        subject, html, text = rendered.subject, rendered.html, rendered.text
    return DunPreview(
        entry_id=entry_id,
        customer_id=chosen.customer_id,
        level=level,
        channel=chosen.channel,
        channels=channels,
        step_name=chosen.step_name,
        needs_approval=chosen.needs_approval,
        to=chosen.to if chosen.channel == EMAIL else (),
        cc=chosen.cc if chosen.channel == EMAIL else (),
        subject=subject,
        html=html,
        text=text,
        items=chosen.items,
        total=chosen.total,
        currency=chosen.book_currency,
        proposal=chosen,
    )


def _blocked(conn: Connection, entry_ids: list[int], as_of: date) -> str:
    """A reason the items may no longer be dunned (changed since the preview), or ""."""
    for s in _statuses(conn, entry_ids, as_of).values():
        if s.dispute_id is not None:
            return "disputed"
        if s.promised_on is not None and s.promised_on >= as_of:
            return "promised"
        if s.item_stopped:
            return "item_stopped"
        if s.stopped:
            return "customer_stopped"
    return ""


def dun_now(engine: Engine, who: Viewer, preview: DunPreview) -> DunResult:
    """Send the previewed message now: write its run (approved by the viewer) and bump the
    data version so the tables refresh. Delivery is `deliver`'s (the dispatcher's) job.

    Args:
        engine: the store.
        who: the viewer (admin or collector); it must be allowed to work the customer.
        preview: what `preview_dun` showed; its proposal is sent as it is.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        NotDunnable: when the item was disputed, promised or stopped since the preview.
    """
    from src_dash.dunning.runs import create_run

    require(who, WORK)
    proposal = preview.proposal
    moving = [i.entry_id for i in proposal.items if i.advances]
    with engine.connect() as conn:
        customers_of_entries(conn, who, moving)
        reason = _blocked(conn, moving, proposal.as_of)
    if reason:
        raise NotDunnable(reason)
    result = create_run(engine, [proposal], viewer=who, approve=True)
    if result.errors:
        raise InvalidInput("template", result.errors[0].message)
    with engine.begin() as conn:
        # The run itself leaves the analytics' version alone; the row's level changed.
        bump_data_version(conn)
    if result.existing and not result.actions:
        status = "already"
    elif proposal.channel == PHONE:
        status = "call"
    else:
        status = "queued"
    return DunResult(
        run=result.run,
        status=status,
        channel=proposal.channel,
        level=proposal.level,
        message_ids=result.message_ids,
        action_ids=result.action_ids,
    )


async def deliver(
    engine: Engine,
    who: Viewer,
    settings: Settings | None = None,
    tries: int = 5,
    wait_seconds: float = 1.0,
) -> object:
    """One pass of the dispatcher for what the viewer just queued (and anything else due).

    When another dispatcher holds the lock, or the pass stopped on a store error (SQLite refuses
    a write while another one is under way), waits and tries again a few times; the next pass
    puts back what a stopped one had claimed, and what is still queued goes with the
    scheduler's next pass anyway.

    Returns:
        The dispatcher's last `DispatchResult`.
    """
    from src_dash.dunning.dispatch import dispatch_async

    require(who, WORK)
    done = None
    for attempt in range(max(1, tries)):
        done = await dispatch_async(engine, settings, sent_by=who.user_id)
        if not (done.busy or done.store_error):
            break
        if attempt + 1 < tries:
            await asyncio.sleep(wait_seconds)
    return done


def _statuses(conn: Connection, entry_ids: Sequence[int], as_of: date) -> dict[int, ItemStatus]:
    """The states of some items, read from the store (the rule of `open_items._base`)."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        return {}
    e, s, c = Entry.__table__, ItemState.__table__, Customer.__table__
    rows = conn.execute(
        select(
            e.c.id,
            e.c.customer_id,
            s.c.level,
            s.c.next_level,
            s.c.last_dunned_on,
            s.c.stop_reason,
            s.c.stop_until,
            c.c.stop_reason.label("customer_stop_reason"),
            c.c.stop_until.label("customer_stop_until"),
        )
        .select_from(e.join(c, c.c.id == e.c.customer_id).outerjoin(s, s.c.entry_id == e.c.id))
        .where(e.c.id.in_(ids))
    ).all()
    customers = sorted({r.customer_id for r in rows})
    p, pi = Promise.__table__, PromiseItem.__table__
    promises: dict[int, tuple] = {}
    for r in conn.execute(
        select(pi.c.entry_id, p.c.id, p.c.promised_on, pi.c.amount)
        .select_from(p.join(pi, pi.c.promise_id == p.c.id))
        .where(p.c.customer_id.in_(customers), p.c.status == "pending", pi.c.entry_id.in_(ids))
        .order_by(p.c.promised_on, p.c.id)
    ):
        promises.setdefault(r.entry_id, (r.id, r.promised_on, r.amount))
    d, di, dr = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
    disputes: dict[int, tuple] = {}
    for r in conn.execute(
        select(di.c.entry_id, d.c.id, func.coalesce(dr.c.label, "").label("reason"))
        .select_from(d.join(di, di.c.dispute_id == d.c.id).outerjoin(dr, dr.c.id == d.c.reason_id))
        .where(d.c.customer_id.in_(customers), d.c.status == "open", di.c.entry_id.in_(ids))
        .order_by(d.c.id)
    ):
        disputes.setdefault(r.entry_id, (r.id, r.reason))
    a, ai = Action.__table__, ActionItem.__table__
    actions: dict[int, tuple] = {}
    for r in conn.execute(
        select(ai.c.entry_id, a.c.id, a.c.kind, a.c.outcome, a.c.done_at)
        .select_from(a.join(ai, and_(ai.c.action_id == a.c.id, ai.c.entry_id.in_(ids))))
        .where(a.c.customer_id.in_(customers), a.c.status == "done", a.c.done_at.is_not(None))
    ):
        done_on = r.done_at.date()
        key = (done_on, r.id)
        if r.entry_id not in actions or key > actions[r.entry_id][0]:
            text = f"{r.kind}:{r.outcome}" if r.outcome else r.kind
            actions[r.entry_id] = (key, done_on, text)
    out = {}
    for r in rows:
        item_stopped = bool(r.stop_reason) and (r.stop_until is None or r.stop_until > as_of)
        customer_stopped = bool(r.customer_stop_reason) and (
            r.customer_stop_until is None or r.customer_stop_until > as_of
        )
        if item_stopped:
            stop_reason, stop_until = r.stop_reason, r.stop_until
        elif customer_stopped:
            stop_reason, stop_until = r.customer_stop_reason, r.customer_stop_until
        else:
            stop_reason, stop_until = "", None
        done = actions.get(r.id)
        done_on = done[1] if done else None
        dunned = r.last_dunned_on
        if dunned is not None and (done_on is None or dunned > done_on):
            last_on, last = dunned, "step"
        else:
            last_on, last = done_on, (done[2] if done else "")
        promise = promises.get(r.id)
        dispute = disputes.get(r.id)
        stopped = item_stopped or customer_stopped
        if dispute:
            state = "disputed"
        elif promise:
            state = "promised"
        elif stopped:
            state = "stopped"
        else:
            state = "none"
        out[r.id] = ItemStatus(
            entry_id=r.id,
            customer_id=r.customer_id,
            level=r.level or 0,
            next_level=r.next_level,
            stopped=stopped,
            item_stopped=item_stopped,
            stop_reason=stop_reason or "",
            stop_until=stop_until,
            last_action_on=last_on,
            last_action=last,
            promise_id=promise[0] if promise else None,
            promised_on=promise[1] if promise else None,
            promise_amount=promise[2] if promise else None,
            dispute_id=dispute[0] if dispute else None,
            dispute_reason=dispute[1] if dispute else "",
            state=state,
        )
    return out


def item_status(
    engine: Engine, who: Viewer, entry_ids: Sequence[int], as_of: date | None = None
) -> dict[int, ItemStatus]:
    """The fresh state of some items of the viewer's scope (after an inline action on them).

    Raises:
        AccessDenied: when an item is unknown or outside the viewer's scope.
    """
    with engine.connect() as conn:
        customers_of_entries(conn, who, entry_ids)
        return _statuses(conn, entry_ids, as_of or clock_today())


@dataclass(frozen=True)
class ItemTarget:
    """An open item an inline action is about to act on, with its fresh state."""

    entry_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    piece: str
    reference: str
    due_date: date | None
    residual: Decimal
    currency: str
    status: ItemStatus


def item_target(
    engine: Engine, who: Viewer, entry_id: int, as_of: date | None = None
) -> ItemTarget:
    """The item an inline action opens on (any role that sees it; the actions check again).

    Raises:
        AccessDenied: when the item is unknown or outside the viewer's scope.
    """
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError) as exc:
        raise AccessDenied("item not found") from exc
    e, c = Entry.__table__, Customer.__table__
    with engine.connect() as conn:
        customers_of_entries(conn, who, [entry_id])
        row = conn.execute(
            select(
                e.c.id,
                e.c.customer_id,
                e.c.piece,
                e.c.reference,
                e.c.due_date,
                e.c.residual,
                c.c.number,
                c.c.name,
            )
            .select_from(e.join(c, c.c.id == e.c.customer_id))
            .where(e.c.id == entry_id)
        ).one()
        status = _statuses(conn, [entry_id], as_of or clock_today())[entry_id]
        currency = _book_currency(conn, row.customer_id)
    return ItemTarget(
        entry_id=row.id,
        customer_id=row.customer_id,
        customer_number=row.number or "",
        customer_name=row.name or "",
        piece=row.piece or "",
        reference=row.reference or "",
        due_date=row.due_date,
        residual=row.residual,
        currency=currency,
        status=status,
    )


def _book_currency(conn: Connection, customer_id: int) -> str:
    c, k = Customer.__table__, Company.__table__
    found = conn.execute(
        select(k.c.currency)
        .select_from(c.join(k, k.c.id == c.c.company_id))
        .where(c.c.id == customer_id)
    ).scalar()
    return found or "EUR"
