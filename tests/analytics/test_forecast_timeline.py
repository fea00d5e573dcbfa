"""Cash-in forecast and customer timeline of the hand ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from src_dash.analytics.forecast import forecast
from src_dash.analytics.scope import Scope
from src_dash.analytics.timeline import timeline

TODAY = date(2026, 11, 22)  # a Sunday
D = Decimal


def test_forecast_by_week_and_month(hand):
    f = forecast(hand.engine, as_of=TODAY, weeks=6, months=3)
    # ALPHA pays 12 days late (1000 x 10 + 800 x 15 over 1800): e3a due 11-14 -> 11-26,
    # e3b due 12-14 -> 12-26; GAMMA has no history: e13 on its due date 12-01, e12 on its
    # promised date 11-28; BETA's e10 is disputed and left out.
    weeks = {p.start: (p.expected, p.items) for p in f.weeks}
    assert weeks[date(2026, 11, 16)] == (D("0.00"), 0)
    assert weeks[date(2026, 11, 23)] == (D("1200.00"), 2)
    assert weeks[date(2026, 11, 30)] == (D("250.00"), 1)
    assert weeks[date(2026, 12, 21)] == (D("300.00"), 1)
    november, december, january = f.months
    assert (november.collected, november.expected) == (D("750.00"), D("1200.00"))
    assert (november.objective, november.gap) == (D("2500.00"), D("550.00"))
    assert (december.expected, december.objective, december.gap) == (D("550.00"), None, None)
    assert january.expected == D("0.00")
    assert f.excluded_disputed == D("2000.00")


def test_forecast_never_before_as_of(hand):
    # As of 11-30 ALPHA's e3a (expected 11-26) is still unpaid: expected at once.
    f = forecast(hand.engine, Scope(customer_ids=frozenset({hand.customers["ALPHA"]})),
                 date(2026, 11, 30), weeks=1)  # fmt: skip
    assert f.weeks[0].start == date(2026, 11, 30)
    assert f.weeks[0].expected == D("100.00")


def test_timeline_in_date_order(hand):
    events = timeline(hand.engine, hand.customers["ALPHA"], as_of=TODAY)
    assert [(e.on.isoformat(), e.kind) for e in events] == [
        ("2026-08-01", "invoice"),
        ("2026-08-20", "credit_note"),
        ("2026-09-01", "invoice"),
        ("2026-09-15", "payment"),
        ("2026-10-11", "payment"),
        ("2026-10-15", "invoice"),
        ("2026-10-15", "invoice"),
        ("2026-11-05", "promise"),
        ("2026-11-10", "credit_note"),
        ("2026-11-11", "promise_broken"),
        ("2026-11-12", "comment"),
        ("2026-11-20", "payment"),
        ("2026-11-21", "flag"),
    ]
    assert events[0].title == "P-e15 line e15" and events[0].amount == D("800.00")
    assert len(timeline(hand.engine, hand.customers["ALPHA"], as_of=date(2026, 9, 1))) == 3


def test_timeline_respects_the_portfolio(hand):
    rep = Scope(sales_rep_ids=frozenset({hand.reps["R2"]}))
    with pytest.raises(PermissionError):
        timeline(hand.engine, hand.customers["ALPHA"], rep, TODAY)
    assert timeline(hand.engine, hand.customers["BETA"], rep, TODAY)
