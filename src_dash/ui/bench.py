"""`src-dash bench ui`: the app in prod mode on a million-entry store, driven by 20 clients.

Steps:
- build a demo Sage base of `entries` entries and sync it into a fresh SQLite store (or reuse
  the store given with `--store`), with one demo user per role;
- start the app (`reflex run --env prod`, one port) as a subprocess on a free port;
- one real Chromium page (Playwright) logs in and times the dashboard's figures appearing; it
  also records the first frame the browser sends, so the clients below connect exactly as it
  does;
- 20 clients speak the app's websocket protocol (Engine.IO 4 / Socket.IO 5 on `/_event`) at
  once: each logs in, times the dashboard's figures, counts the bytes of state the pages send
  (a full load of each page, and every delta), then changes the filters with a pause between
  changes while polling as the page does, and times each change's round trip.
Prints the figures as JSON (times in ms, sizes in KB).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from src_dash.analytics.bench import _BUILD, _CHILD, TODAY, _run_child

APP_ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
CHANGES_PER_CLIENT = 15
POLL_SECONDS = 3.0
STARTUP_TIMEOUT = 1200.0
EVENT_TIMEOUT = 60.0
DEMO_PASSWORD = "demo-src-dash"
LOGINS = ("admin", "recouvrement", "commercial", "direction")
PAGES = ("/", "/clients", "/synchronisation", "/preferences")
CHROMIUM = os.environ.get("SRC_DASH_CHROMIUM", "/usr/bin/chromium")
SUFFIX = "_rx_state_"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _names() -> dict[str, str]:
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


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _kb(size: int) -> float:
    return round(size / 1024, 1)


def prepare_store(
    entries: int, customers: int | None, seed: int, store_url: str | None, work: Path
) -> tuple[str, dict]:
    """Build (or reuse) the store and its demo users; return its URL and what was done."""
    from sqlalchemy import func, select

    from src_dash.services.auth import seed_demo_users
    from src_dash.store import Entry
    from src_dash.store.engine import make_engine
    from src_dash.store.migrate import upgrade

    info: dict = {}
    if store_url is None:
        customers = customers or max(entries // 20, 10)
        base = work / "BENCH.sqlite"
        started = time.perf_counter()
        _run_child(_BUILD, str(base), str(customers), str(entries), str(seed), TODAY.isoformat())
        info["build_seconds"] = round(time.perf_counter() - started, 1)
        store_url = f"sqlite:///{work / 'store.db'}"
        started = time.perf_counter()
        _run_child(_CHILD, store_url, str(base), TODAY.isoformat())
        info["sync_seconds"] = round(time.perf_counter() - started, 1)
    else:
        upgrade(store_url)
    engine = make_engine(store_url)
    try:
        seed_demo_users(engine)
        with engine.connect() as conn:
            info["store_entries"] = conn.execute(select(func.count()).select_from(Entry)).scalar()
    finally:
        engine.dispose()
    return store_url, info


def start_app(store_url: str, work: Path, port: int) -> subprocess.Popen:
    """Start `reflex run --env prod` on `port`; return the process once it answers."""
    tools = APP_ROOT / ".tools" / "node_modules" / ".bin"
    env = {
        **os.environ,
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


def browser_login(port: int) -> dict:
    """Log in with a real Chromium page; time the figures and record the page's hashes."""
    from playwright.sync_api import sync_playwright

    sent: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(str(f))))
            page.goto(f"http://127.0.0.1:{port}/login")
            page.locator("#login-login").fill("admin", timeout=120_000)
            page.locator("#login-password").fill(DEMO_PASSWORD)
            started = time.perf_counter()
            page.locator("#login-submit").click()
            value = page.locator("#kpi-outstanding [data-testid=kpi-value]")
            value.wait_for(timeout=120_000)
            page.wait_for_function(
                "() => document.querySelector('#kpi-outstanding [data-testid=kpi-value]')"
                ".textContent.trim() !== ''",
                timeout=120_000,
            )
            took = time.perf_counter() - started
            outstanding = value.text_content()
        finally:
            browser.close()
    hashes = None
    for frame in sent:
        if frame.startswith("40/_event,"):
            boot = json.loads(frame[len("40/_event,") :]).get("event") or {}
            hashes = (boot.get("payload") or {}).get("hashes")
            break
    return {"login_to_figures_ms": _ms(took), "outstanding": outstanding, "hashes": hashes}


def page_sizes(port: int, names: dict[str, str], hashes: list[str] | None) -> dict:
    """Bytes of state a full load of each page sends to a signed-in browser."""
    client = Client(port, names, hashes)
    try:
        client.connect("/login")
        client.log_in("admin")
        sizes = {}
        for path in PAGES:
            client.received_bytes = 0
            client.connect(path, client.storage())
            sizes[path] = _kb(client.received_bytes)
        return sizes
    finally:
        client.close()


@dataclass
class Run:
    """What one concurrent client measured."""

    login: str
    login_to_figures: float = 0.0
    login_answer: float = 0.0
    round_trips: list[float] = field(default_factory=list)
    received_bytes: int = 0
    largest_message: int = 0
    error: str = ""


