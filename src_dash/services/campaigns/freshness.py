"""How fresh the data of a run's companies is: each company's last sync, and syncing the Sage
companies older than the sync interval before a run is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.services.campaigns.model import DataFreshness
from src_dash.store import Company, Customer, Message


def _last_syncs(conn: Connection, company_ids: Iterable[int]) -> dict[int, tuple]:
    """Per company: (code, source kind, start of its last successful run or None)."""
    from src_dash.store import SyncRun

    k, r = Company.__table__, SyncRun.__table__
    ids = sorted(set(company_ids))
    rows = conn.execute(
        select(k.c.id, k.c.code, k.c.source_kind, func.max(r.c.started_at))
        .select_from(k.outerjoin(r, (r.c.company_id == k.c.id) & (r.c.status == "ok")))
        .where(k.c.id.in_(ids))
        .group_by(k.c.id, k.c.code, k.c.source_kind)
    ).all()
    return {cid: (code, kind, _utc(at)) for cid, code, kind, at in rows}


def _utc(at: datetime | None) -> datetime | None:
    from datetime import UTC

    if at is not None and at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


def _run_companies(conn: Connection, run: str) -> set[int]:
    m, c = Message.__table__, Customer.__table__
    return set(
        conn.execute(
            select(c.c.company_id)
            .distinct()
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.run == run)
        ).scalars()
    )


def _interval(engine: Engine) -> int:
    from src_dash.store.schedule import stored_sync_schedule

    return int(stored_sync_schedule(engine).interval_seconds)


def data_freshness(
    engine: Engine, company_ids: Iterable[int], now: datetime | None = None
) -> DataFreshness:
    """How old the companies' data is, against the sync interval (see `DataFreshness`)."""
    from datetime import timedelta

    now = now or utcnow()
    with engine.connect() as conn:
        last = _last_syncs(conn, company_ids)
    if not last:
        return DataFreshness(None, False)
    limit = timedelta(seconds=_interval(engine))
    times = [at for _, _, at in last.values()]
    stale = any(at is None or now - at > limit for at in times)
    oldest = None if any(at is None for at in times) else min(times)
    return DataFreshness(oldest, stale)


def ensure_fresh_data(
    engine: Engine, company_ids: Iterable[int], now: datetime | None = None
) -> DataFreshness:
    """Sync first the Sage companies whose last successful sync is older than the sync
    interval (incremental; a FEC company cannot be: its data stays as imported).

    Returns:
        How old the data is after that, and which companies were synced.
    """
    from datetime import timedelta

    from src_dash.services.reconcile import record_after_runs
    from src_dash.sync import sync_company

    now = now or utcnow()
    ids = set(company_ids)
    with engine.connect() as conn:
        last = _last_syncs(conn, ids)
    limit = timedelta(seconds=_interval(engine))
    synced, failed, results = [], [], []
    for _cid, (code, kind, at) in sorted(last.items()):
        if kind != "sage100" or (at is not None and now - at <= limit):
            continue
        result = sync_company(engine, code)
        results.append(result)
        if result.status == "ok":
            synced.append(code)
        else:
            failed.append(f"{code}: {result.error}")
    if results:
        record_after_runs(engine, results)
    found = data_freshness(engine, ids)
    return replace(found, synced=tuple(synced), failed=tuple(failed))
