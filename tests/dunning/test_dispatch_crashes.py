"""Retries that survive crashes (issue 12, section 6): 96 emails, a dispatcher in another process
killed with SIGKILL 20 times at random moments (and at chosen ones: during an envelope, and
after the server took the data but before the sender heard it), a mail server stopped and
started again, answering 4xx for a while, and 5xx for some recipients. At the end every message
is at the sink exactly once (counted by Message-ID), and none failed but the 5xx ones."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from smtp_helpers import SmtpServer, make_ledger, proposal
from sqlalchemy import select

from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.mailsink import SinkHandler
from src_dash.dunning.runs import create_run
from src_dash.store import Action, Alert, Message

TOTAL = 96
KILLS = 20
REFUSED = {"compta7@example.com", "compta41@example.com", "compta88@example.com"}

# The scheduler's loop in a child process, killed and started again 20 times. Importing the app
# takes seconds on a busy machine, so one process imports it once and forks each dispatcher (the
# store's engine is made after the fork); a fork is a process of its own, killed with SIGKILL.
FORKER = """
import os, signal, sys, time
from src_dash.dunning.dispatch import dispatch
from src_dash.store.engine import make_engine
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped at once
print("ready", flush=True)
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        engine = make_engine(sys.argv[1])
        while True:
            dispatch(engine, letters=False)
            time.sleep(0.02)
    print(pid, flush=True)
"""


pytestmark = pytest.mark.usefixtures("data_dir")


class Dispatcher:
    """A dispatcher process (forked from the forker), or none."""

    def __init__(self, forker: subprocess.Popen) -> None:
        self.forker = forker
        self.pid: int | None = None

    @classmethod
    def forker(cls, url: str, env: dict[str, str]) -> subprocess.Popen:
        forker = subprocess.Popen(
            [sys.executable, "-c", FORKER, url],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert forker.stdout is not None and forker.stdout.readline().strip() == "ready"
        return forker

    def start(self) -> None:
        assert self.forker.stdin is not None and self.forker.stdout is not None
        self.forker.stdin.write("go\n")
        self.forker.stdin.flush()
        self.pid = int(self.forker.stdout.readline())

    def alive(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> bool:
        """SIGKILL it and wait until it is gone; False when it was not running."""
        if not self.alive():
            return False
        os.kill(self.pid, signal.SIGKILL)
        while self.alive():
            time.sleep(0.005)
        return True


class Sink:
    """The server's behaviour: a real aiosmtpd that keeps what it accepts as .eml files."""

    def __init__(self, directory: Path) -> None:
        self.keeper = SinkHandler(directory)
        self.directory = directory
        self.busy = False  # answer 451 to every message
        self.kill_at_data: int | None = None  # kill the child when the n-th message is taken
        self.kill_at_rcpt: int | None = None  # kill the child at the n-th recipient
        self.child: Dispatcher | None = None
        self.taken = 0
        self.rcpts = 0
        self.kills: Counter[str] = Counter()

    def _kill(self, where: str) -> None:
        if self.child is not None and self.child.kill():
            self.kills[where] += 1

    def on_rcpt(self, address: str) -> str | None:
        self.rcpts += 1
        if self.kill_at_rcpt is not None and self.rcpts >= self.kill_at_rcpt:
            self.kill_at_rcpt = None
            self._kill("in the envelope")
        return None

    def on_data(self, envelope) -> str | None:  # noqa: ANN001
        if self.busy:
            return "451 4.3.0 try again later"
        if REFUSED & set(envelope.rcpt_tos):
            return "554 5.7.1 rejected"
        content = envelope.original_content or envelope.content
        self.keeper.store(envelope.mail_from, list(envelope.rcpt_tos), bytes(content))
        self.taken += 1
        if self.kill_at_data is not None and self.taken >= self.kill_at_data:
            # The server has it; its sender dies before hearing the 250.
            self.kill_at_data = None
            self._kill("after the data")
        return None

    def message_ids(self) -> Counter[str]:
        parser = BytesHeaderParser()
        ids: Counter[str] = Counter()
        for path in self.directory.glob("*.eml"):
            with path.open("rb") as handle:
                ids[(parser.parse(handle).get("Message-ID") or "").strip()] += 1
        return ids


def _env(server: SmtpServer, sink: Sink) -> dict[str, str]:
    return {
        **os.environ,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(server.port),
        "SMTP_FROM": "relances@atelier-dumas.fr",
        "SMTP_CONNECTIONS": "3",
        "SMTP_RATE": "10",  # slow enough that the kills and outages meet messages in flight
        "SMTP_TIMEOUT": "5",
        "SRC_DASH_DISPATCH_BACKOFF": "0.2",
        "SRC_DASH_DISPATCH_BACKOFF_MAX": "1",
        "SRC_DASH_DISPATCH_MAX_ATTEMPTS": "2",  # transient failures go on past it
        "SRC_DASH_DISPATCH_LEASE": "1",
        "SRC_DASH_DELIVERY_CHECK": "sink",
        "SRC_DASH_MAIL_SINK_DIR": str(sink.directory),
    }


