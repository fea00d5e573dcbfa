"""The page "/clients": the toolbar (search, filters, columns, export), the filters' panel, the
totals and the paged table."""

from __future__ import annotations

import reflex as rx

from src_dash.services.customers import AMOUNT_COLUMNS, PAGE_SIZES
from src_dash.ui.components.data_table import data_table, state_pager, table_page
from src_dash.ui.components.filter_values import ALL, DAY_STEPS
from src_dash.ui.components.filters import (
    amount_inputs,
    filters_button,
    filters_card,
    free_field_filter,
    grade_buttons,
    search_box,
    select_of,
)
from src_dash.ui.kit.controls import check_label, phone_icon_button, row, soft_button
from src_dash.ui.kit.widgets import labelled, select_field, small_label, switch_field, words
from src_dash.ui.pages.customer_list.state import CustomersState

S = CustomersState


def _select(label_key: str, options: rx.Var, name: str, id_: str, none_key: str | None = None):  # noqa: ANN202
    return select_field(
        label_key,
        options,
        getattr(S, name),
        S.set_filter(name),
        id_,
        all_key="customers.filter.all",
        none_key=none_key,
    )


def _bare_select(items: list[rx.Component], name: str, id_: str) -> rx.Component:
    return select_of(items, getattr(S, name), S.set_filter(name), id_)


def _days() -> rx.Component:
    return labelled(
        "customers.filter.days",
        _bare_select(
            [
                rx.select.item(words("customers.filter.any_days"), value=ALL),
                *[rx.select.item(words(f"customers.days.{d}"), value=d) for d in DAY_STEPS],
            ],
            "min_days",
            "filter-days",
        ),
    )


def _amounts() -> rx.Component:
    return rx.vstack(
        small_label("customers.filter.amount"),
        _bare_select(
            [rx.select.item(words(f"customers.col.{k}"), value=k) for k in AMOUNT_COLUMNS],
            "amount_on",
            "filter-amount-on",
        ),
        *amount_inputs(
            S.min_amount,
            S.max_amount,
            S.set_filter("min_amount"),
            S.set_filter("max_amount"),
            S.amount_error,
            "customers",
        ),
        spacing="1",
        width="100%",
    )


def _switches() -> rx.Component:
    return rx.vstack(
        *[
            switch_field(f"customers.filter.{key}", getattr(S, name), S.set_filter(name), id_)
            for key, name, id_ in (
                ("with_balance", "with_balance", "filter-with-balance"),
                ("flagged", "flagged_only", "filter-flagged"),
                ("stopped", "stopped_only", "filter-stopped"),
            )
        ],
        spacing="2",
        padding_top="18px",
    )


def _filters_panel() -> rx.Component:
    return filters_card(
        [
            _select("customers.filter.company", S.company_options, "company", "filter-company"),
            _select("customers.filter.sales_rep", S.rep_options, "sales_rep", "filter-sales-rep"),
            _select(
                "customers.filter.profile", S.profile_options, "profile", "filter-profile",
                none_key="customers.filter.no_profile",
            ),
            _days(),
            grade_buttons("customers.filter.grade", S.grades, lambda g: S.toggle_in("grades", g)),
            _amounts(),
            free_field_filter(
                "customers.filter.free", "customers.filter.free_none",
                "customers.filter.free_value", S.free_fields, S.free_field, S.free_value,
                S.set_filter("free_field"), S.set_filter("free_value"), "filter-free",
            ),
            _switches(),
        ],
        "customers.reset",
        S.reset_filters,
    )  # fmt: skip


def _column_choice(c: rx.Var) -> rx.Component:
    return check_label(
        {"checked": c.shown, "on_change": lambda _v: S.toggle_column(c.key), "data_key": c.key},
        rx.text(c.label, size="2"),
        data_testid="column-choice",
    )


def _columns_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            phone_icon_button("columns-3", "customers.columns", id="columns-button")
        ),
        rx.popover.content(
            rx.vstack(
                rx.foreach(S.column_options, _column_choice),
                rx.separator(size="4"),
                rx.button(
                    words("customers.columns_reset"),
                    on_click=S.reset_columns,
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
    return soft_button(
        icon,
        label_key,
        on_click=S.export(fmt_name),
        loading=S.exporting == fmt_name,
        id=f"export-{fmt_name}",
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        search_box(S.search, S.set_search, "customers.search", "customers-search"),
        row(
            filters_button("customers.filters", S.active_filters, S.show_filters, S.toggle_filters),
            _columns_menu(),
            _export_button("csv", "file-text", "customers.export_csv"),
            _export_button("xlsx", "file-spreadsheet", "customers.export_xlsx"),
        ),
        gap="var(--space-2)",
        wrap="wrap",
        width="100%",
        align="center",
    )


def _summary() -> rx.Component:
    return rx.text(
        rx.text.span(
            S.total_text,
            weight="bold",
            color_scheme="gray",
            high_contrast=True,
            id="customers-total",
        ),
        rx.foreach(S.totals, lambda line: rx.text.span(" · ", line, data_testid="totals-line")),
        size="2",
        color_scheme="gray",
        width="100%",
    )


def _table() -> rx.Component:
    return data_table(
        S.header,
        S.rows,
        table_id="customers-table",
        empty_text=words("customers.empty"),
        sort_key=S.sort,
        sort_desc=S.descending,
        on_sort=S.sort_by,
        footer=state_pager(S, [str(s) for s in PAGE_SIZES], "customers-pager"),
    )


def customers_page() -> rx.Component:
    """Who owes what: the viewer's customers, filtered, sorted, paged, exported."""
    return table_page(
        title=words("customers.title"),
        as_of=(words("customers.as_of"), S.as_of),
        toolbar=_toolbar(),
        filters_panel=_filters_panel(),
        show_filters=S.show_filters,
        error=S.error,
        loaded=S.loaded,
        body=rx.vstack(_summary(), _table(), spacing="3", width="100%"),
        on_lang_change=S.load,
    )
