"""What a customer is in a FEC: every class 41 line is a customer entry or counted out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from src_dash.sources.fec import FecError, FecFile, read_fec
from src_dash.sources.fec_accounts import (
    EXCLUSION_REASONS,
    ExcludedLines,
    account_kind,
    is_detailed,
    looks_like_cash_bucket,
)

HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise"
)
NAME = "123456789FEC20241231.txt"


def write(tmp_path: Path, rows: list[tuple[str, str, str, str, str, str]]) -> Path:
    """A FEC with one entry per row: (account, label, aux, aux label, debit, credit) on the
    customer side, balanced by a sales (706) line."""
    lines = [HEADER]
    for n, (account, account_lib, aux, aux_lib, debit, credit) in enumerate(rows, 1):
        lines.append(
            f"VE|Ventes|{n}|20240110|{account}|{account_lib}|{aux}|{aux_lib}|F{n}|20240110|"
            f"Ligne {n}|{debit}|{credit}|||||"
        )
        lines.append(
            f"VE|Ventes|{n}|20240110|70600000|Ventes|||F{n}|20240110|Ligne {n}|{credit}|{debit}"
            "|||||"
        )
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("account", "detailed"),
    [
        ("411", False),
        ("411000", False),
        ("41100000", False),
        ("411100000", False),
        ("4111", False),
        ("41120000", False),
        ("4160000", False),
        ("4110012", True),
        ("411000123", True),
        ("41101590", True),
        ("411DUPONT", True),
        ("416DUPONT", True),
        ("4110100", True),
    ],
)
def test_detailed_accounts(account: str, detailed: bool) -> None:
    assert is_detailed(account) is detailed


@pytest.mark.parametrize(
    ("account", "kind"),
    [
        ("41100000", (True, "411")),
        ("411DUPONT", (True, "411")),
        ("41600000", (True, "416")),
        ("41300000", (False, "bills_receivable")),
        ("41810000", (False, "unbilled_receivables")),
        ("41910000", (False, "customer_advances")),
        ("4191", (False, "customer_advances")),
        ("41000000", (False, "other_class_41")),
        ("41700000", (False, "other_class_41")),
    ],
)
def test_account_kinds(account: str, kind: tuple[bool, str]) -> None:
    assert account_kind(account) == kind
    if not kind[0]:
        assert kind[1] in EXCLUSION_REASONS


@pytest.mark.parametrize(
    ("name", "bucket"),
    [
        ("RECETTE CB", True),
        ("RECETTES VIREMENT", True),
        ("Recette espèces", True),
        ("CAISSE", True),
        ("Espèces", True),
        ("CB", True),
        ("Paiements CB", True),
        ("Carte bancaire", True),
        ("CARTES BANCAIRES", True),
        ("Clients divers", True),
        ("DIVERS", True),
        ("Ventes comptoir", True),
        ("Clients de passage", True),
        ("Dupont SA", False),
        ("CBRE France", False),
        ("Comptoir des vins", False),
        ("Caissel SARL", False),
        ("Divertissements Martin", False),
        ("Passage du Nord", False),
    ],
)
def test_cash_bucket_names(name: str, bucket: bool) -> None:
    assert looks_like_cash_bucket(name) is bucket


ROWS = [
    ("41100000", "Clients", "C001", "Martin SARL", "100,00", "0,00"),  # line 2
    ("41600000", "Clients douteux", "C001", "Martin SARL", "40,00", "0,00"),  # line 4
    ("4110099", "DUPONT SA", "", "", "250,00", "0,00"),  # line 6
    ("411DURAND", "Durand et fils", "", "", "0,00", "30,00"),  # line 8
    ("41100000", "Clients", "", "", "12,50", "0,00"),  # line 10: collective, no aux
    ("41810000", "Factures à établir", "", "", "500,00", "0,00"),  # line 12
    ("41910000", "Avances reçues", "C001", "Martin SARL", "0,00", "75,00"),  # line 14
    ("41910000", "Avances reçues", "C002", "Bernard", "0,00", "25,00"),  # line 16
    ("4191", "Avances", "", "", "0,00", "5,00"),  # line 18
    ("41300000", "Effets à recevoir", "", "", "60,00", "0,00"),  # line 20
    ("41000000", "Clients ?", "", "", "7,00", "0,00"),  # line 22
    ("41100000", "Clients", "C003", "RECETTE CB", "9,00", "0,00"),  # line 24
]


@pytest.fixture
def fec(tmp_path: Path) -> FecFile:
    return read_fec(write(tmp_path, ROWS))


def test_customers_are_aux_accounts_detailed_accounts_and_one_catch_all(fec: FecFile) -> None:
    assert [(c.key, c.name) for c in fec.customers] == [
        ("41100000", "Clients divers"),
        ("4110099", "DUPONT SA"),
        ("411DURAND", "Durand et fils"),
        ("C001", "Martin SARL"),
        ("C003", "RECETTE CB"),
    ]
    assert [(e.customer_key, e.account, e.amount, e.doubtful) for e in fec.entries] == [
        ("C001", "41100000", Decimal("100.00"), False),
        ("C001", "41600000", Decimal("40.00"), True),
        ("4110099", "4110099", Decimal("250.00"), False),
        ("411DURAND", "411DURAND", Decimal("-30.00"), False),
        ("41100000", "41100000", Decimal("12.50"), False),
        ("C003", "41100000", Decimal("9.00"), False),
    ]
    assert fec.customer_balances == {
        "41100000": Decimal("12.50"),
        "4110099": Decimal("250.00"),
        "411DURAND": Decimal("-30.00"),
        "C001": Decimal("140.00"),
        "C003": Decimal("9.00"),
    }
    assert fec.receivable_balance == Decimal("381.50")
    assert fec.suspect_customers == ["C003"]


def test_the_rest_of_class_41_is_counted_out_by_reason(fec: FecFile) -> None:
    assert fec.excluded == [
        ExcludedLines("unbilled_receivables", ("41810000",), 1, Decimal("500.00"), 12),
        ExcludedLines("customer_advances", ("4191", "41910000"), 3, Decimal("-105.00"), 14),
        ExcludedLines("bills_receivable", ("41300000",), 1, Decimal("60.00"), 20),
        ExcludedLines("other_class_41", ("41000000",), 1, Decimal("7.00"), 22),
    ]
    class_41 = sum(Decimal(d.replace(",", ".")) - Decimal(c.replace(",", ".")) for *_, d, c in ROWS)
    assert fec.receivable_balance + sum(e.amount for e in fec.excluded) == class_41
    assert fec.excluded[1].as_dict() == {
        "reason": "customer_advances",
        "description": EXCLUSION_REASONS["customer_advances"],
        "accounts": ["4191", "41910000"],
        "lines": 3,
        "amount": "-105.00",
        "first_line": 14,
    }


def test_warnings_say_what_was_gathered_left_out_and_suspected(fec: FecFile) -> None:
    assert fec.warnings == [
        "1 line(s) on the collective account 41100000 have no CompAuxNum (balance 12.50, first "
        "at line 10): they go to one customer 'Clients divers' (41100000)",
        "1 line(s) on 41810000 are not customer entries: 418: receivables not yet invoiced "
        "(factures à établir) (balance 500.00, first at line 12)",
        "3 line(s) on 4191, 41910000 are not customer entries: 419: advances, deposits and "
        "credits owed to customers (avances reçues) (balance -105.00, first at line 14)",
        "1 line(s) on 41300000 are not customer entries: 413: bills of exchange receivable "
        "(effets à recevoir) (balance 60.00, first at line 20)",
        "1 line(s) on 41000000 are not customer entries: other accounts of class 41 that are "
        "not receivables (balance 7.00, first at line 22)",
        "1 customer(s) look like accounts of cash receipts rather than customers: C003 (RECETTE "
        "CB); they are imported: set them aside as not customers if they are not",
    ]


def test_not_customers_are_left_out_and_counted(tmp_path: Path) -> None:
    fec = read_fec(write(tmp_path, ROWS), not_customers=frozenset({"C003", "4110099"}))
    assert "C003" not in fec.customer_balances and "4110099" not in fec.customer_balances
    assert fec.excluded[0] == ExcludedLines(
        "not_a_customer", ("4110099", "C003"), 2, Decimal("259.00"), 6
    )
    assert fec.receivable_balance == Decimal("122.50")
    assert fec.suspect_customers == []


def test_a_ledger_without_aux_accounts_is_one_customer(tmp_path: Path) -> None:
    rows = [
        ("411", "CLIENTS", "", "", "100,00", "0,00"),
        ("411", "CLIENTS", "", "", "0,00", "40,00"),
        ("416", "CLIENTS DOUTEUX", "", "", "8,00", "0,00"),
    ]
    fec = read_fec(write(tmp_path, rows))
    assert [(c.key, c.name) for c in fec.customers] == [
        ("411", "Clients divers"),
        ("416", "Clients douteux divers"),
    ]
    assert fec.warnings == [
        "the collective account 411 has no auxiliary accounts: its 2 line(s) (balance 60.00, "
        "first at line 2) are one customer 'Clients divers' (411)",
        "the collective account 416 has no auxiliary accounts: its 1 line(s) (balance 8.00, "
        "first at line 6) are one customer 'Clients douteux divers' (416)",
    ]
    assert [e.doubtful for e in fec.entries] == [False, False, True]
    assert fec.suspect_customers == []  # said by the warnings above already


def test_a_customer_number_longer_than_the_store_keeps_is_refused(tmp_path: Path) -> None:
    long = "411" + "X" * 18
    with pytest.raises(FecError) as caught:
        read_fec(write(tmp_path, [(long, "Client", "", "", "1,00", "0,00")]))
    assert (caught.value.line, caught.value.column) == (2, "CompteNum")
    assert caught.value.message.startswith(f"'{long}' is longer than 20 characters")
