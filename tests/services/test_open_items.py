"""The open items table on the hand ledger (SQLite and PostgreSQL): paging, sorting and every
filter give the rows worked out by hand, scoped to the viewer, and follow the changes made.

Open items on 2026-11-22 (see tests/analytics/conftest.py), by due date:
  e10 BETA  VTE  due 07-31  114 days  2000.00  under an open dispute
  e12 GAMMA VTE  due 10-31   22 days  1100.00  promised for 11-28
  e11 BETA  BQ   (posted 11-05) 17 days -300.00  unapplied payment
  e5  ALPHA VTE  due 11-10   12 days   -50.00  credit note
  e3a ALPHA VTE  due 11-14    8 days   100.00
  e13 GAMMA VTE  due 12-01   -9 days   250.00
  e3b ALPHA VTE  due 12-14  -22 days   300.00
Scores: ALPHA 39 (B), BETA 62 (D), GAMMA 17 (A).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session
from test_followup import World

from src_dash.services.followup import InvalidInput, record_promise, stop_dunning
from src_dash.services.open_items import (
    OpenItemFilters,
    filter_choices,
    open_item_ids,
    open_items,
)
from src_dash.store import Action, ActionItem, Customer, Entry, ItemState
from src_dash.store.versions import bump_data_version

TODAY = date(2026, 11, 22)
D = Decimal
BY_DUE = ["e10", "e12", "e11", "e5", "e3a", "e13", "e3b"]


def names(world: World, rows) -> list[str]:  # noqa: ANN001
    by_id = {v: k for k, v in world.hand.entries.items()}
    return [by_id[r.entry_id] for r in rows]


def page(world: World, user: str = "admin", **kw) -> list[str]:  # noqa: ANN003
    kw.setdefault("page_size", 50)
    return names(world, open_items(world.engine, world.users[user], as_of=TODAY, **kw).rows)


def test_rows_carry_what_the_table_shows(world: World):
    result = open_items(world.engine, world.users["admin"], as_of=TODAY)
    assert names(world, result.rows) == BY_DUE
    assert (result.total, result.pages, result.total_residual, result.overdue_residual) == (
        7,
        1,
        D("3400.00"),
        D("3200.00"),  # 2000 + 1100 + 100: positive and past due
    )
    rows = {n: r for n, r in zip(names(world, result.rows), result.rows, strict=True)}
    e12 = rows["e12"]
    assert (e12.piece, e12.label, e12.customer_number, e12.company_code, e12.journal) == (
        "P-e12",
        "line e12",
        "GAMMA",
        "HAND",
        "VTE",
    )
    assert (e12.due_date, e12.days_late, e12.residual, e12.currency, e12.residual_currency) == (
        date(2026, 10, 31),
        22,
        D("1100.00"),
        "USD",
        D("1200.00"),
    )
    assert (e12.state, e12.promised_on, e12.promise_amount, e12.grade) == (
        "promised",
        date(2026, 11, 28),
        D("1100.00"),
        "A",
    )
    assert (rows["e10"].state, rows["e10"].dispute_id is not None) == ("disputed", True)
    assert (rows["e11"].due_date, rows["e11"].days_late, rows["e11"].kind) == (None, 17, "payment")
    assert (rows["e3b"].days_late, rows["e3b"].state, rows["e3b"].level) == (-22, "none", 0)


def test_paging_walks_every_row_once_and_clamps_past_the_end(world: World):
    admin = world.users["admin"]
    pages = [open_items(world.engine, admin, page=n, page_size=3, as_of=TODAY) for n in range(3)]
    assert [names(world, p.rows) for p in pages] == [BY_DUE[:3], BY_DUE[3:6], BY_DUE[6:]]
    assert {p.pages for p in pages} == {3}
    past = open_items(world.engine, admin, page=99, page_size=3, as_of=TODAY)
    assert (past.page, names(world, past.rows)) == (2, ["e3b"])
    with pytest.raises(InvalidInput, match="page_size"):
        open_items(world.engine, admin, page_size=0, as_of=TODAY)


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("residual", True, ["e10", "e12", "e3b", "e13", "e3a", "e5", "e11"]),
        ("residual", False, ["e11", "e5", "e3a", "e13", "e3b", "e12", "e10"]),
        ("days_late", True, ["e10", "e12", "e11", "e5", "e3a", "e13", "e3b"]),
        # Ties on the customer are broken by due date.
        ("customer", False, ["e5", "e3a", "e3b", "e10", "e11", "e12", "e13"]),
        ("piece", True, ["e5", "e3b", "e3a", "e13", "e12", "e11", "e10"]),
        ("grade", False, ["e12", "e13", "e5", "e3a", "e3b", "e10", "e11"]),
        ("posting_date", False, ["e10", "e12", "e3a", "e3b", "e13", "e11", "e5"]),
    ],
)
def test_sorting(world: World, sort: str, descending: bool, expected: list[str]):
    assert page(world, sort=sort, descending=descending) == expected


def test_an_unknown_sort_is_refused(world: World):
    with pytest.raises(InvalidInput, match="sort: 'amount_due' is not one of"):
        page(world, sort="amount_due")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (OpenItemFilters(min_days_late=1), ["e10", "e12", "e11", "e5", "e3a"]),
        (OpenItemFilters(min_days_late=10, max_days_late=30), ["e12", "e11", "e5"]),
        (OpenItemFilters(max_days_late=0), ["e13", "e3b"]),
        (OpenItemFilters(min_residual=D("250")), ["e10", "e12", "e13", "e3b"]),
        (OpenItemFilters(max_residual=D("0")), ["e11", "e5"]),
        (OpenItemFilters(journals=("BQ",)), ["e11"]),
        (OpenItemFilters(kinds=("invoice",)), ["e10", "e12", "e3a", "e13", "e3b"]),
        (
            OpenItemFilters(due_from=date(2026, 11, 1), due_to=date(2026, 11, 30)),
            ["e11", "e5", "e3a"],
        ),  # noqa: E501
        (OpenItemFilters(states=("disputed",)), ["e10"]),
        (OpenItemFilters(states=("promised", "disputed")), ["e10", "e12"]),
        (OpenItemFilters(states=("none",)), ["e11", "e5", "e3a", "e13", "e3b"]),
        (OpenItemFilters(grades=("A", "D")), ["e10", "e12", "e11", "e13"]),
        (OpenItemFilters(levels=(0,)), BY_DUE),
        (OpenItemFilters(search="p-e1"), ["e10", "e12", "e11", "e13"]),
        (OpenItemFilters(search="GAMMA"), ["e12", "e13"]),
        (OpenItemFilters(search="alpha sarl"), ["e5", "e3a", "e3b"]),
        (OpenItemFilters(search="nothing like it"), []),
        (OpenItemFilters(search="e3", min_residual=D("200")), ["e3b"]),
    ],
)
def test_filters(world: World, filters: OpenItemFilters, expected: list[str]):
    assert page(world, filters=filters) == expected
    assert [world.entry(n) for n in expected] == list(
        open_item_ids(world.engine, world.users["admin"], filters, TODAY)
    )


def test_filters_on_company_sales_rep_customer_profile_and_free_fields(world: World):
    with Session(world.engine) as s:
        beta = s.get(Customer, world.customer("BETA"))
        beta.profile, beta.free_fields = "grand compte", {"Segment": "Export", "Zone": "Nord"}
        alpha = s.get(Customer, world.customer("ALPHA"))
        alpha.free_fields = {"Segment": "PME"}
        s.commit()
    with world.engine.begin() as conn:
        bump_data_version(conn)
    assert page(world, filters=OpenItemFilters(company_ids=(world.hand.company,))) == BY_DUE
    assert page(world, filters=OpenItemFilters(company_ids=(world.hand.company + 1,))) == []
    r2 = OpenItemFilters(sales_rep_ids=(world.hand.reps["R2"],))
    assert page(world, filters=r2) == ["e10", "e11"]
    assert page(world, filters=OpenItemFilters(customer_ids=(world.customer("GAMMA"),))) == [
        "e12",
        "e13",
    ]
    assert page(world, filters=OpenItemFilters(profiles=("grand compte",))) == ["e10", "e11"]
    export = OpenItemFilters(free_fields=(("Segment", "exp"),))
    assert page(world, filters=export) == ["e10", "e11"]
    any_segment = OpenItemFilters(free_fields=(("Segment", ""),))
    assert page(world, filters=any_segment) == ["e10", "e11", "e5", "e3a", "e3b"]
    both = OpenItemFilters(free_fields=(("Segment", "e"), ("Zone", "nord")))
    assert page(world, filters=both) == ["e10", "e11"]
    choices = filter_choices(world.engine, world.users["admin"], TODAY)
    assert choices.free_fields == {"Segment": ("Export", "PME"), "Zone": ("Nord",)}
    assert (choices.profiles, choices.journals) == (("grand compte",), ("BQ", "VTE"))


def _set_entry_free_fields(world: World, values: dict[str, dict[str, str]]) -> None:
    """Give entries free fields as a sync would, and bump the entries' version as it does."""
    with Session(world.engine) as s:
        for name, fields in values.items():
            s.get(Entry, world.entry(name)).free_fields = fields
        s.commit()
    with world.engine.begin() as conn:
        bump_data_version(conn, entries=True)


