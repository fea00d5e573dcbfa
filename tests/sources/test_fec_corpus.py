"""A corpus of malformed variants of the real FEC files: each is refused or read right, loudly.

Every variant is built from the bytes of a real file with one typical accident (a tab typed in a
label, a French thousands separator, an encoding mix-up, the body pasted twice, the end cut
off, ...). Each either raises a FecError that names the file, the line, the column and the
reason, or reads with the numbers the file means and a warning the user sees. None may change a
number in silence.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from src_dash.sources.fec import FecError, FecFile, read_fec

REAL_111 = "111111111FEC20221231.TXT"  # "|", ISO-8859-15, 18 columns and a trailing "|"
REAL_000 = "000000000FEC20231231.txt"  # tab, UTF-8, 22 columns


@pytest.fixture(scope="module")
def fec_dir() -> Path:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fec"
    directory = Path(os.environ.get("SRC_DASH_FEC_DIR") or default)
    assert (directory / REAL_111).is_file(), f"real FEC files not found in {directory}"
    return directory


@pytest.fixture(scope="module")
def originals(fec_dir: Path) -> dict[str, FecFile]:
    return {name: read_fec(fec_dir / name) for name in (REAL_111, REAL_000)}


# --- editing the bytes of a file, field by field -------------------------------------------------


class Lines:
    """The lines of a real file as bytes (index 0 is the header, line number = index + 1)."""

    def __init__(self, data: bytes, sep: bytes) -> None:
        self.lines = data.split(b"\n")
        self.sep = sep

    def fields(self, number: int) -> list[bytes]:
        return self.lines[number - 1].split(self.sep)

    def set_fields(self, number: int, fields: list[bytes]) -> None:
        self.lines[number - 1] = self.sep.join(fields)

    def edit(self, number: int, column: int, value: bytes) -> Lines:
        fields = self.fields(number)
        fields[column] = value
        self.set_fields(number, fields)
        return self

    def numbers(self, test: Callable[[list[bytes]], bool]) -> list[int]:
        """Line numbers of the data lines whose fields pass `test`."""
        return [
            i + 1
            for i, line in enumerate(self.lines)
            if i and line.strip() and test(line.split(self.sep))
        ]

    def data(self) -> bytes:
        return b"\n".join(self.lines)


SEPARATORS = {REAL_111: b"|", REAL_000: b"\t"}
# Columns by index (both files have the 18 standard columns first).
ACCOUNT, AUX, AUX_LIB, PIECE_DATE, LABEL, DEBIT, CREDIT, LETTER = 4, 6, 7, 9, 10, 11, 12, 13
JOURNAL, NUMBER, POSTED = 0, 2, 3


def is_411(fields: list[bytes]) -> bool:
    return fields[ACCOUNT].startswith(b"411")


def naive_class_41(path: Path) -> Decimal:
    """Debit - credit of every line of class 41, read with nothing but split."""
    raw = path.read_bytes()
    for codec in ("utf-8-sig", "cp1252", "iso-8859-15"):
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    lines = [line for line in text.splitlines() if line.strip()]
    sep = "\t" if "\t" in lines[0] else "|"
    total = Decimal(0)
    for line in lines[1:]:
        f = line.split(sep)
        if f[ACCOUNT].strip().startswith("41"):
            amounts = [
                Decimal(v.strip().replace(".", "").replace(",", ".") or "0") for v in f[11:13]
            ]
            total += amounts[0] - amounts[1]
    return total


# --- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The variant must be refused with this line, column (None: the whole line) and reason."""

    line: int
    column: str | None
    reason: str


@dataclass(frozen=True)
class Read:
    """The variant must be read, with these warnings (parts of them) and numbers."""

    warnings: tuple[str, ...]
    check: Callable[[FecFile, FecFile], None] | None = None


def same_numbers(fec: FecFile, original: FecFile) -> None:
    assert fec.customer_balances == original.customer_balances
    assert [(e.key, e.amount, e.lettering_code) for e in fec.entries] == [
        (e.key, e.amount, e.lettering_code) for e in original.entries
    ]


def tab_at_end_of_label(number: int) -> Callable[[Lines], bytes]:
    def build(f: Lines) -> bytes:
        fields = f.fields(number)
        fields[LABEL] += f.sep
        f.set_fields(number, fields)
        return f.data()

    return build


def trailing_separator_everywhere(f: Lines) -> bytes:
    f.lines = [line + f.sep if i and line else line for i, line in enumerate(f.lines)]
    return f.data()


def trailing_separator_dropped_on(number: int) -> Callable[[Lines], bytes]:
    def build(f: Lines) -> bytes:
        assert f.lines[number - 1].endswith(f.sep)
        f.lines[number - 1] = f.lines[number - 1][:-1]
        return f.data()

    return build


