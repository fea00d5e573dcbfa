"""Page "/clients": who owes what (qui vous doit quoi), the viewer's customers in a server-paged
table: search, filters, sort, columns to choose, export of the current view to CSV and Excel.

The state keeps the query and the current page's rows, formatted; `services.customers` does the
work on the cached ledger and applies the viewer's portfolio.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from decimal import Decimal, InvalidOperation

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.services.access import AccessDenied
from src_dash.services.customers import (
    AMOUNT_COLUMNS,
    COLUMNS,
    DEFAULT_COLUMNS,
    FLAG,
    GRADE,
    INTEGER,
    MONEY,
    PAGE_SIZES,
    Column,
    CustomerPage,
    CustomerQuery,
    CustomerRow,
    FilterOptions,
    QueryError,
    export_customers,
    filter_options,
    list_customers,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.data_table import TableColumn, data_table, pager
from src_dash.ui.components.filters import ALL, free_field_filter
from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

ROUTE = "/clients"
NONE = "none"  # "no sales rep", "no profile"
DAY_STEPS = ("1", "30", "60", "90", "120")
GRADE_COLORS = {"A": "green", "B": "teal", "C": "amber", "D": "orange", "E": "red"}
logger = logging.getLogger(__name__)


def customer_href(customer_id: int) -> str:
    """The route of a customer's card."""
    return f"{ROUTE}/{customer_id}"


@dataclasses.dataclass
class ColumnChoice:
    """A column the user may show or hide."""

    key: str = ""
    label: str = ""
    shown: bool = False


def column_label(column: Column, lang: str) -> str:
    """A column's header in the language (free fields keep their Sage name)."""
    if column.is_free_field:
        return column.label
    return i18n.text(f"customers.col.{column.key}", lang)


def _cell(row: CustomerRow, column: Column, fmt: Formats) -> str:
    value = row.value(column.key)
    if column.kind == MONEY:
        return fmt.money(value, row.currency)  # type: ignore[arg-type]
    if column.key == "oldest_days":
        if not row.oldest_days:
            return ""
        return i18n.text("unit.days", fmt.lang).format(value=fmt.count(row.oldest_days))
    if column.kind == INTEGER:
        return "" if value is None else fmt.count(int(value))  # type: ignore[arg-type]
    if column.kind == FLAG:
        return i18n.text(f"customers.flag.{column.key}", fmt.lang) if value else ""
    return str(value or "")


def _kind(column: Column) -> str:
    if column.key in ("number", "name"):
        return "link"
    if column.kind in (MONEY, INTEGER):
        return "number"
    if column.kind in (GRADE, FLAG):
        return "badge"
    return "text"


def table_columns(columns: tuple[Column, ...], lang: str) -> list[TableColumn]:
    """The header of the table for the chosen columns."""
    return [
        TableColumn(
            key=c.key,
            label=column_label(c, lang),
            kind=_kind(c),
            sortable=True,
            in_card=c.key not in ("number", "name"),
        )
        for c in columns
    ]


def table_rows(page: CustomerPage, fmt: Formats) -> list[dict[str, str]]:
    """The page's rows formatted, with the reserved keys of the data table."""
    out = []
    for r in page.rows:
        cells = {c.key: _cell(r, c, fmt) for c in page.columns}
        cells["_id"] = str(r.customer_id)
        cells["_href"] = customer_href(r.customer_id)
        cells["_title"] = r.name
        cells["_subtitle"] = " · ".join(p for p in (r.number, r.company) if p)
        if r.overdue > 0:
            cells["_tone.overdue"] = "red"
        if r.oldest_days > 60:
            cells["_tone.oldest_days"] = "red"
        elif r.oldest_days > 30:
            cells["_tone.oldest_days"] = "orange"
        cells["_color.grade"] = GRADE_COLORS.get(r.grade, "gray")
        cells["_color.stopped"] = "orange"
        cells["_color.flagged"] = "red"
        out.append(cells)
    return out


