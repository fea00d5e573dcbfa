"""The store's write lock on SQLite: writers queue for it, readers never take it.

SQLite lets one writer at a time and, in WAL mode, any number of readers beside it. A transaction
opened with a plain (deferred) BEGIN that reads and then writes must upgrade its read snapshot to
the write lock; when another connection holds that lock, or has committed since the snapshot was
taken, SQLite refuses at once with "database is locked" (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT): the
busy timeout is not consulted, because waiting could not make the old snapshot current. That is
how a `sync` and a `send` used to kill each other. A transaction opened with BEGIN IMMEDIATE takes
the write lock before it reads anything, so it waits (up to the busy timeout) for the writer ahead
of it, and then reads the data that writer committed.

Who takes the lock:
- `engine.begin()`, the way the store's writers open their transactions (sync, dunning runs,
  dispatch, the services): BEGIN IMMEDIATE, across threads and processes.
- `engine.connect()` (autobegun transactions, rolled back on close: readers) and ORM sessions,
  `session_scope()` included (the status pages read through it): a deferred BEGIN, so a page or a
  report reads beside a running sync instead of waiting for it. A connection or session that
  reads and then writes asks for the lock before its first statement, with
  `conn.execution_options(**WRITE)`, or is an ORM session opened with `write_session(engine)`
  (every ORM session that writes is: tests/test_sql_writers.py checks it).

PostgreSQL is left alone: its row locks and MVCC do this job.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

BUSY_TIMEOUT_SECONDS = 30
"""How long a writer waits for the writer ahead of it before "database is locked"."""

WRITE_OPTION = "src_dash_write"
WRITE = {WRITE_OPTION: True}
"""Execution options of a connection whose transaction will write: it begins IMMEDIATE."""


def install_sqlite_write_lock(engine: Engine) -> None:
    """Make `engine` (SQLite) open writers' transactions with BEGIN IMMEDIATE and wait when busy.

    The busy timeout itself is `sqlite3.connect(timeout=BUSY_TIMEOUT_SECONDS)`, given by the
    caller in `connect_args`; it is set again here as a pragma so that no driver default wins.
    """

    @event.listens_for(engine, "connect")
    def _take_over_transactions(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy, not pysqlite, open transactions so BEGIN covers whole runs.
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Eager, not at the first statement: bulk writes run on the DBAPI cursor, past the events.
        writes = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    engine.begin = types.MethodType(_begin_writing, engine)  # type: ignore[method-assign]


@contextlib.contextmanager
def _begin_writing(engine: Engine) -> Iterator[Connection]:
    """`Engine.begin()` of a SQLite store: the same, with the write lock taken first."""
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        with conn.begin():
            yield conn


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session that will write: on SQLite it holds the write lock from its first
    statement (BEGIN IMMEDIATE), so a read-then-write waits for the writer ahead of it instead of
    failing with "database is locked"; on PostgreSQL a plain session."""
    with Session(engine) as session:
        session.connection(execution_options=WRITE)
        yield session
