"""The invariant through the FEC path: generated FEC files, imported, add up to the books.

Hypothesis writes random ledgers as real FEC files (the 18 columns, plus a DateEcheance column
when the file gives due dates; tab or pipe, French decimals, padded or not) and imports them with
`import_fec_file`, then, at random as-of dates D, checks for every customer that the residuals of
the open items add up to debit - credit of the customer's lines posted by D (the file's
carried-forward lines counted once), that the aging buckets add up to the same, and that the
reconciliation finds no gap.

The ledgers hold: invoices with split due dates, full and partial payments, credit notes,
lettering that nets to zero or not, lowercase (partial) lettering, lettering dated after D (and
after the file), fee lines, doubtful transfers to 416, lines of other class 41 accounts (419),
carried-forward lines (journal AN, on the first day), and three kinds of customers: auxiliary
accounts of 411, detailed general accounts (411DUPONT) and a bare collective 411 ("Clients
divers"). A ledger over two fiscal years may be cut into two files, the second opening with the
balances the first closes with, lettering across the two.

The expected figures are computed here from the generated lines, not through the reader.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from analytics.invariant_helpers import (
    assert_aging_adds_up,
    assert_reconciled,
    residuals_by_customer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.scope import Scope
from src_dash.services.fec_import import import_fec_file
from src_dash.sources.fec_format import STANDARD_COLUMNS

START = date(2025, 1, 1)  # first day of the first fiscal year (AN lines are dated so)
SPLIT = date(2026, 1, 1)  # first day of the second year
END = date(2026, 12, 31)
DAYS = (END - START).days
HEADER = list(STANDARD_COLUMNS)
JOURNALS = {"VE": "Ventes", "BQ": "Banque", "OD": "Operations diverses", "AN": "A nouveaux"}
# (general account, auxiliary account, name) of each kind of customer; the customer's number in
# the app is the auxiliary account, else the general account.
CUSTOMERS = [
    ("411000", "CALPHA", "Alpha SARL"),
    ("411000", "CBETA", "Beta SA"),
    ("411DUPONT", "", "DUPONT ET FILS"),
    ("4110012", "", "MARTIN SAS"),
    ("41100000", "", "CLIENTS"),
]
COUNTERPART = {"VE": ("706000", "Prestations"), "BQ": ("512000", "Banque"), "OD": ("708000", "")}
_companies = itertools.count(1)


@dataclass
class Line:
    """One customer line of a generated FEC (its counterpart is written with it)."""

    customer: int  # index into CUSTOMERS
    journal: str
    posted: date
    amount: int  # cents, debit +
    due: date | None = None
    code: str = ""
    lettered_on: date | None = None
    label: str = "Facture"
    doubtful: bool = False  # on 416 rather than 411
    entry: int = 0  # lines with the same entry number are one entry
    splits: list[tuple[int, date]] = field(default_factory=list)  # more lines, same entry

    @property
    def account(self) -> str:
        """The general account: the customer's, or its 416 twin for a doubtful line."""
        account, aux, _ = CUSTOMERS[self.customer]
        if self.doubtful:
            return "416000" if aux else account.replace("411", "416", 1)
        return account

    @property
    def key(self) -> str:
        """The customer's number in the app (a detailed 416 account is a customer of its own)."""
        return CUSTOMERS[self.customer][1] or self.account


def day(n: int) -> date:
    return START + timedelta(days=n)


cents = st.integers(min_value=1, max_value=3_000_000)


