"""The store's write lock on SQLite: writers of several processes wait in turn, readers don't."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from src_dash.store.engine import make_engine
from src_dash.store.locking import BUSY_TIMEOUT_SECONDS

CLI = "import sys; from src_dash.cli import main; sys.exit(main(sys.argv[1:]))"
ROUNDS = 2  # each round: two `sync --full` and a `send` started together

# A writer that reads a counter and writes it back plus one, many times: a lost update or a
# transaction refused as "database is locked" shows in the final count.
INCREMENTS = 150
WRITER = """
import sys, time
from pathlib import Path
from sqlalchemy import text
from src_dash.store.engine import make_engine

engine = make_engine(sys.argv[1])
Path(sys.argv[3]).touch()
while not Path(sys.argv[4]).exists():
    time.sleep(0.01)
for _ in range(int(sys.argv[2])):
    with engine.begin() as conn:
        n = int(conn.execute(text("SELECT value FROM store_meta WHERE key = 'n'")).scalar())
        conn.execute(text("UPDATE store_meta SET value = :v WHERE key = 'n'"), {"v": str(n + 1)})
"""


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "SRC_DASH_IMAP"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}",
        SRC_DASH_DATA_DIR=str(tmp_path),
        SRC_DASH_TODAY="2026-11-22",
    )
    return env


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _counter_store(sqlite_store) -> str:  # noqa: ANN001
    with sqlite_store.begin() as conn:
        conn.execute(text("INSERT INTO store_meta (key, value) VALUES ('n', '0')"))
    return str(sqlite_store.url)


def test_two_syncs_and_a_send_started_together_all_finish(tmp_path):
    env = _child_env(tmp_path)
    built = subprocess.run(
        [sys.executable, "-c", CLI, "demo", "--customers", "30", "--seed", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    store = tmp_path / "store.db"
    make_engine(f"sqlite:///{store}").dispose()  # checkpointed: the file alone is the store
    shutil.copy(store, tmp_path / "built.db")

    sent = []
    for _ in range(ROUNDS):
        for suffix in ("-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "built.db", store)
        procs = [
            _start([sys.executable, "-c", CLI, "sync", "--full"], env),
            _start([sys.executable, "-c", CLI, "sync", "--full"], env),
            _start([sys.executable, "-c", CLI, "send", "--as-of", "2026-11-22"], env),
        ]
        results = [_finish(p) for p in procs]
        for code, out, err in results:
            assert "database is locked" not in out + err
            assert code == 0, err
        for _, out, _ in results[:2]:
            assert [r["status"] for r in json.loads(out)] == ["ok", "ok"]
        run = json.loads(results[2][1])["run"]
        assert run["errors"] == []
        engine = make_engine(f"sqlite:///{store}")
        with engine.connect() as conn:
            messages = conn.execute(text("SELECT count(*) FROM message")).scalar()
        engine.dispose()
        assert messages == run["messages"] > 0
        sent.append(run["messages"])
    # Whichever process got the lock first, the day's dunning is the same.
    assert len(set(sent)) == 1


def test_read_then_write_transactions_of_two_processes_lose_nothing(sqlite_store, tmp_path):
    url = _counter_store(sqlite_store)
    env = _child_env(tmp_path)
    ready = [tmp_path / f"ready{i}" for i in range(2)]
    go = tmp_path / "go"
    procs = [
        _start([sys.executable, "-c", WRITER, url, str(INCREMENTS), str(r), str(go)], env)
        for r in ready
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both start writing together
    for code, out, err in (_finish(p) for p in procs):
        assert "database is locked" not in out + err
        assert code == 0, err
    with sqlite_store.connect() as conn:
        final = conn.execute(text("SELECT value FROM store_meta WHERE key = 'n'")).scalar()
    assert int(final) == 2 * INCREMENTS


def test_a_writer_waits_for_the_writer_ahead_and_reads_what_it_wrote(sqlite_store):
    _counter_store(sqlite_store)
    second = make_engine(str(sqlite_store.url))
    seen: list[str] = []
    with sqlite_store.begin() as conn:
        conn.execute(text("UPDATE store_meta SET value = '1' WHERE key = 'n'"))

        def write_after() -> None:
            with second.begin() as other:
                seen.append(
                    other.execute(text("SELECT value FROM store_meta WHERE key = 'n'")).scalar()
                )

        waiting = threading.Thread(target=write_after)
        waiting.start()
        time.sleep(0.3)
        assert waiting.is_alive() and seen == []  # queued on the lock, not refused
    waiting.join(timeout=BUSY_TIMEOUT_SECONDS)
    second.dispose()
    assert seen == ["1"]


def test_a_reader_does_not_wait_for_a_writer(sqlite_store):
    _counter_store(sqlite_store)
    reader = make_engine(str(sqlite_store.url))
    with sqlite_store.begin() as conn:
        conn.execute(text("UPDATE store_meta SET value = '1' WHERE key = 'n'"))
        started = time.monotonic()
        with reader.connect() as read:
            value = read.execute(text("SELECT value FROM store_meta WHERE key = 'n'")).scalar()
        assert time.monotonic() - started < 1
        assert value == "0"  # the last committed value, beside the open write
    reader.dispose()


def test_a_deferred_read_then_write_is_refused_at_once_which_is_why_writers_begin_immediate(
    sqlite_store,
):
    _counter_store(sqlite_store)
    reader = make_engine(str(sqlite_store.url))
    with sqlite_store.begin() as conn:
        conn.execute(text("UPDATE store_meta SET value = '1' WHERE key = 'n'"))
        with reader.connect() as late:
            late.execute(text("SELECT value FROM store_meta WHERE key = 'n'")).scalar()
            started = time.monotonic()
            with pytest.raises(OperationalError, match="database is locked"):
                late.execute(text("UPDATE store_meta SET value = '2' WHERE key = 'n'"))
            assert time.monotonic() - started < BUSY_TIMEOUT_SECONDS / 2
    reader.dispose()
