"""One scheduler for the app's periodic jobs (the sync now; exports and reports later).

The same jobs run from the app (a lifespan task) or from `src-dash scheduler`. A job that fails
is logged and tried again at its next time; it never stops the others. With several backend
workers or machines, each runs the loop but only the holder of the scheduler's lock runs the jobs
(`store.leader`: a PostgreSQL advisory lock, a file lock on SQLite); another takes over within a
tick or two when it dies, and runs every job once at once (each job is safe to run again: the
dispatcher has its own lock and resolves what a killed pass left, the daily report is sent once a
day, the others only bring the store up to date).

A job may follow a schedule kept in the store (the sync: on or off and its interval, set by an
admin in the settings): it is read at most every few seconds, and a new interval moves the next
run at once, measured from the last run, without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from src_dash.config import Settings, load_settings
from src_dash.store.leader import LeaderLock

log = logging.getLogger("src_dash.scheduler")
SCHEDULE_TTL = 5.0  # seconds a schedule read from the store is trusted before it is read again


@dataclass
class Job:
    """A job run every `interval_seconds`, first at `next_run` (monotonic seconds).

    With a `schedule`, the job asks it for its interval at each tick (given the time): None means
    the job is off and does not run; another interval replaces `interval_seconds` and moves
    `next_run` to `last_run` + the new interval.
    """

    name: str
    interval_seconds: float
    run: Callable[[], object]
    next_run: float = 0.0
    runs: int = 0
    failures: int = 0
    last_error: str = ""
    history: list[float] = field(default_factory=list)
    schedule: Callable[[float], float | None] | None = None
    enabled: bool = True
    last_run: float | None = None


class StoredSchedule:
    """The sync's interval as an admin set it in the settings (None when off), read from the
    store at most once every `ttl` seconds; the environment's interval until one is saved.

    A store that cannot be read (not migrated yet, down) keeps the last known answer.
    """

    def __init__(
        self,
        settings: Settings,
        ttl: float = SCHEDULE_TTL,
        engine: Engine | None = None,
        read: Callable[[], tuple[bool, float]] | None = None,
    ) -> None:
        """Read the store `engine` (default: the one of `settings`), or call `read`, which gives
        (on, seconds)."""
        self.settings = settings
        self.ttl = ttl
        self.engine = engine
        self._read = read or self._read_store
        self._value: float | None = float(settings.sync_interval_seconds)
        self._read_at: float | None = None

    def _read_store(self) -> tuple[bool, float]:
        from src_dash.store.engine import get_engine
        from src_dash.store.schedule import stored_sync_schedule

        engine = self.engine or get_engine(self.settings.database_url)
        found = stored_sync_schedule(engine, self.settings.sync_interval_seconds)
        return found.enabled, float(found.interval_seconds)

    def __call__(self, now: float) -> float | None:
        """The interval in seconds at `now` (monotonic), or None when the sync is off."""
        if self._read_at is not None and 0 <= now - self._read_at < self.ttl:
            return self._value
        self._read_at = now
        try:
            enabled, seconds = self._read()
        except Exception as exc:  # noqa: BLE001  (keep running on the last known schedule)
            log.warning("sync schedule not read (%s); keeping the last one", exc)
            return self._value
        self._value = seconds if enabled else None
        return self._value


def sync_job() -> object:
    """Sync every active Sage company into the store."""
    from src_dash.services.reconcile import record_after_runs
    from src_dash.store.engine import get_engine
    from src_dash.store.migrate import upgrade
    from src_dash.store.schedule import mark_automatic_sync
    from src_dash.sync import sync_all

    settings = load_settings()
    upgrade(settings.database_url)
    engine = get_engine(settings.database_url)
    mark_automatic_sync(engine)
    results = sync_all(engine)
    record_after_runs(engine, results)
    for r in results:
        log.info("sync %s: %s, +%d ~%d -%d", r.company, r.status, r.added, r.changed, r.deleted)
    # New or changed entries may be new settlements: train the pay-date models now (pages never
    # train: they use the rules until the models are there). Cached per version of the entries
    # and day, so this costs nothing when nothing changed. A failure must not fail the sync.
    if settings.train_models:
        try:
            from src_dash.services.predictions import retrain

            log.info("pay-date models retrained: %s", retrain(engine))
        except Exception:  # noqa: BLE001
            log.exception("pay-date models not retrained")
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


def backup_job(settings: Settings | None = None) -> Path | None:
    """Back the store up into SRC_DASH_BACKUP_DIR, keeping the SRC_DASH_BACKUP_KEEP newest."""
    from src_dash.store.backup import scheduled_backup

    settings = settings or load_settings()
    if settings.backup_dir is None:
        return None
    result = scheduled_backup(settings.database_url, settings.backup_dir, settings.backup_keep)
    log.info("backup: %d bytes to %s", result.size_bytes, result.path)
    return result.path


def retention_job(settings: Settings | None = None) -> dict:
    """Apply the RGPD retention periods (`SRC_DASH_RETENTION_*`, see docs/rgpd.md)."""
    from src_dash.services.customer_space.uploads import attachments_dir
    from src_dash.services.privacy.retention import apply_retention
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    engine = get_engine(settings.database_url)
    result = apply_retention(engine, attachments_dir=attachments_dir(settings.data_dir))
    log.info("retention: %s", result["counts"])
    return result


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


def inbox_jobs(settings: Settings) -> list[Job]:
    """The collection mailbox's pass (replies and bounces), when SRC_DASH_IMAP_HOST is set."""
    from src_dash.dunning.inbox import ImapConfig, inbox_interval, inbox_job

    if ImapConfig.from_env() is None:
        return []
    return [Job("inbox", inbox_interval(), lambda: inbox_job(settings))]


