"""The figures of the "Qualité des prévisions" tab, worded for the viewer: the model against the
three simple rules (late probability's ROC AUC, pay date's mean absolute error), each monthly
cutoff, and the cash-in forecast made a month before against what came in."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from src_dash.analytics.forecast import ForecastCheck
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats

# The methods compared, in the order shown; the first rule has no pay date (no MAE).
METHODS = ("model", "share_late", "days_beyond_terms", "mean_delay")


@dataclasses.dataclass
class MethodRow:
    """One method's mean figures over the cutoffs; `best_*` marks the best of its column."""

    key: str = ""
    label: str = ""
    auc: str = ""
    mae: str = ""
    best_auc: bool = False
    best_mae: bool = False


@dataclasses.dataclass
class CutoffRow:
    """One monthly cutoff: the model's figures and the best rule's, and who won."""

    cutoff: str = ""
    invoices: str = ""
    auc: str = ""
    auc_rule: str = ""
    mae: str = ""
    mae_rule: str = ""
    wins: str = ""


@dataclasses.dataclass
class CheckRow:
    """A past month: what the forecast of a month before expected, what came in, the gap."""

    month: str = ""
    made_on: str = ""
    expected: str = ""
    collected: str = ""
    gap: str = ""
    share: str = ""
    tone: str = "gray"


def _number(value: float | None, pattern: str, fmt: Formats) -> str:
    return "—" if value is None else format_decimal(value, format=pattern, locale=fmt.locale)


def _best(values: dict[str, float | None], pick) -> str:  # noqa: ANN001
    known = {k: v for k, v in values.items() if v is not None}
    return pick(known, key=known.get) if known else ""


def method_rows(summary: dict, fmt: Formats) -> list[MethodRow]:
    """The model and the rules, their mean AUC (higher is better) and MAE (lower is better)."""
    auc, mae = summary.get("auc", {}), summary.get("mae_days", {})
    best_auc, best_mae = _best(auc, max), _best(mae, min)
    days = i18n.text("fq.days", fmt.lang)
    return [
        MethodRow(
            key=name,
            label=i18n.text(f"fq.method.{name}", fmt.lang),
            auc=_number(auc.get(name), "0.000", fmt),
            mae="—" if mae.get(name) is None else f"{_number(mae[name], '0.0', fmt)} {days}",
            best_auc=name == best_auc,
            best_mae=name == best_mae,
        )
        for name in METHODS
    ]


def cutoff_rows(cutoffs: list[dict], fmt: Formats) -> list[CutoffRow]:
    """Each cutoff, newest first: the model's AUC and MAE beside the best rule's."""
    rows = []
    for c in reversed(cutoffs):
        auc, mae = c["auc"], c["mae_days"]
        rule_auc = max((v for k, v in auc.items() if k != "model" and v is not None), default=None)
        rule_mae = min((v for k, v in mae.items() if k != "model" and v is not None), default=None)
        wins = [
            i18n.text(key, fmt.lang)
            for key, won in (
                ("fq.wins.auc", _beats(auc["model"], rule_auc, higher=True)),
                ("fq.wins.mae", _beats(mae["model"], rule_mae, higher=False)),
            )
            if won
        ]
        rows.append(
            CutoffRow(
                cutoff=fmt.day(date.fromisoformat(c["cutoff"])),
                invoices=i18n.count(c["items"], fmt.lang),
                auc=_number(auc["model"], "0.000", fmt),
                auc_rule=_number(rule_auc, "0.000", fmt),
                mae=_number(mae["model"], "0.0", fmt),
                mae_rule=_number(rule_mae, "0.0", fmt),
                wins=", ".join(wins) or "—",
            )
        )
    return rows


def _beats(model: float | None, rule: float | None, *, higher: bool) -> bool:
    if model is None or rule is None:
        return False
    return model > rule if higher else model < rule


def verdict(summary: dict, lang: str) -> str:
    """One sentence: at how many cutoffs the model beat the best simple rule, on each measure."""
    if "auc" not in summary:
        return i18n.text("fq.verdict.none", lang)
    return i18n.text("fq.verdict", lang).format(
        auc=summary["auc_beats_best_baseline"],
        mae=summary["mae_beats_best_baseline"],
        n=summary["cutoffs"],
    )


def run_line(report: dict, fmt: Formats) -> str:
    """When the figures were computed, and on which company."""
    at = datetime.fromisoformat(report["run_at"])
    text = i18n.text("fq.run_at", fmt.lang).format(at=fmt.moment(at), n=len(report["cutoffs"]))
    if report.get("company"):
        text += " · " + report["company"]
    return text


def check_rows(checks: tuple[ForecastCheck, ...], fmt: Formats) -> list[CheckRow]:
    """The past months, newest first, the gap as an amount and as a share of the forecast."""
    rows = []
    for c in reversed(checks):
        share = "—"
        if c.expected:
            ratio = c.error / c.expected
            share = ("+" if ratio > 0 else "") + format_percent(ratio, locale=fmt.locale)
        rows.append(
            CheckRow(
                month=format_month(c.month, fmt),
                made_on=fmt.day(c.made_on),
                expected=fmt.money(c.expected, "EUR"),
                collected=fmt.money(c.collected, "EUR"),
                gap=fmt.money(c.error, "EUR"),
                share=share,
                tone="green" if c.error >= 0 else "orange",
            )
        )
    return rows


def format_month(value: date, fmt: Formats) -> str:
    """ "décembre 2026", "December 2026"."""
    return format_date(value, format="LLLL y", locale=fmt.locale)
