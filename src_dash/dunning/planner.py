"""The planner: as of a date, the dunning messages (and calls) to make for every customer.

Everything is computed in Polars on the cached ledger (open items and settled items as of the
date) joined with the customers' profiles and scenarios, the items' states, promises, disputes
and the last messages; only the small tables (scenarios, steps, rules), the item states, the
customers' stops and the last message dates are read from the store on every call.

Levels (ItemState, one row per item the app has acted on):
- ``level`` is the highest level sent: 0 none (or only the prévenance), 1..5 R1..R5, 6 once the
  thank-you was sent (an item is thanked once). A prévenance was sent when ``level`` is 0 and
  ``last_dunned_on`` is set. Sage's own reminders (EC_Rappel, EC_DateRelance, on the entry)
  count as levels sent too, so moving from Sage's dunning does not start again at R1.
- ``next_level`` set by hand is the level of the next message: sent at the next run without
  waiting for the step's delay (the minimum gap and the exclusions still apply). The delivery
  side clears it once sent.
- ``last_dunned_on`` is the day of the item's last message (the delay of a step counted from
  the previous one, and the gap).

Per item: the next level is the first step level above the one reached (never skipping a level,
at most one level per run), due when the step's delay from the due date (or from the item's
last message) has passed; a prévenance is proposed before the due date to items never dunned.
Per customer: nothing within `min_gap_days` of its last message (messages not failed, bounced or
cancelled, and items' last dates); the thresholds per item and per customer; in
account-situation mode one message listing every overdue item with its own level, on the
template of the highest level (items already dunned with no step due are listed with
``advances`` False); else one message per level. A thank-you (remerciement) goes for items that
had been dunned (ItemState level 1..5) and were settled in the last `THANK_YOU_DAYS` days, when
the customer gets nothing else that day.

Left out, with the reason: customers not to be dunned, dormant, stopped, without scenario, in
credit; items stopped (until their end date: released on that day), disputed, under a pending
promise (until its date), doubtful (416, clients douteux: "doubtful", unless the item is named, as
a collector's dun-now names it), out of the scenario's journals or document kinds, below the
thresholds;
customers dunned too recently, and email steps with nobody to write to ("no_recipient").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.ledger import Ledger, get_ledger, id_list, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.analytics.scope import EVERYTHING
from src_dash.analytics.scoring import score_frame
from src_dash.clock import today as clock_today
from src_dash.dunning.model import (
    LETTER,
    PREVENANCE,
    RELANCE,
    REMERCIEMENT,
    Exclusion,
    Plan,
    PlannedItem,
    Proposal,
    Recipient,
)
from src_dash.dunning.profiles import hand_settings, load_rules, profile_frame
from src_dash.dunning.recipients import ContactRow, contacts_for, load_contacts, resolve
from src_dash.dunning.scenarios import (
    DUNNED_KINDS,
    MAX_LEVEL,
    THANK_YOU_LEVEL,
    ScenarioSpec,
    StepSpec,
    load_scenarios,
)
from src_dash.money import to_cents
from src_dash.services.access import Viewer, check_customers, customers_of_entries
from src_dash.store import SalesRep

THANK_YOU_DAYS = 30  # a thank-you is proposed for payments of the last 30 days only
NOT_SENT = ("failed", "bounced", "cancelled")  # messages that do not count for the gap
# The order in which a customer's reasons are tried: the first that applies is shown.
CUSTOMER_REASONS = ("do_not_dun", "dormant", "customer_stopped", "no_scenario", "in_credit")
ITEM_REASONS = (
    "item_stopped",
    "disputed",
    "promised",
    "doubtful",
    "journal_excluded",
    "document_kind_excluded",
    "below_item_threshold",
)


# What a proposal needs of its customer.
_CUSTOMER_COLUMNS = (
    "customer_id", "scenario_id", "company_id", "number", "name", "email", "sales_rep_id",
    "collector_id", "language", "book_currency", "profile", "no_penalties",
)  # fmt: skip


class PlanError(ValueError):
    """A plan asked with wrong arguments (unknown scenario, a forced level without a target)."""


@dataclass(frozen=True)
class Criteria:
    """Which customers and items a mass run covers; None (or empty) means no filter."""

    company_ids: frozenset[int] | None = None
    sales_rep_ids: frozenset[int] | None = None
    collector_ids: frozenset[int] | None = None
    profiles: frozenset[str] | None = None
    grades: frozenset[str] | None = None
    min_score: int | None = None
    max_score: int | None = None
    min_outstanding: Decimal | None = None  # the customer's balance
    max_outstanding: Decimal | None = None
    min_days_late: int | None = None  # per item (days past the due date)
    max_days_late: int | None = None
    min_item_amount: Decimal | None = None  # per item (residual)
    free_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, accepted values)


# ---- what is read from the store on every call


def _iso(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _iso_utc(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


FEW = 1000  # up to this many items or customers, their rows are read by id


def _among(column: str, ids: list[int] | None) -> str:
    """A WHERE clause keeping the rows of a few ids (integers: listed inline), or ""."""
    if ids is None:
        return ""
    return f" WHERE {column} IN ({id_list(ids)})"


def _item_states(conn: Connection, entry_ids: list[int] | None = None) -> pl.DataFrame:
    """The app's state of the items (levels, stops): of every item, or of a few."""
    d = conn.dialect.name
    return read_table(
        conn,
        Table(
            f"SELECT entry_id, level, next_level, {_iso(d, 'last_dunned_on')}, stop_reason, "
            f"{_iso(d, 'stop_until')} FROM item_state{_among('entry_id', entry_ids)}",
            {
                "id": pl.Int64,
                "state_level": pl.Int32,
                "next_level": pl.Int32,
                "last_dunned_on": pl.Date,
                "item_stop_reason": pl.String,
                "item_stop_until": pl.Date,
            },
        ),
    )


def _customer_stops(conn: Connection) -> pl.DataFrame:
    d = conn.dialect.name
    return read_table(
        conn,
        Table(
            f"SELECT id, stop_reason, {_iso(d, 'stop_until')} FROM customer "
            "WHERE stop_reason <> '' OR stop_until IS NOT NULL",
            {"customer_id": pl.Int32, "stop_reason": pl.String, "stop_until": pl.Date},
        ),
    )


def _last_messages(
    conn: Connection, as_of: date, customer_ids: list[int] | None = None
) -> pl.DataFrame:
    """Per customer (of every one, or of a few), the day of the last message not failed (as
    of the date)."""
    from src_dash.store import Message

    d = conn.dialect.name
    columns = Message.__table__.c
    day = _iso_utc(d, "created_at")
    if "dunned_on" in columns:  # the run's day, when the delivery side records it
        day = f"coalesce({_iso(d, 'dunned_on')}, {day})"
    statuses = ", ".join(f"'{s}'" for s in NOT_SENT)
    few = _among("customer_id", customer_ids).replace(" WHERE ", " AND ")
    frame = read_table(
        conn,
        Table(
            f"SELECT customer_id, max({day}) FROM message WHERE status NOT IN ({statuses}) "
            f"AND {day} <= '{as_of.isoformat()}'{few} GROUP BY customer_id",
            {"customer_id": pl.Int32, "last_message_on": pl.Date},
        ),
    )
    return frame


