"""`src-dash bench analytics`: time the ledger load and the dashboard against SQL in the store.

Builds a demo Sage base, syncs it into a fresh SQLite store and a scratch PostgreSQL database
(in child processes, so the peak memory reported is the analytics' own), then times:
- cold: loading the ledger frame from the store, and all dashboard figures from nothing;
- warm: all dashboard figures again, from the cached frames (median of several runs);
- SQL: the same figures (totals, aging, by company, top 10 overdue, monthly sales, cash of the
  month, per-customer settlement delays) computed by SQL in SQLite and in PostgreSQL; the SQL
  answers are compared with the Polars ones.
It also measures the score's ROC AUC at a cutoff 3 months before the demo's today against the
behaviour the demo generated each customer with (the behaviour CSV; benchmarks only).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import text
from sqlalchemy.engine import Engine

from src_dash.analytics.dashboard import dashboard
from src_dash.analytics.ledger import clear_cache, get_ledger, load_ledger
from src_dash.analytics.predict.bench import time_models
from src_dash.analytics.reconcile import reconcile
from src_dash.analytics.scoring import roc_auc, score_frame
from src_dash.bench.common import (
    SYNC_SCRIPT,
    BenchRun,
    current_rss_mb,
    ms,
    peak_rss_mb,
    remove_sqlite,
    since,
    timed,
)

PG_SERVER = os.environ.get("SRC_DASH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
AGING_BUCKETS = (
    "days <= 0",
    "days BETWEEN 1 AND 30",
    "days BETWEEN 31 AND 60",
    "days BETWEEN 61 AND 90",
    "days BETWEEN 91 AND 120",
    "days > 120",
)


def _days(dialect: str, later: str, earlier: str) -> str:
    if dialect == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _open_item_queries(dialect: str) -> dict[str, str]:
    """Totals, aging, by company and top 10 overdue, on the open items as of :d."""
    days = _days(dialect, ":d", "coalesce(due_date, posting_date)")
    open_items = (
        f"SELECT customer_id, company_id, residual, {days} AS days FROM entry "
        "WHERE residual != 0 AND posting_date <= :d"
    )
    return {
        "totals": (
            "SELECT sum(residual), "
            "sum(CASE WHEN residual > 0 AND days > 0 THEN residual ELSE 0 END), "
            "sum(CASE WHEN residual > 0 AND days <= 0 THEN residual ELSE 0 END), "
            "sum(CASE WHEN residual < 0 THEN residual ELSE 0 END), count(*), "
            f"count(DISTINCT customer_id) FROM ({open_items}) o"
        ),
        "aging": (
            "SELECT "
            + ", ".join(
                f"sum(CASE WHEN residual > 0 AND {cond} THEN residual ELSE 0 END)"
                for cond in AGING_BUCKETS
            )
            + f" FROM ({open_items}) o"
        ),
        "by_company": (
            "SELECT c.code, sum(o.residual), "
            "sum(CASE WHEN o.residual > 0 AND o.days > 0 THEN o.residual ELSE 0 END) "
            f"FROM ({open_items}) o JOIN company c ON c.id = o.company_id GROUP BY c.code "
            "ORDER BY c.code"
        ),
        "top_overdue": (
            "SELECT cu.number, sum(o.residual) AS overdue "
            f"FROM ({open_items}) o JOIN customer cu ON cu.id = o.customer_id "
            "WHERE o.residual > 0 AND o.days > 0 GROUP BY cu.number "
            "ORDER BY overdue DESC, cu.number LIMIT 10"
        ),
    }


def _flow_queries(dialect: str) -> dict[str, str]:
    """Monthly sales, cash of the month (:m to :d) and settlement delays (:y to :d)."""
    month_of = (
        "to_char(posting_date, 'YYYY-MM')"
        if dialect == "postgresql"
        else "substr(posting_date, 1, 7)"
    )
    greatest = "greatest" if dialect == "postgresql" else "max"
    banks = (
        "SELECT company_id, journal FROM entry WHERE NOT carried_forward "
        "GROUP BY company_id, journal "
        "HAVING sum(CASE WHEN amount < 0 THEN 1 ELSE 0 END) "
        "> sum(CASE WHEN amount > 0 THEN 1 ELSE 0 END)"
    )
    return {
        "monthly_sales": (
            f"SELECT {month_of} AS m, sum(amount) FROM entry e "
            "WHERE NOT carried_forward AND posting_date <= :d "
            f"AND NOT EXISTS (SELECT 1 FROM ({banks}) b "
            "WHERE b.company_id = e.company_id AND b.journal = e.journal) "
            "GROUP BY m ORDER BY m"
        ),
        "cash_month": (
            "SELECT coalesce(-sum(amount), 0) FROM entry e "
            "WHERE NOT carried_forward AND amount < 0 AND posting_date BETWEEN :m AND :d "
            f"AND EXISTS (SELECT 1 FROM ({banks}) b "
            "WHERE b.company_id = e.company_id AND b.journal = e.journal)"
        ),
        "settlement_delays": (
            "WITH g AS (SELECT customer_id, lettering_code, "
            "max(CASE WHEN amount < 0 THEN posting_date END) AS settled_on, "
            "min(CASE WHEN lettered THEN 1 ELSE 0 END) AS all_lettered "
            "FROM entry WHERE lettering_code != '' GROUP BY customer_id, lettering_code) "
            "SELECT e.customer_id, count(*), "
            f"sum(e.amount * {greatest}({_days(dialect, 'g.settled_on', 'e.due_date')}, 0)) "
            "FROM entry e JOIN g ON g.customer_id = e.customer_id "
            "AND g.lettering_code = e.lettering_code "
            "WHERE g.all_lettered = 1 AND e.amount > 0 AND e.due_date IS NOT NULL "
            "AND g.settled_on <= :d AND g.settled_on > :y GROUP BY e.customer_id"
        ),
    }


def sql_figures(engine: Engine, as_of: date) -> dict[str, object]:
    """The dashboard figures computed by SQL in the store, on the stored residuals.

    Valid for `as_of` on or after the newest lettering (the stored state); the Polars ledger
    replays any date.
    """
    dialect = engine.dialect.name
    days = (as_of, as_of.replace(day=1), as_of - timedelta(days=365))
    d, month, year_ago = days if dialect == "postgresql" else (x.isoformat() for x in days)
    queries = _open_item_queries(dialect) | _flow_queries(dialect)
    out: dict[str, object] = {}
    with engine.connect() as conn:
        for name, sql in queries.items():
            rows = conn.execute(text(sql), {"d": d, "m": month, "y": year_ago}).all()
            out[name] = [tuple(r) for r in rows]
    return out


def _compare(sql: dict[str, object], engine: Engine, as_of: date) -> dict[str, bool]:
    """Whether each SQL answer equals the Polars one."""
    figures = dashboard(engine, as_of=as_of)
    k = figures.kpis
    cents = lambda v: int(v * 100)  # noqa: E731
    total = sql["totals"][0]
    checks = {
        "totals": (
            int(total[0] or 0),
            int(total[1] or 0),
            int(total[2] or 0),
            int(total[3] or 0),
            total[4],
            total[5],
        )
        == (
            cents(k.outstanding),
            cents(k.overdue),
            cents(k.not_due),
            cents(k.credits),
            k.open_items,
            k.customers_with_balance,
        ),
        "aging": [int(v or 0) for v in sql["aging"][0]]
        == [cents(v) for _, v in figures.aging[0].buckets],
        "top_overdue": [(n, int(v)) for n, v in sql["top_overdue"]]
        == [(t.number, cents(t.overdue)) for t in figures.top_overdue],
        "cash_month": int(sql["cash_month"][0][0] or 0) == cents(k.cash_collected_month),
    }
    ledger = get_ledger(engine)
    view = ledger.view(as_of)
    delays = (
        view.settled.filter(pl.col("settled_on") > as_of - timedelta(days=365))
        .group_by("customer_id")
        .agg(pl.len(), (pl.col("amount") * pl.col("days_late").clip(lower_bound=0)).sum())
    )
    polars_delays = {r[0]: (r[1], r[2]) for r in delays.iter_rows()}
    sql_delays = {r[0]: (r[1], int(r[2])) for r in sql["settlement_delays"]}
    checks["settlement_delays"] = polars_delays == sql_delays
    return checks


def demo_auc(engine: Engine, behaviour_csv: Path, today: date, horizon_days: int = 91) -> dict:
    """ROC AUC of the score computed at `today - horizon_days` (what was known then).

    Population: customers with at least one invoice falling due in the following
    `horizon_days`. Labels: (1) the behaviour the demo generated the customer with, bad = any
    but "good"; (2) what happened: any of those invoices paid (or still open at `today`)
    more than 5 days late.
    """
    cutoff = today - timedelta(days=horizon_days)
    ledger = get_ledger(engine)
    scores = score_frame(ledger, cutoff)
    with open(behaviour_csv, newline="", encoding="utf-8") as handle:
        behaviour = {row["CT_Num"]: row["behaviour"] for row in csv.DictReader(handle)}
    now = ledger.view(today)
    due = ledger.entries.filter(
        (pl.col("kind") == "invoice")
        & pl.col("due_date").is_between(cutoff, today - timedelta(days=1), closed="right")
    )
    late = (
        due.join(now.settled.select("id", "days_late"), on="id", how="left")
        .join(
            now.open_items.select("id", pl.col("days_overdue").alias("open")), on="id", how="left"
        )
        .group_by("customer_id")
        .agg((pl.coalesce("days_late", "open") > 5).any().alias("late"))
    )
    frame = scores.join(late, on="customer_id", how="inner").with_columns(
        behaviour=pl.col("number").replace_strict(behaviour, default=None)
    )
    frame = frame.filter(pl.col("behaviour").is_not_null())
    values = frame["score"].cast(pl.Float64).to_list()
    bad = (frame["behaviour"] != "good").to_list()
    return {
        "cutoff": cutoff.isoformat(),
        "horizon_days": horizon_days,
        "customers": frame.height,
        "bad_by_behaviour": int(sum(bad)),
        "auc_vs_behaviour": round(roc_auc(values, bad) or 0, 4),
        "late_in_horizon": int(frame["late"].sum()),
        "auc_vs_late_in_horizon": round(roc_auc(values, frame["late"].to_list()) or 0, 4),
    }


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _sync_stores(urls: list[str], base: Path, today: date) -> list[dict]:
    """Sync the base into each store at once, one child process each; their sync figures."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SYNC_SCRIPT, u, str(base), today.isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for u in urls
    ]
    syncs = []
    for child in children:
        out, err = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"sync failed: {err.strip().splitlines()[-1]}")
        syncs.append(json.loads(out.strip().splitlines()[-1]))
    return syncs


