"""Page "/": the dashboard of the signed-in viewer's scope.

KPI cards, the aging chart, the cash forecast against the objective, the top 10s, the promises
falling due, the open disputes and the latest events, filtered by company, sales rep and
currency. Everything comes from `src_dash.services.dashboard`, which applies the viewer's scope;
this module only formats the rows. The page polls the store's data version every few seconds
and reloads its figures only when it changed (after a sync or a colleague's action).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from decimal import Decimal

import plotly.graph_objects as go
import reflex as rx
from babel.dates import format_date
from sqlalchemy.exc import SQLAlchemyError

from src_dash import clock
from src_dash.analytics.aging import bucket_labels
from src_dash.analytics.top import TopCustomer
from src_dash.services.access import AccessDenied
from src_dash.services.dashboard import (
    DashboardFilters,
    FilterOptions,
    ViewerDashboard,
    filter_options,
    store_version,
    viewer_dashboard,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer, login_url
from src_dash.ui.choice import Choice
from src_dash.ui.components.charts import (
    Bar,
    MonthBars,
    aging_figure,
    chart,
    forecast_figure,
)
from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

ROUTE = "/"
ALL = "all"
POLL_MS = 3000
CUSTOMER_ROUTE = "/clients/{id}"
GRADE_COLORS = {"A": "green", "B": "teal", "C": "amber", "D": "orange", "E": "red"}
KPI_KEYS = ("outstanding", "overdue", "dso", "add", "cei", "cash", "promises", "disputes")
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class TopRow:
    """One customer of a top 10, formatted."""

    href: str = ""
    number: str = ""
    name: str = ""
    overdue: str = ""
    outstanding: str = ""
    days: str = ""
    score: str = ""
    grade: str = ""
    grade_color: str = "gray"


@dataclasses.dataclass
class ListRow:
    """One line of the promises, disputes or events lists, formatted."""

    href: str = ""
    number: str = ""
    name: str = ""
    when: str = ""
    kind: str = ""
    label: str = ""
    detail: str = ""
    amount: str = ""
    late: bool = False


@dataclasses.dataclass
class DashboardView:
    """Everything the page shows, formatted for one viewer's language and formats."""

    kpis: dict[str, str]
    hints: dict[str, str]
    aging: go.Figure
    forecast: go.Figure
    top_overdue: list[TopRow]
    top_risk: list[TopRow]
    promises: list[ListRow]
    promises_count: str
    disputes: list[ListRow]
    events: list[ListRow]


def _days(value: Decimal | None, fmt: Formats) -> str:
    if value is None:
        return "—"
    return i18n.text("unit.days", fmt.lang).format(value=fmt.number(value))


def _ratio(value: Decimal | None, fmt: Formats) -> str:
    return "—" if value is None else fmt.percent(value)


def _href(customer_id: int) -> str:
    return CUSTOMER_ROUTE.format(id=customer_id)


def bucket_names(lang: str) -> list[str]:
    """The aging buckets' names in the language: "Non échu", "1–30 j", ..., "> 120 j"."""
    names = []
    for label in bucket_labels():
        if label == "not_due":
            names.append(i18n.text("bucket.not_due", lang))
        elif label.startswith("over_"):
            names.append(i18n.text("bucket.over", lang).format(days=label[5:]))
        else:
            low, high = label.split("-")
            names.append(i18n.text("bucket.range", lang).format(low=low, high=high))
    return names


def kpi_texts(vd: ViewerDashboard, fmt: Formats) -> tuple[dict[str, str], dict[str, str]]:
    """The KPI cards' values and hints."""
    k, cur, lang = vd.figures.kpis, vd.currency, fmt.lang
    words = i18n.CATALOG[i18n.normalise_lang(lang)]
    p = k.promises
    values = {
        "outstanding": fmt.money(k.outstanding, cur),
        "overdue": fmt.money(k.overdue, cur),
        "dso": _days(k.dso, fmt),
        "add": _days(k.average_days_delinquent, fmt),
        "cei": _ratio(k.cei, fmt),
        "cash": fmt.money(k.cash_collected_month, cur),
        "promises": fmt.count(p.due),
        "disputes": fmt.count(k.open_disputes),
    }
    hints = {
        "outstanding": words["hint.items_customers"].format(
            items=fmt.count(k.open_items), customers=fmt.count(k.customers_with_balance)
        ),
        "overdue": words["hint.overdue_ratio"].format(ratio=_ratio(k.overdue_ratio, fmt)),
        "dso": words["hint.best_dso"].format(value=_days(k.best_possible_dso, fmt)),
        "add": words["hint.add"],
        "cei": words["hint.cei"],
        "cash": words["hint.cash"],
        "promises": words["hint.promises"].format(
            kept=fmt.count(p.kept), broken=fmt.count(p.broken), pending=fmt.count(p.pending)
        ),
        "disputes": words["hint.disputes"].format(amount=fmt.money(k.disputed_amount, cur)),
    }
    if k.doubtful:
        doubtful = words["hint.doubtful"].format(amount=fmt.money(k.doubtful, cur))
        hints["outstanding"] = f"{hints['outstanding']} · {doubtful}"
    return values, hints


