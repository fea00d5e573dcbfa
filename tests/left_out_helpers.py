"""Lines of class 41 a Sage sync does not take, added to a Sage-shaped demo base (tests)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from src_dash.sources.left_out import LeftOutLines

# (account, third party, debit or credit, amount, journal month, day, carried forward)
# "" is no third party; "CUST" a customer of the base; "SUPP" a supplier.
LINES = [
    ("41910000", "", 1, "500.00", "2025-03-01", 4, 0),  # advance received, not assigned
    ("41910000", "", 1, "400.00", "2025-06-01", 12, 0),
    ("41910000", "", 1, "300.00", "2026-02-01", 20, 0),
    ("41100000", "", 0, "250.00", "2026-05-01", 7, 0),  # a receivable without its customer
    ("41910000", "SUPP", 0, "80.00", "2026-04-01", 2, 0),  # a supplier on 419
    ("41700000", "SUPP", 1, "33.10", "2025-09-01", 15, 0),  # a supplier on another 41x
    ("41300000", "", 0, "1000.00", "2025-01-01", 1, 1),  # carried forward into the first year
    ("41910000", "CUST", 1, "150.00", "2026-03-01", 9, 0),  # a customer's advance: not a 411/416
    # Not counted: the opening of the second open year repeats the first's balances; a closed
    # year; a supplier account of class 40.
    ("41300000", "", 0, "1000.00", "2026-01-01", 1, 1),
    ("41910000", "", 1, "999.00", "2024-12-01", 3, 0),
    ("40100000", "SUPP", 1, "77.00", "2026-03-01", 9, 0),
]
EXPECTED = [
    LeftOutLines("customer_other_account", "419", 1, Decimal("-150.00")),
    LeftOutLines("no_third_party", "411", 1, Decimal("250.00")),
    LeftOutLines("no_third_party", "413", 1, Decimal("1000.00")),
    LeftOutLines("no_third_party", "419", 3, Decimal("-1200.00")),
    LeftOutLines("third_party_not_customer", "419", 1, Decimal("80.00")),
    LeftOutLines("third_party_not_customer", "41x", 1, Decimal("-33.10")),
]


def add_lines(path: Path, lines: list[tuple]) -> tuple[str, str]:
    """Add lines to F_ECRITUREC, each a copy of an existing customer line with new values."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    customer = conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0").fetchone()[0]
    supplier = conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 1").fetchone()[0]
    model = dict(conn.execute("SELECT * FROM F_ECRITUREC WHERE EC_ANType = 0").fetchone())
    del model["cbMarq"]
    top = conn.execute("SELECT MAX(EC_No) FROM F_ECRITUREC").fetchone()[0]
    for n, (account, party, sens, amount, month, day, carried) in enumerate(lines, 1):
        row = model | {
            "EC_No": top + n,
            "CG_Num": account,
            "CT_Num": {"": "", "CUST": customer, "SUPP": supplier}[party],
            "EC_Sens": sens,
            "EC_Montant": float(amount),
            "EC_MontantRegle": 0,
            "EC_Lettre": 0,
            "EC_Lettrage": "",
            "JM_Date": f"{month} 00:00:00",
            "EC_Jour": day,
            "EC_ANType": carried,
            "EC_Piece": f"LO{n}",
        }
        names = ", ".join(f"[{name}]" for name in row)
        marks = ", ".join("?" * len(row))
        conn.execute(f"INSERT INTO F_ECRITUREC ({names}) VALUES ({marks})", list(row.values()))
    conn.commit()
    conn.close()
    return customer, supplier
