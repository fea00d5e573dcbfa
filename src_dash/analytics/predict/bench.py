"""Training and predicting time of the pay-date models on a large demo ledger.

`bench_predict(entries=1_000_000)` builds a demo Sage base of that many customer lines, syncs it
into a fresh SQLite store and times, from the loaded ledger: the training set (12 as-of
snapshots), the training of the models (the whole of `train`), and the prediction of every item
open today (features and both models). Called by `src-dash bench` once the bench package maps
it; it reports seconds and sizes as a dict.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.predict.model import predict, train, training_set

TODAY = date(2026, 11, 22)


def _store(entries: int, customers: int, folder: Path, today: date) -> tuple[object, dict]:
    from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade
    from src_dash.sync import register_company, sync_company

    started = time.perf_counter()
    base = folder / "BENCHP.sqlite"
    build_demo_base(
        base, DemoCompanySpec("BENCHP", "Bench Prévisions", customers, entries, 7), today
    )
    built = time.perf_counter()
    url = f"sqlite:///{folder / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    register_company(engine, "BENCHP", "Bench Prévisions", "sage100", odbc_connection_string(base))
    result = sync_company(engine, "BENCHP", full=True, as_of=today)
    if result.status != "ok":
        raise RuntimeError(f"bench sync failed: {result.error}")
    times = {"build_s": built - started, "sync_s": time.perf_counter() - built}
    return engine, times


def bench_predict(
    entries: int = 1_000_000,
    customers: int | None = None,
    work_dir: str | None = None,
    today: date = TODAY,
) -> dict[str, object]:
    """Time the training and the predictions at `entries` customer lines (see the module doc)."""
    customers = customers or max(entries // 20, 10)
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        engine, report = _store(entries, customers, Path(folder), today)
        report.update(time_models(engine, today))
        engine.dispose()
    report.update(entries=entries, customers=customers)
    return report


def time_models(engine: object, today: date = TODAY) -> dict[str, object]:
    """Time, on a synced store, the ledger load, the training set, the training of the models
    (the whole of `train`, its training set included) and the prediction of every item open
    `today` (features and both models, the models being trained); seconds and sizes."""
    clear_cache()
    report: dict[str, float] = {}
    t = time.perf_counter()
    ledger = get_ledger(engine)
    report["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = training_set(ledger, today).height
    report["training_set_s"] = time.perf_counter() - t
    t = time.perf_counter()
    models = train(ledger, today)
    report["train_s"] = time.perf_counter() - t
    # What a request pays: the models are trained (cached), the features of today are not.
    ledger.memo(("predict-models", today), lambda: models, keep="entries")
    t = time.perf_counter()
    frame = predict(ledger, today)
    report["predict_s"] = time.perf_counter() - t
    clear_cache()
    out: dict[str, object] = {k: round(v, 2) for k, v in report.items()}
    out.update(
        training_rows=rows,
        open_items=frame.height,
        methods=sorted({m.kind for m in models.values()}),
        late_share=round(float(frame["late_probability"].mean() or 0), 3) if frame.height else None,
        polars_threads=pl.thread_pool_size(),
    )
    return out
