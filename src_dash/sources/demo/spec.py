"""What to build: the demo companies' specs, the default pair, and the summary of a build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEFAULT_TODAY = date(2026, 11, 22)
DEFAULT_CUSTOMERS = 300

BEHAVIOURS: tuple[str, ...] = ("good", "slow", "chronic", "erratic", "disputing")


@dataclass(frozen=True)
class DemoCompanySpec:
    """What to build for one demo company (one Sage base).

    Attributes:
        code: short company code, also the flavour key ("DEMO1", "DEMO2").
        name: company name (P_DOSSIER.D_RaisonSoc).
        customers: number of customer accounts (CT_Type = 0).
        entries: target number of customer-account (411) lines, None for the natural amount.
        seed: seed of the random generator.
    """

    code: str
    name: str
    customers: int
    entries: int | None
    seed: int


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo_base` built.

    Attributes:
        path: the SQLite file.
        code: company code.
        customers: number of customer accounts.
        customer_entries: F_ECRITUREC lines on customer accounts (all years, RAN included).
        total_entries: all F_ECRITUREC lines.
        seconds: wall time of the build.
    """

    path: Path
    code: str
    customers: int
    customer_entries: int
    total_entries: int
    seconds: float


def default_specs(
    customers: int | None = None, entries: int | None = None, seed: int = 42
) -> list[DemoCompanySpec]:
    """Return the two default demo companies, sharing totals 2/3 - 1/3.

    Args:
        customers: total number of customers (default 300).
        entries: total target of customer (411) lines, None for the natural amount (24 months,
            one to three invoices a month per customer).
        seed: base seed; each company derives its own.

    Returns:
        The specs of "Atelier Dumas SAS" (DEMO1) and "Provence Emballages SARL" (DEMO2).
    """
    total = DEFAULT_CUSTOMERS if customers is None else customers
    if total < 2:
        raise ValueError(f"at least 2 customers are needed for two companies, got {total}")
    first = round(total * 2 / 3)
    e1 = e2 = None
    if entries is not None:
        e1 = round(entries * 2 / 3)
        e2 = entries - e1
    return [
        DemoCompanySpec("DEMO1", "Atelier Dumas SAS", first, e1, seed),
        DemoCompanySpec("DEMO2", "Provence Emballages SARL", total - first, e2, seed + 1000),
    ]