def pipe_in_label_and_trailing_pipe_dropped(number: int) -> Callable[[Lines], bytes]:
    """A "|" typed at the end of a label of a file whose lines end with "|", and that line's
    trailing "|" missing: the field count is right, every field after the label is shifted."""

    def build(f: Lines) -> bytes:
        fields = f.fields(number)
        fields[LABEL] = fields[LABEL].rstrip() + b"|"
        f.set_fields(number, fields[:-1])
        return f.data()

    return build


def thousands(f: Lines) -> bytes:
    """Every amount of 1000 and more written "1.234,56", as French people type them."""
    for number in f.numbers(lambda fields: True):
        for column in (DEBIT, CREDIT):
            value = f.fields(number)[column].strip()
            whole, _, cents = value.partition(b",")
            whole = whole.lstrip(b"0") or b"0"
            if len(whole) > 3:
                groups = []
                while whole:
                    groups.insert(0, whole[-3:])
                    whole = whole[:-3]
                f.edit(number, column, b".".join(groups) + b"," + cents)
    return f.data()


def body_twice(f: Lines) -> bytes:
    body = [line for line in f.lines[1:] if line]
    f.lines = [f.lines[0], *body, *body, b""]
    return f.data()


def cut_before(number: int) -> Callable[[Lines], bytes]:
    def build(f: Lines) -> bytes:
        f.lines = [*f.lines[: number - 1], b""]
        return f.data()

    return build


def cut_inside(number: int) -> Callable[[Lines], bytes]:
    def build(f: Lines) -> bytes:
        f.lines = [*f.lines[: number - 1], f.lines[number - 1][:60]]
        return f.data()

    return build


def reencoded(codec: str, label: str = "", number: int = 0) -> Callable[[Lines], bytes]:
    def build(f: Lines) -> bytes:
        data = f.data().decode("utf-8")
        lines = data.split("\n")
        if label:
            fields = lines[number - 1].split("\t")
            fields[LABEL] = label
            lines[number - 1] = "\t".join(fields)
        return "\n".join(lines).encode(codec)

    return build


def one_latin_byte(number: int) -> Callable[[Lines], bytes]:
    """A label typed in ISO-8859-15 ("é" as one byte) into a UTF-8 file with accents."""

    def build(f: Lines) -> bytes:
        return f.edit(number, LABEL, b"REMISE CH\xc8QUE").data()

    return build


def edit(number: int, column: int, value: bytes) -> Callable[[Lines], bytes]:
    return lambda f: f.edit(number, column, value).data()


def on_411_lines(change: Callable[[Lines, int], None], which: slice = slice(None)) -> Callable:
    def build(f: Lines) -> bytes:
        for number in f.numbers(is_411)[which]:
            change(f, number)
        return f.data()

    return build


def without_aux(f: Lines, number: int) -> None:
    f.edit(number, AUX, b"").edit(number, AUX_LIB, b"")


def as_account(account: bytes) -> Callable[[Lines, int], None]:
    return lambda f, number: f.edit(number, ACCOUNT, account)


def aux_as_detailed_account(f: Lines, number: int) -> None:
    aux = f.fields(number)[AUX].strip()
    name = f.fields(number)[AUX_LIB]
    f.edit(number, ACCOUNT, aux).edit(number, 5, name)
    without_aux(f, number)


def check_no_aux_at_all(fec: FecFile, original: FecFile) -> None:
    assert [(c.key, c.name) for c in fec.customers] == [("41100000", "Clients divers")]
    assert fec.receivable_balance == original.receivable_balance


def check_mixed(fec: FecFile, original: FecFile) -> None:
    assert fec.receivable_balance == original.receivable_balance
    moved = sum(e.amount for e in fec.entries if e.customer_key == "41100000")
    assert fec.customer_balances["41100000"] == moved


def check_doubtful(fec: FecFile, original: FecFile) -> None:
    assert fec.customer_balances == original.customer_balances
    assert sum(e.doubtful for e in fec.entries) == 10
    assert {e.account for e in fec.entries if e.doubtful} == {"41600000"}


def check_advances(fec: FecFile, original: FecFile) -> None:
    (excluded,) = fec.excluded
    assert (excluded.reason, excluded.accounts, excluded.lines) == (
        "customer_advances",
        ("41910000",),
        3,
    )
    assert fec.receivable_balance + excluded.amount == original.receivable_balance
    assert len(fec.entries) == len(original.entries) - 3


def check_detailed(fec: FecFile, original: FecFile) -> None:
    assert fec.customer_balances == original.customer_balances
    assert {c.key: c.name for c in fec.customers} == {c.key: c.name for c in original.customers}


def check_cp1252(fec: FecFile, original: FecFile) -> None:
    assert fec.encoding == "cp1252"
    assert "Œuvre – 1 250 €" in {e.label for e in fec.entries}
    assert fec.customer_balances == original.customer_balances


