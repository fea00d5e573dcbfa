"""The ledger frame: store entries in Polars, cached per data version, replayed as of any date.

Loading: raw SELECTs of integer cents and ISO dates, in one transaction, turned into Polars
Int64 cents and Date columns. PostgreSQL streams the entries through COPY ... CSV; SQLite
returns each entry column as one group_concat text from a single scan (Python rows would cost
more than the scan). The frames are kept per store (engine URL) and reloaded when the store's
`data_version` (StoreMeta) changes: the sync and every service that changes data bump it.

Three versions say what changed (see `sync.bump_data_version`), so that a reload reads only
what may have changed:
- `entries_version`: the entries and the companies' open periods (a sync);
- `parties_version`: the parties, i.e. companies, customers, contacts and their services, sales
  reps, users and portfolios (a sync, a customer's card, the settings);
- `data_version`: anything, including the follow-up (promises, disputes, stops, comments,
  calls, reminders), which collectors change all day long.
A collector's action therefore reloads only the promises, disputes and objectives; what is
computed from the entries or the parties alone is kept too (`Ledger.memo(..., keep=...)`).

Rules applied once per load:
- Only the open fiscal years count: entries posted before the company's `open_from` (or after
  `open_to`) are left out, and carried-forward lines count only when posted on or before the
  company's first ordinary line in the open period (the first opening, detailed or not): later
  ones carry a year that is still open, whose own lines are in the store (both would count
  twice).
- Each line gets a kind: in a "bank" journal (more credit than debit lines) a credit is a
  payment and a debit is an other debit (rejected payment, refund, exchange difference);
  elsewhere a debit is an invoice and a credit a credit note, except a debit without a due
  date or labelled as a fee (recovery fee, late interest: FEE_PATTERNS), which is a fee, due
  on its posting date. Carried-forward lines keep the kind of their sign but count neither as
  sales nor as cash.
- A lettering group is the lines of one customer with one lettering code. It is lettered when
  all its lines are; its settlement date is the latest lettering date of its lines (FEC
  DateLet) or else the latest posting date of its credit lines (Sage keeps no lettering date).

As of a date D (`Ledger.view(D)`): lines posted after D are ignored; a lettered group whose
settlement date is after D, or that does not net to zero, is taken as not lettered, and the
credits of the group posted by D are applied to its debits in due-date order (the partial
settlements known at D); a line with no lettering code keeps its stored settlement only if it
was settled by D and the customer's settlements balance.

The invariant: for every customer and every D, the residuals of the open items add up to the
balance (debit - credit) of the customer's lines posted by D in the open period, to the cent.
Lettering decides which items are open, never how much is owed. Doubtful lines (416, clients
douteux) are receivables like the others: counted in the open items, with a `doubtful` column so
that the views show them apart and the planner leaves them out.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.scope import Scope
from src_dash.clock import today as clock_today
from src_dash.money import from_cents

KIND_INVOICE = "invoice"
KIND_CREDIT_NOTE = "credit_note"
KIND_PAYMENT = "payment"
KIND_OTHER_DEBIT = "other_debit"
KIND_FEE = "fee"  # recovery fees, late interest, adjustments: due on their posting date
KINDS = pl.Enum([KIND_INVOICE, KIND_CREDIT_NOTE, KIND_PAYMENT, KIND_OTHER_DEBIT, KIND_FEE])
# Labels of debits that are fees or interest rather than sales (LIKE patterns, lower case; `_`
# stands for an accented letter).
FEE_PATTERNS = (
    "%indemnit%forfaitaire%",
    "%frais de recouvrement%",
    "%frais de relance%",
    "%int_r_ts de retard%",
    "%p_nalit_s de retard%",
    "%recovery fee%",
    "%late interest%",
)

# Labels of bank debits that are rejected payments (impayés), lower-case ASCII fragments.
BOUNCE_WORDS = ("impay", "rejet", "unpaid", "retour prlv", "retour lcr")

_DATE = pl.Date


def _iso(dialect: str, column: str) -> str:
    """SQL giving a DATE column as ISO text on either backend."""
    if dialect == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _iso_utc(dialect: str, column: str) -> str:
    """SQL giving the UTC day of a timestamp column as ISO text."""
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _bool(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class _Table:
    """A raw SELECT and the Polars types of its columns (dates arrive as ISO text)."""

    sql: str
    schema: dict[str, pl.DataType]


ENTRY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "company_id": pl.Int32,
    "customer_id": pl.Int32,
    "journal": pl.String,
    "posting_date": _DATE,
    "due_date": _DATE,
    "amount": pl.Int64,
    "currency": pl.String,
    "amount_currency": pl.Int64,
    "lettering_code": pl.String,
    "lettered": pl.Boolean,
    "lettering_date": _DATE,
    "settled_amount": pl.Int64,
    "settled_on": _DATE,
    "carried_forward": pl.Boolean,
    "doubtful": pl.Boolean,
    "bounce_label": pl.Boolean,
}


def _entry_table(dialect: str) -> _Table:
    """All the entry columns the analytics use, in one SELECT (the PostgreSQL path).

    The stored settlement of a line is only needed for lines without a lettering code (a
    lettered group is settled by its own lines), so it reads 0 for the others.
    """
    sql = (
        "SELECT id, company_id, customer_id, journal, "
        f"{_iso(dialect, 'posting_date')}, {_iso(dialect, 'due_date')}, "
        "amount, currency, amount_currency, lettering_code, "
        f"{_bool('lettered')}, {_iso(dialect, 'lettering_date')}, "
        "CASE WHEN lettering_code = '' THEN settled_amount ELSE 0 END, "
        f"CASE WHEN lettering_code = '' THEN {_iso(dialect, 'settled_on')} END, "
        f"{_bool('carried_forward')}, {_bool('doubtful')}, 0 "
        "FROM entry"
    )
    return _Table(sql, ENTRY_SCHEMA)


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
    if dtype == _DATE:
        return texts.str.to_date("%Y-%m-%d", strict=False)
    if not texts.str.contains("^$", literal=False).any():
        return texts.cast(dtype)
    value = pl.col("v")
    return (
        pl.DataFrame({"v": texts})
        .select(pl.when(value == "").then(None).otherwise(value).cast(dtype))
        .to_series()
    )


def _read_sqlite_entries(conn: Connection, customers: pl.DataFrame) -> pl.DataFrame:
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


def _bounced_ids(conn: Connection, candidates: list[int]) -> list[int]:
    """Which of the candidate lines (debits in bank journals) are rejected payments, by label."""
    words = " OR ".join(f"lower(label) LIKE :w{i}" for i in range(len(BOUNCE_WORDS)))
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(BOUNCE_WORDS)}
    found: list[int] = []
    for start in range(0, len(candidates), 500):
        chunk = id_list(candidates[start : start + 500])
        sql = text(f"SELECT id FROM entry WHERE id IN ({chunk}) AND ({words})")
        found += [r[0] for r in conn.execute(sql, params).all()]
    return found


def _fee_ids(conn: Connection) -> list[int]:
    """Debit lines whose label says they are fees or interest (one scan of the labels)."""
    words = " OR ".join(f"lower(label) LIKE :f{i}" for i in range(len(FEE_PATTERNS)))
    params = {f"f{i}": p for i, p in enumerate(FEE_PATTERNS)}
    sql = text(f"SELECT id FROM entry WHERE amount > 0 AND ({words})")
    return [r[0] for r in conn.execute(sql, params).all()]


def _small_tables(dialect: str) -> dict[str, _Table]:
    d, ts = (lambda c: _iso(dialect, c)), (lambda c: _iso_utc(dialect, c))
    return {
        "companies": _Table(
            f"SELECT id, code, name, currency, {d('open_from')}, {d('open_to')}, "
            f"{_bool('active')} FROM company",
            {
                "company_id": pl.Int32,
                "code": pl.String,
                "name": pl.String,
                "book_currency": pl.String,
                "open_from": _DATE,
                "open_to": _DATE,
                "active": pl.Boolean,
            },
        ),
        "customers": _Table(
            "SELECT id, company_id, number, name, sales_rep_id, collector_id, email, phone, "
            f"{_bool('removed_from_source')}, {_bool('do_not_dun')}, {_bool('dormant')}, "
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
        "contacts": _Table(
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
        "sales_reps": _Table(
            "SELECT id, company_id, code, last_name, first_name FROM sales_rep",
            {
                "sales_rep_id": pl.Int32,
                "company_id": pl.Int32,
                "code": pl.Int32,
                "last_name": pl.String,
                "first_name": pl.String,
            },
        ),
        "users": _Table(
            "SELECT id, login, name FROM app_user",
            {"user_id": pl.Int32, "login": pl.String, "name": pl.String},
        ),
        "portfolio": _Table(
            "SELECT user_id, customer_id FROM portfolio_assignment",
            {"user_id": pl.Int32, "customer_id": pl.Int32},
        ),
        "promises": _Table(
            f"SELECT id, customer_id, amount, {d('promised_on')}, status, {ts('created_at')}, "
            f"{ts('resolved_at')} FROM promise",
            {
                "promise_id": pl.Int64,
                "customer_id": pl.Int32,
                "amount": pl.Int64,
                "promised_on": _DATE,
                "status": pl.String,
                "created_on": _DATE,
                "resolved_on": _DATE,
            },
        ),
        "promise_items": _Table(
            "SELECT promise_id, entry_id, amount FROM promise_item",
            {"promise_id": pl.Int64, "entry_id": pl.Int64, "amount": pl.Int64},
        ),
        "disputes": _Table(
            f"SELECT id, customer_id, status, {ts('opened_at')}, {ts('closed_at')} FROM dispute",
            {
                "dispute_id": pl.Int64,
                "customer_id": pl.Int32,
                "status": pl.String,
                "opened_on": _DATE,
                "closed_on": _DATE,
            },
        ),
        "dispute_items": _Table(
            "SELECT dispute_id, entry_id, amount FROM dispute_item",
            {"dispute_id": pl.Int64, "entry_id": pl.Int64, "amount": pl.Int64},
        ),
        "objectives": _Table(
            f"SELECT company_id, user_id, {d('month')}, amount FROM cash_objective",
            {"company_id": pl.Int32, "user_id": pl.Int32, "month": _DATE, "amount": pl.Int64},
        ),
    }


def _to_frame(rows: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows of text dates and integers -> a typed frame."""
    raw = {name: (pl.String if dtype == _DATE else dtype) for name, dtype in schema.items()}
    for name, dtype in raw.items():
        if dtype == pl.Boolean:
            raw[name] = pl.Int8
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    return _typed(frame, schema)


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    casts = []
    for name, dtype in schema.items():
        if dtype == _DATE:
            casts.append(pl.col(name).str.to_date("%Y-%m-%d", strict=False))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8).cast(pl.Boolean))
        elif dtype == pl.String:
            casts.append(pl.col(name).fill_null(""))
    return frame.with_columns(casts) if casts else frame


