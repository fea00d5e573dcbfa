"""The dispatcher: sends the outbox's queued emails, prints its queued letters.

One pass (`dispatch`) takes the dispatcher lock (one dispatcher at a time, see `outbox`), resolves
what a dead dispatcher left (`attempts.recover`), then claims the due emails a small batch at a
time (a few per connection, each with a lease) and sends them over a few reused SMTP connections
at most `SMTP_RATE` per second. Each message's status is written by a single store thread that
commits the writes of all connections together (group commit), so the handover commit before each
end of data costs little. The server's answer is kept with the attempt; transient failures
(connection refused, timeout, 4xx) are tried again later with a doubling backoff, capped, and
never fail for good; permanent ones (5xx) fail with an alert. When the server cannot be reached
the pass stops: the message that found it down counts an attempt, the others claimed go back to
the queue untouched, due with it; one ``smtp_unreachable`` alert stays open until a message goes
through again. What survives a crash, and how a message in doubt is resolved, is told in
`attempts`.

Environment: ``SRC_DASH_DISPATCH_LEASE`` (seconds a claim holds, default 300),
``SRC_DASH_DISPATCH_BATCH`` (messages claimed per connection at a time, default 2),
``SRC_DASH_DELIVERY_CHECK`` (``sink``: ask the local mail sink's folder whether a message in
doubt arrived; default none: such a message becomes ``uncertain`` with an alert).

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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.config import Settings, load_settings
from src_dash.dunning import attempts, outbox, send_window
from src_dash.dunning.alerts import EMAIL_BOUNCED, SMTP_UNREACHABLE, message_alert, raise_alert
from src_dash.dunning.alerts import resolve_key as resolve_alert_key
from src_dash.dunning.smtp import (
    BadAddress,
    SendResult,
    ServerUnavailable,
    SmtpConfig,
    SmtpConnection,
    build_email,
    message_id_for,
)
from src_dash.store import Message

_PG_LOCK_KEY = 0x5352_4344  # "SRCD": the dispatcher's advisory lock on PostgreSQL
_LOCAL_LOCKS: dict[str, threading.Lock] = {}


@dataclass(frozen=True)
class DispatchResult:
    """What one pass did."""

    busy: bool = False  # another dispatcher held the lock: nothing was done
    requeued: int = 0  # left in `sending` by a dead dispatcher, queued again
    uncertain: int = 0  # left in `handover` by a dead dispatcher (plus those lost in this pass)
    found_sent: int = 0  # left in `handover`, found at the mail server: sent
    checking: int = 0  # lost after the end of data in this pass: looked up at the server later
    sent: int = 0
    retried: int = 0  # transient failures, waiting for their next attempt
    failed: int = 0
    bounced: int = 0
    letters_printed: int = 0  # letters put in a grouped PDF to print (not sent until posted)
    print_file: str = ""  # the grouped PDF of those letters
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
    untried: list[int] = field(default_factory=list)  # claimed, not tried: no attempt
    probed: list[int] = field(default_factory=list)  # tried and the server was unreachable
    reached: bool = False  # a message went through in this pass
    check: attempts.DeliveryCheck | None = None

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


def _email_data(message: outbox.OutgoingMessage, config: SmtpConfig, smtp_id: str) -> bytes:
    """The email of a message, as sent (its statement of account attached when it has one)."""
    return build_email(
        sender=message.sender or config.sender,
        reply_to=message.reply_to,
        to=message.recipients_to,
        cc=message.recipients_cc,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        message_id=smtp_id,
        attachment=Path(message.pdf_path) if message.pdf_path else None,
    )


def _writer(state: _Pass, result, mid: int, token: str, s: Settings):  # noqa: ANN001, ANN202
    """What to write in the store for the server's answer to a message: sent, uncertain (left
    for the check, or marked), or refused (retried later or failed); returns the status."""
    now = state.now()
    sent_by = state.sent_by

    first_success = result.outcome == "sent" and not state.reached
    state.reached = state.reached or result.outcome == "sent"

    def sent(c: Connection) -> str:
        attempts.mark_sent(c, mid, token, result.answer, now, sent_by)
        if first_success:  # the server answers again: its alert is over
            resolve_alert_key(c, SMTP_UNREACHABLE)
        if result.refused:
            message_alert(
                c, EMAIL_BOUNCED, mid, "some recipients refused: " + "; ".join(result.refused)
            )
        return "sent"

    def uncertain(c: Connection) -> str:
        if state.check is not None:
            # Left in the handover: once its lease is past, the server is asked for it.
            return "checking"
        outbox.mark_uncertain(c, mid, token, result.answer)
        return "uncertain"

    def refused(c: Connection) -> str:
        return attempts.mark_refused(
            c,
            mid,
            token,
            result.answer,
            now,
            permanent=result.outcome in ("permanent", "bounced"),
            bounced=result.outcome == "bounced",
            backoff_seconds=s.dispatch_backoff_seconds,
            backoff_max_seconds=s.dispatch_backoff_max_seconds,
        )

    return {"sent": sent, "uncertain": uncertain}.get(result.outcome, refused)


async def _hand_over(
    state: _Pass,
    message: outbox.OutgoingMessage,
    conn: SmtpConnection,
    store: StoreWriter,
    data: bytes,
    smtp_id: str,
) -> SendResult | None:
    """Send a message's bytes to its recipients, its handover noted before the end of data;
    None when the server could not be reached or the store failed (said in `state`)."""
    token, mid = state.token, message.id
    recipients = list(dict.fromkeys(e for e, _ in message.recipients_to + message.recipients_cc))

    async def before_end() -> None:
        await store.run(lambda c: outbox.mark_handover(c, mid, token, smtp_id))

    try:
        return await conn.send(recipients, data, before_end)
    except ServerUnavailable as exc:
        state.server_error = str(exc)
        state.probed.append(mid)
    except Exception as exc:  # the store failed the handover: the end of data was not sent
        state.store_error = f"{type(exc).__name__}: {exc}"
    return None


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
    token, mid = state.token, message.id
    try:
        data = _email_data(message, config, smtp_id)
    except BadAddress as exc:  # never sent: refused for good, like a server's 5xx
        result = SendResult("refused", f"553 5.1.3 {exc}")
    else:
        result = await _hand_over(state, message, conn, store, data, smtp_id)
        if result is None:
            return
    write = _writer(state, result, mid, token, s)
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
    batch_size: int | None = None,
    lease_seconds: float | None = None,
    check: attempts.DeliveryCheck | None | str = "env",
) -> DispatchResult:
    """One pass of the dispatcher (see the module's docstring).

    Args:
        engine: the store.
        settings: the settings (default: the environment).
        now: the time of the pass (tests travel with it); default the clock, read per message.
        limit: send at most this many emails.
        sent_by: the user who asked for it (None for the scheduler).
        config: the SMTP server (default: from the settings).
        letters: also put the letters to print into one grouped PDF (see `letter_post`).
        batch_size: how many emails are claimed at a time (default: a few per connection).
        lease_seconds: how long a claim holds (default: SRC_DASH_DISPATCH_LEASE, 300).
        check: how to ask the server about a message in doubt (see `attempts`); "env" reads
            SRC_DASH_DELIVERY_CHECK.
    """
    started = time.perf_counter()
    settings = settings or load_settings()
    config = config or SmtpConfig.from_settings(settings)
    if check == "env":
        check = delivery_check(settings)
    batch_size, lease_seconds = _pass_sizes(settings, batch_size, lease_seconds)
    with dispatcher_lock(engine) as got:
        if not got:
            return DispatchResult(busy=True)
        state = _Pass(
            token=uuid.uuid4().hex[:16],
            now=(lambda: now) if now is not None else utcnow,
            settings=settings,
            sent_by=sent_by,
            check=check if callable(check) else None,
        )
        with engine.begin() as conn:
            requeued, uncertain, found = attempts.recover(conn, state.now(), state.check)
            if settings.send_windows:  # emails outside their company's window wait in the outbox
                send_window.hold_outside_window(conn, state.now())
        # Items settled, disputed or stopped since a message was planned: never sent as it was.
        from src_dash.dunning.freshness import refresh_queued

        await asyncio.to_thread(refresh_queued, engine)
        lease = timedelta(seconds=lease_seconds)
        await _email_pass(engine, state, config, limit, batch_size, lease)
        printed, print_file = 0, ""
        if letters and not state.store_error:
            from src_dash.dunning.letter_post import print_batch

            printed, print_file = await asyncio.to_thread(
                print_batch, engine, state.now(), sent_by, settings
            )
    c = state.counts
    return DispatchResult(
        requeued=requeued,
        uncertain=uncertain + c.get("uncertain", 0),
        found_sent=found,
        checking=c.get("checking", 0),
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


def _pass_sizes(
    settings: Settings, batch_size: int | None, lease_seconds: float | None
) -> tuple[int, float]:
    """How many emails are claimed at a time and how long a claim holds: as given, else from
    SRC_DASH_DISPATCH_BATCH (per connection) and SRC_DASH_DISPATCH_LEASE."""
    if batch_size is None:
        per = int(os.environ.get("SRC_DASH_DISPATCH_BATCH") or 2)
        batch_size = max(1, per) * max(1, settings.smtp_connections)
    if lease_seconds is None:
        lease_seconds = float(
            os.environ.get("SRC_DASH_DISPATCH_LEASE") or attempts.DEFAULT_LEASE_SECONDS
        )
    return batch_size, lease_seconds


async def _email_pass(
    engine: Engine,
    state: _Pass,
    config: SmtpConfig,
    limit: int | None,
    batch_size: int,
    lease: timedelta,
) -> None:
    s = state.settings
    store = StoreWriter(engine)
    store.start()
    # Bounded: the next small batch is claimed while the workers send the last one, so they
    # never wait for a claim, and at most two batches are claimed ahead of their sending.
    queue: asyncio.Queue = asyncio.Queue(maxsize=max(1, batch_size))
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
                    lambda c, n=size: outbox.addressed(
                        c,
                        attempts.claim(c, state.token, state.now(), n, lease),
                        state.now(),
                        state.settings,
                    )
                )
            except Exception as exc:
                state.store_error = f"{type(exc).__name__}: {exc}"
                break
            if not batch:
                break
            claimed += len(batch)
            for message in batch:
                await queue.put(message)
    finally:
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers, return_exceptions=True)
        if (state.untried or state.probed) and not state.store_error:
            await _untried(state, store)
        await store.close()


async def _untried(state: _Pass, store: StoreWriter) -> None:
    """The pass stopped: the messages that found the server down count an attempt and wait
    their backoff; the others claimed go back to the queue with no attempt, due with them."""
    s, now, token, error = state.settings, state.now(), state.token, state.server_error
    probed, untried = list(state.probed), list(state.untried)

    def write(c: Connection) -> list[str]:
        if error:
            raise_alert(
                c, SMTP_UNREACHABLE, SMTP_UNREACHABLE, f"the mail server cannot be reached: {error}"
            )
        statuses = [
            attempts.mark_refused(
                c,
                mid,
                token,
                error,
                now,
                permanent=False,
                backoff_seconds=s.dispatch_backoff_seconds,
                backoff_max_seconds=s.dispatch_backoff_max_seconds,
            )
            for mid in probed
        ]
        m = Message.__table__
        due = None
        if probed:
            due = c.execute(
                select(func.max(m.c.next_attempt_at)).where(m.c.id.in_(probed))
            ).scalar()
        attempts.release(c, untried, token, due)
        return statuses + ["untried"] * len(untried)

    try:
        for status in await store.run(write):
            state.count({"queued": "retried"}.get(status, status or "lost"))
    except Exception as exc:
        state.store_error = f"{type(exc).__name__}: {exc}"


def delivery_check(settings: Settings) -> attempts.DeliveryCheck | None:
    """The way to ask the mail server about a message in doubt that SRC_DASH_DELIVERY_CHECK
    names: ``sink`` (the local mail sink's folder), or none."""
    kind = os.environ.get("SRC_DASH_DELIVERY_CHECK", "").strip().lower()
    if kind == "sink":
        return attempts.sink_check(settings.mail_sink_dir or settings.data_dir / "mail-sink")
    return None


def dispatch(engine: Engine, settings: Settings | None = None, **kwargs: Any) -> DispatchResult:
    """Run one pass of the dispatcher from plain (non-async) code; see `dispatch_async`."""
    return asyncio.run(dispatch_async(engine, settings, **kwargs))


def dispatch_job(settings: Settings | None = None) -> DispatchResult:
    """The scheduler's job: one pass of the dispatcher on the configured store."""
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    return dispatch(get_engine(settings.database_url), settings)
