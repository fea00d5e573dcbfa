"""The dashboard's figures formatted for the viewer: KPI texts, top 10 rows, lists, charts
(pure functions of the service's `ViewerDashboard` and the viewer's formats)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import plotly.graph_objects as go
from babel.dates import format_date

from src_dash.analytics.aging import bucket_labels
from src_dash.analytics.top import TopCustomer
from src_dash.services.dashboard import (
    SPACE_DAYS,
    OpenDispute,
    PromiseDue,
    RecentEvent,
    ViewerDashboard,
)
from src_dash.ui import i18n
from src_dash.ui.choice import Choice
from src_dash.ui.components.charts import (
    Bar,
    MonthBars,
    aging_figure,
    forecast_figure,
)
from src_dash.ui.components.filter_values import ALL, GRADE_COLORS
from src_dash.ui.i18n import Formats
from src_dash.ui.routes import customer_href

POLL_MS = 3000
KPI_KEYS = ("outstanding", "overdue", "dso", "add", "cei", "cash", "promises", "disputes")


@dataclasses.dataclass
class CustomerLine:
    """A line about one customer: the link to its card, its number and name."""

    href: str = ""
    number: str = ""
    name: str = ""


@dataclasses.dataclass
class TopRow(CustomerLine):
    """One customer of a top 10, formatted."""

    overdue: str = ""
    outstanding: str = ""
    days: str = ""
    score: str = ""
    grade: str = ""
    grade_color: str = "gray"
    reason: str = ""


@dataclasses.dataclass
class ListRow(CustomerLine):
    """One line of the promises, disputes or events lists, formatted."""

    when: str = ""
    kind: str = ""
    label: str = ""
    detail: str = ""
    amount: str = ""
    late: bool = False


@dataclasses.dataclass
class CallRow(CustomerLine):
    """One of the customers to call now: why (its overdue amount and its top reason)."""

    overdue: str = ""
    reason: str = ""


@dataclasses.dataclass
class ObjectiveTexts:
    """The month's cash objective in words: set or not, how much is reached, what is left."""

    is_set: bool = False
    reached: str = ""
    gap: str = ""


@dataclasses.dataclass
class DashboardView:
    """Everything the page shows, formatted for one viewer's language and formats."""

    kpis: dict[str, str]
    hints: dict[str, str]
    aging_chart: go.Figure
    forecast_chart: go.Figure
    top_overdue: list[TopRow]
    top_risk: list[TopRow]
    promises: list[ListRow]
    promises_count: str
    disputes: list[ListRow]
    events: list[ListRow]
    calls: list[CallRow]
    objective: ObjectiveTexts


def _days(value: Decimal | None, fmt: Formats) -> str:
    if value is None:
        return "—"
    return i18n.text("unit.days", fmt.lang).format(value=fmt.number(value))


def _ratio(value: Decimal | None, fmt: Formats) -> str:
    return "—" if value is None else fmt.percent(value)


def _line(row: TopCustomer | PromiseDue | OpenDispute | RecentEvent) -> dict[str, str]:
    """The fields of a `CustomerLine` for the customer of `row`."""
    return {"href": customer_href(row.customer_id), "number": row.number, "name": row.name}


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
        "space": fmt.count(vd.space_customers),  # not a card of KPI_KEYS: see views.space_figure
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
        "space": words["dash.space.hint"].format(days=SPACE_DAYS),
    }
    if k.doubtful:
        doubtful = words["hint.doubtful"].format(amount=fmt.money(k.doubtful, cur))
        hints["outstanding"] = f"{hints['outstanding']} · {doubtful}"
    return values, hints


def reason_text(code: str, value: int, lang: str) -> str:
    """A customer's top reason in words: "paie en moyenne 23 j après l'échéance"."""
    if not code:
        return ""
    key = f"reason.{code}"
    if code in ("disputes", "broken_promises", "bounced"):
        key += ".one" if value < 2 else ".many"
    return i18n.text(key, lang).format(value=i18n.count(value, lang))