def count_text(n: int, fmt: Formats) -> str:
    """ "1 client", "1 234 clients"."""
    key = "customers.count_one" if n == 1 else "customers.count_many"
    return i18n.text(key, fmt.lang).format(n=fmt.count(n))


def totals_texts(page: CustomerPage, fmt: Formats) -> list[str]:
    """The matching customers' outstanding and overdue, one line per book currency (with its
    count of customers when there are several currencies)."""
    words = i18n.CATALOG[i18n.normalise_lang(fmt.lang)]
    several = len(page.totals) > 1
    lines = []
    for total in page.totals:
        line = words["customers.totals"].format(
            outstanding=fmt.money(total.outstanding, total.currency),
            overdue=fmt.money(total.overdue, total.currency),
        )
        lines.append(f"{count_text(total.customers, fmt)} · {line}" if several else line)
    return lines


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class CustomersState(rx.State):
    """The query of the table and the current page, formatted (never the frame behind it)."""

    search: str = ""
    company: str = ALL
    sales_rep: str = ALL
    profile: str = ALL
    grades: list[str] = []
    min_days: str = ALL
    amount_on: str = "outstanding"
    min_amount: str = ""
    max_amount: str = ""
    free_field: str = ALL
    free_value: str = ""
    with_balance: bool = True
    flagged_only: bool = False
    stopped_only: bool = False
    sort: str = "overdue"
    descending: bool = True
    page: int = 0
    page_size: str = "25"
    columns: list[str] = list(DEFAULT_COLUMNS)
    show_filters: bool = False

    header: list[TableColumn] = []
    rows: list[dict[str, str]] = []
    pages: int = 1
    total_text: str = ""
    totals: list[str] = []
    page_text: str = ""
    as_of: str = ""
    loaded: bool = False
    error: str = ""
    amount_error: bool = False
    exporting: str = ""

    company_options: list[Choice] = []
    rep_options: list[Choice] = []
    profile_options: list[Choice] = []
    free_fields: list[str] = []
    column_options: list[ColumnChoice] = []

    @rx.var
    def active_filters(self) -> int:
        """How many filters narrow the view (the search box aside)."""
        return sum(
            [
                self.company != ALL,
                self.sales_rep != ALL,
                self.profile != ALL,
                bool(self.grades),
                self.min_days != ALL,
                bool(self.min_amount or self.max_amount),
                self.free_field != ALL and bool(self.free_value.strip()),
                not self.with_balance,
                self.flagged_only,
                self.stopped_only,
            ]
        )

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page + 1 < self.pages

    def _query(self) -> CustomerQuery:
        """The service's query from the state (amounts already checked)."""
        free = ()
        if self.free_field != ALL and self.free_value.strip():
            free = ((self.free_field, self.free_value.strip()),)
        try:
            low, high = _amount(self.min_amount), _amount(self.max_amount)
            self.amount_error = False
        except ValueError:
            low = high = None
            self.amount_error = True
        reps: tuple[int, ...] = ()
        if self.sales_rep == NONE:
            reps = (0,)
        elif self.sales_rep.isdigit():
            reps = (int(self.sales_rep),)
        profiles: tuple[str, ...] = ()
        if self.profile == NONE:
            profiles = ("",)
        elif self.profile != ALL:
            profiles = (self.profile,)
        return CustomerQuery(
            search=self.search,
            company_ids=(int(self.company),) if self.company.isdigit() else (),
            sales_rep_ids=reps,
            profiles=profiles,
            grades=tuple(self.grades),
            min_days_overdue=int(self.min_days) if self.min_days.isdigit() else None,
            amount_on=self.amount_on if self.amount_on in AMOUNT_COLUMNS else "outstanding",
            min_amount=low,
            max_amount=high,
            free=free,
            with_balance=self.with_balance,
            flagged_only=self.flagged_only,
            stopped_only=self.stopped_only,
            sort=self.sort,
            descending=self.descending,
            page=self.page,
            page_size=int(self.page_size) if self.page_size.isdigit() else 25,
            columns=tuple(self.columns),
        )

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

    async def _refresh(self, options: bool = False) -> None:
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        engine = get_engine()
        query = self._query()
        try:
            if options:
                found = await asyncio.to_thread(filter_options, engine, who)
                self._show_options(found, fmt.lang)
                query = dataclasses.replace(query, columns=tuple(self.columns))
            page = await asyncio.to_thread(list_customers, engine, who, query)
        except (AccessDenied, QueryError, SQLAlchemyError) as exc:
            logger.exception("the customers table could not be read")
            self.error = i18n.labelled(
                i18n.text("customers.load_error", fmt.lang),
                str(exc) or type(exc).__name__,
                fmt.lang,
            )
            self.rows = []
            self.loaded = True
            return
        self.error = ""
        self.page = page.page
        self.pages = page.pages
        self.header = table_columns(page.columns, fmt.lang)
        self.rows = table_rows(page, fmt)
        self.total_text = count_text(page.total, fmt)
        self.totals = totals_texts(page, fmt)
        self.page_text = i18n.text("table.page", fmt.lang).format(
            page=fmt.count(page.page + 1), pages=fmt.count(page.pages)
        )
        self.as_of = fmt.day(page.as_of)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the filters' choices and the page."""
        await self._refresh(options=True)

    async def _first_page(self) -> None:
        self.page = 0
        await self._refresh()

    @rx.event
    async def set_search(self, value: str) -> None:
        """Search words in number, name, city, email, phone."""
        self.search = value
        await self._first_page()

    @rx.event
    async def set_company(self, value: str) -> None:
        """Narrow to one company."""
        self.company = value or ALL
        await self._first_page()

    @rx.event
    async def set_sales_rep(self, value: str) -> None:
        """Narrow to one sales rep's customers."""
        self.sales_rep = value or ALL
        await self._first_page()

    @rx.event
    async def set_profile(self, value: str) -> None:
        """Narrow to one profile."""
        self.profile = value or ALL
        await self._first_page()

    @rx.event
    async def toggle_grade(self, grade: str) -> None:
        """Add or remove a grade from the grades shown."""
        grades = set(self.grades) ^ {grade}
        self.grades = sorted(grades)
        await self._first_page()

    @rx.event
    async def set_min_days(self, value: str) -> None:
        """Only customers whose oldest overdue item is at least this late."""
        self.min_days = value or ALL
        await self._first_page()

    @rx.event
    async def set_amount_on(self, value: str) -> None:
        """Which amount the amount filter bears on."""
        self.amount_on = value if value in AMOUNT_COLUMNS else "outstanding"
        await self._first_page()

    @rx.event
    async def set_min_amount(self, value: str) -> None:
        """The lowest amount."""
        self.min_amount = value
        await self._first_page()

    @rx.event
    async def set_max_amount(self, value: str) -> None:
        """The highest amount."""
        self.max_amount = value
        await self._first_page()

    @rx.event
    async def set_free_field(self, value: str) -> None:
        """The free field the free-field filter bears on."""
        self.free_field = value or ALL
        await self._first_page()

    @rx.event
    async def set_free_value(self, value: str) -> None:
        """The words the free field must contain."""
        self.free_value = value
        await self._first_page()

    @rx.event
    async def set_with_balance(self, value: bool) -> None:
        """Only customers with open items (True), or the whole portfolio."""
        self.with_balance = bool(value)
        await self._first_page()

    @rx.event
    async def set_flagged_only(self, value: bool) -> None:
        """Only flagged customers."""
        self.flagged_only = bool(value)
        await self._first_page()

    @rx.event
    async def set_stopped_only(self, value: bool) -> None:
        """Only customers whose dunning is stopped."""
        self.stopped_only = bool(value)
        await self._first_page()

    @rx.event
    async def reset_filters(self) -> None:
        """Back to every customer with a balance, no search."""
        self.search = ""
        self.company = self.sales_rep = self.profile = self.min_days = ALL
        self.free_field = ALL
        self.grades = []
        self.min_amount = self.max_amount = self.free_value = ""
        self.amount_on = "outstanding"
        self.with_balance = True
        self.flagged_only = self.stopped_only = False
        await self._first_page()

    @rx.event
    def toggle_filters(self) -> None:
        """Show or hide the filters' panel."""
        self.show_filters = not self.show_filters

    @rx.event
    async def sort_by(self, key: str) -> None:
        """Sort on a column; a second click on it reverses the order."""
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort = key
            self.descending = key not in ("number", "name", "company", "city", "sales_rep")
        await self._first_page()

    @rx.event
    async def next_page(self) -> None:
        """The next page."""
        self.page += 1
        await self._refresh()

    @rx.event
    async def prev_page(self) -> None:
        """The previous page."""
        self.page = max(0, self.page - 1)
        await self._refresh()

    @rx.event
    async def set_page_size(self, value: str) -> None:
        """Rows per page."""
        self.page_size = value if value in [str(s) for s in PAGE_SIZES] else "25"
        await self._first_page()

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
        self.column_options = [
            ColumnChoice(c.key, c.label, c.key in self.columns) for c in self.column_options
        ]
        await self._refresh()

    @rx.event
    async def reset_columns(self) -> None:
        """Back to the default columns."""
        self.columns = list(DEFAULT_COLUMNS)
        self.column_options = [
            ColumnChoice(c.key, c.label, c.key in self.columns) for c in self.column_options
        ]
        await self._refresh()

    @rx.event
    async def export(self, fmt_name: str):  # noqa: ANN201  (yields a download)
        """Download every row of the current view, in the chosen columns, as CSV or Excel."""
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        headers = {c.key: column_label(c, fmt.lang) for c in COLUMNS}
        headers["currency"] = i18n.text("customers.col.currency", fmt.lang)
        self.exporting = fmt_name
        yield
        try:
            found = await asyncio.to_thread(
                export_customers, get_engine(), who, self._query(), fmt_name, headers
            )
        except (AccessDenied, QueryError, SQLAlchemyError) as exc:
            logger.exception("the customers export failed")
            self.exporting = ""
            yield rx.toast.error(str(exc) or type(exc).__name__)
            return
        self.exporting = ""
        yield rx.download(data=found.data, filename=found.filename, mime_type=found.mime_type)