def test_filters_on_the_entries_free_fields(world: World):
    _set_entry_free_fields(
        world,
        {
            "e10": {"N° commande": "CMD-2026-0007", "Code affaire": "AFF-12"},
            "e3a": {"N° commande": "cmd-2026-0012"},
            "e13": {"Code affaire": "Chantier Été"},
            "e1": {"N° commande": "CMD-2026-0001"},  # lettered: not an open item today
        },
    )

    def entry_free(*pairs: tuple[str, str], **kw) -> OpenItemFilters:  # noqa: ANN003
        return OpenItemFilters(entry_free_fields=pairs, **kw)

    # Contains, in any case (accents too); an empty text keeps the items with a value.
    assert page(world, filters=entry_free(("N° commande", "cmd-2026"))) == ["e10", "e3a"]
    assert page(world, filters=entry_free(("N° commande", " 0012 "))) == ["e3a"]
    assert page(world, filters=entry_free(("Code affaire", "ÉTÉ"))) == ["e13"]
    assert page(world, filters=entry_free(("Code affaire", ""))) == ["e10", "e13"]
    assert page(world, filters=entry_free(("N° commande", "c"), ("Code affaire", "aff"))) == ["e10"]
    assert page(world, filters=entry_free(("Nulle part", "x"))) == []
    # With the other filters, the customers' free fields among them, and within the scope.
    late = entry_free(("N° commande", "cmd"), min_days_late=10)
    assert page(world, filters=late) == ["e10"]
    with Session(world.engine) as s:
        s.get(Customer, world.customer("ALPHA")).free_fields = {"Segment": "PME"}
        s.commit()
    with world.engine.begin() as conn:
        bump_data_version(conn)
    both = entry_free(("N° commande", "cmd"), free_fields=(("Segment", "pme"),))
    assert page(world, filters=both) == ["e3a"]
    assert page(world, "u1", filters=entry_free(("N° commande", "cmd"))) == ["e10"]
    ids = open_item_ids(world.engine, world.users["admin"], entry_free(("N° commande", "")), TODAY)
    assert ids == (world.entry("e10"), world.entry("e3a"))
    # A past day's open items have their free fields too (e1 was open on 2026-09-10).
    past = open_items(
        world.engine, world.users["admin"], entry_free(("N° commande", "cmd")),
        as_of=date(2026, 9, 10),
    )  # fmt: skip
    assert names(world, past.rows) == ["e10", "e1"]
    with pytest.raises(InvalidInput, match="entry_free_fields: choose the free field"):
        page(world, filters=entry_free((" ", "cmd")))

    # The choices: the fields and values of the viewer's open items only.
    choices = filter_choices(world.engine, world.users["admin"], TODAY)
    assert choices.entry_free_fields == {
        "Code affaire": ("AFF-12", "Chantier Été"),
        "N° commande": ("CMD-2026-0007", "cmd-2026-0012"),
    }
    assert choices.free_fields == {"Segment": ("PME",)}
    assert filter_choices(world.engine, world.users["u1"], TODAY).entry_free_fields == {
        "Code affaire": ("AFF-12", "Chantier Été"),
        "N° commande": ("CMD-2026-0007",),
    }

    # A sync that changes them bumps the entries' version: the next filter sees the change.
    _set_entry_free_fields(world, {"e3a": {}, "e3b": {"N° commande": "CMD-2026-0013"}})
    assert page(world, filters=entry_free(("N° commande", "cmd"))) == ["e10", "e3b"]


