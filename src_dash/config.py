"""Settings read from the environment, with the embedded defaults of a newcomer's machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Process-wide settings; build one with `load_settings()`."""

    data_dir: Path
    database_url: str
    odbc_sqlite_driver: str
    sync_interval_seconds: int
    sync_overlap_seconds: int
    exports: tuple[tuple[str, str], ...]  # (kind, format) exported on the schedule
    export_interval_seconds: int
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_tls: str
    smtp_from: str

    @property
    def demo_dir(self) -> Path:
        """Folder of the demo Sage 100 bases."""
        return self.data_dir / "demo"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from `env` (default: the process environment).

    Args:
        env: mapping to read instead of `os.environ`, for tests.

    Returns:
        The settings, with defaults for everything not set.
    """
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("SRC_DASH_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'src_dash.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        odbc_sqlite_driver=env.get("SRC_DASH_ODBC_SQLITE_DRIVER", "SQLite3"),
        sync_interval_seconds=int(env.get("SRC_DASH_SYNC_INTERVAL", "900")),
        sync_overlap_seconds=int(env.get("SRC_DASH_SYNC_OVERLAP", "120")),
        exports=_exports(env.get("SRC_DASH_EXPORTS", "")),
        export_interval_seconds=int(env.get("SRC_DASH_EXPORT_INTERVAL", "86400")),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "8025")),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_tls=env.get("SMTP_TLS", "none"),
        smtp_from=env.get("SMTP_FROM", "relances@src-dash.local"),
    )


def _exports(value: str) -> tuple[tuple[str, str], ...]:
    """Parse SRC_DASH_EXPORTS, e.g. "owed:xlsx,entries:parquet" (the format defaults to csv)."""
    out = []
    for item in value.split(","):
        kind, _, fmt = item.strip().partition(":")
        if kind:
            out.append((kind.strip(), fmt.strip() or "csv"))
    return tuple(out)
