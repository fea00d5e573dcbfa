"""Helpers shared by the tests that read a demo Sage base directly (sqlite3, not ODBC)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from src_dash.sources.demo import DemoCompanySpec, odbc_connection_string
from src_dash.sync import register_company

TODAY = date(2026, 11, 22)
DEMO_SPEC = DemoCompanySpec(
    code="DEMO1", name="Atelier Dumas SAS", customers=40, entries=None, seed=3
)


def register(engine, base: Path, code: str = "DEMO1") -> None:
    register_company(engine, code, "Atelier Dumas SAS", "sage100", odbc_connection_string(base))


def open_period(conn: sqlite3.Connection) -> tuple[str, str]:
    """The open fiscal years of the base: those ending after D_DateClot."""
    cols = ", ".join(f"D_DebutExo{i:02d}, D_FinExo{i:02d}" for i in range(1, 6))
    row = conn.execute(f"SELECT D_DateClot, {cols} FROM P_DOSSIER").fetchone()
    closed = row[0][:10] if row[0] else "0000"
    years = [(row[i][:10], row[i + 1][:10]) for i in range(1, 11, 2) if row[i] and row[i + 1]]
    years = [(s, e) for s, e in years if s > "1901" and e > closed]
    return min(s for s, _ in years), max(e for _, e in years)


def sage_source_truth(base: Path) -> dict[str, object]:
    """Counts and balances read directly from the demo base."""
    conn = sqlite3.connect(base)
    start, end = open_period(conn)
    customers = {r[0] for r in conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0")}
    scope = (
        "CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND substr(JM_Date, 1, 10) BETWEEN ? AND ?"
    )
    entries = conn.execute(f"SELECT COUNT(*) FROM F_ECRITUREC WHERE {scope}", (start, end))
    contacts = conn.execute(
        "SELECT COUNT(*) FROM F_CONTACTT "
        "WHERE CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0)"
    )
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for number, sens, amount, settled in conn.execute(
        f"SELECT CT_Num, EC_Sens, EC_Montant, EC_MontantRegle FROM F_ECRITUREC "
        f"WHERE {scope} AND EC_Lettre = 0",
        (start, end),
    ):
        sign = -1 if sens == 1 else 1
        balances[number] += sign * (Decimal(str(amount)) - Decimal(str(settled or 0)))
    result = {
        "customers": customers,
        "entries": entries.fetchone()[0],
        "contacts": contacts.fetchone()[0],
        "balances": {k: v.quantize(Decimal("0.01")) for k, v in balances.items() if v},
    }
    conn.close()
    return result
