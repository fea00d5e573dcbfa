"""The builder's base: what it holds (the frames, the proposals, the exclusions, the counts) and
how an exclusion is recorded."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
from sqlalchemy.engine import Connection

from src_dash.dunning.model import (
    Exclusion,
    Proposal,
)
from src_dash.dunning.planner.criteria import _Frames
from src_dash.dunning.planner.steps import _money


class _Base:
    """Holds the frames, the proposals, the exclusions and the counts of a plan being built."""

    def __init__(
        self, conn: Connection, frames: _Frames, force_level: int | None, explain: bool
    ) -> None:
        self.conn = conn
        self.f = frames
        self.as_of = frames.as_of
        self.force = force_level
        self.explain = explain
        self.proposals: list[Proposal] = []
        self.exclusions: list[Exclusion] = []
        self.counts: dict[str, int] = defaultdict(int)

    # -- exclusions

    def _exclude_rows(self, frame: pl.DataFrame, reason_col: str, detail_col: str | None) -> None:
        """Exclusions from a frame's rows; its optional columns ``detail_amount`` (cents),
        ``detail_on`` (a date) and ``detail_note`` (free text) give the detail's parameters."""
        if frame.is_empty():
            return
        columns: list[str | pl.Expr] = ["customer_id", "number", "name", reason_col, "residual"]
        has_entry = "id" in frame.columns
        if has_entry:
            columns += ["id", "piece"]
        if detail_col:
            columns.append(detail_col)
        for name, dtype in (("detail_amount", pl.Int64), ("detail_on", pl.Date),
                            ("detail_note", pl.String)):  # fmt: skip
            columns.append(name if name in frame.columns else pl.lit(None, dtype).alias(name))
        for row in frame.select(columns).iter_rows(named=True):
            cents = row["detail_amount"]
            self._record(
                row,
                row[reason_col],
                entry_id=row["id"] if has_entry else None,
                piece=row["piece"] if has_entry else "",
                detail=(row[detail_col] or "") if detail_col else "",
                residual=_money(row["residual"]),
                amount=None if cents is None else _money(cents),
                on=row["detail_on"],
                note=row["detail_note"] or "",
            )

    def _exclude(
        self,
        customer: dict,
        reason: str,
        detail: str = "",
        residual: int = 0,
        *,
        note: str = "",
        level: int | None = None,
    ) -> None:
        self._record(
            customer, reason, detail=detail, residual=_money(residual), note=note, level=level
        )

    def _record(self, customer: dict, reason: str, **fields: object) -> None:
        """Count and keep an exclusion of a customer (a row with its id, number and name)."""
        self.counts[f"excluded:{reason}"] += 1
        self.exclusions.append(
            Exclusion(
                customer_id=customer["customer_id"],
                customer_number=customer["number"] or "",
                customer_name=customer["name"] or "",
                reason=reason,
                **fields,
            )
        )
