"""Who owes what ("Qui vous doit quoi"): the customers table, paged, sorted, searched, filtered
and exported, always within the viewer's portfolio.

Everything is computed on the cached Polars ledger: one frame of every customer with its
balances, aging, score and the app's own columns (profile, stop, flag, free fields) is built once
per data version and date, then each request only filters, sorts and slices it, and turns the
rows of one page into dataclasses. A page change on a store of a million entries costs a few
milliseconds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money
from src_dash.analytics.exports import write_xlsx
from src_dash.analytics.ledger import KIND_FEE, Ledger, get_ledger, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.analytics.scoring import GRADES, score_frame
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.services.access import Viewer, require

READ = frozenset({"admin", "collector", "sales_rep", "read_only"})

# Column kinds, so that the UI formats and aligns each column without knowing it.
TEXT, MONEY, INTEGER, GRADE, FLAG = "text", "money", "integer", "grade", "flag"

FREE_PREFIX = "free:"


@dataclass(frozen=True)
class Column:
    """A column the table can show.

    Attributes:
        key: the column's key (free fields: "free:<name>").
        kind: text, money, integer, grade or flag (a yes/no shown as a mark).
        label: the free field's name for free-field columns; "" for the built-in ones, whose
            words are in the UI's catalog ("customers.col.<key>").
    """

    key: str
    kind: str
    label: str = ""

    @property
    def is_free_field(self) -> bool:
        """Whether the column is a free field (informations libres) of Sage."""
        return self.key.startswith(FREE_PREFIX)


COLUMNS: tuple[Column, ...] = (
    Column("number", TEXT),
    Column("name", TEXT),
    Column("company", TEXT),
    Column("sales_rep", TEXT),
    Column("collector", TEXT),
    Column("profile", TEXT),
    Column("city", TEXT),
    Column("email", TEXT),
    Column("phone", TEXT),
    Column("outstanding", MONEY),
    Column("overdue", MONEY),
    Column("not_due", MONEY),
    Column("credits", MONEY),
    Column("credit_limit", MONEY),
    Column("open_items", INTEGER),
    Column("oldest_days", INTEGER),
    Column("score", INTEGER),
    Column("grade", GRADE),
    Column("stopped", FLAG),
    Column("flagged", FLAG),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
DEFAULT_COLUMNS = (
    "number",
    "name",
    "sales_rep",
    "outstanding",
    "overdue",
    "oldest_days",
    "grade",
)
# Amount filters may bear on these columns.
AMOUNT_COLUMNS = ("outstanding", "overdue", "not_due")
PAGE_SIZES = (10, 25, 50, 100)
EXPORT_FORMATS = ("csv", "xlsx")
MAX_PAGE_SIZE = 500


class QueryError(ValueError):
    """A query the table cannot run (unknown column, bad amount); the message says which."""


@dataclass(frozen=True)
class CustomerQuery:
    """What the table shows: filters, sort, page and columns.

    Attributes:
        search: words found in the number, name, city, email or phone (case ignored; every
            word must be found).
        company_ids: only these companies (empty: all).
        sales_rep_ids: only the customers of these sales reps (`sales_rep.id`; 0 means "no
            sales rep").
        profiles: only these profiles ("" means "no profile").
        grades: only these score grades (A..E).
        min_days_overdue: only customers whose oldest overdue item is at least this late.
        amount_on: the amount `min_amount` and `max_amount` bear on: outstanding, overdue or
            not_due.
        min_amount: at least this amount (book currency).
        max_amount: at most this amount.
        free: (free field name, words) pairs: the field's value must contain the words.
        with_balance: only customers with open items (the default: who owes what); False
            lists every customer of the portfolio.
        flagged_only: only flagged customers.
        stopped_only: only customers whose dunning is stopped.
        sort: the column to sort on.
        descending: sort order.
        page: 0-based page number (past the last page: the last page).
        page_size: rows per page (1..500).
        columns: the columns to show and export, in order.
    """

    search: str = ""
    company_ids: tuple[int, ...] = ()
    sales_rep_ids: tuple[int, ...] = ()
    profiles: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    min_days_overdue: int | None = None
    amount_on: str = "outstanding"
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    free: tuple[tuple[str, str], ...] = ()
    with_balance: bool = True
    flagged_only: bool = False
    stopped_only: bool = False
    sort: str = "overdue"
    descending: bool = True
    page: int = 0
    page_size: int = 25
    columns: tuple[str, ...] = DEFAULT_COLUMNS


@dataclass(frozen=True)
class CustomerRow:
    """One customer of the table, with every column (the UI shows the chosen ones).

    Amounts are in the customer's book currency (`currency`).
    """

    customer_id: int
    company: str
    number: str
    name: str
    currency: str
    sales_rep: str
    collector: str
    profile: str
    city: str
    email: str
    phone: str
    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    credit_limit: Decimal
    open_items: int
    oldest_days: int
    score: int | None
    grade: str
    stopped: bool
    flagged: bool
    free_fields: tuple[tuple[str, str], ...] = ()

    def value(self, key: str) -> object:
        """The raw value of a column by key (free fields: "free:<name>", "" when unset)."""
        if key.startswith(FREE_PREFIX):
            return dict(self.free_fields).get(key.removeprefix(FREE_PREFIX), "")
        if key not in COLUMN_KEYS:
            raise QueryError(f"unknown column {key!r}")
        return getattr(self, key)


@dataclass(frozen=True)
class CurrencyTotal:
    """The sum of the filtered customers' amounts in one book currency."""

    currency: str
    customers: int
    outstanding: Decimal
    overdue: Decimal


@dataclass(frozen=True)
class CustomerPage:
    """One page of the table.

    Attributes:
        rows: the customers of the page.
        total: how many customers match the filters (every page).
        page: the page shown (0-based; the last one when the query asked past it).
        page_size: rows per page.
        pages: the number of pages (at least 1).
        totals: the matching customers' sums, per book currency.
        columns: the columns asked for, resolved (free-field labels included).
        as_of: the date of the figures.
    """

    rows: tuple[CustomerRow, ...]
    total: int
    page: int
    page_size: int
    pages: int
    totals: tuple[CurrencyTotal, ...]
    columns: tuple[Column, ...]
    as_of: date


@dataclass(frozen=True)
class Choice:
    """An option of a filter: its value and what users read."""

    value: str
    label: str


@dataclass(frozen=True)
class FilterOptions:
    """What the filters of the table offer to this viewer (only what their portfolio holds)."""

    companies: tuple[Choice, ...]
    sales_reps: tuple[Choice, ...]
    profiles: tuple[Choice, ...]
    grades: tuple[str, ...]
    free_fields: tuple[str, ...]
    columns: tuple[Column, ...] = field(default=COLUMNS)


@dataclass(frozen=True)
class ExportFile:
    """A file to hand to the browser."""

    filename: str
    mime_type: str
    data: bytes
    rows: int


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


# --- the query -----------------------------------------------------------------------------------


def _free_names(frame: pl.DataFrame) -> list[str]:
    return [c.removeprefix(FREE_PREFIX) for c in frame.columns if c.startswith(FREE_PREFIX)]


def resolve_columns(keys: tuple[str, ...] | list[str], frame: pl.DataFrame) -> tuple[Column, ...]:
    """The columns of keys, in order; free fields the store does not hold are left out.

    Raises:
        QueryError: for a key that is neither a column nor a free field.
    """
    known = {c.key: c for c in COLUMNS}
    free = set(_free_names(frame))
    out = []
    for key in keys:
        if key in known:
            out.append(known[key])
        elif key.startswith(FREE_PREFIX):
            name = key.removeprefix(FREE_PREFIX)
            if name in free:
                out.append(Column(key, TEXT, name))
        else:
            raise QueryError(f"unknown column {key!r}")
    return tuple(out)


def _filtered(frame: pl.DataFrame, query: CustomerQuery) -> pl.DataFrame:
    """The rows of the frame the query's filters keep (scope already applied)."""
    conditions: list[pl.Expr] = []
    if query.with_balance:
        conditions.append(pl.col("open_items") > 0)
    words = query.search.lower().split()
    conditions += [pl.col("haystack").str.contains(w, literal=True) for w in words]
    if query.company_ids:
        conditions.append(pl.col("company_id").is_in(list(query.company_ids)))
    if query.sales_rep_ids:
        reps = [r for r in query.sales_rep_ids if r]
        cond = pl.col("sales_rep_id").is_in(reps)
        if 0 in query.sales_rep_ids:
            cond = cond | pl.col("sales_rep_id").is_null()
        conditions.append(cond)
    if query.profiles:
        conditions.append(pl.col("profile").is_in(list(query.profiles)))
    if query.grades:
        conditions.append(pl.col("grade").is_in([g.upper() for g in query.grades]))
    if query.min_days_overdue is not None:
        conditions.append(pl.col("oldest_days") >= int(query.min_days_overdue))
    if query.min_amount is not None or query.max_amount is not None:
        if query.amount_on not in AMOUNT_COLUMNS:
            raise QueryError(f"amount filter on {query.amount_on!r}; use one of {AMOUNT_COLUMNS}")
        if query.min_amount is not None:
            conditions.append(pl.col(query.amount_on) >= to_cents(query.min_amount))
        if query.max_amount is not None:
            conditions.append(pl.col(query.amount_on) <= to_cents(query.max_amount))
    free_names = set(_free_names(frame))
    for name, value in query.free:
        if name not in free_names:
            # No customer has this field: nothing matches a filter on it.
            conditions.append(pl.lit(False))
            continue
        column = pl.col(FREE_PREFIX + name).str.to_lowercase()
        conditions += [column.str.contains(w, literal=True) for w in value.lower().split()]
    if query.flagged_only:
        conditions.append(pl.col("flagged"))
    if query.stopped_only:
        conditions.append(pl.col("stopped"))
    return frame.filter(*conditions) if conditions else frame


def _sorted(frame: pl.DataFrame, query: CustomerQuery) -> pl.DataFrame:
    """The rows in the query's order; ties stay in number order (the frame's own order)."""
    key = query.sort
    if key not in COLUMN_KEYS and key not in frame.columns:
        raise QueryError(f"cannot sort on {key!r}")
    if key == "grade":
        key = "score"
    if key == "number":
        return frame.reverse() if query.descending else frame
    return frame.sort(key, descending=query.descending, nulls_last=True, maintain_order=True)


def _view(engine: Engine, who: Viewer, query: CustomerQuery, as_of: date | None):  # noqa: ANN202
    """The scoped, filtered, sorted frame of a query, and its date."""
    require(who, READ)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    frame = ledger.scoped(customers_frame(engine, ledger, as_of), who.scope)
    return _sorted(_filtered(frame, query), query), as_of


def _row(row: dict, free_names: list[str]) -> CustomerRow:
    score = row["score"]
    return CustomerRow(
        customer_id=row["customer_id"],
        company=row["company"] or "",
        number=row["number"],
        name=row["name"],
        currency=row["currency"] or "EUR",
        sales_rep=row["sales_rep"],
        collector=row["collector"],
        profile=row["profile"],
        city=row["city"],
        email=row["email"],
        phone=row["phone"],
        outstanding=money(row["outstanding"]),
        overdue=money(row["overdue"]),
        not_due=money(row["not_due"]),
        credits=money(row["credits"]),
        credit_limit=money(row["credit_limit"]),
        open_items=int(row["open_items"]),
        oldest_days=int(row["oldest_days"]),
        score=None if score is None else int(score),
        grade=row["grade"],
        stopped=bool(row["stopped"]),
        flagged=bool(row["flagged"]),
        free_fields=tuple(
            (n, row[FREE_PREFIX + n]) for n in free_names if row[FREE_PREFIX + n] != ""
        ),
    )


def list_customers(
    engine: Engine, who: Viewer, query: CustomerQuery = CustomerQuery(), as_of: date | None = None
) -> CustomerPage:
    """One page of the customers the viewer may see, filtered and sorted.

    Args:
        engine: the store.
        who: the viewer; only their portfolio is listed.
        query: filters, sort, page and columns.
        as_of: the date of the figures (default today).

    Raises:
        AccessDenied: when nobody is signed in.
        QueryError: for an unknown column or amount field.
    """
    frame, as_of = _view(engine, who, query, as_of)
    size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
    total = frame.height
    pages = max(1, -(-total // size))
    page = max(0, min(int(query.page), pages - 1))
    totals = (
        frame.group_by("currency")
        .agg(
            pl.len().alias("n"),
            pl.col("outstanding").sum(),
            pl.col("overdue").sum(),
        )
        .sort("currency")
    )
    free_names = _free_names(frame)
    rows = frame.slice(page * size, size)
    return CustomerPage(
        rows=tuple(_row(r, free_names) for r in rows.iter_rows(named=True)),
        total=total,
        page=page,
        page_size=size,
        pages=pages,
        totals=tuple(
            CurrencyTotal(
                currency=r["currency"] or "EUR",
                customers=r["n"],
                outstanding=money(r["outstanding"]),
                overdue=money(r["overdue"]),
            )
            for r in totals.iter_rows(named=True)
        ),
        columns=resolve_columns(query.columns, frame),
        as_of=as_of,
    )


def filter_options(engine: Engine, who: Viewer, as_of: date | None = None) -> FilterOptions:
    """The companies, sales reps, profiles and free fields found in the viewer's portfolio.

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, READ)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    frame = ledger.scoped(customers_frame(engine, ledger, as_of), who.scope)
    companies = (
        frame.select("company_id", "company")
        .unique()
        .join(ledger.companies.select("company_id", "name"), on="company_id", how="left")
        .sort("company")
    )
    reps = (
        frame.select(pl.col("sales_rep_id").fill_null(0), "sales_rep")
        .unique()
        .sort(pl.col("sales_rep_id") == 0, "sales_rep")
    )
    profiles = sorted(set(frame["profile"].to_list()))
    free = [n for n in _free_names(frame) if bool((frame[FREE_PREFIX + n] != "").any())]
    return FilterOptions(
        companies=tuple(
            Choice(
                str(r["company_id"]), f"{r['company']} · {r['name']}" if r["name"] else r["company"]
            )
            for r in companies.iter_rows(named=True)
        ),
        sales_reps=tuple(
            Choice(str(r["sales_rep_id"]), r["sales_rep"] or "") for r in reps.iter_rows(named=True)
        ),
        profiles=tuple(Choice(p, p) for p in profiles),
        grades=tuple(letter for _, letter in GRADES),
        free_fields=tuple(free),
        columns=COLUMNS + tuple(Column(FREE_PREFIX + n, TEXT, n) for n in free),
    )


# --- export --------------------------------------------------------------------------------------


def _export_frame(
    frame: pl.DataFrame, columns: tuple[Column, ...], headers: dict[str, str]
) -> pl.DataFrame:
    """The chosen columns of a frame, amounts as exact decimals, under their headers."""
    exprs = []
    for column in columns:
        header = headers.get(column.key) or column.label or column.key
        if column.kind == MONEY:
            expr = (pl.col(column.key).cast(pl.Decimal(20, 2)) / 100).cast(pl.Decimal(18, 2))
        else:
            expr = pl.col(column.key)
        exprs.append(expr.alias(header))
    out = frame.select(exprs)
    if any(c.kind == MONEY for c in columns):
        out = out.with_columns(frame["currency"].alias(headers.get("currency") or "currency"))
    return out


def export_customers(
    engine: Engine,
    who: Viewer,
    query: CustomerQuery,
    fmt: str,
    headers: dict[str, str] | None = None,
    as_of: date | None = None,
) -> ExportFile:
    """Every row of the current view (all pages), in the chosen columns, as CSV or XLSX.

    Amounts are exact decimals ("1234.56") followed by a currency column; the CSV is UTF-8
    with a byte-order mark, so that Excel reads the accents.

    Args:
        engine: the store.
        who: the viewer; only their portfolio is exported.
        query: the view: filters, sort and columns (the page is ignored).
        fmt: csv or xlsx.
        headers: the header of each column key, in the user's language (default: the key).
        as_of: the date of the figures (default today).

    Raises:
        AccessDenied: when nobody is signed in.
        QueryError: for an unknown format or column.
    """
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    frame, as_of = _view(engine, who, query, as_of)
    columns = resolve_columns(query.columns or DEFAULT_COLUMNS, frame)
    out = _export_frame(frame, columns, headers or {})
    stem = f"clients-{as_of.isoformat()}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(out.columns)
        for values in out.iter_rows():
            writer.writerow(["" if v is None else v for v in values])
        data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        return ExportFile(f"{stem}.csv", "text/csv", data, out.height)
    binary = io.BytesIO()
    write_xlsx(out, binary, sheet="clients")  # type: ignore[arg-type]  (zipfile takes a buffer)
    return ExportFile(
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        binary.getvalue(),
        out.height,
    )