def _sales_reps(conn: Connection) -> dict[int, tuple[str, str]]:
    t = SalesRep.__table__
    rows = conn.execute(select(t.c.id, t.c.first_name, t.c.last_name, t.c.email)).all()
    return {r.id: (" ".join(p for p in (r.first_name, r.last_name) if p), r.email) for r in rows}


def _entry_details(conn: Connection, ids: list[int]) -> pl.DataFrame:
    """Piece, reference and Sage's own reminders (EC_Rappel, EC_DateRelance) of some entries.

    The ledger frame holds none of them; they are read by primary key for the items at hand
    only (a scan of the whole entry table costs more).
    """
    ids = sorted({int(i) for i in ids})
    d = conn.dialect.name
    columns = f"id, piece, reference, reminder_count, {_iso(d, 'last_reminder_on')}"
    raw = conn.connection.driver_connection
    rows: list[tuple] = []
    if ids and d == "postgresql":
        with raw.cursor() as cur:
            cur.execute(f"SELECT {columns} FROM entry WHERE id = ANY(%s)", (ids,))
            rows = cur.fetchall()
    else:
        for start in range(0, len(ids), 10000):
            chunk = id_list(ids[start : start + 10000])
            cur = raw.cursor()
            try:
                cur.execute(f"SELECT {columns} FROM entry WHERE id IN ({chunk})")
                rows += cur.fetchall()
            finally:
                cur.close()
    frame = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "piece": pl.String,
            "reference": pl.String,
            "sage_level": pl.Int32,
            "sage_last_on": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(
        pl.col("piece", "reference").fill_null(""),
        pl.col("sage_last_on").str.to_date("%Y-%m-%d", strict=False),
    )


def _cached_details(ledger: Ledger, conn: Connection, ids: pl.Series) -> pl.DataFrame:
    """`_entry_details` of some entries, kept with the ledger's entries: pieces and Sage's
    reminders change only through the sync, which bumps the entries' version."""
    holder = ledger.memo(("dunning_entry_details",), lambda: {"frame": None}, keep="entries")
    known = holder["frame"]
    wanted = ids.unique()
    missing = wanted if known is None else wanted.filter(~wanted.is_in(known["id"].implode()))
    if not missing.is_empty() or known is None:
        fresh = _entry_details(conn, missing.to_list())
        known = fresh if known is None else pl.concat([known, fresh]).unique("id")
        holder["frame"] = known
    return known.filter(pl.col("id").is_in(wanted.implode()))


