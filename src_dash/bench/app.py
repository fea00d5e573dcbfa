"""The app the UI benchmarks drive: a demo store with its users, the app started in prod mode
(`reflex run --env prod`, one port), and a client speaking its websocket protocol (Engine.IO 4 /
Socket.IO 5 on `/_event`) as a browser tab does. The browser tests reuse the client."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from src_dash.bench.common import (
    TODAY,
    BenchRun,
    build_base_in_child,
    free_port,
    sync_in_child,
)

APP_ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
STARTUP_TIMEOUT = 1200.0
EVENT_TIMEOUT = 60.0
DEMO_PASSWORD = "demo-src-dash"
SUFFIX = "_rx_state_"


def state_names() -> dict[str, str]:
    """Full names of the states and vars the clients read and write."""
    from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState

    from src_dash.ui.auth import AuthState
    from src_dash.ui.pages.dashboard import DashboardState
    from src_dash.ui.state import UiState

    dash = DashboardState.get_full_name()
    return {
        "hydrate": f"{State.get_full_name()}.hydrate_and_load",
        "update_vars": f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal",
        "on_load": f"{OnLoadInternalState.get_full_name()}.on_load_internal",
        "log_in": f"{AuthState.get_full_name()}.log_in",
        "auth": AuthState.get_full_name(),
        "token_var": f"{AuthState.get_full_name()}.token{SUFFIX}",
        "lang_var": f"{UiState.get_full_name()}.lang{SUFFIX}",
        "dash": dash,
        "set_company": f"{dash}.set_company",
        "set_sales_rep": f"{dash}.set_sales_rep",
        "set_currency": f"{dash}.set_currency",
        "poll": f"{dash}.poll",
    }


class ProtocolError(RuntimeError):
    """The app answered something the client did not expect (or nothing in time)."""


@dataclass
class Client:
    """One browser tab, speaking the app's websocket protocol."""

    port: int
    names: dict[str, str]
    hashes: list[str] | None = None
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    session: str = ""
    # Seconds from the login's submit to the server's answer (session and redirect).
    signed_in_after: float = 0.0
    received_bytes: int = 0
    largest_message: int = 0

    def __post_init__(self) -> None:
        self.ws = None

    def _router(self, path: str) -> dict:
        return {"pathname": path, "asPath": path}

    def connect(self, path: str, storage: dict[str, str] | None = None) -> list[dict]:
        """Open the socket on `path` with the browser's storage, as a page load does.

        Returns:
            The updates received until the page went quiet.
        """
        import websocket
        from reflex_base.constants import Reflex

        self.close()
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/_event/?EIO=4&transport=websocket&token={self.token}",
            subprotocols=[Reflex.VERSION],
            timeout=EVENT_TIMEOUT,
        )
        opening = self.ws.recv()
        if not opening.startswith("0"):
            raise ProtocolError(f"unexpected opening {opening[:80]!r}")
        payload: dict = {"vars": storage or {}}
        if self.hashes:
            payload["hashes"] = self.hashes
        boot = {
            "name": self.names["hydrate"],
            "payload": payload,
            "router_data": self._router(path),
        }
        self.ws.send("40/_event," + json.dumps({"event": boot}))
        return self.until_quiet()

    def send(self, name: str, payload: dict | None = None, path: str = "/") -> None:
        """Send one event, as the page does."""
        event = {"name": name, "payload": payload or {}, "router_data": self._router(path)}
        self.ws.send("42/_event," + json.dumps(["event", event]))

    def receive(self, timeout: float) -> dict | None:
        """The next state update, or None after `timeout` seconds of silence."""
        import websocket

        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.ws.settimeout(left)
            try:
                message = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            if message == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            if message.startswith("42/_event,"):
                size = len(message.encode())
                self.received_bytes += size
                self.largest_message = max(self.largest_message, size)
                name, update = json.loads(message[len("42/_event,") :])
                if name == "event":
                    return update
            elif message.startswith("44/_event,"):
                raise ProtocolError(f"connection refused: {message[:200]}")

    def until(self, wanted, timeout: float = EVENT_TIMEOUT) -> tuple[dict, list[dict]]:  # noqa: ANN001
        """Read updates until one satisfies `wanted(update)`; return it and all read."""
        seen = []
        deadline = time.perf_counter() + timeout
        while True:
            update = self.receive(deadline - time.perf_counter())
            if update is None:
                raise ProtocolError("no answer in time")
            seen.append(update)
            if wanted(update):
                return update, seen

    def until_quiet(self, quiet: float = 1.0, timeout: float = EVENT_TIMEOUT) -> list[dict]:
        """Read updates until none came for `quiet` seconds."""
        seen = []
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            update = self.receive(quiet)
            if update is None:
                return seen
            seen.append(update)
        return seen

    def has_figures(self, update: dict) -> bool:
        """Whether an update carries the dashboard's KPI values."""
        return f"kpis{SUFFIX}" in (update.get("delta") or {}).get(self.names["dash"], {})

    def log_in(self, login: str) -> tuple[float, dict]:
        """Log in from the login page and follow the redirect to the dashboard.

        Returns:
            The time from the login's submit to the dashboard's figures (s), and the
            dashboard's state as received.
        """
        started = time.perf_counter()
        self.send(
            self.names["log_in"],
            {"form": {"login": login, "password": DEMO_PASSWORD}},
            path="/login",
        )

        def redirected(update: dict) -> bool:
            return any(e.get("name") == "_redirect" for e in update.get("events") or [])

        _, seen = self.until(redirected)
        self.signed_in_after = time.perf_counter() - started
        for update in seen:
            token = (update.get("delta") or {}).get(self.names["auth"], {}).get(f"token{SUFFIX}")
            if token:
                self.session = token
        if not self.session:
            raise ProtocolError(f"{login} was not signed in")
        # What the page does after the redirect: send the storage, then run the page's loaders.
        self.send(self.names["update_vars"], {"vars": self.storage()}, path="/")
        self.send(self.names["on_load"], {}, path="/")
        update, _ = self.until(self.has_figures)
        return time.perf_counter() - started, update["delta"][self.names["dash"]]

    def storage(self) -> dict[str, str]:
        """The browser storage of a signed-in tab."""
        return {self.names["token_var"]: self.session, self.names["lang_var"]: "fr"}

    def change(self, handler: str, value: str) -> float:
        """Change one filter; return the round trip (s) until the new figures arrived."""
        started = time.perf_counter()
        self.send(self.names[handler], {"value": value})
        self.until(self.has_figures)
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the socket."""
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
            self.ws = None


def prepare_store(run: BenchRun, work: Path) -> tuple[str, dict]:
    """Build (or reuse) the store and its demo users; return its URL and what was done."""
    from sqlalchemy import func, select

    from src_dash.services.auth import seed_demo_users
    from src_dash.store import Entry
    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade

    info: dict = {}
    store_url = run.store_url
    if store_url is None:
        base = work / "BENCH.sqlite"
        seconds = build_base_in_child(base, run.demo_customers, run.entries, run.seed, TODAY)
        info["build_seconds"] = round(seconds, 1)
        store_url = f"sqlite:///{work / 'store.db'}"
        info["sync_seconds"] = round(sync_in_child(store_url, base, TODAY), 1)
    else:
        upgrade(store_url)
        if _empty(store_url):  # a fresh database given (PostgreSQL): fill it as SQLite's
            base = work / "BENCH.sqlite"
            seconds = build_base_in_child(base, run.demo_customers, run.entries, run.seed, TODAY)
            info["build_seconds"] = round(seconds, 1)
            info["sync_seconds"] = round(sync_in_child(store_url, base, TODAY), 1)
    engine = make_engine(store_url)
    try:
        seed_demo_users(engine)
        with engine.connect() as conn:
            info["store_entries"] = conn.execute(select(func.count()).select_from(Entry)).scalar()
    finally:
        engine.dispose()
    return store_url, info


def _empty(store_url: str) -> bool:
    """Whether the store holds no entries."""
    from sqlalchemy import func, select

    from src_dash.store import Entry
    from src_dash.store.engine import make_engine

    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(Entry)).scalar()
    finally:
        engine.dispose()


@contextlib.contextmanager
def redis_for(work: Path) -> Iterator[str]:
    """A Redis for the app's state: REDIS_URL when set, else a private `redis-server` on a
    free port (no persistence) for the time of the block; yields its URL."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def start_app(
    store_url: str,
    work: Path,
    port: int,
    workers: int | None = None,
    redis_url: str | None = None,
) -> subprocess.Popen:
    """Start `reflex run --env prod` on `port`; return the process once it answers.

    With `workers` and `redis_url`: that many backend workers (Granian's) sharing the clients'
    state in that Redis, as in a deployment past one machine (deploy/).
    """
    tools = APP_ROOT / ".tools" / "node_modules" / ".bin"
    scaled = {"GRANIAN_WORKERS": str(workers)} if workers else {}
    if redis_url:
        scaled["REDIS_URL"] = redis_url
    env = {
        **os.environ,
        **scaled,
        "DATABASE_URL": store_url,
        "SRC_DASH_DATA_DIR": str(work),
        "SRC_DASH_TODAY": TODAY.isoformat(),
        "SRC_DASH_SCHEDULER": "0",
        "SRC_DASH_PORT": str(port),
        "REFLEX_WEB_WORKDIR": str(work / "web"),
        "REFLEX_STATES_WORKDIR": str(work / "states"),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": os.pathsep.join(
            [str(tools), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
        ),
    }
    reflex = shutil.which("reflex", path=env["PATH"]) or "reflex"
    log = (work / "app.log").open("w")
    process = subprocess.Popen(
        [reflex, "run", "--env", "prod", "--frontend-port", str(port), "--loglevel", "warning"],
        cwd=APP_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app stopped; see {work / 'app.log'}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as answer,
        ):
            if answer.status == 200:
                return process
        time.sleep(1)
    stop_app(process)
    raise RuntimeError(f"the app did not answer within {STARTUP_TIMEOUT:.0f} s")


def stop_app(process: subprocess.Popen) -> None:
    """Stop the app and the processes it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