def top_rows(rows: Sequence[TopCustomer], fmt: Formats, currency: str) -> list[TopRow]:
    """A top 10, formatted."""
    return [
        TopRow(
            **_line(r),
            overdue=fmt.money(r.overdue, currency),
            outstanding=fmt.money(r.outstanding, currency),
            days=i18n.text("unit.days", fmt.lang).format(value=fmt.count(r.oldest_days_overdue)),
            score=fmt.count(r.score),
            grade=r.grade,
            grade_color=GRADE_COLORS.get(r.grade, "gray"),
            reason=reason_text(r.reason, r.reason_value, fmt.lang),
        )
        for r in rows
    ]


def calls_now(vd: ViewerDashboard, fmt: Formats, count: int = 3) -> list[CallRow]:
    """The `count` customers to call first: of the top 10s already computed (largest overdue,
    riskiest), those with something overdue, by overdue x score, largest first."""
    seen: dict[int, TopCustomer] = {}
    for r in (*vd.figures.top_overdue, *vd.figures.top_risk):
        if r.overdue > 0:
            seen.setdefault(r.customer_id, r)
    ranked = sorted(seen.values(), key=lambda r: (-(r.overdue * r.score), r.number))[:count]
    words = i18n.text("dash.calls.overdue", fmt.lang)
    return [
        CallRow(
            **_line(r),
            overdue=words.format(amount=fmt.money(r.overdue, vd.currency)),
            reason=reason_text(r.reason, r.reason_value, fmt.lang),
        )
        for r in ranked
    ]


def objective_texts(vd: ViewerDashboard, fmt: Formats) -> ObjectiveTexts:
    """The current month's objective: "62,5 % atteint", "reste 12 345 € à encaisser"."""
    month = vd.as_of.replace(day=1)
    plan = next((m for m in vd.figures.forecast.months if m.month == month), None)
    if plan is None or plan.objective is None or plan.objective <= 0:
        return ObjectiveTexts()
    lang = fmt.lang
    left = plan.objective - plan.collected
    reached = i18n.text("dash.objective.reached", lang).format(
        percent=fmt.percent(plan.collected * 100 / plan.objective)
    )
    if left > 0:
        gap = i18n.text("dash.objective.gap", lang).format(amount=fmt.money(left, vd.currency))
    else:
        gap = i18n.text("dash.objective.done", lang)
    return ObjectiveTexts(is_set=True, reached=reached, gap=gap)


def filters_summary(*chosen: tuple[str, Sequence[Choice]], currency: str = ALL) -> str:
    """What the filters choose, for the phone's chip: "Dumas SA · Jean Martin · EUR", each
    (value, its choices) by its label; "" when nothing is narrowed."""
    words = [
        next((o.label for o in options if o.value == value), value)
        for value, options in chosen
        if value != ALL
    ]
    if currency != ALL:
        words.append(currency)
    return " · ".join(words)


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
            **_line(p),
            when=fmt.day(p.promised_on),
            amount=fmt.money(p.amount, p.currency),
            late=p.promised_on < today,
        )
        for p in vd.promises_due
    ]
    disputes = [
        ListRow(
            **_line(d),
            when=fmt.day(fmt.local(d.opened_at).date()),
            detail=d.reason,
            amount=fmt.money(d.amount, d.currency),
        )
        for d in vd.open_disputes
    ]
    events = [
        ListRow(
            **_line(e),
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
        aging_chart=aging_figure(bars, fmt, cur, i18n.text("chart.days_late", lang)),
        forecast_chart=forecast_figure(months, fmt, cur, names),
        top_overdue=top_rows(vd.figures.top_overdue, fmt, cur),
        top_risk=top_rows(vd.figures.top_risk, fmt, cur),
        promises=promises,
        promises_count=fmt.count(vd.promises_due_count),
        disputes=disputes,
        events=events,
        calls=calls_now(vd, fmt),
        objective=objective_texts(vd, fmt),
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
