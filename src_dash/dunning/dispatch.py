"""The dispatcher: sends the outbox's queued emails, prints its queued letters.

One pass (`dispatch`) takes the dispatcher lock (one dispatcher at a time, see `outbox`), resolves
what a dead dispatcher left, then claims the due emails in batches and sends them over a few
reused SMTP connections at most `SMTP_RATE` per second. Each message's status is written by a
single store thread that commits the writes of all connections together (group commit), so the
handover commit before each end of data costs little. The server's answer is kept; transient
failures are tried again later with a doubling backoff; permanent ones, and transient ones after
`dispatch_max_attempts`, fail with an alert. When the server cannot be reached the pass stops,
every message it had claimed waits for its next attempt, and one ``smtp_unreachable`` alert stays
open until a message goes through again.

`src-dash dispatch`, `src-dash send` and the scheduler (every `SRC_DASH_DISPATCH_INTERVAL`
seconds) run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.config import Settings, load_settings
from src_dash.dunning import outbox
from src_dash.dunning.alerts import EMAIL_BOUNCED, SMTP_UNREACHABLE, message_alert, raise_alert
from src_dash.dunning.alerts import resolve_key as resolve_alert_key
from src_dash.dunning.smtp import (
    ServerUnavailable,
    SmtpConfig,
    SmtpConnection,
    build_email,
    message_id_for,
)

_PG_LOCK_KEY = 0x5352_4344  # "SRCD": the dispatcher's advisory lock on PostgreSQL
_LOCAL_LOCKS: dict[str, threading.Lock] = {}


@dataclass(frozen=True)
class DispatchResult:
    """What one pass did."""

    busy: bool = False  # another dispatcher held the lock: nothing was done
    requeued: int = 0  # left in `sending` by a dead dispatcher, queued again
    uncertain: int = 0  # left in `handover` by a dead dispatcher (plus those lost in this pass)
    sent: int = 0
    retried: int = 0  # transient failures, waiting for their next attempt
    failed: int = 0
    bounced: int = 0
    letters_printed: int = 0
    print_file: str = ""  # the grouped PDF of the letters printed
    server_error: str = ""  # why the server could not be reached, when it could not
    store_error: str = ""  # why the pass stopped on a store error, when it did
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@contextlib.contextmanager
def dispatcher_lock(engine: Engine) -> Iterator[bool]:
    """Hold the store's dispatcher lock; yields False when another dispatcher holds it.

    PostgreSQL: a session advisory lock on a connection kept open. SQLite: an exclusive file lock
    beside the store file. Both go away with the process that holds them, however it dies.
    """
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}).scalar()
            )
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
        finally:
            conn.close()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        lock = _LOCAL_LOCKS.setdefault(str(engine.url), threading.Lock())
        got = lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                lock.release()
        return
    fd = os.open(f"{database}.dispatch.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
        try:
            yield got
        finally:
            if got:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class StoreWriter:
    """Runs store writes on one thread; writes waiting together are committed together."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-store")
        self.pending: list[tuple[Callable[[Connection], Any], asyncio.Future]] = []
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.closed = False

    def start(self) -> None:
        """Start the writer task on the running loop."""
        self.task = asyncio.get_running_loop().create_task(self._loop())

    def submit(self, op: Callable[[Connection], Any]) -> asyncio.Future:
        """Queue a write; the future gets its result once committed."""
        future = asyncio.get_running_loop().create_future()
        self.pending.append((op, future))
        self.wake.set()
        return future

    async def run(self, op: Callable[[Connection], Any]) -> Any:
        """Queue a write and wait until it is committed; return its result."""
        return await self.submit(op)

    def _apply(self, batch: list[Callable[[Connection], Any]]) -> list[tuple[bool, Any]]:
        try:
            with self.engine.begin() as conn:
                return [(True, op(conn)) for op in batch]
        except Exception:
            if len(batch) == 1:
                raise
        # One write failed the group: commit each alone so the others still land.
        out: list[tuple[bool, Any]] = []
        for op in batch:
            try:
                with self.engine.begin() as conn:
                    out.append((True, op(conn)))
            except Exception as exc:
                out.append((False, exc))
        return out

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self.pending:
                if self.closed:
                    return
                await self.wake.wait()
                self.wake.clear()
                continue
            batch, self.pending = self.pending, []
            try:
                results = await loop.run_in_executor(
                    self.executor, self._apply, [op for op, _ in batch]
                )
            except Exception as exc:
                results = [(False, exc)] * len(batch)
            for (_, future), (ok, value) in zip(batch, results, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def close(self) -> None:
        """Commit what is pending and stop."""
        self.closed = True
        self.wake.set()
        if self.task is not None:
            await self.task
        self.executor.shutdown(wait=True)


class RateLimiter:
    """At most `rate` starts per second over all connections (no limit when rate <= 0)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_slot = 0.0

    async def wait(self) -> None:
        """Wait for the next free slot."""
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(now, self.next_slot)
        self.next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class _Pass:
    token: str
    now: Callable[[], datetime]
    settings: Settings
    sent_by: int | None
    counts: dict[str, int] = field(default_factory=dict)
    server_error: str = ""
    store_error: str = ""
    untried: list[int] = field(default_factory=list)
    reached: bool = False  # a message went through in this pass

    def count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    @property
    def stopped(self) -> bool:
        return bool(self.server_error or self.store_error)


async def _worker(
    state: _Pass,
    queue: asyncio.Queue,
    config: SmtpConfig,
    store: StoreWriter,
    limiter: RateLimiter,
) -> None:
    conn = SmtpConnection(config)
    s = state.settings
    try:
        while True:
            message = await queue.get()
            try:
                if message is None:
                    return
                if state.stopped:
                    state.untried.append(message.id)
                    continue
                await _send_one(state, message, conn, config, store, limiter, s)
            finally:
                queue.task_done()
    finally:
        await conn.close()


async def _send_one(
    state: _Pass,
    message: outbox.OutgoingMessage,
    conn: SmtpConnection,
    config: SmtpConfig,
    store: StoreWriter,
    limiter: RateLimiter,
    s: Settings,
) -> None:
    if conn.is_open and conn.sent_on_connection >= s.smtp_per_connection:
        await conn.close()
    await limiter.wait()
    smtp_id = message_id_for(message.idempotency_key, message.id, config.domain)
    data = build_email(
        sender=config.sender,
        to=message.recipients_to,
        cc=message.recipients_cc,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        message_id=smtp_id,
        attachment=Path(message.pdf_path) if message.pdf_path else None,
    )
    recipients = list(dict.fromkeys(e for e, _ in message.recipients_to + message.recipients_cc))
    token, mid = state.token, message.id

    async def before_end() -> None:
        await store.run(lambda c: outbox.mark_handover(c, mid, token, smtp_id))

    try:
        result = await conn.send(recipients, data, before_end)
    except ServerUnavailable as exc:
        state.server_error = str(exc)
        state.untried.append(mid)
        return
    except Exception as exc:  # the store failed the handover: the end of data was not sent
        state.store_error = f"{type(exc).__name__}: {exc}"
        return
    now = state.now()
    sent_by = state.sent_by

    first_success = result.outcome == "sent" and not state.reached
    state.reached = state.reached or result.outcome == "sent"

    def sent(c: Connection) -> str:
        outbox.mark_sent(c, mid, token, result.answer, now, sent_by)
        if first_success:  # the server answers again: its alert is over
            resolve_alert_key(c, SMTP_UNREACHABLE)
        if result.refused:
            message_alert(
                c, EMAIL_BOUNCED, mid, "some recipients refused: " + "; ".join(result.refused)
            )
        return "sent"

    def uncertain(c: Connection) -> str:
        outbox.mark_uncertain(c, mid, token, result.answer)
        return "uncertain"

    def refused(c: Connection) -> str:
        return outbox.mark_refused(
            c,
            mid,
            token,
            result.answer,
            now,
            permanent=result.outcome in ("permanent", "bounced"),
            bounced=result.outcome == "bounced",
            max_attempts=s.dispatch_max_attempts,
            backoff_seconds=s.dispatch_backoff_seconds,
            backoff_max_seconds=s.dispatch_backoff_max_seconds,
        )

    write = {"sent": sent, "uncertain": uncertain}.get(result.outcome, refused)
    try:
        # Wait for the commit before the next message: after a crash, at most the message in
        # flight on each connection is left in the handover.
        status = await store.run(write)
    except Exception as exc:  # the answer could not be kept: stop; the next pass resolves it
        state.store_error = f"{type(exc).__name__}: {exc}"
        return
    state.count({"queued": "retried"}.get(status, status or "lost"))


async def dispatch_async(
    engine: Engine,
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    sent_by: int | None = None,
    config: SmtpConfig | None = None,
    letters: bool = True,
    batch_size: int = 500,
) -> DispatchResult:
    """One pass of the dispatcher (see the module's docstring).

    Args:
        engine: the store.
        settings: the settings (default: the environment).
        now: the time of the pass (tests travel with it); default the clock, read per message.
        limit: send at most this many emails.
        sent_by: the user who asked for it (None for the scheduler).
        config: the SMTP server (default: from the settings).
        letters: also print the queued letters into one grouped PDF.
        batch_size: how many emails are claimed at a time.
    """
    started = time.perf_counter()
    settings = settings or load_settings()
    config = config or SmtpConfig.from_settings(settings)
    with dispatcher_lock(engine) as got:
        if not got:
            return DispatchResult(busy=True)
        with engine.begin() as conn:
            requeued, uncertain = outbox.recover(conn)
        state = _Pass(
            token=uuid.uuid4().hex[:16],
            now=(lambda: now) if now is not None else utcnow,
            settings=settings,
            sent_by=sent_by,
        )
        await _email_pass(engine, state, config, limit, batch_size)
        printed, print_file = 0, ""
        if letters and not state.store_error:
            from src_dash.dunning.letters import print_queued_letters

            printed, print_file = await asyncio.to_thread(
                print_queued_letters, engine, state.now(), sent_by, settings
            )
    c = state.counts
    return DispatchResult(
        requeued=requeued,
        uncertain=uncertain + c.get("uncertain", 0),
        sent=c.get("sent", 0),
        retried=c.get("retried", 0),
        failed=c.get("failed", 0),
        bounced=c.get("bounced", 0),
        letters_printed=printed,
        print_file=print_file,
        server_error=state.server_error,
        store_error=state.store_error,
        seconds=round(time.perf_counter() - started, 3),
    )


async def _email_pass(
    engine: Engine, state: _Pass, config: SmtpConfig, limit: int | None, batch_size: int
) -> None:
    s = state.settings
    store = StoreWriter(engine)
    store.start()
    queue: asyncio.Queue = asyncio.Queue()
    limiter = RateLimiter(s.smtp_rate)
    workers = [
        asyncio.create_task(_worker(state, queue, config, store, limiter))
        for _ in range(max(1, s.smtp_connections))
    ]
    claimed = 0
    try:
        while not state.stopped and (limit is None or claimed < limit):
            size = batch_size if limit is None else min(batch_size, limit - claimed)
            try:
                batch = await store.run(
                    lambda c, n=size: outbox.claim(c, state.token, state.now(), n)
                )
            except Exception as exc:
                state.store_error = f"{type(exc).__name__}: {exc}"
                break
            if not batch:
                break
            claimed += len(batch)
            for message in batch:
                queue.put_nowait(message)
            await queue.join()
    finally:
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers, return_exceptions=True)
        if state.untried and not state.store_error:
            await _untried(state, store)
        await store.close()


async def _untried(state: _Pass, store: StoreWriter) -> None:
    """The server could not be reached: each message claimed counts an attempt and waits."""
    s, now, token, error = state.settings, state.now(), state.token, state.server_error
    ids = list(state.untried)

    def write(c: Connection) -> list[str]:
        raise_alert(
            c, SMTP_UNREACHABLE, SMTP_UNREACHABLE, f"the mail server cannot be reached: {error}"
        )
        return [
            outbox.mark_refused(
                c,
                mid,
                token,
                error,
                now,
                permanent=False,
                max_attempts=s.dispatch_max_attempts,
                backoff_seconds=s.dispatch_backoff_seconds,
                backoff_max_seconds=s.dispatch_backoff_max_seconds,
            )
            for mid in ids
        ]

    try:
        for status in await store.run(write):
            state.count({"queued": "retried"}.get(status, status or "lost"))
    except Exception as exc:
        state.store_error = f"{type(exc).__name__}: {exc}"


def dispatch(engine: Engine, settings: Settings | None = None, **kwargs: Any) -> DispatchResult:
    """Run one pass of the dispatcher from plain (non-async) code; see `dispatch_async`."""
    return asyncio.run(dispatch_async(engine, settings, **kwargs))


def dispatch_job(settings: Settings | None = None) -> DispatchResult:
    """The scheduler's job: one pass of the dispatcher on the configured store."""
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    return dispatch(get_engine(settings.database_url), settings)