def check_latin9(fec: FecFile, original: FecFile) -> None:
    assert fec.encoding == "iso-8859-15"
    same_numbers(fec, original)


def check_doubled(fec: FecFile, original: FecFile) -> None:
    assert fec.receivable_balance == 2 * original.receivable_balance


def check_cut(fec: FecFile, original: FecFile) -> None:
    assert fec.line_count < original.line_count


# fmt: off
CORPUS: dict[str, tuple[str, Callable[[Lines], bytes], Refused | Read]] = {
    # A tab typed at the end of a label shifts the debit into Credit and an amount into
    # EcritureLet: refused wherever it is, on the first data line too.
    "tab-at-end-of-label": (REAL_000, tab_at_end_of_label(51), Refused(
        51, None, "expected 22 fields, found 23 (is there a tab inside a field?)")),
    "tab-at-end-of-first-label": (REAL_000, tab_at_end_of_label(2), Refused(
        2, None, "expected 22 fields, found 23 (is there a tab inside a field?)")),
    "pipe-in-label": (REAL_111, tab_at_end_of_label(80), Refused(
        80, None, "expected 18 fields, found 20 (is there a '|' inside a field?)")),
    "pipe-in-label-trailing-pipe-dropped": (
        REAL_111, pipe_in_label_and_trailing_pipe_dropped(80), Refused(
            80, "EcritureLet", "'0000000000,00' is not a lettering code (is there a '|' inside "
            "a field?)")),
    "pipe-in-label-trailing-pipe-dropped-lettered": (
        REAL_111, pipe_in_label_and_trailing_pipe_dropped(6), Refused(
            6, "DateLet", "'AA' is not a date in the AAAAMMJJ format")),
    "pipe-in-label-trailing-pipe-dropped-other-account": (
        REAL_111, pipe_in_label_and_trailing_pipe_dropped(2), Refused(
            2, "EcritureLet", "'0000000069,60' is not a lettering code (is there a '|' inside "
            "a field?)")),
    "trailing-tab-on-every-line": (REAL_000, trailing_separator_everywhere, Read((), same_numbers)),
    "trailing-tab-on-one-line": (REAL_000, lambda f: f.edit(70, 21, b"\t").data(), Refused(
        70, None, "expected 22 fields, found 23 (is there a tab inside a field?)")),
    "trailing-tab-on-first-line-only": (REAL_000, lambda f: f.edit(2, 21, b"\t").data(), Refused(
        2, None, "expected 22 fields, found 23 (is there a tab inside a field? line 3 has 22)")),
    "trailing-pipe-missing-on-a-line": (REAL_111, trailing_separator_dropped_on(80), Read(
        (), same_numbers)),
    # Amounts.
    "dot-thousands-6.000": (REAL_000, edit(51, DEBIT, b"6.000"), Refused(
        51, "Debit", "'6.000' is ambiguous: write 6000,00 or 6,00")),
    "dot-thousands-and-comma-decimals": (REAL_000, thousands, Read(
        ("amounts are written with thousands separators, read as such: '4.643,50' = 4643.50 "
         "(first at line 35)",), same_numbers)),
    "three-decimals": (REAL_111, edit(80, DEBIT, b"0000000229,165"), Refused(
        80, "Debit", "'0000000229,165' has more than 2 decimals")),
    "amount-too-large": (REAL_000, edit(51, DEBIT, b"123456789012345678,00"), Refused(
        51, "Debit", "'123456789012345678,00' is too large (at most 9999999999999,99)")),
    "space-thousands": (REAL_000, edit(51, DEBIT, b"26 608,35"), Refused(
        51, "Debit", "'26 608,35' is not an amount")),
    "debit-and-credit": (REAL_000, edit(51, CREDIT, b"10,00"), Read(
        ("1 line(s) have both a Debit and a Credit; their amount is Debit - Credit (first at "
         "line 51)", "1 entry does not balance", "the file does not balance: debits - credits "
         "= -10.00"))),
    # Dates, journal, numbers.
    "piece-date-9999": (REAL_000, edit(51, PIECE_DATE, b"99991231"), Refused(
        51, "PieceDate", "'99991231' is out of range (years 1900 to 2100)")),
    "posting-date-0001": (REAL_111, edit(80, POSTED, b"00010101"), Refused(
        80, "EcritureDate", "'00010101' is out of range (years 1900 to 2100)")),
    "posting-date-1850": (REAL_111, edit(80, POSTED, b"18501231"), Refused(
        80, "EcritureDate", "'18501231' is out of range (years 1900 to 2100)")),
    "empty-entry-number": (REAL_111, edit(80, NUMBER, b"        "), Refused(
        80, "EcritureNum", "is empty")),
    "empty-journal": (REAL_000, edit(51, JOURNAL, b""), Refused(51, "JournalCode", "is empty")),
    "customer-number-too-long": (REAL_000, edit(51, AUX, b"C" * 21), Refused(
        51, "CompAuxNum", f"'{'C' * 21}' is longer than 20 characters, the longest customer "
        "number the app keeps")),
    # Encodings.
    "one-latin-9-byte-in-utf-8": (REAL_000, one_latin_byte(70), Refused(
        70, "EcritureLib", "byte 0xC8 is not UTF-8, yet the file has UTF-8 accents elsewhere")),
    "windows-1252": (REAL_000, reencoded("cp1252", "Œuvre – 1 250 €", 51), Read((), check_cp1252)),
    "iso-8859-15": (REAL_000, reencoded("iso-8859-15"), Read((), check_latin9)),
    # Lines twice, lines missing, entries unbalanced.
    "body-appended-twice": (REAL_111, body_twice, Read(
        ("944 of 1868 lines are exact copies of earlier lines (first at line 10; lines 936 to "
         "1869 repeat earlier lines): was the file, or part of it, appended twice?",),
        check_doubled)),
    "last-lines-cut-off": (REAL_111, cut_before(933), Read(
        ("1 entry does not balance (debit - credit by JournalCode and EcritureNum): OJRA "
         "00000247 from line 928 (-3089.00)", "the last entry of the file (OJRA 00000247, from "
         "line 928) does not balance: were the last lines of the file cut off?",
         "the file does not balance: debits - credits = -3089.00"), check_cut)),
    "last-line-cut-in-the-middle": (REAL_111, cut_inside(935), Refused(
        935, "CompAuxNum", "expected 18 fields, found 6")),
    "unbalanced-entry": (REAL_000, edit(2, CREDIT, b"683,32"), Read(
        ("1 entry does not balance (debit - credit by JournalCode and EcritureNum): ac 0 from "
         "line 2 (-0.09)",))),
    # Class 41.
    "no-aux-anywhere": (REAL_111, on_411_lines(without_aux), Read(
        ("the collective account 41100000 has no auxiliary accounts: its 151 line(s) (balance "
         "14416.52, first at line 6) are one customer 'Clients divers' (41100000)",),
        check_no_aux_at_all)),
    "no-aux-on-some-lines": (REAL_111, on_411_lines(without_aux, slice(0, 10)), Read(
        ("10 line(s) on the collective account 41100000 have no CompAuxNum (balance ",
         "first at line 6): they go to one customer 'Clients divers' (41100000)"), check_mixed)),
    "doubtful-416": (REAL_111, on_411_lines(as_account(b"41600000"), slice(0, 10)), Read(
        (), check_doubtful)),
    "advances-419": (REAL_111, on_411_lines(as_account(b"41910000"), slice(0, 3)), Read(
        ("3 line(s) on 41910000 are not customer entries: 419: advances",), check_advances)),
    "detailed-accounts": (REAL_111, on_411_lines(aux_as_detailed_account), Read(
        (), check_detailed)),
}
# fmt: on