# --- the page ------------------------------------------------------------------------------------


def _label(key: str) -> rx.Component:
    return rx.text(t(key, UiState.lang), size="1", color_scheme="gray")


def _select(
    label_key: str,
    options: rx.Var[list[Choice]],
    value: rx.Var[str],
    on_change: rx.EventHandler,
    id_: str,
    all_key: str,
    none_key: str | None = None,
) -> rx.Component:
    return rx.vstack(
        _label(label_key),
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(
                rx.select.item(t(all_key, UiState.lang), value=ALL),
                *([rx.select.item(t(none_key, UiState.lang), value=NONE)] if none_key else []),
                rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value)),
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _grades() -> rx.Component:
    return rx.vstack(
        _label("customers.filter.grade"),
        rx.hstack(
            *[
                rx.button(
                    letter,
                    on_click=CustomersState.toggle_grade(letter),
                    variant=rx.cond(CustomersState.grades.contains(letter), "solid", "outline"),
                    color_scheme=GRADE_COLORS[letter],
                    size="2",
                    id=f"filter-grade-{letter}",
                    aria_pressed=CustomersState.grades.contains(letter),
                )
                for letter in GRADE_COLORS
            ],
            spacing="1",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
    )


def _days() -> rx.Component:
    return rx.vstack(
        _label("customers.filter.days"),
        rx.select.root(
            rx.select.trigger(width="100%", id="filter-days"),
            rx.select.content(
                rx.select.item(t("customers.filter.any_days", UiState.lang), value=ALL),
                *[
                    rx.select.item(t(f"customers.days.{d}", UiState.lang), value=d)
                    for d in DAY_STEPS
                ],
            ),
            value=CustomersState.min_days,
            on_change=CustomersState.set_min_days,
            size="2",
        ),
        spacing="1",
        width="100%",
    )


def _amounts() -> rx.Component:
    return rx.vstack(
        _label("customers.filter.amount"),
        rx.select.root(
            rx.select.trigger(width="100%", id="filter-amount-on"),
            rx.select.content(
                *[
                    rx.select.item(t(f"customers.col.{k}", UiState.lang), value=k)
                    for k in AMOUNT_COLUMNS
                ]
            ),
            value=CustomersState.amount_on,
            on_change=CustomersState.set_amount_on,
            size="2",
        ),
        rx.hstack(
            rx.input(
                value=CustomersState.min_amount,
                on_change=CustomersState.set_min_amount.debounce(500),
                placeholder=t("customers.filter.min", UiState.lang),
                input_mode="decimal",
                size="2",
                width="100%",
                id="filter-min-amount",
            ),
            rx.input(
                value=CustomersState.max_amount,
                on_change=CustomersState.set_max_amount.debounce(500),
                placeholder=t("customers.filter.max", UiState.lang),
                input_mode="decimal",
                size="2",
                width="100%",
                id="filter-max-amount",
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            CustomersState.amount_error,
            rx.text(t("customers.filter.bad_amount", UiState.lang), size="1", color_scheme="red"),
        ),
        spacing="1",
        width="100%",
    )


def _free_field() -> rx.Component:
    return free_field_filter(
        "customers.filter.free", "customers.filter.free_none", "customers.filter.free_value",
        CustomersState.free_fields, CustomersState.free_field, CustomersState.free_value,
        CustomersState.set_free_field, CustomersState.set_free_value, "filter-free",
    )  # fmt: skip


def _switch(label_key: str, checked: rx.Var[bool], on_change, id_: str) -> rx.Component:  # noqa: ANN001
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=on_change, id=id_, size="1"),
            rx.text(t(label_key, UiState.lang), size="2"),
            spacing="2",
            align="center",
        ),
    )