def drive(
    port: int,
    names: dict[str, str],
    hashes: list[str] | None,
    login: str,
    start: threading.Barrier,
    rng: random.Random,
    changes: int,
) -> Run:
    """One client: log in, then change filters with pauses, polling as the page does."""
    run = Run(login)
    client = Client(port, names, hashes)
    try:
        client.connect("/login")
        start.wait()
        run.login_to_figures, dash = client.log_in(login)
        run.login_answer = client.signed_in_after
        reps = [o["value"] for o in dash.get(f"rep_options{SUFFIX}", [])]
        companies = [o["value"] for o in dash.get(f"company_options{SUFFIX}", [])]
        currencies = list(dash.get(f"currency_options{SUFFIX}", []))
        moves = [("set_sales_rep", r) for r in reps] + [("set_company", c) for c in companies]
        moves += [("set_currency", c) for c in currencies]
        moves += [("set_sales_rep", "all"), ("set_company", "all"), ("set_currency", "all")]
        current = {"set_sales_rep": "all", "set_company": "all", "set_currency": "all"}
        last_poll = time.perf_counter()
        for _ in range(changes):
            time.sleep(rng.uniform(0.3, 1.2))
            if time.perf_counter() - last_poll >= POLL_SECONDS:
                client.send(names["poll"], {"_tick": str(int(time.time() * 1000))})
                client.until_quiet(quiet=0.05, timeout=5)
                last_poll = time.perf_counter()
            # A real change each time (picking the value shown changes nothing, sends nothing).
            handler, value = rng.choice([m for m in moves if current[m[0]] != m[1]])
            run.round_trips.append(client.change(handler, value))
            current[handler] = value
        run.received_bytes = client.received_bytes
        run.largest_message = client.largest_message
    except Exception as exc:  # reported in the figures, the other clients go on
        run.error = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(threading.BrokenBarrierError):
            start.abort()
    finally:
        client.close()
    return run


def concurrent_clients(
    port: int, names: dict[str, str], hashes: list[str] | None, clients: int, seed: int
) -> list[Run]:
    """Run `clients` clients at once (they log in together); return what each measured."""
    start = threading.Barrier(clients)
    runs: list[Run | None] = [None] * clients

    def work(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        runs[i] = drive(
            port, names, hashes, LOGINS[i % len(LOGINS)], start, rng, CHANGES_PER_CLIENT
        )

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=STARTUP_TIMEOUT)
    return [r for r in runs if r is not None]


def bench_ui(
    entries: int,
    customers: int | None = None,
    seed: int = 42,
    store_url: str | None = None,
    work_dir: Path | None = None,
    clients: int = CLIENTS,
    today: date = TODAY,
) -> dict[str, object]:
    """Build or reuse a store, start the app in prod mode, drive it; return the figures."""
    tmp = tempfile.TemporaryDirectory(prefix="src-dash-bench-ui-")
    work = Path(work_dir or tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"entries_target": entries, "clients": clients}
    process = None
    try:
        store_url, info = prepare_store(entries, customers, seed, store_url, work)
        report.update(info)
        port = _free_port()
        started = time.perf_counter()
        process = start_app(store_url, work, port)
        report["app_start_seconds"] = round(time.perf_counter() - started, 1)
        names = _names()

        # The first dashboard after the start (the ledger is warmed in the background).
        first = Client(port, names)
        first.connect("/login")
        report["first_login_to_figures_after_start_ms"] = _ms(first.log_in("admin")[0])
        first.close()

        hashes = None
        if Path(CHROMIUM).exists():
            browser = browser_login(port)
            hashes = browser.pop("hashes")
            report["browser"] = browser
        report["page_state_kb"] = page_sizes(port, names, hashes)

        runs = concurrent_clients(port, names, hashes, clients, seed)
        errors = [f"{r.login}: {r.error}" for r in runs if r.error]
        logins = [r.login_to_figures for r in runs if not r.error]
        answers = [r.login_answer for r in runs if not r.error]
        trips = [t for r in runs if not r.error for t in r.round_trips]
        report["concurrent"] = {
            "clients_ok": len(runs) - len(errors),
            "errors": errors,
            "login_to_figures_ms": {
                "median": _ms(statistics.median(logins)) if logins else None,
                "p95": _ms(_percentile(logins, 95)),
                "max": _ms(max(logins)) if logins else None,
                "of_which_login_answer_median": _ms(statistics.median(answers))
                if answers
                else None,
            },
            "filter_round_trip_ms": {
                "count": len(trips),
                "median": _ms(statistics.median(trips)) if trips else None,
                "p95": _ms(_percentile(trips, 95)),
                "max": _ms(max(trips)) if trips else None,
            },
            "largest_delta_kb": _kb(max((r.largest_message for r in runs), default=0)),
            "state_received_per_client_kb": _kb(max((r.received_bytes for r in runs), default=0)),
        }
        report["targets"] = {
            "login_to_figures_under_2s": bool(logins) and max(logins) <= 2.0,
            "page_state_under_200kb": all(v <= 200 for v in dict(report["page_state_kb"]).values()),
            "filter_p95_under_250ms": bool(trips) and _percentile(trips, 95) <= 0.25,
        }
    finally:
        if process is not None:
            stop_app(process)
        tmp.cleanup()
    return report
