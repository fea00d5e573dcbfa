"""Reader of FEC files (Fichier des Écritures Comptables, LPF art. A47 A-1).

`read_fec` parses a whole file, validates every line and returns plain records: the customers
found on the auxiliary accounts of the 411 lines, and those lines as entries. Nothing is written;
the first problem found raises a `FecError` naming the file, the line, the column and what is
wrong, so a caller never gets a partial result.

Accepted variants: tab or `|` separator (detected from the header), 18 columns (BIC/IS), 21 or 22
columns (BA/BNC), unknown extra columns (ignored), `Montant` + `Sens` instead of `Debit` +
`Credit`, UTF-8 with or without BOM else ISO-8859-15, padded fields, a trailing separator, CR,
LF, CRLF and CR CR LF line ends, blank lines. Amounts use a decimal comma (a dot is accepted, since
the format has no thousands separator), may be zero-padded and carry a sign as first character.
Dates are AAAAMMJJ only; an empty (or all-zero) date is accepted where the date is optional.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import chain
from pathlib import Path

from src_dash.money import CENT, ZERO, to_money
from src_dash.sources.records import CompanyInfo, CustomerRecord, EntryRecord

__all__ = [
    "CUSTOMER_ACCOUNT_PREFIX",
    "STANDARD_COLUMNS",
    "FecError",
    "FecFile",
    "read_fec",
]

#: The 18 columns of A47 A-1, in order. `Debit` and `Credit` may be replaced by `Montant` + `Sens`.
STANDARD_COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)

#: Lines on general accounts starting with this prefix are customer lines.
CUSTOMER_ACCOUNT_PREFIX = "411"

# Non-standard columns that give a due date, by normalised name.
_DUE_DATE_NAMES = ("dateecheance", "dateech", "echeance")
# Other date columns of the BA/BNC variants, validated when present.
_EXTRA_DATE_NAMES = ("daterglt",)
_KNOWN_NAMES = frozenset(
    [c.lower() for c in STANDARD_COLUMNS]
    + ["montant", "sens", "daterglt", "moderglt", "natop", "idclient"]
    + list(_DUE_DATE_NAMES)
)
_SENS = {"d": 1, "+1": 1, "1": 1, "+": 1, "c": -1, "-1": -1, "-": -1}
_CARRIED_FORWARD_CODES = frozenset({"AN", "RAN"})
_CARRIED_FORWARD_WORDS = frozenset({"nouveau", "nouveaux", "report", "reports", "ran"})
_FILE_NAME_HINT = "<SIREN>FEC<AAAAMMJJ>"
_MISSING = object()
_CACHE_LIMIT = 200_000


class FecError(ValueError):
    """A FEC file that cannot be read, with where and what.

    `str(error)` reads like
    ``111111111FEC20221231.TXT, line 12, column Debit: '12,3x' is not an amount``.

    Attributes:
        path: The file.
        line: 1-based physical line number (the header is line 1), or None for the whole file.
        column: The column name as written in the header (or the standard name when it is
            missing), or None.
        message: What is wrong.
    """

    def __init__(self, path: Path, line: int | None, column: str | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = [self.path.name]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def __reduce__(self) -> tuple[type[FecError], tuple[Path, int | None, str | None, str]]:
        return (FecError, (self.path, self.line, self.column, self.message))


@dataclass(frozen=True)
class FecFile:
    """The content of one FEC file that matters for collection.

    Attributes:
        path: The file read.
        siren: The SIREN from the file name, or "" when the name is not `<SIREN>FEC<AAAAMMJJ>`.
        closing_date: The fiscal-year closing date from the file name, or None.
        company: Name from the SIREN (a FEC holds nothing better), currency EUR.
        customers: One per auxiliary account seen on a 411 line, sorted by number.
        entries: The 411 lines that have an auxiliary account, in file order.
        period_start: Earliest EcritureDate of the whole file.
        period_end: Latest EcritureDate of the whole file.
        line_count: Number of data lines (header and blank lines excluded).
        encoding: "utf-8", "utf-8-sig" (with BOM) or "iso-8859-15".
        separator: "\\t" or "|".
        columns: Column names as written in the header (a trailing empty name dropped).
        warnings: Things that did not stop the reading but deserve a look.
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


