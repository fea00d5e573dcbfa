"""Every open item as of a day in one frame, joined with all the table shows and filters on: its
customer and grade, company, state (stops, level), last action, pending promise, open dispute,
and the free fields of Sage (the customer's and the item's).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.ledger import Ledger, _Table, get_ledger, id_list, read_table
from src_dash.analytics.scoring import score_frame
from src_dash.services.inputs import InvalidInput
from src_dash.store.dialect import sql_date, sql_utc_day

# ---------------------------------------------------------------------------------------------
# The joined frame, once per ledger version and date


def _rows_frame(conn: Connection, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return read_table(conn, _Table(sql, schema))


def _app_frames(engine: Engine) -> dict[str, pl.DataFrame]:
    """What the ledger does not hold: customers' extras, item states, last actions, reasons."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        day, utc_day = (lambda c: sql_date(dialect, c)), (lambda c: sql_utc_day(dialect, c))
        frames = {
            "customers": _rows_frame(
                conn,
                f"SELECT id, profile, stop_reason, {day('stop_until')} FROM customer",
                {
                    "customer_id": pl.Int32,
                    "profile": pl.String,
                    "customer_stop_reason": pl.String,
                    "customer_stop_until": pl.Date,
                },
            ),
            "states": _rows_frame(
                conn,
                f"SELECT entry_id, level, next_level, {day('last_dunned_on')}, stop_reason, "
                f"{day('stop_until')} FROM item_state",
                {
                    "id": pl.Int64,
                    "level": pl.Int32,
                    "next_level": pl.Int32,
                    "last_dunned_on": pl.Date,
                    "stop_reason": pl.String,
                    "stop_until": pl.Date,
                },
            ),
            "actions": _rows_frame(
                conn,
                f"SELECT ai.entry_id, a.id, a.kind, a.outcome, {utc_day('a.done_at')} "
                "FROM action_item ai JOIN action a ON a.id = ai.action_id "
                "WHERE a.status = 'done' AND ai.entry_id IS NOT NULL AND a.done_at IS NOT NULL",
                {
                    "id": pl.Int64,
                    "action_id": pl.Int64,
                    "action_kind": pl.String,
                    "outcome": pl.String,
                    "done_on": pl.Date,
                },
            ),
            "reasons": _rows_frame(
                conn,
                "SELECT d.id, coalesce(r.label, '') FROM dispute d "
                "LEFT JOIN dispute_reason r ON r.id = d.reason_id WHERE d.status = 'open'",
                {"dispute_id": pl.Int64, "dispute_reason": pl.String},
            ),
        }
    return frames


TEXT_SCHEMA = {"id": pl.Int64, "piece": pl.String, "reference": pl.String, "label": pl.String}


def _free_rows(engine: Engine, table: str, key: str, key_type: pl.DataType) -> pl.DataFrame:
    """The free fields of every row of `table` (customer, entry) as (key, name, value, lowered)
    rows, those with a value only.

    The rows with none ('{}', as the sync writes them) are skipped on the text, without
    parsing their JSON.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            each, empty = "json_each_text", "t.free_fields::text <> '{}'"
        else:
            each, empty = "json_each", "t.free_fields <> '{}'"
        frame = _rows_frame(
            conn,
            f"SELECT t.id, f.key, f.value FROM {table} t, {each}(t.free_fields) f WHERE {empty}",
            {key: key_type, "name": pl.String, "value": pl.String},
        )
    return frame.filter(pl.col("value") != "").with_columns(
        lowered=pl.col("value").str.to_lowercase()
    )


def _free_fields(engine: Engine) -> pl.DataFrame:
    """Every customer's free fields as (customer_id, name, value, lowered) rows."""
    return _free_rows(engine, "customer", "customer_id", pl.Int32)


def _entry_free_fields(engine: Engine) -> pl.DataFrame:
    """Every entry's free fields as (id, name, value, lowered) rows (id: the entry's)."""
    return _free_rows(engine, "entry", "id", pl.Int64)


def _customer_free(engine: Engine, ledger: Ledger) -> pl.DataFrame:
    """The customers' free fields, kept until the parties change."""
    return ledger.memo(("open_items_free",), lambda: _free_fields(engine), keep="parties")