def _left(engine) -> Counter[str]:
    m = Message.__table__
    with engine.connect() as conn:
        return Counter(conn.execute(select(m.c.status)).scalars())


def test_twenty_kills_and_outages_deliver_every_email_exactly_once(
    store, store_url, tmp_path, monkeypatch
):
    ids = make_ledger(store, TOTAL)
    create_run(store, [proposal(store, ids, n) for n in range(TOTAL)])
    sink = Sink(tmp_path / "sink")
    server = SmtpServer()
    server.on_rcpt = sink.on_rcpt
    server.on_data = sink.on_data
    server.start()
    env = _env(server, sink)
    for key in ("SRC_DASH_DELIVERY_CHECK", "SRC_DASH_MAIL_SINK_DIR"):
        monkeypatch.setenv(key, env[key])
    rng = random.Random(12)
    started = time.monotonic()
    forker = Dispatcher.forker(store_url, env)
    child = sink.child = Dispatcher(forker)
    try:
        down = False
        for k in range(KILLS):
            if k == 4:  # the server goes away for a while, then comes back on the same port
                server.stop()
                down = True
            if k == 7:
                server.start()
                down = False
            if k == 10:  # it says "try again later" to every message for a while
                sink.busy = True
            if k == 13:
                sink.busy = False
            child.start()
            trigger = False
            if k in (2, 9, 15):  # killed after the server took a message, before the 250
                sink.kill_at_data = sink.taken + rng.randint(1, 3)
                trigger = True
            elif k in (5, 17) and not down:  # killed in the middle of an envelope
                sink.kill_at_rcpt = sink.rcpts + rng.randint(1, 6)
                trigger = True
            # A random moment of its work: once the server hears from it (the server down: at
            # once), a random delay later. A busy machine starts a process slowly.
            seen, limit = sink.rcpts, time.monotonic() + 10
            while not down and sink.rcpts == seen and child.alive() and time.monotonic() < limit:
                time.sleep(0.005)
            deadline = time.monotonic() + (10 if trigger else rng.uniform(0.0, 0.5))
            while time.monotonic() < deadline and child.alive():
                time.sleep(0.005)
            sink._kill("at a random time")
            sink.kill_at_data = sink.kill_at_rcpt = None
        killed = sum(sink.kills.values())
        by_children = sink.taken
        # The scheduler runs again after the last kill, until nothing is left to do.
        settings = server.settings(
            smtp_connections=3, dispatch_backoff_seconds=0.2, dispatch_backoff_max_seconds=1
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            dispatch(store, settings, letters=False, lease_seconds=1)
            left = _left(store)
            if not (left["queued"] or left["sending"] or left["handover"]):
                break
            time.sleep(0.1)
    finally:
        child.kill()
        forker.kill()
        forker.wait()
        server.stop()
    took = time.monotonic() - started

    m = Message.__table__
    with store.connect() as conn:
        messages = conn.execute(select(m).order_by(m.c.id)).all()
    refused = {r.id for r in messages if {x["email"] for x in r.recipients_to} & REFUSED}
    assert len(refused) == len(REFUSED)
    at_sink = sink.message_ids()
    # Every message delivered exactly once; none failed but the refused ones.
    assert killed == KILLS, sink.kills
    assert sink.kills["after the data"] >= 1 and sink.kills["in the envelope"] >= 1
    assert all(n == 1 for n in at_sink.values()), at_sink.most_common(3)
    for r in messages:
        if r.id in refused:
            assert (r.status, r.server_answer) == ("failed", "554 5.7.1 rejected")
            assert r.smtp_message_id not in at_sink
        else:
            assert r.status == "sent", (r.id, r.status, r.server_answer)
            assert at_sink[r.smtp_message_id] == 1
    assert len(at_sink) == TOTAL - len(REFUSED)
    # An attempt is counted only for a real try: never more than the server's refusals (4xx,
    # connection refused) plus the one that went through, so no message ran out of attempts.
    assert min(r.attempts for r in messages) >= 1
    a, al = Action.__table__, Alert.__table__
    with store.connect() as conn:
        actions = Counter(conn.execute(select(a.c.status)).scalars())
        alerts = Counter(conn.execute(select(al.c.kind)).scalars())
    assert actions == {"done": TOTAL - len(REFUSED), "failed": len(REFUSED)}
    assert alerts["email_uncertain"] == 0 and alerts["email_failed"] == len(REFUSED)
    print(
        f"\n{killed} kills {dict(sink.kills)}, {len(at_sink)} delivered once "
        f"({by_children} by the killed dispatchers), "
        f"{len(refused)} refused (5xx), attempts {sum(r.attempts for r in messages)}, "
        f"{took:.1f} s"
    )
