"""`src-dash bench dunning`: time planning, rendering and delivering emails, and printing letters.

Builds a demo Sage base of `entries` entries and syncs it into a fresh store (in child processes,
as `src-dash bench analytics` does), seeds the default scenarios, then measures:
- planning every customer as of the demo's today (cold: with the ledger's load; warm: cached);
- writing a run of 5,000 emails (rendering each with its template) and delivering them to a local
  SMTP server (the app's mail sink, in its own process, writing one .eml per message) over a few
  reused connections: messages per second, and the count the server received;
- a grouped PDF of 500 letters (and the 500 letters' own PDFs);
- the IMAP pass over 1,000 replies to those emails in a private Dovecot (`bench_inbox`).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from src_dash.config import load_settings

TODAY = date(2026, 11, 22)
EMAILS = 5000
LETTERS = 500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the mail sink did not start on port {port}")


def _proposals(proposals: list, channel: str, count: int) -> list:
    """`count` proposals of a channel: the plan's, cloned under new keys when there are fewer."""
    mine = [p for p in proposals if p.channel == channel] or [
        replace(p, channel=channel) for p in proposals if p.channel in ("email", "letter")
    ]
    if not mine:
        raise RuntimeError("the plan has no email nor letter to time")
    out = []
    for n in range(count):
        p = mine[n % len(mine)]
        out.append(replace(p, channel=channel, needs_approval=False, key=f"bench/{channel}/{n}"))
    return out


def bench_dunning(
    entries: int,
    customers: int | None = None,
    seed: int = 42,
    store_url: str | None = None,
    work_dir: Path | None = None,
    today: date = TODAY,
    emails: int = EMAILS,
    letters: int = LETTERS,
) -> dict[str, object]:
    """Build, sync, then time the planner, the dispatcher and the letters; return the figures."""
    from src_dash.analytics.bench import _BUILD, _CHILD, _run_child
    from src_dash.analytics.ledger import clear_cache, get_ledger
    from src_dash.dunning.defaults import seed_defaults
    from src_dash.dunning.dispatch import dispatch
    from src_dash.dunning.letters import load_letters, render_letters
    from src_dash.dunning.planner import plan
    from src_dash.dunning.runs import create_run
    from src_dash.store.engine import make_engine

    tmp = tempfile.TemporaryDirectory(prefix="src-dash-bench-dunning-")
    base_dir = Path(work_dir or tmp.name)
    base_dir.mkdir(parents=True, exist_ok=True)
    customers = customers or max(entries // 20, 10)
    report: dict[str, object] = {
        "entries_target": entries,
        "customers": customers,
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
    }
    base = base_dir / "BENCH.sqlite"
    started = time.perf_counter()
    _run_child(_BUILD, str(base), str(customers), str(entries), str(seed), today.isoformat())
    report["build_seconds"] = round(time.perf_counter() - started, 1)

    url = store_url or f"sqlite:///{base_dir / 'store.db'}"
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    _run_child(_CHILD, url, str(base), today.isoformat())
    report["sync_seconds"] = round(time.perf_counter() - started, 1)

    settings = dataclasses.replace(load_settings(), data_dir=base_dir / "data")
    engine = make_engine(url)
    sink = None
    try:
        seed_defaults(engine)
        clear_cache()
        started = time.perf_counter()
        get_ledger(engine)
        ledger_seconds = time.perf_counter() - started
        started = time.perf_counter()
        the_plan = plan(engine, today)
        first_plan = time.perf_counter() - started
        started = time.perf_counter()
        the_plan = plan(engine, today)
        warm_plan = time.perf_counter() - started
        by_channel: dict[str, int] = {}
        for p in the_plan.proposals:
            by_channel[p.channel] = by_channel.get(p.channel, 0) + 1
        report["plan"] = {
            "ledger_load_seconds": round(ledger_seconds, 2),
            "plan_seconds": round(first_plan, 2),
            "plan_again_seconds": round(warm_plan, 2),
            "cold_seconds_with_ledger": round(ledger_seconds + first_plan, 2),
            "proposals": len(the_plan.proposals),
            "by_channel": by_channel,
            "exclusions": len(the_plan.exclusions),
        }

        # Emails: a run of 5,000 written and rendered, then delivered to the mail sink.
        port = _free_port()
        sink_dir = base_dir / "mail-sink"
        sink = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "src_dash.dunning.mailsink",
                "--port",
                str(port),
                "--dir",
                str(sink_dir),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(port)
        batch = _proposals(list(the_plan.proposals), "email", emails)
        started = time.perf_counter()
        run = create_run(engine, batch, settings=settings)
        run_seconds = time.perf_counter() - started
        smtp = dataclasses.replace(
            settings,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls="none",
            smtp_connections=4,
            smtp_per_connection=1000,
            smtp_rate=0.0,
        )
        started, cpu = time.perf_counter(), time.process_time()
        done = dispatch(engine, smtp, letters=False)
        send_seconds = time.perf_counter() - started
        send_cpu = time.process_time() - cpu
        received = sum(1 for f in sink_dir.iterdir() if f.suffix == ".eml")
        report["emails"] = {
            "count": run.emails,
            "run_seconds_render_and_write": round(run_seconds, 2),
            "dispatch_seconds": round(send_seconds, 2),
            "sent": done.sent,
            "per_second": round(done.sent / send_seconds, 1) if send_seconds else None,
            "received_by_server": received,
            "dispatcher_cpu_ms_per_email": round(send_cpu * 1000 / max(done.sent, 1), 2),
            "connections": smtp.smtp_connections,
            "errors": len(run.errors),
        }

        # The collection mailbox: 1,000 replies to these emails read in one IMAP pass.
        from src_dash.dunning.bench_inbox import bench_inbox

        report["inbox"] = bench_inbox(engine, today)

        # Letters: 500 of them, each its own PDF, then one grouped PDF to print.
        batch = _proposals(list(the_plan.proposals), "letter", letters)
        started = time.perf_counter()
        run = create_run(engine, batch, settings=settings)
        files_seconds = time.perf_counter() - started
        grouped = base_dir / "letters-grouped.pdf"
        loaded = load_letters(engine, list(run.message_ids))
        started = time.perf_counter()
        render_letters(loaded, grouped)
        grouped_seconds = time.perf_counter() - started
        pages = subprocess.run(["pdfinfo", str(grouped)], capture_output=True, text=True).stdout
        report["letters"] = {
            "count": len(loaded),
            "run_with_each_letters_pdf_seconds": round(files_seconds, 2),
            "grouped_pdf_seconds": round(grouped_seconds, 2),
            "grouped_pdf_mb": round(grouped.stat().st_size / 2**20, 2),
            "grouped_pdf_pages": next(
                (int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")),
                None,
            ),
        }
        report["targets"] = {
            "plan_within_2s": first_plan <= 2.0,
            "emails_at_least_100_per_second": bool(send_seconds)
            and done.sent / send_seconds >= 100,
            "grouped_500_letters_within_30s": grouped_seconds <= 30.0,
            "imap_1000_replies_within_10s": report["inbox"].get("within_10s"),
        }
        report["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
        report["cores"] = os.cpu_count()
        report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    finally:
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)
        engine.dispose()
        clear_cache()
        tmp.cleanup()
    return report
