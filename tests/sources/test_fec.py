"""Tests of the FEC reader against the real sample files and synthetic variants."""

from __future__ import annotations

import os
import pickle
import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from src_dash.sources.fec import STANDARD_COLUMNS, FecError, FecFile, read_fec

REAL_111 = "111111111FEC20221231.TXT"
REAL_000 = "000000000FEC20231231.txt"


@pytest.fixture(scope="module")
def fec_dir() -> Path:
    """The shared directory of real FEC files (env SRC_DASH_FEC_DIR overrides it)."""
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fec"
    directory = Path(os.environ.get("SRC_DASH_FEC_DIR") or default)
    assert (directory / REAL_111).is_file(), f"real FEC files not found in {directory}"
    return directory


# --- an independent, naive reading of a real file, to check the reader against -----------------


def naive_411(path: Path) -> list[dict[str, str]]:
    """Read a file with plain string operations; return its 411 lines with a CompAuxNum."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-15")
    lines = [line for line in text.splitlines() if line.strip()]
    sep = "\t" if "\t" in lines[0] else "|"
    header = [name.strip() for name in lines[0].split(sep)]
    rows = [
        dict(zip(header, (f.strip() for f in line.split(sep)), strict=True)) for line in lines[1:]
    ]
    return [r for r in rows if r["CompteNum"].startswith("411") and r["CompAuxNum"]]


def naive_amount(text: str) -> Decimal:
    """A FEC amount as the real files write it (decimal comma, zero padding)."""
    return Decimal(text.replace(",", ".") or "0")


# --- real files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [REAL_111, REAL_000])
def test_real_file_balances_match_an_independent_reading(fec_dir: Path, name: str) -> None:
    path = fec_dir / name
    fec = read_fec(path)
    rows = naive_411(path)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        expected[row["CompAuxNum"]] += naive_amount(row["Debit"]) - naive_amount(row["Credit"])
    got: dict[str, Decimal] = defaultdict(Decimal)
    for entry in fec.entries:
        got[entry.customer_key] += entry.amount
    assert got == expected
    assert len(fec.entries) == len(rows)
    assert {c.key for c in fec.customers} == set(expected)
    names = {r["CompAuxNum"]: r["CompAuxLib"] for r in rows}
    assert {c.key: c.name for c in fec.customers} == names
    assert [(e.label, e.piece, e.posting_date.strftime("%Y%m%d")) for e in fec.entries] == [
        (r["EcritureLib"], r["PieceRef"], r["EcritureDate"]) for r in rows
    ]


def test_real_file_111111111(fec_dir: Path) -> None:
    fec = read_fec(fec_dir / REAL_111)
    assert (fec.siren, fec.closing_date) == ("111111111", date(2022, 12, 31))
    assert fec.company.name == "SIREN 111111111" and fec.company.currency == "EUR"
    assert (fec.separator, fec.encoding) == ("|", "iso-8859-15")  # bytes 0xF8 in 6 labels
    assert fec.columns == [*STANDARD_COLUMNS[:16], "MontantDevise", "Idevise"]
    assert fec.line_count == 934
    assert (fec.period_start, fec.period_end) == (date(2023, 1, 1), date(2023, 7, 31))
    assert len(fec.customers) == 34
    assert len(fec.entries) == 151
    assert {e.account for e in fec.entries} == {"41100000"}
    assert fec.warnings == []

    lettered = [e for e in fec.entries if e.lettered]
    assert len(lettered) == 117
    assert all(e.lettering_code and e.lettering_date == e.settled_on for e in lettered)
    assert all(
        e.lettering_date is None and not e.lettering_code for e in fec.entries if not e.lettered
    )
    groups: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for e in lettered:
        groups[e.customer_key, e.lettering_code] += e.amount
    assert len(groups) == 45 and all(total == 0 for total in groups.values())

    carried = [e for e in fec.entries if e.carried_forward]
    assert len(carried) == 14 and {e.journal for e in carried} == {"AN"}

    first = fec.entries[0]
    assert (first.customer_key, first.journal, first.piece, first.label) == (
        "41101590",
        "VE",
        "VE  0123",
        "VENTE NECTAR FRAISE",
    )
    assert first.amount == Decimal("74.70") and str(first.amount) == "74.70"
    assert first.document_date == date(2023, 1, 9) and first.due_date == date(2023, 2, 8)
    assert first.entry_no == 1 and first.currency == "" and first.amount_currency is None
    # Exact duplicate lines (three identical à-nouveaux lines) still get distinct keys.
    assert len({e.key for e in fec.entries}) == 151
    assert all(0 < e.key < 2**63 for e in fec.entries)
    # Every class 41 line is a 411 line with an auxiliary account: nothing left out, no doubt.
    assert fec.excluded == [] and fec.suspect_customers == []
    assert not any(e.doubtful for e in fec.entries)
    assert fec.receivable_balance == sum(e.amount for e in fec.entries) == Decimal("14416.52")
    assert sum(fec.customer_balances.values()) == fec.receivable_balance
    assert fec.customer_balances["41100540"] == Decimal("373.65")


def test_real_file_000000000(fec_dir: Path) -> None:
    fec = read_fec(fec_dir / REAL_000)
    assert (fec.siren, fec.closing_date) == ("000000000", date(2023, 12, 31))
    assert (fec.separator, fec.encoding) == ("\t", "utf-8")
    assert len(fec.columns) == 22 and fec.columns[16:18] == ["Montantdevise", "Idevise"]
    assert fec.line_count == 2102
    # Detailed à-nouveaux keep their original dates, back to 2021.
    assert (fec.period_start, fec.period_end) == (date(2021, 1, 1), date(2023, 6, 30))
    # Only the 411 auxiliary accounts are customers; the 401/421 ones are not.
    assert [c.key for c in fec.customers] == ["CCB", "CCHQ", "CESP", "CVIR"]
    assert len(fec.entries) == 153
    assert not any(e.lettered for e in fec.entries)
    assert Counter(e.journal for e in fec.entries) == {"bq": 130, "ve": 14, "AD": 9}
    assert all(e.carried_forward == (e.journal == "AD") for e in fec.entries)
    assert {e.payment_method for e in fec.entries} == {"CH"}  # ModeRglt of the BNC variant
    assert {e.entry_no for e in fec.entries} == {0}
    # Its four "customers" are where the shop books its takings: imported, and pointed out.
    assert fec.suspect_customers == ["CCB", "CCHQ", "CESP", "CVIR"]
    assert fec.warnings == [
        "4 customer(s) look like accounts of cash receipts rather than customers: CCB (RECETTE "
        "CB), CCHQ (RECETTE CHQ), CESP (RECETTE ESPECES), CVIR (RECETTES VIREMENT); they are "
        "imported: set them aside as not customers if they are not"
    ]
    assert fec.excluded == []
    assert fec.receivable_balance == Decimal("27771.70")
    assert fec.customer_balances == {
        "CCB": Decimal("1510.52"),
        "CCHQ": Decimal("542.00"),
        "CESP": Decimal("25719.18"),
        "CVIR": Decimal("0.00"),
    }
    left_out = read_fec(fec_dir / REAL_000, not_customers=frozenset({"CCB", "CESP"}))
    assert [c.key for c in left_out.customers] == ["CCHQ", "CVIR"]
    (excluded,) = left_out.excluded
    assert (excluded.reason, excluded.accounts, excluded.lines) == (
        "not_a_customer",
        ("CCB", "CESP"),
        141,
    )
    assert excluded.amount == Decimal("27229.70")
    assert left_out.receivable_balance == Decimal("542.00")


@pytest.mark.parametrize("name", [REAL_111, REAL_000])
def test_keys_are_identical_across_reads(fec_dir: Path, name: str) -> None:
    first = read_fec(fec_dir / name)
    second = read_fec(fec_dir / name)
    assert [e.key for e in first.entries] == [e.key for e in second.entries]
    assert first.entries == second.entries


def test_keys_do_not_depend_on_line_order(fec_dir: Path, tmp_path: Path) -> None:
    source = fec_dir / REAL_111
    original = read_fec(source)
    header, *lines = source.read_bytes().splitlines(keepends=True)
    random.Random(7).shuffle(lines)
    shuffled = tmp_path / REAL_111
    shuffled.write_bytes(header + b"".join(lines))
    moved = read_fec(shuffled)
    assert [e.key for e in moved.entries] != [e.key for e in original.entries]

    # Lines that differ only by their lettering share their key content, so their ranks (and
    # thus which lettering goes with which key) follow the file's order.
    def unlettered(e):  # noqa: ANN001, ANN202
        return replace(e, lettering_code="", lettered=False, lettering_date=None, settled_on=None)

    assert {e.key: unlettered(e) for e in moved.entries} == {
        e.key: unlettered(e) for e in original.entries
    }


# --- synthetic files -----------------------------------------------------------------------------


def line(**values: str) -> dict[str, str]:
    """A FEC line; unnamed columns are empty."""
    return values


# fmt: off
ROWS = [
    # 1: an invoice to C001, paid (lettered A) by 2: a bank payment.
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="1", EcritureDate="20240110",
         CompteNum="41100000", CompteLib="Clients", CompAuxNum="C001", CompAuxLib="Café Dupont",
         PieceRef="F001", PieceDate="20240108", EcritureLib="Facture F001 Café", Debit="120,00",
         Credit="0,00", EcritureLet="A", DateLet="20240215", ValidDate="20240110"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="1", EcritureDate="20240110",
         CompteNum="70600000", CompteLib="Prestations", PieceRef="F001", PieceDate="20240108",
         EcritureLib="Facture F001 Café", Debit="0,00", Credit="100,00", ValidDate="20240110"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="1", EcritureDate="20240110",
         CompteNum="44571000", CompteLib="TVA collectée", PieceRef="F001", PieceDate="20240108",
         EcritureLib="Facture F001 Café", Debit="0,00", Credit="20,00", ValidDate="20240110"),
    line(JournalCode="BQ", JournalLib="Banque", EcritureNum="2", EcritureDate="20240215",
         CompteNum="41100000", CompteLib="Clients", CompAuxNum="C001", CompAuxLib="Café Dupont",
         PieceRef="VIR01", PieceDate="20240215", EcritureLib="Virement Dupont", Debit="0,00",
         Credit="120,00", EcritureLet="A", DateLet="20240215", ValidDate="20240215"),
    line(JournalCode="BQ", JournalLib="Banque", EcritureNum="2", EcritureDate="20240215",
         CompteNum="51200000", CompteLib="Banque", PieceRef="VIR01", PieceDate="20240215",
         EcritureLib="Virement Dupont", Debit="120,00", Credit="0,00", ValidDate="20240215"),
    # 6: an open invoice to C002 without PieceDate, and 9: a credit note.
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="3", EcritureDate="20240301",
         CompteNum="41100000", CompteLib="Clients", CompAuxNum="C002",
         CompAuxLib="Société Générale d'Été", PieceRef="F002", EcritureLib="Facture F002 €",
         Debit="240,00", Credit="0,00", ValidDate="20240301"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="3", EcritureDate="20240301",
         CompteNum="70600000", CompteLib="Prestations", PieceRef="F002",
         EcritureLib="Facture F002 €", Debit="0,00", Credit="200,00", ValidDate="20240301"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="3", EcritureDate="20240301",
         CompteNum="44571000", CompteLib="TVA collectée", PieceRef="F002",
         EcritureLib="Facture F002 €", Debit="0,00", Credit="40,00", ValidDate="20240301"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="4", EcritureDate="20240305",
         CompteNum="41100000", CompteLib="Clients", CompAuxNum="C002",
         CompAuxLib="Société Générale d'Été", PieceRef="AV01", PieceDate="20240304",
         EcritureLib="Avoir AV01", Debit="0,00", Credit="24,00", ValidDate="20240305"),
    line(JournalCode="VE", JournalLib="Ventes", EcritureNum="4", EcritureDate="20240305",
         CompteNum="70600000", CompteLib="Prestations", PieceRef="AV01", PieceDate="20240304",
         EcritureLib="Avoir AV01", Debit="24,00", Credit="0,00", ValidDate="20240305"),
    # 11: a carried-forward invoice of C003.
    line(JournalCode="RAN", JournalLib="Reprise", EcritureNum="5", EcritureDate="20240101",
         CompteNum="41100000", CompteLib="Clients", CompAuxNum="C003", CompAuxLib="Martin SARL",
         PieceRef="F999", PieceDate="20231215", EcritureLib="Facture F999", Debit="50,00",
         Credit="0,00", ValidDate="20240101"),
    line(JournalCode="RAN", JournalLib="Reprise", EcritureNum="5", EcritureDate="20240101",
         CompteNum="89000000", CompteLib="Bilan d'ouverture", PieceRef="F999",
         PieceDate="20231215", EcritureLib="Facture F999", Debit="0,00", Credit="50,00",
         ValidDate="20240101"),
]
# fmt: on
CANONICAL_NAME = "123456789FEC20241231.txt"


def write_fec(
    path: Path,
    rows: list[dict[str, str]] = ROWS,
    columns: list[str] | tuple[str, ...] = STANDARD_COLUMNS,
    *,
    sep: str = "\t",
    eol: str = "\n",
    encoding: str = "utf-8",
    bom: bool = False,
    trailing: bool = False,
    pad: int = 0,
    end: str = "",
) -> Path:
    """Write rows as a FEC file with the given format details and return its path."""

    def fmt(values: list[str]) -> str:
        text = sep.join(v.ljust(pad) for v in values)
        return text + sep if trailing else text

    lines = [fmt(list(columns))] + [fmt([row.get(c, "") for c in columns]) for row in rows]
    data = (eol.join(lines) + eol + end).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def summary(fec: FecFile) -> list[tuple[object, ...]]:
    """What a format variant must not change."""
    return [
        (e.key, e.customer_key, e.journal, e.posting_date, e.document_date, e.piece, e.label,
         e.amount, e.due_date, e.lettering_code, e.lettering_date, e.carried_forward)
        for e in fec.entries
    ]  # fmt: skip


@pytest.fixture
def canonical(tmp_path: Path) -> FecFile:
    return read_fec(write_fec(tmp_path / CANONICAL_NAME))


def test_synthetic_file_gives_customers_and_entries(canonical: FecFile) -> None:
    fec = canonical
    assert (fec.siren, fec.closing_date) == ("123456789", date(2024, 12, 31))
    assert (fec.separator, fec.encoding, fec.line_count) == ("\t", "utf-8", 12)
    assert (fec.period_start, fec.period_end) == (date(2024, 1, 1), date(2024, 3, 5))
    assert [(c.key, c.name) for c in fec.customers] == [
        ("C001", "Café Dupont"),
        ("C002", "Société Générale d'Été"),
        ("C003", "Martin SARL"),
    ]
    assert [(e.customer_key, e.amount) for e in fec.entries] == [
        ("C001", Decimal("120.00")),
        ("C001", Decimal("-120.00")),
        ("C002", Decimal("240.00")),
        ("C002", Decimal("-24.00")),
        ("C003", Decimal("50.00")),
    ]
    invoice, payment, open_invoice, credit_note, carried = fec.entries
    assert invoice.lettered and invoice.lettering_code == "A"
    assert invoice.lettering_date == invoice.settled_on == date(2024, 2, 15)
    assert invoice.due_date == date(2024, 2, 7)  # PieceDate + 30
    assert payment.due_date == date(2024, 2, 15)  # a credit is due on its document date
    assert open_invoice.document_date is None
    assert open_invoice.due_date == date(2024, 3, 31)  # no PieceDate: EcritureDate + 30
    assert not open_invoice.lettered and open_invoice.lettering_date is None
    assert credit_note.due_date == date(2024, 3, 4)
    assert carried.carried_forward and not any(e.carried_forward for e in fec.entries[:4])
    assert (invoice.journal, invoice.piece, invoice.reference, invoice.account) == (
        "VE",
        "F001",
        "F001",
        "41100000",
    )
    assert (invoice.entry_no, invoice.posting_date) == (1, date(2024, 1, 10))
    assert fec.warnings == []


def test_terms_days_moves_the_due_date_of_debits_only(tmp_path: Path) -> None:
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME), terms_days=60)
    assert [e.due_date for e in fec.entries] == [
        date(2024, 3, 8),
        date(2024, 2, 15),
        date(2024, 4, 30),
        date(2024, 3, 4),
        date(2024, 2, 13),
    ]
    with pytest.raises(ValueError, match="terms_days"):
        read_fec(tmp_path / CANONICAL_NAME, terms_days=-1)


@pytest.mark.parametrize(
    ("options", "encoding"),
    [
        pytest.param({"sep": "|"}, "utf-8", id="pipe"),
        pytest.param({"sep": "|", "trailing": True, "pad": 14}, "utf-8", id="pipe-padded-trailing"),
        pytest.param({"trailing": True}, "utf-8", id="tab-trailing"),
        pytest.param({"bom": True}, "utf-8-sig", id="bom"),
        pytest.param({"encoding": "iso-8859-15"}, "iso-8859-15", id="latin-9"),
        pytest.param({"eol": "\r\n"}, "utf-8", id="crlf"),
        pytest.param({"eol": "\r\r\n"}, "utf-8", id="cr-cr-lf"),
        pytest.param({"eol": "\r"}, "utf-8", id="cr"),
        pytest.param({"end": "\n\n  \n"}, "utf-8", id="blank-lines-at-end"),
        pytest.param(
            {"sep": "|", "eol": "\r\n", "bom": True, "trailing": True}, "utf-8-sig", id="mixed"
        ),
    ],
)
def test_format_variants_read_the_same(
    tmp_path: Path, canonical: FecFile, options: dict[str, object], encoding: str
) -> None:
    (tmp_path / "variant").mkdir()
    fec = read_fec(write_fec(tmp_path / "variant" / CANONICAL_NAME, **options))  # type: ignore[arg-type]
    assert fec.encoding == encoding
    assert fec.separator == options.get("sep", "\t")
    assert fec.columns == list(STANDARD_COLUMNS)
    assert fec.line_count == 12
    assert summary(fec) == summary(canonical)
    assert [(c.key, c.name) for c in fec.customers] == [
        (c.key, c.name) for c in canonical.customers
    ]


def test_latin9_bytes_decode_to_accents_and_euro(tmp_path: Path) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME, encoding="iso-8859-15")
    raw = path.read_bytes()
    assert b"\xa4" in raw and b"Caf\xe9" in raw  # € and é in ISO-8859-15
    fec = read_fec(path)
    assert fec.encoding == "iso-8859-15"
    assert fec.entries[2].label == "Facture F002 €"
    assert fec.customers[1].name == "Société Générale d'Été"


def test_zero_padded_signed_and_empty_amounts(tmp_path: Path) -> None:
    rows = [dict(r) for r in ROWS]
    rows[0] |= {"Debit": "0000000120,00", "Credit": ""}
    rows[1] |= {"Debit": "", "Credit": "+0000000100,00"}
    rows[3] |= {"Debit": "-0000000120,00", "Credit": "0000000000,00"}  # a negative debit
    rows[4] |= {"Debit": "120", "Credit": "0"}
    rows[5] |= {"Debit": "240.0"}  # a decimal point is unambiguous without thousand separators
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    assert [str(e.amount) for e in fec.entries] == [
        "120.00",
        "-120.00",
        "240.00",
        "-24.00",
        "50.00",
    ]
    assert fec.warnings == []


@pytest.mark.parametrize(
    ("debit_sens", "credit_sens"), [("D", "C"), ("d", "c"), ("+1", "-1"), ("1", "-1")]
)
def test_montant_and_sens(
    tmp_path: Path, canonical: FecFile, debit_sens: str, credit_sens: str
) -> None:
    columns = [c for c in STANDARD_COLUMNS if c not in ("Debit", "Credit")]
    columns[11:11] = ["Montant", "Sens"]
    rows = []
    for row in ROWS:
        debit, credit = row["Debit"], row["Credit"]
        is_debit = debit != "0,00"
        rows.append(
            row | {"Montant": debit if is_debit else credit,
                   "Sens": debit_sens if is_debit else credit_sens}
        )  # fmt: skip
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows, columns))
    assert summary(fec) == summary(canonical)
    assert fec.columns == columns


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(["DateRglt", "ModeRglt", "NatOp"], id="21-columns"),
        pytest.param(["DateRglt", "ModeRglt", "NatOp", "IdClient"], id="22-columns"),
        pytest.param(["MaColonne", "Autre"], id="unknown-columns"),
    ],
)
def test_extra_columns_are_kept_and_ignored(
    tmp_path: Path, canonical: FecFile, extra: list[str]
) -> None:
    columns = [*STANDARD_COLUMNS, *extra]
    rows = [
        r | {"ModeRglt": "VIR", "MaColonne": "x|y", "DateRglt": r["EcritureDate"]} for r in ROWS
    ]
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows, columns))
    assert fec.columns == columns
    assert summary(fec) == summary(canonical)
    expected_method = "VIR" if "ModeRglt" in extra else ""
    assert {e.payment_method for e in fec.entries} == {expected_method}


def test_header_names_are_case_insensitive(tmp_path: Path, canonical: FecFile) -> None:
    columns = [c.upper() if i % 2 else c.lower() for i, c in enumerate(STANDARD_COLUMNS)]
    columns[16:18] = ["MontantDevise", "IDevise"]
    rows = [
        {c2: r.get(c, "") for c, c2 in zip(STANDARD_COLUMNS, columns, strict=True)} for r in ROWS
    ]
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows, columns))
    assert fec.columns == columns
    assert summary(fec) == summary(canonical)


@pytest.mark.parametrize("name", ["DateEcheance", "DateEch", "Echeance", "DateÉchéance"])
def test_due_date_column(tmp_path: Path, name: str) -> None:
    rows = [dict(r) for r in ROWS]
    rows[0][name] = "20240331"
    rows[3][name] = "20240220"
    rows[5][name] = "00000000"  # no date: falls back to the inferred due date
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows, [*STANDARD_COLUMNS, name]))
    assert [e.due_date for e in fec.entries] == [
        date(2024, 3, 31),
        date(2024, 2, 20),
        date(2024, 3, 31),
        date(2024, 3, 4),
        date(2024, 1, 14),
    ]


def test_foreign_currency(tmp_path: Path) -> None:
    rows = [dict(r) for r in ROWS]
    rows[0] |= {"Idevise": "usd", "Montantdevise": "130,50"}
    rows[3] |= {"Idevise": "USD", "Montantdevise": "130,50"}
    rows[5] |= {"Idevise": "EUR", "Montantdevise": "240,00"}
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    assert [(e.currency, e.amount_currency) for e in fec.entries[:3]] == [
        ("USD", Decimal("130.50")),
        ("USD", Decimal("-130.50")),
        ("", None),
    ]


def test_lettering_code_without_date_is_still_lettered(tmp_path: Path) -> None:
    rows = [dict(r) for r in ROWS]
    rows[0]["DateLet"] = ""
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    entry = fec.entries[0]
    assert entry.lettered and entry.lettering_code == "A" and entry.lettering_date is None


@pytest.mark.parametrize(
    ("code", "lib", "carried"),
    [
        ("AN", "OD54", True),
        ("an", "Journal", True),
        ("RAN", "Reprise", True),
        ("AD", "A Nouveaux Détaillés", True),
        ("OD", "à-nouveaux", True),
        ("OD", "Report à nouveau", True),
        ("VE", "Ventes", False),
        ("ANA", "Analytique", False),
    ],
)
def test_carried_forward_journals(tmp_path: Path, code: str, lib: str, carried: bool) -> None:
    rows = [r | {"JournalCode": code, "JournalLib": lib} for r in ROWS]
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    assert {e.carried_forward for e in fec.entries} == {carried}


def test_warnings(tmp_path: Path) -> None:
    rows = [dict(r) for r in ROWS]
    rows[9] |= {"CompteNum": "41100000", "CompAuxNum": ""}  # line 11
    rows[1] |= {"Debit": "5,00", "Credit": "105,00"}  # line 3, still balanced
    rows[3] |= {"Credit": "100,00"}  # lettering group C001/A now nets to 20, file unbalanced
    fec = read_fec(write_fec(tmp_path / "export.txt", rows))
    assert (fec.siren, fec.closing_date, fec.company.name) == ("", None, "export")
    assert fec.warnings == [
        "the file name does not follow <SIREN>FEC<AAAAMMJJ>: no SIREN nor closing date",
        "1 line(s) on the collective account 41100000 have no CompAuxNum (balance 24.00, first "
        "at line 11): they go to one customer 'Clients divers' (41100000)",
        "1 line(s) have both a Debit and a Credit; their amount is Debit - Credit "
        "(first at line 3)",
        "1 entry does not balance (debit - credit by JournalCode and EcritureNum): BQ 2 from "
        "line 5 (20.00)",
        "the file does not balance: debits - credits = 20.00",
        "1 lettering group(s) on customer accounts do not net to zero (partial lettering?): C001/A",
    ]
    # The line without CompAuxNum is an entry of the collective account's catch-all customer.
    assert len(fec.entries) == 6
    assert (fec.entries[4].customer_key, fec.entries[4].amount) == ("41100000", Decimal("24.00"))
    assert ("41100000", "Clients divers") in [(c.key, c.name) for c in fec.customers]


def test_entry_number_only_when_numeric(tmp_path: Path) -> None:
    rows = [r | {"EcritureNum": "VE-001"} for r in ROWS]
    fec = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    assert {e.entry_no for e in fec.entries} == {None}


def test_keys_change_with_content_and_duplicates_get_distinct_keys(
    tmp_path: Path, canonical: FecFile
) -> None:
    rows = [dict(r) for r in ROWS]
    rows[5]["Debit"] = "241,00"
    rows[6]["Credit"] = "201,00"
    changed = read_fec(write_fec(tmp_path / CANONICAL_NAME, rows))
    keys = [e.key for e in canonical.entries]
    assert [e.key for e in changed.entries] == keys[:2] + [changed.entries[2].key] + keys[3:]
    assert changed.entries[2].key != keys[2]

    doubled = read_fec(write_fec(tmp_path / CANONICAL_NAME, ROWS + ROWS))
    assert len({e.key for e in doubled.entries}) == 10
    assert [e.key for e in doubled.entries[:5]] == keys  # first occurrences keep their keys


def test_a_large_file_parses_whole(tmp_path: Path) -> None:
    rows = []
    for i in range(50_000):
        for row in ROWS[:3]:
            rows.append(row | {"Debit": f"{i},{i % 100:02d}"} if row["Debit"] != "0,00" else row)
    path = write_fec(tmp_path / CANONICAL_NAME, rows, sep="|", trailing=True, pad=13)
    fec = read_fec(path)
    assert fec.line_count == 150_000 and len(fec.entries) == 50_000
    assert len({e.key for e in fec.entries}) == 50_000


def test_lettering_a_line_later_keeps_its_key(tmp_path: Path) -> None:
    open_rows = [
        row | {"EcritureLet": "", "DateLet": ""} if i == 0 else row for i, row in enumerate(ROWS)
    ]
    before = read_fec(write_fec(tmp_path / CANONICAL_NAME, open_rows))
    after = read_fec(write_fec(tmp_path / CANONICAL_NAME, ROWS))
    assert [e.key for e in after.entries] == [e.key for e in before.entries]
    changed = [
        (a.lettered, b.lettered)
        for a, b in zip(after.entries, before.entries, strict=True)
        if a != b
    ]
    assert changed == [(True, False)]


# --- errors -------------------------------------------------------------------------------------


def read_error(path: Path) -> FecError:
    with pytest.raises(FecError) as caught:
        read_fec(path)
    return caught.value


def with_change(index: int, **values: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in ROWS]
    rows[index] |= values
    return rows


@pytest.mark.parametrize(
    ("index", "column", "value", "message"),
    [
        (3, "Debit", "12,3x", "'12,3x' is not an amount"),
        (4, "Credit", "1 200,00", "'1 200,00' is not an amount"),
        (4, "Credit", "6.000", "'6.000' is ambiguous: write 6000,00 or 6,00"),
        (4, "Credit", "1.234", "'1.234' is ambiguous: write 1234,00"),
        (4, "Credit", "12,340", "'12,340' is ambiguous: write 12340,00 or 12,34"),
        (4, "Credit", "12.34,56", "'12.34,56' is not an amount"),
        (4, "Credit", "1,234.567,89", "'1,234.567,89' is not an amount"),
        (
            4,
            "Credit",
            "10000000000000,00",
            "'10000000000000,00' is too large (at most 9999999999999,99)",
        ),
        (6, "EcritureDate", "00010101", "'00010101' is out of range (years 1900 to 2100)"),
        (6, "EcritureDate", "19000101", "'19000101' means no date; the posting date is required"),
        (6, "PieceDate", "99991231", "'99991231' is out of range (years 1900 to 2100)"),
        (6, "JournalCode", " ", "is empty"),
        (6, "EcritureNum", "", "is empty"),
        (4, "Credit", "1e3", "'1e3' is not an amount"),
        (4, "Credit", "12,345", "'12,345' has more than 2 decimals"),
        (6, "EcritureDate", "2024-03-01", "'2024-03-01' is not a date in the AAAAMMJJ format"),
        (6, "EcritureDate", "20240231", "'20240231' is not a valid date"),
        (6, "EcritureDate", "", "is empty"),
        (7, "DateLet", "2024031", "'2024031' is not a date in the AAAAMMJJ format"),
        (8, "ValidDate", "01/03/2024", "'01/03/2024' is not a date in the AAAAMMJJ format"),
        (9, "CompteNum", "  ", "is empty"),
        (10, "Montantdevise", "abc", "'abc' is not an amount"),
    ],
)
def test_bad_values_name_the_line_and_column(
    tmp_path: Path, index: int, column: str, value: str, message: str
) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME, with_change(index, **{column: value}), sep="|")
    error = read_error(path)
    assert str(error) == f"{CANONICAL_NAME}, line {index + 2}, column {column}: {message}"
    assert (error.path, error.line, error.column, error.message) == (
        path,
        index + 2,
        column,
        message,
    )
    assert isinstance(error, ValueError)


def test_error_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME, with_change(5, Debit="x"), eol="\r\r\n")
    assert read_error(path).line == 7
    text = path.read_bytes().replace(b"\r\r\n", b"\r\n\r\n", 2)  # two blank lines after line 1
    path.write_bytes(text)
    error = read_error(path)
    assert (error.line, error.column) == (9, "Debit")


def test_short_line_names_the_first_missing_column(tmp_path: Path) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME)
    lines = path.read_text().split("\n")
    lines[4] = "\t".join(lines[4].split("\t")[:16])
    path.write_text("\n".join(lines))
    assert str(read_error(path)) == (
        f"{CANONICAL_NAME}, line 5, column Montantdevise: expected 18 fields, found 16"
    )


def test_long_line(tmp_path: Path) -> None:
    rows = with_change(2, EcritureLib="TVA | 20 %", Idevise="EUR")
    path = write_fec(tmp_path / CANONICAL_NAME, rows, sep="|")
    assert str(read_error(path)) == (
        f"{CANONICAL_NAME}, line 4: expected 18 fields, found 19 (is there a '|' inside a field?)"
    )


def test_trailing_separator_field_must_be_empty(tmp_path: Path) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME, sep="|", trailing=True)
    lines = path.read_text().split("\n")
    lines[6] += "oops"
    path.write_text("\n".join(lines))
    assert str(read_error(path)) == (
        f"{CANONICAL_NAME}, line 7: expected 18 fields, found 19 (is there a '|' inside a field?)"
    )


@pytest.mark.parametrize("missing", ["Idevise", "EcritureDate", "CompAuxNum"])
def test_missing_column(tmp_path: Path, missing: str) -> None:
    columns = [c for c in STANDARD_COLUMNS if c != missing]
    path = write_fec(tmp_path / CANONICAL_NAME, columns=columns)
    assert (
        str(read_error(path))
        == f"{CANONICAL_NAME}, line 1, column {missing}: missing in the header"
    )


def test_missing_amount_columns(tmp_path: Path) -> None:
    columns = [c for c in STANDARD_COLUMNS if c != "Credit"]
    error = read_error(write_fec(tmp_path / CANONICAL_NAME, columns=columns))
    assert (error.line, error.column) == (1, "Credit")
    assert error.message == "missing in the header (or Montant and Sens)"


def test_duplicate_column(tmp_path: Path) -> None:
    columns = [*STANDARD_COLUMNS, "debit"]
    error = read_error(write_fec(tmp_path / CANONICAL_NAME, columns=columns))
    assert str(error) == f"{CANONICAL_NAME}, line 1, column debit: appears twice in the header"


def test_bad_sens(tmp_path: Path) -> None:
    columns = [c if c != "Debit" else "Montant" for c in STANDARD_COLUMNS]
    columns[columns.index("Credit")] = "Sens"
    rows = [r | {"Montant": "10,00", "Sens": "D"} for r in ROWS]
    rows[2]["Sens"] = "X"
    error = read_error(write_fec(tmp_path / CANONICAL_NAME, rows, columns))
    assert str(error) == f"{CANONICAL_NAME}, line 4, column Sens: 'X' is not D, C, +1, 1 or -1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\r\n  \n", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (
            "\t".join(STANDARD_COLUMNS).encode() + b"\r\n\r\n",
            "the file has a header but no entries",
        ),
        (b"\xff\xfeJ\x00o\x00", "UTF-16 is not supported; save the file as UTF-8 or ISO-8859-15"),
    ],
)
def test_empty_and_header_only_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / CANONICAL_NAME
    path.write_bytes(content)
    assert str(read_error(path)) == f"{CANONICAL_NAME}: {message}"


def test_not_a_fec_file(tmp_path: Path) -> None:
    path = write_fec(tmp_path / CANONICAL_NAME, sep=";")
    assert str(read_error(path)) == (
        f"{CANONICAL_NAME}, line 1: the separator must be a tab or '|', not ';'"
    )
    path.write_text("Nom,Montant\nDupont,12\n")
    assert "not a FEC header" in str(read_error(path))


def test_missing_file(tmp_path: Path) -> None:
    error = read_error(tmp_path / "absent.txt")
    assert str(error).startswith("absent.txt: cannot be read (")


def test_error_survives_pickling() -> None:
    error = FecError(Path("/x/f.txt"), 3, "Debit", "'a' is not an amount")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.line, copy.column, copy.message) == (
        Path("/x/f.txt"),
        3,
        "Debit",
        "'a' is not an amount",
    )
    assert str(copy) == str(error) == "f.txt, line 3, column Debit: 'a' is not an amount"