@st.composite
def story(draw: st.DrawFn, customer: int, code: str, split_column: bool) -> list[Line]:
    """An invoice and what happened to it."""
    amount = draw(cents)
    posted = day(draw(st.integers(min_value=0, max_value=DAYS - 1)))
    due = posted + timedelta(days=draw(st.sampled_from([0, 30, 45, 60])))
    invoice = Line(customer, "VE", posted, amount, due)
    lines = [invoice]
    if amount > 2 and draw(st.booleans()):  # split due dates
        part = draw(st.integers(min_value=1, max_value=amount - 1))
        if split_column:  # one entry, two 411 lines with their own DateEcheance
            invoice.amount = amount - part
            invoice.splits.append((part, due + timedelta(days=30)))
        else:  # no due-date column: two invoices
            invoice.amount = amount - part
            lines.append(Line(customer, "VE", posted, part, due + timedelta(days=30)))
    later = draw(st.integers(min_value=0, max_value=240))
    paid_on = min(posted + timedelta(days=later), END)
    kind = draw(
        st.sampled_from(
            [
                "open",
                "paid",
                "paid_lettered_late",
                "partial_lowercase",
                "lettered_difference",
                "lettered_alone",
                "credit_note",
                "credit_note_lettered",
                "unlettered_payment",
                "fee",
                "doubtful",
            ]
        )
    )
    if kind == "open":
        return lines
    if kind in ("paid", "paid_lettered_late"):
        # Lettered on the payment day, or long after it (after D, after the file's end).
        extra = 0 if kind == "paid" else draw(st.integers(min_value=1, max_value=500))
        lines.append(Line(customer, "BQ", paid_on, -amount, label="Reglement"))
        for line in lines:
            line.code, line.lettered_on = code, paid_on + timedelta(days=extra)
        return lines
    if kind == "partial_lowercase":
        part = draw(st.integers(min_value=1, max_value=amount))
        lines.append(Line(customer, "BQ", paid_on, -part, label="Acompte"))
        for line in lines:
            line.code, line.lettered_on = code.lower(), paid_on
        return lines
    if kind in ("lettered_difference", "lettered_alone"):
        if kind == "lettered_difference":  # lettered with a payment that does not match
            gap = draw(st.integers(min_value=-amount + 1, max_value=amount)) or 1
            lines.append(Line(customer, "BQ", paid_on, -(amount - gap), label="Reglement"))
        for line in lines:
            line.code, line.lettered_on = code, paid_on
        return lines
    if kind in ("credit_note", "credit_note_lettered"):
        note = draw(st.integers(min_value=1, max_value=amount))
        lines.append(Line(customer, "VE", paid_on, -note, paid_on, label="Avoir"))
        if kind == "credit_note_lettered":
            if note < amount:
                lines.append(Line(customer, "BQ", paid_on, -(amount - note), label="Reglement"))
            for line in lines:
                line.code, line.lettered_on = code, paid_on
        return lines
    if kind == "unlettered_payment":
        lines.append(Line(customer, "BQ", paid_on, -draw(cents), label="Virement"))
        return lines
    if kind == "fee":
        lines.append(Line(customer, "OD", paid_on, 4000, None, label="Indemnite forfaitaire"))
        return lines
    # Doubtful: the invoice moves from 411 to 416 (same customer), and may be paid there.
    moved = invoice.amount + sum(a for a, _ in invoice.splits)
    moved_on = paid_on
    lines.append(Line(customer, "OD", moved_on, -moved, moved_on, label="Transfert douteux"))
    lines.append(
        Line(customer, "OD", moved_on, moved, moved_on, label="Client douteux", doubtful=True)
    )
    if draw(st.booleans()):
        part = draw(st.integers(min_value=1, max_value=moved))
        pay = Line(customer, "BQ", moved_on, -part, label="Reglement douteux", doubtful=True)
        lines.append(pay)
    return lines