def id_list(ids: Iterable[object]) -> str:
    """Integer ids listed inline in SQL (`IN (...)`); "NULL" (matches nothing) when empty.

    Each one is turned into an int first, so nothing else can reach the SQL.
    """
    return ", ".join(str(int(i)) for i in ids) or "NULL"  # type: ignore[call-overload]


def read_table(conn: Connection, table: _Table) -> pl.DataFrame:
    """Run a raw SELECT and return its rows as a typed Polars frame."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        buffer = io.BytesIO()
        with raw.cursor() as cur, cur.copy(f"COPY ({table.sql}) TO STDOUT WITH (FORMAT csv)") as cp:
            for block in cp:
                buffer.write(block)
        if buffer.tell() == 0:
            return _to_frame([], table.schema)
        raw_schema = {
            n: (pl.String if t in (_DATE, pl.String) else pl.Int8 if t == pl.Boolean else t)
            for n, t in table.schema.items()
        }
        frame = pl.read_csv(
            buffer.getvalue(),
            has_header=False,
            new_columns=list(table.schema),
            schema=raw_schema,
        )
        return _typed(frame, table.schema)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(table.sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return _to_frame(rows, table.schema)


def _meta_int(conn: Connection, key: str) -> int:
    value = conn.execute(
        text("SELECT value FROM store_meta WHERE key = :key"), {"key": key}
    ).scalar_one_or_none()
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


# The small tables that change with the parties; the other small tables are the follow-up's.
PARTY_TABLES = ("companies", "customers", "contacts", "sales_reps", "users", "portfolio")


class _Shelf:
    """Memoised values shared by the ledgers of one version of what they are computed from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, compute):  # noqa: ANN001, ANN201
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


