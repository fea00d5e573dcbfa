"""One holder among several processes and machines: the scheduler's lock (issue 14).

Every backend worker (and `src-dash scheduler`) runs the scheduler's loop, but only the process
that holds this lock runs the jobs; the others ask again at every tick and take over when the
holder is gone.

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection this process keeps
  open. The server releases it when that session ends: at once when the holder's process dies (its
  socket is closed by the kernel), and within `DEAD_PEER_SECONDS` when its machine vanishes (the
  session's TCP keepalives and user timeout, set on the lock's connection). The holder checks its
  connection at every tick; a broken one means the lock is lost, and it stops running the jobs
  until it holds the lock again.
- SQLite (one machine): an exclusive `flock` on `<database>.scheduler.lock`, kept on an open file;
  the kernel releases it when the holding process dies. An in-memory store: a lock of this process.

So a dead holder is replaced within one tick of the scheduler (1 s) plus, for a vanished machine,
`DEAD_PEER_SECONDS`. `holder(url)` says who holds the lock (host and pid), for logs and tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger("src_dash.scheduler")

SCHEDULER_KEY = 0x5352_4353  # "SRCS": the scheduler's advisory lock (the dispatcher's is "SRCD")
APPLICATION_PREFIX = "src-dash scheduler"
# How long the server waits before it ends the session of a holder whose machine went silent:
# keepalive after 5 s idle, every 5 s, 3 probes; unacknowledged data dropped after 20 s.
KEEPALIVE = {"idle": 5, "interval": 5, "count": 3}
DEAD_PEER_SECONDS = KEEPALIVE["idle"] + KEEPALIVE["interval"] * KEEPALIVE["count"]
_LOCAL_LOCKS: dict[str, threading.Lock] = {}


def identity() -> str:
    """This process as the holder names it: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _pg_conninfo(url: str) -> str:
    """A libpq URI for a store URL (`postgresql+psycopg://` and friends)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path | None:
    """The file of an SQLite store; None for an in-memory one."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


class LeaderLock:
    """The scheduler's lock for the store at `url`; `hold()` at every tick says whether this
    process may run the jobs now (taking the lock when it is free)."""

    def __init__(self, url: str, key: int = SCHEDULER_KEY, name: str = "scheduler") -> None:
        self.url = url
        self.key = key
        self.name = name
        self.held = False
        self._pg = make_url(url).get_backend_name() == "postgresql"
        self._conn = None  # PostgreSQL: the session that holds (or asks for) the lock
        self._fd: int | None = None  # SQLite: the open lock file
        self._local: threading.Lock | None = None

    # --- PostgreSQL ----------------------------------------------------------------------------
    def _connect(self):  # noqa: ANN202
        import psycopg

        conn = psycopg.connect(
            _pg_conninfo(self.url),
            autocommit=True,
            connect_timeout=5,
            application_name=f"{APPLICATION_PREFIX} {identity()}"[:63],
            keepalives=1,
            keepalives_idle=KEEPALIVE["idle"],
            keepalives_interval=KEEPALIVE["interval"],
            keepalives_count=KEEPALIVE["count"],
        )
        # The server's side: end this session when the holder's machine stops answering; never
        # end it for being idle (the holder may run a long job between two checks).
        for setting, value in (
            ("tcp_keepalives_idle", KEEPALIVE["idle"]),
            ("tcp_keepalives_interval", KEEPALIVE["interval"]),
            ("tcp_keepalives_count", KEEPALIVE["count"]),
            ("tcp_user_timeout", DEAD_PEER_SECONDS * 1000),
            ("idle_session_timeout", 0),
            ("statement_timeout", 10_000),
        ):
            try:
                conn.execute(f"SET {setting} = {int(value)}")
            except psycopg.Error as exc:  # an older server without it: the rest still holds
                log.debug("%s lock: %s not set (%s)", self.name, setting, exc)
        return conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def _hold_pg(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._connect()
            if self.held:
                self._conn.execute("SELECT 1")  # the session lives: the lock is still ours
                return True
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            return bool(row and row[0])
        except Exception as exc:  # noqa: BLE001  (store down, session killed: not the holder)
            if self.held:
                log.warning("%s lock lost (%s); the jobs stop here", self.name, exc)
            self._drop_connection()
            return False

    # --- SQLite --------------------------------------------------------------------------------
    def _hold_file(self, path: Path) -> bool:
        if self.held:
            return True
        if self._fd is None:
            try:
                self._fd = os.open(f"{path}.{self.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:  # the store's folder is not there (yet): not the holder
                log.warning("%s lock not opened (%s)", self.name, exc)
                return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, identity().encode(), 0)
        return True

    def _hold_local(self) -> bool:
        if self.held:
            return True
        lock = _LOCAL_LOCKS.setdefault(f"{self.url}#{self.key}", threading.Lock())
        if lock.acquire(blocking=False):
            self._local = lock
            return True
        return False

    # --- both ----------------------------------------------------------------------------------
    def hold(self) -> bool:
        """Take the lock if it is free, or check that it is still ours; whether we hold it."""
        if self._pg:
            held = self._hold_pg()
        elif (path := _sqlite_path(self.url)) is not None:
            held = self._hold_file(path)
        else:
            held = self._hold_local()
        if held and not self.held:
            log.info("%s lock taken by %s: this process runs the jobs", self.name, identity())
        self.held = held
        return held

    def release(self) -> None:
        """Give the lock up (the process stops, or leaves the jobs to another)."""
        if self._pg:
            if self._conn is not None and self.held:
                with contextlib.suppress(Exception):
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._drop_connection()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                if self.held:
                    os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._local is not None:
            self._local.release()
            self._local = None
        self.held = False


def holder(url: str, key: int = SCHEDULER_KEY, name: str = "scheduler") -> str | None:
    """Who holds the lock now (`host:pid` of the process), or None when nobody does."""
    if make_url(url).get_backend_name() == "postgresql":
        import psycopg

        with psycopg.connect(_pg_conninfo(url), autocommit=True, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                " AND l.objid = (%s::bigint & 4294967295) AND l.classid = (%s::bigint >> 32)",
                (key, key),
            ).fetchone()
        if row is None:
            return None
        return str(row[0]).removeprefix(APPLICATION_PREFIX).strip() or "?"
    path = _sqlite_path(url)
    if path is None:
        lock = _LOCAL_LOCKS.get(f"{url}#{key}")
        return identity() if lock is not None and lock.locked() else None
    lock_file = Path(f"{path}.{name}.lock")
    if not lock_file.exists():
        return None
    fd = os.open(lock_file, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return lock_file.read_text().strip() or "?"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
