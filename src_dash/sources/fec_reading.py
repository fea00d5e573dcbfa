"""The state of one reading of a FEC file, and the parsing every part of the reader shares.

`fec._Reader` is this base plus the handling of the class 41 lines (`fec_customers`) and the
assembly of the result with its warnings (`fec_result`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from src_dash.sources.fec_format import Columns, FecError, is_grouped, parse_cents, parse_date
from src_dash.sources.records import EntryRecord

# What a cache lookup gives for a value not seen yet (None is a value: an empty date).
MISSING = object()
_CACHE_LIMIT = 200_000


def entry_key_text(journal: str, number: str) -> str:
    """The key of an entry in the reader's sums, from its JournalCode and EcritureNum."""
    return f"{journal}\x1f{number}"


def entry_name(key: str) -> str:
    """An entry's "JournalCode EcritureNum" from its key in the reader's sums."""
    journal, _, number = key.partition("\x1f")
    return f"{journal.strip()} {number.strip()}"


class Tally:
    """How many lines had some condition, their amount in cents, and the first of them."""

    __slots__ = ("cents", "count", "first", "names")

    def __init__(self) -> None:
        self.count = 0
        self.first = 0
        self.cents = 0
        self.names: set[str] = set()

    def add(self, line: int, cents: int = 0, name: str = "") -> None:
        """Count one more line."""
        if not self.count:
            self.first = line
        self.count += 1
        self.cents += cents
        if name:
            self.names.add(name)


class ReaderBase:
    """One reading of one file; holds the caches and counters of the hot loop."""

    cols: Columns
    separator: str

    def __init__(self, path: Path, terms_days: int, not_customers: frozenset[str]) -> None:
        self.path = path
        self.terms = timedelta(days=terms_days)
        self.not_customers = not_customers
        self.dates: dict[str, date | None] = {}
        self.amounts: dict[str, int] = {}
        self.currency_amounts: dict[str, int] = {}
        self.journals: dict[tuple[str, str], bool] = {}
        self.occurrences: dict[str, int] = {}
        self.customer_names: dict[str, str] = {}
        self.entries: list[EntryRecord] = []
        self.groups: dict[tuple[str, str], Decimal] = {}
        self.both_sides = Tally()
        self.grouped_amount: tuple[int, str, int] | None = None
        # Class 41: account -> (receivable, "411"/"416" or reason, detailed); customer balances
        # in cents; the accounts seen with a CompAuxNum; collective lines without one, per
        # account; lines left out, per reason.
        self.kinds: dict[str, tuple[bool, str, bool]] = {}
        self.balances: dict[str, int] = {}
        self.aux_accounts: set[str] = set()
        self.no_aux: dict[str, Tally] = {}
        self.excluded: dict[str, Tally] = {}
        # Entries with runs of lines that do not net to zero ("JournalCode\x1fEcritureNum" as
        # written) -> debit - credit in cents, and the first line of such a run.
        self.entry_sums: dict[str, int] = {}
        self.entry_firsts: dict[str, int] = {}
        self.last_entry = ""
        # Line width: the header's field count without and with its trailing separators, and
        # the first data line when the data lines (not the header) end with a separator.
        self.width = self.usual = 0
        self.header_trailing = False
        self.trailing = False
        self.tail_first = 0

    def fail(self, line: int | None, column: int | str | None, message: str) -> FecError:
        """Build the error for a line and a column (index into the header, or a name)."""
        name = self.cols.names[column] if isinstance(column, int) else column
        return FecError(self.path, line, name, message)

    def date_at(self, fields: list[str], i: int, line: int) -> date | None:
        """Parse (and cache) the date in column `i` of a line."""
        raw = fields[i]
        value = self.dates.get(raw, MISSING)
        if value is MISSING:
            try:
                value = parse_date(raw)
            except ValueError as exc:
                raise self.fail(line, i, str(exc)) from None
            if len(self.dates) > _CACHE_LIMIT:
                self.dates.clear()
            self.dates[raw] = value
        return value  # type: ignore[return-value]

    def amount_at(self, fields: list[str], i: int, line: int, exact: bool = True) -> int:
        """Parse (and cache) the amount in column `i` of a line, in cents.

        `exact` is for book amounts (Debit, Credit, Montant); an amount in currency may have
        more decimals, rounded.
        """
        raw = fields[i]
        cache = self.amounts if exact else self.currency_amounts
        value = cache.get(raw)
        if value is None:
            try:
                value = parse_cents(raw, exact)
            except ValueError as exc:
                raise self.fail(line, i, str(exc)) from None
            if self.grouped_amount is None and is_grouped(raw):
                self.grouped_amount = (line, raw.strip(), value)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[raw] = value
        return value

    def shifted(self, number: int, column: int, value: str, what: str) -> FecError:
        """The error of a value that belongs to another column (a field too many before it)."""
        shown = "tab" if self.separator == "\t" else "'|'"
        return self.fail(
            number, column, f"{value!r} is not {what} (is there a {shown} inside a field?)"
        )
