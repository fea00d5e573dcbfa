"""One scheduler for the app's periodic jobs (the sync now; exports and reports later).

The same jobs run from the app (a lifespan task) or from `src-dash scheduler`. A job that fails
is logged and tried again at its next time; it never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from src_dash.config import Settings, load_settings

log = logging.getLogger("src_dash.scheduler")


@dataclass
class Job:
    """A job run every `interval_seconds`, first at `next_run` (monotonic seconds)."""

    name: str
    interval_seconds: float
    run: Callable[[], object]
    next_run: float = 0.0
    runs: int = 0
    failures: int = 0
    last_error: str = ""
    history: list[float] = field(default_factory=list)


def sync_job() -> object:
    """Sync every active Sage company into the store."""
    from src_dash.store.engine import get_engine
    from src_dash.store.migrate import upgrade
    from src_dash.sync import sync_all

    settings = load_settings()
    upgrade(settings.database_url)
    results = sync_all(get_engine(settings.database_url))
    for r in results:
        log.info("sync %s: %s, +%d ~%d -%d", r.company, r.status, r.added, r.changed, r.deleted)
    return results


def export_job(settings: Settings | None = None) -> list[Path]:
    """Write the exports listed in SRC_DASH_EXPORTS under <data dir>/exports (for CRM and BI)."""
    from src_dash.analytics.exports import run_export
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    engine = get_engine(settings.database_url)
    written = []
    for kind, fmt in settings.exports:
        path = settings.data_dir / "exports" / f"{kind}.{fmt}"
        rows = run_export(engine, kind, fmt, path)
        log.info("export %s: %d rows to %s", kind, rows, path)
        written.append(path)
    return written


def delivery_jobs(settings: Settings) -> list[Job]:
    """The dunning delivery's jobs: the dispatcher, the daily cash report, the alerts' scan."""
    from src_dash.dunning.alerts import alerts_job
    from src_dash.dunning.dispatch import dispatch_job
    from src_dash.dunning.report import report_job

    return [
        Job("dispatch", settings.dispatch_interval_seconds, lambda: dispatch_job(settings)),
        Job("daily_report", 3600, lambda: report_job(settings)),
        Job("alerts", 3600, lambda: alerts_job(settings)),
    ]


def default_jobs(settings: Settings | None = None) -> list[Job]:
    """The app's periodic jobs, with their intervals from the settings."""
    settings = settings or load_settings()
    jobs = [Job(name="sync", interval_seconds=settings.sync_interval_seconds, run=sync_job)]
    if settings.dispatch_interval_seconds > 0:
        jobs += delivery_jobs(settings)
    if settings.exports:
        jobs.append(
            Job(
                name="exports",
                interval_seconds=settings.export_interval_seconds,
                run=lambda: export_job(settings),
            )
        )
    return jobs


def run_pending(jobs: list[Job], now: float | None = None) -> list[str]:
    """Run every job that is due at `now`; return the names of those that ran."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in jobs:
        if now < job.next_run:
            continue
        job.next_run = now + job.interval_seconds
        job.runs += 1
        job.history.append(now)
        try:
            job.run()
            job.last_error = ""
        except Exception as exc:  # one failing job must not stop the others
            job.failures += 1
            job.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s failed", job.name)
        ran.append(job.name)
    return ran


def run_forever(
    jobs: list[Job] | None = None, stop: threading.Event | None = None, tick: float = 1.0
) -> None:
    """Run the jobs until `stop` is set (blocking; `src-dash scheduler` uses it)."""
    jobs = default_jobs() if jobs is None else jobs
    stop = stop or threading.Event()
    while not stop.is_set():
        run_pending(jobs)
        stop.wait(tick)


async def run_forever_async(jobs: list[Job] | None = None, tick: float = 1.0) -> None:
    """Run the jobs from an event loop (the app's lifespan), each in a worker thread."""
    jobs = default_jobs() if jobs is None else jobs
    while True:
        await asyncio.to_thread(run_pending, jobs)
        await asyncio.sleep(tick)