@pytest.mark.parametrize("variant", list(CORPUS))
def test_a_malformed_variant_is_refused_or_read_right_with_a_warning(
    variant: str, fec_dir: Path, originals: dict[str, FecFile], tmp_path: Path
) -> None:
    source, build, expected = CORPUS[variant]
    data = build(Lines((fec_dir / source).read_bytes(), SEPARATORS[source]))
    path = tmp_path / source
    path.write_bytes(data)
    if isinstance(expected, Refused):
        with pytest.raises(FecError) as caught:
            read_fec(path)
        error = caught.value
        assert (error.path, error.line, error.column) == (path, expected.line, expected.column)
        assert error.message.startswith(expected.reason), error.message
        where = f", column {expected.column}" if expected.column else ""
        assert str(error).startswith(f"{source}, line {expected.line}{where}: ")
        return
    fec = read_fec(path)
    original = originals[source]
    new_warnings = [w for w in fec.warnings if w not in original.warnings]
    for part in expected.warnings:
        assert any(part in w for w in new_warnings), (part, new_warnings)
    if not expected.warnings:
        assert new_warnings == []
    # Nothing of class 41 vanishes: entries and exclusions add up to the file's class 41 lines.
    assert fec.receivable_balance == sum(e.amount for e in fec.entries)
    assert sum(fec.customer_balances.values()) == fec.receivable_balance
    left_out = sum((e.amount for e in fec.excluded), Decimal(0))
    assert fec.receivable_balance + left_out == naive_class_41(path)
    if expected.check is not None:
        expected.check(fec, original)


def test_the_corpus_covers_both_outcomes() -> None:
    outcomes = [type(expected) for _, _, expected in CORPUS.values()]
    assert outcomes.count(Refused) >= 15 and outcomes.count(Read) >= 12
