"""`src-dash bench actions`: the open items' inline actions, 20 clients at once, on a big store.

Steps:
- build a demo Sage base of `entries` entries and sync it into a fresh SQLite store (or reuse the
  store given with `--store`), with the demo users, the dispute reasons and the default
  scenarios and templates;
- pick, for each client, open items of its own (nothing on them; for "dun now", items whose
  level-1 step goes by email), so the clients never act on the same item;
- start a local SMTP sink (aiosmtpd) and the app in prod mode (`reflex run --env prod`, one port)
  pointed at it;
- 20 clients speak the app's websocket protocol at once, signed in as the collector, on
  "/echeances"; each, with a short pause between actions, records a promise, comments, opens
  then closes a dispute, stops then resumes dunning, logs a call, and duns an item now (the
  preview, then the send), round after round on fresh items;
- each action's round trip is timed from the event sent to the answer (the dialog closed with the
  row refreshed, or the preview shown), and the mails the sink received are counted.
Prints p50 / p95 / max per action kind (ms), and whether each p95 is under 300 ms.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from src_dash.bench.app import (
    CLIENTS,
    DEMO_PASSWORD,
    EVENT_TIMEOUT,
    SUFFIX,
    Client,
    prepare_store,
    start_app,
    state_names,
    stop_app,
)
from src_dash.bench.common import BenchRun, free_port, ms, one_client, since, spread_ms

ROUNDS = 3
TARGET_MS = 300.0
LOGIN = "recouvrement"
# The actions of one round, in order; each is timed on its own.
KINDS = (
    "open",
    "promise",
    "comment",
    "dispute_open",
    "dispute_close",
    "stop",
    "resume",
    "call",
    "dun_preview",
    "dun_send",
)


@dataclass
class Items:
    """The items one client acts on in one round."""

    promise: int
    dispute: int
    stop: int
    dun: int


@dataclass
class Run:
    """What one client measured."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    failures: list[str] = field(default_factory=list)
    error: str = ""


def _seed(store_url: str) -> None:
    from src_dash.dunning.defaults import seed_defaults
    from src_dash.services.dispute_reasons import seed_default_dispute_reasons
    from src_dash.store.engine import make_engine

    engine = make_engine(store_url)
    try:
        seed_default_dispute_reasons(engine)
        seed_defaults(engine)
    finally:
        engine.dispose()


def _free_items(engine, who, enough: int, today: date, info: dict) -> list:  # noqa: ANN001
    """Overdue invoices with nothing on them and never dunned, largest first, until `enough`
    (or the last page); `info` gets the first page's time."""
    from src_dash.services.open_items import OpenItemFilters, open_items

    started = time.perf_counter()
    free: list = []
    for number in range(20):  # an earlier run on the same store used the first pages
        page = open_items(
            engine,
            who,
            OpenItemFilters(states=("none",), min_days_late=1, kinds=("invoice",)),
            sort="residual",
            descending=True,
            page=number,
            page_size=500,
            as_of=today,
        )
        if number == 0:
            info["first_open_items_ms"] = ms(time.perf_counter() - started)
        # Never dunned: an item dunned by an earlier run on the same store would go at its
        # next level (perhaps a phone step), not by email at level 1.
        free += [r for r in page.rows if r.residual > 100 and r.level == 0 and not r.next_level]
        if len(free) >= enough or page.page < number:
            break
    return free


def _email_dunnable(engine, who, free: list, wanted: int, today: date) -> list[int]:  # noqa: ANN001
    """Up to `wanted` of the free items whose level-1 step goes by email, one per customer."""
    from src_dash.services.dun_now import NotDunnable, preview_dun

    dun: list[int] = []
    used_customers: set[int] = set()
    for row in free:
        if len(dun) >= wanted:
            break
        if row.customer_id in used_customers:
            continue
        try:
            preview = preview_dun(engine, who, row.entry_id, 1, as_of=today)
        except NotDunnable:
            continue
        if preview.channel == "email":
            dun.append(row.entry_id)
            used_customers.add(row.customer_id)
    return dun


def pick_items(
    store_url: str, clients: int, rounds: int, today: date, with_dun: bool = True
) -> tuple[list, dict]:
    """Items for each client and round: free overdue invoices, and email-dunnable ones."""
    from sqlalchemy import select

    from src_dash.access import viewer
    from src_dash.analytics.ledger import clear_cache
    from src_dash.store import User
    from src_dash.store.engine import make_engine

    engine = make_engine(store_url)
    info: dict = {}
    try:
        with engine.connect() as conn:
            user_id = conn.execute(
                select(User.__table__.c.id).where(User.__table__.c.login == LOGIN)
            ).scalar_one()
        who = viewer(engine, user_id)
        free = _free_items(engine, who, 8 * clients * rounds, today, info)
        wanted = clients * rounds
        started = time.perf_counter()
        dun = _email_dunnable(engine, who, free, wanted, today) if with_dun else []
        info["dun_candidates_seconds"] = round(time.perf_counter() - started, 1)
        rest = [r.entry_id for r in free if r.entry_id not in set(dun)]
        if len(rest) < 3 * wanted or (with_dun and len(dun) < wanted):
            raise RuntimeError(
                f"not enough free items: {len(rest)} free, {len(dun)} email-dunnable "
                f"for {clients} clients x {rounds} rounds"
            )
        plan = [
            [
                Items(
                    promise=rest[3 * (c * rounds + r)],
                    dispute=rest[3 * (c * rounds + r) + 1],
                    stop=rest[3 * (c * rounds + r) + 2],
                    dun=dun[c * rounds + r] if with_dun else 0,
                )
                for r in range(rounds)
            ]
            for c in range(clients)
        ]
        info["dun_items"] = len(dun)
        return plan, info
    finally:
        engine.dispose()
        clear_cache()