@dataclass
class Ledger:
    """A generated ledger: its customer lines, the opening lines of its first year, its files."""

    lines: list[Line]
    opening: list[Line]  # AN lines dated START
    two_files: bool
    split_column: bool
    separator: str
    padded: bool
    advances: list[tuple[date, int]]  # 419 lines (not customer entries)


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    split_column = draw(st.booleans())
    lines: list[Line] = []
    opening: list[Line] = []
    n = 0
    for customer in draw(
        st.lists(st.sampled_from(range(len(CUSTOMERS))), min_size=1, max_size=4, unique=True)
    ):
        for _ in range(draw(st.integers(min_value=0, max_value=5))):
            n += 1
            lines += draw(story(customer, f"A{n}", split_column))
        if draw(st.booleans()):  # opening lines of a year before, detailed or not
            for _ in range(draw(st.integers(min_value=1, max_value=2))):
                amount = draw(st.integers(min_value=-300_000, max_value=2_000_000)) or 1
                ran = Line(customer, "AN", START, amount, START, label="Report a nouveau")
                opening.append(ran)
                if amount > 0 and draw(st.booleans()):  # lettered with a payment of the year
                    n += 1
                    paid = day(draw(st.integers(min_value=0, max_value=DAYS - 1)))
                    pay = Line(customer, "BQ", paid, -amount, label="Reglement")
                    for line in (ran, pay):
                        line.code, line.lettered_on = f"R{n}", paid
                    lines.append(pay)
    # The first year has at least one ordinary line (a year without sales is no year).
    if not any(ln.posted < SPLIT for ln in lines):
        lines.append(Line(0, "VE", START, 12345, START + timedelta(days=30)))
    advances = [
        (day(d), a)
        for d, a in draw(
            st.lists(
                st.tuples(st.integers(0, DAYS - 1), st.integers(-500_000, 500_000)), max_size=2
            )
        )
        if a
    ]
    return Ledger(
        lines=lines,
        opening=opening,
        two_files=draw(st.booleans()),
        split_column=split_column,
        separator=draw(st.sampled_from(["\t", "|"])),
        padded=draw(st.booleans()),
        advances=advances,
    )


def _amount(cents_: int, padded: bool) -> str:
    text = f"{cents_ // 100},{cents_ % 100:02d}"
    return text.rjust(13, "0") if padded else text


