"""The state of "/clients": the query of the table (search, filters, sort, page, columns) and the
current page's rows, formatted (never the frame behind it). `services.customers` does the work
on the cached ledger and applies the viewer's portfolio."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import reflex as rx

from src_dash.services.customers import (
    AMOUNT_COLUMNS,
    COLUMNS,
    DEFAULT_COLUMNS,
    PAGE_SIZES,
    CustomerQuery,
    FilterOptions,
    QueryError,
    export_customers,
    filter_options,
    list_customers,
)
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.choice import Choice
from src_dash.ui.components.filter_values import ALL
from src_dash.ui.kit.paged_table import PagedTable, declare_filters
from src_dash.ui.kit.service import Done, run_service
from src_dash.ui.pages.customer_list.rows import (
    ColumnChoice,
    active_filters,
    column_label,
    count_text,
    customer_query,
    export_headers,
    table_columns,
    table_rows,
    totals_texts,
)


def _load_error(exc: Exception, lang: str) -> str:
    return i18n.labelled(
        i18n.text("customers.load_error", lang), str(exc) or type(exc).__name__, lang
    )


def _plain(exc: Exception, lang: str) -> str:  # noqa: ARG001  (the export says the error as is)
    return str(exc) or type(exc).__name__


class CustomersState(PagedTable, rx.State):
    """The query of the table and the current page, formatted (never the frame behind it)."""

    FILTERS: ClassVar[dict[str, Any]] = {
        "company": ALL,
        "sales_rep": ALL,
        "profile": ALL,
        "grades": [],
        "min_days": ALL,
        "amount_on": "outstanding",
        "min_amount": "",
        "max_amount": "",
        "free_field": ALL,
        "free_value": "",
        "with_balance": True,
        "flagged_only": False,
        "stopped_only": False,
    }
    FILTER_CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"amount_on": AMOUNT_COLUMNS}
    TEXT_SORTS: ClassVar[tuple[str, ...]] = ("number", "name", "company", "city", "sales_rep")
    ALLOWED_PAGE_SIZES: ClassVar[tuple[str, ...]] = tuple(str(s) for s in PAGE_SIZES)

    declare_filters(locals(), FILTERS)  # company: str = ALL, grades: list[str] = [], ...
    sort: str = "overdue"
    descending: bool = True
    columns: list[str] = list(DEFAULT_COLUMNS)

    totals: list[str] = []
    amount_error: bool = False
    exporting: str = ""

    company_options: list[Choice] = []
    rep_options: list[Choice] = []
    profile_options: list[Choice] = []
    free_fields: list[str] = []
    column_options: list[ColumnChoice] = []

    @rx.var(deps=list(FILTERS), auto_deps=False)
    def active_filters(self) -> int:
        """How many filters narrow the view (the search box aside)."""
        return active_filters(self._filter_values())

    def _query(self) -> CustomerQuery:
        """The service's query from the state (amounts already checked)."""
        query, self.amount_error = customer_query(
            self._filter_values(),
            search=self.search,
            sort=self.sort,
            descending=self.descending,
            page=self.page,
            page_size=self.page_size,
            columns=self.columns,
        )
        return query

    def _show_options(self, options: FilterOptions, lang: str) -> None:
        self.company_options = [Choice(c.value, c.label) for c in options.companies]
        none = i18n.text("customers.filter.no_rep", lang)
        self.rep_options = [Choice(c.value, c.label or none) for c in options.sales_reps]
        self.profile_options = [Choice(c.value, c.label) for c in options.profiles if c.value]
        self.free_fields = list(options.free_fields)
        shown = set(self.columns)
        self.columns = [k for k in self.columns if k in {c.key for c in options.columns}] or list(
            DEFAULT_COLUMNS
        )
        self.column_options = [
            ColumnChoice(c.key, column_label(c, lang), c.key in shown) for c in options.columns
        ]

    def _unanswered(self, done: Done) -> bool:
        """Whether the service gave nothing to show: signed out (the page waits for the login),
        or an error (shown, with no rows)."""
        if done.signed_out:
            self.loaded = False
        elif not done.ok:
            self.error, self.rows, self.loaded = done.error, [], True
        return not done.ok

    async def _refresh(self, options: bool = False) -> None:
        query = self._query()
        caught = {"catch": (QueryError,), "describe": _load_error}
        log = "the customers table could not be read"
        if options:
            found = await run_service(self, filter_options, log=log, **caught)
            if self._unanswered(found):
                return
            self._show_options(found.value, found.lang)
            query = dataclasses.replace(query, columns=tuple(self.columns))
        done = await run_service(self, list_customers, query, log=log, **caught)
        if self._unanswered(done):
            return
        page, fmt = done.value, done.fmt
        self.error = ""
        self.page = page.page
        self.pages = page.pages
        self.header = table_columns(page.columns, fmt.lang)
        self.rows = table_rows(page, fmt)
        self.total_text = count_text(page.total, fmt)
        self.totals = totals_texts(page, fmt)
        self.page_text = self.page_words(page.page, page.pages, fmt)
        self.as_of = fmt.day(page.as_of)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the filters' choices and the page."""
        await self._refresh(options=True)

    def _mark_columns(self) -> None:
        self.column_options = [
            ColumnChoice(c.key, c.label, c.key in self.columns) for c in self.column_options
        ]

    @rx.event
    async def toggle_column(self, key: str) -> None:
        """Show or hide a column (at least one stays)."""
        if key in self.columns:
            if len(self.columns) > 1:
                self.columns = [k for k in self.columns if k != key]
        else:
            order = [c.key for c in self.column_options]
            chosen = set(self.columns) | {key}
            self.columns = [k for k in order if k in chosen]
        self._mark_columns()
        await self._refresh()

    @rx.event
    async def reset_columns(self) -> None:
        """Back to the default columns."""
        self.columns = list(DEFAULT_COLUMNS)
        self._mark_columns()
        await self._refresh()

    @rx.event
    async def export(self, fmt_name: str):  # noqa: ANN201  (yields a download)
        """Download every row of the current view, in the chosen columns, as CSV or Excel."""
        fmt = await current_formats(self)
        headers = export_headers(COLUMNS, fmt.lang)
        self.exporting = fmt_name
        yield
        done = await run_service(
            self,
            export_customers,
            self._query(),
            fmt_name,
            headers,
            catch=(QueryError,),
            describe=_plain,
            log="the customers export failed",
        )
        self.exporting = ""
        yield done.download()
