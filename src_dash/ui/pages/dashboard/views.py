"""The dashboard's views: filters, KPI cards, charts, top 10s and lists, the page."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.auth import AuthState
from src_dash.ui.components.charts import (
    chart,
)
from src_dash.ui.components.layout import error_or, loaded_page, title_bar
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import column
from src_dash.ui.kit.widgets import callout, select_field
from src_dash.ui.pages.dashboard.rows import KPI_KEYS, POLL_MS, ListRow, TopRow
from src_dash.ui.pages.dashboard.space_figure import space_figure
from src_dash.ui.pages.dashboard.state import DashboardState
from src_dash.ui.routes import SETTINGS
from src_dash.ui.state import UiState

OBJECTIVES_HREF = f"{SETTINGS}?tab=objectives"


def _filters() -> rx.Component:
    s = DashboardState
    # (caption and "all" words, options, value, its setter, id, options as plain strings)
    specs = (
        ("company", s.company_options, s.company, s.set_company, "filter-company", False),
        ("sales_rep", s.rep_options, s.sales_rep, s.set_sales_rep, "filter-sales-rep", False),
        ("currency", s.currency_options, s.currency, s.set_currency, "filter-currency", True),
    )
    all_keys = {"company": "companies", "sales_rep": "reps", "currency": "currencies"}
    chip = rx.button(
        rx.icon("sliders-horizontal", size=14),
        t("dash.filters", UiState.lang),
        " · ",
        rx.cond(
            s.filters_chosen != "",
            s.filters_chosen,
            t("dash.filters.none", UiState.lang),
        ),
        rx.icon(rx.cond(s.filters_open, "chevron-up", "chevron-down"), size=14),
        on_click=s.toggle_filters,
        variant="soft",
        color_scheme="gray",
        radius="full",
        size="2",
        max_width="100%",
        display=rx.breakpoints(initial="inline-flex", sm="none"),
        id="filters-chip",
    )

    def grid(**display: object) -> rx.Component:
        return rx.grid(
            *[
                select_field(
                    f"dash.filter.{key}",
                    options,
                    value,
                    on_change,
                    id_,
                    all_key=f"dash.filter.all_{all_keys[key]}",
                    plain=plain,
                    caption_on_phone=False,
                )
                for key, options, value, on_change, id_, plain in specs
            ],
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="2",
            width="100%",
            max_width="760px",
            id="filters",
            **display,
        )

    # On a phone, folded into the chip until it is opened; as they are on a wider screen.
    folded = grid(display=rx.breakpoints(initial="none", sm="grid"))
    return rx.vstack(chip, rx.cond(s.filters_open, grid(), folded), spacing="2", width="100%")


def _title() -> rx.Component:
    return title_bar(
        t("nav.dashboard", UiState.lang),
        (
            t("dash.as_of", UiState.lang),
            DashboardState.as_of,
            " · ",
            t("dash.updated", UiState.lang),
            " ",
            rx.text.span(DashboardState.updated_at, id="updated-at"),
        ),
        rx.badge(
            rx.icon("radio", size=12),
            t("dash.live", UiState.lang),
            color_scheme="green",
            variant="soft",
            id="live-badge",
        ),
        # The poll's clock: invisible, ticks every POLL_MS while the page is open.
        rx.moment(interval=POLL_MS, format="x", on_change=DashboardState.poll, display="none"),
    )


def _kpi_card(key: str) -> rx.Component:
    tone = {"overdue": "red"}.get(key)
    return rx.card(
        rx.vstack(
            rx.text(t(f"kpi.{key}", UiState.lang), size="2", color_scheme="gray"),
            rx.text(
                DashboardState.kpis[key],
                weight="bold",
                color_scheme=tone,
                data_testid="kpi-value",
                white_space="nowrap",
                # Sized on the card's width, so a large amount stays whole on a phone.
                font_size="min(26px, 10.5cqi)",
                line_height="1.25",
            ),
            rx.text(DashboardState.hints[key], size="1", color_scheme="gray", trim="end"),
            spacing="1",
            min_width="0",
            width="100%",
            container_type="inline-size",
        ),
        id=f"kpi-{key}",
        data_testid="kpi",
        min_width="0",
    )


def _kpis() -> rx.Component:
    return rx.grid(
        *[_kpi_card(key) for key in KPI_KEYS],
        columns=rx.breakpoints(initial="2", sm="4"),
        spacing="3",
        width="100%",
        id="kpis",
    )


def _panel(title_key: str, *children: rx.Component, panel_id: str) -> rx.Component:
    return rx.card(
        column(rx.heading(t(title_key, UiState.lang), as_="h2", size="3"), *children),
        id=panel_id,
        width="100%",
        min_width="0",
    )


def _objective() -> rx.Component:
    """Next to the cash chart: the month's objective reached and what is left, or that none is
    set (for an admin, with a link to where it is set)."""
    o = DashboardState.objective
    return rx.cond(
        o.is_set,
        rx.text(
            rx.text.span(o.reached, weight="bold"),
            " · ",
            o.gap,
            size="2",
            id="objective-status",
        ),
        rx.hstack(
            rx.text(t("dash.objective.none", UiState.lang), size="2", color_scheme="gray"),
            rx.cond(
                AuthState.is_admin,
                rx.link(
                    t("dash.objective.set", UiState.lang),
                    href=OBJECTIVES_HREF,
                    size="2",
                    id="objective-set-link",
                ),
            ),
            wrap="wrap",
            spacing="2",
            id="objective-none",
        ),
    )


def _call(r: rx.Var) -> rx.Component:
    """A customer to call: the whole row is the link to its card."""
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text(r.name, weight="medium", size="2", trim="end"),
                rx.text(r.reason, size="1", color_scheme="orange"),
                spacing="0",
                min_width="0",
                flex="1",
            ),
            rx.text(r.overdue, weight="bold", color_scheme="red", size="2", white_space="nowrap"),
            rx.icon("chevron-right", size=16, color="var(--gray-9)"),
            align="center",
            width="100%",
            min_height="44px",
            padding_y="6px",
        ),
        href=r.href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        display="block",
        width="100%",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="call-row",
    )


def _calls() -> rx.Component:
    """The three customers to call now: first on a phone, after the KPIs on a desktop."""
    rows = DashboardState.calls
    return rx.card(
        column(
            rx.heading(t("dash.calls.title", UiState.lang), as_="h2", size="3"),
            rx.cond(
                rows.length() > 0,
                rx.vstack(rx.foreach(rows, _call), spacing="0", width="100%"),
                rx.text(t("dash.calls.empty", UiState.lang), size="2", color_scheme="gray"),
            ),
        ),
        id="calls",
        width="100%",
        min_width="0",
        order=rx.breakpoints(initial="-1", sm="0"),
    )


def _charts() -> rx.Component:
    return rx.grid(
        _panel("chart.aging", chart(DashboardState.aging_chart, "aging-chart"), panel_id="aging"),
        _panel(
            "chart.forecast",
            _objective(),
            chart(DashboardState.forecast_chart, "forecast-chart"),
            panel_id="forecast",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="3",
        width="100%",
    )


def _customer(row: rx.Var, *lines: rx.Component, **props: object) -> rx.Component:
    """The customer's name, a link to its card, over `lines`."""
    link = rx.link(
        rx.text.span(row.name, weight="medium"),
        href=row.href,
        size="2",
        color_scheme="gray",
        high_contrast=True,
        underline="hover",
    )
    return rx.vstack(link, *lines, spacing="0", **props)


