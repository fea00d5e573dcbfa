"""Predicted pay dates on a synced demo base: no future in training, sane outputs, accuracy."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.predict.backtest import BASELINES, evaluate, months_before, summary
from src_dash.analytics.predict.features import FEATURES, LATE_DAYS
from src_dash.analytics.predict.model import HORIZONS, predictions, trained, training_set
from src_dash.analytics.predict.reasons import reasons
from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
from src_dash.store.engine import make_engine
from src_dash.sync import register_company, sync_company

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path):
    folder = tmp_path_factory.mktemp("predict")
    base = folder / "DEMOP.sqlite"
    build_demo_base(base, DemoCompanySpec("DEMOP", "Demo Prévisions", 160, None, 21), TODAY)
    shutil.copy(sqlite_template, folder / "store.db")
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    clear_cache()
    register_company(engine, "DEMOP", "Demo Prévisions", "sage100", odbc_connection_string(base))
    assert sync_company(engine, "DEMOP", full=True, as_of=TODAY).status == "ok"
    yield engine
    clear_cache()
    engine.dispose()


def test_the_training_set_knows_only_what_was_known_at_the_cutoff(demo_store):
    ledger = get_ledger(demo_store)
    cutoff = TODAY - timedelta(days=120)
    frame = training_set(ledger, cutoff)
    assert frame.height > 500
    settled_on = ledger.view(TODAY).settled.select("id", "settled_on")
    labelled = frame.join(settled_on, on="id", how="left")
    # Settled for the model only if it was settled by the cutoff; later settlements are unknown.
    assert labelled.filter(pl.col("settled"))["settled_on"].max() <= cutoff
    later = labelled.filter(~pl.col("settled") & pl.col("settled_on").is_not_null())
    assert later.height > 0
    assert (later["settled_on"] > cutoff).all()
    # Features were taken at snapshots before the cutoff: no item posted after it.
    assert frame["posting_date"].max() <= cutoff - timedelta(days=60)
    # Late is decided only when settled or past due + 15 days at the cutoff.
    undecided = frame.filter(pl.col("y_late").is_null())
    assert (undecided["due"] >= cutoff - timedelta(days=LATE_DAYS)).all()


def test_no_feature_is_the_demo_behaviour():
    words = ("behaviour", "good", "slow", "chronic", "erratic", "disputing")
    assert not [f for f in FEATURES if any(w in f for w in words)]


def test_every_open_invoice_gets_a_prediction(demo_store):
    ledger = get_ledger(demo_store)
    models = trained(ledger, TODAY)
    assert {m.kind for m in models.values()} == {"company"}
    frame = predictions(ledger, TODAY)
    open_invoices = ledger.view(TODAY).open_items.filter(
        (pl.col("kind") == "invoice") & (pl.col("residual") > 0) & ~pl.col("carried_forward")
    )
    assert set(frame["id"]) == set(open_invoices["id"])
    assert frame["late_probability"].is_between(0, 1).all()
    assert (frame["predicted_pay_date"] >= TODAY).all()
    unpaid = [frame[f"unpaid_{h}"] for h in HORIZONS]
    assert (unpaid[0] >= unpaid[1]).all() and (unpaid[1] >= unpaid[2]).all()
    # Items long overdue are predicted late, items of customers paying on time mostly not.
    assert frame.filter(pl.col("days_past_due") > 60)["late_probability"].min() > 0.5
    prompt = frame.filter(pl.col("delay_recent") < 0)
    assert prompt["late_probability"].median() < 0.2


def test_backtest_beats_the_mean_delay_baseline(demo_store):
    ledger = get_ledger(demo_store)
    figures = evaluate(ledger, months_before(TODAY, 4), TODAY)
    assert figures["decided"] > 100
    auc, mae = figures["auc"], figures["mae_days"]
    assert auc["model"] > 0.85
    assert auc["model"] > auc["mean_delay"]
    assert mae["model"] < mae["mean_delay"]
    result = summary([figures])
    assert result["cutoffs"] == 1 and result["mae_beats_best_baseline"] == 1


def test_the_model_beats_every_baseline_on_a_generated_ledger(demo_store):
    # The generator draws each customer's delays from a behaviour the model never sees (only
    # the ledger it produced): learned from the history alone, the late probability ranks
    # better than the best of the three baselines, and the pay date is closer, at each cutoff.
    ledger = get_ledger(demo_store)
    for months in (10, 7, 4):
        figures = evaluate(ledger, months_before(TODAY, months), TODAY)
        auc, mae = figures["auc"], figures["mae_days"]
        assert auc["model"] > max(auc[n] for n in BASELINES), figures
        assert mae["model"] < min(mae[n] for n in BASELINES[1:]), figures


def test_months_before_keeps_the_day_or_the_month_end():
    assert months_before(date(2026, 11, 22), 12) == date(2025, 11, 22)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_reasons_put_the_strongest_first():
    row = {
        "late_probability": 0.9,
        "days_past_due": 12.0,
        "delay_recent": 23.4,
        "share_late": 0.6,
        "trend": 9.0,
        "promises_broken": 2.0,
    }
    assert reasons(row) == [
        "2 promesses non tenues",
        "paie en moyenne 23 j après l'échéance",
        "60 % des factures payées en retard",
    ]
    assert reasons({"late_probability": 0.1, "delay_recent": 1.0, "settled_count": 9}) == [
        "paie à l'échéance"
    ]


def test_a_large_ledger_trains_on_fewer_snapshots_spread_over_the_year(demo_store, monkeypatch):
    from src_dash.analytics.predict import model

    ledger = get_ledger(demo_store)
    every = model.snapshots(ledger, TODAY)
    assert every[0] == TODAY - timedelta(days=60) and len(every) == model.SNAPSHOTS
    assert all(a - b == timedelta(days=30) for a, b in zip(every, every[1:], strict=False))
    # As if each snapshot held more rows than the budget allows: the fewest, spread evenly,
    # the most recent and the oldest kept.
    monkeypatch.setattr(model, "ROW_BUDGET", 10)
    few = model.snapshots(ledger, TODAY)
    assert few == [every[0], every[4], every[7], every[11]]
    frame = model.training_set(ledger, TODAY)
    assert frame["posting_date"].max() <= every[0]
