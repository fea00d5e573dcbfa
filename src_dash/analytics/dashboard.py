"""All the figures of the dashboard in one call: KPIs, aging, top 10s, forecast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from src_dash.analytics.aging import AgingRow, aging
from src_dash.analytics.balances import Balance, balances
from src_dash.analytics.forecast import Forecast, forecast
from src_dash.analytics.kpis import Kpis, kpis
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.analytics.top import TopCustomer, largest_overdue, worst_risk
from src_dash.clock import today as clock_today


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows for a scope on a date."""

    kpis: Kpis
    by_company: tuple[Balance, ...]
    aging: tuple[AgingRow, ...]
    top_overdue: tuple[TopCustomer, ...]
    top_risk: tuple[TopCustomer, ...]
    forecast: Forecast


def dashboard(engine: Engine, scope: Scope = EVERYTHING, as_of: date | None = None) -> Dashboard:
    """Every dashboard figure of a scope as of a date (default today)."""
    as_of = as_of or clock_today()
    return Dashboard(
        kpis=kpis(engine, scope, as_of),
        by_company=tuple(balances(engine, scope, as_of, by="company")),
        aging=tuple(aging(engine, scope, as_of)),
        top_overdue=tuple(largest_overdue(engine, scope, as_of)),
        top_risk=tuple(worst_risk(engine, scope, as_of)),
        forecast=forecast(engine, scope, as_of),
    )
