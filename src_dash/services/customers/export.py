"""The customer list exported as a file (the columns and filters shown)."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.exports import write_xlsx
from src_dash.services.customers.listing import _view, resolve_columns
from src_dash.services.customers.model import (
    DEFAULT_COLUMNS,
    EXPORT_FORMATS,
    MONEY,
    Column,
    CustomerQuery,
    ExportFile,
    QueryError,
)
from src_dash.store.csv_cells import safe_cell

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
            writer.writerow(["" if v is None else safe_cell(v) for v in values])
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
