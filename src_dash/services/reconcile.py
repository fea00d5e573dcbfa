"""Reconciliation after each run: recorded with the run, an alert when the books differ.

The figures themselves are computed by `analytics.reconcile` (app, books and source balances,
per company and customer); this module keeps them with the run of the sync or of a FEC import,
and raises the company's alert when the difference is not zero (resolved by the next run that
finds none).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.analytics.reconcile import Reconciliation, reconcile, reconcile_company
from src_dash.dunning.alerts import RECONCILIATION_GAP, raise_alert, resolve_key
from src_dash.store import Company, SyncRun

__all__ = [
    "Reconciliation",
    "last_reconciliations",
    "reconcile",
    "record_after_runs",
    "record_reconciliation",
]


def record_reconciliation(engine: Engine, run_id: int, code: str) -> Reconciliation:
    """Reconcile a company after a run, keep it in the run's details, and raise (or resolve) the
    company's reconciliation alert."""
    found = reconcile_company(engine, code)
    runs = SyncRun.__table__
    key = f"{RECONCILIATION_GAP}:{code}"
    with engine.begin() as conn:
        details = conn.execute(select(runs.c.details).where(runs.c.id == run_id)).scalar() or {}
        details = dict(details) | {"reconciliation": found.as_dict()}
        conn.execute(update(runs).where(runs.c.id == run_id).values(details=details))
        resolve_key(conn, key)  # a clean run closes it; a new gap replaces the last one's text
        if not found.ok:
            raise_alert(
                conn,
                RECONCILIATION_GAP,
                key,
                f"company {code}: the outstanding differs from the books by "
                f"{found.difference} on {found.customers_differing} customer(s)",
            )
    return found


def last_reconciliations(engine: Engine) -> dict[str, dict]:
    """Per company code, the reconciliation recorded with its last successful run."""
    runs, co = SyncRun.__table__, Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(co.c.code, runs.c.details)
            .join(runs, runs.c.company_id == co.c.id)
            .where(runs.c.status == "ok")
            .order_by(co.c.code, runs.c.id.desc())
        ).all()
    found: dict[str, dict] = {}
    for code, details in rows:
        if code not in found and (details or {}).get("reconciliation"):
            found[code] = details["reconciliation"]
    return found


def record_after_runs(engine: Engine, results: list) -> dict[str, Reconciliation]:
    """Record the reconciliation of each successful run (sync results: `company`, `run_id`,
    `status`); a failed run wrote nothing, so there is nothing new to reconcile."""
    return {
        r.company: record_reconciliation(engine, r.run_id, r.company)
        for r in results
        if r.status == "ok"
    }
