"""Plotly figures built on the server from plain rows, kept small: a few traces, no template.

The figures carry their hover texts already formatted with Babel, and the axis separators of the
language, so what a chart says matches the figures around it. They set no width or height: the
chart fills its box and follows the screen's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
import reflex as rx

from src_dash.ui.i18n import Formats

# Radix-like colours: not due, then from amber to red as items get older.
AGING_COLORS = ("#30a46c", "#f5d90a", "#f76b15", "#e54d2e", "#ce2c31", "#a4202a")
COLLECTED_COLOR = "#30a46c"
EXPECTED_COLOR = "#8da4ef"
OBJECTIVE_COLOR = "#1c2024"
_SEPARATORS = {"fr": ", ", "en": ".,"}
_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label and amount."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class MonthBars:
    """One month of the forecast chart."""

    label: str
    collected: Decimal
    expected: Decimal
    objective: Decimal | None


def _layout(fmt: Formats, currency: str, **more: object) -> dict:
    return {
        "separators": _SEPARATORS.get(fmt.lang, ", "),
        "font": _FONT,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "bargap": 0.25,
        "xaxis": {"fixedrange": True, "automargin": True, "tickfont": {"size": 11}},
        "yaxis": {
            "fixedrange": True,
            "automargin": True,
            "tickformat": "~s",
            "gridcolor": "#e8e8ec",
            "zerolinecolor": "#d9d9e0",
            "ticksuffix": f" {currency_symbol(fmt, currency)}",
        },
        "hoverlabel": {"font": _FONT},
        **more,
    }


def _bare(data: list, layout: dict) -> go.Figure:
    """A figure without Plotly's default template (the component brings its own)."""
    figure = go.Figure(data=data, layout=layout)
    figure.update_layout(template=None)
    return figure


def currency_symbol(fmt: Formats, currency: str) -> str:
    """The currency's symbol in the language ("€", "$US"), for axis ticks."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency or "EUR", locale=fmt.locale)


def _float(amount: Decimal) -> float:
    # Plotly draws floats; the exact amounts are in the hover texts.
    return float(amount)


def aging_figure(bars: Sequence[Bar], fmt: Formats, currency: str, x_title: str) -> go.Figure:
    """A bar per aging bucket, greener when not yet due, redder as items get older.

    Args:
        bars: the buckets, from not yet due to the oldest.
        fmt: the viewer's formats.
        currency: the currency of the amounts.
        x_title: the horizontal axis' title (days past due).
    """
    layout = _layout(fmt, currency)
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": x_title, "font": {"size": 11}}}
    return _bare(
        data=[
            go.Bar(
                x=[b.label for b in bars],
                y=[_float(b.amount) for b in bars],
                marker={"color": list(AGING_COLORS[: len(bars)])},
                customdata=[fmt.money(b.amount, currency) for b in bars],
                hovertemplate="%{x}<br><b>%{customdata}</b><extra></extra>",
            )
        ],
        layout=layout,
    )


def _month_bar(
    name: str, labels: list[str], amounts: list[Decimal], color: str, fmt: Formats, currency: str
) -> go.Bar:
    """One stacked bar of the forecast: `amounts` by month, each hovered with its money text."""
    return go.Bar(
        name=name,
        x=labels,
        y=[_float(a) for a in amounts],
        marker={"color": color},
        customdata=[fmt.money(a, currency) for a in amounts],
        hovertemplate=f"{name}<br><b>%{{customdata}}</b><extra></extra>",
    )


def forecast_figure(
    months: Sequence[MonthBars], fmt: Formats, currency: str, names: dict[str, str]
) -> go.Figure:
    """Cash collected and expected per month, stacked, with the month's objective as a mark.

    Args:
        months: the months, in order.
        fmt: the viewer's formats.
        currency: the currency of the amounts.
        names: the legend's words for "collected", "expected" and "objective".
    """
    labels = [m.label for m in months]
    traces: list = [
        _month_bar(
            names["collected"],
            labels,
            [m.collected for m in months],
            COLLECTED_COLOR,
            fmt,
            currency,
        ),
        _month_bar(
            names["expected"], labels, [m.expected for m in months], EXPECTED_COLOR, fmt, currency
        ),
    ]
    goals = [m for m in months if m.objective is not None]
    if goals:
        traces.append(
            go.Scatter(
                name=names["objective"],
                x=[m.label for m in goals],
                y=[_float(m.objective or 0) for m in goals],
                mode="markers",
                marker={
                    "symbol": "line-ew",
                    "size": 40,
                    "line": {"width": 3, "color": OBJECTIVE_COLOR},
                },
                customdata=[fmt.money(m.objective or Decimal(0), currency) for m in goals],
                hovertemplate=f"{names['objective']}<br><b>%{{customdata}}</b><extra></extra>",
            )
        )
    return _bare(
        data=traces,
        layout=_layout(
            fmt,
            currency,
            barmode="stack",
            showlegend=True,
            legend={
                "orientation": "h",
                "y": -0.12,
                "x": 0,
                "font": {"size": 11},
                "traceorder": "normal",
            },
        ),
    )


def chart(figure: rx.Var, chart_id: str, height: str = "260px") -> rx.Component:
    """A chart filling its box (the basic Plotly bundle: bars and lines only, light on phones).

    Args:
        figure: a state var holding a `go.Figure`.
        chart_id: the id of the chart's box.
        height: the box's height.
    """
    return rx.box(
        rx.plotly.basic(
            data=figure,
            config={"displayModeBar": False, "responsive": True},
            use_resize_handler=True,
            style={"width": "100%", "height": "100%"},
        ),
        id=chart_id,
        width="100%",
        height=height,
        min_width="0",
    )
