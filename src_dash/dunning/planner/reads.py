"""What the planner reads from the store on every call: item states, stops, last messages,
sales reps, the entries' pieces and Sage's own reminders."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection

from src_dash.analytics.ledger import Ledger, id_list, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.dunning.planner.criteria import NOT_SENT
from src_dash.store import SalesRep
from src_dash.store.dialect import sql_date, sql_utc_day

FEW = 1000  # up to this many items or customers, their rows are read by id


def _among(column: str, ids: list[int] | None) -> str:
    """A WHERE clause keeping the rows of a few ids (integers: listed inline), or ""."""
    if ids is None:
        return ""
    return f" WHERE {column} IN ({id_list(ids)})"


def _item_states(conn: Connection, entry_ids: list[int] | None = None) -> pl.DataFrame:
    """The app's state of the items (levels, stops): of every item, or of a few."""
    d = conn.dialect.name
    return read_table(
        conn,
        Table(
            f"SELECT entry_id, level, next_level, {sql_date(d, 'last_dunned_on')}, stop_reason, "
            f"{sql_date(d, 'stop_until')} FROM item_state{_among('entry_id', entry_ids)}",
            {
                "id": pl.Int64,
                "state_level": pl.Int32,
                "next_level": pl.Int32,
                "last_dunned_on": pl.Date,
                "item_stop_reason": pl.String,
                "item_stop_until": pl.Date,
            },
        ),
    )


def _customer_stops(conn: Connection) -> pl.DataFrame:
    d = conn.dialect.name
    return read_table(
        conn,
        Table(
            f"SELECT id, stop_reason, {sql_date(d, 'stop_until')} FROM customer "
            "WHERE stop_reason <> '' OR stop_until IS NOT NULL",
            {"customer_id": pl.Int32, "stop_reason": pl.String, "stop_until": pl.Date},
        ),
    )


def _last_messages(
    conn: Connection, as_of: date, customer_ids: list[int] | None = None
) -> pl.DataFrame:
    """Per customer (of every one, or of a few), the day of the last message not failed (as
    of the date)."""
    from src_dash.store import Message

    d = conn.dialect.name
    columns = Message.__table__.c
    day = sql_utc_day(d, "created_at")
    if "dunned_on" in columns:  # the run's day, when the delivery side records it
        day = f"coalesce({sql_date(d, 'dunned_on')}, {day})"
    statuses = ", ".join(f"'{s}'" for s in NOT_SENT)
    few = _among("customer_id", customer_ids).replace(" WHERE ", " AND ")
    frame = read_table(
        conn,
        Table(
            f"SELECT customer_id, max({day}) FROM message WHERE status NOT IN ({statuses}) "
            f"AND {day} <= '{as_of.isoformat()}'{few} GROUP BY customer_id",
            {"customer_id": pl.Int32, "last_message_on": pl.Date},
        ),
    )
    return frame


def _sales_reps(conn: Connection) -> dict[int, tuple[str, str]]:
    t = SalesRep.__table__
    rows = conn.execute(select(t.c.id, t.c.first_name, t.c.last_name, t.c.email)).all()
    return {r.id: (" ".join(p for p in (r.first_name, r.last_name) if p), r.email) for r in rows}


def _entry_details(conn: Connection, ids: list[int]) -> pl.DataFrame:
    """Piece, reference and Sage's own reminders (EC_Rappel, EC_DateRelance) of some entries.

    The ledger frame holds none of them; they are read by primary key for the items at hand
    only (a scan of the whole entry table costs more).
    """
    ids = sorted({int(i) for i in ids})
    d = conn.dialect.name
    columns = f"id, piece, reference, reminder_count, {sql_date(d, 'last_reminder_on')}"
    raw = conn.connection.driver_connection
    rows: list[tuple] = []
    if ids and d == "postgresql":
        with raw.cursor() as cur:
            cur.execute(f"SELECT {columns} FROM entry WHERE id = ANY(%s)", (ids,))
            rows = cur.fetchall()
    else:
        for start in range(0, len(ids), 10000):
            chunk = id_list(ids[start : start + 10000])
            cur = raw.cursor()
            try:
                cur.execute(f"SELECT {columns} FROM entry WHERE id IN ({chunk})")
                rows += cur.fetchall()
            finally:
                cur.close()
    frame = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "piece": pl.String,
            "reference": pl.String,
            "sage_level": pl.Int32,
            "sage_last_on": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(
        pl.col("piece", "reference").fill_null(""),
        pl.col("sage_last_on").str.to_date("%Y-%m-%d", strict=False),
    )


def _cached_details(ledger: Ledger, conn: Connection, ids: pl.Series) -> pl.DataFrame:
    """`_entry_details` of some entries, kept with the ledger's entries: pieces and Sage's
    reminders change only through the sync, which bumps the entries' version."""
    holder = ledger.memo(("dunning_entry_details",), lambda: {"frame": None}, keep="entries")
    known = holder["frame"]
    wanted = ids.unique()
    missing = wanted if known is None else wanted.filter(~wanted.is_in(known["id"].implode()))
    if not missing.is_empty() or known is None:
        fresh = _entry_details(conn, missing.to_list())
        known = fresh if known is None else pl.concat([known, fresh]).unique("id")
        holder["frame"] = known
    return known.filter(pl.col("id").is_in(wanted.implode()))


def _with_pieces(conn: Connection, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of entries with their piece and reference added."""
    details = _entry_details(conn, frame["id"].to_list()).select("id", "piece", "reference")
    return frame.join(details, on="id", how="left").with_columns(
        pl.col("piece", "reference").fill_null("")
    )
