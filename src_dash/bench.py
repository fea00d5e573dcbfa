"""Benchmarks printed as JSON by `src-dash bench`: measured, never asserted in tests."""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from src_dash.config import load_settings


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_sync(
    entries: int,
    customers: int | None = None,
    seed: int = 42,
    store_url: str | None = None,
    work_dir: Path | None = None,
    today: date = date(2026, 11, 22),
) -> dict[str, object]:
    """Time a bare pyodbc fetch, a full sync and an incremental sync after 1% of rows changed.

    Builds one demo Sage base of `entries` customer entries (about one customer per 20 entries
    unless `customers` is given) and syncs it into a fresh store.
    """
    from sqlalchemy import text

    from src_dash.sources.demo import (
        DemoCompanySpec,
        build_demo_base,
        odbc_connection_string,
        touch_entries,
    )
    from src_dash.sources.sage100 import Sage100Reader, Window
    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade
    from src_dash.sync import open_period, register_company, sync_company

    settings = load_settings()
    tmp = tempfile.TemporaryDirectory(prefix="src-dash-bench-")
    base_dir = work_dir or Path(tmp.name)
    base_dir.mkdir(parents=True, exist_ok=True)
    customers = customers or max(entries // 20, 10)
    spec = DemoCompanySpec(
        code="BENCH", name="Bench SA", customers=customers, entries=entries, seed=seed
    )
    base = base_dir / "BENCH.sqlite"
    started = time.perf_counter()
    summary = build_demo_base(base, spec, today)
    build_seconds = time.perf_counter() - started
    dsn = odbc_connection_string(base, settings.odbc_sqlite_driver)

    url = store_url or f"sqlite:///{base_dir / 'store.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    upgrade(url)
    register_company(engine, "BENCH", "Bench SA", "sage100", dsn)

    # The same queries the sync runs, fetched with bare pyodbc and nothing else.
    with Sage100Reader(dsn) as reader:
        period = open_period(reader.company())
        windows = {
            t: Window(after_marq=0, since=None, upto_marq=reader.watermark(t).max_marq)
            for t in ("F_COMPTET", "F_CONTACTT", "F_ECRITUREC")
        }
        queries = [
            *reader.customer_query(windows["F_COMPTET"])[0],
            *reader.contact_query(windows["F_CONTACTT"]),
            *reader.entry_query(period, windows["F_ECRITUREC"]),
        ]
        started = time.perf_counter()
        fetched = 0
        for sql, params in queries:
            cursor = reader.connection.cursor()
            cursor.execute(sql, *params)
            while rows := cursor.fetchmany(20000):
                fetched += len(rows)
        bare_seconds = time.perf_counter() - started

    full = sync_company(engine, "BENCH", full=True, as_of=today)
    again = sync_company(engine, "BENCH", as_of=today)
    touched = touch_entries(base, 0.01, seed)
    incremental = sync_company(engine, "BENCH", as_of=today)
    full_again = sync_company(engine, "BENCH", full=True, as_of=today)
    engine.dispose()
    tmp.cleanup()
    return {
        "store": engine.dialect.name,
        "customers": summary.customers,
        "customer_entries": summary.customer_entries,
        "source_rows_in_F_ECRITUREC": summary.total_entries,
        "build_seconds": round(build_seconds, 2),
        "bare_fetch": {"rows": fetched, "seconds": round(bare_seconds, 3)},
        "full_sync": full.as_dict()
        | {"ratio_to_bare_fetch": round(full.seconds / bare_seconds, 2)},
        "incremental_no_change": again.as_dict(),
        "rows_touched": touched,
        "incremental_after_1pct": incremental.as_dict()
        | {"share_of_full_sync": round(incremental.seconds / full.seconds, 4)},
        "full_sync_on_full_store": full_again.as_dict(),
        "peak_rss_mb": _peak_rss_mb(),
    }