def read_fec(path: Path | str, terms_days: int = 30) -> FecFile:
    """Read and validate a whole FEC file and return its customers and customer entries.

    Args:
        path: The FEC file.
        terms_days: Payment terms used to infer the due date of debit lines when the file has no
            due-date column: due date = PieceDate (else EcritureDate) + terms_days. Credit lines
            are due on their document date.

    Returns:
        The file's customers, 411 entries, period and format details.

    Raises:
        FecError: On the first problem: unreadable or empty file, missing header column, wrong
            number of fields, bad date or amount, and so on.
        ValueError: When `terms_days` is negative.
    """
    if terms_days < 0:
        raise ValueError(f"terms_days must be 0 or more, not {terms_days}")
    path = Path(path)
    try:
        return _Reader(path, terms_days).read()
    except OSError as exc:
        raise FecError(path, None, None, f"cannot be read ({exc.strerror or exc})") from exc


# --- reading bytes -----------------------------------------------------------------------------


def _detect(path: Path) -> tuple[str, bool]:
    """Return (encoding, cr_only) of a file, reading it once in chunks.

    The encoding is UTF-8 when the whole file decodes as UTF-8 (a BOM gives "utf-8-sig"), else
    ISO-8859-15, which decodes any byte.
    """
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
        if not head.strip():
            raise FecError(path, None, None, "the file is empty")
        has_bom = head.startswith(codecs.BOM_UTF8)
        if not has_bom and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FecError(
                path, None, None, "UTF-16 is not supported; save the file as UTF-8 or ISO-8859-15"
            )
        cr_only = b"\n" not in head and b"\r" in head
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = fh.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "iso-8859-15", cr_only
    return ("utf-8-sig" if has_bom else "utf-8"), cr_only


def _iter_blocks(path: Path, encoding: str, cr_only: bool) -> Iterator[list[str]]:
    """Yield the file's lines, without their line ends, in lists of a few megabytes.

    Decoding and splitting whole blocks keeps the per-line work in C; a block always ends on a
    line end, so a multi-byte character is never cut.
    """
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    eol = b"\r" if cr_only else b"\n"
    rest = b""
    first = True
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 22)
            data = rest + chunk
            if chunk:
                cut = data.rfind(eol) + 1
                if not cut:
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            elif not data:
                return
            if first:
                first = False
                if data.startswith(codecs.BOM_UTF8):
                    data = data[3:]
            text = data.decode(codec)
            if cr_only:
                lines = text.split("\r")
            else:
                # CR LF and CR CR LF: every CR just before an LF belongs to the line end.
                while "\r\n" in text:
                    text = text.replace("\r\n", "\n")
                lines = text.split("\n")
            if chunk:
                lines.pop()  # the empty string after the block's last line end
            yield lines
            if not chunk:
                return


def _iter_lines(path: Path, encoding: str, cr_only: bool) -> Iterator[tuple[int, str]]:
    """Yield (physical line number, text without its line end); line 1 is the first line."""
    return enumerate(chain.from_iterable(_iter_blocks(path, encoding, cr_only)), 1)


# --- field parsers -----------------------------------------------------------------------------


def _parse_date(raw: str) -> date | None:
    """Parse an AAAAMMJJ date; None when empty or all zeros. Raises ValueError when bad."""
    s = raw.strip()
    if not s or s == "00000000":
        return None
    if len(s) != 8 or not (s.isascii() and s.isdigit()):
        raise ValueError(f"{s!r} is not a date in the AAAAMMJJ format")
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        raise ValueError(f"{s!r} is not a valid date") from None


def _parse_amount(raw: str, exact: bool = True) -> Decimal:
    """Parse a FEC amount ("-0000000069,60", "12.5", "" = 0). Raises ValueError when bad.

    With `exact`, more than two significant decimals is an error; otherwise they are rounded.
    """
    s = raw.strip()
    if not s:
        return ZERO
    text = s.replace(",", ".")
    body = text[1:] if text[0] in "+-" else text
    # isdigit alone would accept "²" or "٣"; Decimal alone would accept "1_000", "1e3", "NaN".
    if not (body.isascii() and body.replace(".", "", 1).isdigit()):
        raise ValueError(f"{s!r} is not an amount")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - excluded by the checks above
        raise ValueError(f"{s!r} is not an amount") from None
    rounded = value.quantize(CENT)
    if rounded != value:
        if exact:
            raise ValueError(f"{s!r} has more than 2 decimals")
        return to_money(value)
    return rounded