def _dashboard_times(engine: Engine, today: date, rss: dict | None = None) -> dict[str, object]:
    """Cold ledger load, cold and warm dashboard, the same figures by SQL (in ms), and whether
    SQL and Polars agree; with `rss`, the resident memory after the load and the warm runs."""
    clear_cache()
    cold_load, ledger = timed(lambda: load_ledger(engine))
    if rss is not None:
        rss["rss_after_cold_load_mb"] = current_rss_mb()
    del ledger
    clear_cache()
    cold_all, _ = timed(lambda: dashboard(engine, as_of=today))
    warm, _ = timed(lambda: dashboard(engine, as_of=today), repeat=7)
    if rss is not None:
        rss["rss_after_warm_dashboard_mb"] = current_rss_mb()
    sql, answers = timed(lambda: sql_figures(engine, today))
    return {
        "cold_load_ledger_ms": ms(cold_load),
        "cold_all_dashboard_figures_ms": ms(cold_all),
        "warm_all_dashboard_figures_ms": ms(warm),
        "sql_same_figures_ms": ms(sql),
        "sql_over_warm_ratio": round(sql / warm, 1),
        "sql_matches_polars": _compare(answers, engine, today),
    }


def _sqlite_figures(url: str, base: Path, today: date, report: dict[str, object]) -> dict:
    """Time the SQLite store into `report`; the resident memory figures, to report last."""
    from src_dash.store.engine import make_engine

    engine = make_engine(url)
    rss = {"rss_before_load_mb": peak_rss_mb()}
    times = _dashboard_times(engine, today, rss)
    ledger = get_ledger(engine)
    frames_mb = sum(
        getattr(ledger, n).estimated_size("mb")
        for n in ("entries", "customers", "contacts", "promises", "disputes")
    )
    reconciled, found = timed(lambda: reconcile(engine, None, today), repeat=5)
    report["reconciliation"] = {
        "warm_all_companies_ms": ms(reconciled),
        "differences": {r.company: str(r.difference) for r in found},
    }
    report["sqlite"] = times
    report["ledger_rows"] = ledger.entries.height
    report["ledger_frames_mb"] = round(frames_mb, 1)
    report["auc"] = demo_auc(engine, base.with_suffix(".behaviour.csv"), today)
    engine.dispose()
    return rss