class ActionClient(Client):
    """A signed-in tab on "/echeances" that works items through the inline actions."""

    def __init__(self, port: int, names: dict[str, str], token: str) -> None:
        super().__init__(port, names)
        from src_dash.ui.components.item_actions import ItemActionsState
        from src_dash.ui.pages.open_items import OpenItemsState

        self.session = token
        self.actions = ItemActionsState.get_full_name()
        self.page = OpenItemsState.get_full_name()

    def _mine(self, update: dict) -> dict:
        return (update.get("delta") or {}).get(self.actions, {})

    def open_page(self, timeout: float = 900.0) -> None:
        """Load the page as a browser does, until its rows arrived (the first load after the
        start builds the ledger and the joined frame: it may take a while)."""
        seen = self.connect("/echeances", self.storage())
        if not any(self._loaded(u) for u in seen):
            self.until(self._loaded, timeout=timeout)

    def _loaded(self, update: dict) -> bool:
        return (update.get("delta") or {}).get(self.page, {}).get(f"loaded{SUFFIX}") is True

    def _act(self, handler: str, payload: dict, done) -> tuple[float, dict]:  # noqa: ANN001
        started = time.perf_counter()
        self.send(f"{self.actions}.{handler}", payload, path="/echeances")
        update, _ = self.until(lambda u: done(self._mine(u)), timeout=EVENT_TIMEOUT)
        return time.perf_counter() - started, self._mine(update)

    def open(self, kind: str, entry_id: int) -> float:
        """Open an action's dialog; the time until it is open."""
        took, _ = self._act(
            "open_action",
            {"kind": kind, "entry_id": entry_id},
            lambda d: d.get(f"dialog{SUFFIX}") == kind,
        )
        return took

    def submit(self, handler: str, form: dict | None) -> tuple[float, str]:
        """Submit a dialog; the time until it closed (done) or showed an error."""
        payload = {} if form is None else {"form": form}
        took, delta = self._act(
            handler,
            payload,
            lambda d: d.get(f"dialog{SUFFIX}") == "" or bool(d.get(f"errors{SUFFIX}")),
        )
        errors = delta.get(f"errors{SUFFIX}") or {}
        return took, "; ".join(errors.values()) if isinstance(errors, dict) else str(errors)

    def preview(self, entry_id: int) -> tuple[float, str]:
        """Open "dun now": the time until the preview is shown (or refused)."""
        started = time.perf_counter()
        self.send(
            f"{self.actions}.open_action", {"kind": "dun", "entry_id": entry_id}, "/echeances"
        )
        update, _ = self.until(
            lambda u: (
                self._mine(u).get(f"dun_ready{SUFFIX}") is True
                or bool(self._mine(u).get(f"errors{SUFFIX}"))
            ),
            timeout=EVENT_TIMEOUT,
        )
        errors = self._mine(update).get(f"errors{SUFFIX}") or {}
        return time.perf_counter() - started, "; ".join(errors.values()) if errors else ""


def drive(
    port: int,
    names: dict[str, str],
    token: str,
    rounds: list[Items],
    reason_id: int,
    start: threading.Barrier,
    rng: random.Random,
    today: date,
    dun: bool = True,
) -> Run:
    """One client: the actions of every round, with a short pause between them."""
    run = Run()
    client = ActionClient(port, names, token)

    def timed(kind: str, outcome: tuple[float, str] | float) -> None:
        took, error = outcome if isinstance(outcome, tuple) else (outcome, "")
        run.times[kind].append(took)
        if error:
            run.failures.append(f"{kind}: {error}")

    def pause() -> None:
        time.sleep(rng.uniform(0.3, 1.2))

    with one_client(run, client, start):
        client.open_page()
        start.wait()
        promised = (today + timedelta(days=10)).isoformat()
        for items in rounds:
            pause()
            timed("open", client.open("promise", items.promise))
            timed("promise", client.submit("submit_promise", {
                "amount": "50", "promised_on": promised, "note": "bench"}))  # fmt: skip
            pause()
            client.open("comment", items.promise)
            timed("comment", client.submit("submit_comment", {"body": "bench comment"}))
            pause()
            client.open("dispute_open", items.dispute)
            timed("dispute_open", client.submit("submit_dispute_open", {
                "reason": str(reason_id), "note": "bench"}))  # fmt: skip
            pause()
            client.open("dispute_close", items.dispute)
            timed("dispute_close", client.submit("submit_dispute_close", {"note": "bench"}))
            pause()
            client.open("stop", items.stop)
            timed("stop", client.submit("submit_stop", {"reason": "bench", "until": ""}))
            pause()
            client.open("resume", items.stop)
            timed("resume", client.submit("submit_resume", {}))
            pause()
            client.open("call", items.stop)
            timed("call", client.submit("submit_call", {"outcome": "reached", "note": "bench"}))
            if not dun:
                continue
            pause()
            took, error = client.preview(items.dun)
            timed("dun_preview", (took, error))
            if not error:
                pause()
                timed("dun_send", client.submit("send_dun", None))
            else:
                client.send(f"{client.actions}.close", {"open_": False}, "/echeances")
    return run


