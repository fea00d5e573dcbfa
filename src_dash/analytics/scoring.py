"""Bad-payer score: 0 (pays on time) to 100 (worst), grade A-E, explained by its parts.

Everything is computed from what was known on the date asked (`as_of`): invoices settled by
then (over the last 12 months), items open then, disputes opened, promises broken and payments
rejected by then. Each part gives 0-100 points; the score is their weighted mean over the parts
that have data (a customer without settled invoices is judged on the rest).

Parts:
- days_beyond_terms: amount-weighted days beyond terms of the invoices settled in the last
  12 months, as D&B computes the PAYDEX (PAYDEX 80 = prompt, 50 = 30 days beyond terms,
  20 = 120 days); points = (80 - PAYDEX) x 100 / 60, within 0-100.
- share_paid_late: share of those invoices settled more than `LATE_TOLERANCE_DAYS` late.
- trend: amount-weighted days beyond terms of the last 3 months minus those of the 9 months
  before; 30 days worse = 100 points.
- current_overdue: amount-weighted days past due of the items open today (not-yet-due items
  weigh with 0 days); 60 days = 100 points.
- disputes: disputes opened in the last 12 months, 34 points each.
- broken_promises: promises broken in the last 12 months, 50 points each.
- bounced_payments: rejected payments posted in the last 12 months, 50 points each.

Once the pay-date models are trained for the day (`analytics.predict`: the scheduler trains them
after each sync that brings entries, `src-dash predict` and `retrain` too; a page never waits for a
training), and where the company's history is rich enough for them, the score of a customer with
open invoices is the model's instead: 100 x the exposure-weighted probability
that their open invoices are paid more than 15 days after due. The parts above then explain it
(weight 0, a sentence in `detail`), after a first part "late_probability" that carries it all.
The weighted parts remain the score of customers without open invoices and of companies with
too little history (the simple rules the model falls back to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import amounts
from src_dash.analytics.ledger import KIND_FEE, Ledger, get_ledger
from src_dash.analytics.predict.model import predictions, ready
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today
from src_dash.store.rows import from_row

LATE_TOLERANCE_DAYS = 5
HISTORY_DAYS = 365
RECENT_DAYS = 91

WEIGHTS: dict[str, float] = {
    "days_beyond_terms": 0.30,
    "share_paid_late": 0.30,
    "trend": 0.05,
    "current_overdue": 0.20,
    "disputes": 0.05,
    "broken_promises": 0.05,
    "bounced_payments": 0.05,
}
LABELS = {
    "days_beyond_terms": "jours de retard pondérés (PAYDEX)",
    "share_paid_late": "part des factures payées en retard",
    "trend": "tendance du retard (3 derniers mois)",
    "current_overdue": "retard des échéances ouvertes",
    "disputes": "litiges (12 mois)",
    "broken_promises": "promesses non tenues (12 mois)",
    "bounced_payments": "impayés (12 mois)",
}
MODEL_PART = "late_probability"
MODEL_LABEL = "probabilité de payer plus de 15 j après l'échéance (modèle)"
GRADES = ((20, "A"), (40, "B"), (60, "C"), (80, "D"), (101, "E"))

# D&B PAYDEX against days beyond terms (anticipation = negative days).
PAYDEX_POINTS = ((-30.0, 100.0), (0.0, 80.0), (15.0, 70.0), (22.0, 60.0), (30.0, 50.0),
                 (60.0, 40.0), (90.0, 30.0), (120.0, 20.0))  # fmt: skip


def grade(score: int) -> str:
    """The grade of a score: A below 20, B below 40, C below 60, D below 80, else E."""
    return next(letter for bound, letter in GRADES if score < bound)


def paydex_expr(days: pl.Expr) -> pl.Expr:
    """PAYDEX (D&B) of amount-weighted days beyond terms, linear between the table's points."""
    points = PAYDEX_POINTS
    expr = pl.when(days.is_null()).then(None).when(days <= points[0][0]).then(pl.lit(points[0][1]))
    for (d0, p0), (d1, p1) in zip(points, points[1:], strict=False):
        expr = expr.when(days <= d1).then(p0 + (days - d0) * (p1 - p0) / (d1 - d0))
    return expr.otherwise(pl.lit(points[-1][1]))


