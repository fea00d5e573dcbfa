"""What the filters of every page can offer: the companies and sales reps of the viewer's
scope, one way for the dashboard, /clients and /echeances (each page then words its own
choices: a company's id or code as the value, "CODE · Name" as the label)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from src_dash.analytics.ledger import Ledger


@dataclass(frozen=True)
class CompanyChoice:
    """A company holding some of the viewer's customers."""

    company_id: int
    code: str
    name: str
    currency: str

    @property
    def label(self) -> str:
        """ "DEMO1 · Démo Industrie" (the code alone when the company has no name)."""
        return f"{self.code} · {self.name}" if self.name else self.code


@dataclass(frozen=True)
class RepChoice:
    """A Sage sales rep of some of the viewer's customers."""

    sales_rep_id: int
    name: str


def scope_choices(
    ledger: Ledger, rows: pl.DataFrame
) -> tuple[tuple[CompanyChoice, ...], tuple[RepChoice, ...]]:
    """The companies (by code) and the sales reps (by last then first name) of `rows`, a frame
    of the viewer's scoped customers or items with `company_id` and `sales_rep_id`."""
    company_ids = rows["company_id"].unique().implode()
    companies = ledger.companies.filter(pl.col("company_id").is_in(company_ids)).sort("code")
    rep_ids = rows["sales_rep_id"].drop_nulls().unique().implode()
    reps = (
        ledger.sales_reps.filter(pl.col("sales_rep_id").is_in(rep_ids))
        .join(ledger.companies.select("company_id", "code"), on="company_id", how="left")
        .sort("last_name", "first_name", "code")
    )
    return (
        tuple(
            CompanyChoice(r["company_id"], r["code"], r["name"] or "", r["book_currency"])
            for r in companies.iter_rows(named=True)
        ),
        tuple(
            RepChoice(
                r["sales_rep_id"],
                " ".join(p for p in (r["first_name"], r["last_name"]) if p).strip()
                or f"#{r['code']}",
            )
            for r in reps.iter_rows(named=True)
        ),
    )