def _filters_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                _select(
                    "customers.filter.company",
                    CustomersState.company_options,
                    CustomersState.company,
                    CustomersState.set_company,
                    "filter-company",
                    "customers.filter.all",
                ),
                _select(
                    "customers.filter.sales_rep",
                    CustomersState.rep_options,
                    CustomersState.sales_rep,
                    CustomersState.set_sales_rep,
                    "filter-sales-rep",
                    "customers.filter.all",
                ),
                _select(
                    "customers.filter.profile",
                    CustomersState.profile_options,
                    CustomersState.profile,
                    CustomersState.set_profile,
                    "filter-profile",
                    "customers.filter.all",
                    "customers.filter.no_profile",
                ),
                _days(),
                _grades(),
                _amounts(),
                _free_field(),
                rx.vstack(
                    _switch(
                        "customers.filter.with_balance",
                        CustomersState.with_balance,
                        CustomersState.set_with_balance,
                        "filter-with-balance",
                    ),
                    _switch(
                        "customers.filter.flagged",
                        CustomersState.flagged_only,
                        CustomersState.set_flagged_only,
                        "filter-flagged",
                    ),
                    _switch(
                        "customers.filter.stopped",
                        CustomersState.stopped_only,
                        CustomersState.set_stopped_only,
                        "filter-stopped",
                    ),
                    spacing="2",
                    padding_top="18px",
                ),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.spacer(),
                rx.button(
                    rx.icon("eraser", size=14),
                    t("customers.reset", UiState.lang),
                    on_click=CustomersState.reset_filters,
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    id="filters-reset",
                ),
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="filters-panel",
    )