@dataclass(frozen=True)
class ScorePart:
    """One part of a score.

    Attributes:
        name: the part's key (see the module docstring).
        label: its name for users (French).
        value: what was measured (days, share, count), None without data.
        points: 0-100, None without data.
        weight: its weight among the parts that have data.
        contribution: weight x points, the share of the score it makes.
    """

    name: str
    label: str
    value: Decimal | None
    points: Decimal | None
    weight: Decimal
    contribution: Decimal
    detail: str = ""


@dataclass(frozen=True)
class CustomerScore:
    """A customer's bad-payer score as of a date."""

    customer_id: int
    number: str
    name: str
    company_id: int
    score: int
    grade: str
    exposure: Decimal
    overdue: Decimal
    settled_invoices: int
    parts: tuple[ScorePart, ...]


def score_frame(ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Every customer's parts and score as of a date (cached per ledger version and date)."""
    return ledger.memo(("scores", as_of, ready(ledger, as_of)), lambda: _with_model(ledger, as_of))


def _with_model(ledger: Ledger, as_of: date) -> pl.DataFrame:
    """The rules' frame, its score replaced by the model's where there is one (module doc)."""
    frame = _score_frame(ledger, as_of)
    if not ready(ledger, as_of):
        return frame.with_columns(model_p=pl.lit(None, pl.Float64))
    learned = predictions(ledger, as_of).filter(pl.col("method") != "rules")
    residual = pl.col("residual").cast(pl.Float64)
    per_customer = learned.group_by("customer_id").agg(
        ((pl.col("late_probability") * residual).sum() / residual.sum()).alias("model_p")
    )
    frame = frame.join(per_customer, on="customer_id", how="left")
    return frame.with_columns(
        score=pl.when(pl.col("model_p").is_not_null())
        .then((pl.col("model_p") * 100).round(0).cast(pl.Int32))
        .otherwise(pl.col("score"))
    )


def _history(settled: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per customer: the settled invoices' count, days beyond terms, share late and trend."""
    start = as_of - timedelta(days=HISTORY_DAYS)
    recent = as_of - timedelta(days=RECENT_DAYS)
    amount = pl.col("amount").cast(pl.Float64)
    late = pl.col("days_late").cast(pl.Float64)
    is_recent = pl.col("settled_on") > recent

    def weighted(mask: pl.Expr | None = None) -> pl.Expr:
        a = amount if mask is None else amount.filter(mask)
        d = late if mask is None else late.filter(mask)
        return (a * d).sum() / a.sum()

    return (
        settled.filter(pl.col("settled_on") > start)
        .group_by("customer_id")
        .agg(
            pl.len().alias("settled_invoices"),
            weighted().alias("dbt_signed"),
            (amount * late.clip(lower_bound=0)).sum().truediv(amount.sum()).alias("dbt"),
            (late > LATE_TOLERANCE_DAYS).mean().alias("share_late"),
            (amount * late.clip(lower_bound=0)).filter(is_recent).sum().alias("rn"),
            amount.filter(is_recent).sum().alias("rd"),
            (amount * late.clip(lower_bound=0)).filter(~is_recent).sum().alias("on"),
            amount.filter(~is_recent).sum().alias("od"),
        )
        .with_columns(
            trend=pl.when((pl.col("rd") > 0) & (pl.col("od") > 0))
            .then(pl.col("rn") / pl.col("rd") - pl.col("on") / pl.col("od"))
            .otherwise(None)
        )
    )


def _score_frame(ledger: Ledger, as_of: date) -> pl.DataFrame:
    view = ledger.view(as_of)
    start = as_of - timedelta(days=HISTORY_DAYS)
    history = _history(view.settled, as_of)
    positive = pl.col("residual").clip(lower_bound=0)
    current = view.open_items.group_by("customer_id").agg(
        positive.sum().alias("exposure"),
        positive.filter(pl.col("days_overdue") > 0).sum().alias("overdue"),
        # Fees and interest are due on posting: they would make a customer look late.
        (positive.cast(pl.Float64) * pl.col("days_overdue"))
        .filter(pl.col("kind") != KIND_FEE)
        .sum()
        .alias("od_weighted"),
    )
    disputes = (
        ledger.disputes.filter(pl.col("opened_on").is_between(start, as_of, closed="right"))
        .group_by("customer_id")
        .agg(pl.len().alias("disputes"))
    )
    broken = (
        ledger.promises.filter(
            (pl.col("status") == "broken")
            & pl.col("resolved_on").is_between(start, as_of, closed="right")
        )
        .group_by("customer_id")
        .agg(pl.len().alias("broken"))
    )
    bounced = (
        view.posted.filter(pl.col("bounced") & (pl.col("posting_date") > start))
        .group_by("customer_id")
        .agg(pl.len().alias("bounced"))
    )
    frame = (
        ledger.customers.select("customer_id", "company_id", "number", "name")
        .join(history, on="customer_id", how="left")
        .join(current, on="customer_id", how="left")
        .join(disputes, on="customer_id", how="left")
        .join(broken, on="customer_id", how="left")
        .join(bounced, on="customer_id", how="left")
        .with_columns(
            pl.col("settled_invoices", "disputes", "broken", "bounced").fill_null(0),
            pl.col("exposure", "overdue").fill_null(0),
            current_days=pl.when(pl.col("exposure") > 0)
            .then(pl.col("od_weighted") / pl.col("exposure"))
            .otherwise(0.0),
        )
        .with_columns(paydex=paydex_expr(pl.col("dbt_signed").clip(-30, 120)))
    )
    clip = {"lower_bound": 0.0, "upper_bound": 100.0}
    frame = frame.with_columns(
        p_days_beyond_terms=((80.0 - pl.col("paydex")) * 100.0 / 60.0).clip(**clip),
        p_share_paid_late=pl.col("share_late") * 100.0,
        p_trend=(pl.col("trend") * 100.0 / 30.0).clip(**clip),
        p_current_overdue=(pl.col("current_days") * 100.0 / 60.0).clip(**clip),
        p_disputes=(pl.col("disputes") * 34.0).clip(**clip),
        p_broken_promises=(pl.col("broken") * 50.0).clip(**clip),
        p_bounced_payments=(pl.col("bounced") * 50.0).clip(**clip),
    )
    weight_sum = pl.sum_horizontal(
        [pl.when(pl.col(f"p_{n}").is_not_null()).then(w).otherwise(0.0) for n, w in WEIGHTS.items()]
    )
    total = pl.sum_horizontal([pl.col(f"p_{n}").fill_null(0.0) * w for n, w in WEIGHTS.items()])
    return with_reason(
        frame.with_columns(
            weight_sum=weight_sum,
            score=(total / weight_sum).round(0).cast(pl.Int32),
        )
    )


# The customer's top reason (the Top 10 shows it): the strongest part (`with_reason`), as a code
# and the number it is said with (see REASONS).
REASONS = (
    "late_days",  # paie en moyenne {value} j après l'échéance
    "share_late",  # {value} % des factures payées en retard
    "trend_up",  # retard en hausse
    "current_overdue",  # échéances ouvertes en retard de {value} j
    "disputes",  # {value} litige(s)
    "broken_promises",  # {value} promesse(s) non tenue(s)
    "bounced",  # {value} impayé(s)
)


def with_reason(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `reason` (a code of REASONS, "on_time" when nothing stands out with a history,
    "little_history" without) and `reason_value` to a frame of `_score_frame`'s columns."""

    def only(points: pl.Expr, when: pl.Expr) -> pl.Expr:
        return pl.when(when).then(points).otherwise(0.0).fill_null(0.0)

    # Strengths on one scale, 100 = plainly bad: 30 days late on average, every invoice late
    # (counted at 80: the days say more), delays up by 30 days, the parts' points otherwise.
    points = [
        only(pl.col("dbt_signed") * 100.0 / 30.0, pl.col("dbt_signed").round(0) > 0),
        only(pl.col("share_late") * 80.0, pl.col("share_late") > 0),
        only(pl.col("p_trend"), pl.col("trend") > 5),
        only(pl.col("p_current_overdue"), pl.col("current_days").round(0) > 0),
        only(pl.col("p_disputes"), pl.col("disputes") > 0),
        only(pl.col("p_broken_promises"), pl.col("broken") > 0),
        only(pl.col("p_bounced_payments"), pl.col("bounced") > 0),
    ]
    values = [
        pl.col("dbt_signed").round(0),
        (pl.col("share_late") * 100).round(0),
        pl.col("trend").round(0),
        pl.col("current_days").round(0),
        *[pl.col(c).cast(pl.Float64) for c in ("disputes", "broken", "bounced")],
    ]
    best = pl.concat_list(points).list.arg_max()
    strongest = pl.max_horizontal(points)
    return frame.with_columns(
        reason=pl.when(strongest > 0)
        .then(pl.concat_list(pl.lit(list(REASONS))).list.get(best))
        .when(pl.col("settled_invoices") > 0)
        .then(pl.lit("on_time"))
        .otherwise(pl.lit("little_history")),
        reason_value=pl.when(strongest > 0)
        .then(pl.concat_list([v.fill_null(0.0) for v in values]).list.get(best))
        .otherwise(0.0)
        .cast(pl.Int64),
    )


def _dec(value: float | None, places: str = "0.1") -> Decimal | None:
    return None if value is None else Decimal(repr(float(value))).quantize(Decimal(places))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n < 2 else f"{n} " + " ".join(w + "s" for w in word.split())


def _details(row: dict) -> dict[str, str]:
    """Each part in words ("paie en moyenne 23 j après l'échéance"), empty without data."""
    out = dict.fromkeys(WEIGHTS, "")
    if row["dbt_signed"] is not None:
        days = round(row["dbt_signed"])
        out["days_beyond_terms"] = (
            f"paie en moyenne {days} j après l'échéance" if days > 0 else "paie à l'échéance"
        )
        out["share_paid_late"] = f"{round(row['share_late'] * 100)} % des factures payées en retard"
    if row["trend"] is not None:
        out["trend"] = (
            "retard en hausse"
            if row["trend"] > 5
            else "retard en baisse"
            if row["trend"] < -5
            else "retard stable"
        )
    if row["current_days"]:
        out["current_overdue"] = f"échéances ouvertes en retard de {round(row['current_days'])} j"
    counts = (("disputes", "litige"), ("broken_promises", "promesse non tenue"))
    for name, word in (*counts, ("bounced_payments", "impayé")):
        key = {"disputes": "disputes", "broken_promises": "broken"}.get(name, "bounced")
        if row[key]:
            out[name] = _plural(int(row[key]), word)
    return out


def _parts(row: dict) -> tuple[ScorePart, ...]:
    values = {
        "days_beyond_terms": _dec(row["dbt"]),
        "share_paid_late": _dec(row["share_late"], "0.001"),
        "trend": _dec(row["trend"]),
        "current_overdue": _dec(row["current_days"]),
        "disputes": Decimal(row["disputes"]),
        "broken_promises": Decimal(row["broken"]),
        "bounced_payments": Decimal(row["bounced"]),
    }
    details = _details(row)
    learned = row.get("model_p") is not None
    parts = []
    if learned:
        probability = _dec(row["model_p"], "0.001")
        parts.append(
            ScorePart(
                name=MODEL_PART,
                label=MODEL_LABEL,
                value=probability,
                points=_dec(row["model_p"] * 100),
                weight=Decimal("1.000"),
                contribution=_dec(row["model_p"] * 100),
                detail=f"{round(row['model_p'] * 100)} % de risque de payer en retard",
            )
        )
    for name, weight in WEIGHTS.items():
        points = row[f"p_{name}"]
        share = weight / row["weight_sum"] if points is not None and not learned else 0.0
        parts.append(
            ScorePart(
                name=name,
                label=LABELS[name],
                value=values[name] if points is not None else None,
                points=_dec(points),
                weight=_dec(share, "0.001"),
                contribution=_dec(share * (points or 0.0)),
                detail=details[name],
            )
        )
    return tuple(parts)


def scores(
    engine: Engine, scope: Scope = EVERYTHING, as_of: date | None = None
) -> list[CustomerScore]:
    """Every customer's score in the scope as of a date, worst first.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today); only what was known then is used.
    """
    ledger = get_ledger(engine)
    frame = ledger.scoped(score_frame(ledger, as_of or clock_today()), scope)
    return [
        score_of(row)
        for row in frame.sort("score", "number", descending=[True, False]).iter_rows(named=True)
    ]


def score_of(row: dict) -> CustomerScore:
    """A CustomerScore from a row of `score_frame`."""
    return from_row(
        CustomerScore,
        row,
        grade=grade(row["score"]),
        **amounts(row, "exposure", "overdue"),
        parts=_parts(row),
    )


def roc_auc(scores_: list[float], labels: list[bool]) -> float | None:
    """ROC AUC of scores against binary labels (Mann-Whitney U, ties count half).

    Returns None when one class is missing.
    """
    frame = pl.DataFrame({"s": scores_, "y": labels}, schema={"s": pl.Float64, "y": pl.Boolean})
    positives = int(frame["y"].sum())
    negatives = frame.height - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = frame.with_columns(r=pl.col("s").rank("average"))
    rank_sum = float(ranks.filter(pl.col("y"))["r"].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
