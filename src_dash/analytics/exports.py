"""Exports for CRM and BI: entries, customers, who owes what, promises, actions, users.

Amounts leave as exact decimals (Polars Decimal, written as "123.45"), dates as ISO dates.
Formats: csv, parquet, xlsx (a minimal Office Open XML writer: one sheet, numbers and text).
`run_export` is the function a scheduler job calls.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.aging import aging_frame, bucket_labels
from src_dash.analytics.balances import balance_frame
from src_dash.analytics.ledger import Ledger, get_ledger, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.analytics.scoring import GRADES, score_frame
from src_dash.clock import today as clock_today
from src_dash.store.csv_cells import FORMULA_PATTERN

KINDS = ("entries", "customers", "owed", "promises", "actions", "users")
FORMATS = ("csv", "xlsx", "parquet")


def _decimal(*columns: str) -> list[pl.Expr]:
    return [(pl.col(c).cast(pl.Decimal(20, 2)) / 100).cast(pl.Decimal(18, 2)) for c in columns]


def _grade_expr() -> pl.Expr:
    expr = pl.when(pl.col("score") < GRADES[0][0]).then(pl.lit(GRADES[0][1]))
    for bound, letter in GRADES[1:]:
        expr = expr.when(pl.col("score") < bound).then(pl.lit(letter))
    return expr.otherwise(pl.lit("E"))


def export_frame(engine: Engine, kind: str, scope: Scope, as_of: date) -> pl.DataFrame:
    """The frame of one export kind.

    Raises:
        ValueError: for an unknown kind.
    """
    ledger = get_ledger(engine)
    if kind == "entries":
        return _entries(engine, ledger, scope, as_of)
    if kind == "customers":
        return _customers(ledger, scope, as_of)
    if kind == "owed":
        return _owed(ledger, scope, as_of)
    if kind == "promises":
        frame = ledger.scoped(ledger.promises, scope).join(
            ledger.customers.select("customer_id", "number", "name"), on="customer_id"
        )
        return frame.with_columns(_decimal("amount")).sort("promise_id")
    if kind == "actions":
        return _actions(engine, ledger, scope)
    if kind == "users":
        with engine.connect() as conn:
            return read_table(
                conn,
                Table(
                    "SELECT id, login, name, email, role, sales_rep_id, "
                    "CASE WHEN active THEN 1 ELSE 0 END FROM app_user ORDER BY id",
                    {
                        "user_id": pl.Int32,
                        "login": pl.String,
                        "name": pl.String,
                        "email": pl.String,
                        "role": pl.String,
                        "sales_rep_id": pl.Int32,
                        "active": pl.Boolean,
                    },
                ),
            )
    raise ValueError(f"unknown export {kind!r}; use one of {', '.join(KINDS)}")


def _entries(engine: Engine, ledger: Ledger, scope: Scope, as_of: date) -> pl.DataFrame:
    view = ledger.view(as_of)
    with engine.connect() as conn:
        texts = read_table(
            conn,
            Table(
                "SELECT id, piece, reference, label, account FROM entry",
                {
                    "id": pl.Int64,
                    "piece": pl.String,
                    "reference": pl.String,
                    "label": pl.String,
                    "account": pl.String,
                },
            ),
        )
    frame = (
        ledger.scoped(ledger.entries.filter(pl.col("posting_date") <= as_of), scope)
        .join(texts, on="id", how="left")
        .join(view.open_items.select("id", pl.col("residual").alias("open")), on="id", how="left")
        .join(ledger.customers.select("customer_id", "number"), on="customer_id", how="left")
        .join(
            ledger.companies.select("company_id", pl.col("code").alias("company")), on="company_id"
        )
        .with_columns(pl.col("open").fill_null(0), pl.col("kind").cast(pl.String))
    )
    return frame.select(
        "id",
        "company",
        pl.col("number").alias("customer"),
        "journal",
        "kind",
        "posting_date",
        "due_date",
        "piece",
        "reference",
        "label",
        "account",
        *_decimal("amount"),
        pl.col("open")
        .cast(pl.Decimal(20, 2))
        .truediv(100)
        .cast(pl.Decimal(18, 2))
        .alias("residual"),
        "currency",
        *_decimal("amount_currency"),
        "lettering_code",
        "lettered",
        "carried_forward",
    ).sort("id")


def _customers(ledger: Ledger, scope: Scope, as_of: date) -> pl.DataFrame:
    scores = score_frame(ledger, as_of).select("customer_id", "score")
    owed = balance_frame(ledger, scope, as_of, "customer").select(
        pl.col("key").alias("number"), "outstanding", "overdue"
    )
    frame = (
        ledger.scoped(ledger.customers, scope)
        .join(
            ledger.companies.select("company_id", pl.col("code").alias("company")), on="company_id"
        )
        .join(scores, on="customer_id", how="left")
        .join(owed, on="number", how="left")
        .with_columns(pl.col("outstanding", "overdue").fill_null(0))
    )
    return frame.select(
        "customer_id",
        "company",
        "number",
        "name",
        "email",
        "phone",
        "sales_rep_id",
        "collector_id",
        *_decimal("credit_limit", "outstanding", "overdue"),
        "score",
        _grade_expr().alias("grade"),
        "do_not_dun",
        "dormant",
    ).sort("company", "number")


def _owed(ledger: Ledger, scope: Scope, as_of: date) -> pl.DataFrame:
    """Who owes what: one row per customer with open items, aged."""
    labels = list(bucket_labels())
    frame = aging_frame(ledger, scope, as_of, "customer")
    return frame.select(
        pl.col("key").alias("customer"),
        pl.col("label").alias("name"),
        "book_currency",
        *_decimal(*labels, "credits", "total"),
    )


def _actions(engine: Engine, ledger: Ledger, scope: Scope) -> pl.DataFrame:
    d = "to_char(due_on, 'YYYY-MM-DD')" if engine.dialect.name == "postgresql" else "due_on"
    with engine.connect() as conn:
        frame = read_table(
            conn,
            Table(
                f"SELECT id, customer_id, kind, level, {d}, assigned_to, status, origin, "
                "outcome, note FROM action ORDER BY id",
                {
                    "action_id": pl.Int64,
                    "customer_id": pl.Int32,
                    "kind": pl.String,
                    "level": pl.Int32,
                    "due_on": pl.Date,
                    "assigned_to": pl.Int32,
                    "status": pl.String,
                    "origin": pl.String,
                    "outcome": pl.String,
                    "note": pl.String,
                },
            ),
        )
    return ledger.scoped(frame, scope)


def _cell(value: object) -> str:
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, date | datetime):
        value = value.isoformat()
    return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(frame: pl.DataFrame, path: Path, sheet: str = "export") -> None:
    """Write a frame as a one-sheet .xlsx file (header row, then one row per record)."""
    rows = ["<row>" + "".join(_cell(c) for c in frame.columns) + "</row>"]
    rows += ["<row>" + "".join(_cell(v) for v in r) + "</row>" for r in frame.iter_rows()]
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
            f'<sheets><sheet name="{escape(sheet[:31])}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
            + "".join(rows)
            + "</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)


def neutralise_text(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell that would start a formula prefixed by ``'`` (CSV only).

    Numbers, amounts and dates keep their types, so a negative amount stays a number.
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write a frame in a format.

    Raises:
        ValueError: for an unknown format.
    """
    if fmt == "csv":
        neutralise_text(frame).write_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "xlsx":
        write_xlsx(frame, path)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def run_export(
    engine: Engine,
    kind: str,
    fmt: str,
    path: Path,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
) -> int:
    """Export one kind to a file (written whole, then moved in place); return the row count.

    Raises:
        ValueError: for an unknown kind or format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    frame = export_frame(engine, kind, scope, as_of or clock_today())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write_frame(frame, tmp, fmt)
    tmp.replace(path)
    return frame.height