def _columns_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("columns-3", size=16),
                rx.text.span(
                    t("customers.columns", UiState.lang),
                    display=rx.breakpoints(initial="none", sm="inline"),
                ),
                variant="soft",
                color_scheme="gray",
                id="columns-button",
                aria_label=t("customers.columns", UiState.lang),
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.foreach(
                    CustomersState.column_options,
                    lambda c: rx.el.label(
                        rx.hstack(
                            rx.checkbox(
                                checked=c.shown,
                                on_change=lambda _v: CustomersState.toggle_column(c.key),
                                data_key=c.key,
                            ),
                            rx.text(c.label, size="2"),
                            spacing="2",
                            align="center",
                        ),
                        data_testid="column-choice",
                    ),
                ),
                rx.separator(size="4"),
                rx.button(
                    t("customers.columns_reset", UiState.lang),
                    on_click=CustomersState.reset_columns,
                    variant="ghost",
                    size="1",
                ),
                spacing="2",
                max_height="60vh",
                overflow_y="auto",
                id="columns-menu",
            ),
            side="bottom",
            align="end",
        ),
    )


def _export_button(fmt_name: str, icon: str, label_key: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=16),
        t(label_key, UiState.lang),
        on_click=CustomersState.export(fmt_name),
        loading=CustomersState.exporting == fmt_name,
        variant="soft",
        id=f"export-{fmt_name}",
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            value=CustomersState.search,
            on_change=CustomersState.set_search.debounce(300),
            placeholder=t("customers.search", UiState.lang),
            type="search",
            size="2",
            flex="1",
            min_width=rx.breakpoints(initial="100%", sm="240px"),
            id="customers-search",
        ),
        rx.hstack(
            rx.button(
                rx.icon("sliders-horizontal", size=16),
                t("customers.filters", UiState.lang),
                rx.cond(
                    CustomersState.active_filters > 0,
                    rx.badge(CustomersState.active_filters, variant="solid", radius="full"),
                ),
                on_click=CustomersState.toggle_filters,
                variant=rx.cond(CustomersState.show_filters, "solid", "soft"),
                id="filters-button",
                aria_expanded=CustomersState.show_filters,
            ),
            _columns_menu(),
            _export_button("csv", "file-text", "customers.export_csv"),
            _export_button("xlsx", "file-spreadsheet", "customers.export_xlsx"),
            spacing="2",
            wrap="wrap",
        ),
        gap="var(--space-2)",
        wrap="wrap",
        width="100%",
        align="center",
    )


