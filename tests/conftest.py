"""Shared fixtures: fresh stores on real SQLite and PostgreSQL, demo Sage bases, fixed today."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sage_helpers import DEMO_SPEC
from sqlalchemy.engine import Engine

from src_dash.sources.demo import build_demo_base
from src_dash.store.engine import make_engine
from src_dash.store.migrate import upgrade

TODAY = date(2026, 11, 22)
PG_ADMIN_URL = os.environ.get("SRC_DASH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """Pin "today" and "now" (src_dash.clock) to TODAY for the whole run, whatever the real date.

    Every record a test writes through the product is then stamped on TODAY, as the figures that
    read them are computed as of TODAY; the browser tests' app inherits the same pin. A test that
    travels sets SRC_DASH_TODAY itself (monkeypatch), and the real date never leaks in.
    """
    os.environ["SRC_DASH_TODAY"] = TODAY.isoformat()
    # The pinned day is a Sunday: emails would wait for Monday's send window. The send-window
    # tests (tests/dunning/test_send_window.py) turn the windows on in their own settings.
    os.environ["SRC_DASH_SEND_WINDOWS"] = "0"
    # The app would train the pay-date models in the background and switch the scores from the
    # rules to the models mid-test: tests that need the models train them themselves.
    os.environ["SRC_DASH_TRAIN_MODELS"] = "0"


def _pg_server_url(database: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def today() -> date:
    """The day every test lives on, unless it travels."""
    return TODAY


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite store to copy from."""
    path = tmp_path_factory.mktemp("store") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated, empty PostgreSQL database to clone per test (the server must be up)."""
    name = f"src_dash_tpl_{uuid.uuid4().hex[:8]}"
    _pg_admin(f"CREATE DATABASE {name}")
    upgrade(_pg_server_url(name))
    make_engine(_pg_server_url(name)).dispose()
    yield name
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated store: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"src_dash_t_{uuid.uuid4().hex[:10]}"
    _pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield _pg_server_url(name)
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """An engine on a fresh store (SQLite and PostgreSQL)."""
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """An engine on a fresh SQLite store only."""
    path = tmp_path / "store.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def fec_dir() -> Path:
    """The real FEC files shared with the team."""
    return Path(os.environ.get("SRC_DASH_FEC_DIR", SHARED_DIR / "data" / "fec"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo Sage base, built once."""
    path = tmp_path_factory.mktemp("demo") / "DEMO1.sqlite"
    build_demo_base(path, DEMO_SPEC, TODAY)
    return path


@pytest.fixture
def demo_base(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo base that the test may change."""
    path = tmp_path / "DEMO1.sqlite"
    shutil.copy(demo_template, path)
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, where `asyncio.run` (the SMTP dispatcher) then fails."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))
