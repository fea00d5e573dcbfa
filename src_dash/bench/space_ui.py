"""The customer's space under load, part of `src-dash bench ui`: `SPACE_CLIENTS` customers open
their space at once, each with their own link, on the app the UI bench started.

Each client is a browser tab speaking the app's websocket protocol (`bench.app.Client`): it
opens the socket on `/espace/<token>` and sends the page's first frame, as a tab does once the
page's (cached) scripts ran; the time counted is from opening the socket to the update that
carries the customer's items (the list the page draws). One real Chromium page (when there is
one) times the whole thing, from the address typed to the items drawn.
Target: p95 ≤ 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from src_dash.bench.app import SUFFIX, Client, prepare_store, start_app, stop_app
from src_dash.bench.common import BenchRun, free_port, kb, ms, one_client, percentile

SPACE_CLIENTS = 200
CHROMIUM = os.environ.get("SRC_DASH_CHROMIUM", "/usr/bin/chromium")
TARGET_P95 = 1.0  # seconds
JOIN_TIMEOUT = 300.0
ALONE = 5  # spaces opened one after the other first, for the time of one open alone


def space_names() -> dict[str, str]:
    """Full names of the states the space's clients read."""
    from reflex.state import State

    from src_dash.ui.pages.space import ROUTE, SpaceState

    return {
        "hydrate": f"{State.get_full_name()}.hydrate_and_load",
        "space": SpaceState.get_full_name(),
        "route": ROUTE,
    }


class SpaceClient(Client):
    """A tab on a customer's space: the route's pattern and the address it was opened at."""

    def _router(self, path: str) -> dict:
        return {"pathname": self.names["route"], "asPath": path}

    def has_items(self, update: dict) -> bool:
        """Whether an update carries the space's items (an empty list for no item counts)."""
        space = (update.get("delta") or {}).get(self.names["space"], {})
        return f"rows{SUFFIX}" in space and space.get(f"valid{SUFFIX}", True) is not False


def issue_links(store_url: str, count: int) -> list[str]:
    """Links (tokens) for `count` customers with something open, the most open items first."""
    from sqlalchemy import func, select

    from src_dash.clock import utcnow
    from src_dash.services.customer_space.links import issue_in
    from src_dash.store import Entry
    from src_dash.store.engine import make_engine

    engine = make_engine(store_url)
    e = Entry.__table__
    try:
        with engine.begin() as conn:
            ids = conn.execute(
                select(e.c.customer_id)
                .where(e.c.residual != 0)
                .group_by(e.c.customer_id)
                .order_by(func.count().desc(), e.c.customer_id)
                .limit(count)
            ).scalars()
            now = utcnow()
            return [issue_in(conn, customer_id, now).token for customer_id in ids]
    finally:
        engine.dispose()


@dataclass
class Opened:
    """What one client measured: seconds to the items, how many, or the error."""

    seconds: float = 0.0
    items: int = 0
    received_bytes: int = 0
    error: str = ""


def open_space(
    port: int,
    names: dict[str, str],
    token: str,
    start: threading.Barrier,
    hashes: list[str] | None = None,
) -> Opened:
    """One customer opens their space: socket, first frame, until the items came."""
    client = SpaceClient(port, names)
    done = Opened()
    with one_client(done, client, start):
        import websocket
        from reflex_base.constants import Reflex

        path = f"/espace/{token}"
        start.wait()
        started = time.perf_counter()
        client.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/_event/?EIO=4&transport=websocket&token={client.token}",
            subprotocols=[Reflex.VERSION],
            timeout=60,
        )
        client.ws.recv()  # Engine.IO's opening
        boot = {
            "name": names["hydrate"],
            "payload": {"vars": {}},
            "router_data": client._router(path),
        }
        client.ws.send("40/_event," + json.dumps({"event": boot}))
        update, _ = client.until(client.has_items)
        done.seconds = time.perf_counter() - started
        space = update["delta"][names["space"]]
        done.items = len(space[f"rows{SUFFIX}"])
        done.received_bytes = client.received_bytes
    return done


def browser_open(port: int, token: str, chromium: str) -> tuple[float, list[str] | None]:
    """Seconds from a real page's address to the space's items drawn (the page's scripts in the
    cache), and the state hashes its first frame sent (the clients send them as it does)."""
    from playwright.sync_api import sync_playwright

    sent: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(str(f))))
            url = f"http://127.0.0.1:{port}/espace/{token}"
            page.goto(url)  # a first visit: the scripts into the cache
            page.locator(".space-item").first.wait_for(timeout=120_000)
            started = time.perf_counter()
            page.goto(url)
            page.locator(".space-item").first.wait_for(timeout=120_000)
            took = time.perf_counter() - started
        finally:
            browser.close()
    for frame in sent:
        if frame.startswith("40/_event,"):
            boot = json.loads(frame[len("40/_event,") :]).get("event") or {}
            return took, (boot.get("payload") or {}).get("hashes")
    return took, None


def bench_space(
    port: int, store_url: str, clients: int = SPACE_CLIENTS, chromium: str = ""
) -> dict[str, object]:
    """Open `clients` spaces at once on the running app; the figures (ms)."""
    names = space_names()
    tokens = issue_links(store_url, clients + 1)
    report: dict[str, object] = {"clients": len(tokens) - 1}
    hashes = None
    if chromium and Path(chromium).exists() and tokens:
        took, hashes = browser_open(port, tokens.pop(), chromium)
        report["browser_address_to_items_ms"] = ms(took)
    else:
        tokens = tokens[:-1]
    alone = [open_space(port, names, t, threading.Barrier(1), hashes) for t in tokens[:ALONE]]
    report["one_at_a_time_ms"] = {
        "median": ms(statistics.median([r.seconds for r in alone])),
        "state_received_kb": kb(max(r.received_bytes for r in alone)),
        "errors": sorted({r.error for r in alone if r.error}),
    }
    start = threading.Barrier(len(tokens))
    results: list[Opened | None] = [None] * len(tokens)

    def work(i: int) -> None:
        results[i] = open_space(port, names, tokens[i], start, hashes)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    runs = [r for r in results if r is not None]
    times = [r.seconds for r in runs if not r.error]
    errors = sorted({r.error for r in runs if r.error})
    report.update(
        {
            "clients_ok": len(times),
            "errors": errors[:5],
            "items_shown_median": statistics.median([r.items for r in runs if not r.error] or [0]),
            "open_to_items_ms": {
                "median": ms(statistics.median(times)) if times else None,
                "p95": ms(percentile(times, 95)),
                "max": ms(max(times)) if times else None,
            },
            "target_p95_under_1s": bool(times)
            and len(times) == len(tokens)
            and percentile(times, 95) <= TARGET_P95,
        }
    )
    return report


def bench_space_ui(entries: int, clients: int = SPACE_CLIENTS, **options: object) -> dict:
    """The space's part of `bench ui` alone (`src-dash bench space-ui`): build or reuse a store,
    start the app in prod mode, open the spaces; the figures."""
    run = BenchRun(entries, **options)
    tmp, work = run.folder("src-dash-bench-space-")
    report: dict[str, object] = {"entries_target": entries}
    process = None
    try:
        store_url, info = prepare_store(run, work)
        report.update(info)
        port = free_port()
        process = start_app(store_url, work, port)
        report["space"] = bench_space(port, store_url, clients, CHROMIUM)
    finally:
        if process is not None:
            stop_app(process)
        tmp.cleanup()
    return report