def _entry_free(engine: Engine, ledger: Ledger) -> pl.DataFrame:
    """The entries' free fields, kept until the entries change (only a sync changes them)."""
    return ledger.memo(
        ("open_items_entry_free",), lambda: _entry_free_fields(engine), keep="entries"
    )


def _free_match(
    free: pl.DataFrame, key: str, pairs: tuple[tuple[str, str], ...], what: str
) -> list[pl.Expr]:
    """Conditions for free-field filters: each (name, text) keeps the rows whose field contains
    the text, in any case (any value when the text is empty).

    Args:
        free: (key, name, value, lowered) rows, from `_free_fields` or `_entry_free_fields`.
        key: the column both frames share: customer_id, or id (the entry's).
        pairs: the filters' (name, text) pairs.
        what: the filter's name, for the error.

    Raises:
        InvalidInput: for a pair without a field name.
    """
    out = []
    for name, value in pairs:
        name = str(name or "").strip()
        if not name:
            raise InvalidInput(what, "choose the free field the text is looked for in")
        wanted = free.filter(pl.col("name") == name)
        needle = str(value or "").strip().lower()
        if needle:
            wanted = wanted.filter(pl.col("lowered").str.contains(needle, literal=True))
        out.append(pl.col(key).is_in(wanted[key].implode()))
    return out


