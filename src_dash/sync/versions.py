"""The store's data versions: how cached analytics know that something changed."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from src_dash.store import StoreMeta


def bump_data_version(conn: Connection, entries: bool = False, parties: bool = True) -> None:
    """Increase the store's data version so cached analytics know to reload.

    Args:
        conn: the connection of the transaction that made the change.
        entries: True when the entries or the companies' open periods changed (a sync): the
            analytics then read the entries again, not only the small tables; implies parties.
        parties: False when only the follow-up changed (promises, disputes, stops, comments,
            calls, actions, reminders), not the companies, customers, contacts, sales reps,
            users or portfolios: the analytics then keep those tables and what they computed
            from them. True by default: when in doubt, everything is read again.
    """
    table = StoreMeta.__table__
    keys = ["data_version"]
    if parties or entries:
        keys.append("parties_version")
    if entries:
        keys.append("entries_version")
    for key in keys:
        current = conn.execute(select(table.c.value).where(table.c.key == key)).scalar()
        if current is None:
            conn.execute(insert(table).values(key=key, value="1"))
        else:
            conn.execute(
                update(table).where(table.c.key == key).values(value=str(int(current) + 1))
            )