def test_a_viewer_sees_only_their_portfolio(world: World):
    assert page(world, "u1") == ["e10", "e12", "e11", "e13"]  # BETA and GAMMA
    assert page(world, "rep") == ["e12", "e5", "e3a", "e13", "e3b"]  # R1: ALPHA and GAMMA
    assert page(world, "col2") == []
    assert page(world, "ro") == BY_DUE
    # A filter never widens the scope.
    alpha = OpenItemFilters(customer_ids=(world.customer("ALPHA"),))
    assert page(world, "u1", filters=alpha) == []
    choices = filter_choices(world.engine, world.users["u1"], TODAY)
    assert [name for _, name in choices.sales_reps] == ["R1", "R2"]
    assert filter_choices(world.engine, world.users["rep"], TODAY).sales_reps == (
        (world.hand.reps["R1"], "R1"),
    )


def test_rows_follow_levels_stops_actions_and_promises(world: World):
    u1, e12, e13 = world.users["u1"], world.entry("e12"), world.entry("e13")
    with Session(world.engine) as s:
        s.add(ItemState(entry_id=e12, level=2, last_dunned_on=date(2026, 11, 2)))
        action = Action(
            company_id=world.hand.company,
            customer_id=world.customer("GAMMA"),
            kind="call",
            due_on=date(2026, 11, 20),
            status="done",
            outcome="reached",
            done_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        )
        s.add(action)
        s.flush()
        s.add(ActionItem(action_id=action.id, entry_id=e12))
        s.commit()
    with world.engine.begin() as conn:
        bump_data_version(conn)
    assert page(world, filters=OpenItemFilters(levels=(2,))) == ["e12"]
    [row] = open_items(
        world.engine, u1, OpenItemFilters(customer_ids=(world.customer("GAMMA"),)), page_size=1,
        as_of=TODAY,
    ).rows  # fmt: skip
    assert (row.level, row.last_action_on, row.last_action) == (
        2,
        date(2026, 11, 20),
        "call:reached",
    )
    # The services' changes bump the data version: the next page shows them.
    stop_dunning(world.engine, u1, [e13], "attente avoir", "2026-12-15", today=TODAY)
    [stopped] = open_items(world.engine, u1, OpenItemFilters(states=("stopped",)), as_of=TODAY).rows
    assert (stopped.entry_id, stopped.stopped, stopped.stop_reason, stopped.stop_until) == (
        e13,
        True,
        "attente avoir",
        date(2026, 12, 15),
    )
    # As of the stop's end it no longer counts as stopped.
    later = open_items(
        world.engine, u1, OpenItemFilters(states=("stopped",)), as_of=date(2026, 12, 15)
    )
    assert later.total == 0
    record_promise(world.engine, u1, world.customer("GAMMA"), "250", date(2026, 12, 3), [e13],
                   today=TODAY)  # fmt: skip
    promised = open_items(world.engine, u1, OpenItemFilters(states=("promised",)), as_of=TODAY)
    assert [(r.entry_id, r.promised_on) for r in promised.rows] == [
        (e12, date(2026, 11, 28)),
        (e13, date(2026, 12, 3)),
    ]
    assert page(world, sort="last_action", descending=True)[:2] == ["e12", "e10"]