def top_rows(rows: Sequence[TopCustomer], fmt: Formats, currency: str) -> list[TopRow]:
    """A top 10, formatted."""
    return [
        TopRow(
            href=_href(r.customer_id),
            number=r.number,
            name=r.name,
            overdue=fmt.money(r.overdue, currency),
            outstanding=fmt.money(r.outstanding, currency),
            days=i18n.text("unit.days", fmt.lang).format(value=fmt.count(r.oldest_days_overdue)),
            score=fmt.count(r.score),
            grade=r.grade,
            grade_color=GRADE_COLORS.get(r.grade, "gray"),
        )
        for r in rows
    ]


def format_dashboard(vd: ViewerDashboard, fmt: Formats) -> DashboardView:
    """Format a viewer's dashboard in their language and formats."""
    lang, cur = fmt.lang, vd.currency
    values, hints = kpi_texts(vd, fmt)
    aging_rows = [row for row in vd.figures.aging if row.book_currency == cur]
    totals = [Decimal(0)] * len(bucket_labels())
    for row in aging_rows:
        totals = [t + amount for t, (_, amount) in zip(totals, row.buckets, strict=True)]
    bars = [Bar(name, amount) for name, amount in zip(bucket_names(lang), totals, strict=True)]
    months = [
        MonthBars(
            label=format_date(m.month, "MMM y", locale=fmt.locale),
            collected=m.collected,
            expected=m.expected,
            objective=m.objective,
        )
        for m in vd.figures.forecast.months
    ]
    names = {key: i18n.text(f"chart.{key}", lang) for key in ("collected", "expected", "objective")}
    today = vd.as_of
    promises = [
        ListRow(
            href=_href(p.customer_id),
            number=p.number,
            name=p.name,
            when=fmt.day(p.promised_on),
            amount=fmt.money(p.amount, p.currency),
            late=p.promised_on < today,
        )
        for p in vd.promises_due
    ]
    disputes = [
        ListRow(
            href=_href(d.customer_id),
            number=d.number,
            name=d.name,
            when=fmt.day(fmt.local(d.opened_at).date()),
            detail=d.reason,
            amount=fmt.money(d.amount, d.currency),
        )
        for d in vd.open_disputes
    ]
    events = [
        ListRow(
            href=_href(e.customer_id),
            number=e.number,
            name=e.name,
            when=fmt.moment(e.at) if e.at is not None else fmt.day(e.on),
            kind=e.kind,
            label=i18n.text(f"event.{e.kind}", lang),
            detail=e.title,
            amount="" if e.amount is None else fmt.money(e.amount, e.currency),
        )
        for e in vd.recent_events
    ]
    return DashboardView(
        kpis=values,
        hints=hints,
        aging=aging_figure(bars, fmt, cur, i18n.text("chart.days_late", lang)),
        forecast=forecast_figure(months, fmt, cur, names),
        top_overdue=top_rows(vd.figures.top_overdue, fmt, cur),
        top_risk=top_rows(vd.figures.top_risk, fmt, cur),
        promises=promises,
        promises_count=fmt.count(vd.promises_due_count),
        disputes=disputes,
        events=events,
    )


# Formatted dashboards are shared by the clients that see the same figures in the same formats.
_VIEWS: dict[tuple[int, Formats], tuple[ViewerDashboard, DashboardView]] = {}
_VIEWS_MAX = 64


def formatted(vd: ViewerDashboard, fmt: Formats) -> DashboardView:
    """`format_dashboard`, memoised on the dashboard object and the formats."""
    key = (id(vd), fmt)
    found = _VIEWS.get(key)
    if found is not None and found[0] is vd:
        return found[1]
    view = format_dashboard(vd, fmt)
    if len(_VIEWS) >= _VIEWS_MAX:
        _VIEWS.pop(next(iter(_VIEWS)))
    _VIEWS[key] = (vd, view)
    return view


def _choices(options: FilterOptions) -> tuple[list[Choice], list[Choice], list[str]]:
    return (
        [Choice(o.value, o.label) for o in options.companies],
        [Choice(o.value, o.label) for o in options.sales_reps],
        list(options.currencies),
    )


