"""KPIs of the hand ledger, each worked out by hand (see conftest for the rows)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.analytics.kpis import countback_dso, kpis
from src_dash.analytics.scope import Scope

TODAY = date(2026, 11, 22)
D = Decimal


def test_dashboard_kpis(hand):
    k = kpis(hand.engine, as_of=TODAY)
    assert (k.outstanding, k.gross_receivables, k.overdue, k.not_due) == (
        D("3400.00"),
        D("3750.00"),
        D("3200.00"),
        D("550.00"),
    )
    # 3200 / 3750
    assert k.overdue_ratio == D("85.3")
    # net sales posted 08-24..11-22: Sep 1000, Oct 300+300+1100, Nov 500-50
    assert k.sales_90_days == D("3150.00")
    # 3400 / 3150 x 90 = 97.14; best possible 550 / 3150 x 90 = 15.71; ADD the difference
    assert (k.dso, k.best_possible_dso, k.average_days_delinquent) == (
        D("97.1"),
        D("15.7"),
        D("81.4"),
    )
    # Nov (22 days) 450, Oct 1700, Sep 1000 exhausted, then 31 x 250 / 700 of August
    assert k.dso_countback == D("94.1")
    # beginning 3700 (as of 10-23) + sales 450 - ending 3400, over 3700 + 450 - current 550
    assert k.cei == D("20.8")
    # e11 300 + e14 250 + e4 200
    assert k.cash_collected_month == D("750.00")
    assert (k.open_disputes, k.disputed_amount) == (1, D("2000.00"))
    assert k.customers_without_contact == 1  # BETA: its only contact is never dunned
    assert (k.open_items, k.customers_with_balance, k.customers) == (7, 3, 3)


def test_promises_of_the_month(hand):
    p = kpis(hand.engine, as_of=TODAY).promises
    assert (p.due, p.due_amount) == (2, D("1200.00"))
    assert (p.kept, p.broken, p.broken_amount) == (0, 1, D("100.00"))
    assert (p.pending, p.pending_amount) == (1, D("1100.00"))
    # On 11-10 the broken promise was not decided yet, and GAMMA's was not made.
    early = kpis(hand.engine, as_of=date(2026, 11, 10)).promises
    assert (early.due, early.pending, early.broken) == (1, 1, 0)


def test_kpis_of_a_sales_rep(hand):
    k = kpis(hand.engine, Scope(sales_rep_ids=frozenset({hand.reps["R1"]})), TODAY)
    assert (k.outstanding, k.overdue, k.customers) == (D("1700.00"), D("1200.00"), 2)
    assert k.cash_collected_month == D("450.00")  # e4 + e14
    assert (k.open_disputes, k.customers_without_contact) == (0, 0)


def test_disputes_as_of_before_opening(hand):
    k = kpis(hand.engine, as_of=date(2026, 10, 31))
    assert (k.open_disputes, k.disputed_amount) == (0, D("0.00"))


def test_countback_edge_cases():
    sales = {date(2026, 11, 1): 100, date(2026, 10, 1): 300}
    assert countback_dso(0, sales, TODAY) == D("0.0")
    assert countback_dso(50, sales, TODAY) == D("11.0")  # 22 x 50 / 100
    assert countback_dso(1000, sales, TODAY) == D("53.0")  # history runs out
    assert countback_dso(100, {}, TODAY) is None
