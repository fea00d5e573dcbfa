"""The paged table's state as the table pages use it (/clients, /echeances), without a browser:
a declared filter is set by name (a forged name is refused), a list filter toggles one value, a
choice filter takes only its choices, a reset puts every filter back, a column's first sort goes
the page's way, a page size outside the offered ones falls back to the default; every change
shows the first page again."""

from __future__ import annotations

import asyncio

import pytest

from src_dash.ui.pages.customer_list.state import CustomersState
from src_dash.ui.pages.open_items.state import OpenItemsState


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages the states asked for (instead of reading the store)."""
    asked: list[int] = []

    async def refresh(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003, ARG001
        asked.append(self.page)

    monkeypatch.setattr(CustomersState, "_refresh", refresh)
    monkeypatch.setattr(OpenItemsState, "_refresh", refresh)
    return asked


def _run(coro) -> None:  # noqa: ANN001
    asyncio.run(coro)


def test_a_filter_is_set_by_name_and_shows_the_first_page(refreshes: list[int]) -> None:
    s = CustomersState()
    s.page = 3
    _run(s.set_filter("company", "2"))
    assert s.company == "2" and s.page == 0 and refreshes == [0]
    _run(s.set_filter("company", ""))
    assert s.company == "all"
    _run(s.set_filter("with_balance", False))
    assert s.with_balance is False
    _run(s.set_filter("page_size", "100000"))  # not a filter: refused, nothing read
    assert s.page_size == "25" and len(refreshes) == 3


def test_list_and_choice_filters(refreshes: list[int]) -> None:
    s = CustomersState()
    _run(s.toggle_in("grades", "E"))
    _run(s.toggle_in("grades", "A"))
    assert s.grades == ["A", "E"]
    _run(s.toggle_in("grades", "E"))
    assert s.grades == ["A"]
    _run(s.toggle_in("company", "x"))  # not a list filter
    assert s.company == "all" and len(refreshes) == 3
    _run(s.set_filter("amount_on", "overdue"))
    assert s.amount_on == "overdue"
    _run(s.set_filter("amount_on", "forged"))
    assert s.amount_on == "outstanding"


def test_reset_puts_every_filter_and_the_search_back(refreshes: list[int]) -> None:
    s = OpenItemsState()
    _run(s.set_search("F-001"))
    _run(s.toggle_in("levels", "2"))
    _run(s.set_filter("due_from", "2026-10-01"))
    _run(s.set_filter("doubtful", "only"))
    _run(s.reset_filters())
    assert (s.search, s.levels, s.due_from, s.doubtful) == ("", [], "", "all")
    assert s._filter_values() == OpenItemsState.FILTERS


def test_first_sorts_go_each_pages_way(refreshes: list[int]) -> None:  # noqa: ARG001
    customers, items = CustomersState(), OpenItemsState()
    assert (customers.sort, customers.descending) == ("overdue", True)
    assert (items.sort, items.descending) == ("due_date", False)
    _run(customers.sort_by("name"))
    assert customers.descending is False
    _run(customers.sort_by("name"))
    assert customers.descending is True
    _run(customers.sort_by("outstanding"))
    assert customers.descending is True
    _run(items.sort_by("residual"))
    assert items.descending is True
    _run(items.sort_by("customer_name"))
    assert items.descending is False


def test_page_sizes(refreshes: list[int]) -> None:  # noqa: ARG001
    customers, items = CustomersState(), OpenItemsState()
    _run(customers.set_page_size("10"))
    _run(items.set_page_size("10"))
    assert (customers.page_size, items.page_size) == ("10", "25")
    _run(items.set_page_size("100"))
    assert items.page_size == "100"
