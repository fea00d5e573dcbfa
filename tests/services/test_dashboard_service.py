"""The viewer's dashboard: the analytics' figures for the viewer's scope, narrowed by filters that
can never widen it, with the promises due, open disputes and latest events of that scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sage_helpers import TODAY, register
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.analytics.dashboard import dashboard
from src_dash.analytics.ledger import clear_cache
from src_dash.analytics.scope import scope_for_user
from src_dash.services import dashboard as service
from src_dash.services.auth import seed_demo_users
from src_dash.services.dashboard import DashboardFilters, filter_options, viewer_dashboard
from src_dash.store import Comment, Customer, Dispute, DisputeItem, Promise, User
from src_dash.store.versions import bump_data_version
from src_dash.sync import sync_company


@dataclass
class Demo:
    engine: Engine
    users: dict[str, Viewer]
    rep_id: int


@pytest.fixture
def demo(store: Engine, demo_base: Path) -> Iterator[Demo]:
    """The demo base synced into a fresh store, with one user per role."""
    clear_cache()
    service.clear_cache()
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_demo_users(store)
    with store.connect() as conn:
        ids = dict(conn.execute(select(User.__table__.c.login, User.__table__.c.id)).all())
        rep = conn.execute(select(User.sales_rep_id).where(User.login == "commercial")).scalar()
    yield Demo(store, {login: viewer(store, uid) for login, uid in ids.items()}, rep)
    clear_cache()
    service.clear_cache()


def customers_of(engine: Engine, rep_id: int, mine: bool) -> list[int]:
    with engine.connect() as conn:
        clause = Customer.sales_rep_id == rep_id if mine else Customer.sales_rep_id != rep_id
        return list(conn.execute(select(Customer.id).where(clause).order_by(Customer.id)).scalars())


@pytest.mark.parametrize("login", ["admin", "recouvrement", "commercial", "direction"])
def test_the_figures_are_the_analytics_of_the_viewers_scope(demo: Demo, login: str) -> None:
    who = demo.users[login]
    got = viewer_dashboard(demo.engine, who, as_of=TODAY)
    expected = dashboard(demo.engine, scope_for_user(demo.engine, who.user_id), TODAY)
    assert got.figures == expected
    assert got.currency == "EUR"


def test_a_sales_rep_sees_only_their_customers_and_their_own_rep_as_filter(demo: Demo) -> None:
    rep = demo.users["commercial"]
    everything = viewer_dashboard(demo.engine, demo.users["admin"], as_of=TODAY)
    mine = viewer_dashboard(demo.engine, rep, as_of=TODAY)
    assert 0 < mine.figures.kpis.outstanding < everything.figures.kpis.outstanding
    allowed = set(customers_of(demo.engine, demo.rep_id, mine=True))
    assert {t.customer_id for t in mine.figures.top_overdue} <= allowed
    assert {e.customer_id for e in mine.recent_events} <= allowed
    options = filter_options(demo.engine, rep)
    assert [o.value for o in options.sales_reps] == [str(demo.rep_id)]
    assert [o.value for o in options.companies] == ["DEMO1"]


def test_a_filter_sent_by_hand_cannot_widen_the_scope(demo: Demo) -> None:
    rep = demo.users["commercial"]
    with demo.engine.connect() as conn:
        other = conn.execute(
            select(Customer.sales_rep_id).where(
                Customer.sales_rep_id.is_not(None), Customer.sales_rep_id != demo.rep_id
            )
        ).scalar()
    assert other is not None
    # The admin sees that rep's figures; the sales rep asking for them gets nothing.
    theirs = viewer_dashboard(
        demo.engine, demo.users["admin"], DashboardFilters(sales_rep_id=other)
    )
    assert theirs.figures.kpis.outstanding != 0
    stolen = viewer_dashboard(demo.engine, rep, DashboardFilters(sales_rep_id=other), TODAY)
    assert stolen.figures.kpis.outstanding == 0
    assert stolen.figures.kpis.customers == 0
    assert stolen.figures.top_overdue == () and stolen.recent_events == ()
    unknown = viewer_dashboard(demo.engine, rep, DashboardFilters(company_code="NOPE"), TODAY)
    assert unknown.figures.kpis.open_items == 0


def test_nobody_signed_in_gets_nothing(demo: Demo) -> None:
    with pytest.raises(AccessDenied):
        viewer_dashboard(demo.engine, None, as_of=TODAY)  # type: ignore[arg-type]
    with pytest.raises(AccessDenied):
        filter_options(demo.engine, None)  # type: ignore[arg-type]


def test_promises_disputes_and_events_of_the_scope_and_a_new_version(demo: Demo) -> None:
    mine = customers_of(demo.engine, demo.rep_id, mine=True)
    others = customers_of(demo.engine, demo.rep_id, mine=False)
    rep, admin = demo.users["commercial"], demo.users["admin"]
    before = viewer_dashboard(demo.engine, rep, as_of=TODAY)
    assert before.promises_due == () and before.open_disputes == ()

    with demo.engine.begin() as conn:
        promise = Promise.__table__
        conn.execute(
            promise.insert(),
            [
                # Late, due soon, too far ahead, kept, and one of another rep's customers.
                {"customer_id": mine[0], "amount": Decimal("10.00"), "status": "pending",
                 "promised_on": TODAY - timedelta(days=3)},
                {"customer_id": mine[1], "amount": Decimal("20.00"), "status": "pending",
                 "promised_on": TODAY + timedelta(days=5)},
                {"customer_id": mine[1], "amount": Decimal("30.00"), "status": "pending",
                 "promised_on": TODAY + timedelta(days=30)},
                {"customer_id": mine[2], "amount": Decimal("40.00"), "status": "kept",
                 "promised_on": TODAY},
                {"customer_id": others[0], "amount": Decimal("50.00"), "status": "pending",
                 "promised_on": TODAY},
            ],
        )  # fmt: skip
        dispute_id = conn.execute(
            Dispute.__table__.insert().values(customer_id=mine[0], status="open", note="Prix")
        ).inserted_primary_key[0]
        conn.execute(
            DisputeItem.__table__.insert(),
            [
                {"dispute_id": dispute_id, "piece": "A", "amount": Decimal("12.50")},
                {"dispute_id": dispute_id, "piece": "B", "amount": Decimal("7.50")},
            ],
        )
        conn.execute(
            Dispute.__table__.insert().values(customer_id=others[0], status="open", note="X")
        )
        conn.execute(Comment.__table__.insert().values(customer_id=mine[2], body="Rappeler"))
        conn.execute(Comment.__table__.insert().values(customer_id=others[1], body="Secret"))
        bump_data_version(conn)

    after = viewer_dashboard(demo.engine, rep, as_of=TODAY)
    assert after.version > before.version
    assert [(p.customer_id, p.amount) for p in after.promises_due] == [
        (mine[0], Decimal("10.00")),
        (mine[1], Decimal("20.00")),
    ]
    assert after.promises_due_count == 2
    assert [(d.customer_id, d.amount, d.reason) for d in after.open_disputes] == [
        (mine[0], Decimal("20.00"), "Prix")
    ]
    assert after.figures.kpis.open_disputes == 1
    titles = [e.title for e in after.recent_events if e.kind == "comment"]
    assert titles == ["Rappeler"]
    assert after.recent_events[0].kind == "comment"  # today's, newest first

    seen_by_admin = viewer_dashboard(demo.engine, admin, as_of=TODAY)
    assert seen_by_admin.promises_due_count == 3
    assert {e.title for e in seen_by_admin.recent_events if e.kind == "comment"} == {
        "Rappeler",
        "Secret",
    }


def test_the_same_scope_is_computed_once_per_version(demo: Demo, monkeypatch) -> None:
    calls = []
    real = service._compute

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "_compute", counting)
    # Admin, collector (sees all) and read-only share one scope: one computation.
    for login in ("admin", "recouvrement", "direction", "admin"):
        viewer_dashboard(demo.engine, demo.users[login], as_of=TODAY)
    assert len(calls) == 1
    with demo.engine.begin() as conn:
        bump_data_version(conn)
    viewer_dashboard(demo.engine, demo.users["admin"], as_of=TODAY)
    assert len(calls) == 2


def test_warming_fills_the_cache_for_the_base_each_company_and_each_rep(
    demo: Demo, monkeypatch
) -> None:
    version = service.warm(demo.engine, TODAY)
    assert version == service.store_version(demo.engine)
    calls = []
    real = service._compute
    monkeypatch.setattr(service, "_compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    viewer_dashboard(demo.engine, demo.users["admin"], as_of=TODAY)
    viewer_dashboard(demo.engine, demo.users["commercial"], as_of=TODAY)
    viewer_dashboard(
        demo.engine, demo.users["admin"], DashboardFilters(company_code="DEMO1"), TODAY
    )
    assert calls == []


def test_filters_that_change_nothing_are_left_out_of_the_scope(demo: Demo) -> None:
    admin, rep = demo.users["admin"], demo.users["commercial"]
    scope = service.filtered_scope
    # The store holds one company: filtering on it, or on its currency, keeps every customer.
    assert scope(demo.engine, admin, DashboardFilters(company_code="DEMO1")) == admin.scope
    assert scope(demo.engine, admin, DashboardFilters(currency="EUR")) == admin.scope
    both = DashboardFilters(company_code="DEMO1", sales_rep_id=demo.rep_id)
    assert scope(demo.engine, admin, both) == rep.scope
    assert scope(demo.engine, rep, DashboardFilters(company_code="DEMO1")) == rep.scope
    assert scope(demo.engine, admin, DashboardFilters(currency="USD")).company_ids == frozenset()
