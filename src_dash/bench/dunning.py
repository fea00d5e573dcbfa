"""`src-dash bench dunning`: time planning, rendering and delivering emails, and printing letters.

Builds a demo Sage base of `entries` entries and syncs it into a fresh store (in child processes,
as `src-dash bench analytics` does), seeds the default scenarios, then measures:
- planning every customer as of the demo's today (cold: with the ledger's load; warm: cached);
- writing a run of 5,000 emails (rendering each with its template) and delivering them to a local
  SMTP server (the app's mail sink, in its own process, writing one .eml per message) over a few
  reused connections: messages per second, and the count the server received;
- a grouped PDF of 500 letters (and the 500 letters' own PDFs);
- the IMAP pass over 1,000 replies to those emails in a private Dovecot (`bench.inbox`).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from src_dash.bench.common import (
    BenchRun,
    free_port,
    load_average,
    peak_rss_mb,
    remove_sqlite,
    since,
    sync_in_child,
    wait_port,
)
from src_dash.config import Settings, load_settings

EMAILS = 5000
LETTERS = 500


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


def _plan(engine, today: date) -> tuple[object, dict[str, object], float]:  # noqa: ANN001
    """Plan every customer, cold (with the ledger's load) then warm: the plan, its figures and
    the cold plan's seconds."""
    from src_dash.analytics.ledger import clear_cache, get_ledger
    from src_dash.dunning.planner import plan

    clear_cache()
    started = time.perf_counter()
    get_ledger(engine)
    ledger_seconds = since(started)
    started = time.perf_counter()
    the_plan = plan(engine, today)
    first_plan = since(started)
    started = time.perf_counter()
    the_plan = plan(engine, today)
    warm_plan = since(started)
    by_channel: dict[str, int] = {}
    for p in the_plan.proposals:
        by_channel[p.channel] = by_channel.get(p.channel, 0) + 1
    return (
        the_plan,
        {
            "ledger_load_seconds": round(ledger_seconds, 2),
            "plan_seconds": round(first_plan, 2),
            "plan_again_seconds": round(warm_plan, 2),
            "cold_seconds_with_ledger": round(ledger_seconds + first_plan, 2),
            "proposals": len(the_plan.proposals),
            "by_channel": by_channel,
            "exclusions": len(the_plan.exclusions),
        },
        first_plan,
    )


def _start_sink(sink_dir: Path) -> tuple[subprocess.Popen, int]:
    """The app's mail sink in its own process, writing one .eml per message: (process, port)."""
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "src_dash.dunning.mailsink", "--port", str(port),
         "--dir", str(sink_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_port(port, "the mail sink")
    return sink, port


def _emails(engine, proposals: list, count: int, settings: Settings, work: Path):  # noqa: ANN001, ANN201
    """A run of `count` emails written and rendered, then delivered to the mail sink: the
    figures, and the delivery's (sent, seconds)."""
    from src_dash.dunning.dispatch import dispatch
    from src_dash.dunning.runs import create_run

    sink_dir = work / "mail-sink"
    sink, port = _start_sink(sink_dir)
    try:
        batch = _proposals(proposals, "email", count)
        started = time.perf_counter()
        run = create_run(engine, batch, settings=settings)
        run_seconds = since(started)
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
        send_seconds = since(started)
        send_cpu = time.process_time() - cpu
        received = sum(1 for f in sink_dir.iterdir() if f.suffix == ".eml")
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    return {
        "count": run.emails,
        "run_seconds_render_and_write": round(run_seconds, 2),
        "dispatch_seconds": round(send_seconds, 2),
        "sent": done.sent,
        "per_second": round(done.sent / send_seconds, 1) if send_seconds else None,
        "received_by_server": received,
        "dispatcher_cpu_ms_per_email": round(send_cpu * 1000 / max(done.sent, 1), 2),
        "connections": smtp.smtp_connections,
        "errors": len(run.errors),
    }, (done.sent, send_seconds)


def _letters(engine, proposals: list, count: int, settings: Settings, work: Path):  # noqa: ANN001, ANN201
    """`count` letters, each its own PDF, then one grouped PDF to print: the figures, and the
    grouped PDF's seconds."""
    from src_dash.dunning.letters import load_letters, render_letters
    from src_dash.dunning.runs import create_run

    batch = _proposals(proposals, "letter", count)
    started = time.perf_counter()
    run = create_run(engine, batch, settings=settings)
    files_seconds = since(started)
    grouped = work / "letters-grouped.pdf"
    loaded = load_letters(engine, list(run.message_ids))
    started = time.perf_counter()
    render_letters(loaded, grouped)
    grouped_seconds = since(started)
    pages = subprocess.run(["pdfinfo", str(grouped)], capture_output=True, text=True).stdout
    return {
        "count": len(loaded),
        "run_with_each_letters_pdf_seconds": round(files_seconds, 2),
        "grouped_pdf_seconds": round(grouped_seconds, 2),
        "grouped_pdf_mb": round(grouped.stat().st_size / 2**20, 2),
        "grouped_pdf_pages": next(
            (int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")),
            None,
        ),
    }, grouped_seconds


def _targets(
    first_plan: float, sending: tuple[int, float], grouped_seconds: float, inbox: dict
) -> dict[str, bool | None]:
    sent, send_seconds = sending
    return {
        "plan_within_2s": first_plan <= 2.0,
        "emails_at_least_100_per_second": bool(send_seconds) and sent / send_seconds >= 100,
        "grouped_500_letters_within_30s": grouped_seconds <= 30.0,
        "imap_1000_replies_within_10s": inbox.get("within_10s"),
    }


def bench_dunning(
    entries: int,
    emails: int = EMAILS,
    letters: int = LETTERS,
    **options: object,
) -> dict[str, object]:
    """Build, sync, then time the planner, the dispatcher and the letters; return the figures."""
    from src_dash.analytics.ledger import clear_cache
    from src_dash.bench.inbox import bench_inbox
    from src_dash.dunning.defaults import seed_defaults
    from src_dash.store.engine import make_engine

    run = BenchRun(entries, **options)
    tmp, base_dir = run.folder("src-dash-bench-dunning-")
    customers = run.demo_customers
    report: dict[str, object] = {
        "entries_target": entries,
        "customers": customers,
        "load_average_at_start": load_average(),
    }
    base = base_dir / "BENCH.sqlite"
    report["build_seconds"] = round(run.build_base(base), 1)
    url = run.store_in(base_dir)
    remove_sqlite(url)
    report["sync_seconds"] = round(sync_in_child(url, base, run.today), 1)

    settings = dataclasses.replace(load_settings(), data_dir=base_dir / "data")
    engine = make_engine(url)
    try:
        seed_defaults(engine)
        the_plan, report["plan"], first_plan = _plan(engine, run.today)
        proposals = list(the_plan.proposals)
        report["emails"], sending = _emails(engine, proposals, emails, settings, base_dir)
        # The collection mailbox: 1,000 replies to these emails read in one IMAP pass.
        report["inbox"] = inbox = bench_inbox(engine, run.today)
        report["letters"], grouped = _letters(engine, proposals, letters, settings, base_dir)
        report["targets"] = _targets(first_plan, sending, grouped, inbox)
        report["load_average_at_end"] = load_average()
        report["cores"] = os.cpu_count()
        report["peak_rss_mb"] = peak_rss_mb()
    finally:
        engine.dispose()
        clear_cache()
        tmp.cleanup()
    return report
