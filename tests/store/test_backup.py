"""Backups that restore: a store with data backed up (SQLite online backup, pg_dump) and restored
into an empty one holds every row of every table and the same figures; a store that holds data is
not overwritten without --force; the scheduled backup keeps only the newest files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from dunning.smtp_helpers import make_ledger
from sage_helpers import TODAY
from sqlalchemy import inspect, select, table, text
from sqlalchemy.engine import Engine

from src_dash.analytics.exports import run_export
from src_dash.cli import main
from src_dash.dunning.defaults import seed_defaults
from src_dash.store.backup import (
    VERSION_KEYS,
    BackupError,
    StoreNotEmpty,
    backup,
    restore,
    scheduled_backup,
    table_counts,
)
from src_dash.store.engine import make_engine
from src_dash.store.meta import read_meta
from src_dash.store.migrate import upgrade

PG_ADMIN_URL = os.environ.get("SRC_DASH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def empty_url(store_url: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same engine as `store_url` (not even migrated)."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"src_dash_r_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def filled(store: Engine) -> Engine:
    """The store with a company, customers, contacts, entries, users, scenarios and templates."""
    make_ledger(store, 5)
    seed_defaults(store)
    return store


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, but the data versions a restore moves on purpose."""
    names = sorted(n for n in inspect(engine).get_table_names() if n != "alembic_version")
    out = {}
    with engine.connect() as conn:
        for name in names:
            rows = conn.execute(select(text("*")).select_from(table(name))).all()
            if name == "store_meta":
                rows = [r for r in rows if r[0] not in VERSION_KEYS]
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _versions(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {k: int(v or 0) for k, v in read_meta(conn, *VERSION_KEYS).items()}


def test_a_backup_restores_every_row_and_the_same_figures(filled, store_url, empty_url, tmp_path):
    result = backup(store_url, tmp_path / "store.backup")
    assert result.size_bytes > 0 and result.path.exists()
    restored = restore(empty_url, result.path)
    target = make_engine(empty_url)
    try:
        before, after = _rows(filled), _rows(target)
        assert before.keys() == after.keys()
        for name in before:
            assert after[name] == before[name], name
        assert sum(len(rows) for rows in before.values()) > 50
        assert restored.counts == table_counts(filled) | {
            "store_meta": restored.counts["store_meta"]
        }
        assert restored.counts["entry"] == 10 and restored.counts["customer"] == 5
        # The data versions moved past the backed-up ones: a running app reloads.
        source_versions, target_versions = _versions(filled), _versions(target)
        assert all(target_versions[k] > source_versions.get(k, 0) for k in VERSION_KEYS)
        # The same figures from both stores.
        run_export(filled, "owed", "csv", tmp_path / "a.csv", as_of=TODAY)
        run_export(target, "owed", "csv", tmp_path / "b.csv", as_of=TODAY)
        assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    finally:
        target.dispose()


def test_a_store_that_holds_data_is_not_overwritten_without_force(filled, store_url, tmp_path):
    result = backup(store_url, tmp_path / "store.backup")
    with filled.begin() as conn:
        conn.execute(text("UPDATE customer SET name = 'Changed since the backup'"))
    before = _rows(filled)
    with pytest.raises(StoreNotEmpty, match="holds data.*--force"):
        restore(store_url, result.path)
    assert _rows(filled) == before
    restore(store_url, result.path, force=True)
    with filled.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM customer"))}
    assert "Changed since the backup" not in names and len(names) == 5


def test_the_cli_backs_up_refuses_and_restores(
    filled, store_url, empty_url, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "cli.backup"
    monkeypatch.setenv("DATABASE_URL", store_url)
    assert main(["backup", "--out", str(out)]) == 0
    assert main(["restore", str(out)]) == 2
    assert "holds data" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", empty_url)
    assert main(["restore", str(out)]) == 0
    assert '"customer": 5' in capsys.readouterr().out


def test_a_backup_of_the_other_engine_or_no_backup_is_refused(sqlite_store, tmp_path):
    url = str(sqlite_store.url)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"PGDMP not really")
    with pytest.raises(BackupError, match="postgresql backup"):
        restore(url, junk)
    junk.write_text("hello")
    with pytest.raises(BackupError, match="neither"):
        restore(url, junk)


def test_the_scheduled_backup_keeps_the_newest(sqlite_store, tmp_path):
    url = str(sqlite_store.url)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    for n in range(4):
        at = datetime(2027, 1, 15, 8, tzinfo=UTC) + timedelta(hours=n)  # epoch 1,800,000,000
        scheduled_backup(url, folder, keep=2, now=at)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["notes.txt", "src_dash-20270115-100000.db", "src_dash-20270115-110000.db"]
    upgrade(f"sqlite:///{folder / names[-1]}")  # a backup is a store as it is


def test_the_scheduler_backs_up_when_a_folder_is_set(sqlite_store, tmp_path):
    from src_dash.config import load_settings
    from src_dash.scheduler import backup_job, default_jobs

    env = {"DATABASE_URL": str(sqlite_store.url), "SRC_DASH_DATA_DIR": str(tmp_path)}
    assert "backup" not in [j.name for j in default_jobs(load_settings(env))]
    env |= {"SRC_DASH_BACKUP_DIR": str(tmp_path / "b"), "SRC_DASH_BACKUP_KEEP": "3"}
    env["SRC_DASH_BACKUP_INTERVAL"] = "3600"
    settings = load_settings(env)
    [job] = [j for j in default_jobs(settings) if j.name == "backup"]
    assert job.interval_seconds == 3600 and settings.backup_keep == 3
    path = backup_job(settings)
    assert path is not None and path.parent == tmp_path / "b" and path.stat().st_size > 0