@dataclass(frozen=True)
class LedgerView:
    """The ledger as of a date.

    Attributes:
        as_of: the date.
        open_items: entries posted by `as_of` with a residual not zero as of that date, with
            `residual` (Int64 cents, signed), `residual_currency`, `due` (due date, or the
            posting date when there is none), `days_overdue` (as_of - due, 0 when not due),
            `doubtful` (a 416 line: counted, shown apart, not dunned by default).
        settled: debit items (invoices, carried-forward debits, other debits with a due date)
            fully lettered by `as_of`, with `settled_on` and `days_late` (settled_on - due).
        posted: every entry posted by `as_of` (kind, amount, dates).
    """

    as_of: date
    open_items: pl.DataFrame
    settled: pl.DataFrame
    posted: pl.DataFrame


@dataclass
class Ledger:
    """Every frame the analytics need, loaded from one version of the store."""

    version: int
    entries: pl.DataFrame
    companies: pl.DataFrame
    customers: pl.DataFrame
    contacts: pl.DataFrame
    sales_reps: pl.DataFrame
    users: pl.DataFrame
    portfolio: pl.DataFrame
    promises: pl.DataFrame
    promise_items: pl.DataFrame
    disputes: pl.DataFrame
    dispute_items: pl.DataFrame
    objectives: pl.DataFrame
    entries_version: int = 0
    parties_version: int = 0
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _scopes: dict = field(default_factory=dict, repr=False)
    _memo: _Shelf = field(default_factory=lambda: _Shelf(32), repr=False)
    _by_entries: _Shelf = field(default_factory=lambda: _Shelf(16), repr=False)
    _by_parties: _Shelf = field(default_factory=lambda: _Shelf(16), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    max_views = 8

    @property
    def first_day(self) -> date | None:
        """The earliest posting date in the ledger."""
        return self.entries["posting_date"].min()

    def view(self, as_of: date | None = None) -> LedgerView:
        """The ledger as of `as_of` (default today), cached per date."""
        as_of = as_of or clock_today()
        with self._lock:
            found = self._views.get(as_of)
            if found is not None:
                self._views.move_to_end(as_of)
                return found
        built = _build_view(self.entries, as_of)
        with self._lock:
            self._views[as_of] = built
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
        return built

    def memo(self, key: tuple, compute, keep: str = "version"):  # noqa: ANN001, ANN201
        """Compute once per key and version of what the value is computed from.

        Args:
            key: what is computed (and its arguments).
            compute: called without arguments when the value is missing.
            keep: "version" (the default: anything, such as scores, which count promises and
                disputes), "entries" (read from the entries only: pieces, free fields) or
                "parties" (read from the parties' tables only: contacts, customers' details);
                the last two are shared with the next ledgers until that version changes.
        """
        shelf = {"version": self._memo, "entries": self._by_entries, "parties": self._by_parties}
        return shelf[keep].get(key, compute)

    def customer_ids(self, scope: Scope) -> pl.Series | None:
        """Ids of the customers in `scope`, or None when the scope filters nothing.

        A company switched off in the settings is out of every scope: one rule for the
        dashboard, the lists, the exports, the planner, the reports and the CLI.
        """
        inactive = self.companies.filter(~pl.col("active"))["company_id"]
        if scope.is_everything and inactive.is_empty():
            return None
        with self._lock:
            found = self._scopes.get(scope)
        if found is not None:
            return found
        frame = self.customers.filter(~pl.col("company_id").is_in(inactive.implode()))
        if scope.company_ids is not None:
            frame = frame.filter(pl.col("company_id").is_in(list(scope.company_ids)))
        if scope.sales_rep_ids is not None:
            frame = frame.filter(pl.col("sales_rep_id").is_in(list(scope.sales_rep_ids)))
        if scope.collector_ids is not None:
            assigned = self.portfolio.filter(pl.col("user_id").is_in(list(scope.collector_ids)))
            frame = frame.filter(
                pl.col("collector_id").is_in(list(scope.collector_ids))
                | pl.col("customer_id").is_in(assigned["customer_id"].implode())
            )
        if scope.customer_ids is not None:
            frame = frame.filter(pl.col("customer_id").is_in(list(scope.customer_ids)))
        ids = frame["customer_id"]
        with self._lock:
            self._scopes[scope] = ids
        return ids

    def active_company_ids(self, scope: Scope) -> pl.Series:
        """Ids of the companies switched on in the settings that `scope` covers."""
        frame = self.companies.filter(pl.col("active"))
        if scope.company_ids is not None:
            frame = frame.filter(pl.col("company_id").is_in(list(scope.company_ids)))
        return frame["company_id"]

    def scoped(self, frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
        """Rows of `frame` (with a customer_id column) that belong to `scope`."""
        ids = self.customer_ids(scope)
        if ids is None:
            return frame
        return frame.filter(pl.col("customer_id").is_in(ids.implode()))


def _prepare_entries(
    entries: pl.DataFrame, companies: pl.DataFrame, fee_ids: list[int] | None = None
) -> pl.DataFrame:
    """Apply the open-period rule, classify lines and compute lettering groups."""
    fee_ids = fee_ids or []
    bounds = companies.select("company_id", "open_from", "open_to")
    in_period = (
        pl.col("open_from").is_null() | (pl.col("posting_date") >= pl.col("open_from"))
    ) & (pl.col("open_to").is_null() | (pl.col("posting_date") <= pl.col("open_to")))
    dated = entries.lazy().join(bounds.lazy(), on="company_id", how="left").filter(in_period)
    # The opening that counts is the first one: carried-forward lines posted on or before the
    # company's first ordinary line. Later ones open a year whose own lines are here too.
    # Detailed carried-forward lines keep their original dates, all before that first line.
    first_plain = (
        dated.filter(~pl.col("carried_forward"))
        .group_by("company_id")
        .agg(pl.col("posting_date").min().alias("first_plain"))
    )
    frame = (
        dated.join(first_plain, on="company_id", how="left")
        .filter(
            ~pl.col("carried_forward")
            | pl.col("first_plain").is_null()
            | (pl.col("posting_date") <= pl.col("first_plain"))
        )
        .drop("open_from", "open_to", "first_plain")
        .collect()
    )
    # Bank journals: more credit than debit lines (few pairs: compared one by one).
    banks = (
        frame.filter(~pl.col("carried_forward"))
        .group_by("company_id", "journal")
        .agg(((pl.col("amount") < 0).sum() > (pl.col("amount") > 0).sum()).alias("bank"))
        .filter(pl.col("bank"))
    )
    is_bank = pl.lit(False)
    for company_id, journal in banks.select("company_id", "journal").iter_rows():
        is_bank = is_bank | ((pl.col("company_id") == company_id) & (pl.col("journal") == journal))
    credit = pl.col("amount") < 0
    # A debit outside the bank journals with no due date (or a fee's label) is a fee: due on its
    # posting date, dunned, but neither a sale nor the invoice that makes a customer late.
    fee_list = pl.Series(fee_ids, dtype=pl.Int64).implode()
    fee = pl.col("due_date").is_null() | pl.col("id").is_in(fee_list)
    kind = (
        pl.when(is_bank & ~pl.col("carried_forward"))
        .then(pl.when(credit).then(pl.lit(KIND_PAYMENT)).otherwise(pl.lit(KIND_OTHER_DEBIT)))
        .when(credit)
        .then(pl.lit(KIND_CREDIT_NOTE))
        .when(fee & ~pl.col("carried_forward"))
        .then(pl.lit(KIND_FEE))
        .otherwise(pl.lit(KIND_INVOICE))
        .cast(KINDS)
    )
    # One integer per lettering group (customer, code); lines without a code get none.
    code = pl.col("lettering_code")
    group_key = (
        pl.when(code != "")
        .then(
            pl.col("customer_id").cast(pl.Int64) * (1 << 32)
            + code.cast(pl.Categorical).to_physical().cast(pl.Int64)
        )
        .otherwise(None)
    )
    frame = frame.with_columns(
        kind=kind, due=pl.coalesce("due_date", "posting_date"), group_key=group_key
    )
    groups = (
        frame.lazy()
        .filter(pl.col("group_key").is_not_null())
        .group_by("group_key")
        .agg(
            pl.col("lettered").all().alias("group_lettered"),
            pl.coalesce(
                pl.col("lettering_date").max(),
                pl.col("posting_date").filter(pl.col("amount") < 0).max(),
                pl.col("posting_date").max(),
            ).alias("group_settled_on"),
            pl.col("amount").sum().alias("group_net"),
            pl.col("posting_date").max().alias("group_last_posted"),
        )
    )
    # An entry without a code is a group of its own.
    return (
        frame.lazy()
        .join(groups, on="group_key", how="left")
        .with_columns(
            group_lettered=pl.coalesce("group_lettered", "lettered"),
            group_net=pl.coalesce("group_net", "amount"),
            group_last_posted=pl.coalesce("group_last_posted", "posting_date"),
            group_settled_on=pl.when(pl.col("group_key").is_null())
            .then(
                pl.when(pl.col("lettered")).then(
                    pl.coalesce("lettering_date", "settled_on", "posting_date")
                )
            )
            .otherwise(pl.col("group_settled_on")),
        )
        .collect()
    )


def _build_view(entries: pl.DataFrame, as_of: date) -> LedgerView:
    posted = entries.filter(pl.col("posting_date") <= as_of)
    # Lettering decides which items are open, never how much is owed: a group is settled only
    # when it is lettered by as_of, all its lines are posted by then and they net to zero. A
    # group that does not net to zero (lettered across years, with a difference written off
    # elsewhere, partial) keeps its difference open on its lines, like a group not yet lettered.
    done = (
        pl.col("group_lettered")
        & (pl.col("group_settled_on") <= as_of)
        & (pl.col("group_last_posted") <= as_of)
        & (pl.col("group_net") == 0)
    )
    alone = posted.filter(pl.col("group_key").is_null() & ~done)
    known = pl.col("settled_on").is_null() | (pl.col("settled_on") <= as_of)
    alone = alone.with_columns(
        applied=pl.when(known).then(pl.col("settled_amount")).otherwise(0),
    )
    # Settled amounts of unlettered lines (Sage's partial settlements) move money from a payment
    # to an invoice: per customer they add up to zero. Where they do not (a settlement whose other
    # side is outside the open period or not on this account), they are not applied at all, so
    # the customer's open items still add up to its balance.
    balanced = pl.col("applied").sum().over("customer_id") == 0
    alone = alone.with_columns(
        residual=pl.when(balanced)
        .then(pl.col("amount") - pl.col("applied"))
        .otherwise(pl.col("amount"))
    ).drop("applied")
    # Groups not lettered by as_of: their credits known by then settle their debits in
    # due-date order.
    pending = posted.filter(pl.col("group_key").is_not_null() & ~done).sort(
        "group_key", "due", "posting_date", "id"
    )
    group = "group_key"
    debit = pl.col("amount").clip(lower_bound=0)
    credit = (-pl.col("amount")).clip(lower_bound=0)
    pending = pending.with_columns(
        debit_before=debit.cum_sum().over(group) - debit,
        credit_before=credit.cum_sum().over(group) - credit,
        debits=debit.sum().over(group),
        credits=credit.sum().over(group),
    ).with_columns(
        residual=pl.when(pl.col("amount") > 0)
        .then(
            pl.col("amount")
            - (pl.col("credits") - pl.col("debit_before")).clip(0, pl.col("amount"))
        )
        .otherwise(
            pl.col("amount")
            + (pl.col("debits") - pl.col("credit_before")).clip(0, -pl.col("amount"))
        )
    )
    columns = [
        "id",
        "company_id",
        "customer_id",
        "journal",
        "kind",
        "posting_date",
        "due_date",
        "due",
        "amount",
        "residual",
        "currency",
        "amount_currency",
        "carried_forward",
        "doubtful",
    ]
    open_items = pl.concat([alone.select(columns), pending.select(columns)]).filter(
        pl.col("residual") != 0
    )
    ratio_num = pl.col("amount_currency").cast(pl.Int128) * pl.col("residual")
    amount = pl.col("amount").cast(pl.Int128)
    open_items = open_items.with_columns(
        residual_currency=pl.when(pl.col("amount_currency").is_null())
        .then(None)
        .when(pl.col("residual") == pl.col("amount"))
        .then(pl.col("amount_currency"))
        .otherwise(
            # Rounded half away from zero: (2n + d) // 2d on positive d.
            ((2 * ratio_num * amount.sign() + amount.abs()) // (2 * amount.abs())).cast(pl.Int64)
        ),
        days_overdue=(pl.lit(as_of) - pl.col("due")).dt.total_days().clip(lower_bound=0),
    ).drop("amount_currency")
    settled = posted.filter(
        done
        & (pl.col("amount") > 0)
        & pl.col("due_date").is_not_null()
        & (pl.col("kind") != KIND_FEE)
    ).select(
        "id",
        "company_id",
        "customer_id",
        "kind",
        "posting_date",
        "due",
        "amount",
        pl.col("group_settled_on").alias("settled_on"),
        (pl.col("group_settled_on") - pl.col("due")).dt.total_days().alias("days_late"),
    )
    return LedgerView(
        as_of=as_of,
        open_items=open_items,
        settled=settled,
        posted=posted.select(
            "id",
            "company_id",
            "customer_id",
            "kind",
            "posting_date",
            "due",
            "amount",
            "carried_forward",
            "bounced",
        ),
    )


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
            for name, t in _small_tables(dialect).items()
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
            entries = _read_sqlite_entries(conn, small["customers"])
        else:
            entries = read_table(conn, _entry_table(dialect))
        entries = _prepare_entries(entries, companies, _fee_ids(conn))
        candidates = entries.filter(pl.col("kind") == KIND_OTHER_DEBIT)["id"].to_list()
        bounced = _bounced_ids(conn, candidates) if candidates else []
    entries = entries.with_columns(bounced=pl.col("id").is_in(bounced)).drop("bounce_label")
    return Ledger(
        version=version,
        entries=entries,
        companies=companies,
        entries_version=entries_at,
        parties_version=parties_at,
        **small,
    )


_CACHE: dict[str, Ledger] = {}
_CACHE_LOCK = threading.Lock()
_LOAD_LOCKS: dict[str, threading.Lock] = {}


def get_ledger(engine: Engine) -> Ledger:
    """The ledger of the store, loaded once per data version and shared by every caller.

    One load at a time per store: callers that ask while a load is under way wait for it and
    take its ledger when it is at least as new as the version they saw (under a stream of
    changes they do not each load one more version).
    """
    key = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        version = data_version(conn)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    if found is not None and found.version == version:
        return found
    with lock:
        with _CACHE_LOCK:
            newer = _CACHE.get(key)
        # Loaded by another caller while this one waited, from a version at least as new.
        if newer is not None and newer is not found and newer.version >= version:
            return newer
        ledger = load_ledger(engine, previous=newer)
        with _CACHE_LOCK:
            _CACHE[key] = ledger
    return ledger


def loaded_ledger(engine: Engine) -> Ledger | None:
    """The ledger the cache holds for the store now, whatever its version (None before the
    first load): for work that may run on a ledger a few seconds old."""
    with _CACHE_LOCK:
        return _CACHE.get(engine.url.render_as_string(hide_password=False))


def open_residuals(engine: Engine, ids: Iterable[int], as_of: date | None = None) -> dict:
    """The residual (Decimal) of each of these entries that is open as of a date (default
    today), as the pages show it: the ledger's, which keeps the invariant, not the one the
    source wrote on the line. Entries not open are missing from the result."""
    wanted = pl.Series(list(ids), dtype=pl.Int64)
    items = get_ledger(engine).view(as_of).open_items
    found = items.filter(pl.col("id").is_in(wanted.implode())).select("id", "residual")
    return {i: from_cents(r) for i, r in found.iter_rows()}


def clear_cache() -> None:
    """Forget every cached ledger (tests, benchmarks)."""
    with _CACHE_LOCK:
        _CACHE.clear()
