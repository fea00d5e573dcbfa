"""The dashboard's state: the filters, the formatted figures, the poll of the data version."""

from __future__ import annotations

import asyncio
import dataclasses

import plotly.graph_objects as go
import reflex as rx

from src_dash import clock
from src_dash.services.dashboard import (
    DashboardFilters,
    FilterOptions,
    filter_options,
    store_version,
    viewer_dashboard,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_viewer, login_url
from src_dash.ui.choice import Choice
from src_dash.ui.components.filter_values import ALL
from src_dash.ui.kit.service import Done, run_service
from src_dash.ui.pages.dashboard.rows import (
    CallRow,
    DashboardView,
    ListRow,
    ObjectiveTexts,
    TopRow,
    filters_summary,
    formatted,
)
from src_dash.ui.routes import DASHBOARD as ROUTE

_FAILED = "the dashboard could not be computed"


def _load_error(exc: Exception, lang: str) -> str:
    """ "Le tableau de bord n'a pas pu être calculé : OperationalError"."""
    return i18n.labelled(i18n.text("dash.load_error", lang), type(exc).__name__, lang)


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
    calls: list[CallRow] = []
    objective: ObjectiveTexts = ObjectiveTexts()
    loaded: bool = False
    error: str = ""
    empty_scope: bool = False
    # Several book currencies in the scope: amounts are shown one currency at a time.
    mixed_currencies: bool = False
    # On a phone the filters fold into one chip: whether its selects are open.
    filters_open: bool = False

    _version: int = -1
    # What the figures on screen were formatted from: data version, filters, formats.
    _shown: str = ""

    @rx.var
    def filters_chosen(self) -> str:
        """What the filters choose, for the phone's chip: "DEMO1 · Jean Martin · EUR" ("" when
        nothing is narrowed)."""
        company = (self.company, self.company_options)
        rep = (self.sales_rep, self.rep_options)
        return filters_summary(company, rep, currency=self.currency)

    @rx.event
    def toggle_filters(self) -> None:
        """Open or fold the phone's filters."""
        self.filters_open = not self.filters_open

    def _filters(self) -> DashboardFilters:
        rep = int(self.sales_rep) if self.sales_rep.isdigit() else None
        return DashboardFilters(
            company_code=None if self.company == ALL else self.company,
            sales_rep_id=rep,
            currency=None if self.currency == ALL else self.currency,
        )

    async def _refresh(self, options: bool) -> None:
        """Recompute (or fetch from the shared cache) and format the viewer's figures."""
        if options:
            found = await run_service(self, filter_options, describe=_load_error, log=_FAILED)
            if not self._answered(found):
                return
            self.company_options, self.rep_options, self.currency_options = _choices(found.value)
            self.empty_scope = not found.value.companies
            self.mixed_currencies = len(found.value.currencies) > 1
        if self.mixed_currencies and self.currency == ALL:
            # Amounts in two currencies are never added: show one at a time.
            self.currency = self.currency_options[0]
        done = await run_service(
            self, viewer_dashboard, self._filters(), describe=_load_error, log=_FAILED
        )
        if not self._answered(done):
            return
        vd, fmt = done.value, done.fmt
        self._version = vd.version
        shown = repr((vd.version, vd.as_of, self._filters(), fmt))
        if shown != self._shown:
            self._show(formatted(vd, fmt))
            self._shown = shown
        self.as_of = fmt.day(vd.as_of)
        self.updated_at = fmt.moment(clock.utcnow())
        self.error = ""
        self.loaded = True

    def _answered(self, done: Done) -> bool:
        """Whether a service answered; when not, the page says why (or waits for a login)."""
        if done.signed_out:
            self.loaded = False
        elif not done.ok:
            self.error = done.error
            self.loaded = True
        return done.ok

    def _show(self, view: DashboardView) -> None:
        """Put a formatted view on the page (its fields are named as the state's vars)."""
        for field in dataclasses.fields(view):
            setattr(self, field.name, getattr(view, field.name))

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
