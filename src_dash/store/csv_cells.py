"""CSV formula injection: text cells a spreadsheet would run as a formula are written inert.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice or Google Sheets as a formula (``=HYPERLINK(...)``, ``-1+cmd|' /C calc'!A0``).
As OWASP recommends, such a text gets a leading ``'`` so it shows as typed and runs nothing.
Only text is touched: a number the product writes (a Decimal ``-12.50``, an int, a float, a date)
stays a number. Every CSV writer of the app goes through here; it sits in the base layer so that
analytics, dunning and services can all use it.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The same test as a regular expression, for Polars' ``str.contains`` on whole text columns.
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def safe_cell(value: object) -> object:
    """The value as a CSV cell: a text that would start a formula gets a leading ``'``.

    Anything that is not a ``str`` (Decimal, int, float, date, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(v) for v in values]
