"""Settings, companies tab: the upload of a FEC file, its preview, then its import.

A dropped file is kept and read whole, and nothing is imported yet: the preview says what the
file holds (period, customers, entries, receivable balance), what of class 41 is left out and
why, the reader's warnings, the accounts that look like cash-receipt buckets (each with a "not a
customer" box, ticked when kept for the company) and what the import would change. Ticking a box
runs the preview again; deletions need their own box; "Importer" imports with those choices and
shows the reconciliation that followed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx

from src_dash import clock
from src_dash.access import AccessDenied
from src_dash.services.admin import SettingsError
from src_dash.services.fec_upload import (
    DeletionsNotConfirmed,
    FecImported,
    FecPreview,
    confirm_fec,
    discard_fec,
    preview_fec,
    upload_fec,
)
from src_dash.sources.fec import FecError
from src_dash.store.engine import get_engine
from src_dash.sync import SyncError
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.settings.common import error_note, error_text, field, ok_note, section
from src_dash.ui.state import UiState

UPLOAD_ID = "fec-upload"
CURRENCY = "EUR"  # FEC files are kept in euros (the reader's companies are EUR)
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class ExcludedRow:
    """Lines of class 41 left out for one reason, formatted."""

    reason: str = ""
    label: str = ""
    accounts: str = ""
    figures: str = ""


@dataclasses.dataclass
class AccountRow:
    """An account the admin may mark "not a customer", formatted."""

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
            AccountRow(
                key=a.key,
                name=a.name,
                balance=fmt.money(a.balance, CURRENCY),
                suspect=a.suspect,
                kept=a.kept,
                chosen=a.chosen,
            )
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


class FecState(rx.State):
    """The FEC upload: the company code, the preview of the kept file, the outcome."""

    fec_code: str = ""
    error: str = ""
    done: str = ""
    recon: str = ""
    recon_ok: bool = True
    reading: bool = False  # a file is being read (upload or a new preview)
    importing: bool = False

    has_preview: bool = False
    preview: PreviewView = PreviewView()
    company_name: str = ""
    confirm_deletions: bool = False
    _upload: str = ""  # the kept file (as the service named it), never sent to the browser
    _chosen: list[str] = []

    def _clear_preview(self) -> None:
        self.has_preview, self.preview, self._upload, self._chosen = False, PreviewView(), "", []
        self.confirm_deletions, self.company_name = False, ""

    def _show(self, preview: FecPreview, fmt: Formats, keep_name: bool = False) -> None:
        self._upload = preview.upload
        self._chosen = list(preview.outcome.not_customers)
        self.preview = preview_view(preview, fmt)
        if not keep_name:
            self.company_name = preview.company_name
        if not preview.deletions:
            self.confirm_deletions = False
        self.has_preview = True

    @rx.event
    def set_fec_code(self, value: str) -> None:
        """The company the next FEC file goes into."""
        self.fec_code = value

    @rx.event
    def set_company_name(self, value: str) -> None:
        """The name a new company gets."""
        self.company_name = value

    @rx.event
    def set_confirm_deletions(self, value: bool) -> None:
        """Accept (or not) that the import deletes entries the file no longer has."""
        self.confirm_deletions = bool(value)

    @rx.event
    async def drop_file(self, files: list[rx.UploadFile]):  # noqa: ANN201  (an event generator)
        """Keep the dropped file and show what importing it would do; nothing is imported."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        self.error = self.done = self.recon = ""
        if not files:
            return
        if self._upload:  # a new file replaces a preview left open
            await asyncio.to_thread(discard_fec, get_engine(), who, self._upload)
        self._clear_preview()
        upload = files[0]
        data = await upload.read()
        name = upload.name or "fec.txt"
        self.reading = True
        yield
        try:
            preview = await asyncio.to_thread(
                upload_fec, get_engine(), who, self.fec_code, name, data, None, clock.today()
            )
        except FecError as exc:
            self.error = i18n.labelled(i18n.text("set.fec.refused", fmt.lang), str(exc), fmt.lang)
        except (AccessDenied, SettingsError, SyncError) as exc:
            self.error = error_text(exc, fmt.lang)
        else:
            self._show(preview, fmt)
        self.reading = False

    @rx.event
    async def toggle_account(self, key: str, checked: bool):  # noqa: ANN201
        """Mark an account "not a customer" (or not) and run the preview again."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if not self._upload:
            return
        chosen = set(self._chosen)
        if checked:
            chosen.add(key)
        else:
            chosen.discard(key)
        accounts = [dataclasses.replace(a, chosen=a.key in chosen) for a in self.preview.accounts]
        self.preview = dataclasses.replace(self.preview, accounts=accounts)
        self.error, self.reading = "", True
        yield
        try:
            preview = await asyncio.to_thread(
                preview_fec, get_engine(), who, self._upload, chosen, None, clock.today()
            )
        except FecError as exc:
            self.error = i18n.labelled(i18n.text("set.fec.refused", fmt.lang), str(exc), fmt.lang)
        except (AccessDenied, SettingsError, SyncError) as exc:
            self.error = error_text(exc, fmt.lang)
        else:
            self._show(preview, fmt, keep_name=True)
        self.reading = False

    @rx.event
    async def confirm(self):  # noqa: ANN201
        """Import the kept file with the choices made, then show the reconciliation."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        lang = fmt.lang
        if not self._upload:
            return
        if self.preview.deletions and not self.confirm_deletions:
            self.error = i18n.text("set.fec.deletions_needed", lang)
            return
        self.error, self.importing = "", True
        yield
        try:
            done = await asyncio.to_thread(
                confirm_fec,
                get_engine(),
                who,
                self._upload,
                list(self._chosen),
                self.confirm_deletions,
                self.company_name,
                None,
                clock.today(),
            )
        except DeletionsNotConfirmed as exc:
            # The store changed since the preview: show the new figures and ask again.
            self.error = error_text(exc, lang)
            self.preview = dataclasses.replace(self.preview, deletions=exc.outcome.changes.deleted)
            self.confirm_deletions = False
        except FecError as exc:
            self.error = i18n.labelled(i18n.text("set.fec.refused", lang), str(exc), lang)
        except (AccessDenied, SettingsError, SyncError) as exc:
            self.error = error_text(exc, lang)
        else:
            self.done, self.recon, self.recon_ok = imported_texts(done, fmt)
            self.fec_code = done.outcome.company
            self._clear_preview()
            from src_dash.ui.pages.settings.companies import CompaniesState

            companies = await self.get_state(CompaniesState)
            await companies._read()
        self.importing = False

    @rx.event
    async def cancel(self) -> None:
        """Close the preview and forget the kept file; nothing is imported."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        if self._upload:
            try:
                await asyncio.to_thread(discard_fec, get_engine(), who, self._upload)
            except AccessDenied as exc:
                self.error = error_text(exc, lang)
                return
        self._clear_preview()
        self.error, self.done, self.recon = "", i18n.text("set.fec.cancelled", lang), ""


def _stat(label_key: str, value: rx.Var, stat_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key, UiState.lang), size="1", color_scheme="gray"),
        rx.text(value, size="3", weight="bold", id=stat_id),
        spacing="0",
        min_width="0",
    )


def _line(label_key: str, value: rx.Var, line_id: str) -> rx.Component:
    return rx.flex(
        rx.text(t(label_key, UiState.lang), size="2", color_scheme="gray", min_width="90px"),
        rx.text(value, size="2", id=line_id, word_break="break-word"),
        spacing="2",
        wrap="wrap",
        width="100%",
    )


def _excluded_row(row: ExcludedRow) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(row.label, size="2", weight="medium"),
            rx.text(row.accounts, size="1", color_scheme="gray", word_break="break-word"),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.text(row.figures, size="2", white_space="nowrap"),
        spacing="3",
        align="center",
        width="100%",
        data_reason=row.reason,
        class_name="fec-excluded",
    )


def _account_row(row: AccountRow) -> rx.Component:
    s = FecState
    return rx.flex(
        rx.vstack(
            rx.text(rx.text.strong(row.key), " · ", row.name, size="2", word_break="break-word"),
            rx.flex(
                rx.text(row.balance, size="1", color_scheme="gray"),
                rx.cond(
                    row.suspect,
                    rx.badge(t("set.fec.suspect", UiState.lang), color_scheme="amber"),
                ),
                rx.cond(row.kept, rx.badge(t("set.fec.kept", UiState.lang), color_scheme="gray")),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.text(
            rx.flex(
                rx.checkbox(
                    checked=row.chosen,
                    on_change=lambda v: s.toggle_account(row.key, v),
                    disabled=s.reading | s.importing,
                ),
                t("set.fec.not_customer", UiState.lang),
                as_="span",
                align="center",
                spacing="2",
            ),
            as_="label",
            size="2",
            white_space="nowrap",
            cursor="pointer",
        ),
        spacing="3",
        align="center",
        width="100%",
        data_key=row.key,
        class_name="fec-account",
        padding_y="6px",
        border_top="1px solid var(--gray-a4)",
    )


def _preview_panel() -> rx.Component:
    s, p = FecState, FecState.preview
    return rx.card(
        rx.vstack(
            rx.heading(t("set.fec.preview_title", UiState.lang), as_="h3", size="3"),
            rx.text(t("set.fec.preview_intro", UiState.lang), size="2", color_scheme="gray"),
            _line("set.fec.file", p.file, "fec-preview-file"),
            _line("set.fec.period", p.period, "fec-preview-period"),
            _line("set.fec.into", p.company, "fec-preview-company"),
            rx.cond(
                p.new_company,
                field(
                    "set.fec.name",
                    rx.input(
                        value=s.company_name,
                        on_change=s.set_company_name,
                        id="fec-company-name",
                        max_length=120,
                        width="100%",
                    ),
                    max_width="420px",
                ),
            ),
            rx.grid(
                _stat("set.fec.customers", p.customers, "fec-preview-customers"),
                _stat("set.fec.entries", p.entry_count, "fec-preview-entries"),
                _stat("set.fec.balance", p.balance, "fec-preview-balance"),
                columns=rx.breakpoints(initial="2", sm="3"),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.text(t("set.fec.excluded", UiState.lang), size="2", weight="bold"),
                rx.cond(
                    p.excluded.length() > 0,
                    rx.foreach(p.excluded, _excluded_row),
                    rx.text(t("set.fec.excluded_none", UiState.lang), size="2"),
                ),
                spacing="1",
                width="100%",
                id="fec-preview-excluded",
            ),
            rx.cond(
                p.warnings.length() > 0,
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.vstack(
                        rx.text(t("set.fec.warnings", UiState.lang), size="2", weight="bold"),
                        rx.foreach(
                            p.warnings,
                            lambda w: rx.text(w, size="1", word_break="break-word"),
                        ),
                        spacing="1",
                    ),
                    color_scheme="amber",
                    size="1",
                    width="100%",
                    id="fec-preview-warnings",
                ),
            ),
            rx.cond(
                p.accounts.length() > 0,
                rx.vstack(
                    rx.text(t("set.fec.accounts", UiState.lang), size="2", weight="bold"),
                    rx.text(t("set.fec.accounts_intro", UiState.lang), size="1"),
                    rx.foreach(p.accounts, _account_row),
                    spacing="1",
                    width="100%",
                    id="fec-preview-accounts",
                ),
            ),
            rx.vstack(
                rx.text(t("set.fec.changes", UiState.lang), size="2", weight="bold"),
                rx.text(p.changes, size="2", id="fec-preview-changes"),
                rx.text(p.new_customers, size="2", id="fec-preview-new-customers"),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                p.deletions > 0,
                rx.callout.root(
                    rx.text(
                        rx.flex(
                            rx.checkbox(
                                checked=s.confirm_deletions,
                                on_change=s.set_confirm_deletions,
                                id="fec-confirm-deletions",
                            ),
                            p.deletions_text,
                            as_="span",
                            spacing="2",
                        ),
                        as_="label",
                        size="2",
                        cursor="pointer",
                    ),
                    color_scheme="red",
                    size="1",
                    width="100%",
                    id="fec-preview-deletions",
                ),
            ),
            rx.cond(
                s.reading,
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text(t("set.fec.reading", UiState.lang), size="2"),
                    align="center",
                ),
            ),
            rx.flex(
                rx.button(
                    rx.icon("file-check", size=14),
                    t("set.fec.import", UiState.lang),
                    on_click=s.confirm,
                    loading=s.importing,
                    disabled=s.reading | ((p.deletions > 0) & ~s.confirm_deletions),
                    id="fec-import",
                ),
                rx.button(
                    t("set.fec.cancel", UiState.lang),
                    on_click=s.cancel,
                    disabled=s.importing,
                    variant="soft",
                    color_scheme="gray",
                    id="fec-cancel",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        variant="surface",
        id="fec-preview",
    )


def fec_section() -> rx.Component:
    """The FEC upload section: the company code, the drop zone, the preview, the outcome."""
    s = FecState
    return section(
        "set.fec.title",
        rx.text(t("set.fec.intro", UiState.lang), size="2", color_scheme="gray"),
        field(
            "set.fec.company",
            rx.input(
                value=s.fec_code, on_change=s.set_fec_code, id="fec-company", max_width="200px"
            ),
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-up", size=28, color="var(--accent-9)"),
                rx.text(t("set.fec.drop", UiState.lang), size="2", text_align="center"),
                rx.button(
                    t("set.fec.choose", UiState.lang), variant="soft", size="2", type="button"
                ),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            multiple=False,
            max_files=1,
            on_drop=s.drop_file(rx.upload_files(upload_id=UPLOAD_ID)),
            border="2px dashed var(--gray-a7)",
            border_radius="var(--radius-3)",
            padding="20px",
            width="100%",
            cursor="pointer",
        ),
        rx.cond(
            s.reading & ~s.has_preview,
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(t("set.fec.reading", UiState.lang), size="2"),
                align="center",
            ),
        ),
        error_note(s.error, "fec-error"),
        rx.cond(s.has_preview, _preview_panel()),
        ok_note(s.done, "fec-done"),
        rx.cond(
            s.recon != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("scale")),
                rx.callout.text(s.recon, white_space="pre-wrap", word_break="break-word"),
                color_scheme=rx.cond(s.recon_ok, "green", "red"),
                size="1",
                width="100%",
                id="fec-reconciliation",
            ),
        ),
        section_id="fec-section",
    )
