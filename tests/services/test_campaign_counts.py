# ruff: noqa: F811  (the fixtures of test_campaigns are imported by name)
"""Campaigns that add up, on the hand-made base of test_campaigns (SQLite and PostgreSQL):
customers and items counted apart, proposed + left out = in scope, each left out once with its
reason; the level filter narrows what is left out as it narrows the proposals; runs named after
scenario, level and day; a dun-now is not a campaign.

The base: ALPHA owes 1 000,00 due 20 days ago (R1); BETA 2 000,00 due 40 days ago, at R2 (R3 by
email and letter); GAMMA is not to be dunned (300,00); DELTA's only item is disputed (500,00);
EPSILON owes 800,00 due 20 days ago (R1).
"""

from __future__ import annotations

from decimal import Decimal

from services.test_campaigns import TODAY, Base, base, data_dir  # noqa: F401  (fixtures)

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria, UnitCount
from src_dash.services.dun_now import dun_now, preview_dun

D = Decimal


def _reasons(unit: UnitCount) -> dict[str, int]:
    return {r.reason: r.count for r in unit.reasons}


def _adds_up(unit: UnitCount) -> None:
    assert unit.in_scope == unit.proposed + unit.excluded
    assert sum(r.count for r in unit.reasons) == unit.excluded


def test_customers_and_items_are_counted_apart_and_add_up(base: Base) -> None:
    seen = campaigns.preview(base.engine, base.users["collector"], CampaignCriteria(), TODAY)
    customers, items = seen.customer_counts, seen.item_counts
    _adds_up(customers)
    _adds_up(items)
    # ALPHA, BETA, EPSILON proposed; GAMMA left out whole; DELTA has its only item left out.
    assert (customers.proposed, customers.excluded, customers.in_scope) == (3, 2, 5)
    assert _reasons(customers) == {"do_not_dun": 1, "items_excluded": 1}
    # a1, b1, e1 proposed (BETA's once, though by email and letter); d1 disputed. GAMMA's item
    # is not counted as an item: its customer is left out whole.
    assert (items.proposed, items.excluded, items.in_scope) == (3, 1, 4)
    assert _reasons(items) == {"disputed": 1}
    amounts = {r.reason: r.amount for r in customers.reasons}
    assert amounts == {"do_not_dun": D("300.00"), "items_excluded": D("500.00")}
    assert (seen.customers, seen.items) == (customers.proposed, items.proposed)


def test_the_level_filter_narrows_what_is_left_out_too(base: Base) -> None:
    who = base.users["collector"]
    r3 = campaigns.preview(base.engine, who, CampaignCriteria(level=3), TODAY)
    assert {p.customer_number for p in r3.proposals} == {"BETA"}
    # GAMMA and DELTA would have got R1, not R3: not left out of an R3 campaign.
    assert r3.exclusions == ()
    assert (r3.customer_counts.in_scope, r3.item_counts.in_scope) == (1, 1)
    r1 = campaigns.preview(base.engine, who, CampaignCriteria(level=1), TODAY)
    assert {p.customer_number for p in r1.proposals} == {"ALPHA", "EPSILON"}
    assert {e.customer_number for e in r1.exclusions} == {"GAMMA", "DELTA"}
    _adds_up(r1.customer_counts)
    _adds_up(r1.item_counts)
    assert (r1.customer_counts.proposed, r1.customer_counts.excluded) == (2, 2)
    assert (r1.item_counts.proposed, r1.item_counts.excluded) == (2, 1)


def test_runs_are_named_and_dun_now_is_not_a_campaign(base: Base) -> None:
    who = base.users["collector"]
    draft = campaigns.create_draft(base.engine, who, CampaignCriteria(level=3), as_of=TODAY)
    assert draft.run
    status = campaigns.run_status(base.engine, who, draft.run)
    assert (status.scenarios, status.levels, status.as_of) == (("PME",), (3,), TODAY)
    preview = preview_dun(base.engine, who, base.items["a1"], 1, as_of=TODAY)
    now = dun_now(base.engine, who, preview)
    assert now.run and now.run != draft.run
    listed = campaigns.recent_runs(base.engine, who)
    assert [(r.run, r.scenarios, r.levels) for r in listed] == [(draft.run, ("PME",), (3,))]
