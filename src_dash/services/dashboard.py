"""The dashboard of a viewer: the analytics' figures for their scope narrowed by the filters,
the promises falling due, the open disputes and the latest events of their customers.

The figures of a (scope, date) are computed once per data version of the store and shared by
every viewer with the same scope: a dashboard open on twenty screens costs one computation, and a
sync or a colleague's action (which bump the data version) makes the next call compute afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import func, literal, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, require, scope_clause
from src_dash.analytics.balances import money
from src_dash.analytics.dashboard import Dashboard, dashboard
from src_dash.analytics.ledger import (
    KIND_PAYMENT,
    Ledger,
    data_version,
    entries_version,
    get_ledger,
    parties_version,
)
from src_dash.analytics.scope import Scope
from src_dash.clock import today as clock_today
from src_dash.services.auth import ROLES
from src_dash.services.scope_choices import scope_choices
from src_dash.store import (
    Action,
    Comment,
    Company,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Flag,
    Message,
    Promise,
)
from src_dash.store.space import SpaceEvent

LIST_LIMIT = 10
EVENT_LIMIT = 12
PROMISE_HORIZON_DAYS = 7
SPACE_DAYS = 30
CACHE_SIZE = 64
# After a sync, many clients ask at once: one of them loads the new ledger, the others wait.
_LEDGER_LOCK = threading.Lock()


def _ledger(engine: Engine) -> Ledger:
    """The store's ledger, loaded by one thread at a time (a load takes seconds on a big base)."""
    with _LEDGER_LOCK:
        return get_ledger(engine)


@dataclass(frozen=True)
class DashboardFilters:
    """What the viewer narrowed the dashboard to; None means no filter on that field."""

    company_code: str | None = None
    sales_rep_id: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Option:
    """One choice of a filter: its value and its name."""

    value: str
    label: str


@dataclass(frozen=True)
class FilterOptions:
    """The choices each filter offers: only what the viewer's scope holds."""

    companies: tuple[Option, ...]
    sales_reps: tuple[Option, ...]
    currencies: tuple[str, ...]


@dataclass(frozen=True)
class PromiseDue:
    """A pending promise whose date is past or within the next days."""

    promise_id: int
    customer_id: int
    number: str
    name: str
    promised_on: date
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class OpenDispute:
    """An open dispute, with the amount of the items it covers."""

    dispute_id: int
    customer_id: int
    number: str
    name: str
    opened_at: datetime
    reason: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class RecentEvent:
    """One recent event on a customer of the scope (app events have a time, payments a day)."""

    on: date
    at: datetime | None
    kind: str
    customer_id: int
    number: str
    name: str
    title: str
    amount: Decimal | None
    currency: str


@dataclass(frozen=True)
class ViewerDashboard:
    """Everything the dashboard shows, for one scope, date and data version."""

    version: int
    as_of: date
    currency: str
    figures: Dashboard
    promises_due: tuple[PromiseDue, ...]
    promises_due_count: int
    open_disputes: tuple[OpenDispute, ...]
    recent_events: tuple[RecentEvent, ...]
    # Customers who used their space (espace client) in the last `SPACE_DAYS` days.
    space_customers: int = 0


def store_version(engine: Engine) -> int:
    """The store's data version: cheap, for clients that poll for changes."""
    with engine.connect() as conn:
        return data_version(conn)


def warm_key(engine: Engine) -> tuple[int, int, date]:
    """What calls for warming the caches again: the entries' and the parties' versions (a sync,
    a customer or a setting changed) and the day. A collector's action (a promise, a comment)
    is cheap to take into account on demand: it needs no warming, which on a million entries
    would cost a second of work after every click."""
    with engine.connect() as conn:
        return entries_version(conn), parties_version(conn), clock_today()