def test_a_stopped_customer_stops_its_items(world: World):
    with Session(world.engine) as s:
        s.get(Customer, world.customer("ALPHA")).stop_reason = "litige global"
        s.commit()
    with world.engine.begin() as conn:
        bump_data_version(conn)
    stopped = open_items(
        world.engine, world.users["admin"], OpenItemFilters(states=("stopped",)), as_of=TODAY
    )
    assert names(world, stopped.rows) == ["e5", "e3a", "e3b"]
    assert {r.stop_reason for r in stopped.rows} == {"litige global"}


def test_the_table_replays_a_past_day(world: World):
    # On 2026-09-10 e15 was partly paid by the credit note e16 (its group was lettered on 09-15),
    # e1 was not paid yet (lettered 10-11): both are lettered in the store today.
    day = date(2026, 9, 10)
    rows = open_items(world.engine, world.users["admin"], as_of=day).rows
    assert [(n, r.residual, r.piece) for n, r in zip(names(world, rows), rows, strict=True)] == [
        ("e10", D("2000.00"), "P-e10"),
        ("e15", D("700.00"), "P-e15"),
        ("e1", D("1000.00"), "P-e1"),
    ]
    searched = open_items(world.engine, world.users["admin"], OpenItemFilters(search="p-e15"),
                          as_of=day)  # fmt: skip
    assert names(world, searched.rows) == ["e15"]
    by_piece = open_items(world.engine, world.users["admin"], sort="piece", as_of=day).rows
    assert names(world, by_piece) == ["e1", "e10", "e15"]