def default_jobs(settings: Settings | None = None) -> list[Job]:
    """The app's periodic jobs, with their intervals from the settings (the sync's then follows
    the schedule saved in the store)."""
    settings = settings or load_settings()
    jobs = [
        Job(
            name="sync",
            interval_seconds=settings.sync_interval_seconds,
            run=sync_job,
            schedule=StoredSchedule(settings),
        )
    ]
    if settings.dispatch_interval_seconds > 0:
        jobs += delivery_jobs(settings)
    jobs += inbox_jobs(settings)
    if settings.backup_dir is not None and settings.backup_interval_seconds > 0:
        jobs.append(Job("backup", settings.backup_interval_seconds, lambda: backup_job(settings)))
    jobs.append(Job("retention", 86400, lambda: retention_job(settings)))
    if settings.exports:
        jobs.append(
            Job(
                name="exports",
                interval_seconds=settings.export_interval_seconds,
                run=lambda: export_job(settings),
            )
        )
    return jobs


def _follow_schedule(job: Job, now: float) -> None:
    """Turn the job on or off and move its next run when its schedule changed."""
    try:
        interval = job.schedule(now)
    except Exception:  # a broken schedule keeps the job as it was
        log.exception("schedule of job %s failed", job.name)
        return
    job.enabled = interval is not None
    if interval is None or interval == job.interval_seconds:
        return
    log.info("job %s: every %ss from now on", job.name, interval)
    job.interval_seconds = interval
    if job.last_run is not None:
        job.next_run = job.last_run + interval


def run_pending(jobs: list[Job], now: float | None = None) -> list[str]:
    """Run every job that is due at `now`; return the names of those that ran.

    Jobs with a schedule follow it first: off, they are skipped; a new interval moves their
    next run to their last run plus the new interval (a run now, when that is already past).
    """
    now = time.monotonic() if now is None else now
    ran = []
    for job in jobs:
        if job.schedule is not None:
            _follow_schedule(job, now)
        if not job.enabled or now < job.next_run:
            continue
        job.next_run = now + job.interval_seconds
        job.last_run = now
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


def scheduler_lock(settings: Settings | None = None) -> LeaderLock:
    """The lock that elects the one process running the jobs among every worker and machine on
    the store (see `store.leader`)."""
    from src_dash.store.leader import LeaderLock

    settings = settings or load_settings()
    return LeaderLock(settings.database_url)


def run_if_holder(jobs: list[Job], lock: LeaderLock | None) -> list[str]:
    """Run the due jobs when this process holds the scheduler's lock (or runs without one)."""
    if lock is not None and not lock.hold():
        return []
    return run_pending(jobs)


def run_forever(
    jobs: list[Job] | None = None,
    stop: threading.Event | None = None,
    tick: float = 1.0,
    lock: LeaderLock | None | str = "store",
) -> None:
    """Run the jobs until `stop` is set (blocking; `src-dash scheduler` uses it), only while this
    process holds the scheduler's lock ("store": the store's; None: no lock)."""
    jobs = default_jobs() if jobs is None else jobs
    lock = scheduler_lock() if lock == "store" else lock
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            run_if_holder(jobs, lock)
            stop.wait(tick)
    finally:
        if lock is not None:
            lock.release()


async def run_forever_async(
    jobs: list[Job] | None = None, tick: float = 1.0, lock: LeaderLock | None | str = "store"
) -> None:
    """Run the jobs from an event loop (the app's lifespan), each in a worker thread, only while
    this worker holds the scheduler's lock: one worker among all runs them."""
    jobs = default_jobs() if jobs is None else jobs
    lock = scheduler_lock() if lock == "store" else lock
    try:
        while True:
            await asyncio.to_thread(run_if_holder, jobs, lock)
            await asyncio.sleep(tick)
    finally:
        if lock is not None:
            await asyncio.to_thread(lock.release)
