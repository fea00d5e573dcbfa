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
    assert [(j.name, j.interval_seconds) for j in jobs] == [
        ("sync", 60),
        ("dispatch", 60),
        ("daily_report", 3600),
        ("alerts", 3600),
    ]


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
