"""What every benchmark shares: the demo's today, a work folder, the demo base and store built
(in child processes or in this one), timers and the figures' units."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 22)
CODE, NAME = "BENCH", "Bench SA"

# Sync a demo base into a store (argv: store URL, base, today); prints the sync's figures.
SYNC_SCRIPT = """
import json, sys
from datetime import date
from pathlib import Path
from src_dash.store.engine import make_engine
from src_dash.store.migrate import upgrade
from src_dash.sync import register_company, sync_company
from src_dash.sources.demo import odbc_connection_string
from src_dash.config import load_settings
url, base, today = sys.argv[1], Path(sys.argv[2]), date.fromisoformat(sys.argv[3])
upgrade(url)
engine = make_engine(url)
dsn = odbc_connection_string(base, load_settings().odbc_sqlite_driver)
register_company(engine, "BENCH", "Bench SA", "sage100", dsn)
result = sync_company(engine, "BENCH", full=True, as_of=today)
print(json.dumps(result.as_dict()))
"""

# Build a demo Sage base (argv: path, customers, entries, seed, today).
BUILD_SCRIPT = """
import sys
from datetime import date
from pathlib import Path
from src_dash.sources.demo import DemoCompanySpec, build_demo_base
spec = DemoCompanySpec(code="BENCH", name="Bench SA", customers=int(sys.argv[2]),
                       entries=int(sys.argv[3]), seed=int(sys.argv[4]))
build_demo_base(Path(sys.argv[1]), spec, date.fromisoformat(sys.argv[5]))
"""


def run_child(code: str, *args: str) -> str:
    """Run `code` in a fresh Python; its standard output (its last error line if it failed)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return done.stdout


def work_folder(prefix: str, work_dir: Path | None) -> tuple[tempfile.TemporaryDirectory, Path]:
    """A temporary folder (cleaned by the caller) and the folder to work in: `work_dir` if given."""
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    folder = Path(work_dir or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    return tmp, folder


def customers_for(entries: int, customers: int | None) -> int:
    """The customers asked for, else about one per 20 entries (at least 10)."""
    return customers or max(entries // 20, 10)


@dataclass(frozen=True)
class BenchRun:
    """What every benchmark is given (`src-dash bench`'s options): how many customer entries
    the demo base has, its customers (default: `customers_for`) and seed, the store (default: a
    fresh SQLite file in the work folder), the work folder (default: a temporary one), the day."""

    entries: int
    customers: int | None = None
    seed: int = 42
    store_url: str | None = None
    work_dir: Path | None = None
    today: date = TODAY

    @property
    def demo_customers(self) -> int:
        """The demo base's customers."""
        return customers_for(self.entries, self.customers)

    def folder(self, prefix: str) -> tuple[tempfile.TemporaryDirectory, Path]:
        """The work folder (see `work_folder`)."""
        return work_folder(prefix, self.work_dir)

    def store_in(self, folder: Path) -> str:
        """The store's URL: the one given, else store.db in `folder`."""
        return self.store_url or f"sqlite:///{folder / 'store.db'}"

    def build_base(self, base: Path) -> float:
        """Build the demo base at `base` in a child process; the seconds it took."""
        return build_base_in_child(base, self.demo_customers, self.entries, self.seed, self.today)


def remove_sqlite(url: str) -> None:
    """Delete a SQLite store's file and its journal files (any other URL: nothing)."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def build_base_in_child(base: Path, customers: int, entries: int, seed: int, today: date) -> float:
    """Build the demo Sage base in a child process; the seconds it took."""
    started = time.perf_counter()
    run_child(BUILD_SCRIPT, str(base), str(customers), str(entries), str(seed), today.isoformat())
    return time.perf_counter() - started


def sync_in_child(url: str, base: Path, today: date) -> float:
    """Sync the demo base into the store at `url` in a child process; the seconds it took."""
    started = time.perf_counter()
    run_child(SYNC_SCRIPT, url, str(base), today.isoformat())
    return time.perf_counter() - started


def fresh_store(url: str):  # noqa: ANN201
    """An engine on an emptied, migrated store at `url` (PostgreSQL: its public schema
    dropped; SQLite: its files deleted)."""
    from sqlalchemy import text

    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        remove_sqlite(url)
    upgrade(url)
    return engine


def register_base(engine, base: Path) -> str:  # noqa: ANN001
    """Register the demo base as the bench company; its ODBC connection string."""
    from src_dash.config import load_settings
    from src_dash.sources.demo import odbc_connection_string
    from src_dash.sync import register_company

    dsn = odbc_connection_string(base, load_settings().odbc_sqlite_driver)
    register_company(engine, CODE, NAME, "sage100", dsn)
    return dsn


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """The median seconds of `repeat` calls of `fn`, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


@contextlib.contextmanager
def one_client(run: Any, client: Any, start: threading.Barrier) -> Iterator[None]:
    """Around one bench client's work: an error is kept in `run.error` (reported in the figures)
    and lets the start barrier go, so that the other clients go on; the client is closed."""
    try:
        yield
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(threading.BrokenBarrierError):
            start.abort()
    finally:
        client.close()


def since(started: float) -> float:
    """Seconds since `started` (a `time.perf_counter()`)."""
    return time.perf_counter() - started


def ms(seconds: float) -> float:
    """Seconds as milliseconds, to 0.1."""
    return round(seconds * 1000, 1)


def kb(size: int) -> float:
    """Bytes as KB, to 0.1."""
    return round(size / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`; NaN when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def spread_ms(values: list[float]) -> dict[str, float | int | None]:
    """Count, median, 95th percentile and worst of `values` (seconds), in ms."""
    if not values:
        return {"count": 0, "p50": None, "p95": None, "max": None}
    return {
        "count": len(values),
        "p50": ms(statistics.median(values)),
        "p95": ms(percentile(values, 95)),
        "max": ms(max(values)),
    }


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mb() -> float | None:
    """Resident memory now (Linux), in MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, to 0.1."""
    return [round(x, 1) for x in os.getloadavg()]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, what: str, timeout: float = 15.0) -> None:
    """Wait until something listens on `port` (127.0.0.1); else raise, naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start on port {port}")
