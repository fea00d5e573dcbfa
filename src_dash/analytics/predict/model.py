"""Learn when items get paid from the company's own settled history, and predict open items.

Training set at a date C (never the future): snapshots S = C - 60 d, C - 90 d, ... (12 of
them; the items open at C - 30 d and settled by C would be the fast payers only; on a large
ledger fewer, spread over the year, see `snapshots`). At each, the
invoices open then, with their features as of S (`features.features`), labelled with what the
ledger knew at C: days late (settled date - due date) when settled by C, else censored at
C - due (a lower bound, used when at least 45 days); late (paid more than 15 days after due)
when settled by C or when C is past due + 15 days. Rows still undecided are left out of the
late model, and so are rows already more than 15 days past due at S (late by definition: an
open item past that is predicted late with probability 1).

Two models (figures of the demo backtest at `LateModel` and `TREE`): the late model, a
regularised logistic regression (scikit-learn) on the customer's shrunk share of late invoices
among those still unpaid this late, and the item's dispute, promise and part paid, trained on
every company's rows; the delay model, scikit-learn HistGradientBoosting with the
absolute-error loss (the pay date's MAE is what is judged) correcting the median delay of the
customer's past invoices still unpaid this late. The spread of its errors on its training rows
gives the chance that an item is still unpaid at 30, 60 and 90 days. A company with fewer than
`MIN_ROWS` labelled rows (or one class under `MIN_CLASS`) uses the delay model pooled over
every company; with too little pooled history, simple rules: due date + that median delay, and
the shrunk share as the late probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from src_dash.analytics.ledger import Ledger
from src_dash.analytics.predict.features import FEATURES, LATE_DAYS, features, open_invoices

SNAPSHOTS = 12
# The first snapshot is 2 steps back: items open 30 days before C and settled by C are the
# fast payers only (the slow ones are still open), which would teach the model to be early.
FIRST_SNAPSHOT = 2
# An item still open at C counts in the delay model only when this many days past due, as a
# lower bound of its delay (the rest are undecided).
CENSORED_FROM = 45
STEP_DAYS = 30
MIN_ROWS = 400
MIN_CLASS = 30
# Rows beyond this are sampled: past it the fits cost more than they teach (bench: 1M entries).
MAX_ROWS = 80_000
# Snapshots past this many rows (before sampling) are left out, spread evenly over the year:
# each is an as-of view of the whole ledger (~3 s at 1M entries), and the rows are sampled to
# MAX_ROWS anyway. Never binding on the demo bases (their figures stay the same).
ROW_BUDGET = 2 * MAX_ROWS
MIN_SNAPSHOTS = 4
MAX_DELAY = 365.0
HORIZONS = (30, 60, 90)
THREADS = 1


@dataclass
class Model:
    """A trained pair of models (or the rules), for one company or pooled.

    Attributes:
        kind: "company", "pooled" or "rules".
        rows: labelled rows it was trained on.
        late: the classifier of paying > 15 days after due (None for rules).
        delay: the regressor of days late (None for rules).
        errors: sorted errors (actual - predicted days) on the training rows.
    """

    kind: str
    rows: int
    late: object | None = None
    delay: object | None = None
    errors: np.ndarray = field(default_factory=lambda: np.zeros(1))


def snapshots(ledger: Ledger, as_of: date) -> list[date]:
    """The snapshot dates of a training at `as_of`, oldest last.

    Every one of the `SNAPSHOTS` monthly dates while they would give at most `ROW_BUDGET` rows
    (estimated as the invoices open at `as_of` per snapshot); past it (large ledgers, where
    the rows are sampled to `MAX_ROWS` anyway) as many as the budget holds, spread evenly
    over the year, the most recent kept: each snapshot costs an as-of view of the ledger.
    """
    dates = [
        as_of - timedelta(days=STEP_DAYS * k)
        for k in range(FIRST_SNAPSHOT, FIRST_SNAPSHOT + SNAPSHOTS)
    ]
    first = ledger.first_day
    dates = [d for d in dates if first is not None and d >= first]
    if len(dates) <= MIN_SNAPSHOTS:
        return dates
    per_snapshot = max(open_invoices(ledger.view(as_of)).height, 1)
    keep = max(MIN_SNAPSHOTS, min(len(dates), ROW_BUDGET // per_snapshot))
    if keep >= len(dates):
        return dates
    picks = sorted({round(i * (len(dates) - 1) / (keep - 1)) for i in range(keep)})
    return [dates[i] for i in picks]


def training_set(ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Labelled rows for a model trained at `as_of` (features at each snapshot, labels at as_of).

    Columns: FEATURES, company_id, customer_id, y_days (days late, censored at as_of - due),
    settled (bool), y_late (None while undecided).
    """
    frames = [features(ledger, snapshot)[0] for snapshot in snapshots(ledger, as_of)]
    if not frames:
        return pl.DataFrame()
    # Read last, so that the view of as_of (the one requests use) stays among the cached views.
    truth = ledger.view(as_of).settled.select("id", "days_late")
    censor = (pl.lit(as_of) - pl.col("due")).dt.total_days().cast(pl.Float64)
    frame = pl.concat(frames, how="vertical_relaxed").join(truth, on="id", how="left")
    frame = frame.with_columns(
        settled=pl.col("days_late").is_not_null(),
        # Days between the due date and the training date: how much of the outcome was seen.
        observed=censor,
        y_days=pl.coalesce(pl.col("days_late").cast(pl.Float64), censor).clip(-90, MAX_DELAY),
    ).with_columns(
        y_late=pl.when(pl.col("y_days") > LATE_DAYS)
        .then(True)
        .when(pl.col("settled"))
        .then(False)
        .otherwise(None)
    )
    if frame.height > MAX_ROWS:
        frame = frame.sample(MAX_ROWS, seed=1)
    return frame


