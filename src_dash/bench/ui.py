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
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from src_dash.bench.app import (
    CLIENTS,
    DEMO_PASSWORD,
    STARTUP_TIMEOUT,
    SUFFIX,
    Client,
    prepare_store,
    redis_for,
    start_app,
    state_names,
    stop_app,
)
from src_dash.bench.common import BenchRun, free_port, kb, ms, one_client, percentile
from src_dash.bench.space_ui import bench_space

CHANGES_PER_CLIENT = 15
POLL_SECONDS = 3.0
LOGINS = ("admin", "recouvrement", "commercial", "direction")
PAGES = ("/", "/clients", "/synchronisation", "/preferences")
CHROMIUM = os.environ.get("SRC_DASH_CHROMIUM", "/usr/bin/chromium")


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
    return {"login_to_figures_ms": ms(took), "outstanding": outstanding, "hashes": hashes}


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
            sizes[path] = kb(client.received_bytes)
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
    with one_client(run, client, start):
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
    clients: int = CLIENTS,
    workers: int | None = None,
    **options: object,
) -> dict[str, object]:
    """Build or reuse a store, start the app in prod mode, drive it; return the figures.

    With `workers` (`--workers N`): N backend workers sharing the state in Redis (REDIS_URL, else
    a private redis-server), as deployed past one machine; without, one worker, state in memory.
    """
    run = BenchRun(entries, **options)
    tmp, work = run.folder("src-dash-bench-ui-")
    report: dict[str, object] = {"entries_target": entries, "clients": clients}
    report["workers"], report["state"] = (workers, "redis") if workers else (1, "memory")
    process = None
    scale = contextlib.ExitStack()
    try:
        store_url, info = prepare_store(run, work)
        report.update(info)
        report["store"] = store_url.split(":", 1)[0]
        redis_url = scale.enter_context(redis_for(work)) if workers else None
        port = free_port()
        started = time.perf_counter()
        process = start_app(store_url, work, port, workers, redis_url)
        report["app_start_seconds"] = round(time.perf_counter() - started, 1)
        names = state_names()

        # The first dashboard after the start (the ledger is warmed in the background).
        first = Client(port, names)
        first.connect("/login")
        report["first_login_to_figures_after_start_ms"] = ms(first.log_in("admin")[0])
        first.close()

        hashes = None
        if Path(CHROMIUM).exists():
            browser = browser_login(port)
            hashes = browser.pop("hashes")
            report["browser"] = browser
        report["page_state_kb"] = page_sizes(port, names, hashes)

        runs = concurrent_clients(port, names, hashes, clients, run.seed)
        errors = [f"{r.login}: {r.error}" for r in runs if r.error]
        logins = [r.login_to_figures for r in runs if not r.error]
        answers = [r.login_answer for r in runs if not r.error]
        trips = [t for r in runs if not r.error for t in r.round_trips]
        report["concurrent"] = {
            "clients_ok": len(runs) - len(errors),
            "errors": errors,
            "login_to_figures_ms": {
                "median": ms(statistics.median(logins)) if logins else None,
                "p95": ms(percentile(logins, 95)),
                "max": ms(max(logins)) if logins else None,
                "of_which_login_answer_median": ms(statistics.median(answers)) if answers else None,
            },
            "filter_round_trip_ms": {
                "count": len(trips),
                "median": ms(statistics.median(trips)) if trips else None,
                "p95": ms(percentile(trips, 95)),
                "max": ms(max(trips)) if trips else None,
            },
            "largest_delta_kb": kb(max((r.largest_message for r in runs), default=0)),
            "state_received_per_client_kb": kb(max((r.received_bytes for r in runs), default=0)),
        }
        report["targets"] = {
            "login_to_figures_under_2s": bool(logins) and max(logins) <= 2.0,
            "page_state_under_200kb": all(v <= 200 for v in dict(report["page_state_kb"]).values()),
            "filter_p95_under_250ms": bool(trips) and percentile(trips, 95) <= 0.25,
            "event_p95_under_300ms": bool(trips) and percentile(trips, 95) <= 0.3,  # issue 14
        }
        report["space"] = bench_space(port, store_url, chromium=CHROMIUM)  # issue 13
    finally:
        if process is not None:
            stop_app(process)
        scale.close()
        tmp.cleanup()
    return report