def _with_pieces(conn: Connection, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of entries with their piece and reference added."""
    details = _entry_details(conn, frame["id"].to_list()).select("id", "piece", "reference")
    return frame.join(details, on="id", how="left").with_columns(
        pl.col("piece", "reference").fill_null("")
    )


# ---- helpers


def _stopped(reason: str, until: str, as_of: date) -> pl.Expr:
    """Stopped while a reason or an end date is set, released on the end date."""
    r, u = pl.col(reason).fill_null(""), pl.col(until)
    return ((r != "") | u.is_not_null()) & (u.is_null() | (pl.lit(as_of) < u))


def _recipients(
    customer: dict, step: StepSpec, contacts: dict[int, list[ContactRow]], reps: dict
) -> tuple[tuple[Recipient, ...], tuple[Recipient, ...]]:
    """To and Cc of a step's message to a customer (its contacts, its email, its sales rep)."""
    rep_name, rep_email = reps.get(customer["sales_rep_id"], ("", ""))
    return resolve(
        to_services=step.to_services,
        cc_services=step.cc_services,
        cc_sales_rep=step.cc_sales_rep,
        contacts=contacts.get(customer["customer_id"], ()),
        customer_email=customer["email"] or "",
        customer_name=customer["name"] or "",
        sales_rep_email=rep_email,
        sales_rep_name=rep_name,
    )


def _find_scenario(scenarios: list[ScenarioSpec], wanted: int | str) -> ScenarioSpec:
    for spec in scenarios:
        if spec.id == wanted or str(spec.id) == str(wanted):
            return spec
        if isinstance(wanted, str) and spec.name.casefold() == wanted.strip().casefold():
            return spec
    names = ", ".join(s.name for s in scenarios) or "none"
    raise PlanError(f"no scenario {wanted!r} (the scenarios are: {names})")


def _steps_at(spec: ScenarioSpec, level: int) -> list[StepSpec]:
    """The steps whose template serves a message of this level (0 prévenance, 1..5 relance)."""
    if level == 0:
        return [s for s in spec.steps if s.phase == PREVENANCE]
    relances = [s for s in spec.steps if s.phase == RELANCE]
    if not relances:
        return []
    levels = sorted({s.level for s in relances})
    below = [lvl for lvl in levels if lvl <= level]
    chosen = below[-1] if below else levels[0]
    return [s for s in relances if s.level == chosen]


def _money(cents: int | None) -> Decimal:
    """Cents -> Decimal with two places (as money.from_cents, faster for many items)."""
    return Decimal(int(cents or 0)).scaleb(-2)


def _cents_text(cents: pl.Expr) -> pl.Expr:
    """Integer cents as an amount with two decimals ("-100.00")."""
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    units = (cents.abs() // 100).cast(pl.String)
    return sign + units + pl.lit(".") + (cents.abs() % 100).cast(pl.String).str.zfill(2)


def _scenario_frame(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "scenario_id": [s.id for s in scenarios],
            "min_item": [to_cents(s.min_item_amount) for s in scenarios],
            "min_customer": [to_cents(s.min_customer_amount) for s in scenarios],
            "gap_days": [s.min_gap_days for s in scenarios],
            "with_unexpired": [s.include_unexpired_credit_notes for s in scenarios],
        },
        schema={
            "scenario_id": pl.Int64,
            "min_item": pl.Int64,
            "min_customer": pl.Int64,
            "gap_days": pl.Int32,
            "with_unexpired": pl.Boolean,
        },
    )


def _next_steps(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    """Per scenario and level reached (0..5): the next relance level and its delay."""
    rows = []
    for spec in scenarios:
        timing: dict[int, tuple[int, str]] = {}
        for step in spec.steps:
            if step.phase == RELANCE:
                timing.setdefault(step.level, (step.day_offset, step.offset_from))
        for reached in range(MAX_LEVEL + 1):
            above = sorted(lvl for lvl in timing if lvl > reached)
            if above:
                offset, start = timing[above[0]]
                rows.append((spec.id, reached, above[0], offset, start == "previous_step"))
    return pl.DataFrame(
        rows,
        schema={
            "scenario_id": pl.Int64,
            "prev": pl.Int32,
            "next_rel": pl.Int32,
            "rel_offset": pl.Int32,
            "from_previous": pl.Boolean,
        },
        orient="row",
    )


def _prevenance_offsets(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    rows = []
    for spec in scenarios:
        pre = [s for s in spec.steps if s.phase == PREVENANCE]
        if pre:
            rows.append((spec.id, pre[0].day_offset))
    return pl.DataFrame(
        rows, schema={"scenario_id": pl.Int64, "pre_offset": pl.Int32}, orient="row"
    )


def _thank_you_offsets(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    rows = []
    for spec in scenarios:
        thanks = [s for s in spec.steps if s.phase == REMERCIEMENT]
        if thanks:
            rows.append((spec.id, thanks[0].day_offset))
    return pl.DataFrame(
        rows, schema={"scenario_id": pl.Int64, "thanks_offset": pl.Int32}, orient="row"
    )


def _per_scenario(scenarios: list[ScenarioSpec], test) -> pl.Expr:  # noqa: ANN001
    """A boolean per item from a per-scenario expression (None: true for that scenario)."""
    expr = pl.lit(True)
    parts = [(s.id, test(s)) for s in scenarios]
    parts = [(i, e) for i, e in parts if e is not None]
    if not parts:
        return expr
    chain = pl.when(pl.col("scenario_id") == parts[0][0]).then(parts[0][1])
    for scenario_id, cond in parts[1:]:
        chain = chain.when(pl.col("scenario_id") == scenario_id).then(cond)
    return chain.otherwise(pl.lit(True))


def _journal_test(spec: ScenarioSpec) -> pl.Expr | None:
    return pl.col("journal").is_in(list(spec.journals)) if spec.journals else None


def _kind_test(spec: ScenarioSpec) -> pl.Expr:
    kinds = list(spec.document_kinds) or list(DUNNED_KINDS)
    return pl.col("kind").cast(pl.String).is_in(kinds)


# ---- the plan


def _customers(
    ledger: Ledger,
    engine: Engine,
    conn: Connection,
    as_of: date,
    scenarios: list[ScenarioSpec],
    criteria: Criteria | None,
) -> pl.DataFrame:
    """Every customer with profile, scenario, flags and stops as of the date."""
    rules = load_rules(conn)
    hand = hand_settings(conn)
    frame = profile_frame(ledger, engine, as_of, rules, hand)
    active = [s for s in scenarios if s.active]
    by_profile: dict[str, int] = {}
    for spec in sorted(active, key=lambda s: s.id or 0):
        if spec.profile:
            by_profile.setdefault(spec.profile, spec.id)
    active_ids = [s.id for s in active]
    frame = (
        frame.join(
            ledger.customers.select(
                "customer_id", "number", "name", "email", "sales_rep_id", "collector_id",
                "removed", "do_not_dun", "dormant",
            ),
            on="customer_id",
            how="left",
        )
        .join(hand.select("customer_id", "hand_scenario_id"), on="customer_id", how="left")
        .join(_customer_stops(conn), on="customer_id", how="left")
        .filter(~pl.col("removed").fill_null(False))
        .with_columns(
            scenario_id=pl.coalesce(
                pl.when(pl.col("hand_scenario_id").is_in(active_ids)).then(
                    pl.col("hand_scenario_id")
                ),
                pl.col("profile").replace_strict(by_profile, default=None, return_dtype=pl.Int64),
            )
        )
    )  # fmt: skip
    reason = (
        pl.when(pl.col("do_not_dun"))
        .then(pl.lit("do_not_dun"))
        .when(pl.col("dormant"))
        .then(pl.lit("dormant"))
        .when(_stopped("stop_reason", "stop_until", as_of))
        .then(pl.lit("customer_stopped"))
        .when(pl.col("scenario_id").is_null())
        .then(pl.lit("no_scenario"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    # A company switched off in the settings is dunned no more (one scope rule for all).
    frame = ledger.scoped(frame, EVERYTHING).with_columns(customer_reason=reason)
    if criteria is not None:
        frame = _customer_criteria(frame, ledger, as_of, criteria)
    return frame


def _customer_criteria(
    frame: pl.DataFrame, ledger: Ledger, as_of: date, c: Criteria
) -> pl.DataFrame:
    conds = []
    if c.company_ids is not None:
        conds.append(pl.col("company_id").is_in(list(c.company_ids)))
    if c.sales_rep_ids is not None:
        conds.append(pl.col("sales_rep_id").is_in(list(c.sales_rep_ids)))
    if c.collector_ids is not None:
        assigned = ledger.portfolio.filter(pl.col("user_id").is_in(list(c.collector_ids)))
        conds.append(
            pl.col("collector_id").is_in(list(c.collector_ids))
            | pl.col("customer_id").is_in(assigned["customer_id"].implode())
        )
    if c.profiles is not None:
        conds.append(pl.col("profile").is_in(list(c.profiles)))
    if c.min_outstanding is not None:
        conds.append(pl.col("outstanding") >= to_cents(c.min_outstanding))
    if c.max_outstanding is not None:
        conds.append(pl.col("outstanding") <= to_cents(c.max_outstanding))
    for name, values in c.free_fields:
        path = "$['" + name.replace("'", "\\'") + "']"
        value = pl.col("free_fields").str.json_path_match(path).str.to_lowercase()
        conds.append(value.is_in([str(v).lower() for v in values]).fill_null(False))
    if c.grades is not None or c.min_score is not None or c.max_score is not None:
        from src_dash.dunning.profiles import grade_expr

        scores = score_frame(ledger, as_of).select("customer_id", pl.col("score").alias("_score"))
        frame = frame.join(scores, on="customer_id", how="left")
        if c.grades is not None:
            conds.append(grade_expr(pl.col("_score")).is_in(list(c.grades)).fill_null(False))
        if c.min_score is not None:
            conds.append(pl.col("_score") >= c.min_score)
        if c.max_score is not None:
            conds.append(pl.col("_score") <= c.max_score)
    for cond in conds:
        frame = frame.filter(cond.fill_null(False))
    return frame.drop("_score", strict=False)


def _as_of_sets(ledger: Ledger, as_of: date) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Items under an open dispute, items under a pending promise not yet due, and customers
    with a pending promise that names no item (all their items wait), as of the date."""
    disputes = ledger.disputes.filter(
        (pl.col("opened_on") <= as_of)
        & ((pl.col("status") == "open") | (pl.col("closed_on") > as_of))
    )
    disputed = ledger.dispute_items.filter(
        pl.col("dispute_id").is_in(disputes["dispute_id"].implode())
    )["entry_id"]
    pending = ledger.promises.filter(
        (pl.col("created_on") <= as_of)
        & ((pl.col("status") == "pending") | (pl.col("resolved_on") > as_of))
        & (pl.col("status") != "cancelled")
        & (pl.col("promised_on") >= as_of)
    )
    items = ledger.promise_items.filter(pl.col("promise_id").is_in(pending["promise_id"].implode()))
    whole = pending.filter(~pl.col("promise_id").is_in(items["promise_id"].implode()))
    return disputed.drop_nulls(), items["entry_id"].drop_nulls(), whole["customer_id"]


@dataclass
class _Frames:
    """The frames a plan is built from: customers with their scenario, open debits, credits."""

    as_of: date
    customers: pl.DataFrame
    debits: pl.DataFrame
    credits: pl.DataFrame
    scenarios: dict[int, ScenarioSpec]


def plan(
    engine: Engine,
    as_of: date | None = None,
    *,
    scenario: int | str | None = None,
    criteria: Criteria | None = None,
    customer_ids: list[int] | None = None,
    entry_ids: list[int] | None = None,
    viewer: Viewer | None = None,
    force_level: int | None = None,
    explain: bool | None = None,
    ledger: Ledger | None = None,
    customers: pl.DataFrame | None = None,
    scenarios: list[ScenarioSpec] | None = None,
) -> Plan:
    """The proposed messages and calls as of a date, and what is left out and why.

    Args:
        engine: the store.
        as_of: the day of the run (default today).
        scenario: only the customers whose scenario is this one (id or name).
        criteria: a mass run's filters on customers and items.
        customer_ids: only these customers.
        entry_ids: only these items (and their customers).
        viewer: the user asking: only the customers of their portfolio.
        force_level: send the chosen items (`entry_ids`, or the overdue items of
            `customer_ids`) at this level (0-5) now, whatever their level and the delays; the
            exclusions (stops, disputes, promises, do not dun) still apply.
        explain: also list the customers with nothing due yet ("no_step"); default: when
            customers or items are named.
        ledger: the ledger to plan on (default: the store's current one).
        customers: every customer's planning frame on that ledger and day, prepared before
            (see `_customers`); used only without `criteria`.
        scenarios: the scenarios, read just before (default: read here).

    Raises:
        PlanError: for an unknown scenario, or a forced level outside 0-5 or without items or
            customers named.
        AccessDenied: when a named customer or item is outside the viewer's portfolio.
    """
    as_of = as_of or clock_today()
    if force_level is not None:
        if not 0 <= int(force_level) <= MAX_LEVEL:
            raise PlanError(f"force_level must be between 0 and {MAX_LEVEL}, not {force_level}")
        if not customer_ids and not entry_ids:
            raise PlanError("force_level needs customer_ids or entry_ids")
    if explain is None:
        explain = bool(customer_ids or entry_ids)
    ledger = ledger if ledger is not None else get_ledger(engine)
    with engine.connect() as conn:
        if viewer is not None and customer_ids:
            check_customers(conn, viewer, customer_ids)
        if viewer is not None and entry_ids:
            customers_of_entries(conn, viewer, entry_ids)
        scenarios = scenarios if scenarios is not None else load_scenarios(conn)
        chosen = _find_scenario(scenarios, scenario) if scenario is not None else None
        frames = _frames(
            ledger,
            engine,
            conn,
            as_of,
            scenarios,
            criteria,
            viewer,
            customer_ids,
            entry_ids,
            customers,
        )
        if chosen is not None:
            keep = pl.col("scenario_id") == chosen.id
            frames.customers = frames.customers.filter(keep)
            frames.debits = frames.debits.filter(keep)
            frames.credits = frames.credits.filter(keep)
        builder = _Builder(conn, frames, force_level, explain)
        builder.run(ledger, entry_ids)
    return builder.result()


def _frames(
    ledger: Ledger,
    engine: Engine,
    conn: Connection,
    as_of: date,
    scenarios: list[ScenarioSpec],
    criteria: Criteria | None,
    viewer: Viewer | None,
    customer_ids: list[int] | None,
    entry_ids: list[int] | None,
    prepared: pl.DataFrame | None = None,
) -> _Frames:
    if prepared is not None and criteria is None:
        customers = prepared
    else:
        customers = _customers(ledger, engine, conn, as_of, scenarios, criteria)
    if viewer is not None:
        ids = ledger.customer_ids(viewer.scope)
        if ids is not None:
            customers = customers.filter(pl.col("customer_id").is_in(ids.implode()))
    view = ledger.view(as_of)
    items = view.open_items
    if entry_ids:
        items = items.filter(pl.col("id").is_in(list(entry_ids)))
        owners = items["customer_id"].unique()
        customers = customers.filter(pl.col("customer_id").is_in(owners.implode()))
    if customer_ids:
        customers = customers.filter(pl.col("customer_id").is_in(list(customer_ids)))
    by_id = {s.id: s for s in scenarios}
    items = items.join(
        customers.select("customer_id", "scenario_id", "customer_reason"),
        on="customer_id",
        how="inner",
    ).join(_scenario_frame(scenarios), on="scenario_id", how="left")
    credits = items.filter(pl.col("residual") < 0).with_columns(
        counted=~(
            (pl.col("kind") == "credit_note")
            & (pl.col("due") > as_of)
            & ~pl.col("with_unexpired").fill_null(False)
        )
    )
    debits = items.filter(pl.col("residual") > 0)
    if criteria is not None:
        if criteria.min_days_late is not None:
            debits = debits.filter(pl.col("days_overdue") >= criteria.min_days_late)
        if criteria.max_days_late is not None:
            debits = debits.filter(pl.col("days_overdue") <= criteria.max_days_late)
        if criteria.min_item_amount is not None:
            debits = debits.filter(pl.col("residual") >= to_cents(criteria.min_item_amount))
    return _Frames(as_of, customers, debits, credits, by_id)


def _planned(
    frame: pl.DataFrame, advances: bool, level_col: str, as_of: date
) -> dict[int, list[PlannedItem]]:
    """PlannedItems per customer from a frame of items with their pieces (`level_col` gives
    each one's level)."""
    out: dict[int, list[PlannedItem]] = defaultdict(list)
    cols = frame.select(
        "id", "customer_id", "piece", "reference", "journal", pl.col("kind").cast(pl.String),
        "posting_date", "due_date", "due", "amount", "residual", "currency", "residual_currency",
        pl.col(level_col).alias("_level"),
        pl.col("prev") if "prev" in frame.columns else pl.lit(0).alias("prev"),
    ).to_dict(as_series=False)  # fmt: skip
    for i in range(len(cols["id"])):
        entry_id = cols["id"][i]
        rc = cols["residual_currency"][i]
        currency = cols["currency"][i] or ""
        out[cols["customer_id"][i]].append(
            PlannedItem(
                entry_id=entry_id,
                piece=cols["piece"][i],
                reference=cols["reference"][i],
                journal=cols["journal"][i],
                posting_date=cols["posting_date"][i],
                due_date=cols["due"][i],  # lines without one are due on their posting date
                days_late=(as_of - cols["due"][i]).days,
                amount=_money(cols["amount"][i]),
                residual=_money(cols["residual"][i]),
                currency=currency,
                residual_currency=_money(rc) if rc is not None and currency else None,
                level=cols["_level"][i],
                previous_level=cols["prev"][i],
                kind=cols["kind"][i],
                advances=advances,
            )
        )
    return out


class _Builder:
    """Turns the frames into proposals and exclusions."""

    def __init__(
        self, conn: Connection, frames: _Frames, force_level: int | None, explain: bool
    ) -> None:
        self.conn = conn
        self.f = frames
        self.as_of = frames.as_of
        self.force = force_level
        self.explain = explain
        self.proposals: list[Proposal] = []
        self.exclusions: list[Exclusion] = []
        self.counts: dict[str, int] = defaultdict(int)

    # -- exclusions

    def _exclude_rows(self, frame: pl.DataFrame, reason_col: str, detail_col: str | None) -> None:
        """Exclusions from a frame's rows; its optional columns ``detail_amount`` (cents),
        ``detail_on`` (a date) and ``detail_note`` (free text) give the detail's parameters."""
        if frame.is_empty():
            return
        columns: list[str | pl.Expr] = ["customer_id", "number", "name", reason_col, "residual"]
        has_entry = "id" in frame.columns
        if has_entry:
            columns += ["id", "piece"]
        if detail_col:
            columns.append(detail_col)
        for name, dtype in (("detail_amount", pl.Int64), ("detail_on", pl.Date),
                            ("detail_note", pl.String)):  # fmt: skip
            columns.append(name if name in frame.columns else pl.lit(None, dtype).alias(name))
        for row in frame.select(columns).iter_rows(named=True):
            reason = row[reason_col]
            self.counts[f"excluded:{reason}"] += 1
            cents = row["detail_amount"]
            self.exclusions.append(
                Exclusion(
                    customer_id=row["customer_id"],
                    customer_number=row["number"] or "",
                    customer_name=row["name"] or "",
                    reason=reason,
                    entry_id=row["id"] if has_entry else None,
                    piece=row["piece"] if has_entry else "",
                    detail=(row[detail_col] or "") if detail_col else "",
                    residual=_money(row["residual"]),
                    amount=None if cents is None else _money(cents),
                    on=row["detail_on"],
                    note=row["detail_note"] or "",
                )
            )

    def _exclude(
        self,
        customer: dict,
        reason: str,
        detail: str = "",
        residual: int = 0,
        *,
        note: str = "",
        level: int | None = None,
    ) -> None:
        self.counts[f"excluded:{reason}"] += 1
        self.exclusions.append(
            Exclusion(
                customer_id=customer["customer_id"],
                customer_number=customer["number"] or "",
                customer_name=customer["name"] or "",
                reason=reason,
                detail=detail,
                residual=_money(residual),
                note=note,
                level=level,
            )
        )

    # -- the run

    def run(self, ledger: Ledger, entry_ids: list[int] | None) -> None:
        self.ledger = ledger
        f, as_of = self.f, self.as_of
        scenarios = [s for s in f.scenarios.values() if s.active]
        customers = f.customers
        names = customers.select("customer_id", "number", "name")
        debits, credits = f.debits, f.credits

        # Balance per customer (with the credits the scenario counts): in credit when <= 0.
        balance = (
            pl.concat(
                [
                    debits.select("customer_id", "residual"),
                    credits.filter(pl.col("counted")).select("customer_id", "residual"),
                ]
            )
            .group_by("customer_id")
            .agg(pl.col("residual").sum().alias("balance"))
        )
        overdue = (
            debits.filter(pl.col("days_overdue") > 0)
            .group_by("customer_id")
            .agg(pl.col("residual").sum().alias("overdue"))
        )
        customers = (
            customers.join(balance, on="customer_id", how="left")
            .join(overdue, on="customer_id", how="left")
            .with_columns(pl.col("balance", "overdue").fill_null(0))
            .with_columns(
                customer_reason=pl.when(
                    pl.col("customer_reason").is_null() & (pl.col("balance") <= 0)
                )
                .then(pl.lit("in_credit"))
                .otherwise(pl.col("customer_reason"))
            )
        )
        # Customers left out whole: shown when they have something overdue.
        out = customers.filter(pl.col("customer_reason").is_not_null())
        shown = out.filter(pl.col("overdue") > 0).with_columns(
            residual=pl.col("overdue"),
            detail=pl.when(pl.col("customer_reason") == "customer_stopped")
            .then(
                pl.col("stop_reason").fill_null("")
                + pl.when(pl.col("stop_until").is_not_null())
                .then(pl.lit(" (until ") + pl.col("stop_until").cast(pl.String) + pl.lit(")"))
                .otherwise(pl.lit(""))
            )
            .when(pl.col("customer_reason") == "in_credit")
            .then(pl.lit("balance ") + _cents_text(pl.col("balance")))
            .otherwise(pl.lit("")),
            detail_amount=pl.when(pl.col("customer_reason") == "in_credit").then("balance"),
            detail_on=pl.when(pl.col("customer_reason") == "customer_stopped").then("stop_until"),
            detail_note=pl.when(pl.col("customer_reason") == "customer_stopped").then(
                pl.col("stop_reason").fill_null("")
            ),
        )
        self._exclude_rows(shown, "customer_reason", "detail")
        excluded_ids = out["customer_id"].implode()
        live = customers.filter(pl.col("customer_reason").is_null())
        # A customer who paid everything is "in credit", yet may be thanked.
        thankable = customers.filter(
            pl.col("customer_reason").is_null() | (pl.col("customer_reason") == "in_credit")
        )
        debits = debits.filter(~pl.col("customer_id").is_in(excluded_ids))
        credits = credits.filter(~pl.col("customer_id").is_in(excluded_ids))

        # Item states (app and Sage), and the item reasons. Pieces and Sage's reminders are
        # read for the items that can be dunned or shown today only.
        # Without a thank-you to look for (a forced level), only these items' states count.
        few = self.force is not None and debits.height <= FEW
        states = _item_states(self.conn, debits["id"].to_list() if few else None)
        disputed, promised, promised_customers = _as_of_sets(ledger, as_of)
        window = max([-s.day_offset for p in scenarios for s in p.steps if s.phase == PREVENANCE]
                     + [0])  # fmt: skip
        named = entry_ids is not None and len(entry_ids) > 0
        need = debits.filter(
            (pl.col("days_overdue") > 0)
            | (pl.col("due") <= as_of + timedelta(days=window))
            | pl.col("id").is_in(states["id"].implode())
            | pl.col("id").is_in(disputed.implode())
            | pl.col("id").is_in(promised.implode())
            | pl.col("customer_id").is_in(promised_customers.implode())
            | pl.lit(named or self.force is not None)
        )
        details = _cached_details(ledger, self.conn, need["id"])
        debits = (
            debits.join(states, on="id", how="left")
            .join(details, on="id", how="left")
            .with_columns(
                prev=pl.max_horizontal(
                    pl.col("state_level").fill_null(0).clip(0, MAX_LEVEL),
                    pl.col("sage_level").fill_null(0).clip(0, MAX_LEVEL),
                ).cast(pl.Int32),
                last=pl.max_horizontal("last_dunned_on", "sage_last_on"),
            )
        )
        item_reason = (
            pl.when(_stopped("item_stop_reason", "item_stop_until", as_of))
            .then(pl.lit("item_stopped"))
            .when(pl.col("id").is_in(disputed.implode()))
            .then(pl.lit("disputed"))
            .when(
                pl.col("id").is_in(promised.implode())
                | pl.col("customer_id").is_in(promised_customers.implode())
            )
            .then(pl.lit("promised"))
            # Doubtful receivables (416) are not dunned by default; naming the item (dun now)
            # is the collector's explicit choice.
            .when(pl.col("doubtful") & pl.lit(not named))
            .then(pl.lit("doubtful"))
            .when(~_per_scenario(scenarios, _journal_test))
            .then(pl.lit("journal_excluded"))
            .when(~_per_scenario(scenarios, _kind_test))
            .then(pl.lit("document_kind_excluded"))
            .when((pl.col("residual") < pl.col("min_item")) & pl.lit(self.force is None))
            .then(pl.lit("below_item_threshold"))
            .otherwise(pl.lit(None, dtype=pl.String))
        )
        debits = debits.with_columns(
            item_reason=item_reason, piece=pl.col("piece").fill_null(""),
            reference=pl.col("reference").fill_null(""),
        )  # fmt: skip
        left = debits.filter(
            pl.col("item_reason").is_not_null()
            & (
                (pl.col("days_overdue") > 0)
                | pl.col("item_reason").is_in(["item_stopped", "disputed", "promised", "doubtful"])
                | pl.lit(named)
            )
        ).join(names, on="customer_id", how="left")
        self._exclude_rows(
            left.with_columns(
                detail=pl.when(pl.col("item_reason") == "item_stopped")
                .then(
                    pl.col("item_stop_reason").fill_null("")
                    + pl.when(pl.col("item_stop_until").is_not_null())
                    .then(
                        pl.lit(" (until ") + pl.col("item_stop_until").cast(pl.String) + pl.lit(")")
                    )
                    .otherwise(pl.lit(""))
                )
                .otherwise(pl.lit("")),
                detail_on=pl.when(pl.col("item_reason") == "item_stopped").then("item_stop_until"),
                detail_note=pl.when(pl.col("item_reason") == "item_stopped").then(
                    pl.col("item_stop_reason").fill_null("")
                ),
            ),
            "item_reason",
            "detail",
        )
        dunnable = debits.filter(pl.col("item_reason").is_null())

        # The next level of each item, when a step is due.
        dunnable = dunnable.join(
            _next_steps(scenarios), on=["scenario_id", "prev"], how="left"
        ).join(_prevenance_offsets(scenarios), on="scenario_id", how="left")
        due = pl.col("due")
        today = pl.lit(as_of)
        since = pl.coalesce("last", "due")
        relance_due = (
            (pl.col("days_overdue") > 0)
            & pl.col("next_rel").is_not_null()
            & pl.when(pl.col("from_previous"))
            .then(today >= since + pl.duration(days=pl.col("rel_offset")))
            .otherwise(today >= due + pl.duration(days=pl.col("rel_offset")))
        )
        pre_due = (
            pl.col("pre_offset").is_not_null()
            & (due > today)
            & (pl.col("prev") == 0)
            & pl.col("last").is_null()
            & (today >= due + pl.duration(days=pl.col("pre_offset")))
        )
        if self.force is not None:
            chosen = (
                pl.lit(True) if named else (pl.col("days_overdue") > 0) | pl.lit(self.force == 0)
            )
            if self.force > 0:
                # An item not yet due gets the prévenance only: never an overdue level.
                chosen = chosen & (pl.col("days_overdue") > 0)
                early = dunnable.filter(pl.col("days_overdue") <= 0)
                if named and not early.is_empty():
                    self._exclude_rows(
                        early.join(names, on="customer_id", how="left").with_columns(
                            not_due=pl.lit("not_due"),
                            detail=pl.lit("not yet due: only the prévenance may be sent"),
                            detail_on=pl.col("due"),
                        ),
                        "not_due",
                        "detail",
                    )
            target = pl.when(chosen).then(pl.lit(self.force, dtype=pl.Int32))
        else:
            # A level set by hand waits for the due date too (before it: the prévenance only).
            hand = (
                pl.col("next_level").is_not_null()
                & (pl.col("next_level") >= 1)
                & (pl.col("days_overdue") > 0)
            )
            target = (
                pl.when(hand)
                .then(pl.col("next_level").clip(1, MAX_LEVEL))
                .when(relance_due)
                .then(pl.col("next_rel"))
                .when(pre_due)
                .then(pl.lit(0, dtype=pl.Int32))
            )
        dunnable = dunnable.with_columns(target=target.otherwise(None).cast(pl.Int32))
        advancing = dunnable.filter(pl.col("target").is_not_null())
        listed = dunnable.filter(pl.col("target").is_null() & (pl.col("days_overdue") > 0))
        listed_all = listed

        # Per customer: gap since the last message, thresholds.
        last_items = debits.group_by("customer_id").agg(pl.col("last").max().alias("last_item_on"))
        wanted = advancing["customer_id"].unique()
        per_customer = (
            live.filter(pl.col("customer_id").is_in(wanted.implode()))
            .join(_last_messages(self.conn, as_of, self._few(wanted)), on="customer_id",
                  how="left")
            .join(last_items, on="customer_id", how="left")
            .join(_scenario_frame(scenarios).drop("min_item", "with_unexpired"),
                  on="scenario_id", how="left")
            .with_columns(
                last_contact=pl.max_horizontal(
                    pl.col("last_message_on"),
                    pl.when(pl.col("last_item_on") <= as_of).then(pl.col("last_item_on")),
                )
            )
        )  # fmt: skip
        asked = (
            pl.concat(
                [
                    advancing.select("customer_id", "residual"),
                    listed.select("customer_id", "residual"),
                    credits.filter(pl.col("counted")).select("customer_id", "residual"),
                ]
            )
            .group_by("customer_id")
            .agg(pl.col("residual").sum().alias("net"))
        )
        per_customer = per_customer.join(asked, on="customer_id", how="left")
        gap_days = (today - pl.col("last_contact")).dt.total_days()
        customer_out = (
            pl.when(
                pl.lit(self.force is None)
                & pl.col("last_contact").is_not_null()
                & (gap_days < pl.col("gap_days"))
            )
            .then(pl.lit("too_soon"))
            .when(pl.lit(self.force is None) & (pl.col("net") <= 0))
            .then(pl.lit("in_credit"))
            .when(pl.lit(self.force is None) & (pl.col("net") < pl.col("min_customer")))
            .then(pl.lit("below_customer_threshold"))
            .otherwise(pl.lit(None, dtype=pl.String))
        )
        per_customer = per_customer.with_columns(late_reason=customer_out)
        late_out = per_customer.filter(pl.col("late_reason").is_not_null()).with_columns(
            residual=pl.col("net"),
            detail=pl.when(pl.col("late_reason") == "too_soon")
            .then(pl.lit("last message on ") + pl.col("last_contact").cast(pl.String))
            .when(pl.col("late_reason") == "below_customer_threshold")
            .then(pl.lit("minimum ") + _cents_text(pl.col("min_customer")))
            .when(pl.col("late_reason") == "in_credit")
            .then(pl.lit("overdue covered by credits"))
            .otherwise(pl.lit("")),
            detail_on=pl.when(pl.col("late_reason") == "too_soon").then("last_contact"),
            detail_amount=pl.when(pl.col("late_reason") == "below_customer_threshold").then(
                pl.col("min_customer").cast(pl.Int64)
            ),
        )
        self._exclude_rows(late_out, "late_reason", "detail")
        go = per_customer.filter(pl.col("late_reason").is_null())
        go_ids = go["customer_id"].implode()
        advancing = advancing.filter(pl.col("customer_id").is_in(go_ids))
        listed = listed.filter(pl.col("customer_id").is_in(go_ids))
        credits_go = credits.filter(pl.col("counted") & pl.col("customer_id").is_in(go_ids))

        # Customers with something overdue but no step due: "no_step" (listed when explaining).
        waiting = live.filter(
            ~pl.col("customer_id").is_in(advancing["customer_id"].unique().implode())
            & ~pl.col("customer_id").is_in(late_out["customer_id"].implode())
            & pl.col("customer_id").is_in(listed_all["customer_id"].unique().implode())
        )
        if self.explain:
            for row in waiting.select("customer_id", "number", "name", "overdue").iter_rows(
                named=True
            ):
                self._exclude(row, "no_step", "no step due yet", row["overdue"])
        else:
            self.counts["excluded:no_step"] += waiting.height

        self._build(go, advancing, listed, credits_go)
        if self.force is None:
            self._thank_you(ledger, thankable, states, entry_ids, per_customer)

    # -- proposals

    def _build(
        self,
        go: pl.DataFrame,
        advancing: pl.DataFrame,
        listed: pl.DataFrame,
        credits: pl.DataFrame,
    ) -> None:
        if advancing.is_empty():
            return
        as_of = self.as_of
        adv = _planned(advancing.sort("due", "id"), True, "target", as_of)
        lst = _planned(listed.sort("due", "id"), False, "prev", as_of)
        crd = _planned(
            _with_pieces(self.conn, credits)
            .with_columns(prev=pl.lit(0), zero=pl.lit(0))
            .sort("due", "id"),
            False,
            "zero",
            as_of,
        )
        contacts = contacts_for(self.ledger, self.conn, go["customer_id"].to_list())
        reps = _sales_reps(self.conn)
        portfolio = self._portfolio(self._few(go["customer_id"]))
        for customer in go.select(_CUSTOMER_COLUMNS).iter_rows(named=True):
            cid = customer["customer_id"]
            spec = self.f.scenarios[customer["scenario_id"]]
            items = adv.get(cid, [])
            if not items:
                continue
            groups: list[tuple[int, list[PlannedItem], tuple[PlannedItem, ...]]] = []
            top = max(i.level for i in items)
            if spec.account_situation:
                if top >= 1:
                    merged = sorted(
                        items + lst.get(cid, []), key=lambda i: (i.due_date or i.posting_date,
                                                                 i.entry_id)
                    )  # fmt: skip
                    groups.append((top, merged, tuple(crd.get(cid, ()))))
                else:
                    groups.append((0, items, ()))
            else:
                levels = sorted({i.level for i in items})
                for level in levels:
                    part = [i for i in items if i.level == level]
                    extra = tuple(crd.get(cid, ())) if level == levels[-1] and level >= 1 else ()
                    groups.append((level, part, extra))
            for level, group_items, group_credits in groups:
                self._propose(customer, spec, level, group_items, group_credits, contacts,
                              reps, portfolio)  # fmt: skip

    @staticmethod
    def _few(ids: pl.Series) -> list[int] | None:
        """The ids when they are few (their rows are then read by id), else None (all rows)."""
        return ids.to_list() if ids.len() <= FEW else None

    def _portfolio(self, customer_ids: list[int] | None = None) -> dict[int, int]:
        from src_dash.store import PortfolioAssignment

        t = PortfolioAssignment.__table__
        query = select(t.c.user_id, t.c.customer_id).order_by(t.c.user_id)
        if customer_ids is not None:
            query = query.where(t.c.customer_id.in_(customer_ids))
        out: dict[int, int] = {}
        for user_id, customer_id in self.conn.execute(query):
            out.setdefault(customer_id, user_id)
        return out

    def _propose(
        self,
        customer: dict,
        spec: ScenarioSpec,
        level: int,
        items: list[PlannedItem],
        credits: tuple[PlannedItem, ...],
        contacts: dict[int, list[ContactRow]],
        reps: dict[int, tuple[str, str]],
        portfolio: dict[int, int],
    ) -> None:
        steps = _steps_at(spec, level)
        if not steps:
            self._exclude(
                customer, "no_step", f"the scenario has no step for level {level}", level=level
            )
            return
        moving = sorted(i.entry_id for i in items if i.advances)
        digest = hashlib.sha1(",".join(map(str, moving)).encode()).hexdigest()[:10]
        language = spec.language or customer["language"] or "fr"
        for step in steps:
            to, cc = _recipients(customer, step, contacts, reps)
            if step.channel == "email" and not to:
                total = sum((i.residual for i in items), Decimal("0.00"))
                self._exclude(
                    customer,
                    "no_recipient",
                    f"{step.name or step.phase} ({step.channel}): no contact to write to",
                    to_cents(total),
                    note=step.name,
                    level=level,
                )
                continue
            self._add(
                customer, spec, step, RELANCE if level else PREVENANCE, level, language, items,
                sum((i.residual for i in items), Decimal("0.00")), to, cc, portfolio, digest,
                credits=credits, penalties=spec.penalties and not customer["no_penalties"],
            )  # fmt: skip

    def _thank_you(
        self,
        ledger: Ledger,
        live: pl.DataFrame,
        states: pl.DataFrame,
        entry_ids: list[int] | None,
        per_customer: pl.DataFrame,
    ) -> None:
        f, as_of = self.f, self.as_of
        scenarios = [s for s in f.scenarios.values() if s.active]
        offsets = _thank_you_offsets(scenarios)
        if offsets.is_empty():
            return
        busy = {p.customer_id for p in self.proposals}
        busy |= {e.customer_id for e in self.exclusions if e.entry_id is None}
        settled = ledger.view(as_of).settled
        if entry_ids:
            settled = settled.filter(pl.col("id").is_in(list(entry_ids)))
        thanked = (
            settled.filter(pl.col("settled_on") > as_of - timedelta(days=THANK_YOU_DAYS))
            .join(states.filter(pl.col("state_level").is_between(1, MAX_LEVEL)), on="id")
            .join(live.select("customer_id", "scenario_id"), on="customer_id")
            .join(offsets, on="scenario_id")
            .filter(
                (pl.lit(as_of) >= pl.col("settled_on") + pl.duration(days=pl.col("thanks_offset")))
                & ~pl.col("customer_id").is_in(list(busy))
            )
        )
        if thanked.is_empty():
            return
        # The gap since the last message applies to thank-yous too.
        last = _last_messages(self.conn, as_of)
        recent = (
            thanked.select("customer_id", "scenario_id").unique()
            .join(last, on="customer_id", how="left")
            .join(
                states.join(ledger.entries.select("id", "customer_id"), on="id")
                .group_by("customer_id").agg(pl.col("last_dunned_on").max()),
                on="customer_id", how="left",
            )
            .join(_scenario_frame(scenarios), on="scenario_id", how="left")
            .with_columns(last=pl.max_horizontal("last_message_on", "last_dunned_on"))
            .filter(
                pl.col("last").is_not_null()
                & ((pl.lit(as_of) - pl.col("last")).dt.total_days() < pl.col("gap_days"))
            )
        )  # fmt: skip
        thanked = thanked.filter(~pl.col("customer_id").is_in(recent["customer_id"].implode()))
        if thanked.is_empty():
            return
        journals = ledger.entries.select("id", "journal", "currency")
        frame = (
            (_with_pieces(self.conn, thanked).join(journals, on="id", how="left"))
            .with_columns(
                due_date=pl.col("due"),
                residual=pl.lit(0, dtype=pl.Int64),
                residual_currency=pl.lit(None, dtype=pl.Int64),
                prev=pl.col("state_level"),
                level=pl.lit(THANK_YOU_LEVEL, dtype=pl.Int32),
            )
            .sort("due", "id")
        )
        items = _planned(frame, True, "level", as_of)
        customers = live.filter(pl.col("customer_id").is_in(thanked["customer_id"].implode()))
        contacts = contacts_for(ledger, self.conn, customers["customer_id"].to_list())
        reps = _sales_reps(self.conn)
        portfolio = self._portfolio()
        for customer in customers.select(_CUSTOMER_COLUMNS).iter_rows(named=True):
            cid = customer["customer_id"]
            spec = f.scenarios[customer["scenario_id"]]
            steps = [s for s in spec.steps if s.phase == REMERCIEMENT]
            mine = items.get(cid, [])
            self._propose_thanks(customer, spec, steps, mine, contacts, reps, portfolio)

    def _propose_thanks(
        self,
        customer: dict,
        spec: ScenarioSpec,
        steps: list[StepSpec],
        items: list[PlannedItem],
        contacts: dict[int, list[ContactRow]],
        reps: dict[int, tuple[str, str]],
        portfolio: dict[int, int],
    ) -> None:
        if not items:
            return
        ids = sorted(i.entry_id for i in items)
        digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:10]
        for step in steps:
            to, cc = _recipients(customer, step, contacts, reps)
            if step.channel == "email" and not to:
                continue  # no alert for a thank-you nobody can receive
            self._add(
                customer, spec, step, REMERCIEMENT, THANK_YOU_LEVEL,
                spec.language or customer["language"] or "fr", items,
                sum((i.amount for i in items), Decimal("0.00")), to, cc, portfolio, digest,
            )  # fmt: skip

    def _add(
        self,
        customer: dict,
        spec: ScenarioSpec,
        step: StepSpec,
        phase: str,
        level: int,
        language: str,
        items: list[PlannedItem],
        total: Decimal,
        to: tuple[Recipient, ...],
        cc: tuple[Recipient, ...],
        portfolio: dict[int, int],
        digest: str,
        credits: tuple[PlannedItem, ...] = (),
        penalties: bool = False,
    ) -> None:
        """Propose one step's message (or call) to a customer, and count it."""
        cid = customer["customer_id"]
        self.proposals.append(
            Proposal(
                key=f"{self.as_of.isoformat()}/{cid}/{step.id}/L{level}/{digest}",
                as_of=self.as_of,
                company_id=customer["company_id"],
                customer_id=cid,
                customer_number=customer["number"],
                customer_name=customer["name"],
                scenario_id=spec.id,
                scenario_name=spec.name,
                step_id=step.id,
                phase=phase,
                level=level,
                channel=step.channel,
                template_code=step.template_code,
                language=language,
                items=tuple(items),
                total=total,
                book_currency=customer["book_currency"] or "EUR",
                to=to,
                cc=cc,
                needs_approval=step.needs_approval,
                assigned_to=customer["collector_id"] or portfolio.get(cid),
                credits=credits,
                step_name=step.name,
                profile=customer["profile"] or "",
                penalties=penalties,
            )
        )
        self.counts[f"channel:{step.channel}"] += 1
        self.counts[f"level:{level}"] += 1

    def result(self) -> Plan:
        proposals = sorted(
            self.proposals, key=lambda p: (p.customer_number, p.level, p.channel != "email")
        )
        exclusions = sorted(
            self.exclusions,
            key=lambda e: (e.customer_number, e.entry_id is not None, e.entry_id or 0, e.reason),
        )
        counts = dict(self.counts)
        counts["proposals"] = len(proposals)
        counts["customers"] = len({p.customer_id for p in proposals})
        counts["items"] = len({i.entry_id for p in proposals for i in p.items if i.advances})
        counts = {k: v for k, v in sorted(counts.items()) if v}
        return Plan(
            as_of=self.as_of,
            proposals=tuple(proposals),
            exclusions=tuple(exclusions),
            counts=counts,
        )


def customer_proposal(engine: Engine, customer_id: int, as_of: date | None = None) -> Proposal:
    """A proposal for one customer to preview a template on: the plan's of the day when there
    is one (the highest level), else one listing its open items at their current levels.

    Raises:
        PlanError: when the customer does not exist.
    """
    as_of = as_of or clock_today()
    found = plan(engine, as_of, customer_ids=[customer_id])
    mine = [p for p in found.proposals if p.customer_id == customer_id]
    if mine:
        return max(mine, key=lambda p: (p.level if p.level <= MAX_LEVEL else -1,
                                        p.channel == "email"))  # fmt: skip
    ledger = get_ledger(engine)
    customers = ledger.customers.filter(pl.col("customer_id") == customer_id)
    if customers.is_empty():
        raise PlanError(f"no customer {customer_id}")
    customer = customers.row(0, named=True)
    with engine.connect() as conn:
        scenarios = {s.id: s for s in load_scenarios(conn)}
        rules = load_rules(conn)
        hand = hand_settings(conn)
        frame = profile_frame(ledger, engine, as_of, rules, hand).filter(
            pl.col("customer_id") == customer_id
        )
        details = frame.row(0, named=True)
        states = _item_states(conn)
        items = ledger.view(as_of).open_items.filter(pl.col("customer_id") == customer_id)
        items = items.join(states, on="id", how="left").with_columns(
            prev=pl.col("state_level").fill_null(0).clip(0, MAX_LEVEL).cast(pl.Int32)
        )
        items = _with_pieces(conn, items)
        debits = _planned(
            items.filter(pl.col("residual") > 0).sort("due", "id"), False, "prev", as_of
        )
        credits = _planned(
            items.filter(pl.col("residual") < 0).with_columns(zero=pl.lit(0)).sort("due", "id"),
            False,
            "zero",
            as_of,
        )
        contacts = load_contacts(conn, [customer_id]).get(customer_id, [])
        to, cc = resolve(
            to_services=(),
            cc_services=(),
            cc_sales_rep=False,
            contacts=contacts,
            customer_email=customer["email"] or "",
            customer_name=customer["name"] or "",
        )
    listed = tuple(debits.get(customer_id, ()))
    spec = next((s for s in scenarios.values() if s.active and s.profile == details["profile"]),
                None)  # fmt: skip
    level = max((i.level for i in listed), default=0)
    book = ledger.companies.filter(pl.col("company_id") == customer["company_id"])
    return Proposal(
        key=f"{as_of.isoformat()}/{customer_id}/preview",
        as_of=as_of,
        company_id=customer["company_id"],
        customer_id=customer_id,
        customer_number=customer["number"],
        customer_name=customer["name"],
        scenario_id=spec.id if spec else 0,
        scenario_name=spec.name if spec else "",
        step_id=0,
        phase=RELANCE if level else PREVENANCE,
        level=level,
        channel="email" if to else LETTER,
        template_code="",
        language=(spec.language if spec and spec.language else details["language"]) or "fr",
        items=listed,
        total=sum((i.residual for i in listed), Decimal("0.00")),
        book_currency=book["book_currency"][0] if book.height else "EUR",
        to=to,
        cc=cc,
        credits=tuple(credits.get(customer_id, ())),
        profile=details["profile"] or "",
        penalties=bool(spec and spec.penalties and not details["no_penalties"]),
    )
