"""`src-dash bench backup` on a small demo store: it backs up, restores into a fresh store and
finds the same rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from src_dash.bench.backup import bench_backup
from src_dash.store.engine import make_engine


def test_bench_backup_restores_the_same_rows(store_url: str, tmp_path: Path) -> None:
    report = bench_backup(2000, customers=50, store_url=store_url, work_dir=tmp_path / "work")
    assert report["engine"] == ("sqlite" if store_url.startswith("sqlite") else "postgresql")
    assert report["rows_match"] is True
    assert report["entries"] > 1000 and report["rows"] > report["entries"]
    assert report["backup_seconds"] >= 0 and report["restore_seconds"] > 0
    assert report["backup_mb"] > 0
    if not store_url.startswith("sqlite"):
        restored = f"{make_url(store_url).database}_restored"
        engine = make_engine(store_url)
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": restored}
            ).scalar()
        engine.dispose()
        assert left == 0  # the restored database is dropped at the end