def matrix(frame: pl.DataFrame) -> np.ndarray:
    """The feature matrix (NaN for missing) of a frame with every column of FEATURES."""
    return frame.select(pl.col(FEATURES).cast(pl.Float64).fill_null(np.nan)).to_numpy()


# The late model is a regularised logistic regression on few inputs, not a boosted tree: the
# customer's shrunk share of late invoices among those still unpaid this late (features.py)
# carries nearly all the signal, and trees cut it into steps that rank worse than the share
# itself (demo backtest, mean AUC: boosted trees on every feature .916-.923, the logistic
# .928; the share of late invoices .918). Trained on every company's rows: one calibration
# ranks the items of several companies together.
LATE_INPUTS = ("late_logit", "disputed", "promised", "open_share")
# The delay model starts from the median delay of the customer's past invoices still unpaid
# this late (cond_median) and learns the correction with boosted trees (absolute error):
# demo backtest, mean MAE 9.9 days -> 9.6 (the trees on the raw target lose to that median).
TREE = {"max_iter": 100, "learning_rate": 0.05, "max_leaf_nodes": 7, "min_samples_leaf": 80}


class LateModel:
    """Logistic regression of paying more than 15 days late, on standardised LATE_INPUTS."""

    def __init__(self, frame: pl.DataFrame) -> None:
        from sklearn.linear_model import LogisticRegression

        x = _late_inputs(frame)
        self.mean, self.scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        self.fitted = LogisticRegression(C=1.0, max_iter=1000).fit(
            (x - self.mean) / self.scale, frame["y_late"].to_numpy()
        )

    def probability(self, frame: pl.DataFrame) -> np.ndarray:
        x = (_late_inputs(frame) - self.mean) / self.scale
        return self.fitted.predict_proba(x)[:, 1]


def _late_inputs(frame: pl.DataFrame) -> np.ndarray:
    share = pl.col("cond_share_shrunk").fill_null(0.5).fill_nan(0.5).clip(0.005, 0.995)
    return frame.select(
        (share / (1 - share)).log().alias("late_logit"),
        *[pl.col(c).cast(pl.Float64).fill_null(0.0).fill_nan(0.0) for c in LATE_INPUTS[1:]],
    ).to_numpy()


def base_days(frame: pl.DataFrame) -> np.ndarray:
    """The delay the customer's history gives: the median of their past delays beyond the
    item's days past due, else their median delay, else 0 (the rules, and the tree's start)."""
    days = pl.col("cond_median").fill_nan(None).fill_null(pl.col("delay_median")).fill_null(0.0)
    return frame.select(days.cast(pl.Float64)).to_series().to_numpy()


