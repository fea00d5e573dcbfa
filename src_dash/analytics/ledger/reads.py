"""What the ledger reads from the store: the entries (in one scan on SQLite), the lines that
are fees or rejected payments by their label, and the small tables of parties and follow-up.
"""

from __future__ import annotations

from functools import partial

import polars as pl
from sqlalchemy import text
from sqlalchemy.engine import Connection

from src_dash.analytics.ledger.kinds import BOUNCE_WORDS, FEE_PATTERNS
from src_dash.analytics.ledger.sql import Table, id_list, sql_date, sql_flag, sql_utc_day

ENTRY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "company_id": pl.Int32,
    "customer_id": pl.Int32,
    "journal": pl.String,
    "posting_date": pl.Date,
    "due_date": pl.Date,
    "amount": pl.Int64,
    "currency": pl.String,
    "amount_currency": pl.Int64,
    "lettering_code": pl.String,
    "lettered": pl.Boolean,
    "lettering_date": pl.Date,
    "settled_amount": pl.Int64,
    "settled_on": pl.Date,
    "carried_forward": pl.Boolean,
    "doubtful": pl.Boolean,
    "bounce_label": pl.Boolean,
}


def entry_table(dialect: str) -> Table:
    """All the entry columns the analytics use, in one SELECT (the PostgreSQL path).

    The stored settlement of a line is only needed for lines without a lettering code (a
    lettered group is settled by its own lines), so it reads 0 for the others.
    """
    sql = (
        "SELECT id, company_id, customer_id, journal, "
        f"{sql_date(dialect, 'posting_date')}, {sql_date(dialect, 'due_date')}, "
        "amount, currency, amount_currency, lettering_code, "
        f"{sql_flag('lettered')}, {sql_date(dialect, 'lettering_date')}, "
        "CASE WHEN lettering_code = '' THEN settled_amount ELSE 0 END, "
        f"CASE WHEN lettering_code = '' THEN {sql_date(dialect, 'settled_on')} END, "
        f"{sql_flag('carried_forward')}, {sql_flag('doubtful')}, 0 "
        "FROM entry"
    )
    return Table(sql, ENTRY_SCHEMA)


# SQLite: one scan where group_concat builds, in C, one text per column (a Python row per
# entry costs more than the whole scan). All the aggregates of one SELECT walk the same rows in
# the same order, so the columns line up. Sparse columns are read with their ids, only where set.
_SEP = "\x1f"
_DENSE = {
    "id": "id",
    "customer_id": "customer_id",
    "journal": "journal",
    "posting_date": "posting_date",
    "due_date": "ifnull(due_date, '')",
    "amount": "amount",
    "lettering_code": "lettering_code",
}
_SPARSE = {
    "unlettered": ("NOT lettered", ()),
    "carried": ("carried_forward", ()),
    "doubtful": ("doubtful", ()),
    "currency": (
        "currency != ''",
        (("currency", "currency"), ("amount_currency", "ifnull(amount_currency, '')")),
    ),
    "lettering_date": ("lettering_date IS NOT NULL", (("lettering_date", "lettering_date"),)),
    "settlement": (
        "lettering_code = '' AND (settled_amount != 0 OR settled_on IS NOT NULL)",
        (("settled_amount", "settled_amount"), ("settled_on", "ifnull(settled_on, '')")),
    ),
}


def _split(joined: str | None, dtype: pl.DataType) -> pl.Series:
    """A group_concat result back to a typed column ('' is null)."""
    if joined is None:  # group_concat of no rows
        return pl.Series([], dtype=dtype)
    texts = pl.Series([joined]).str.split(_SEP).explode()
    if dtype == pl.String:
        return texts
    if dtype == pl.Date:
        return texts.str.to_date("%Y-%m-%d", strict=False)
    if not texts.str.contains("^$", literal=False).any():
        return texts.cast(dtype)
    value = pl.col("v")
    return (
        pl.DataFrame({"v": texts})
        .select(pl.when(value == "").then(None).otherwise(value).cast(dtype))
        .to_series()
    )


def read_sqlite_entries(conn: Connection, customers: pl.DataFrame) -> pl.DataFrame:
    """The entries of a SQLite store in one scan (see _DENSE)."""
    sep = f"'{_SEP}'"
    parts = [f"group_concat({expr}, {sep})" for expr in _DENSE.values()]
    for where, columns in _SPARSE.values():
        parts.append(f"group_concat(CASE WHEN {where} THEN id END, {sep})")
        parts += [f"group_concat(CASE WHEN {where} THEN {e} END, {sep})" for _, e in columns]
    row = conn.exec_driver_sql(f"SELECT {', '.join(parts)} FROM entry").one()
    values = iter(row)
    frame = pl.DataFrame([_split(next(values), ENTRY_SCHEMA[n]).alias(n) for n in _DENSE])
    frame = frame.join(
        customers.select("customer_id", "company_id"), on="customer_id", how="left"
    ).with_columns(lettered=pl.lit(True), carried_forward=pl.lit(False), doubtful=pl.lit(False))
    for name, (_, columns) in _SPARSE.items():
        ids = _split(next(values), pl.Int64).alias("id")
        if name == "unlettered":
            frame = frame.with_columns(lettered=~pl.col("id").is_in(ids.implode()))
            continue
        if name in ("carried", "doubtful"):
            flag = "carried_forward" if name == "carried" else name
            frame = frame.with_columns(pl.col("id").is_in(ids.implode()).alias(flag))
            continue
        part = pl.DataFrame(
            [ids] + [_split(next(values), ENTRY_SCHEMA[c]).alias(c) for c, _ in columns]
        )
        frame = frame.join(part, on="id", how="left")
    return frame.with_columns(
        pl.col("currency").fill_null(""),
        pl.col("settled_amount").fill_null(0),
        bounce_label=pl.lit(False),
    ).select(list(ENTRY_SCHEMA))