def _summary() -> rx.Component:
    return rx.text(
        rx.text.span(
            CustomersState.total_text,
            weight="bold",
            color_scheme="gray",
            high_contrast=True,
            id="customers-total",
        ),
        rx.foreach(
            CustomersState.totals,
            lambda line: rx.text.span(" · ", line, data_testid="totals-line"),
        ),
        size="2",
        color_scheme="gray",
        width="100%",
    )


def _table() -> rx.Component:
    return data_table(
        CustomersState.header,
        CustomersState.rows,
        table_id="customers-table",
        empty_text=t("customers.empty", UiState.lang),
        sort_key=CustomersState.sort,
        sort_desc=CustomersState.descending,
        on_sort=CustomersState.sort_by,
        footer=pager(
            label=CustomersState.page_text,
            has_prev=CustomersState.has_prev,
            has_next=CustomersState.has_next,
            on_prev=CustomersState.prev_page,
            on_next=CustomersState.next_page,
            prev_text=t("table.prev", UiState.lang),
            next_text=t("table.next", UiState.lang),
            page_size=CustomersState.page_size,
            page_sizes=[str(s) for s in PAGE_SIZES],
            on_page_size=CustomersState.set_page_size,
            page_size_text=t("table.per_page", UiState.lang),
            pager_id="customers-pager",
        ),
    )


def customers_page() -> rx.Component:
    """Who owes what: the viewer's customers, filtered, sorted, paged, exported."""
    return page_frame(
        rx.vstack(
            rx.vstack(
                page_title(t("customers.title", UiState.lang)),
                as_of_line(t("customers.as_of", UiState.lang), CustomersState.as_of),
                spacing="1",
            ),
            _toolbar(),
            rx.cond(CustomersState.show_filters, _filters_panel()),
            rx.cond(
                CustomersState.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(CustomersState.error),
                    color_scheme="red",
                    id="load-error",
                    width="100%",
                ),
            ),
            rx.cond(
                CustomersState.loaded,
                rx.vstack(_summary(), _table(), spacing="3", width="100%"),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            spacing="4",
            width="100%",
        ),
        on_lang_change=CustomersState.load,
    )
