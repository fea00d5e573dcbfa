"""The open items table ("Suivre par échéance"): server-side filters, sorting and paging.

Rows come from the cached Polars ledger as of a date (`get_ledger(engine).view(as_of)`), joined
once per data version and date with what the app knows of each item (dunning level and stop,
last action, pending promise, open dispute), of its customer (number, name, sales rep, profile,
free fields, grade) and its piece, reference and label. That joined frame is kept with the
ledger (its memo), so a page, a sort or a filter change only filters, sorts and slices it.
The free fields (the customers' and the entries' own) are read when a filter or the filters'
choices first need them and kept until the parties, or the entries, change.
Everything is scoped to the viewer's customers on the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.balances import money
from src_dash.analytics.ledger import KIND_FEE, Ledger, _Table, get_ledger, id_list, read_table
from src_dash.analytics.scoring import score_frame
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.services.access import Viewer
from src_dash.services.inputs import InvalidInput

MAX_PAGE_SIZE = 500
GRADES = ("A", "B", "C", "D", "E")
# Item states shown in the "promise or dispute" column, and filterable.
STATES = ("disputed", "promised", "stopped", "none")
# Sort keys the table offers -> the column sorted on.
SORTS = {
    "due_date": "due",
    "days_late": "days_late",
    "posting_date": "posting_date",
    "residual": "residual",
    "amount": "amount",
    "level": "level",
    "customer": "number",
    "customer_name": "name",
    "company": "company_code",
    "piece": "piece",
    "reference": "reference",
    "journal": "journal",
    "last_action": "last_action_on",
    "promised_on": "promised_on",
    "grade": "grade",
}


@dataclass(frozen=True)
class OpenItemFilters:
    """What the open items table is filtered on; empty or None means no filter.

    Attributes:
        company_ids: only these companies.
        sales_rep_ids: only customers of these sales reps (`sales_rep.id`).
        customer_ids: only these customers (the customer card).
        profiles: only customers of these profiles.
        grades: only customers of these grades (A..E).
        min_days_late, max_days_late: overdue age (days since the due date; negative before).
        min_residual, max_residual: the residual, in book currency.
        levels: only items at these dunning levels (0 = never dunned).
        journals: only these journals.
        kinds: only these kinds (invoice, credit_note, payment, other_debit).
        due_from, due_to: due date range (an item with no due date is due on its posting date).
        states: disputed, promised, stopped, none.
        free_fields: (name, text) pairs: the customer's free field contains the text (any case;
            an empty text keeps the customers that have a value in the field).
        entry_free_fields: (name, text) pairs, the same on the entry's own free fields (the
            informations libres of F_ECRITUREC).
        search: text found in the piece, the reference, the customer's number or name.
        doubtful: True keeps only the doubtful receivables (416, clients douteux), False leaves
            them out, None keeps every item.
    """

    company_ids: tuple[int, ...] = ()
    sales_rep_ids: tuple[int, ...] = ()
    customer_ids: tuple[int, ...] = ()
    profiles: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    min_days_late: int | None = None
    max_days_late: int | None = None
    min_residual: Decimal | None = None
    max_residual: Decimal | None = None
    levels: tuple[int, ...] = ()
    journals: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    states: tuple[str, ...] = ()
    free_fields: tuple[tuple[str, str], ...] = ()
    entry_free_fields: tuple[tuple[str, str], ...] = ()
    search: str = ""
    doubtful: bool | None = None


@dataclass(frozen=True)
class OpenItemRow:
    """One row of the table.

    Attributes:
        days_late: as_of - due date (negative before the due date).
        level: the dunning level reached (0 = never dunned); next_level: set by hand.
        stopped: dunning of the item (or of its customer) is stopped on as_of.
        last_action_on, last_action: the newest done action on the item (kind, and the call's
            outcome), or its last dunning.
        state: disputed, promised, stopped or none.
        doubtful: a doubtful receivable (416, clients douteux): counted, not dunned by default.
    """

    entry_id: int
    company_id: int
    company_code: str
    customer_id: int
    customer_number: str
    customer_name: str
    sales_rep_id: int | None
    profile: str
    grade: str
    journal: str
    kind: str
    piece: str
    reference: str
    label: str
    posting_date: date
    due_date: date | None
    days_late: int
    amount: Decimal
    residual: Decimal
    currency: str
    residual_currency: Decimal | None
    level: int
    next_level: int | None
    stopped: bool
    stop_reason: str
    stop_until: date | None
    last_action_on: date | None
    last_action: str
    promise_id: int | None
    promised_on: date | None
    promise_amount: Decimal | None
    dispute_id: int | None
    dispute_reason: str
    state: str
    doubtful: bool = False


@dataclass(frozen=True)
class OpenItemsPage:
    """A page of the table and the totals of every row the filters keep."""

    as_of: date
    rows: tuple[OpenItemRow, ...]
    total: int
    page: int
    page_size: int
    pages: int
    total_residual: Decimal
    overdue_residual: Decimal
    sort: str
    descending: bool


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can choose among, within the viewer's scope.

    `free_fields` and `entry_free_fields` map each free field (of the customers, of the
    entries) that has a value on an open item to its first 100 values, sorted.
    """

    companies: tuple[tuple[int, str, str], ...]  # id, code, name
    sales_reps: tuple[tuple[int, str], ...]  # id, name
    profiles: tuple[str, ...]
    grades: tuple[str, ...]
    journals: tuple[str, ...]
    levels: tuple[int, ...]
    kinds: tuple[str, ...]
    states: tuple[str, ...]
    free_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entry_free_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The joined frame, once per ledger version and date


