"""The FEC format: its header and columns, its error, and the parsers of its fields.

Part of the FEC reader (`src_dash.sources.fec`); these functions read one field each and raise
`ValueError` with what is wrong, which the reader turns into a `FecError` naming the line and
the column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

__all__ = [
    "MAX_CENTS",
    "SENS",
    "STANDARD_COLUMNS",
    "Columns",
    "FecError",
    "is_grouped",
    "looks_like_amount",
    "normalise_name",
    "parse_cents",
    "parse_date",
    "parse_file_name",
    "read_header",
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

#: The largest amount of one line, in cents (9 999 999 999 999,99). The store keeps cents in a
#: 64-bit integer; this bound leaves room for the sums of many such lines.
MAX_CENTS = 10**15 - 1
_MAX_TEXT = "9999999999999,99"

#: Years a date of a FEC may have; beyond them a date is a typing error (and 9999-12-31 plus
#: payment terms does not exist).
MIN_YEAR, MAX_YEAR = 1900, 2100
# Dates that mean "no date": all zeros, and Sage's empty dates (1753-01-01, 1900-01-01).
_NO_DATES = frozenset({"", "00000000", "17530101", "19000101"})

_AMOUNT_LIKE = re.compile(r"[+-]?\d+[.,]\d{1,2}")

#: The values of the Sens column of a Montant + Sens file, and their sign.
SENS = {"d": 1, "+1": 1, "1": 1, "+": 1, "c": -1, "-1": -1, "-": -1}
# Non-standard columns that give a due date, by normalised name.
_DUE_DATE_NAMES = ("dateecheance", "dateech", "echeance")
# Other date columns of the BA/BNC variants, validated when present.
_EXTRA_DATE_NAMES = ("daterglt",)
_KNOWN_NAMES = frozenset(
    [c.lower() for c in STANDARD_COLUMNS]
    + ["montant", "sens", "daterglt", "moderglt", "natop", "idclient"]
    + list(_DUE_DATE_NAMES)
)


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


def parse_date(raw: str) -> date | None:
    """Parse an AAAAMMJJ date; None when empty or a "no date" value. Raises ValueError when bad.

    Years outside 1900..2100 are refused: 99991231 or 00010101 are typing errors, not dates.
    """
    s = raw.strip()
    if s in _NO_DATES:
        return None
    if len(s) != 8 or not (s.isascii() and s.isdigit()):
        raise ValueError(f"{s!r} is not a date in the AAAAMMJJ format")
    year = int(s[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{s!r} is out of range (years {MIN_YEAR} to {MAX_YEAR})")
    try:
        return date(year, int(s[4:6]), int(s[6:]))
    except ValueError:
        raise ValueError(f"{s!r} is not a valid date") from None


def _ungroup(shown: str, body: str, thousands: str) -> str:
    """The digits of an integer part written with a thousands separator ("1.234.567")."""
    groups = body.split(thousands)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError(f"{shown!r} is not an amount")
    return "".join(groups)


def _split(s: str, shown: str) -> tuple[str, str]:
    """Split an unsigned amount into its integer and decimal digits (as text), or raise.

    FEC amounts have a decimal comma and no thousands separator; a decimal point is read too. A
    separator followed by exactly three digits is a thousands separator as often as a decimal
    one, so "6.000" is refused rather than guessed; thousands separators are accepted only where
    they cannot be read otherwise ("1.234,56", "1,234.56", "1.234.567").
    """
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        last = max(s.rfind("."), s.rfind(","))
        decimal_sep, thousands = s[last], "," if s[last] == "." else "."
        whole, frac = s[:last], s[last + 1 :]
        if decimal_sep in whole or thousands in frac:
            raise ValueError(f"{shown!r} is not an amount")
        return _ungroup(shown, whole, thousands), frac
    if dots + commas == 0:
        return s, ""
    sep = "." if dots else ","
    if dots + commas > 1:
        return _ungroup(shown, s, sep), ""
    whole, _, frac = s.partition(sep)
    if len(frac) == 3 and whole and (whole + frac).strip("0"):
        sign = "-" if shown[0] == "-" else ""
        plain = sign + (whole.lstrip("0") or "0")
        as_thousands = f"{plain}{frac},00"
        if frac[2] == "0":
            raise ValueError(f"{shown!r} is ambiguous: write {as_thousands} or {plain},{frac[:2]}")
        if sep == ".":
            raise ValueError(f"{shown!r} is ambiguous: write {as_thousands}")
    return whole, frac


def parse_cents(raw: str, exact: bool = True) -> int:
    """Parse a FEC amount ("-0000000069,60", "12.5", "" = 0) into integer cents.

    Args:
        raw: The field as written.
        exact: More than two significant decimals is an error; otherwise they are rounded
            (half to even), as for an amount in a currency with three decimals.

    Raises:
        ValueError: not an amount, an ambiguous one ("6.000"), too many decimals, or too large.
    """
    s = raw.strip()
    if not s:
        return 0
    negative = s[0] == "-"
    body = s[1:] if s[0] in "+-" else s
    whole, frac = _split(body, s)
    digits = whole + frac
    # isdigit alone would accept "²" or "٣"; int() alone would accept "1_000" or " 1".
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{s!r} is not an amount")
    if len(frac) <= 2:
        cents = int(whole + frac.ljust(2, "0"))
    elif not frac[2:].strip("0"):
        cents = int(whole + frac[:2])
    elif exact:
        raise ValueError(f"{s!r} has more than 2 decimals")
    else:
        value = Decimal(f"{whole or 0}.{frac}").scaleb(2)
        cents = int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if cents > MAX_CENTS:
        raise ValueError(f"{s!r} is too large (at most {_MAX_TEXT})")
    return -cents if negative else cents


def is_grouped(raw: str) -> bool:
    """Whether a valid amount was written with thousands separators ("1.234,56")."""
    return raw.count(".") + raw.count(",") > 1


def looks_like_amount(text: str) -> bool:
    """Whether a text field holds what looks like an amount ("0,00", "-12.50")."""
    return _AMOUNT_LIKE.fullmatch(text) is not None


def normalise_name(name: str) -> str:
    """A name for comparison: stripped, without accents, lower case."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_file_name(name: str) -> tuple[str, date | None]:
    """Return (SIREN, closing date) from `<SIREN>FEC<AAAAMMJJ>[.ext]`, or ("", None)."""
    stem = name.split(".", 1)[0]
    # Tolerate what follows the date ("... (1).txt", "..._v2.txt"): copies get renamed so.
    siren, tail = stem[:9], stem[12:20]
    if stem[9:12].upper() != "FEC" or not (siren.isascii() and siren.isdigit()):
        return "", None
    try:
        closing = parse_date(tail) if len(tail) == 8 else None
    except ValueError:
        closing = None
    if closing is None:
        return "", None
    return siren, closing


def read_header(path: Path, lines: Iterator[tuple[int, str]]) -> tuple[int, str, list[str], int]:
    """Find the header (first non-blank line).

    Returns:
        Its line number, the separator, the column names without trailing empty names (a
        trailing separator), and the number of fields the header had (the usual line width).
    """
    number, text = next(((n, t) for n, t in lines if t.strip()), (0, ""))
    if not number:
        raise FecError(path, None, None, "the file is empty")
    best: tuple[int, str, list[str]] | None = None
    for separator in ("\t", "|"):
        names = [n.strip() for n in text.split(separator)]
        known = sum(normalise_name(n) in _KNOWN_NAMES for n in names)
        if known >= 2 and (best is None or known > best[0]):
            best = (known, separator, names)
    if best is None:
        for other in (";", ","):
            if sum(normalise_name(n) in _KNOWN_NAMES for n in text.split(other)) >= 2:
                raise FecError(
                    path,
                    number,
                    None,
                    f"the separator must be a tab or '|', not {other!r}",
                )
        raise FecError(
            path,
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


class Columns:
    """Indexes of the columns the reader needs, from the header."""

    def __init__(self, path: Path, line: int, names: list[str]) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            key = normalise_name(name)
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
        self.compte_lib = at("CompteLib")
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
