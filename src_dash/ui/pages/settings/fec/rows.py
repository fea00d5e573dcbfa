"""The FEC upload's rows: the preview of a file (totals, accounts, what is left out) and the texts
of an import (no Reflex).
"""

from __future__ import annotations

import dataclasses

from src_dash.services.fec_upload import (
    FecImported,
    FecPreview,
)
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats

UPLOAD_ID = "fec-upload"
CURRENCY = "EUR"  # FEC files are kept in euros (the reader's companies are EUR)


@dataclasses.dataclass
class ExcludedRow:
    """Lines of class 41 left out for one reason, formatted."""

    reason: str = ""
    label: str = ""
    accounts: str = ""
    figures: str = ""


@dataclasses.dataclass
class AccountRow:
    """An account the admin may mark "not a customer" (`AccountChoice`'s fields), formatted."""

    key: str = ""
    name: str = ""
    balance: str = ""
    suspect: bool = False
    kept: bool = False
    chosen: bool = False


@dataclasses.dataclass
class PreviewView:
    """The preview of an import, formatted for the page."""

    file: str = ""
    period: str = ""
    company: str = ""
    new_company: bool = False
    customers: str = ""
    entry_count: str = ""
    balance: str = ""
    excluded: list[ExcludedRow] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    accounts: list[AccountRow] = dataclasses.field(default_factory=list)
    changes: str = ""
    new_customers: str = ""
    deletions: int = 0
    deletions_text: str = ""


def _reason_label(reason: str, lang: str) -> str:
    key = f"set.fec.reason.{reason}"
    return i18n.text(key, lang) if key in i18n.CATALOG[i18n.normalise_lang(lang)] else reason


def preview_view(preview: FecPreview, fmt: Formats) -> PreviewView:
    """A preview in the viewer's formats."""
    lang, out = fmt.lang, preview.outcome
    changes = out.changes
    start, end = out.period
    n = changes.deleted
    return PreviewView(
        file=i18n.text("set.fec.file_value", lang).format(
            file=out.file, lines=fmt.count(out.lines), encoding=out.encoding
        ),
        period=i18n.text("set.fec.period_value", lang).format(
            start=fmt.day(start), end=fmt.day(end)
        ),
        company=i18n.text("set.fec.into_new", lang).format(code=preview.company)
        if preview.new_company
        else f"{preview.company} · {preview.company_name}",
        new_company=preview.new_company,
        customers=fmt.count(out.customers),
        entry_count=fmt.count(out.entries),
        balance=fmt.money(out.receivable_balance, CURRENCY),
        excluded=[
            ExcludedRow(
                reason=e.reason,
                label=_reason_label(e.reason, lang),
                accounts=", ".join(e.accounts),
                figures=i18n.text("set.fec.excluded_row", lang).format(
                    lines=fmt.count(e.lines), amount=fmt.money(e.amount, CURRENCY)
                ),
            )
            for e in out.excluded
        ],
        warnings=list(out.warnings),
        accounts=[
            AccountRow(**{**dataclasses.asdict(a), "balance": fmt.money(a.balance, CURRENCY)})
            for a in preview.accounts
        ],
        changes=i18n.text("set.fec.changes_value", lang).format(
            added=fmt.count(changes.added),
            changed=fmt.count(changes.changed),
            deleted=fmt.count(n),
            unchanged=fmt.count(changes.unchanged),
        ),
        new_customers=i18n.text("set.fec.new_customers", lang).format(
            n=fmt.count(changes.new_customers)
        ),
        deletions=n,
        deletions_text=i18n.text("set.fec.confirm_deletion", lang)
        if n == 1
        else i18n.text("set.fec.confirm_deletions", lang).format(n=fmt.count(n)),
    )


def imported_texts(done: FecImported, fmt: Formats) -> tuple[str, str, bool]:
    """(what was imported, the reconciliation, whether it is clean) in the viewer's words."""
    lang, run, out = fmt.lang, done.run, done.outcome
    said = i18n.text("set.fec.done", lang).format(
        file=out.file,
        code=out.company,
        added=fmt.count(run.added),
        changed=fmt.count(run.changed),
        deleted=fmt.count(run.deleted),
    )
    found = done.reconciliation
    if found is None:
        return said, "", True
    source = found.source_total if found.source_total is not None else found.books_total
    key = "set.fec.recon_ok" if found.ok else "set.fec.recon_gap"
    recon = i18n.text(key, lang).format(
        gap=fmt.money(found.difference, CURRENCY),
        n=fmt.count(found.customers_differing),
        source=fmt.money(source, CURRENCY),
        app=fmt.money(found.app_total, CURRENCY),
    )
    if not found.ok:
        gaps = [
            f"{g.number} {g.name}: {fmt.money(g.difference, CURRENCY)}" for g in found.customers[:5]
        ]
        recon = "\n".join([recon, *gaps])
    return said, recon, found.ok