def _rows_frame(conn: Connection, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return read_table(conn, _Table(sql, schema))


def _day_sql(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _utc_day_sql(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _app_frames(engine: Engine) -> dict[str, pl.DataFrame]:
    """What the ledger does not hold: customers' extras, item states, last actions, reasons."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        day, utc_day = (lambda c: _day_sql(dialect, c)), (lambda c: _utc_day_sql(dialect, c))
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


def _free_fields(engine: Engine) -> pl.DataFrame:
    """Every customer's free fields as (customer_id, name, value, lowered) rows."""
    with engine.connect() as conn:
        each = "json_each_text" if conn.dialect.name == "postgresql" else "json_each"
        frame = _rows_frame(
            conn,
            f"SELECT c.id, f.key, f.value FROM customer c, {each}(c.free_fields) f",
            {"customer_id": pl.Int32, "name": pl.String, "value": pl.String},
        )
    return frame.filter(pl.col("value") != "").with_columns(
        lowered=pl.col("value").str.to_lowercase()
    )


def _entry_free_fields(engine: Engine) -> pl.DataFrame:
    """Every entry's free fields as (id, name, value, lowered) rows (id: the entry's).

    Most entries have none ('{}', as the sync writes them): those are skipped on the text,
    without parsing their JSON.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            each, empty = "json_each_text", "e.free_fields::text <> '{}'"
        else:
            each, empty = "json_each", "e.free_fields <> '{}'"
        frame = _rows_frame(
            conn,
            f"SELECT e.id, f.key, f.value FROM entry e, {each}(e.free_fields) f WHERE {empty}",
            {"id": pl.Int64, "name": pl.String, "value": pl.String},
        )
    return frame.filter(pl.col("value") != "").with_columns(
        lowered=pl.col("value").str.to_lowercase()
    )


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


def _base(engine: Engine, ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Every open item as of a date, joined with all the table shows and filters on."""
    app = ledger.memo(("open_items_app",), lambda: _app_frames(engine))
    view = ledger.view(as_of)
    items = view.open_items
    customers = (
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
    companies = ledger.companies.select("company_id", pl.col("code").alias("company_code"))
    pending = ledger.promises.filter(pl.col("status") == "pending").select(
        "promise_id", "promised_on"
    )
    promises = (
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
    disputes = (
        ledger.dispute_items.join(app["reasons"], on="dispute_id", how="inner")
        .sort("dispute_id")
        .group_by("entry_id", maintain_order=True)
        .first()
        .select(pl.col("entry_id").alias("id"), "dispute_id", "dispute_reason")
    )
    actions = (
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


# ---------------------------------------------------------------------------------------------
# Queries


def _conditions(engine: Engine, ledger: Ledger, as_of: date, f: OpenItemFilters) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    if f.company_ids:
        out.append(pl.col("company_id").is_in(list(f.company_ids)))
    if f.sales_rep_ids:
        out.append(pl.col("sales_rep_id").is_in(list(f.sales_rep_ids)))
    if f.customer_ids:
        out.append(pl.col("customer_id").is_in(list(f.customer_ids)))
    if f.profiles:
        out.append(pl.col("profile").is_in(list(f.profiles)))
    if f.grades:
        unknown = [g for g in f.grades if g not in GRADES]
        if unknown:
            raise InvalidInput("grades", f"{unknown[0]!r} is not one of {', '.join(GRADES)}")
        out.append(pl.col("grade").is_in(list(f.grades)))
    if f.min_days_late is not None:
        out.append(pl.col("days_late") >= int(f.min_days_late))
    if f.max_days_late is not None:
        out.append(pl.col("days_late") <= int(f.max_days_late))
    if f.min_residual is not None:
        out.append(pl.col("residual") >= to_cents(Decimal(str(f.min_residual))))
    if f.max_residual is not None:
        out.append(pl.col("residual") <= to_cents(Decimal(str(f.max_residual))))
    if f.levels:
        out.append(pl.col("level").is_in([int(v) for v in f.levels]))
    if f.journals:
        out.append(pl.col("journal").is_in(list(f.journals)))
    if f.kinds:
        out.append(pl.col("kind").cast(pl.String).is_in(list(f.kinds)))
    if f.due_from is not None:
        out.append(pl.col("due") >= f.due_from)
    if f.due_to is not None:
        out.append(pl.col("due") <= f.due_to)
    if f.states:
        unknown = [s for s in f.states if s not in STATES]
        if unknown:
            raise InvalidInput("states", f"{unknown[0]!r} is not one of {', '.join(STATES)}")
        out.append(pl.col("state").is_in(list(f.states)))
    if f.doubtful is not None:
        out.append(pl.col("doubtful") if f.doubtful else ~pl.col("doubtful"))
    if f.free_fields:
        free = _customer_free(engine, ledger)
        out.extend(_free_match(free, "customer_id", f.free_fields, "free_fields"))
    if f.entry_free_fields:
        free = _entry_free(engine, ledger)
        out.extend(_free_match(free, "id", f.entry_free_fields, "entry_free_fields"))
    search = f.search.strip().lower()
    if search:
        texts = _texts(engine, ledger, as_of)
        found = texts.filter(pl.col("text").str.contains(search, literal=True))["id"]
        out.append(
            pl.col("customer_text").str.contains(search, literal=True)
            | pl.col("id").is_in(found.implode())
        )
    return out


def _kept(
    engine: Engine, who: Viewer, filters: OpenItemFilters | None, as_of: date
) -> tuple[Ledger, pl.DataFrame]:
    """The open items of the viewer's scope that the filters keep."""
    ledger, frame = _frame(engine, as_of)
    conditions = _conditions(engine, ledger, as_of, filters or OpenItemFilters())
    allowed = ledger.customer_ids(who.scope)
    if allowed is not None:
        conditions.insert(0, pl.col("customer_id").is_in(allowed.implode()))
    return ledger, (frame.filter(*conditions) if conditions else frame)


def open_items(
    engine: Engine,
    who: Viewer,
    filters: OpenItemFilters | None = None,
    sort: str = "due_date",
    descending: bool = False,
    page: int = 0,
    page_size: int = 50,
    as_of: date | None = None,
) -> OpenItemsPage:
    """One page of the open items the viewer may see, filtered and sorted on the server.

    Args:
        engine: the store.
        who: the viewer (any role; the rows are those of their scope).
        filters: what to keep (default everything).
        sort: a key of SORTS; ties are broken by due date then entry id.
        descending: sort order.
        page: the page number, from 0 (past the end gives the last page).
        page_size: rows per page, 1..MAX_PAGE_SIZE.
        as_of: the day the items are open on (default today).

    Raises:
        InvalidInput: for an unknown sort key, grade or state, or a bad page size.
    """
    if sort not in SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    as_of = as_of or clock_today()
    ledger, kept = _kept(engine, who, filters, as_of)
    total = kept.height
    sums = kept.select(
        pl.col("residual").sum().alias("total"),
        pl.col("residual").filter((pl.col("residual") > 0) & (pl.col("days_late") > 0)).sum(),
    ).row(0)
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(max(int(page), 0), pages - 1)
    column = SORTS[sort]
    if column in ("piece", "reference"):
        texts = _texts(engine, ledger, as_of).select("id", column)
        kept = kept.join(texts, on="id", how="left")
    by = [column] + [c for c in ("due", "id") if c != column]
    order = [descending] + [False] * (len(by) - 1)
    if sort == "due_date":
        # Invoices first: fees and interest, due on posting, would fill the first page.
        kept = kept.with_columns(_fee_last=pl.col("kind") == KIND_FEE)
        by, order = ["_fee_last", *by], [False, *order]
    rows = (
        kept.lazy()
        .sort(by, descending=order, nulls_last=True)
        .slice(page * page_size, page_size)
        .collect()
    )
    texts = _texts_by_ids(engine, rows["id"].to_list())
    by_id = {r["id"]: r for r in texts.iter_rows(named=True)}
    return OpenItemsPage(
        as_of=as_of,
        rows=tuple(_row(r, by_id.get(r["id"], {})) for r in rows.iter_rows(named=True)),
        total=total,
        page=page,
        page_size=page_size,
        pages=pages,
        total_residual=money(sums[0]),
        overdue_residual=money(sums[1]),
        sort=sort,
        descending=descending,
    )


def _row(r: dict, t: dict) -> OpenItemRow:
    return OpenItemRow(
        entry_id=r["id"],
        company_id=r["company_id"],
        company_code=r["company_code"] or "",
        customer_id=r["customer_id"],
        customer_number=r["number"] or "",
        customer_name=r["name"] or "",
        sales_rep_id=r["sales_rep_id"],
        profile=r["profile"],
        grade=r["grade"] or "",
        journal=r["journal"],
        kind=str(r["kind"]),
        piece=t.get("piece") or "",
        reference=t.get("reference") or "",
        label=t.get("label") or "",
        posting_date=r["posting_date"],
        due_date=r["due_date"],
        days_late=r["days_late"],
        amount=money(r["amount"]),
        residual=money(r["residual"]),
        currency=r["currency"] or "",
        residual_currency=None if r["residual_currency"] is None else money(r["residual_currency"]),
        level=r["level"],
        next_level=r["next_level"],
        stopped=bool(r["stopped"]),
        stop_reason=r["stop_reason"] or "",
        stop_until=r["stop_until"],
        last_action_on=r["last_action_on"],
        last_action=r["last_action"],
        promise_id=r["promise_id"],
        promised_on=r["promised_on"],
        promise_amount=None if r["promise_amount"] is None else money(r["promise_amount"]),
        dispute_id=r["dispute_id"],
        dispute_reason=r["dispute_reason"] or "",
        state=r["state"],
        doubtful=bool(r["doubtful"]),
    )


def filter_choices(engine: Engine, who: Viewer, as_of: date | None = None) -> FilterChoices:
    """The values the filters offer, taken from the open items of the viewer's scope."""
    as_of = as_of or clock_today()
    ledger, frame = _frame(engine, as_of)
    frame = ledger.scoped(frame, who.scope)
    company_ids = set(frame["company_id"].unique().to_list())
    companies = tuple(
        (r["company_id"], r["code"], r["name"])
        for r in ledger.companies.sort("code").iter_rows(named=True)
        if r["company_id"] in company_ids
    )
    rep_ids = set(frame["sales_rep_id"].drop_nulls().unique().to_list())
    reps = tuple(
        (r["sales_rep_id"], f"{r['first_name']} {r['last_name']}".strip())
        for r in ledger.sales_reps.sort("last_name", "first_name").iter_rows(named=True)
        if r["sales_rep_id"] in rep_ids
    )
    free = _customer_free(engine, ledger).filter(
        pl.col("customer_id").is_in(frame["customer_id"].unique().implode())
    )
    entry_free = _entry_free(engine, ledger).filter(pl.col("id").is_in(frame["id"].implode()))
    return FilterChoices(
        companies=companies,
        sales_reps=reps,
        profiles=tuple(sorted(v for v in frame["profile"].unique().to_list() if v)),
        grades=GRADES,
        journals=tuple(sorted(frame["journal"].unique().to_list())),
        levels=tuple(sorted(frame["level"].unique().to_list())),
        kinds=tuple(sorted(frame["kind"].cast(pl.String).unique().to_list())),
        states=STATES,
        free_fields=_free_choices(free),
        entry_free_fields=_free_choices(entry_free),
    )


def open_item_ids(
    engine: Engine,
    who: Viewer,
    filters: OpenItemFilters | None = None,
    as_of: date | None = None,
) -> tuple[int, ...]:
    """The ids of every open item the filters keep (to act on a whole selection)."""
    _, kept = _kept(engine, who, filters, as_of or clock_today())
    return tuple(kept.sort("due", "id")["id"].to_list())