def filter_options(engine: Engine, who: Viewer) -> FilterOptions:
    """The companies, sales reps and currencies of the viewer's customers.

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, ROLES)
    ledger = _ledger(engine)
    companies, reps = scope_choices(ledger, ledger.scoped(ledger.customers, who.scope))
    return FilterOptions(
        companies=tuple(Option(c.code, c.label) for c in companies),
        sales_reps=tuple(Option(str(r.sales_rep_id), r.name) for r in reps),
        currencies=tuple(sorted({c.currency for c in companies})),
    )


def filtered_scope(engine: Engine, who: Viewer, filters: DashboardFilters) -> Scope:
    """The viewer's scope narrowed by the filters: never wider than the viewer's own scope.

    A filter naming something outside the scope (another rep's id sent by hand) narrows to
    nothing rather than failing, so it reveals nothing either. Filters that change nothing are
    left out of the scope, so equal sets of customers share one cached computation: a company
    filter covering every company, or a company filter next to sales reps of that company (a
    Sage sales rep belongs to one company, so their customers are all in it).

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, ROLES)
    ledger = _ledger(engine)
    companies = ledger.companies
    every_company = set(companies["company_id"].to_list())
    chosen: set[int] | None = None
    if filters.company_code is not None:
        chosen = set(companies.filter(pl.col("code") == filters.company_code)["company_id"])
    if filters.currency is not None:
        same = set(companies.filter(pl.col("book_currency") == filters.currency)["company_id"])
        chosen = same if chosen is None else chosen & same
    if chosen is not None and chosen >= every_company:
        chosen = None
    reps = who.scope.sales_rep_ids
    if filters.sales_rep_id is not None:
        wanted = frozenset({filters.sales_rep_id})
        reps = wanted if reps is None else reps & wanted
    if chosen is not None and reps is not None:
        # The company filter keeps the reps of the chosen companies and is then redundant.
        rep_company = dict(ledger.sales_reps.select("sales_rep_id", "company_id").iter_rows())
        reps = frozenset(r for r in reps if rep_company.get(r) in chosen)
        chosen = None
    scope = who.scope.narrowed(company_ids=chosen)
    if reps is not None:
        scope = scope.narrowed(sales_rep_ids=reps)
    return scope


def promises_due(
    conn: Connection, scope: Scope, as_of: date, limit: int = LIST_LIMIT
) -> tuple[list[PromiseDue], int]:
    """Pending promises dated up to `PROMISE_HORIZON_DAYS` after `as_of`, oldest first.

    Returns:
        The first `limit` of them and how many there are in all.
    """
    p, c, co = Promise.__table__, Customer.__table__, Company.__table__
    where = (
        (p.c.status == "pending")
        & (p.c.promised_on <= as_of + timedelta(days=PROMISE_HORIZON_DAYS))
        & scope_clause(scope)
    )
    joined = p.join(c, c.c.id == p.c.customer_id).join(co, co.c.id == c.c.company_id)
    total = conn.execute(select(func.count()).select_from(joined).where(where)).scalar() or 0
    rows = conn.execute(
        select(
            p.c.id,
            p.c.customer_id,
            c.c.number,
            c.c.name,
            p.c.promised_on,
            p.c.amount,
            co.c.currency,
        )
        .select_from(joined)
        .where(where)
        .order_by(p.c.promised_on, p.c.id)
        .limit(limit)
    ).all()
    return [PromiseDue(*row) for row in rows], int(total)


def space_customers(conn: Connection, scope: Scope, as_of: date, days: int = SPACE_DAYS) -> int:
    """How many customers of the scope did something in their space (a visit, a promise...)
    in the `days` days up to `as_of` (UTC days)."""
    e, c = SpaceEvent.__table__, Customer.__table__
    start = datetime.combine(as_of - timedelta(days=days - 1), time.min, tzinfo=UTC)
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    query = (
        select(func.count(func.distinct(e.c.customer_id)))
        .select_from(e.join(c, c.c.id == e.c.customer_id))
        .where((e.c.at >= start) & (e.c.at < end) & scope_clause(scope))
    )
    return int(conn.execute(query).scalar() or 0)


