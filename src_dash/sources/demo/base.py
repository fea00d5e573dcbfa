"""The state every part of the demo generator shares: calendar, rates, stamps, row inserts.

`Company` (company.py) is this base plus one mixin per concept: master data (customers.py), the
simulated ledger (simulation.py), lettering (lettering.py) and the rows written to SQLite
(parameters.py, tiers.py, entries.py). The mixins read and write the attributes set here.
"""

from __future__ import annotations

import math
import random
import sqlite3
from datetime import date
from decimal import Decimal

from src_dash.sources.demo import names
from src_dash.sources.demo.model import Line, Piece, Tiers
from src_dash.sources.demo.schema import quote
from src_dash.sources.demo.spec import DemoCompanySpec

# Times of day of the cbCreation / cbModification stamps, cycled through.
_TIMES = tuple(f"{8 + (i * 7) % 11:02d}:{(i * 13) % 60:02d}:00" for i in range(97))


class CompanyBase:
    """One company being generated: its spec, calendar, random generator and simulated data.

    Attributes set by the mixins: `sales_reps` (customers.py), `base_rate` (simulation.py).
    """

    sales_reps: list[int]
    base_rate: float

    def __init__(self, spec: DemoCompanySpec, today: date) -> None:
        if spec.customers < 1:
            raise ValueError(f"{spec.code}: at least one customer is needed")
        self.spec = spec
        self.flavour = (
            names.FLAVOURS.get(spec.code)
            or list(names.FLAVOURS.values())[spec.seed % len(names.FLAVOURS)]
        )
        self.rng = random.Random(f"{spec.code}:{spec.seed}:{today.isoformat()}")
        self.today = today
        self.T = today.toordinal()
        year = today.year
        self.Y2 = date(year - 2, 1, 1).toordinal()
        self.B = date(year - 1, 1, 1).toordinal()
        self.year_end = date(year, 12, 31).toordinal()
        start = date(year - 2, today.month, min(today.day, 28))
        self.P0 = start.toordinal()
        self.customers: list[Tiers] = []
        self.suppliers: list[Tiers] = []
        self.collaborators: list[dict[str, object]] = []
        self.ran_lines: list[Line] = []
        self.bank_lines: list[Line] = []
        self.pieces_by_day: dict[int, list[Piece]] = {}
        self._day_str: dict[int, str] = {}
        self._jm: dict[int, tuple[str, int]] = {}
        self._rates: dict[tuple[int, int], Decimal] = {}
        self._counter = 0

    # ---- accounts

    def acct(self, stem: str) -> str:
        """Account number in the company's length (6: 411000, 8: 41100000)."""
        return stem.ljust(self.flavour.account_digits, "0")

    # ---- dates

    def ds(self, day: int) -> str:
        s = self._day_str.get(day)
        if s is None:
            s = date.fromordinal(day).isoformat() + " 00:00:00"
            self._day_str[day] = s
        return s

    def jm(self, day: int) -> tuple[str, int]:
        v = self._jm.get(day)
        if v is None:
            d = date.fromordinal(day)
            v = (d.replace(day=1).isoformat() + " 00:00:00", d.day)
            self._jm[day] = v
        return v

    def stamp(self, day: int) -> str:
        self._counter += 1
        return self.ds(day)[:11] + _TIMES[self._counter % 97]

    def rate(self, devise: int, day: int) -> Decimal:
        """Daily rate of a currency: units of currency for 1 EUR, 4 decimals."""
        key = (devise, day)
        r = self._rates.get(key)
        if r is None:
            base = float(names.CURRENCIES[devise - 1][4])
            drift = 0.035 * math.sin(2 * math.pi * (day % 365) / 365 + devise)
            wobble = 0.008 * math.sin(2 * math.pi * day / 23 + 2 * devise)
            r = Decimal(f"{base * (1 + drift + wobble):.4f}")
            self._rates[key] = r
        return r

    # ---- rows

    def _insert(self, conn: sqlite3.Connection, table: str, rows: list[dict[str, object]]) -> None:
        """Insert rows given as {column: value} dicts (all with the keys of the first one)."""
        if not rows:
            return
        cols = list(rows[0])
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        conn.executemany(sql, [tuple(row[c] for c in cols) for row in rows])

    def _system(self, created: str, modified: str | None = None) -> dict[str, object]:
        return {
            "cbCreateur": self.flavour.staff_user,
            "cbModification": modified or created,
            "cbCreation": created,
        }
