"""Every customer in one frame, with what the list shows, filters and sorts on: balances, grade,
sales rep, flags and Sage's free fields.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import KIND_FEE, Ledger, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.analytics.scoring import GRADES, score_frame
from src_dash.services.customers.model import FREE_PREFIX

# --- the cached frame ---------------------------------------------------------------------------


def _extra_customer_table(dialect: str) -> Table:
    stop_until = "to_char(stop_until, 'YYYY-MM-DD')" if dialect == "postgresql" else "stop_until"
    return Table(
        f"SELECT id, city, profile, stop_reason, {stop_until}, free_fields FROM customer",
        {
            "customer_id": pl.Int32,
            "city": pl.String,
            "profile": pl.String,
            "stop_reason": pl.String,
            "stop_until": pl.Date,
            "free_fields": pl.String,
        },
    )


_FLAGS = Table(
    "SELECT customer_id, count(*) FROM flag WHERE cleared_at IS NULL GROUP BY customer_id",
    {"customer_id": pl.Int32, "active_flags": pl.Int64},
)


def _free_field_columns(texts: pl.Series) -> pl.DataFrame:
    """The free fields (JSON objects) as one text column per field, "free:<name>"."""
    texts = texts.fill_null("{}").replace("", "{}")
    if texts.len() == 0 or bool((texts == "{}").all()):
        return pl.DataFrame()
    decoded = texts.str.json_decode(infer_schema_length=None)
    names = [f.name for f in decoded.dtype.fields]  # type: ignore[union-attr]
    frame = decoded.struct.unnest()
    return frame.select(
        [
            pl.col(n).cast(pl.String).fill_null("").str.strip_chars().alias(FREE_PREFIX + n)
            for n in names
        ]
    )


def _grade_expr(score: pl.Expr) -> pl.Expr:
    expr = pl.when(score.is_null()).then(pl.lit(""))
    for bound, letter in GRADES:
        expr = expr.when(score < bound).then(pl.lit(letter))
    return expr.otherwise(pl.lit(GRADES[-1][1]))


def _person(first: str, last: str) -> pl.Expr:
    return (
        pl.concat_str(pl.col(first).fill_null(""), pl.col(last).fill_null(""), separator=" ")
        .str.strip_chars()
        .fill_null("")
    )


def customers_frame(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Every customer with the table's columns (amounts in cents), cached per version and date."""
    return ledger.memo(("customers.table", as_of), lambda: _build_frame(engine, ledger, as_of))


def _build_frame(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    with engine.connect() as conn:
        extra = read_table(conn, _extra_customer_table(conn.dialect.name))
        flags = read_table(conn, _FLAGS)
    positive = pl.col("residual").clip(lower_bound=0)
    overdue = pl.col("due") < as_of
    owed = (
        ledger.view(as_of)
        .open_items.group_by("customer_id")
        .agg(
            pl.col("residual").sum().alias("outstanding"),
            positive.filter(overdue).sum().alias("overdue"),
            positive.filter(~overdue).sum().alias("not_due"),
            pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
            pl.len().alias("open_items"),
            pl.col("days_overdue")
            .filter((pl.col("residual") > 0) & (pl.col("kind") != KIND_FEE))
            .max()
            .alias("oldest_days"),
        )
    )
    scores = score_frame(ledger, as_of).select("customer_id", "score")
    companies = ledger.companies.select(
        "company_id", pl.col("code").alias("company"), pl.col("book_currency").alias("currency")
    )
    reps = ledger.sales_reps.select("sales_rep_id", _person("first_name", "last_name").alias("sr"))
    users = ledger.users.select(pl.col("user_id").alias("collector_id"), pl.col("name").alias("cn"))
    frame = (
        ledger.customers.filter(~pl.col("removed"))
        .join(companies, on="company_id", how="left")
        .join(reps, on="sales_rep_id", how="left")
        .join(users, on="collector_id", how="left")
        .join(extra.drop("free_fields"), on="customer_id", how="left")
        .join(flags, on="customer_id", how="left")
        .join(owed, on="customer_id", how="left")
        .join(scores, on="customer_id", how="left")
        .with_columns(
            pl.col("outstanding", "overdue", "not_due", "credits").fill_null(0),
            pl.col("oldest_days", "open_items").fill_null(0).cast(pl.Int64),
            pl.col("sr").fill_null("").alias("sales_rep"),
            pl.col("cn").fill_null("").alias("collector"),
            pl.col("city", "profile", "stop_reason").fill_null(""),
            (
                pl.col("do_not_dun")
                | (
                    (pl.col("stop_reason").fill_null("") != "")
                    & (pl.col("stop_until").is_null() | (pl.col("stop_until") >= as_of))
                )
            ).alias("stopped"),
            (pl.col("active_flags").fill_null(0) > 0).alias("flagged"),
            _grade_expr(pl.col("score")).alias("grade"),
        )
        .drop("sr", "cn", "active_flags")
    )
    frame = frame.with_columns(
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("number", "name", "city", "email", "phone")],
            separator="\u001f",
        )
        .str.to_lowercase()
        .alias("haystack")
    )
    free_texts = frame.select("customer_id").join(
        extra.select("customer_id", "free_fields"), on="customer_id", how="left"
    )["free_fields"]
    free = _free_field_columns(free_texts)
    if free.width:
        frame = frame.hstack(free)
    # Kept in number order: a stable sort on one column then breaks ties by number for free.
    return frame.sort("number", "customer_id")
