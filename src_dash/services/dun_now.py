"""Inline work on one open item, from its row: dun it now, and read its fresh state afterwards.

Dunning now is a thin adapter over the dunning engine: the planner, asked for this item at a
chosen level (`plan(entry_ids=..., force_level=..., viewer=...)`), gives one proposal per step of
the customer's scenario at that level (a channel each: email, letter, phone); the chosen one is
rendered for the preview, then written by `runs.create_run` (approved by the user who previewed
it) and delivered by one pass of the dispatcher. Stops, disputes, pending promises and "do not
dun" still apply: the item is then not dunnable and the reason is given.

A preview plans (`_plan_item`: `planner.plan` given a ledger and a customers' frame) on the
store's ledger, which a collector's change (a promise, a comment...) reloads only in part (the
follow-up's small tables), and on every customer's planning frame (profiles, scenarios, flags,
stops) prepared beforehand (`prepared_customers`): computing it costs far more than planning
one item, so the last one is used for `MAX_STALE_SECONDS` while only the follow-up changed, and
computed again at once after a sync or a change of customers, rules or scenarios. What the
planner reads live (levels and stops of the items, last messages) stays fresh; promises,
disputes and stops are checked against the store before planning and again before sending.

Guardrails: an item not yet due gets the prévenance only (level 0; the planner refuses an
overdue level with "not_due"); `proposed_level` says the level the item's scenario reaches next
(the planner's: the first step level above the one reached, or the level set by hand), and
`dun_now` asks a reason to go past it (kept as the action's note and in the audit log). Actions
made here are marked ``origin = "dun_now"``: the campaigns' list leaves them out.

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
from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.ledger import Ledger, get_ledger, open_residuals
from src_dash.clock import today as clock_today
from src_dash.config import Settings
from src_dash.dunning.model import (
    EMAIL,
    LETTER,
    PHONE,
    Exclusion,
    Plan,
    PlannedItem,
    Proposal,
    Recipient,
)
from src_dash.services.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    customers_of_entries,
    require,
)
from src_dash.services.inputs import InvalidInput
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
ORIGIN = "dun_now"  # Action.origin of what dun-now writes (kept out of the campaigns' list)
MAX_REASON = 500
MAX_STALE_SECONDS = 10.0  # how old a preview's ledger may get before a newer one is prepared
logger = logging.getLogger(__name__)
CHANNEL_ORDER = (EMAIL, LETTER, PHONE)
# The planner's reasons that keep an item from being dunned whatever the level asked.
BLOCKING = (
    "not_due",
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
        detail: the planner's detail in English (a stop's reason and end, a missing
            recipient, ...).
        exclusion: the planner's exclusion, whose parameters (amount, day, note, level) let
            the UI say the detail in the user's language; None when the reason was found
            before planning.
        currency: the customer's book currency (of the exclusion's amount).
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        exclusion: Exclusion | None = None,
        currency: str = "EUR",
    ) -> None:
        """Keep the reason; the field at fault is the level."""
        super().__init__("level", f"not dunnable: {reason}{f' ({detail})' if detail else ''}")
        self.reason = reason
        self.detail = detail
        self.exclusion = exclusion
        self.currency = currency


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
    proposed_level: int | None = None  # the level the scenario reaches next (None: unknown)
    reached: int = 0  # the level the item reached (app or Sage)

    @property
    def skips(self) -> bool:
        """Whether this level goes past the one the scenario reaches next (a reason is asked)."""
        return self.proposed_level is not None and self.level > self.proposed_level


@dataclass(frozen=True)
class LevelProposal:
    """The level dun-now proposes for an item, and why.

    Attributes:
        level: the level the scenario reaches next (0: the prévenance, for an item not yet due).
        reached: the highest level already sent (by the app, or by Sage's own reminders).
        overdue: whether the item is past its due date today.
        due_date: its due date (its posting date when it has none).
        levels: the levels that may be asked (0 only before the due date; 1..5 after it).
    """

    entry_id: int
    level: int
    reached: int
    overdue: bool
    due_date: date | None
    levels: tuple[int, ...]


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
    # Open as the pages show it (the ledger's residual), not as the source wrote the line.
    residual = open_residuals(conn.engine, [entry_id]).get(entry_id)
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
                return NotDunnable(reason, x.detail, exclusion=x)
    if mine:
        return NotDunnable(mine[0].reason, mine[0].detail, exclusion=mine[0])
    return NotDunnable("no_step")


def _proposals(found: Plan, entry_id: int) -> list[Proposal]:
    mine = [
        p for p in found.proposals if any(i.entry_id == entry_id and i.advances for i in p.items)
    ]
    return sorted(
        mine,
        key=lambda p: CHANNEL_ORDER.index(p.channel) if p.channel in CHANNEL_ORDER else 9,
    )


@dataclass
class _Prepared:
    """Every customer's planning frame (`planner._customers`), computed on one ledger."""

    key: tuple  # entries' and parties' versions, day, scenarios
    frame: pl.DataFrame
    version: int  # the data version of the ledger it was computed on
    made_at: float  # time.monotonic()


_PREPARED: dict[str, _Prepared] = {}
_PREPARED_LOCK = threading.Lock()
_PREPARING: set[str] = set()
_COMPUTE_LOCKS: dict[str, threading.Lock] = {}


def _prepared_key(ledger: Ledger, as_of: date, scenarios: list) -> tuple:
    return (
        ledger.entries_version,
        ledger.parties_version,
        as_of,
        tuple((s.id, s.profile, s.active) for s in scenarios),
    )


def _prepare(engine: Engine, ledger: Ledger, as_of: date, scenarios: list, key: str) -> _Prepared:
    """Compute every customer's planning frame on the ledger and keep it for the store."""
    from src_dash.dunning import planner

    with engine.connect() as conn:
        frame = planner._customers(ledger, engine, conn, as_of, scenarios, None)  # noqa: SLF001
    wanted = _prepared_key(ledger, as_of, scenarios)
    made = _Prepared(wanted, frame, ledger.version, time.monotonic())
    with _PREPARED_LOCK:
        current = _PREPARED.get(key)
        if current is None or current.key != made.key or current.version <= made.version:
            _PREPARED[key] = made
    return made


def _prepare_soon(engine: Engine, as_of: date, key: str) -> None:
    """Compute a newer frame in the background (one at a time per store)."""
    from src_dash.dunning.scenarios import load_scenarios

    with _PREPARED_LOCK:
        if key in _PREPARING:
            return
        _PREPARING.add(key)

    def work() -> None:
        try:
            ledger = get_ledger(engine)
            with engine.connect() as conn:
                scenarios = load_scenarios(conn)
            _prepare(engine, ledger, as_of, scenarios, key)
        except Exception:  # the previews go on with the frame they have
            logger.exception("preparing the previews' customers failed")
        finally:
            with _PREPARED_LOCK:
                _PREPARING.discard(key)

    threading.Thread(target=work, name="dun-now-customers", daemon=True).start()


def prepared_customers(
    engine: Engine,
    ledger: Ledger,
    as_of: date,
    scenarios: list,
    max_age: float = MAX_STALE_SECONDS,
) -> pl.DataFrame:
    """Every customer's planning frame (profile, scenario, flags, stops) for a preview.

    Computing it costs far more than planning one item, and collectors change the follow-up
    all the time; so the frame computed last is used while it is under `max_age` seconds old
    and nothing it rests on changed but the follow-up (a sync, a customer, a profile rule or a
    scenario makes it be computed again at once). When it is older, a newer one is computed in
    the background meanwhile. What it may miss, a stop or a grade changed in the last seconds,
    the preview checks live (`_blocked`) or does not need to be exact.
    """
    key = engine.url.render_as_string(hide_password=False)
    wanted = _prepared_key(ledger, as_of, scenarios)
    with _PREPARED_LOCK:
        found = _PREPARED.get(key)
        lock = _COMPUTE_LOCKS.setdefault(key, threading.Lock())
    if found is None or found.key != wanted:
        # Computed here, once: the previews asking meanwhile wait for it, then share it.
        with lock:
            with _PREPARED_LOCK:
                found = _PREPARED.get(key)
            if found is None or found.key != wanted:
                found = _prepare(engine, ledger, as_of, scenarios, key)
    elif found.version != ledger.version and time.monotonic() - found.made_at >= max_age:
        _prepare_soon(engine, as_of, key)
    return found.frame


def warm_previews(engine: Engine, as_of: date | None = None) -> None:
    """Prepare the previews' customers in the background (when a collector opens the items),
    so the first "dun now" does not wait for them; does nothing when they are ready."""
    key = engine.url.render_as_string(hide_password=False)
    with _PREPARED_LOCK:
        if key in _PREPARED:
            return
    _prepare_soon(engine, as_of or clock_today(), key)


def _plan_item(engine: Engine, who: Viewer, entry_id: int, level: int, as_of: date) -> Plan:
    """`planner.plan` for one item at a forced level, on the store's ledger (a collector's
    change reloads only the follow-up's small tables) and the prepared customers' frame."""
    from src_dash.dunning import planner
    from src_dash.dunning.scenarios import load_scenarios

    ledger = get_ledger(engine)
    with engine.connect() as conn:
        scenarios = load_scenarios(conn)
    customers = prepared_customers(engine, ledger, as_of, scenarios)
    return planner.plan(
        engine,
        as_of,
        entry_ids=[entry_id],
        viewer=who,
        force_level=level,
        ledger=ledger,
        customers=customers,
        scenarios=scenarios,
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
        refused = _blocked(conn, [entry_id], as_of)
    if refused is not None:
        raise refused
    try:
        found = _plan_item(engine, who, entry_id, level, as_of)
    except PlanError as exc:
        raise InvalidInput("level", str(exc)) from exc
    proposals = _proposals(found, entry_id)
    if not proposals:
        refused = _why_not(found, entry_id)
        if refused.exclusion is not None and refused.exclusion.amount is not None:
            with engine.connect() as conn:
                refused.currency = _book_currency(conn, refused.exclusion.customer_id)
        raise refused
    channels = tuple(dict.fromkeys(p.channel for p in proposals))
    if channel in (None, ""):
        channel = channels[0]
    if channel not in channels:
        raise InvalidInput(
            "channel", f"{channel!r} is not a step at this level ({', '.join(channels)})"
        )
    chosen = next(p for p in proposals if p.channel == channel)
    proposal = proposed_level(engine, who, entry_id, as_of)
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
        proposed_level=proposal.level,
        reached=proposal.reached,
    )


def _reached(conn: Connection, entry_id: int) -> tuple[int, int | None]:
    """The level an item reached (the app's or Sage's reminders, 0..5) and its hand-set next."""
    e, s = Entry.__table__, ItemState.__table__
    row = conn.execute(
        select(e.c.reminder_count, s.c.level, s.c.next_level)
        .select_from(e.outerjoin(s, s.c.entry_id == e.c.id))
        .where(e.c.id == entry_id)
    ).one()
    reached = max(min(int(row.level or 0), LEVELS[-1]), min(int(row.reminder_count or 0), 5), 0)
    return reached, row.next_level


def proposed_level(
    engine: Engine, who: Viewer, entry_id: int, as_of: date | None = None
) -> LevelProposal:
    """The level dun-now proposes for an open item: the one its scenario reaches next.

    Before the due date, the prévenance (0), the only level allowed. After it: the level set by
    hand for the next message when there is one, else the first step level of the customer's
    scenario above the level reached (the planner's rule: no level skipped), else the
    scenario's last level; R1 when the customer has no scenario.

    Raises:
        AccessDenied: for another role, or an item outside the viewer's scope.
        InvalidInput: when the item is not an open debit.
    """
    from src_dash.dunning.model import RELANCE
    from src_dash.dunning.scenarios import load_scenarios

    require(who, WORK)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        entry_id = _entry(conn, who, entry_id)
        reached, hand = _reached(conn, entry_id)
    ledger = get_ledger(engine)
    row = ledger.view(as_of).open_items.filter(pl.col("id") == entry_id)
    due = row["due"][0] if row.height else None
    customer_id = int(row["customer_id"][0]) if row.height else None
    overdue = due is not None and due < as_of
    if not overdue:
        return LevelProposal(entry_id, 0, reached, False, due, (0,))
    with engine.connect() as conn:
        scenarios = load_scenarios(conn)
    frame = prepared_customers(engine, ledger, as_of, scenarios)
    mine = frame.filter(pl.col("customer_id") == customer_id)
    scenario_id = mine["scenario_id"][0] if mine.height else None
    spec = next((s for s in scenarios if s.id == scenario_id), None)
    steps = sorted({s.level for s in spec.steps if s.phase == RELANCE}) if spec else []
    if hand is not None and hand >= 1:
        level = min(int(hand), LEVELS[-1])
    elif steps:
        above = [lvl for lvl in steps if lvl > reached]
        level = above[0] if above else steps[-1]
    else:
        level = min(reached + 1, LEVELS[-1])
    return LevelProposal(entry_id, level, reached, True, due, LEVELS[1:])


def _blocked(conn: Connection, entry_ids: list[int], as_of: date) -> NotDunnable | None:
    """Why the items may no longer be dunned (changed since the preview), or None; a stop
    says its reason and end as the planner would."""
    for s in _statuses(conn, entry_ids, as_of).values():
        if s.dispute_id is not None:
            return NotDunnable("disputed")
        if s.promised_on is not None and s.promised_on >= as_of:
            return NotDunnable("promised")
        if s.stopped:
            reason = "item_stopped" if s.item_stopped else "customer_stopped"
            until = f" (until {s.stop_until.isoformat()})" if s.stop_until else ""
            stop = Exclusion(
                customer_id=s.customer_id,
                customer_number="",
                customer_name="",
                reason=reason,
                entry_id=s.entry_id if s.item_stopped else None,
                detail=f"{s.stop_reason}{until}",
                note=s.stop_reason,
                on=s.stop_until,
            )
            return NotDunnable(reason, stop.detail, exclusion=stop)
    return None


def dun_now(engine: Engine, who: Viewer, preview: DunPreview, reason: str = "") -> DunResult:
    """Send the previewed message now: write its run (approved by the viewer) and bump the
    data version so the tables refresh. Delivery is `deliver`'s (the dispatcher's) job.

    Args:
        engine: the store.
        who: the viewer (admin or collector); it must be allowed to work the customer.
        preview: what `preview_dun` showed; its proposal is sent as it is.
        reason: why the level goes past the one the scenario reaches next (required then);
            kept as the action's note and in the audit log.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        NotDunnable: when the item was disputed, promised or stopped since the preview, or is
            not yet due and an overdue level is asked.
        InvalidInput: when levels are skipped without a reason (field "reason").
    """
    from src_dash.dunning.runs import create_run

    require(who, WORK)
    proposal = preview.proposal
    moving = [i.entry_id for i in proposal.items if i.advances]
    with engine.connect() as conn:
        customers_of_entries(conn, who, moving)
        refused = _blocked(conn, moving, proposal.as_of)
    if refused is not None:
        raise refused
    if proposal.level >= 1 and any(
        i.advances and (i.due_date or i.posting_date) >= proposal.as_of for i in proposal.items
    ):
        raise NotDunnable("not_due", "not yet due: only the prévenance may be sent")
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if preview.skips and not reason:
        raise InvalidInput(
            "reason",
            f"a reason is needed to send level {preview.level} "
            f"(the scenario reaches {preview.proposed_level} next)",
        )
    result = create_run(engine, [proposal], viewer=who, approve=True)
    if result.errors:
        raise InvalidInput("template", result.errors[0].message)
    with engine.begin() as conn:
        if result.action_ids:
            a = Action.__table__
            values: dict[str, str] = {"origin": ORIGIN}
            if reason:
                values["note"] = reason
            conn.execute(update(a).where(a.c.id.in_(result.action_ids)).values(**values))
            if preview.skips:
                audit(
                    conn,
                    who,
                    "dun_now.skip",
                    "action",
                    result.action_ids[0],
                    entry_id=preview.entry_id,
                    reached=preview.reached,
                    proposed=preview.proposed_level,
                    level=preview.level,
                    reason=reason,
                )
        # The run itself leaves the analytics' version alone; the row's level changed.
        bump_data_version(conn, parties=False)
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

    The pass runs in a worker thread, on its own event loop: it reads and writes the store
    without awaiting (taking back what a stopped pass had claimed, for one), which on the app's
    loop would hold up every other user's events meanwhile.

    Returns:
        The dispatcher's last `DispatchResult`.
    """
    from src_dash.dunning.dispatch import dispatch

    require(who, WORK)
    done = None
    for attempt in range(max(1, tries)):
        done = await asyncio.to_thread(dispatch, engine, settings, sent_by=who.user_id)
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