def _parse_cents(raw: str) -> int:
    """Parse a book amount into integer cents, like `_parse_amount` but faster (the hot loop)."""
    s = raw.strip()
    if not s:
        return 0
    body = s[1:] if s[0] in "+-" else s
    whole, _, frac = body.replace(",", ".").partition(".")
    digits = whole + frac
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{s!r} is not an amount")
    if len(frac) != 2:
        if len(frac) < 2:
            frac = frac.ljust(2, "0")
        elif frac[2:].strip("0"):
            raise ValueError(f"{s!r} has more than 2 decimals")
        else:
            frac = frac[:2]
    cents = int(whole + frac)
    return -cents if s[0] == "-" else cents


def _normalise_name(name: str) -> str:
    """Header name for comparison: stripped, without accents, lower case."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _is_carried_forward(code: str, lib: str) -> bool:
    """Whether a journal looks like à-nouveaux (AN, RAN, "A nouveaux", "Report à nouveau")."""
    if code.upper() in _CARRIED_FORWARD_CODES:
        return True
    words = "".join(c if c.isalnum() else " " for c in _normalise_name(lib)).split()
    return any(w in _CARRIED_FORWARD_WORDS for w in words)


def _entry_key(content: str, occurrence: int) -> int:
    """A stable positive 63-bit key from a line's content and its rank among identical lines."""
    digest = hashlib.blake2b(
        f"{content}\x1f{occurrence}".encode(), digest_size=8, person=b"src_dash.fec"
    ).digest()
    return (int.from_bytes(digest, "big") >> 1) or 1


def _parse_file_name(name: str) -> tuple[str, date | None]:
    """Return (SIREN, closing date) from `<SIREN>FEC<AAAAMMJJ>[.ext]`, or ("", None)."""
    stem = name.split(".", 1)[0]
    # Tolerate what follows the date ("... (1).txt", "..._v2.txt"): copies get renamed so.
    siren, tail = stem[:9], stem[12:20]
    if stem[9:12].upper() != "FEC" or not (siren.isascii() and siren.isdigit()):
        return "", None
    try:
        closing = _parse_date(tail) if len(tail) == 8 else None
    except ValueError:
        closing = None
    if closing is None:
        return "", None
    return siren, closing


# --- the reader --------------------------------------------------------------------------------


class _Columns:
    """Indexes of the columns the reader needs, from the header."""

    def __init__(self, path: Path, line: int, names: list[str]) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            key = _normalise_name(name)
            if not key:
                continue
            if key in index:
                raise FecError(path, line, name, "appears twice in the header")
            index[key] = i
        self.names = names
        has_dc = "debit" in index and "credit" in index
        has_ms = "montant" in index and "sens" in index
        self.debit_credit = has_dc or not has_ms
        for std in STANDARD_COLUMNS:
            low = std.lower()
            if low not in index and (self.debit_credit or low not in ("debit", "credit")):
                hint = " (or Montant and Sens)" if low in ("debit", "credit") else ""
                raise FecError(path, line, std, f"missing in the header{hint}")

        def at(name: str) -> int:
            return index[name.lower()]

        self.journal_code = at("JournalCode")
        self.journal_lib = at("JournalLib")
        self.ecriture_num = at("EcritureNum")
        self.ecriture_date = at("EcritureDate")
        self.compte_num = at("CompteNum")
        self.comp_aux_num = at("CompAuxNum")
        self.comp_aux_lib = at("CompAuxLib")
        self.piece_ref = at("PieceRef")
        self.piece_date = at("PieceDate")
        self.ecriture_lib = at("EcritureLib")
        self.ecriture_let = at("EcritureLet")
        self.date_let = at("DateLet")
        self.montant_devise = at("Montantdevise")
        self.idevise = at("Idevise")
        if self.debit_credit:
            self.first_amount, self.second_amount = at("Debit"), at("Credit")
        else:
            self.first_amount, self.second_amount = at("Montant"), at("Sens")
        self.due_date = next((index[n] for n in _DUE_DATE_NAMES if n in index), None)
        self.payment_method = index.get("moderglt")
        optional = [self.piece_date, self.date_let, at("ValidDate")]
        optional += [index[n] for n in _EXTRA_DATE_NAMES if n in index]
        if self.due_date is not None:
            optional.append(self.due_date)
        self.optional_dates = tuple(optional)


