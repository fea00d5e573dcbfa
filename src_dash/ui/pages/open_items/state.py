"""The state of "/echeances": the query of the table, the current page's rows formatted, the
selection (kept across pages). After an inline action, only the rows it changed are read again
(`items_changed`, called by `components.item_actions`)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import reflex as rx
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.services.dun_now import ItemStatus, item_status, warm_previews
from src_dash.services.followup import InvalidInput
from src_dash.services.open_items import (
    FilterChoices,
    OpenItemFilters,
    OpenItemsPage,
    filter_choices,
    open_items,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n, routes
from src_dash.ui.auth import current_formats
from src_dash.ui.choice import Choice
from src_dash.ui.components.filter_values import ALL, NONE
from src_dash.ui.components.item_actions import refresh_rows_of
from src_dash.ui.kit.paged_table import PagedTable
from src_dash.ui.kit.service import Done, run_service
from src_dash.ui.pages.open_items.rows import (
    ItemRow,
    active_filters,
    count_text,
    format_row,
    item_filters,
    selected_text,
    status_cells,
    totals_text,
)

PAGE_SIZES = ("25", "50", "100")
# Sorts that read best from the largest first.
DESCENDING_FIRST = ("residual", "level", "last_action", "days_late")


def _load_error(exc: Exception, lang: str) -> str:
    return i18n.labelled(i18n.text("items.load_error", lang), str(exc) or type(exc).__name__, lang)


LOAD: dict[str, Any] = {
    "catch": (InvalidInput,),
    "describe": _load_error,
    "log": "the open items could not be read",
}


def read_page(
    engine: Engine, who: Viewer, filters: OpenItemFilters, sort: str, descending: bool,
    page: int, size: int,
) -> tuple[OpenItemsPage, dict[int, ItemStatus]]:  # fmt: skip
    """One page of open items, and the status of each (whether the item itself is stopped)."""
    found = open_items(engine, who, filters, sort, descending, page, size)
    ids = [r.entry_id for r in found.rows]
    return found, (item_status(engine, who, ids) if ids else {})


@refresh_rows_of
class OpenItemsState(PagedTable, rx.State):
    """The query of the table, the current page formatted, the selection."""

    FILTERS: ClassVar[dict[str, Any]] = {
        "company": ALL,
        "sales_rep": ALL,
        "profile": ALL,
        "grades": [],
        "levels": [],
        "journal": ALL,
        "item_state": ALL,
        "doubtful": ALL,  # ALL, "only" or "without" the doubtful receivables (416)
        "min_days": ALL,
        "due_from": "",
        "due_to": "",
        "min_amount": "",
        "max_amount": "",
        "free_field": ALL,
        "free_value": "",
        "entry_free_field": ALL,
        "entry_free_value": "",
    }
    ALLOWED_PAGE_SIZES: ClassVar[tuple[str, ...]] = PAGE_SIZES

    company: str = ALL
    sales_rep: str = ALL
    profile: str = ALL
    grades: list[str] = []
    levels: list[str] = []
    journal: str = ALL
    item_state: str = ALL
    doubtful: str = ALL
    min_days: str = ALL
    due_from: str = ""
    due_to: str = ""
    min_amount: str = ""
    max_amount: str = ""
    free_field: str = ALL
    free_value: str = ""
    entry_free_field: str = ALL
    entry_free_value: str = ""
    sort: str = "due_date"
    descending: bool = False

    rows: list[ItemRow] = []
    selected: list[int] = []
    totals_text: str = ""
    amount_error: bool = False
    can_work: bool = False
    selected_text: str = ""

    company_options: list[Choice] = []
    rep_options: list[Choice] = []
    profile_options: list[Choice] = []
    journal_options: list[str] = []
    free_fields: list[str] = []
    entry_free_fields: list[str] = []

    @rx.var(deps=list(FILTERS), auto_deps=False)
    def active_filters(self) -> int:
        """How many filters narrow the view (the search box aside)."""
        return active_filters(self._filter_values())

    @rx.var
    def campaign_href(self) -> str:
        """The campaigns page on the selected items."""
        return f"{routes.CAMPAIGNS}?items={','.join(str(i) for i in self.selected)}"

    @rx.var
    def page_selected(self) -> bool:
        """Whether every row of the page is selected."""
        chosen = set(self.selected)
        return bool(self.rows) and all(r.entry_id in chosen for r in self.rows)

    def _starts_descending(self, key: str) -> bool:
        return key in DESCENDING_FIRST

    def _show_choices(self, found: FilterChoices, lang: str) -> None:
        self.company_options = [
            Choice(str(i), f"{code} · {name}") for i, code, name in found.companies
        ]
        self.rep_options = [Choice(str(i), name) for i, name in found.sales_reps]
        none = i18n.text("items.filter.no_profile", lang)
        self.profile_options = [Choice(NONE, none)] + [Choice(p, p) for p in found.profiles]
        self.journal_options = list(found.journals)
        self.free_fields = sorted(found.free_fields)
        self.entry_free_fields = sorted(found.entry_free_fields)

    def _stopped(self, done: Done) -> bool:
        """Whether a read ended the refresh: signed out, or failed (the error is shown)."""
        if done.signed_out:
            self.loaded = False
            return True
        self.can_work = done.viewer is not None and done.viewer.can_work
        if not done.ok:
            self.error = done.error
            self.rows = []
            self.loaded = True
            return True
        return False

    async def _refresh(self, choices: bool = False) -> None:
        if choices:
            found = await run_service(self, filter_choices, **LOAD)
            if self._stopped(found):
                return
            self._show_choices(found.value, found.lang)
        filters, self.amount_error = item_filters(self._filter_values(), self.search)
        size = int(self.page_size) if self.page_size in PAGE_SIZES else 25
        done = await run_service(
            self, read_page, filters, self.sort, self.descending, self.page, size, **LOAD
        )
        if self._stopped(done):
            return
        if self.can_work:
            warm_previews(get_engine())
        (page, states), fmt = done.value, done.fmt
        self.error = ""
        self.page = page.page
        self.pages = page.pages
        self.rows = [
            format_row(r, bool(states.get(r.entry_id) and states[r.entry_id].item_stopped), fmt)
            for r in page.rows
        ]
        self.total_text = count_text(page.total, fmt)
        self.totals_text = totals_text(page, fmt)
        self.page_text = self.page_words(page.page, page.pages, fmt, "items.page")
        self.as_of = fmt.day(page.as_of)
        self.selected_text = selected_text(len(self.selected), fmt)
        self.loaded = True

    async def items_changed(self, entry_ids: list[int]) -> None:
        """Read again the rows of items an inline action changed (called by the actions)."""
        wanted = {r.entry_id for r in self.rows} & set(entry_ids)
        if not wanted:
            return
        done = await run_service(
            self, item_status, sorted(wanted), log="a changed row could not be read again"
        )
        if not done.ok:
            return
        found, fmt = done.value, done.fmt
        self.rows = [
            dataclasses.replace(
                r, **status_cells(found[r.entry_id], found[r.entry_id].item_stopped, fmt)
            )
            if r.entry_id in found
            else r
            for r in self.rows
        ]

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the filters' choices and the page."""
        await self._refresh(choices=True)

    async def _say_selected(self) -> None:
        self.selected_text = selected_text(len(self.selected), await current_formats(self))

    @rx.event
    async def toggle_row(self, entry_id: int) -> None:
        """Select or unselect an item (kept across pages)."""
        entry_id = int(entry_id)
        if entry_id in self.selected:
            self.selected = [i for i in self.selected if i != entry_id]
        else:
            self.selected = [*self.selected, entry_id]
        await self._say_selected()

    @rx.event
    async def toggle_page(self) -> None:
        """Select every row of the page, or unselect them when they all are."""
        ids = [r.entry_id for r in self.rows]
        if ids and all(i in self.selected for i in ids):
            self.selected = [i for i in self.selected if i not in set(ids)]
        else:
            self.selected = [*self.selected, *(i for i in ids if i not in self.selected)]
        await self._say_selected()

    @rx.event
    def clear_selection(self) -> None:
        """Unselect everything."""
        self.selected = []
