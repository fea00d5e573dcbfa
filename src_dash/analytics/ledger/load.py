"""Loading a ledger from the store, all from one data version, reusing what has not changed."""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger.frames import Ledger
from src_dash.analytics.ledger.kinds import KIND_OTHER_DEBIT
from src_dash.analytics.ledger.prepare import prepare_entries
from src_dash.analytics.ledger.reads import (
    PARTY_TABLES,
    bounced_ids,
    entry_table,
    fee_ids,
    read_sqlite_entries,
    small_tables,
)
from src_dash.analytics.ledger.sql import data_version, entries_version, parties_version, read_table


def load_ledger(engine: Engine, previous: Ledger | None = None) -> Ledger:
    """Load every frame from the store, all from one data version.

    Args:
        engine: the store.
        previous: a ledger loaded before; when the entries have not changed since (a user's
            action rather than a sync), its entries and dated views are reused and only the
            small tables are read again.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for the version and every table.
            conn.execution_options(isolation_level="REPEATABLE READ")
        version = data_version(conn)
        entries_at = entries_version(conn)
        parties_at = parties_version(conn)
        dialect = conn.dialect.name
        same_parties = (
            previous is not None
            and previous.parties_version == parties_at
            and previous.entries_version == entries_at
        )
        small = {
            name: read_table(conn, t)
            for name, t in small_tables(dialect).items()
            if not (same_parties and name in PARTY_TABLES)
        }
        if same_parties:
            small.update({name: getattr(previous, name) for name in PARTY_TABLES})
        else:
            small["companies"] = small["companies"].with_columns(
                pl.when(pl.col("book_currency") == "")
                .then(pl.lit("EUR"))
                .otherwise(pl.col("book_currency"))
                .alias("book_currency")
            )
        companies = small.pop("companies")
        if previous is not None and previous.entries_version == entries_at:
            ledger = Ledger(
                version=version,
                entries=previous.entries,
                companies=companies,
                entries_version=entries_at,
                parties_version=parties_at,
                **small,
            )
            ledger._by_entries = previous._by_entries
            with previous._lock:
                ledger._views.update(previous._views)
                if same_parties:
                    ledger._scopes.update(previous._scopes)
            if same_parties:
                ledger._by_parties = previous._by_parties
            return ledger
        if dialect == "sqlite":
            entries = read_sqlite_entries(conn, small["customers"])
        else:
            entries = read_table(conn, entry_table(dialect))
        entries = prepare_entries(entries, companies, fee_ids(conn))
        candidates = entries.filter(pl.col("kind") == KIND_OTHER_DEBIT)["id"].to_list()
        bounced = bounced_ids(conn, candidates) if candidates else []
    entries = entries.with_columns(bounced=pl.col("id").is_in(bounced)).drop("bounce_label")
    return Ledger(
        version=version,
        entries=entries,
        companies=companies,
        entries_version=entries_at,
        parties_version=parties_at,
        **small,
    )
