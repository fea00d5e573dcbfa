"""Receivables analytics on Polars: the ledger frame, balances, aging, KPIs, scores, forecast.

Everything reads the store through `ledger.get_ledger(engine)`, a set of Polars frames loaded
once per store data version (money as Int64 cents, dates as dates) and replayed as of any date.
Results leave this package as frozen dataclasses with Decimal amounts.
"""

from src_dash.analytics.ledger import Ledger, LedgerView, get_ledger
from src_dash.analytics.scope import Scope

__all__ = ["Ledger", "LedgerView", "Scope", "get_ledger"]