def bench_analytics(
    entries: int,
    **options: object,
) -> dict[str, object]:
    """Build, sync, then time the analytics against SQL; return the figures as plain data."""
    from src_dash.store.engine import make_engine

    run = BenchRun(entries, **options)
    tmp, base_dir = run.folder("src-dash-bench-analytics-")
    customers = run.demo_customers
    base = base_dir / "BENCH.sqlite"
    build_seconds = run.build_base(base)
    url = run.store_in(base_dir)
    remove_sqlite(url)
    pg_name = f"src_dash_bench_{uuid.uuid4().hex[:8]}"
    pg_url = f"{PG_SERVER}/{pg_name}"
    report: dict[str, object] = {"entries_target": entries, "customers": customers}
    try:
        _pg_admin(f"CREATE DATABASE {pg_name}")
        pg_ok = True
    except Exception as exc:  # the PostgreSQL part is optional
        pg_ok = False
        report["postgresql_error"] = f"{type(exc).__name__}: {exc}"
    try:
        started = time.perf_counter()
        syncs = _sync_stores([url, pg_url] if pg_ok else [url], base, run.today)
        report["build_seconds"] = round(build_seconds, 1)
        report["sync_seconds_both_stores"] = round(since(started), 1)
        report["store_entries"] = syncs[0]["tables"]["entries"]["added"]
        rss = _sqlite_figures(url, base, run.today, report)
        if pg_ok:
            pg_engine = make_engine(pg_url)
            report["postgresql"] = _dashboard_times(pg_engine, run.today)
            pg_engine.dispose()
        report["peak_rss_mb"] = peak_rss_mb()
        report.update(rss)
        # Last, so that the memory figures above are the dashboard's: the pay-date models.
        report["predict"] = time_models(make_engine(url), run.today)
    finally:
        clear_cache()
        if pg_ok:
            _pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        tmp.cleanup()
    return report
