"""Exactly one scheduler among several processes (issue 14, item 7): the lock of `store.leader`
on PostgreSQL (a session advisory lock) and on SQLite (a file lock), its takeover when the
holder's session or process dies, and the scheduler's loop in two processes: the jobs run in one
only, never in two at once, and the other takes over within a bounded time when the holder is
killed with SIGKILL in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from process_helpers import real_clock_env

from src_dash.store.leader import LeaderLock, _pg_conninfo, holder, identity

TAKEOVER_BOUND = 5.0  # seconds: a tick (0.05 s here) plus a busy machine's margin

# The scheduler's loop with one job that notes its start and end (pid, time) in a shared file.
CHILD = """
import os, sys, time
from src_dash.scheduler import Job, run_forever
from src_dash.store.leader import LeaderLock
url, out = sys.argv[1], sys.argv[2]
def note(what):
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, f"{os.getpid()} {what} {time.time()}\\n".encode())
    os.close(fd)
def probe():
    note("start")
    time.sleep(0.3)  # a job that takes a while: the holder is killed in the middle of one
    note("end")
print("ready", flush=True)
run_forever([Job("probe", 0.05, probe)], tick=0.05, lock=LeaderLock(url))
"""


def wait_for(condition, timeout: float = 30.0, step: float = 0.02):  # noqa: ANN001, ANN201
    """Poll `condition` until it gives something true; that value (fails after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {timeout} s")


def test_one_holder_at_a_time_and_release(store_url: str) -> None:
    first, second = LeaderLock(store_url), LeaderLock(store_url)
    try:
        assert first.hold() is True
        assert first.hold() is True  # still ours at the next tick
        assert second.hold() is False
        assert holder(store_url) == identity()
        first.release()
        assert second.hold() is True
        assert first.hold() is False
    finally:
        first.release()
        second.release()
    assert holder(store_url) is None


def test_dispatcher_and_scheduler_locks_are_apart(store_url: str) -> None:
    from src_dash.dunning.dispatch import dispatcher_lock
    from src_dash.store.engine import make_engine

    lock = LeaderLock(store_url)
    engine = make_engine(store_url)
    try:
        assert lock.hold()
        with dispatcher_lock(engine) as got:
            assert got  # the scheduler's holder can still take the dispatcher's lock
    finally:
        lock.release()
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_pg_holder_whose_session_ends_loses_the_lock(store_url: str) -> None:
    first, second = LeaderLock(store_url), LeaderLock(store_url)
    try:
        assert first.hold() and not second.hold()
        pid = first._conn.info.backend_pid
        with psycopg.connect(_pg_conninfo(store_url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        # The other takes it at its next tick; the old holder sees its session gone and stops.
        assert wait_for(second.hold, timeout=TAKEOVER_BOUND)
        assert first.hold() is False
        assert first.held is False
    finally:
        first.release()
        second.release()


def _runs(out: Path) -> list[tuple[int, str, float]]:
    if not out.exists():
        return []
    rows = []
    for line in out.read_text().splitlines():
        pid, what, at = line.split()
        rows.append((int(pid), what, float(at)))
    return rows


def _start(url: str, out: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=real_clock_env(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def test_two_schedulers_run_the_jobs_once_and_take_over(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "runs.txt"
    children = [_start(store_url, out), _start(store_url, out)]
    try:
        first = wait_for(lambda: _runs(out) and _runs(out)[0][0])
        assert holder(store_url).endswith(f":{first}")
        # Kill the holder in the middle of a job (a start not yet ended).
        started = wait_for(
            lambda: len(_runs(out)) > 2 and _runs(out)[-1][1] == "start" and _runs(out)[-1][2]
        )
        os.kill(first, signal.SIGKILL)  # after `started`, the children's clock
        dead = next(c for c in children if c.pid == first)
        dead.wait(10)
        other = next(c for c in children if c.pid != first)
        took_over = wait_for(
            lambda: next((at for pid, w, at in _runs(out) if pid == other.pid), None)
        )
        assert took_over - started <= TAKEOVER_BOUND  # killed after `started`: stricter
        assert holder(store_url).endswith(f":{other.pid}")
        wait_for(lambda: sum(pid == other.pid and w == "end" for pid, w, _ in _runs(out)) >= 2)
        # A third process started now waits: the jobs stay with the holder.
        third = _start(store_url, out)
        children.append(third)
        wait_for(lambda: sum(pid == other.pid and w == "end" for pid, w, _ in _runs(out)) >= 4)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait(10)
    runs = _runs(out)
    pids = {pid for pid, _, _ in runs}
    assert pids == {first, other.pid}  # the third never ran a job
    # Never two jobs at once: the runs of the first all end before the other's first start,
    # and each process ran its jobs one after the other (start, end, start, end...).
    first_runs = [r for r in runs if r[0] == first]
    assert first_runs[-1][1] == "start" and first_runs[-1][2] == started  # killed mid-job
    assert max(at for _, _, at in first_runs) < took_over
    for pid in pids:
        kinds = [w for p, w, _ in runs if p == pid]
        assert all(k == ("start" if i % 2 == 0 else "end") for i, k in enumerate(kinds))