def _fec_date(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def write_fec(
    path: Path, gen: Ledger, lines: list[Line], opening: list[Line], period: tuple[date, date]
) -> None:
    """Write one FEC file of these customer lines, each entry balanced by a counterpart line,
    with the ledger's 419 lines of the period."""
    header = HEADER + (["DateEcheance"] if gen.split_column else [])
    rows = [header]
    numbers = itertools.count(1)

    def row(
        journal: str,
        number: int,
        posted: date,
        account: str,
        account_name: str,
        aux: str,
        aux_name: str,
        label: str,
        amount: int,
        code: str = "",
        lettered_on: date | None = None,
        due: date | None = None,
    ) -> list[str]:
        debit, credit = (amount, 0) if amount >= 0 else (0, -amount)
        out = [
            journal,
            JOURNALS[journal],
            str(number),
            _fec_date(posted),
            account,
            account_name,
            aux,
            aux_name,
            f"P{number}",
            _fec_date(posted),
            label,
            _amount(debit, gen.padded),
            _amount(credit, gen.padded),
            code,
            _fec_date(lettered_on) if code else "",
            _fec_date(posted),
            "",
            "",
        ]
        if gen.split_column:
            out.append(_fec_date(due))
        return out

    def customer_rows(ln: Line, number: int) -> list[list[str]]:
        _, aux, name = CUSTOMERS[ln.customer]
        account = ln.account
        parts = [(ln.amount, ln.due), *ln.splits]
        return [
            row(
                ln.journal,
                number,
                ln.posted,
                account,
                "" if aux else name,
                aux,
                name if aux else "",
                ln.label,
                amount,
                ln.code,
                ln.lettered_on,
                due,
            )
            for amount, due in parts
        ]

    an_total = 0
    if opening:
        number = next(numbers)
        for ln in opening:
            rows += customer_rows(ln, number)
            an_total += ln.amount
        rows.append(
            row("AN", number, opening[0].posted, "110000", "Report", "", "", "RAN", -an_total)
        )
    for ln in sorted(lines, key=lambda x: x.posted):
        number = next(numbers)
        rows += customer_rows(ln, number)
        total = ln.amount + sum(a for a, _ in ln.splits)
        account, name = COUNTERPART[ln.journal]
        rows.append(row(ln.journal, number, ln.posted, account, name, "", "", ln.label, -total))
    for posted, amount in gen.advances:
        if not (period[0] <= posted <= period[1]):
            continue
        number = next(numbers)
        rows.append(row("BQ", number, posted, "419100", "Avances", "", "", "Acompte", -amount))
        rows.append(row("BQ", number, posted, "512000", "Banque", "", "", "Acompte", amount))
    path.write_text("\n".join(gen.separator.join(r) for r in rows) + "\n", encoding="utf-8")


def import_ledger(engine: Engine, gen: Ledger, code: str, folder: Path) -> None:
    """Write the ledger as one or two FEC files and import them into company `code`."""
    folder.mkdir(parents=True, exist_ok=True)
    if not gen.two_files:
        files = [(START, END, gen.lines, gen.opening)]
    else:
        first = [ln for ln in gen.lines if ln.posted < SPLIT]
        second = [ln for ln in gen.lines if ln.posted >= SPLIT]
        closing: dict[tuple[int, bool], int] = defaultdict(int)
        for ln in gen.opening + first:
            closing[ln.customer, ln.doubtful] += ln.amount + sum(a for a, _ in ln.splits)
        # The second year opens with each account's closing balance, one line per account.
        reopened = [
            Line(c, "AN", SPLIT, total, SPLIT, label="Report a nouveau", doubtful=doubtful)
            for (c, doubtful), total in sorted(closing.items())
            if total
        ]
        files = [(START, SPLIT - timedelta(days=1), first, gen.opening)]
        if second or reopened:
            files.append((SPLIT, END, second, reopened))
    for first_day, closing_day, lines, opening in files:
        path = folder / f"123456789FEC{closing_day:%Y%m%d}.txt"
        write_fec(path, gen, lines, opening, (first_day, closing_day))
        outcome = import_fec_file(engine, path, code, confirm_deletions=True)
        assert outcome.status == "ok", outcome.error
        file_total = sum(ln.amount + sum(a for a, _ in ln.splits) for ln in lines + opening)
        assert outcome.receivable_balance == Decimal(file_total).scaleb(-2)
        assert outcome.entries == sum(1 + len(ln.splits) for ln in lines + opening)


def expected(gen: Ledger, as_of: date) -> dict[str, int]:
    """Debit - credit per customer number of the lines posted by as_of, the opening once."""
    totals: dict[str, int] = defaultdict(int)
    for ln in gen.opening + gen.lines:
        if ln.posted <= as_of:
            totals[ln.key] += ln.amount + sum(a for a, _ in ln.splits)
    return {k: v for k, v in totals.items() if v}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    gen=ledgers(),
    as_of_days=st.lists(st.integers(min_value=-30, max_value=DAYS + 120), min_size=1, max_size=3),
)
def test_imported_fec_open_items_add_up_to_the_balance(
    store: Engine, tmp_path: Path, gen: Ledger, as_of_days: list[int]
) -> None:
    code = f"F{next(_companies)}"
    clear_cache()
    import_ledger(store, gen, code, tmp_path / code)
    ledger = get_ledger(store)
    company_id = int(ledger.companies.filter(pl.col("code") == code)["company_id"][0])
    numbers = dict(
        ledger.customers.filter(pl.col("company_id") == company_id)
        .select("customer_id", "number")
        .iter_rows()
    )
    names = dict(
        ledger.customers.filter(pl.col("company_id") == company_id)
        .select("number", "name")
        .iter_rows()
    )
    if "41100000" in names:
        assert names["41100000"] == "Clients divers"
    # The last day of the ledger is always checked: the source's own balance is comparable then.
    for as_of in [day(n) for n in as_of_days] + [END]:
        items = ledger.view(as_of).open_items.filter(pl.col("company_id") == company_id)
        got = residuals_by_customer(items, numbers)
        want = expected(gen, as_of)
        assert got == want, as_of
        total = Decimal(sum(want.values())).scaleb(-2)
        assert_aging_adds_up(store, Scope(company_ids=frozenset({company_id})), as_of, total)
        assert_reconciled(store, code, as_of, total, source_known=as_of >= END)
