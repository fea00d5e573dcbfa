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
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from src_dash.money import ZERO
from src_dash.sources.fec_accounts import (
    EXCLUSION_REASONS,
    ExcludedLines,
    account_kind,
    bucket_name,
    is_detailed,
    looks_like_cash_bucket,
)
from src_dash.sources.fec_format import (
    SENS,
    STANDARD_COLUMNS,
    Columns,
    FecError,
    is_grouped,
    looks_like_amount,
    normalise_name,
    parse_cents,
    parse_date,
    parse_file_name,
    read_header,
)
from src_dash.sources.fec_text import LineCopies, detect, iter_lines
from src_dash.sources.records import CompanyInfo, CustomerRecord, EntryRecord

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
CUSTOMER_KEY_LIMIT = 20

_CARRIED_FORWARD_CODES = frozenset({"AN", "RAN"})
_CARRIED_FORWARD_WORDS = frozenset({"nouveau", "nouveaux", "report", "reports", "ran"})
_FILE_NAME_HINT = "<SIREN>FEC<AAAAMMJJ>"
_MISSING = object()
_CACHE_LIMIT = 200_000
# Exact copies of earlier lines above this share of the file are worth a warning; a few are
# normal (two identical lines of one entry).
_DUPLICATE_SHARE = 0.05
_SHOWN = 5


