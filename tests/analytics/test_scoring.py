"""Bad-payer scores: parts worked out by hand, only what was known at the date, AUC maths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from src_dash.analytics.scope import Scope
from src_dash.analytics.scoring import grade, roc_auc, scores
from src_dash.analytics.top import largest_overdue, worst_risk

TODAY = date(2026, 11, 22)
D = Decimal


def test_alpha_score_by_hand(hand):
    alpha = next(s for s in scores(hand.engine, as_of=TODAY) if s.number == "ALPHA")
    parts = {p.name: p for p in alpha.parts}
    # e1 1000 x 10 days + e15 800 x 15 days over 1800 = 12.2 days beyond terms;
    # PAYDEX 80 - 12.22 x 10/15 = 71.85 -> (80 - 71.85) x 100 / 60 = 13.6 points
    assert (parts["days_beyond_terms"].value, parts["days_beyond_terms"].points) == (
        D("12.2"),
        D("13.6"),
    )
    assert parts["share_paid_late"].points == D("100.0")  # both more than 5 days late
    assert parts["trend"].points is None  # nothing settled before the last 3 months
    # open: 100 x 8 days + 300 x 0 over 400 = 2 days -> 3.3 points
    assert (parts["current_overdue"].value, parts["current_overdue"].points) == (
        D("2.0"),
        D("3.3"),
    )
    assert parts["broken_promises"].points == D("50.0")
    # (0.3 x 13.58 + 0.3 x 100 + 0.2 x 3.33 + 0.05 x 50) / 0.95 (trend has no data)
    assert (alpha.score, alpha.grade) == (39, "B")
    assert float(sum(p.contribution for p in alpha.parts)) == pytest.approx(39.2, abs=0.15)
    assert alpha.settled_invoices == 2


def test_only_what_was_known(hand):
    early = {s.number: s for s in scores(hand.engine, as_of=date(2026, 9, 1))}
    assert early["ALPHA"].settled_invoices == 0  # e15 settled on 09-15
    parts = {p.name: p for p in early["ALPHA"].parts}
    assert parts["broken_promises"].points == D("0.0")
    assert parts["days_beyond_terms"].points is None


def test_ranking_and_scope(hand):
    ranked = [s.number for s in scores(hand.engine, as_of=TODAY)]
    assert ranked[0] == "BETA"  # 114 days overdue, a dispute
    rep = Scope(sales_rep_ids=frozenset({hand.reps["R1"]}))
    assert {s.number for s in scores(hand.engine, rep, TODAY)} == {"ALPHA", "GAMMA"}


def test_top_lists(hand):
    top = largest_overdue(hand.engine, as_of=TODAY)
    assert [(t.number, t.overdue, t.oldest_days_overdue) for t in top] == [
        ("BETA", D("2000.00"), 114),
        ("GAMMA", D("1100.00"), 22),
        ("ALPHA", D("100.00"), 8),
    ]
    assert [t.number for t in largest_overdue(hand.engine, as_of=TODAY, limit=1)] == ["BETA"]
    big = largest_overdue(hand.engine, as_of=TODAY, min_overdue=D("1000"))
    assert [t.number for t in big] == ["BETA", "GAMMA"]
    risk = worst_risk(hand.engine, as_of=TODAY)
    assert risk[0].number == "BETA"
    assert all(r.risk == (r.exposure * r.score / 100).quantize(D("0.01"), "ROUND_FLOOR")
               for r in risk)  # fmt: skip


def test_grades():
    assert [grade(s) for s in (0, 19, 20, 59, 60, 79, 80, 100)] == list("AABCDDEE")


def test_roc_auc():
    assert roc_auc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert roc_auc([1, 2, 3, 4], [True, True, False, False]) == 0.0
    assert roc_auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    assert roc_auc([1, 2], [True, True]) is None
