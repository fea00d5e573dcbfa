"""The small demo Sage base in a services test: synced into a fresh store, its users' viewers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sage_helpers import TODAY, register
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.store import User
from src_dash.sync import sync_company


@dataclass
class Demo:
    """The demo store, the demo base it was synced from, and a viewer per demo login."""

    engine: Engine
    base: Path
    users: dict[str, Viewer]


def sync_demo(store: Engine, demo_base: Path) -> None:
    """Register the demo base as DEMO1 and sync it in full as of TODAY (the cache emptied first)."""
    clear_cache()
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"


def users(store: Engine) -> dict[str, Viewer]:
    """The viewer of every user of the store, by login."""
    with store.connect() as conn:
        ids = dict(conn.execute(select(User.__table__.c.login, User.__table__.c.id)).all())
    return {login: viewer(store, uid) for login, uid in ids.items()}


def who(engine: Engine, login: str) -> Viewer:
    """The viewer of one user of the store, by login."""
    with engine.connect() as conn:
        user_id = conn.execute(
            select(User.__table__.c.id).where(User.__table__.c.login == login)
        ).scalar_one()
    return viewer(engine, user_id)
