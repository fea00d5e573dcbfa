"""Reader of FEC files (Fichier des Écritures Comptables, LPF art. A47 A-1).

`read_fec` parses a whole file, validates every line and returns plain records: the customers
found on the receivable accounts (411, and 416 "clients douteux") and their lines as entries,
with a report of what else of class 41 was left out, by reason and amount. Nothing is written;
the first problem found raises a `FecError` naming the file, the line, the column and what is
wrong, so a caller never gets a partial result. What did not stop the reading but changes what
the numbers mean is said in `FecFile.warnings`.

Accepted variants: tab or `|` separator (detected from the header), 18 columns (BIC/IS), 21 or 22
columns (BA/BNC), unknown extra columns (ignored), `Montant` + `Sens` instead of `Debit` +
`Credit`, UTF-8 with or without BOM, Windows-1252 or ISO-8859-15 (see `fec_text`), padded
fields, a trailing separator (on every line, or on the header and its lines), CR, LF, CRLF and
CR CR LF line ends, blank lines. Amounts use a decimal comma (a decimal point is accepted),
may be zero-padded and carry a sign as first character; "6.000" is refused as ambiguous (see
`fec_format`). Dates are AAAAMMJJ with years 1900 to 2100; an empty (or all-zero) date is
accepted where the date is optional.

The customers (see `fec_accounts`): the auxiliary account (CompAuxNum) of a 411 or 416 line;
without one, a detailed general account (411DUPONT) is the customer, and a collective one
(41100000) gathers its lines in one customer "Clients divers", with a warning.

The reader is cut by concept: `fec_reading` (its state and the parsing of dates and amounts),
`fec_customers` (the class 41 lines), `fec_result` (the `FecFile` and its warnings); the pass
over the lines and the checks of their shape are here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from src_dash.sources.fec_accounts import EXCLUSION_REASONS, ExcludedLines
from src_dash.sources.fec_customers import CUSTOMER_KEY_LIMIT, CustomerLines
from src_dash.sources.fec_format import (
    SENS,
    STANDARD_COLUMNS,
    Columns,
    FecError,
    looks_like_amount,
    parse_cents,
    parse_date,
    read_header,
)
from src_dash.sources.fec_reading import MISSING, entry_key_text
from src_dash.sources.fec_result import FecFile, FecResult
from src_dash.sources.fec_text import LineCopies, detect, iter_lines

__all__ = [
    "CUSTOMER_KEY_LIMIT",
    "EXCLUSION_REASONS",
    "RECEIVABLE_PREFIXES",
    "STANDARD_COLUMNS",
    "ExcludedLines",
    "FecError",
    "FecFile",
    "read_fec",
]

#: General accounts whose lines are customer entries (416: doubtful).
RECEIVABLE_PREFIXES = ("411", "416")
#: The longest customer key (auxiliary or general account number) the store keeps.


def read_fec(
    path: Path | str, terms_days: int = 30, not_customers: frozenset[str] = frozenset()
) -> FecFile:
    """Read and validate a whole FEC file and return its customers and customer entries.

    Args:
        path: The FEC file.
        terms_days: Payment terms used to infer the due date of debit lines when the file has no
            due-date column: due date = PieceDate (else EcritureDate) + terms_days. Credit lines
            are due on their document date.
        not_customers: Customer keys to leave out (cash-receipt accounts, say); their lines are
            counted in `FecFile.excluded` as "not_a_customer".

    Returns:
        The file's customers, customer entries, exclusions, balances, period and format.

    Raises:
        FecError: On the first problem: unreadable or empty file, mixed encodings, missing
            header column, wrong number of fields, bad or ambiguous date or amount, empty
            JournalCode or EcritureNum, and so on.
        ValueError: When `terms_days` is negative.
    """
    if terms_days < 0:
        raise ValueError(f"terms_days must be 0 or more, not {terms_days}")
    path = Path(path)
    try:
        return _Reader(path, terms_days, frozenset(not_customers)).read()
    except OSError as exc:
        raise FecError(path, None, None, f"cannot be read ({exc.strerror or exc})") from exc


class _Reader(CustomerLines, FecResult):
    """One reading of one file: the pass over its lines and the checks of their shape."""

    def read(self) -> FecFile:
        """Read the file; see `read_fec`."""
        path = self.path
        encoding, cr_only = detect(path)
        copies = LineCopies(path.stat().st_size // 100)
        lines = iter_lines(path, encoding, cr_only, copies)
        header_line, separator, names, usual = read_header(path, lines)
        self.separator = separator
        self.cols = Columns(path, header_line, names)
        self.width, self.usual = len(names), usual
        self.header_trailing = self.trailing = usual > len(names)
        line_count, period_start, period_end, balance = self._scan(lines)
        duplicates = (copies.copies, copies.first, copies.run, copies.modulus > 1)
        return self.result(
            encoding, separator, names, line_count, period_start, period_end, balance, duplicates
        )

    def _scan(self, lines: Iterator[tuple[int, str]]) -> tuple[int, date, date, int]:
        """The pass over the data lines: (line count, first and last posting date, balance)."""
        cols, separator = self.cols, self.separator
        usual, trailing = self.usual, self.trailing
        # Locals for the hot loop: one pass over possibly millions of lines.
        i_date, i_acct = cols.ecriture_date, cols.compte_num
        i_journal, i_number = cols.journal_code, cols.ecriture_num
        i_first, i_second = cols.first_amount, cols.second_amount
        i_md, i_let = cols.montant_devise, cols.ecriture_let
        optional_dates, debit_credit = cols.optional_dates, cols.debit_credit
        dates, dates_get, amounts_get = self.dates, self.dates.get, self.amounts.get
        period_start, period_end = date.max, date.min
        balance = line_count = 0  # balance in cents
        # The run of lines of one entry (JournalCode, EcritureNum as written) that follow each
        # other: its debit - credit and first line (see `unbalanced_run`).
        entry_journal = entry_number = "\x00"  # no field is that: the first line starts a run
        entry_cents = entry_first = 0

        for number, text in lines:
            fields = text.split(separator)
            if len(fields) != usual or (trailing and fields[-1]):
                if not text.replace(separator, "").strip():
                    continue  # a blank line, or a line of empty fields
                fields = self.fit(number, fields, line_count)
                usual, trailing = self.usual, self.trailing
            posted = dates_get(fields[i_date], MISSING)
            if posted is MISSING or posted is None:
                posted = self._posting_date(fields, number, text)
                if posted is None:
                    continue  # a line of empty fields carries nothing
            for i in optional_dates:
                if fields[i] not in dates:
                    self.date_at(fields, i, number)
            if posted < period_start:
                period_start = posted
            if posted > period_end:
                period_end = posted
            first = amounts_get(fields[i_first])
            if first is None:
                first = self.amount_at(fields, i_first, number)
            if debit_credit:
                second = amounts_get(fields[i_second])
                if second is None:
                    second = self.amount_at(fields, i_second, number)
                if first and second:
                    self.both_sides.add(number)
                cents = first - second
            else:
                cents = first * self.sens(fields, number, first)
            balance += cents
            md = fields[i_md]
            if md and not md.isspace() and md not in self.currency_amounts:
                self.amount_at(fields, i_md, number, exact=False)
            # No lettering code has a comma: one there is an amount (the Credit) shifted right
            # by a separator typed in a field before it.
            if "," in fields[i_let]:
                self.check_not_shifted(number, fields)
            account = fields[i_acct].strip()
            if not account:
                raise self.fail(number, i_acct, "is empty")
            if fields[i_number] != entry_number or fields[i_journal] != entry_journal:
                if entry_cents:
                    self.unbalanced_run(entry_journal, entry_number, entry_cents, entry_first)
                entry_journal, entry_number = fields[i_journal], fields[i_number]
                entry_cents, entry_first = 0, number
                if not entry_number.strip() or not entry_journal.strip():
                    raise self.fail(
                        number, i_journal if entry_number.strip() else i_number, "is empty"
                    )
            entry_cents += cents
            line_count += 1
            if account.startswith("41"):
                self.class_41_line(number, fields, account, posted, cents)

        if line_count == 0:
            raise FecError(self.path, None, None, "the file has a header but no entries")
        if entry_cents:
            self.unbalanced_run(entry_journal, entry_number, entry_cents, entry_first)
        self.last_entry = entry_key_text(entry_journal, entry_number)
        return line_count, period_start, period_end, balance

    def _posting_date(self, fields: list[str], number: int, text: str) -> date | None:
        """The posting date of a line not in the cache (or cached as no date); None for a line
        of empty fields, an error for a line without one."""
        i_date = self.cols.ecriture_date
        posted = self.date_at(fields, i_date, number)
        if posted is not None or not text.replace(self.separator, "").strip():
            return posted
        shown = fields[i_date].strip()
        raise self.fail(
            number,
            i_date,
            f"{shown!r} means no date; the posting date is required" if shown else "is empty",
        )

    def too_many_fields(self, line: int, count: int, note: str = "") -> FecError:
        """The error of a line with more fields than the header."""
        shown = "tab" if self.separator == "\t" else "'|'"
        return FecError(
            self.path,
            line,
            None,
            f"expected {self.width} fields, found {count} (is there a {shown} inside a field?"
            f"{note})",
        )

    def fit(self, number: int, fields: list[str], lines_before: int) -> list[str]:
        """The fields of a line whose field count differs from the header's, or raise.

        A field too many shifts every later field one column right: a debit read as a credit,
        an amount read as a lettering code. So extra fields are accepted only as a trailing
        separator: empty, after the last column, and either the header ends with as many
        separators or every data line has exactly one (decided on the first data line, which
        must read right in place; a later line without it refuses the file).
        """
        count, width = len(fields), self.width
        if count < width:
            # Name the first missing column: that is where the line falls short.
            raise self.fail(number, count, f"expected {width} fields, found {count}")
        if count == width:
            if self.tail_first:
                raise self.too_many_fields(
                    self.tail_first, width + 1, f" line {number} has {width}"
                )
            return fields
        extra_empty = not "".join(fields[width:]).strip()
        if self.header_trailing:
            if count <= self.usual and extra_empty:
                return fields[:width]
            raise self.too_many_fields(number, count)
        if count == width + 1 and extra_empty and not lines_before and self.reads_in_place(fields):
            self.tail_first = number
            self.usual, self.trailing = width + 1, True
            return fields[:width]
        raise self.too_many_fields(number, count)

    def reads_in_place(self, fields: list[str]) -> bool:
        """Whether a line's fields read as their columns (no sign of a shift by an extra field)."""
        cols = self.cols
        try:
            if parse_date(fields[cols.ecriture_date]) is None:
                return False
            for i in cols.optional_dates:
                parse_date(fields[i])
            parse_cents(fields[cols.first_amount])
            if cols.debit_credit:
                parse_cents(fields[cols.second_amount])
            elif fields[cols.second_amount].strip().lower() not in SENS:
                return False
            md = fields[cols.montant_devise].strip()
            if md:
                parse_cents(md, exact=False)
                # A date shifted into Montantdevise reads as an amount without decimals.
                if len(md) == 8 and md.isdigit() and parse_date(md) is not None:
                    return False
        except ValueError:
            return False
        lettering, currency = fields[cols.ecriture_let].strip(), fields[cols.idevise].strip()
        return not (looks_like_amount(lettering) or looks_like_amount(currency))

    def sens(self, fields: list[str], number: int, montant: int) -> int:
        """The sign given by the Sens column of a Montant + Sens file."""
        raw = fields[self.cols.second_amount].strip()
        sign = SENS.get(raw.lower())
        if sign is None:
            if not raw and not montant:
                return 1
            shown = "is empty" if not raw else f"{raw!r} is not D, C, +1, 1 or -1"
            raise self.fail(number, self.cols.second_amount, shown)
        return sign

    def unbalanced_run(self, journal: str, number: str, cents: int, first: int) -> None:
        """Add a run of lines that does not net to zero to its entry's debit - credit.

        Only such runs are kept (sums add up, so an entry split in runs still nets right), so a
        sound file builds no table of its entries.
        """
        key = entry_key_text(journal, number)
        self.entry_sums[key] = self.entry_sums.get(key, 0) + cents
        self.entry_firsts.setdefault(key, first)

    def check_not_shifted(self, number: int, fields: list[str]) -> None:
        """Refuse a line whose EcritureLet or Idevise holds an amount."""
        cols = self.cols
        for column, what in ((cols.ecriture_let, "a lettering code"), (cols.idevise, "a currency")):
            value = fields[column].strip()
            if looks_like_amount(value):
                raise self.shifted(number, column, value, what)
