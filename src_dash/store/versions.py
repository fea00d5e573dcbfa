"""The store's data versions: how cached analytics know that something changed.

Every writer that changes what the analytics read bumps them in its own transaction (sync,
dunning, the services); the analytics read them to know when to reload.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from src_dash.store.meta import put_meta, read_meta


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
    keys = ["data_version"]
    if parties or entries:
        keys.append("parties_version")
    if entries:
        keys.append("entries_version")
    current = read_meta(conn, *keys)
    for key in keys:
        put_meta(conn, key, str(int(current.get(key) or 0) + 1))


def _meta_int(conn: Connection, key: str) -> int:
    value = read_meta(conn, key).get(key)
    return int(value) if value else 0


def data_version(conn: Connection) -> int:
    """The store's data version (0 before the first change), bumped by every change."""
    return _meta_int(conn, "data_version")


def entries_version(conn: Connection) -> int:
    """The version of the entries and company bounds, bumped only when a sync changes them."""
    return _meta_int(conn, "entries_version")


def parties_version(conn: Connection) -> int:
    """The version of the parties (companies, customers, contacts, sales reps, users,
    portfolios), bumped by a sync and by the services that change them."""
    return _meta_int(conn, "parties_version")