class DashboardState(rx.State):
    """The dashboard's filters and formatted figures (never the frames behind them)."""

    company: str = ALL
    sales_rep: str = ALL
    currency: str = ALL
    company_options: list[Choice] = []
    rep_options: list[Choice] = []
    currency_options: list[str] = []
    as_of: str = ""
    updated_at: str = ""
    kpis: dict[str, str] = {}
    hints: dict[str, str] = {}
    aging_chart: go.Figure = go.Figure()
    forecast_chart: go.Figure = go.Figure()
    top_overdue: list[TopRow] = []
    top_risk: list[TopRow] = []
    promises: list[ListRow] = []
    promises_count: str = ""
    disputes: list[ListRow] = []
    events: list[ListRow] = []
    loaded: bool = False
    error: str = ""
    empty_scope: bool = False
    # Several book currencies in the scope: amounts are shown one currency at a time.
    mixed_currencies: bool = False

    _version: int = -1
    # What the figures on screen were formatted from: data version, filters, formats.
    _shown: str = ""

    def _filters(self) -> DashboardFilters:
        rep = int(self.sales_rep) if self.sales_rep.isdigit() else None
        return DashboardFilters(
            company_code=None if self.company == ALL else self.company,
            sales_rep_id=rep,
            currency=None if self.currency == ALL else self.currency,
        )

    async def _refresh(self, options: bool) -> None:
        """Recompute (or fetch from the shared cache) and format the viewer's figures."""
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        engine = get_engine()
        try:
            if options:
                found = await asyncio.to_thread(filter_options, engine, who)
                self.company_options, self.rep_options, self.currency_options = _choices(found)
                self.empty_scope = not found.companies
                self.mixed_currencies = len(found.currencies) > 1
            if self.mixed_currencies and self.currency == ALL:
                # Amounts in two currencies are never added: show one at a time.
                self.currency = self.currency_options[0]
            vd = await asyncio.to_thread(viewer_dashboard, engine, who, self._filters())
        except (SQLAlchemyError, AccessDenied) as exc:
            logger.exception("the dashboard could not be computed")
            self.error = i18n.labelled(
                i18n.text("dash.load_error", fmt.lang), type(exc).__name__, fmt.lang
            )
            self.loaded = True
            return
        self._version = vd.version
        shown = repr((vd.version, vd.as_of, self._filters(), fmt))
        if shown != self._shown:
            self._show(formatted(vd, fmt))
            self._shown = shown
        self.as_of = fmt.day(vd.as_of)
        self.updated_at = fmt.moment(clock.utcnow())
        self.error = ""
        self.loaded = True

    def _show(self, view: DashboardView) -> None:
        self.kpis = view.kpis
        self.hints = view.hints
        self.aging_chart = view.aging
        self.forecast_chart = view.forecast
        self.top_overdue = view.top_overdue
        self.top_risk = view.top_risk
        self.promises = view.promises
        self.promises_count = view.promises_count
        self.disputes = view.disputes
        self.events = view.events

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the filters' choices and the figures."""
        self._shown = ""
        await self._refresh(options=True)

    @rx.event
    async def set_company(self, value: str) -> None:
        """Narrow to one company (or all)."""
        self.company = value or ALL
        await self._refresh(options=False)

    @rx.event
    async def set_sales_rep(self, value: str) -> None:
        """Narrow to one sales rep's customers (or all)."""
        self.sales_rep = value or ALL
        await self._refresh(options=False)

    @rx.event
    async def set_currency(self, value: str) -> None:
        """Narrow to the companies keeping their books in one currency (or all)."""
        self.currency = value or ALL
        await self._refresh(options=False)

    @rx.event
    async def poll(self, _tick: str = "") -> rx.event.EventSpec | None:
        """Every few seconds: reload only when the store's data version changed.

        A session ended meanwhile (logout in another tab, expiry) goes to the login page.
        """
        if not self.loaded:
            return None
        if await current_viewer(self) is None:
            self.loaded = False
            return rx.redirect(login_url(ROUTE))
        version = await asyncio.to_thread(store_version, get_engine())
        if version != self._version:
            await self._refresh(options=True)
        return None