def _cents_text(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def _entry_key_text(journal: str, number: str) -> str:
    """The key of an entry in the reader's sums, from its JournalCode and EcritureNum."""
    return f"{journal}\x1f{number}"


def _entry_name(key: str) -> str:
    """An entry's "JournalCode EcritureNum" from its key in the reader's sums."""
    journal, _, number = key.partition("\x1f")
    return f"{journal.strip()} {number.strip()}"


def _listed(items: list[str]) -> str:
    return ", ".join(items[:_SHOWN]) + (", ..." if len(items) > _SHOWN else "")


@dataclass(frozen=True)
class FecFile:
    """The content of one FEC file that matters for collection.

    Attributes:
        path: The file read.
        siren: The SIREN from the file name, or "" when the name is not `<SIREN>FEC<AAAAMMJJ>`.
        closing_date: The fiscal-year closing date from the file name, or None.
        company: Name from the SIREN (a FEC holds nothing better), currency EUR.
        customers: One per customer key (auxiliary account, detailed 411/416 account, or
            collective account gathering lines without CompAuxNum), sorted by key.
        entries: The lines of those customers on 411 and 416 accounts, in file order.
        period_start: Earliest EcritureDate of the whole file.
        period_end: Latest EcritureDate of the whole file.
        line_count: Number of data lines (header and blank lines excluded).
        encoding: "utf-8", "utf-8-sig" (with BOM), "cp1252" or "iso-8859-15".
        separator: "\\t" or "|".
        columns: Column names as written in the header (a trailing empty name dropped).
        warnings: Things that did not stop the reading but deserve a look.
        excluded: Lines of class 41 that are not customer entries, by reason.
        receivable_balance: Debit - credit of every line taken as a customer entry.
        customer_balances: Debit - credit of each customer's lines, by customer key.
        suspect_customers: Keys of customers whose name says they collect cash receipts
            (RECETTE CB, CAISSE, DIVERS): imported, but perhaps not customers.
    """

    path: Path
    siren: str
    closing_date: date | None
    company: CompanyInfo
    customers: list[CustomerRecord]
    entries: list[EntryRecord]
    period_start: date
    period_end: date
    line_count: int
    encoding: str
    separator: str
    columns: list[str]
    warnings: list[str] = field(default_factory=list)
    excluded: list[ExcludedLines] = field(default_factory=list)
    receivable_balance: Decimal = ZERO
    customer_balances: dict[str, Decimal] = field(default_factory=dict)
    suspect_customers: list[str] = field(default_factory=list)


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


def _is_carried_forward(code: str, lib: str) -> bool:
    """Whether a journal looks like à-nouveaux (AN, RAN, "A nouveaux", "Report à nouveau")."""
    if code.upper() in _CARRIED_FORWARD_CODES:
        return True
    words = "".join(c if c.isalnum() else " " for c in normalise_name(lib)).split()
    return any(w in _CARRIED_FORWARD_WORDS for w in words)


def _entry_key(content: str, occurrence: int) -> int:
    """A stable positive 63-bit key from a line's content and its rank among identical lines."""
    digest = hashlib.blake2b(
        f"{content}\x1f{occurrence}".encode(), digest_size=8, person=b"src_dash.fec"
    ).digest()
    return (int.from_bytes(digest, "big") >> 1) or 1


class _Tally:
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


class _Reader:
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
        self.both_sides = _Tally()
        self.grouped_amount: tuple[int, str, int] | None = None
        # Class 41: account -> (receivable, "411"/"416" or reason, detailed); customer balances
        # in cents; the accounts seen with a CompAuxNum; collective lines without one, per
        # account; lines left out, per reason.
        self.kinds: dict[str, tuple[bool, str, bool]] = {}
        self.balances: dict[str, int] = {}
        self.aux_accounts: set[str] = set()
        self.no_aux: dict[str, _Tally] = {}
        self.excluded: dict[str, _Tally] = {}
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
        value = self.dates.get(raw, _MISSING)
        if value is _MISSING:
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

    def read(self) -> FecFile:
        """Read the file; see `read_fec`."""
        path = self.path
        encoding, cr_only = detect(path)
        copies = LineCopies(path.stat().st_size // 100)
        lines = iter_lines(path, encoding, cr_only, copies)
        header_line, separator, names, usual = read_header(path, lines)
        self.separator = separator
        self.cols = cols = Columns(path, header_line, names)
        self.width, self.usual = len(names), usual
        self.header_trailing = self.trailing = usual > len(names)
        trailing = self.trailing

        # Locals for the hot loop: one pass over possibly millions of lines.
        i_date, i_acct = cols.ecriture_date, cols.compte_num
        i_journal, i_number = cols.journal_code, cols.ecriture_num
        i_first, i_second = cols.first_amount, cols.second_amount
        i_md = cols.montant_devise
        i_let = cols.ecriture_let
        optional_dates = cols.optional_dates
        debit_credit = cols.debit_credit
        dates, amounts_get = self.dates, self.amounts.get
        dates_get = dates.get
        period_start, period_end = date.max, date.min
        balance = 0  # cents
        line_count = 0
        # The run of lines of one entry (JournalCode, EcritureNum as written) that follow each
        # other: its debit - credit and first line. Only a run that does not net to zero is
        # kept (sums add up, so an entry split in runs still nets right), so a sound file
        # builds no table of its entries.
        entry_journal = entry_number = "\x00"  # no field is that: the first line starts a run
        entry_cents = entry_first = 0

        for number, text in lines:
            fields = text.split(separator)
            if len(fields) != usual or (trailing and fields[-1]):
                if not text.replace(separator, "").strip():
                    continue  # a blank line, or a line of empty fields
                fields = self.fit(number, fields, line_count)
                usual, trailing = self.usual, self.trailing
            raw = fields[i_date]
            posted = dates_get(raw, _MISSING)
            if posted is _MISSING or posted is None:
                posted = self.date_at(fields, i_date, number)
                if posted is None:
                    if not text.replace(separator, "").strip():
                        continue  # a line of empty fields carries nothing
                    shown = raw.strip()
                    raise self.fail(
                        number,
                        i_date,
                        f"{shown!r} means no date; the posting date is required"
                        if shown
                        else "is empty",
                    )
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
                if not entry_number.strip():
                    raise self.fail(number, i_number, "is empty")
                if not entry_journal.strip():
                    raise self.fail(number, i_journal, "is empty")
            entry_cents += cents
            line_count += 1

            if account.startswith("41"):
                self.class_41_line(number, fields, account, posted, cents)

        if line_count == 0:
            raise FecError(path, None, None, "the file has a header but no entries")
        if entry_cents:
            self.unbalanced_run(entry_journal, entry_number, entry_cents, entry_first)
        self.last_entry = _entry_key_text(entry_journal, entry_number)
        duplicates = (copies.copies, copies.first, copies.run, copies.modulus > 1)
        return self.result(
            encoding, separator, names, line_count, period_start, period_end, balance, duplicates
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

    def kind(self, account: str) -> tuple[bool, str, bool]:
        """(receivable, "411"/"416" or exclusion reason, detailed) of a class 41 account."""
        found = self.kinds.get(account)
        if found is None:
            receivable, code = account_kind(account)
            found = self.kinds[account] = (receivable, code, receivable and is_detailed(account))
        return found

    def exclude(self, reason: str, name: str, number: int, cents: int) -> None:
        """Count a line of class 41 left out of the customer entries."""
        tally = self.excluded.get(reason)
        if tally is None:
            tally = self.excluded[reason] = _Tally()
        tally.add(number, cents, name)

    def class_41_line(
        self, number: int, fields: list[str], account: str, posted: date, cents: int
    ) -> None:
        """Turn a 411/416 line into a customer's entry, or count it as left out."""
        receivable, code, detailed = self.kinds.get(account) or self.kind(account)
        if not receivable:
            self.exclude(code, account, number, cents)
            return
        cols = self.cols
        aux = fields[cols.comp_aux_num].strip()
        if aux:
            key, name_column = aux, cols.comp_aux_lib
        else:
            key, name_column = account, cols.compte_lib
        if key in self.not_customers:
            self.exclude("not_a_customer", key, number, cents)
            return
        names = self.customer_names
        if key not in names and len(key) > CUSTOMER_KEY_LIMIT:
            raise self.fail(
                number,
                cols.comp_aux_num if aux else cols.compte_num,
                f"{key!r} is longer than {CUSTOMER_KEY_LIMIT} characters, the longest customer "
                "number the app keeps",
            )
        if aux:
            self.aux_accounts.add(account)
        elif not detailed:
            tally = self.no_aux.get(account)
            if tally is None:
                tally = self.no_aux[account] = _Tally()
                names[key] = bucket_name(account)
            tally.add(number, cents)
        if not names.get(key):
            names[key] = fields[name_column].strip()
        self.balances[key] = self.balances.get(key, 0) + cents
        self.customer_entry(number, fields, account, aux, key, posted, cents, code == "416")

    def customer_entry(
        self,
        number: int,
        fields: list[str],
        account: str,
        aux: str,
        customer: str,
        posted: date,
        cents: int,
        doubtful: bool,
    ) -> None:
        """Add the entry of a customer's line."""
        cols = self.cols
        amount = Decimal(cents).scaleb(-2)
        journal = fields[cols.journal_code].strip()
        journal_key = (journal, fields[cols.journal_lib])
        carried = self.journals.get(journal_key)
        if carried is None:
            carried = _is_carried_forward(journal, journal_key[1].strip())
            self.journals[journal_key] = carried
        number_text = fields[cols.ecriture_num].strip()
        piece = fields[cols.piece_ref].strip()
        label = fields[cols.ecriture_lib].strip()
        # Every date of the line was validated (and cached) by the main loop.
        document_date = self.date_at(fields, cols.piece_date, number)
        lettering = fields[cols.ecriture_let].strip()
        # (A comma there was refused by the main loop; an amount with a point is refused here.)
        if lettering and "." in lettering and looks_like_amount(lettering):
            raise self.shifted(number, cols.ecriture_let, lettering, "a lettering code")
        lettering_date = self.date_at(fields, cols.date_let, number) if lettering else None
        due = self.date_at(fields, cols.due_date, number) if cols.due_date is not None else None
        if due is None:
            base = document_date or posted
            due = base + self.terms if amount > 0 else base

        currency = fields[cols.idevise].strip().upper()
        amount_currency: Decimal | None = None
        if currency == "EUR":
            currency = ""
        elif currency:
            if "." in currency and looks_like_amount(currency):
                raise self.shifted(number, cols.idevise, currency, "a currency")
            raw_md = fields[cols.montant_devise]
            if raw_md.strip():
                md = abs(Decimal(self.amount_at(fields, cols.montant_devise, number, False)))
                amount_currency = (-md if amount < 0 else md).scaleb(-2)
        payment_method = (
            fields[cols.payment_method].strip() if cols.payment_method is not None else ""
        )

        # Debit and Credit enter the key as the net amount on its side, so the key does not
        # depend on how the file writes amounts (padding, Montant + Sens, both sides filled).
        # Lettering stays out of the key: next month's file letters this same line, and the sync
        # must see it as a change of the entry (its hash), not as a new entry.
        content = "\x1f".join(
            (
                journal,
                number_text,
                str(posted),
                account,
                aux,
                piece,
                str(document_date) if document_date else "",
                label,
                str(amount) if amount >= 0 else "0.00",
                "0.00" if amount >= 0 else str(-amount),
            )
        )
        occurrence = self.occurrences.get(content, 0)
        self.occurrences[content] = occurrence + 1
        if lettering:
            group = (customer, lettering)
            self.groups[group] = self.groups.get(group, ZERO) + amount

        self.entries.append(
            EntryRecord(
                key=_entry_key(content, occurrence),
                customer_key=customer,
                journal=journal,
                posting_date=posted,
                document_date=document_date,
                piece=piece,
                reference=piece,
                label=label,
                account=account,
                amount=amount,
                due_date=due,
                entry_no=int(number_text)
                if number_text.isascii() and number_text.isdigit() and len(number_text) <= 18
                else None,
                currency=currency,
                amount_currency=amount_currency,
                lettering_code=lettering,
                lettered=bool(lettering),
                lettering_date=lettering_date,
                settled_on=lettering_date,
                payment_method=payment_method,
                carried_forward=carried,
                doubtful=doubtful,
            )
        )

    def unbalanced_run(self, journal: str, number: str, cents: int, first: int) -> None:
        """Add a run of lines that does not net to zero to its entry's debit - credit."""
        key = _entry_key_text(journal, number)
        self.entry_sums[key] = self.entry_sums.get(key, 0) + cents
        self.entry_firsts.setdefault(key, first)

    def check_not_shifted(self, number: int, fields: list[str]) -> None:
        """Refuse a line whose EcritureLet or Idevise holds an amount."""
        cols = self.cols
        for column, what in ((cols.ecriture_let, "a lettering code"), (cols.idevise, "a currency")):
            value = fields[column].strip()
            if looks_like_amount(value):
                raise self.shifted(number, column, value, what)

    def shifted(self, number: int, column: int, value: str, what: str) -> FecError:
        """The error of a value that belongs to another column (a field too many before it)."""
        shown = "tab" if self.separator == "\t" else "'|'"
        return self.fail(
            number, column, f"{value!r} is not {what} (is there a {shown} inside a field?)"
        )

    def result(
        self,
        encoding: str,
        separator: str,
        names: list[str],
        line_count: int,
        period_start: date,
        period_end: date,
        balance: int,
        duplicates: tuple[int, int, tuple[int, int], bool],
    ) -> FecFile:
        """Assemble the FecFile and its warnings."""
        path = self.path
        siren, closing = parse_file_name(path.name)
        customers = [
            CustomerRecord(key=key, name=name or key)
            for key, name in sorted(self.customer_names.items())
        ]
        suspects = [
            c.key for c in customers if c.key not in self.no_aux and looks_like_cash_bucket(c.name)
        ]
        excluded = [
            ExcludedLines(
                reason=reason,
                accounts=tuple(sorted(tally.names)),
                lines=tally.count,
                amount=Decimal(tally.cents).scaleb(-2),
                first_line=tally.first,
            )
            for reason, tally in sorted(self.excluded.items(), key=lambda kv: kv[1].first)
        ]
        warnings = self.warnings(siren, line_count, balance, duplicates, excluded, suspects)
        company = CompanyInfo(name=f"SIREN {siren}" if siren else path.stem, currency="EUR")
        return FecFile(
            path=path,
            siren=siren,
            closing_date=closing,
            company=company,
            customers=customers,
            entries=self.entries,
            period_start=period_start,
            period_end=period_end,
            line_count=line_count,
            encoding=encoding,
            separator=separator,
            columns=list(names),
            warnings=warnings,
            excluded=excluded,
            receivable_balance=Decimal(sum(self.balances.values())).scaleb(-2),
            customer_balances={k: Decimal(v).scaleb(-2) for k, v in sorted(self.balances.items())},
            suspect_customers=suspects,
        )

    def warnings(
        self,
        siren: str,
        line_count: int,
        balance: int,
        duplicates: tuple[int, int, tuple[int, int], bool],
        excluded: list[ExcludedLines],
        suspects: list[str],
    ) -> list[str]:
        """What the user must see: the reading went through but these change the numbers."""
        out: list[str] = []
        if not siren:
            out.append(
                f"the file name does not follow {_FILE_NAME_HINT}: no SIREN nor closing date"
            )
        if self.grouped_amount is not None:
            line, raw, cents = self.grouped_amount
            out.append(
                f"amounts are written with thousands separators, read as such: {raw!r} = "
                f"{_cents_text(cents)} (first at line {line})"
            )
        for account, tally in sorted(self.no_aux.items()):
            name, total = self.customer_names[account], _cents_text(tally.cents)
            if account in self.aux_accounts:
                out.append(
                    f"{tally.count} line(s) on the collective account {account} have no "
                    f"CompAuxNum (balance {total}, first at line {tally.first}): they go to one "
                    f"customer '{name}' ({account})"
                )
            else:
                out.append(
                    f"the collective account {account} has no auxiliary accounts: its "
                    f"{tally.count} line(s) (balance {total}, first at line {tally.first}) are "
                    f"one customer '{name}' ({account})"
                )
        for item in excluded:
            out.append(
                f"{item.lines} line(s) on {_listed(list(item.accounts))} are not customer "
                f"entries: {item.description} (balance {item.amount}, first at line "
                f"{item.first_line})"
            )
        if suspects:
            shown = [f"{k} ({self.customer_names[k] or k})" for k in suspects]
            out.append(
                f"{len(suspects)} customer(s) look like accounts of cash receipts rather than "
                f"customers: {_listed(shown)}; they are imported: set them aside as not "
                "customers if they are not"
            )
        if self.both_sides.count:
            out.append(
                f"{self.both_sides.count} line(s) have both a Debit and a Credit; their amount "
                f"is Debit - Credit (first at line {self.both_sides.first})"
            )
        firsts = self.entry_firsts
        unbalanced = sorted((firsts[k], k, c) for k, c in self.entry_sums.items() if c)
        if unbalanced:
            shown = [f"{_entry_name(k)} from line {f} ({_cents_text(c)})" for f, k, c in unbalanced]
            out.append(
                f"{len(unbalanced)} entr{'y does' if len(unbalanced) == 1 else 'ies do'} not "
                f"balance (debit - credit by JournalCode and EcritureNum): {_listed(shown)}"
            )
            if self.entry_sums.get(self.last_entry):
                out.append(
                    f"the last entry of the file ({_entry_name(self.last_entry)}, from line "
                    f"{firsts[self.last_entry]}) does not balance: were the last lines of the file "
                    "cut off?"
                )
        if balance:
            out.append(f"the file does not balance: debits - credits = {_cents_text(balance)}")
        copies, first_copy, (start, end), sampled = duplicates
        if copies and copies >= _DUPLICATE_SHARE * line_count:
            about = "about " if sampled else ""
            run = f"; lines {start} to {end} repeat earlier lines" if end - start >= 2 else ""
            out.append(
                f"{about}{copies} of {line_count} lines are exact copies of earlier lines (first "
                f"at line {first_copy}{run}): was the file, or part of it, appended twice?"
            )
        open_groups = sorted(f"{a}/{c}" for (a, c), total in self.groups.items() if total)
        if open_groups:
            out.append(
                f"{len(open_groups)} lettering group(s) on customer accounts do not net to zero "
                f"(partial lettering?): {_listed(open_groups)}"
            )
        return out
