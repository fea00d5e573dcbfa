"""Shared fixtures of the services tests.

- `demo`: the small demo Sage base synced into a fresh store (SQLite and PostgreSQL), with one
  user per role (`Demo`: the engine, the base, a viewer per login). A test file that needs more
  seeded defines its own `demo`.
- `world`: the hand-built world of test_followup.py (`build_world`) in a fresh store. A test
  file that builds another world defines its own `world`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from services.demo_helpers import Demo, sync_demo, users
from sqlalchemy.engine import Engine
from test_followup import World, build_world

from src_dash.analytics.ledger import clear_cache
from src_dash.services.auth import seed_demo_users


@pytest.fixture
def demo(store: Engine, demo_base: Path) -> Iterator[Demo]:
    """The demo base synced into a fresh store, with one user per role."""
    sync_demo(store, demo_base)
    seed_demo_users(store)
    yield Demo(store, demo_base, users(store))
    clear_cache()


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    """The hand-built world (customers, items, users of every role) in a fresh store."""
    clear_cache()
    yield build_world(store)
    clear_cache()