def decided(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows the late model learns from: late or not known at the training date, not yet 15
    days past due at the snapshot (past that an item is late by definition), and due at least
    15 days before the training date (else only those paid on time would be known)."""
    return frame.filter(
        pl.col("y_late").is_not_null()
        & (pl.col("days_past_due") <= LATE_DAYS)
        & (pl.col("observed") > LATE_DAYS)
    )


def fit(frame: pl.DataFrame, kind: str, late: LateModel | None = None) -> Model:
    """Train the delay model on labelled rows (and the late model, unless given)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    late = late or LateModel(decided(frame))
    known = frame.filter(pl.col("settled") | (pl.col("y_days") >= CENSORED_FROM))
    x = matrix(known)
    y = known["y_days"].to_numpy() - base_days(known)
    delay = HistGradientBoostingRegressor(loss="absolute_error", random_state=0, **TREE).fit(x, y)
    settled = known["settled"].to_numpy()
    errors = np.sort((y - delay.predict(x))[settled]) if settled.any() else np.zeros(1)
    return Model(kind, frame.height, late, delay, errors)


def _enough(frame: pl.DataFrame) -> bool:
    labels = decided(frame)["y_late"]
    positives = int(labels.sum())
    return frame.height >= MIN_ROWS and min(positives, labels.len() - positives) >= MIN_CLASS


def train(ledger: Ledger, as_of: date) -> dict[int, Model]:
    """One model per company: its own if it has history enough, else pooled, else the rules."""
    with _threads():
        return _train(ledger, as_of)


def _threads():  # noqa: ANN202
    # OpenMP threads fighting other processes for 2 cores cost 50x: one thread is steadier.
    import sklearn.ensemble  # noqa: F401  (loads OpenMP first: limits bind to loaded libraries)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(THREADS)


def _train(ledger: Ledger, as_of: date) -> dict[int, Model]:
    frame = training_set(ledger, as_of)
    companies = ledger.companies["company_id"].to_list()
    if frame.is_empty() or not _enough(frame):
        return {c: Model("rules", frame.height) for c in companies}
    models: dict[int, Model] = {}
    pooled: Model | None = None
    late = LateModel(decided(frame))
    for company_id in companies:
        own = frame.filter(pl.col("company_id") == company_id)
        if _enough(own):
            models[company_id] = fit(own, "company", late)
            continue
        # Fitted only when a company needs it: the pooled model costs a fit of every row.
        pooled = pooled or fit(frame, "pooled", late)
        models[company_id] = pooled
    return models


def trained(ledger: Ledger, as_of: date) -> dict[int, Model]:
    """`train`, once per version of the entries and date (the follow-up moves rarely enough)."""
    return ledger.memo(_models_key(as_of), lambda: train(ledger, as_of), keep="entries")


def _models_key(as_of: date) -> tuple:
    return ("predict-models", as_of)


def ready(ledger: Ledger, as_of: date) -> bool:
    """Whether the models of `as_of` were trained for these entries already (by the scheduler
    after a sync, or a command): a page never waits for a training (seconds to tens of
    seconds on a large base), it uses the rules until the models are there."""
    return ledger.memoised(_models_key(as_of), keep="entries") is not None


def _unpaid_share(model: Model, predicted: np.ndarray, days_left: np.ndarray) -> np.ndarray:
    """Chance that actual delay > days_left, from the training errors around the prediction."""
    needed = days_left - predicted
    idx = np.searchsorted(model.errors, needed, side="right")
    return 1.0 - idx / max(len(model.errors), 1)


def predict_rows(model: Model, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """late_probability, predicted_days and expected unpaid shares of a feature frame."""
    if frame.is_empty():
        return frame.with_columns(
            late_probability=pl.lit(None, pl.Float64), predicted_days=pl.lit(None, pl.Float64)
        )
    past_due = frame["days_past_due"].to_numpy()
    if model.late is None:
        days = base_days(frame)
        p = frame["cond_share_shrunk"].fill_null(0.0).fill_nan(0.0).to_numpy().astype(float)
        errors = Model("rules", 0, errors=np.array([-10.0, 0.0, 10.0]))
    else:
        with _threads():
            p = model.late.probability(frame)
            days = base_days(frame) + model.delay.predict(matrix(frame))
        errors = model
    p = np.where(past_due > LATE_DAYS, 1.0, p)
    # Never before as_of: an open item is paid today at the earliest.
    days = np.maximum(days, past_due)
    out = {"late_probability": p, "predicted_days": days}
    for h in HORIZONS:
        out[f"unpaid_{h}"] = _unpaid_share(errors, days, past_due + h)
    return frame.with_columns(**{k: pl.Series(v, dtype=pl.Float64) for k, v in out.items()})


def predict(ledger: Ledger, as_of: date, items: pl.DataFrame | None = None) -> pl.DataFrame:
    """Predictions for the invoices open at `as_of` (or `items`), with the model's kind."""
    models = trained(ledger, as_of)
    frame, _ = features(ledger, as_of, items if items is not None else None)
    parts = []
    for company_id, model in models.items():
        rows = frame.filter(pl.col("company_id") == company_id)
        if rows.height:
            parts.append(predict_rows(model, rows, as_of).with_columns(method=pl.lit(model.kind)))
    if not parts:
        return predict_rows(Model("rules", 0), frame, as_of).with_columns(method=pl.lit("rules"))
    return pl.concat(parts, how="vertical_relaxed").with_columns(
        predicted_pay_date=pl.col("due") + pl.duration(days=pl.col("predicted_days").round(0))
    )


def predictions(ledger: Ledger, as_of: date) -> pl.DataFrame:
    """`predict` for the open invoices, cached per ledger version and date."""
    return ledger.memo(("predictions", as_of), lambda: predict(ledger, as_of))


__all__ = [
    "Model",
    "open_invoices",
    "predict",
    "predictions",
    "ready",
    "train",
    "trained",
    "training_set",
]