def _reason_and_tokens(store_url: str, clients: int) -> tuple[int, list[str]]:
    from sqlalchemy import select

    from src_dash.services.auth import log_in
    from src_dash.store import DisputeReason
    from src_dash.store.engine import make_engine

    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            reason_id = (
                conn.execute(
                    select(DisputeReason.__table__.c.id).where(DisputeReason.__table__.c.active)
                )
                .scalars()
                .first()
            )
        tokens = [log_in(engine, LOGIN, DEMO_PASSWORD) for _ in range(clients)]
    finally:
        engine.dispose()
    return int(reason_id), tokens


@contextlib.contextmanager
def _smtp_to(port: int) -> Iterator[None]:
    """Point SMTP_HOST, SMTP_PORT and SMTP_TLS at a local sink; put them back after."""
    saved = {k: os.environ.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS")}
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TLS": "none"})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_clients(
    port: int, names: dict[str, str], tokens: list[str], plan: list, reason_id: int,
    seed: int, today: date, dun: bool,
) -> list[Run]:  # fmt: skip
    """Every client at once (they start together), one thread each; what each measured."""
    clients = len(plan)
    start = threading.Barrier(clients)
    runs: list[Run | None] = [None] * clients

    def work_of(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        runs[i] = drive(port, names, tokens[i], plan[i], reason_id, start, rng, today, dun)

    threads = [threading.Thread(target=work_of, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    return [r for r in runs if r is not None]


def _figures(done: list[Run], report: dict[str, object]) -> dict[str, dict]:
    """Each action kind's times, the errors and refusals, into `report`; the times by kind."""
    per_kind = {k: spread_ms([t for r in done if not r.error for t in r.times[k]]) for k in KINDS}
    report["actions_ms"] = per_kind
    report["errors"] = [r.error for r in done if r.error]
    report["refused"] = [f for r in done for f in r.failures][:20]
    return per_kind


def _mails_received(sink_dir: Path, before: int, sent: int) -> int:
    """The mails the sink got since `before`, once the `sent` arrived (or after 60 s)."""
    from src_dash.dunning.mailsink import received

    # The background sends finish after the last answer: give them a moment.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(received(0, sink_dir)) - before < sent:
        time.sleep(1)
    return len(received(0, sink_dir)) - before


def bench_actions(
    entries: int,
    clients: int = CLIENTS,
    rounds: int = ROUNDS,
    dun: bool = True,
    **options: object,
) -> dict[str, object]:
    """Build or reuse a store, start the app and a mail sink, drive the inline actions."""
    from src_dash.dunning.mailsink import received, start_sink

    run = BenchRun(entries, **options)
    tmp, work = run.folder("src-dash-bench-actions-")
    report: dict[str, object] = {"entries_target": entries, "clients": clients, "rounds": rounds}
    process = sink = None
    try:
        store_url, info = prepare_store(run, work)
        report.update(info)
        _seed(store_url)
        plan, picked = pick_items(store_url, clients, rounds, run.today, dun)
        report.update(picked)
        reason_id, tokens = _reason_and_tokens(store_url, clients)

        sink_port = free_port()
        sink_dir = work / "mail-sink"
        sink = start_sink(sink_dir, "127.0.0.1", sink_port)
        before = len(received(0, sink_dir))
        with _smtp_to(sink_port):
            port = free_port()
            started = time.perf_counter()
            process = start_app(store_url, work, port)
            report["app_start_seconds"] = round(since(started), 1)
            names = state_names()

            # The first page load after the start (the ledger and the joined frame are built).
            first = ActionClient(port, names, tokens[0])
            started = time.perf_counter()
            first.open_page()
            report["first_page_load_ms"] = ms(since(started))
            first.close()

            started = time.perf_counter()
            done = _run_clients(port, names, tokens, plan, reason_id, run.seed, run.today, dun)
            report["concurrent_seconds"] = round(since(started), 1)
            per_kind = _figures(done, report)
            sent = per_kind["dun_send"]["count"]
            report["mails_received"] = _mails_received(sink_dir, before, sent)
            report["targets"] = {
                f"{k}_p95_under_{TARGET_MS:.0f}ms": per_kind[k]["p95"] is not None
                and per_kind[k]["p95"] <= TARGET_MS
                for k in KINDS
            }
    finally:
        if process is not None:
            stop_app(process)
        if sink is not None:
            sink.stop()
        tmp.cleanup()
    return report