def _free_choices(free: pl.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each free field of some rows with its first 100 values, sorted."""
    grouped = free.group_by("name").agg(pl.col("value").unique().sort().head(100)).sort("name")
    return {r["name"]: tuple(r["value"]) for r in grouped.iter_rows(named=True)}


def _texts_by_ids(engine: Engine, ids: list[int]) -> pl.DataFrame:
    """Piece, reference and label of some entries (ids are integers: listed inline)."""
    if not ids:
        return pl.DataFrame(schema=TEXT_SCHEMA)
    sql = f"SELECT id, piece, reference, label FROM entry WHERE id IN ({id_list(ids)})"
    with engine.connect() as conn:
        return _rows_frame(conn, sql, TEXT_SCHEMA)


def _all_texts(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Piece, reference, label and a lower-case search text of every open item as of a date.

    Loaded only for a search or a sort on them: the items open in the store in one scan, and
    the few more a view of a past day may hold by id.
    """
    ids = ledger.view(as_of).open_items["id"]
    with engine.connect() as conn:
        known = _rows_frame(
            conn, "SELECT id, piece, reference, label FROM entry WHERE NOT lettered", TEXT_SCHEMA
        )
    missing = ids.filter(~ids.is_in(known["id"].implode())).to_list()
    frame = pl.concat([known, _texts_by_ids(engine, missing)]) if missing else known
    return frame.filter(pl.col("id").is_in(ids.implode())).with_columns(
        text=pl.concat_str(["piece", "reference"], separator="\x1f").str.to_lowercase()
    )


def _graded_customers(ledger: Ledger, app: dict, as_of: date) -> pl.DataFrame:
    """The customers with what the app keeps on them and their grade (A to E, "" unscored)."""
    return (
        ledger.customers.select("customer_id", "number", "name", "sales_rep_id")
        .join(app["customers"], on="customer_id", how="left")
        .join(
            score_frame(ledger, as_of).select("customer_id", "score"), on="customer_id", how="left"
        )
        .with_columns(
            grade=pl.when(pl.col("score").is_null())
            .then(pl.lit(""))
            .when(pl.col("score") < 20)
            .then(pl.lit("A"))
            .when(pl.col("score") < 40)
            .then(pl.lit("B"))
            .when(pl.col("score") < 60)
            .then(pl.lit("C"))
            .when(pl.col("score") < 80)
            .then(pl.lit("D"))
            .otherwise(pl.lit("E"))
        )
        .drop("score")
    )


def _first_promises(ledger: Ledger) -> pl.DataFrame:
    """Per item, the first pending promise on it (by promised day)."""
    pending = ledger.promises.filter(pl.col("status") == "pending").select(
        "promise_id", "promised_on"
    )
    return (
        ledger.promise_items.join(pending, on="promise_id", how="inner")
        .sort("promised_on", "promise_id")
        .group_by("entry_id", maintain_order=True)
        .first()
        .select(
            pl.col("entry_id").alias("id"),
            "promise_id",
            "promised_on",
            pl.col("amount").alias("promise_amount"),
        )
    )


def _first_disputes(ledger: Ledger, app: dict) -> pl.DataFrame:
    """Per item, the first open dispute on it, with its reason."""
    return (
        ledger.dispute_items.join(app["reasons"], on="dispute_id", how="inner")
        .sort("dispute_id")
        .group_by("entry_id", maintain_order=True)
        .first()
        .select(pl.col("entry_id").alias("id"), "dispute_id", "dispute_reason")
    )


def _last_actions(app: dict) -> pl.DataFrame:
    """Per item, the last action done on it ("kind:outcome")."""
    return (
        app["actions"]
        .sort("done_on", "action_id")
        .group_by("id", maintain_order=True)
        .last()
        .select(
            "id",
            "done_on",
            pl.when(pl.col("outcome") != "")
            .then(pl.col("action_kind") + ":" + pl.col("outcome"))
            .otherwise(pl.col("action_kind"))
            .alias("action_text"),
        )
    )


def _base(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Every open item as of a date, joined with all the table shows and filters on."""
    app = ledger.memo(("open_items_app",), lambda: _app_frames(engine))
    view = ledger.view(as_of)
    items = view.open_items
    customers = _graded_customers(ledger, app, as_of)
    companies = ledger.companies.select("company_id", pl.col("code").alias("company_code"))
    promises = _first_promises(ledger)
    disputes = _first_disputes(ledger, app)
    actions = _last_actions(app)
    item_stopped = (pl.col("stop_reason").fill_null("") != "") & (
        pl.col("stop_until").is_null() | (pl.col("stop_until") > as_of)
    )
    customer_stopped = (pl.col("customer_stop_reason").fill_null("") != "") & (
        pl.col("customer_stop_until").is_null() | (pl.col("customer_stop_until") > as_of)
    )
    dunned, done = pl.col("last_dunned_on"), pl.col("done_on")
    dun_newer = dunned.is_not_null() & (done.is_null() | (dunned > done))
    frame = (
        items.lazy()
        .join(customers.lazy(), on="customer_id", how="left")
        .join(companies.lazy(), on="company_id", how="left")
        .join(app["states"].lazy(), on="id", how="left")
        .join(actions.lazy(), on="id", how="left")
        .join(promises.lazy(), on="id", how="left")
        .join(disputes.lazy(), on="id", how="left")
        .with_columns(
            days_late=(pl.lit(as_of) - pl.col("due")).dt.total_days().cast(pl.Int32),
            level=pl.col("level").fill_null(0),
            stopped=item_stopped | customer_stopped,
            stop_reason=pl.when(item_stopped)
            .then(pl.col("stop_reason"))
            .when(customer_stopped)
            .then(pl.col("customer_stop_reason"))
            .otherwise(pl.lit("")),
            stop_until=pl.when(item_stopped)
            .then(pl.col("stop_until"))
            .when(customer_stopped)
            .then(pl.col("customer_stop_until"))
            .otherwise(None),
            last_action_on=pl.when(dun_newer).then(dunned).otherwise(pl.col("done_on")),
            last_action=pl.when(dun_newer)
            .then(pl.lit("step"))
            .otherwise(pl.col("action_text"))
            .fill_null(""),
            profile=pl.col("profile").fill_null(""),
        )
        .with_columns(
            state=pl.when(pl.col("dispute_id").is_not_null())
            .then(pl.lit("disputed"))
            .when(pl.col("promise_id").is_not_null())
            .then(pl.lit("promised"))
            .when(pl.col("stopped"))
            .then(pl.lit("stopped"))
            .otherwise(pl.lit("none")),
            customer_text=pl.concat_str(["number", "name"], separator="\x1f")
            .fill_null("")
            .str.to_lowercase(),
        )
        .drop("customer_stop_reason", "customer_stop_until", "done_on", "action_text")
        .collect()
    )
    return frame


def _frame(engine: Engine, as_of: date) -> tuple[Ledger, pl.DataFrame]:
    ledger = get_ledger(engine)
    return ledger, ledger.memo(("open_items", as_of), lambda: _base(engine, ledger, as_of))


def _texts(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    # Pieces and labels change only with the entries (a sync): kept over collectors' actions.
    return ledger.memo(
        ("open_items_texts", as_of), lambda: _all_texts(engine, ledger, as_of), keep="entries"
    )