def _filter_select(
    label_key: str,
    all_key: str,
    options: rx.Var,
    value: rx.Var[str],
    on_change: rx.EventHandler,
    id_: str,
    plain: bool = False,
) -> rx.Component:
    item = (
        (lambda o: rx.select.item(o, value=o))
        if plain
        else (lambda o: rx.select.item(o.label, value=o.value))
    )
    return rx.vstack(
        # On a phone the select's own text ("Toutes les sociétés", or the choice) says enough.
        rx.text(
            t(label_key, UiState.lang),
            size="1",
            color_scheme="gray",
            display=rx.breakpoints(initial="none", sm="block"),
        ),
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(
                rx.select.item(t(all_key, UiState.lang), value=ALL),
                rx.foreach(options, item),
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _filters() -> rx.Component:
    return rx.grid(
        _filter_select(
            "dash.filter.company",
            "dash.filter.all_companies",
            DashboardState.company_options,
            DashboardState.company,
            DashboardState.set_company,
            "filter-company",
        ),
        _filter_select(
            "dash.filter.sales_rep",
            "dash.filter.all_reps",
            DashboardState.rep_options,
            DashboardState.sales_rep,
            DashboardState.set_sales_rep,
            "filter-sales-rep",
        ),
        _filter_select(
            "dash.filter.currency",
            "dash.filter.all_currencies",
            DashboardState.currency_options,
            DashboardState.currency,
            DashboardState.set_currency,
            "filter-currency",
            plain=True,
        ),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="2",
        width="100%",
        max_width="760px",
        id="filters",
    )


def _title() -> rx.Component:
    return rx.flex(
        rx.vstack(
            page_title(t("nav.dashboard", UiState.lang)),
            as_of_line(
                t("dash.as_of", UiState.lang),
                DashboardState.as_of,
                " · ",
                t("dash.updated", UiState.lang),
                " ",
                rx.text.span(DashboardState.updated_at, id="updated-at"),
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.badge(
            rx.icon("radio", size=12),
            t("dash.live", UiState.lang),
            color_scheme="green",
            variant="soft",
            id="live-badge",
        ),
        # The poll's clock: invisible, ticks every POLL_MS while the page is open.
        rx.moment(interval=POLL_MS, format="x", on_change=DashboardState.poll, display="none"),
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="end"),
        gap="var(--space-2)",
        width="100%",
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
        rx.vstack(
            rx.heading(t(title_key, UiState.lang), as_="h2", size="3"),
            *children,
            spacing="3",
            width="100%",
        ),
        id=panel_id,
        width="100%",
        min_width="0",
    )


def _charts() -> rx.Component:
    return rx.grid(
        _panel("chart.aging", chart(DashboardState.aging_chart, "aging-chart"), panel_id="aging"),
        _panel(
            "chart.forecast",
            chart(DashboardState.forecast_chart, "forecast-chart"),
            panel_id="forecast",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="3",
        width="100%",
    )


def _customer_link(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.text.span(row.name, weight="medium"),
        href=row.href,
        size="2",
        color_scheme="gray",
        high_contrast=True,
        underline="hover",
    )


def _top_table(rows: rx.Var[list[TopRow]], table_id: str) -> rx.Component:
    head = ("top.customer", "top.overdue_amount", "top.outstanding", "top.days", "top.score")

    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(
                rx.vstack(
                    _customer_link(r),
                    rx.text(r.number, size="1", color_scheme="gray"),
                    spacing="0",
                )
            ),
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


def _top_cards(rows: rx.Var[list[TopRow]], list_id: str) -> rx.Component:
    def card(r: rx.Var) -> rx.Component:
        return rx.box(
            rx.hstack(
                rx.vstack(
                    _customer_link(r),
                    rx.text(r.number, " · ", r.days, size="1", color_scheme="gray"),
                    spacing="0",
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
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.box(
                _top_table(rows, f"top-{key}-table"),
                display=rx.breakpoints(initial="none", sm="block"),
                width="100%",
            ),
            rx.box(
                _top_cards(rows, f"top-{key}-cards"),
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
        rx.vstack(
            _customer_link(row),
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
            spacing="0",
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
        _panel(
            "promises.title",
            _list(DashboardState.promises, "promises.empty", "promises-list"),
            panel_id="promises",
        ),
        _panel(
            "disputes.title",
            _list(DashboardState.disputes, "disputes.empty", "disputes-list"),
            panel_id="disputes",
        ),
        _panel(
            "events.title",
            _list(DashboardState.events, "events.empty", "events-list"),
            panel_id="events",
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
        align="start",
    )


def _content() -> rx.Component:
    return rx.cond(
        DashboardState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(DashboardState.error),
            color_scheme="red",
            id="load-error",
        ),
        rx.vstack(
            rx.cond(
                DashboardState.mixed_currencies,
                rx.callout.root(
                    rx.callout.icon(rx.icon("info")),
                    rx.callout.text(t("dash.mixed", UiState.lang)),
                    id="mixed-currencies",
                    size="1",
                ),
            ),
            rx.cond(
                DashboardState.empty_scope,
                rx.callout.root(
                    rx.callout.icon(rx.icon("info")),
                    rx.callout.text(t("dash.empty_scope", UiState.lang)),
                    id="empty-scope",
                ),
            ),
            _kpis(),
            _charts(),
            _tops(),
            _lists(),
            spacing="4",
            width="100%",
        ),
    )


def dashboard_page() -> rx.Component:
    """The dashboard."""
    return page_frame(
        rx.vstack(
            _title(),
            _filters(),
            rx.cond(
                DashboardState.loaded,
                _content(),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            spacing="4",
            width="100%",
        ),
        on_lang_change=DashboardState.load,
    )