def open_disputes(conn: Connection, scope: Scope, limit: int = LIST_LIMIT) -> list[OpenDispute]:
    """The latest open disputes of the scope, newest first."""
    d, c, co = Dispute.__table__, Customer.__table__, Company.__table__
    r, i = DisputeReason.__table__, DisputeItem.__table__
    amount = (
        select(func.coalesce(func.sum(i.c.amount), 0))
        .where(i.c.dispute_id == d.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            d.c.id,
            d.c.customer_id,
            c.c.number,
            c.c.name,
            d.c.opened_at,
            func.coalesce(r.c.label, d.c.note, ""),
            amount,
            co.c.currency,
        )
        .select_from(
            d.join(c, c.c.id == d.c.customer_id)
            .join(co, co.c.id == c.c.company_id)
            .outerjoin(r, r.c.id == d.c.reason_id)
        )
        .where((d.c.status == "open") & scope_clause(scope))
        .order_by(d.c.opened_at.desc(), d.c.id.desc())
        .limit(limit)
    ).all()
    return [
        OpenDispute(row[0], row[1], row[2], row[3], row[4], row[5] or "", Decimal(row[6]), row[7])
        for row in rows
    ]


def _app_events(conn: Connection, scope: Scope, until: datetime, limit: int) -> list[RecentEvent]:
    """The latest `limit` events of each kind recorded in the app, before `until`."""
    c, co = Customer.__table__, Company.__table__
    m, p, d = Message.__table__, Promise.__table__, Dispute.__table__
    cm, f, a = Comment.__table__, Flag.__table__, Action.__table__
    no_amount = literal(None)

    def named(column, fallback):  # noqa: ANN001, ANN202
        return func.coalesce(func.nullif(column, ""), fallback)

    # kind, table, time, title, amount, extra condition
    sources = [
        ("message", m, m.c.sent_at, m.c.subject, no_amount, m.c.status == "sent"),
        ("promise", p, p.c.created_at, p.c.note, p.c.amount, None),
        ("dispute_opened", d, d.c.opened_at, d.c.note, no_amount, None),
        ("comment", cm, cm.c.created_at, cm.c.body, no_amount, None),
        ("flag", f, f.c.created_at, named(f.c.label, f.c.kind), no_amount, None),
        ("action", a, a.c.done_at, named(a.c.note, a.c.kind), no_amount, a.c.status == "done"),
    ]
    events: list[RecentEvent] = []
    for kind, table, at, title, amount, extra in sources:
        where = at.is_not(None) & (at < until) & scope_clause(scope)
        if extra is not None:
            where = where & extra
        query = (
            select(
                at.label("at"),
                table.c.customer_id,
                c.c.number,
                c.c.name,
                title.label("title"),
                amount.label("amount"),
                co.c.currency,
            )
            .select_from(
                table.join(c, c.c.id == table.c.customer_id).join(co, co.c.id == c.c.company_id)
            )
            .where(where)
            .order_by(at.desc())
            .limit(limit)
        )
        if kind == "action":
            # A done call reads as a call in the feed, as in the customer's timeline.
            query = query.add_columns(a.c.kind.label("action_kind"))
        for row in conn.execute(query).all():
            when = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
            event_kind = kind
            if kind == "action" and row.action_kind == "call":
                event_kind = "call"
            events.append(
                RecentEvent(
                    on=when.date(),
                    at=when,
                    kind=event_kind,
                    customer_id=row.customer_id,
                    number=row.number,
                    name=row.name,
                    title=(row.title or "")[:200],
                    amount=None if row.amount is None else Decimal(row.amount),
                    currency=row.currency,
                )
            )
    return events


def _payments(engine: Engine, scope: Scope, as_of: date, limit: int) -> list[RecentEvent]:
    ledger = _ledger(engine)
    posted = ledger.scoped(ledger.view(as_of).posted, scope).filter(
        (pl.col("kind") == KIND_PAYMENT) & ~pl.col("carried_forward")
    )
    latest = posted.sort(["posting_date", "id"], descending=True).head(limit)
    if latest.is_empty():
        return []
    latest = latest.join(
        ledger.customers.select("customer_id", "number", "name"), on="customer_id", how="left"
    ).join(ledger.companies.select("company_id", "book_currency"), on="company_id", how="left")
    return [
        RecentEvent(
            on=r["posting_date"],
            at=None,
            kind="payment",
            customer_id=r["customer_id"],
            number=r["number"] or "",
            name=r["name"] or "",
            title="",
            amount=-money(r["amount"]),
            currency=r["book_currency"] or "EUR",
        )
        for r in latest.iter_rows(named=True)
    ]