def _reason(r: rx.Var) -> rx.Component:
    """The customer's top reason, under its name (the riskiest top 10)."""
    return rx.text(r.reason, size="1", color_scheme="orange", data_testid="top-reason")


def _top_table(rows: rx.Var[list[TopRow]], table_id: str, reasons: bool) -> rx.Component:
    head = ("top.customer", "top.overdue_amount", "top.outstanding", "top.days", "top.score")

    def row(r: rx.Var) -> rx.Component:
        number = rx.text(r.number, size="1", color_scheme="gray")
        return rx.table.row(
            rx.table.cell(_customer(r, number, *([_reason(r)] if reasons else []))),
            rx.table.cell(r.overdue, text_align="right", white_space="nowrap"),
            rx.table.cell(r.outstanding, text_align="right", white_space="nowrap"),
            rx.table.cell(r.days, text_align="right", white_space="nowrap"),
            rx.table.cell(
                rx.badge(r.grade, " ", r.score, color_scheme=r.grade_color, variant="soft"),
                text_align="right",
            ),
            data_testid="top-row",
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(
                        t(key, UiState.lang), text_align="left" if i == 0 else "right"
                    )
                    for i, key in enumerate(head)
                ]
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        size="1",
        width="100%",
        id=table_id,
    )


def _top_cards(rows: rx.Var[list[TopRow]], list_id: str, reasons: bool) -> rx.Component:
    def card(r: rx.Var) -> rx.Component:
        return rx.box(
            rx.hstack(
                _customer(
                    r,
                    rx.text(r.number, " · ", r.days, size="1", color_scheme="gray"),
                    *([_reason(r)] if reasons else []),
                    min_width="0",
                ),
                rx.spacer(),
                rx.vstack(
                    rx.text(r.overdue, weight="bold", color_scheme="red", white_space="nowrap"),
                    rx.badge(r.grade, " ", r.score, color_scheme=r.grade_color, variant="soft"),
                    align="end",
                    spacing="1",
                ),
                width="100%",
                align="center",
            ),
            padding_y="8px",
            border_bottom="1px solid var(--gray-a4)",
            width="100%",
            data_testid="top-card",
        )

    return rx.vstack(rx.foreach(rows, card), spacing="0", width="100%", id=list_id)


