"""The store's own small facts in `store_meta` (key → text): data versions, the sync schedule,
when the scheduler last ran it."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from src_dash.store.ops import StoreMeta


def read_meta(conn: Connection, *keys: str) -> dict[str, str]:
    """The values stored under `keys` (a key never written is absent)."""
    t = StoreMeta.__table__
    return dict(conn.execute(select(t.c.key, t.c.value).where(t.c.key.in_(keys))).all())


def put_meta(conn: Connection, key: str, value: str) -> None:
    """Store `value` under `key` (inserted the first time)."""
    t = StoreMeta.__table__
    if not conn.execute(update(t).where(t.c.key == key).values(value=value)).rowcount:
        conn.execute(insert(t).values(key=key, value=value))