def recent_events(
    engine: Engine, scope: Scope, as_of: date, limit: int = EVENT_LIMIT
) -> list[RecentEvent]:
    """The latest events of the scope up to `as_of`, newest first: payments received,
    messages sent, promises, disputes, comments, flags and actions done."""
    until = datetime.combine(as_of + timedelta(days=1), time.min, UTC)
    with engine.connect() as conn:
        events = _app_events(conn, scope, until, limit)
    events += _payments(engine, scope, as_of, limit)

    def key(e: RecentEvent) -> tuple:
        return (e.on, e.at or datetime.combine(e.on, time.min, UTC), e.kind)

    return sorted(events, key=key, reverse=True)[:limit]


_CACHE: OrderedDict[tuple, ViewerDashboard] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple, threading.Lock] = {}


def warm(engine: Engine, as_of: date | None = None, max_scopes: int = 40) -> int:
    """Fill the caches: the ledger, then the dashboard of the whole base, of each company and
    of each sales rep (what a viewer's scope or first filter most often is); return the data
    version they were computed for.

    Run in the background at the app's start and after each data change, so that viewers find
    their figures ready instead of waiting for a million-entry computation.

    Args:
        engine: the store.
        as_of: the date (default today).
        max_scopes: at most this many scopes beyond the whole base.
    """
    as_of = as_of or clock_today()
    ledger = _ledger(engine)
    version = ledger.version
    scopes = [Scope()]
    scopes += [Scope(company_ids=frozenset({int(i)})) for i in ledger.companies["company_id"]]
    reps = ledger.customers["sales_rep_id"].drop_nulls().unique().sort()
    scopes += [Scope(sales_rep_ids=frozenset({int(i)})) for i in reps]
    for scope in scopes[: max_scopes + 1]:
        _cached(engine, scope, as_of, version)
    return version


def _compute(engine: Engine, scope: Scope, as_of: date, version: int) -> ViewerDashboard:
    _ledger(engine)
    figures = dashboard(engine, scope, as_of)
    with engine.connect() as conn:
        due, due_count = promises_due(conn, scope, as_of)
        disputes = open_disputes(conn, scope)
        in_space = space_customers(conn, scope, as_of)
    currency = figures.kpis.book_currency
    return ViewerDashboard(
        version=version,
        as_of=as_of,
        currency=currency,
        figures=figures,
        promises_due=tuple(due),
        promises_due_count=due_count,
        open_disputes=tuple(disputes),
        recent_events=tuple(recent_events(engine, scope, as_of)),
        space_customers=in_space,
    )


def viewer_dashboard(
    engine: Engine,
    who: Viewer,
    filters: DashboardFilters = DashboardFilters(),  # noqa: B008
    as_of: date | None = None,
) -> ViewerDashboard:
    """The viewer's dashboard, narrowed by the filters, as of a date (default today).

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, ROLES)
    as_of = as_of or clock_today()
    scope = filtered_scope(engine, who, filters)
    return _cached(engine, scope, as_of, store_version(engine))


def _cached(engine: Engine, scope: Scope, as_of: date, version: int) -> ViewerDashboard:
    """The dashboard of a scope from the cache, computed once when missing."""
    key = (engine.url.render_as_string(hide_password=False), version, scope, as_of)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    # One computation per key at a time: clients that ask together wait for the first one.
    with lock:
        with _CACHE_LOCK:
            found = _CACHE.get(key)
        if found is None:
            found = _compute(engine, scope, as_of, version)
            with _CACHE_LOCK:
                _CACHE[key] = found
                while len(_CACHE) > CACHE_SIZE:
                    _CACHE.popitem(last=False)
    with _CACHE_LOCK:
        _KEY_LOCKS.pop(key, None)
    return found


def clear_cache() -> None:
    """Forget every cached dashboard (tests, benchmarks)."""
    with _CACHE_LOCK:
        _CACHE.clear()
