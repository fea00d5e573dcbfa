"""Past one machine (issue 14, item 7): two backends of the app on one PostgreSQL store and one
Redis, both started here, as two machines behind a proxy would run them (deploy/).

Each backend is `reflex run --env prod` alone (REFLEX_BACKEND_ONLY=1), its scheduler on. The test
checks that exactly one of them runs the jobs (the scheduler's lock), that when the holder is
killed with SIGKILL in the middle of a dispatch (the SMTP server has just taken a message and the
sender never hears the 250) the other takes the jobs over and every email reaches the server
exactly once, and that a client signed in on the killed backend finds its state (the dashboard's
filter it chose) on the backend started again in its place: the state lives in Redis.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from process_helpers import real_clock_env
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dunning"))
from smtp_helpers import SmtpServer, free_port, make_ledger, proposal  # noqa: E402

from src_dash.bench.app import Client, state_names  # noqa: E402
from src_dash.dunning.mailsink import SinkHandler  # noqa: E402
from src_dash.dunning.runs import create_run  # noqa: E402
from src_dash.services.auth import seed_demo_users  # noqa: E402
from src_dash.store import Message  # noqa: E402
from src_dash.store.engine import make_engine  # noqa: E402
from src_dash.store.leader import holder  # noqa: E402
from src_dash.store.migrate import upgrade  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

APP_ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("SRC_DASH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
MESSAGES = 12
KILL_AT = 4  # the holder dies when the server has taken this many messages
START_TIMEOUT = 300.0


def wait_for(condition, timeout: float = 60.0, step: float = 0.05):  # noqa: ANN001, ANN201
    """Poll `condition` until it gives something true; that value (fails after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {timeout} s")


def answers(port: int) -> bool:
    with (
        contextlib.suppress(OSError),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as answer,
    ):
        return answer.status == 200
    return False


class Backend:
    """One backend process group (`reflex run --env prod`, backend only) on its own port."""

    def __init__(self, name: str, env: dict[str, str], work: Path) -> None:
        self.name, self.env, self.work = name, env, work
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**self.env, "REFLEX_STATES_WORKDIR": str(self.work / f"states-{self.name}")}
        log = (self.work / f"{self.name}.log").open("a")
        self.process = subprocess.Popen(
            [shutil.which("reflex", path=env["PATH"]) or "reflex", "run", "--env", "prod"]
            + ["--backend-port", str(self.port), "--loglevel", "info"],
            cwd=APP_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_up(self) -> None:
        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log()
            return answers(self.port)

        wait_for(up, timeout=START_TIMEOUT, step=0.2)

    def pids(self) -> set[int]:
        """The process group's processes (the supervisor and its workers)."""
        if self.process is None:
            return set()
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ProcessLookupError):
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        found.add(int(entry.name))
        return found

    def log(self) -> str:
        return (self.work / f"{self.name}.log").read_text()[-3000:]

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A fresh PostgreSQL store with a small ledger and the demo users, a Redis server, an SMTP
    server that keeps what it takes in a sink folder, and two backends A and B, both up."""
    work = tmp_path_factory.mktemp("two-workers")
    name = f"src_dash_w_{uuid.uuid4().hex[:10]}"
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    url = f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
        env=real_clock_env(),
    )
    server, backends = SmtpServer(), []
    try:
        upgrade(url)
        engine = make_engine(url)
        ids = make_ledger(engine, MESSAGES)
        seed_demo_users(engine)
        server.start()
        tools = APP_ROOT / ".tools" / "node_modules" / ".bin"
        env = {
            **real_clock_env(),
            "PATH": os.pathsep.join([str(tools), str(Path(sys.executable).parent)])
            + os.pathsep
            + os.environ.get("PATH", ""),
            "DATABASE_URL": url,
            "SRC_DASH_DATA_DIR": str(work),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "REFLEX_BACKEND_ONLY": "1",
            "GRANIAN_WORKERS": "1",
            "SRC_DASH_SCHEDULER": "1",
            "SRC_DASH_DISPATCH_INTERVAL": "1",
            "SRC_DASH_DISPATCH_LEASE": "1",
            "SRC_DASH_DELIVERY_CHECK": "sink",
            "SRC_DASH_MAIL_SINK_DIR": str(work / "sink"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(server.port),
            "SMTP_FROM": "relances@atelier-dumas.fr",
            "SMTP_TLS": "none",
            "SMTP_RATE": "4",  # slow enough that the kill meets a pass in the middle
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "0",
        }
        backends = [Backend("a", env, work), Backend("b", env, work)]
        for backend in backends:
            backend.start()
        for backend in backends:
            backend.wait_up()
        yield {"url": url, "engine": engine, "ids": ids, "server": server, "work": work,
               "backends": backends}  # fmt: skip
        engine.dispose()
    finally:
        for backend in backends:
            backend.stop()
        server.stop()
        redis.kill()
        redis.wait(10)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def holding(cluster: dict) -> tuple[object, int]:
    """The backend whose worker holds the scheduler's lock, and that worker's pid."""
    found = holder(cluster["url"])
    assert found is not None
    pid = int(found.rsplit(":", 1)[1])
    backend = next(b for b in cluster["backends"] if pid in b.pids())
    return backend, pid


def test_killed_holder_client_state_and_messages_once(cluster: dict) -> None:
    engine, server, backends = cluster["engine"], cluster["server"], cluster["backends"]
    # Exactly one scheduler: both backends ask for the lock, one holds it.
    first, first_pid = wait_for(lambda: holder(cluster["url"]) and holding(cluster))
    other = next(b for b in backends if b is not first)
    with psycopg.connect(cluster["url"], autocommit=True) as conn:
        asking = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'src-dash sched%'"
        ).fetchone()[0]
    assert asking == 2

    # A client signs in on the holder's backend and gets its dashboard.
    names = state_names()
    client = Client(first.port, names)
    client.connect("/login")
    client.log_in("recouvrement")  # the ledger's "admin" has no password
    client.change("set_currency", "USD")  # a filter: server state, not the browser's storage
    client.close()

    # The emails are queued; the server kills the holder once it has taken KILL_AT of them,
    # before the sender hears its 250.
    sink = SinkHandler(cluster["work"] / "sink")
    killed: list[int] = []

    def on_data(envelope) -> None:  # noqa: ANN001
        sink.store(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            bytes(envelope.original_content or envelope.content),
        )
        if len(server.received) + 1 == KILL_AT and not killed:
            os.kill(first_pid, signal.SIGKILL)
            killed.append(first_pid)

    server.on_data = on_data
    ids = cluster["ids"]
    create_run(engine, [proposal(engine, ids, n) for n in range(MESSAGES)])
    m = Message.__table__

    def statuses() -> Counter:
        with engine.connect() as conn:
            return Counter(conn.execute(select(m.c.status)).scalars())

    done = wait_for(lambda: statuses()["sent"] == MESSAGES and statuses(), timeout=120)
    assert killed == [first_pid]
    assert first.process.wait(30) is not None  # its supervisor stops with its worker
    # The other backend took the jobs over and the message in doubt was found at the server.
    took, _ = holding(cluster)
    assert took is other
    assert done == Counter({"sent": MESSAGES})
    at_server = Counter(server.ids())
    assert all(n == 1 for n in at_server.values()), at_server.most_common(3)
    with engine.connect() as conn:
        smtp_ids = set(conn.execute(select(m.c.smtp_message_id)).scalars())
    assert smtp_ids <= set(at_server) and len(smtp_ids) == MESSAGES

    # The killed backend starts again (as systemd would): the client's state is there, from
    # Redis, though the browser sends no storage; the jobs stay with the other backend.
    first.start()
    first.wait_up()
    again = Client(first.port, names, token=client.token, session=client.session)
    seen = again.connect("/", again.storage())  # a page load, as the browser does on return
    again.close()
    dash = (seen[0].get("delta") or {}).get(names["dash"], {})
    assert dash.get("currency_rx_state_") == "USD"
    assert "kpis_rx_state_" in dash
    back, _ = holding(cluster)
    assert back is other
