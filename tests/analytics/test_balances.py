"""Balances and aging of the hand ledger, by group and by the viewer's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from src_dash.analytics.aging import aging, bucket_labels
from src_dash.analytics.balances import balances
from src_dash.analytics.scope import Scope

TODAY = date(2026, 11, 22)
D = Decimal


def test_consolidated_balance(hand):
    (total,) = balances(hand.engine, as_of=TODAY, by="total")
    assert (total.outstanding, total.overdue, total.not_due, total.credits) == (
        D("3400.00"),
        D("3200.00"),
        D("550.00"),
        D("-350.00"),
    )
    assert (total.open_items, total.customers) == (7, 3)


def test_per_customer(hand):
    rows = {b.key: b for b in balances(hand.engine, as_of=TODAY)}
    assert {k: b.outstanding for k, b in rows.items()} == {
        "ALPHA": D("350.00"),
        "BETA": D("1700.00"),
        "GAMMA": D("1350.00"),
    }
    assert rows["ALPHA"].overdue == D("100.00")
    assert rows["BETA"].credits == D("-300.00")


def test_per_currency_in_both_currencies(hand):
    rows = {b.key: b for b in balances(hand.engine, as_of=TODAY, by="currency")}
    assert rows["EUR"].outstanding == D("2050.00")
    assert rows["EUR"].outstanding_currency is None
    assert rows["USD"].outstanding == D("1350.00")
    assert rows["USD"].outstanding_currency == D("1475.00")


def test_per_sales_rep_and_collector(hand):
    reps = {b.key: b.outstanding for b in balances(hand.engine, as_of=TODAY, by="sales_rep")}
    assert reps == {str(hand.reps["R1"]): D("1700.00"), str(hand.reps["R2"]): D("1700.00")}
    collectors = {b.key: b.outstanding for b in balances(hand.engine, as_of=TODAY, by="collector")}
    # BETA by its collector_id, GAMMA by assignment; ALPHA has no collector
    assert collectors == {str(hand.users["U1"]): D("3050.00"), "": D("350.00")}


def test_scope_of_a_sales_rep_and_a_collector(hand):
    rep = Scope(sales_rep_ids=frozenset({hand.reps["R1"]}))
    (total,) = balances(hand.engine, rep, TODAY, by="total")
    assert total.outstanding == D("1700.00")
    assert {b.key for b in balances(hand.engine, rep, TODAY)} == {"ALPHA", "GAMMA"}
    collector = Scope(collector_ids=frozenset({hand.users["U1"]}))
    (total,) = balances(hand.engine, collector, TODAY, by="total")
    assert total.outstanding == D("3050.00")
    nobody = Scope(company_ids=frozenset({hand.company + 1}))
    assert balances(hand.engine, nobody, TODAY, by="total") == []


def test_as_of_before_the_payments(hand):
    (total,) = balances(hand.engine, as_of=date(2026, 10, 23), by="total")
    # ALPHA e3a+e3b 600, BETA e10 2000, GAMMA e12 1100
    assert total.outstanding == D("3700.00")


def test_aging_default_buckets(hand):
    (row,) = aging(hand.engine, as_of=TODAY)
    assert row.buckets == (
        ("not_due", D("550.00")),
        ("1-30", D("1200.00")),
        ("31-60", D("0.00")),
        ("61-90", D("0.00")),
        ("91-120", D("2000.00")),
        ("over_120", D("0.00")),
    )
    assert (row.credits, row.total) == (D("-350.00"), D("3400.00"))


def test_aging_custom_buckets_per_customer(hand):
    rows = {r.key: r for r in aging(hand.engine, as_of=TODAY, by="customer", bounds=(10, 100))}
    assert rows["ALPHA"].buckets == (
        ("not_due", D("300.00")),
        ("1-10", D("100.00")),
        ("11-100", D("0.00")),
        ("over_100", D("0.00")),
    )
    assert rows["BETA"].bucket("over_100") == D("2000.00")
    assert rows["GAMMA"].bucket("11-100") == D("1100.00")


def test_bad_buckets_refused():
    with pytest.raises(ValueError, match="increasing"):
        bucket_labels((30, 10))


def test_scope_for_users(hand):
    from sqlmodel import Session

    from src_dash.analytics.scope import scope_for_user
    from src_dash.store import User

    with Session(hand.engine) as s:
        rep = User(login="rep", role="sales_rep", sales_rep_id=hand.reps["R2"])
        boss = User(login="boss", role="read_only")
        gone = User(login="gone", role="admin", active=False)
        s.add_all([rep, boss, gone])
        s.commit()
        ids = {u.login: u.id for u in (rep, boss, gone)}
    rep_scope = scope_for_user(hand.engine, ids["rep"])
    assert {b.key for b in balances(hand.engine, rep_scope, TODAY)} == {"BETA"}
    collector = scope_for_user(hand.engine, hand.users["U1"], company_code="HAND")
    assert {b.key for b in balances(hand.engine, collector, TODAY)} == {"BETA", "GAMMA"}
    assert scope_for_user(hand.engine, ids["boss"]).is_everything
    with pytest.raises(LookupError):
        scope_for_user(hand.engine, ids["gone"])
