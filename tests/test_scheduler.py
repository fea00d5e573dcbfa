"""The scheduler runs due jobs at their interval; a failing job does not stop the others; the sync
follows the schedule an admin saves in the settings (on or off, its interval) without a restart."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from src_dash.config import load_settings
from src_dash.scheduler import Job, StoredSchedule, default_jobs, run_forever, run_pending


def test_due_jobs_run_at_their_interval():
    calls: list[str] = []
    jobs = [
        Job("a", 10, lambda: calls.append("a")),
        Job("b", 30, lambda: calls.append("b")),
    ]
    assert run_pending(jobs, now=0) == ["a", "b"]
    assert run_pending(jobs, now=5) == []
    assert run_pending(jobs, now=10) == ["a"]
    assert run_pending(jobs, now=30) == ["a", "b"]
    assert calls == ["a", "b", "a", "a", "b"]


def test_a_failing_job_is_recorded_and_the_others_still_run():
    calls: list[str] = []

    def boom() -> None:
        raise RuntimeError("Sage base unreachable")

    jobs = [Job("sync", 10, boom), Job("export", 10, lambda: calls.append("export"))]
    assert run_pending(jobs, now=0) == ["sync", "export"]
    assert jobs[0].failures == 1 and "unreachable" in jobs[0].last_error
    assert calls == ["export"]
    run_pending(jobs, now=10)
    assert jobs[0].runs == 2 and calls == ["export", "export"]


def test_the_sync_job_is_scheduled_at_the_configured_interval():
    settings = load_settings({"SRC_DASH_SYNC_INTERVAL": "60"})
    jobs = default_jobs(settings)
    assert [(j.name, j.interval_seconds) for j in jobs] == [
        ("sync", 60),
        ("dispatch", 60),
        ("daily_report", 3600),
        ("alerts", 3600),
        ("retention", 86400),
    ]


def test_run_forever_stops_when_asked():
    stop = threading.Event()
    ran = threading.Event()
    jobs = [Job("tick", 0.01, ran.set)]
    thread = threading.Thread(target=run_forever, args=(jobs, stop, 0.01, None))
    thread.start()
    assert ran.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def test_exports_are_scheduled_when_configured_and_write_their_files(tmp_path, demo_base):
    from sage_helpers import TODAY, register, sage_source_truth

    from src_dash.scheduler import export_job
    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade
    from src_dash.sync import sync_company

    env = {
        "SRC_DASH_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "SRC_DASH_EXPORTS": "customers:csv, owed:xlsx",
        "SRC_DASH_EXPORT_INTERVAL": "3600",
    }
    settings = load_settings(env)
    assert settings.exports == (("customers", "csv"), ("owed", "xlsx"))
    assert [(j.name, j.interval_seconds) for j in default_jobs(settings)] == [
        ("sync", 900),
        ("dispatch", 60),
        ("daily_report", 3600),
        ("alerts", 3600),
        ("retention", 86400),
        ("exports", 3600),
    ]
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    register(engine, demo_base)
    assert sync_company(engine, "DEMO1", full=True, as_of=TODAY).status == "ok"
    written = export_job(settings)
    assert written == [tmp_path / "exports" / "customers.csv", tmp_path / "exports" / "owed.xlsx"]
    lines = written[0].read_text().splitlines()
    assert lines[0].split(",")[:3] == ["customer_id", "company", "number"]
    assert len(lines) - 1 == len(sage_source_truth(demo_base)["customers"])
    assert written[1].read_bytes()[:2] == b"PK"  # an xlsx is a zip
    engine.dispose()


def test_a_new_interval_moves_the_next_run_from_the_last_one():
    calls: list[float] = []
    interval: list[float | None] = [600]
    job = Job("sync", 600, lambda: calls.append(1), schedule=lambda now: interval[0])
    assert run_pending([job], now=0) == ["sync"]
    assert run_pending([job], now=100) == []
    interval[0] = 120  # shorter: brought forward to last run + 120
    assert run_pending([job], now=119) == []
    assert job.next_run == 120
    assert run_pending([job], now=120) == ["sync"]
    interval[0] = 600  # longer: pushed back to last run + 600
    assert run_pending([job], now=240) == []
    assert run_pending([job], now=719) == []
    assert run_pending([job], now=720) == ["sync"]
    interval[0] = 60  # last run + 60 is long past: it runs at once
    assert run_pending([job], now=1000) == ["sync"]
    assert run_pending([job], now=1059) == []
    assert run_pending([job], now=1060) == ["sync"]
    assert job.history == [0, 120, 720, 1000, 1060] and len(calls) == 5


def test_a_job_switched_off_does_not_run_until_switched_on_again():
    interval: list[float | None] = [60]
    job = Job("sync", 60, lambda: None, schedule=lambda now: interval[0])
    others = Job("dispatch", 60, lambda: None)
    assert run_pending([job, others], now=0) == ["sync", "dispatch"]
    interval[0] = None
    for now in (60, 600, 6000):
        assert run_pending([job, others], now=now) == ["dispatch"]
    assert not job.enabled and job.runs == 1
    interval[0] = 60  # on again: overdue since long, so it runs now
    assert run_pending([job, others], now=6001) == ["sync"]
    assert run_pending([job, others], now=6061) == ["sync", "dispatch"]


def test_a_broken_schedule_keeps_the_job_as_it_was():
    def broken(now: float) -> float:
        raise RuntimeError("store down")

    job = Job("sync", 10, lambda: None, schedule=broken)
    assert run_pending([job], now=0) == ["sync"]
    assert run_pending([job], now=10) == ["sync"]
    assert job.interval_seconds == 10


def test_the_stored_schedule_is_read_at_most_once_per_ttl_and_survives_a_failure():
    reads: list[int] = []
    answers: list[tuple[bool, float] | Exception] = [(True, 300.0)]

    def read() -> tuple[bool, float]:
        reads.append(1)
        answer = answers[-1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    settings = load_settings({"SRC_DASH_SYNC_INTERVAL": "900"})
    schedule = StoredSchedule(settings, ttl=5, read=read)
    assert [schedule(t) for t in (0, 1, 2, 3, 4.9)] == [300.0] * 5
    assert len(reads) == 1
    answers.append((False, 300.0))
    assert schedule(5) is None and len(reads) == 2
    answers.append(RuntimeError("no such table: store_meta"))
    assert schedule(10) is None and len(reads) == 3  # the last known answer
    answers.append((True, 600.0))
    assert schedule(12) is None and len(reads) == 3
    assert schedule(15) == 600.0 and len(reads) == 4


def test_the_sync_job_follows_what_the_admin_saves_without_a_restart(store: Engine, store_url: str):
    from src_dash.access import viewer
    from src_dash.services.auth import create_user
    from src_dash.services.sync_schedule import set_sync_schedule

    admin = viewer(store, create_user(store, "chef", "mot-de-passe-long", "admin", name="Chef"))
    settings = load_settings({"DATABASE_URL": store_url, "SRC_DASH_SYNC_INTERVAL": "900"})
    [job] = [j for j in default_jobs(settings) if j.name == "sync"]
    assert isinstance(job.schedule, StoredSchedule)
    job.schedule = StoredSchedule(settings, engine=store)  # the test's engine, closed after
    runs: list[float] = []
    job.run = lambda: runs.append(1)

    assert run_pending([job], now=0) == ["sync"]  # nothing saved: every 900 s
    assert job.interval_seconds == 900
    set_sync_schedule(store, admin, 5, True)
    assert run_pending([job], now=4) == []  # read at 0: trusted for 5 s
    assert job.interval_seconds == 900
    assert run_pending([job], now=5) == []  # read again: every 300 s, from the run at 0
    assert (job.interval_seconds, job.next_run) == (300, 300)
    assert run_pending([job], now=300) == ["sync"]

    set_sync_schedule(store, admin, 5, False)
    assert [run_pending([job], now=t) for t in (310, 600, 900, 3600)] == [[], [], [], []]
    set_sync_schedule(store, admin, 60, True)  # on again: an hour from the last run
    assert run_pending([job], now=3610) == []
    assert (job.interval_seconds, job.next_run) == (3600, 3900)
    assert run_pending([job], now=3900) == ["sync"]
    assert len(runs) == 3