def _top_list(rows: rx.Var[list[TopRow]], key: str) -> rx.Component:
    # The riskiest top 10 says what it is sorted by and why each customer is in it.
    reasons = key == "risk"
    sorted_by = rx.text(
        t("top.risk.sorted_by", UiState.lang),
        size="1",
        color_scheme="gray",
        id="top-risk-sorted-by",
    )
    return rx.cond(
        rows.length() > 0,
        rx.box(
            *([sorted_by] if reasons else []),
            rx.box(
                _top_table(rows, f"top-{key}-table", reasons),
                display=rx.breakpoints(initial="none", sm="block"),
                width="100%",
            ),
            rx.box(
                _top_cards(rows, f"top-{key}-cards", reasons),
                display=rx.breakpoints(initial="block", sm="none"),
                width="100%",
            ),
            width="100%",
        ),
        rx.text(t("top.empty", UiState.lang), size="2", color_scheme="gray"),
    )


def _tops() -> rx.Component:
    return _panel(
        "top.title",
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(t("top.overdue", UiState.lang), value="overdue", id="tab-overdue"),
                rx.tabs.trigger(t("top.risk", UiState.lang), value="risk", id="tab-risk"),
            ),
            rx.tabs.content(
                _top_list(DashboardState.top_overdue, "overdue"), value="overdue", padding_top="8px"
            ),
            rx.tabs.content(
                _top_list(DashboardState.top_risk, "risk"), value="risk", padding_top="8px"
            ),
            default_value="overdue",
            width="100%",
        ),
        panel_id="top",
    )


def _list_item(row: rx.Var, detail: rx.Component | None = None) -> rx.Component:
    return rx.hstack(
        _customer(
            row,
            rx.text(
                row.when,
                rx.cond(row.label != "", rx.text.span(" · ", row.label)),
                size="1",
                color_scheme=rx.cond(row.late, "red", "gray"),
            ),
            rx.cond(
                row.detail != "",
                rx.text(row.detail, size="1", color_scheme="gray", trim="end", max_width="100%"),
            ),
            min_width="0",
            flex="1",
        ),
        rx.text(row.amount, size="2", weight="medium", white_space="nowrap"),
        width="100%",
        align="center",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="list-row",
    )


def _list(rows: rx.Var[list[ListRow]], empty_key: str, list_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, _list_item), spacing="0", width="100%", id=list_id),
        rx.text(t(empty_key, UiState.lang), size="2", color_scheme="gray", id=f"{list_id}-empty"),
    )


def _lists() -> rx.Component:
    return rx.grid(
        *[
            _panel(f"{key}.title", _list(rows, f"{key}.empty", f"{key}-list"), panel_id=key)
            for key, rows in (
                ("promises", DashboardState.promises),
                ("disputes", DashboardState.disputes),
                ("events", DashboardState.events),
            )
        ],
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
        align="start",
    )


def _content() -> rx.Component:
    return error_or(
        DashboardState.error,
        column(
            rx.cond(
                DashboardState.mixed_currencies,
                callout("info", t("dash.mixed", UiState.lang), id="mixed-currencies", size="1"),
            ),
            rx.cond(
                DashboardState.empty_scope,
                callout("info", t("dash.empty_scope", UiState.lang), id="empty-scope"),
            ),
            _kpis(),
            _calls(),
            space_figure(),
            _charts(),
            _tops(),
            _lists(),
            spacing="4",
        ),
    )


def dashboard_page() -> rx.Component:
    """The dashboard."""
    return loaded_page(
        _title(),
        _filters(),
        loaded=DashboardState.loaded,
        content=_content(),
        on_lang_change=DashboardState.load,
    )
