"""The result of reading a FEC file: its `FecFile`, and the warnings that go with it.

A warning is what did not stop the reading but changes what the numbers mean: no SIREN in the
file name, thousands separators, collective accounts without auxiliary accounts, lines left
out, suspect customers, lines with both a debit and a credit, unbalanced entries or file,
copies of earlier lines, lettering groups that do not net to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from src_dash.money import ZERO
from src_dash.sources.fec_accounts import ExcludedLines, looks_like_cash_bucket
from src_dash.sources.fec_format import parse_file_name
from src_dash.sources.fec_reading import ReaderBase, entry_name
from src_dash.sources.records import CompanyInfo, CustomerRecord, EntryRecord

_FILE_NAME_HINT = "<SIREN>FEC<AAAAMMJJ>"
# Exact copies of earlier lines above this share of the file are worth a warning; a few are
# normal (two identical lines of one entry).
_DUPLICATE_SHARE = 0.05
_SHOWN = 5

# What the line copies say: copies, first copy, (start, end) of a run of copies, sampled.
Duplicates = tuple[int, int, tuple[int, int], bool]


def _cents_text(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


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


class FecResult(ReaderBase):
    """Assembles the `FecFile` of a reading and its warnings."""

    def result(
        self,
        encoding: str,
        separator: str,
        names: list[str],
        line_count: int,
        period_start: date,
        period_end: date,
        balance: int,
        duplicates: Duplicates,
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
        duplicates: Duplicates,
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
        out += self._collective_warnings()
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
        out += self._entry_warnings()
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

    def _entry_warnings(self) -> list[str]:
        """Entries whose lines do not net to zero, and a last entry cut off."""
        out: list[str] = []
        firsts = self.entry_firsts
        unbalanced = sorted((firsts[k], k, c) for k, c in self.entry_sums.items() if c)
        if unbalanced:
            shown = [f"{entry_name(k)} from line {f} ({_cents_text(c)})" for f, k, c in unbalanced]
            out.append(
                f"{len(unbalanced)} entr{'y does' if len(unbalanced) == 1 else 'ies do'} not "
                f"balance (debit - credit by JournalCode and EcritureNum): {_listed(shown)}"
            )
            if self.entry_sums.get(self.last_entry):
                out.append(
                    f"the last entry of the file ({entry_name(self.last_entry)}, from line "
                    f"{firsts[self.last_entry]}) does not balance: were the last lines of the "
                    "file cut off?"
                )
        return out

    def _collective_warnings(self) -> list[str]:
        """Collective accounts whose lines without CompAuxNum make one customer."""
        out: list[str] = []
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
        return out
