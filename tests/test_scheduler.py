"""The scheduler runs due jobs at their interval; a failing job does not stop the others."""

from __future__ import annotations

import threading

from src_dash.config import load_settings
from src_dash.scheduler import Job, default_jobs, run_forever, run_pending


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
    assert [(j.name, j.interval_seconds) for j in jobs] == [("sync", 60)]


def test_run_forever_stops_when_asked():
    stop = threading.Event()
    ran = threading.Event()
    jobs = [Job("tick", 0.01, ran.set)]
    thread = threading.Thread(target=run_forever, args=(jobs, stop, 0.01))
    thread.start()
    assert ran.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
