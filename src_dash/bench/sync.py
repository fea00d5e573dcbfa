"""`src-dash bench sync`: a bare pyodbc fetch, a full sync and incremental syncs of a demo base."""

from __future__ import annotations

import time

from src_dash.bench.common import (
    CODE,
    NAME,
    BenchRun,
    fresh_store,
    peak_rss_mb,
    register_base,
    since,
)


def bare_fetch(dsn: str) -> tuple[int, float]:
    """Fetch the rows a full sync reads with bare pyodbc and nothing else: (rows, seconds)."""
    from src_dash.sources.sage100 import Sage100Reader, Window
    from src_dash.sync import open_period

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
        return fetched, since(started)


def bench_sync(
    entries: int,
    **options: object,
) -> dict[str, object]:
    """Time a bare pyodbc fetch, a full sync and an incremental sync after 1% of rows changed.

    Builds one demo Sage base of `entries` customer entries (about one customer per 20 entries
    unless `customers` is given) and syncs it into a fresh store.
    """
    from src_dash.sources.demo import DemoCompanySpec, build_demo_base, touch_entries
    from src_dash.sync import sync_company

    run = BenchRun(entries, **options)
    tmp, base_dir = run.folder("src-dash-bench-")
    customers = run.demo_customers
    spec = DemoCompanySpec(CODE, NAME, customers, entries, run.seed)
    base = base_dir / "BENCH.sqlite"
    started = time.perf_counter()
    summary = build_demo_base(base, spec, run.today)
    build_seconds = since(started)
    engine = fresh_store(run.store_in(base_dir))
    dsn = register_base(engine, base)
    fetched, bare_seconds = bare_fetch(dsn)

    full = sync_company(engine, CODE, full=True, as_of=run.today)
    again = sync_company(engine, CODE, as_of=run.today)
    touched = touch_entries(base, 0.01, run.seed)
    incremental = sync_company(engine, CODE, as_of=run.today)
    full_again = sync_company(engine, CODE, full=True, as_of=run.today)
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
        "peak_rss_mb": peak_rss_mb(),
    }
