"""Bulk actions on the selection of "/echeances" (SQLite and PostgreSQL): 30 items stopped, given
a level or commented in one call, one audit line per item (per customer for stops and levels, as
the single actions write), one move of the data version; a read-only user and an item outside a
sales rep's portfolio refused with nothing written.

The world is test_followup.py's hand ledger (`world` of tests/services/conftest.py) with 30 more
open invoices of GAMMA (u1's and the sales rep's portfolio; BETA is outside the rep's).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select
from test_followup import TODAY, World, audit_lines, snapshot, version

from src_dash.access import AccessDenied
from src_dash.services.followup import (
    InvalidInput,
    comment_items,
    set_next_level,
    stop_dunning,
)
from src_dash.store import Comment, Entry, ItemState


def add_invoices(world: World, n: int = 30) -> list[int]:
    """n open invoices of GAMMA, due one day apart before TODAY; their ids."""
    with Session(world.engine) as s:
        made = [
            Entry(
                company_id=world.hand.company,
                customer_id=world.customer("GAMMA"),
                source_key=1000 + k,
                journal="VTE",
                posting_date=TODAY - timedelta(days=60 + k),
                piece=f"BULK-{k:02d}",
                label=f"bulk {k}",
                account="411000",
                amount=Decimal("100.00") + k,
                residual=Decimal("100.00") + k,
                currency="",
                due_date=TODAY - timedelta(days=30 + k),
                lettering_code="",
                lettered=False,
                settled_amount=Decimal("0.00"),
                settled_on=None,
                carried_forward=False,
            )
            for k in range(n)
        ]
        s.add_all(made)
        s.commit()
        return [e.id for e in made]


def rows_of(world: World, model: type) -> list:
    with Session(world.engine) as s:
        return list(s.exec(select(model)).all())


def test_thirty_items_stopped_in_one_call(world: World):
    ids = add_invoices(world)
    before = version(world.engine)
    until = TODAY + timedelta(days=20)
    states = stop_dunning(world.engine, world.users["u1"], ids, "Accord DAF", until, TODAY)
    assert [s.entry_id for s in states] == ids
    assert {(s.stop_reason, s.stop_until) for s in states} == {("Accord DAF", until)}
    stored = {s.entry_id: s for s in rows_of(world, ItemState)}
    assert all(stored[i].stop_reason == "Accord DAF" for i in ids)
    # One customer: one audit line naming the 30 items, and one move of the data version.
    lines = audit_lines(world.engine, "item.stop")
    assert len(lines) == 1
    assert len(lines[0].details["entries"]) == 30
    assert version(world.engine) == before + 1


def test_thirty_items_given_a_level_in_one_call(world: World):
    ids = add_invoices(world)
    before = version(world.engine)
    states = set_next_level(world.engine, world.users["u1"], ids, 3)
    assert {s.next_level for s in states} == {3}
    assert version(world.engine) == before + 1


def test_one_comment_on_each_of_thirty_items(world: World):
    ids = add_invoices(world)
    before = version(world.engine)
    made = comment_items(world.engine, world.users["rep"], ids, "Client relancé par le commercial")
    assert [c.entry_id for c in made] == ids
    stored = [c for c in rows_of(world, Comment) if c.entry_id in set(ids)]
    assert len(stored) == 30
    assert {c.body for c in stored} == {"Client relancé par le commercial"}
    lines = audit_lines(world.engine, "comment.add")
    assert sorted(line.details["entry_id"] for line in lines) == sorted(ids)
    assert version(world.engine) == before + 1


def test_a_read_only_user_is_refused_and_nothing_is_written(world: World):
    ids = add_invoices(world, 5)
    ro = world.users["ro"]
    before = snapshot(world.engine)
    with pytest.raises(AccessDenied, match="may not do this"):
        stop_dunning(world.engine, ro, ids, "Accord DAF", None, TODAY)
    with pytest.raises(AccessDenied, match="may not do this"):
        set_next_level(world.engine, ro, ids, 2)
    with pytest.raises(AccessDenied, match="may not do this"):
        comment_items(world.engine, ro, ids, "Vu")
    assert snapshot(world.engine) == before


def test_an_item_outside_the_sales_reps_portfolio_refuses_the_whole_selection(world: World):
    ids = add_invoices(world, 5)
    rep = world.users["rep"]
    before = snapshot(world.engine)
    # e10 is BETA's, outside the rep's portfolio: none of the selection is commented.
    with pytest.raises(AccessDenied):
        comment_items(world.engine, rep, [*ids, world.entry("e10")], "Vu")
    # The same for a collector on an item outside theirs (ALPHA's e3a for u1).
    u1 = world.users["u1"]
    with pytest.raises(AccessDenied):
        stop_dunning(world.engine, u1, [*ids, world.entry("e3a")], "Accord", None, TODAY)
    with pytest.raises(AccessDenied):
        comment_items(world.engine, u1, [*ids, world.entry("e3a")], "Vu")
    assert snapshot(world.engine) == before


@pytest.mark.parametrize(
    ("entry_ids", "body", "field"),
    [([], "Vu", "items"), (None, "Vu", "body"), (["x"], "Vu", "items")],
)
def test_bad_bulk_comments_change_nothing(world: World, entry_ids, body, field):
    ids = add_invoices(world, 2) if entry_ids is None else entry_ids
    before = snapshot(world.engine)
    with pytest.raises(InvalidInput) as caught:
        comment_items(world.engine, world.users["u1"], ids, "" if entry_ids is None else body)
    assert caught.value.field == field
    assert snapshot(world.engine) == before
