"""One demo company, generated then written: the base state plus one mixin per concept."""

from __future__ import annotations

import sqlite3

from src_dash.sources.demo.customers import MasterData
from src_dash.sources.demo.entries import EntryRows
from src_dash.sources.demo.lettering import Lettering
from src_dash.sources.demo.parameters import ParameterRows
from src_dash.sources.demo.simulation import Simulation
from src_dash.sources.demo.tiers import TiersRows


class Company(MasterData, Simulation, Lettering, ParameterRows, TiersRows, EntryRows):
    """Generates one company: master data, simulated ledger, then rows for SQLite."""

    def generate(self) -> None:
        """Create master data and simulate the whole ledger (nothing written yet)."""
        self._make_collaborators()
        self._make_customers()
        self._make_suppliers()
        self._calibrate()
        for c in self.customers:
            self._simulate_customer(c)
            self._resolve(c)
        for s in self.suppliers:
            self._simulate_supplier(s)
            self._resolve(s)
        self._number_pieces()

    def write(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """Insert every row; return (customer entries, total entries)."""
        self._write_parameters(conn)
        self._write_tiers(conn)
        return self._write_entries(conn)