class _LineTally:
    """How many lines had some condition, and the first of them."""

    def __init__(self) -> None:
        self.count = 0
        self.first = 0

    def add(self, line: int) -> None:
        """Count one more line."""
        if not self.count:
            self.first = line
        self.count += 1


class _Reader:
    """One reading of one file; holds the caches and counters of the hot loop."""

    cols: _Columns
    separator: str

    def __init__(self, path: Path, terms_days: int) -> None:
        self.path = path
        self.terms = timedelta(days=terms_days)
        self.dates: dict[str, date | None] = {}
        self.amounts: dict[str, int] = {}
        self.journals: dict[tuple[str, str], bool] = {}
        self.occurrences: dict[str, int] = {}
        self.customer_names: dict[str, str] = {}
        self.entries: list[EntryRecord] = []
        self.groups: dict[tuple[str, str], Decimal] = {}
        self.no_aux = _LineTally()
        self.both_sides = _LineTally()

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
                value = _parse_date(raw)
            except ValueError as exc:
                raise self.fail(line, i, str(exc)) from None
            if len(self.dates) > _CACHE_LIMIT:
                self.dates.clear()
            self.dates[raw] = value
        return value  # type: ignore[return-value]

    def amount_at(self, fields: list[str], i: int, line: int) -> int:
        """Parse (and cache) the book amount in column `i` of a line, in cents."""
        raw = fields[i]
        value = self.amounts.get(raw)
        if value is None:
            try:
                value = _parse_cents(raw)
            except ValueError as exc:
                raise self.fail(line, i, str(exc)) from None
            if len(self.amounts) > _CACHE_LIMIT:
                self.amounts.clear()
            self.amounts[raw] = value
        return value

    def read(self) -> FecFile:
        """Read the file; see `read_fec`."""
        path = self.path
        encoding, cr_only = _detect(path)
        lines = _iter_lines(path, encoding, cr_only)
        header_line, separator, names, usual = self.read_header(lines)
        self.separator = separator
        self.cols = cols = _Columns(path, header_line, names)
        width = len(names)
        trailing = usual > width

        # Locals for the hot loop: one pass over possibly millions of lines.
        i_date, i_acct = cols.ecriture_date, cols.compte_num
        i_first, i_second = cols.first_amount, cols.second_amount
        i_md = cols.montant_devise
        optional_dates = cols.optional_dates
        debit_credit = cols.debit_credit
        dates, amounts_get = self.dates, self.amounts.get
        dates_get = dates.get
        prefix = CUSTOMER_ACCOUNT_PREFIX
        period_start, period_end = date.max, date.min
        balance = 0  # cents
        line_count = 0

        for number, text in lines:
            fields = text.split(separator)
            if len(fields) != usual or (trailing and fields[-1]):
                if not text.strip():
                    continue
                fields = self.fit(number, fields, width)
            raw = fields[i_date]
            posted = dates_get(raw, _MISSING)
            if posted is _MISSING or posted is None:
                posted = self.date_at(fields, i_date, number)
                if posted is None:
                    if not text.replace(separator, "").strip():
                        continue  # a line of empty fields carries nothing
                    raise self.fail(number, i_date, "is empty")
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
            if md and not md.isspace():
                try:
                    _parse_amount(md, exact=False)
                except ValueError as exc:
                    raise self.fail(number, i_md, str(exc)) from None

            account = fields[i_acct].strip()
            if not account:
                raise self.fail(number, i_acct, "is empty")
            line_count += 1
            if account.startswith(prefix):
                self.customer_line(number, fields, account, posted, cents)

        if line_count == 0:
            raise FecError(path, None, None, "the file has a header but no entries")
        return self.result(
            encoding, separator, names, line_count, period_start, period_end, balance
        )

    def read_header(self, lines: Iterator[tuple[int, str]]) -> tuple[int, str, list[str], int]:
        """Find the header (first non-blank line).

        Returns:
            Its line number, the separator, the column names without trailing empty names (a
            trailing separator), and the number of fields the header had (the usual line width).
        """
        number, text = next(((n, t) for n, t in lines if t.strip()), (0, ""))
        if not number:
            raise FecError(self.path, None, None, "the file is empty")
        best: tuple[int, str, list[str]] | None = None
        for separator in ("\t", "|"):
            names = [n.strip() for n in text.split(separator)]
            known = sum(_normalise_name(n) in _KNOWN_NAMES for n in names)
            if known >= 2 and (best is None or known > best[0]):
                best = (known, separator, names)
        if best is None:
            for other in (";", ","):
                if sum(_normalise_name(n) in _KNOWN_NAMES for n in text.split(other)) >= 2:
                    raise FecError(
                        self.path,
                        number,
                        None,
                        f"the separator must be a tab or '|', not {other!r}",
                    )
            raise FecError(
                self.path,
                number,
                None,
                "not a FEC header: expected column names such as JournalCode and EcritureDate "
                "separated by tabs or '|'",
            )
        _, separator, names = best
        usual = len(names)
        while names and not names[-1]:
            names.pop()
        return number, separator, names, usual

    def fit(self, number: int, fields: list[str], width: int) -> list[str]:
        """Accept a line with extra empty trailing fields (a trailing separator), else raise."""
        count = len(fields)
        if count == width:
            return fields
        if count > width and not "".join(fields[width:]).strip():
            return fields[:width]
        if count < width:
            # Name the first missing column: that is where the line falls short.
            raise self.fail(number, count, f"expected {width} fields, found {count}")
        shown = "tab" if self.separator == "\t" else "'|'"
        raise FecError(
            self.path,
            number,
            None,
            f"expected {width} fields, found {count} (is there a {shown} inside a field?)",
        )

    def sens(self, fields: list[str], number: int, montant: int) -> int:
        """The sign given by the Sens column of a Montant + Sens file."""
        raw = fields[self.cols.second_amount].strip()
        sign = _SENS.get(raw.lower())
        if sign is None:
            if not raw and not montant:
                return 1
            shown = "is empty" if not raw else f"{raw!r} is not D, C, +1, 1 or -1"
            raise self.fail(number, self.cols.second_amount, shown)
        return sign

    def customer_line(
        self, number: int, fields: list[str], account: str, posted: date, cents: int
    ) -> None:
        """Turn a 411 line into an entry (or count it when it has no auxiliary account)."""
        cols = self.cols
        aux = fields[cols.comp_aux_num].strip()
        if not aux:
            self.no_aux.add(number)
            return
        amount = Decimal(cents).scaleb(-2)
        if not self.customer_names.get(aux):
            self.customer_names[aux] = fields[cols.comp_aux_lib].strip()
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
            raw_md = fields[cols.montant_devise]
            if raw_md.strip():
                md = abs(_parse_amount(raw_md, exact=False))
                amount_currency = -md if amount < 0 else md
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
            group = (aux, lettering)
            self.groups[group] = self.groups.get(group, ZERO) + amount

        self.entries.append(
            EntryRecord(
                key=_entry_key(content, occurrence),
                customer_key=aux,
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
            )
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
    ) -> FecFile:
        """Assemble the FecFile and its warnings."""
        path = self.path
        siren, closing = _parse_file_name(path.name)
        warnings: list[str] = []
        if not siren:
            warnings.append(
                f"the file name does not follow {_FILE_NAME_HINT}: no SIREN nor closing date"
            )
        if self.no_aux.count:
            warnings.append(
                f"{self.no_aux.count} line(s) on {CUSTOMER_ACCOUNT_PREFIX} accounts have no "
                f"CompAuxNum and are not customer entries (first at line {self.no_aux.first})"
            )
        if self.both_sides.count:
            warnings.append(
                f"{self.both_sides.count} line(s) have both a Debit and a Credit; their amount "
                f"is Debit - Credit (first at line {self.both_sides.first})"
            )
        if balance:
            total = Decimal(balance).scaleb(-2)
            warnings.append(f"the file does not balance: debits - credits = {total}")
        open_groups = sorted(f"{a}/{c}" for (a, c), total in self.groups.items() if total)
        if open_groups:
            shown = ", ".join(open_groups[:5]) + (", ..." if len(open_groups) > 5 else "")
            warnings.append(
                f"{len(open_groups)} lettering group(s) on customer accounts do not net to zero "
                f"(partial lettering?): {shown}"
            )
        customers = [
            CustomerRecord(key=key, name=name or key)
            for key, name in sorted(self.customer_names.items())
        ]
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
        )
