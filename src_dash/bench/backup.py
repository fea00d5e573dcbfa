"""`src-dash bench backup`: back up the store of a demo base of `entries` entries and restore it
into a fresh store, timed (issue 14's "backup and restore of the 1M-entry store").

The demo base is built and synced in child processes (a demo base already in `--work-dir` is
reused). The backup is `store.backup.backup` (SQLite's online backup API; pg_dump's custom
format), the restore `store.backup.restore` into a new store: a new SQLite file, or a new
PostgreSQL database on the same server (``<database>_restored``, dropped at the end). The
restored store's rows per table are compared with the original's.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from src_dash.bench.common import BenchRun, fresh_store, kb, since, sync_in_child


def _restore_target(url: str, folder: Path) -> str:
    """A new, empty store next to `url`: a SQLite file in `folder`, or a PostgreSQL database
    on the same server (created empty)."""
    if url.startswith("sqlite"):
        target = folder / "restored.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{target}"
    parsed = make_url(url)
    name = f"{parsed.database}_restored"
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(url, f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _admin(url: str, sql: str) -> None:
    """Run a statement outside a transaction on the server of `url` (CREATE/DROP DATABASE)."""
    from src_dash.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _drop_target(url: str, target: str) -> None:
    if not url.startswith("sqlite"):
        _admin(url, f'DROP DATABASE IF EXISTS "{make_url(target).database}" WITH (FORCE)')


def bench_backup(entries: int, **options: object) -> dict[str, object]:
    """Time a backup of a demo store of `entries` entries and its restore into a fresh store."""
    from src_dash.store.backup import backup, restore, table_counts

    run = BenchRun(entries, **options)
    tmp, folder = run.folder("src-dash-bench-backup-")
    url = run.store_in(folder)
    report: dict[str, object] = {
        "engine": "sqlite" if url.startswith("sqlite") else "postgresql",
        "entries_target": entries,
        "customers": run.demo_customers,
    }
    base = folder / "BENCH.sqlite"
    target = None
    try:
        report["build_seconds"] = None if base.exists() else round(run.build_base(base), 1)
        fresh_store(url).dispose()
        report["sync_seconds"] = round(sync_in_child(url, base, run.today), 1)
        from src_dash.store.engine import make_engine

        engine = make_engine(url)
        try:
            before = table_counts(engine)
        finally:
            engine.dispose()
        report["entries"] = before.get("entry", 0)
        report["rows"] = sum(before.values())
        out = folder / ("backup.db" if report["engine"] == "sqlite" else "backup.dump")
        done = backup(url, out)
        report["backup_seconds"] = round(done.seconds, 1)
        report["backup_mb"] = round(kb(done.size_bytes) / 1024, 1)
        target = _restore_target(url, folder)
        started = time.perf_counter()
        restored = restore(target, out)
        report["restore_seconds"] = round(since(started), 1)
        # store_meta's versions move past the original's on restore: the same rows, not values.
        report["rows_match"] = restored.counts == before
        out.unlink(missing_ok=True)
    finally:
        if target is not None:
            _drop_target(url, target)
        tmp.cleanup()
    return report