def bounced_ids(conn: Connection, candidates: list[int]) -> list[int]:
    """Which of the candidate lines (debits in bank journals) are rejected payments, by label."""
    words = " OR ".join(f"lower(label) LIKE :w{i}" for i in range(len(BOUNCE_WORDS)))
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(BOUNCE_WORDS)}
    found: list[int] = []
    for start in range(0, len(candidates), 500):
        chunk = id_list(candidates[start : start + 500])
        sql = text(f"SELECT id FROM entry WHERE id IN ({chunk}) AND ({words})")
        found += [r[0] for r in conn.execute(sql, params).all()]
    return found


def fee_ids(conn: Connection) -> list[int]:
    """Debit lines whose label says they are fees or interest (one scan of the labels)."""
    words = " OR ".join(f"lower(label) LIKE :f{i}" for i in range(len(FEE_PATTERNS)))
    params = {f"f{i}": p for i, p in enumerate(FEE_PATTERNS)}
    sql = text(f"SELECT id FROM entry WHERE amount > 0 AND ({words})")
    return [r[0] for r in conn.execute(sql, params).all()]


# The small tables that change with the parties; the other small tables are the follow-up's.
PARTY_TABLES = ("companies", "customers", "contacts", "sales_reps", "users", "portfolio")


def small_tables(dialect: str) -> dict[str, Table]:
    """The SELECTs of the small tables, by name: the parties' (PARTY_TABLES), then the
    follow-up's."""
    return {**_party_tables(dialect), **_followup_tables(dialect)}


def _party_tables(dialect: str) -> dict[str, Table]:
    d = partial(sql_date, dialect)
    return {
        "companies": Table(
            f"SELECT id, code, name, currency, {d('open_from')}, {d('open_to')}, "
            f"{sql_flag('active')} FROM company",
            {
                "company_id": pl.Int32,
                "code": pl.String,
                "name": pl.String,
                "book_currency": pl.String,
                "open_from": pl.Date,
                "open_to": pl.Date,
                "active": pl.Boolean,
            },
        ),
        "customers": Table(
            "SELECT id, company_id, number, name, sales_rep_id, collector_id, email, phone, "
            f"{sql_flag('removed_from_source')}, {sql_flag('do_not_dun')}, {sql_flag('dormant')}, "
            "credit_limit FROM customer",
            {
                "customer_id": pl.Int32,
                "company_id": pl.Int32,
                "number": pl.String,
                "name": pl.String,
                "sales_rep_id": pl.Int32,
                "collector_id": pl.Int32,
                "email": pl.String,
                "phone": pl.String,
                "removed": pl.Boolean,
                "do_not_dun": pl.Boolean,
                "dormant": pl.Boolean,
                "credit_limit": pl.Int64,
            },
        ),
        "contacts": Table(
            "SELECT c.customer_id, c.email, c.phone, c.mobile, c.dunning_role, "
            "coalesce(s.dunning_role, '') FROM contact c "
            "LEFT JOIN contact_service s ON s.id = c.service_id",
            {
                "customer_id": pl.Int32,
                "email": pl.String,
                "phone": pl.String,
                "mobile": pl.String,
                "role": pl.String,
                "service_role": pl.String,
            },
        ),
        "sales_reps": Table(
            "SELECT id, company_id, code, last_name, first_name FROM sales_rep",
            {
                "sales_rep_id": pl.Int32,
                "company_id": pl.Int32,
                "code": pl.Int32,
                "last_name": pl.String,
                "first_name": pl.String,
            },
        ),
        "users": Table(
            "SELECT id, login, name FROM app_user",
            {"user_id": pl.Int32, "login": pl.String, "name": pl.String},
        ),
        "portfolio": Table(
            "SELECT user_id, customer_id FROM portfolio_assignment",
            {"user_id": pl.Int32, "customer_id": pl.Int32},
        ),
    }


def _followup_tables(dialect: str) -> dict[str, Table]:
    d, ts = partial(sql_date, dialect), partial(sql_utc_day, dialect)
    return {
        "promises": Table(
            f"SELECT id, customer_id, amount, {d('promised_on')}, status, {ts('created_at')}, "
            f"{ts('resolved_at')} FROM promise",
            {
                "promise_id": pl.Int64,
                "customer_id": pl.Int32,
                "amount": pl.Int64,
                "promised_on": pl.Date,
                "status": pl.String,
                "created_on": pl.Date,
                "resolved_on": pl.Date,
            },
        ),
        "promise_items": Table(
            "SELECT promise_id, entry_id, amount FROM promise_item",
            {"promise_id": pl.Int64, "entry_id": pl.Int64, "amount": pl.Int64},
        ),
        "disputes": Table(
            f"SELECT id, customer_id, status, {ts('opened_at')}, {ts('closed_at')} FROM dispute",
            {
                "dispute_id": pl.Int64,
                "customer_id": pl.Int32,
                "status": pl.String,
                "opened_on": pl.Date,
                "closed_on": pl.Date,
            },
        ),
        "dispute_items": Table(
            "SELECT dispute_id, entry_id, amount FROM dispute_item",
            {"dispute_id": pl.Int64, "entry_id": pl.Int64, "amount": pl.Int64},
        ),
        "objectives": Table(
            f"SELECT company_id, user_id, {d('month')}, amount FROM cash_objective",
            {"company_id": pl.Int32, "user_id": pl.Int32, "month": pl.Date, "amount": pl.Int64},
        ),
    }
