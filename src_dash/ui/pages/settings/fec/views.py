"""The FEC upload's views: the drop zone, the preview panel, the import button."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import button, column, row
from src_dash.ui.pages.settings.common import (
    check_label,
    error_note,
    field,
    note,
    ok_note,
    section,
)
from src_dash.ui.pages.settings.fec.rows import UPLOAD_ID, AccountRow, ExcludedRow
from src_dash.ui.pages.settings.fec.state import FecState
from src_dash.ui.state import UiState


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


def _part(title_key: str, *children: rx.Component, **props) -> rx.Component:
    """A part of the preview under its bold title."""
    return rx.vstack(
        rx.text(t(title_key, UiState.lang), size="2", weight="bold"),
        *children,
        **{"spacing": "1", "width": "100%", **props},
    )


def _reading(when: rx.Var[bool]) -> rx.Component:
    """The spinner shown while a file is read."""
    return rx.cond(
        when,
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(t("set.fec.reading", UiState.lang), size="2"),
            align="center",
        ),
    )


def _item(lines: tuple[rx.Component, ...], side: rx.Component, gap: str, **props):  # noqa: ANN202
    """A line of the preview: its texts stacked on the left (`gap` apart), `side` beside them;
    `props` mark it for the tests."""
    return rx.flex(
        rx.vstack(*lines, spacing=gap, flex="1", min_width="0"),
        side,
        spacing="3",
        align="center",
        width="100%",
        **props,
    )


def _excluded_row(row: ExcludedRow) -> rx.Component:
    return _item(
        (
            rx.text(row.label, size="2", weight="medium"),
            rx.text(row.accounts, size="1", color_scheme="gray", word_break="break-word"),
        ),
        rx.text(row.figures, size="2", white_space="nowrap"),
        "0",
        data_reason=row.reason,
        class_name="fec-excluded",
    )


def _account_row(row: AccountRow) -> rx.Component:
    s = FecState
    return _item(
        (
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
        ),
        check_label(
            rx.checkbox(
                checked=row.chosen,
                on_change=lambda v: s.toggle_account(row.key, v),
                disabled=s.reading | s.importing,
            ),
            "set.fec.not_customer",
            white_space="nowrap",
            cursor="pointer",
        ),
        "1",
        data_key=row.key,
        class_name="fec-account",
        padding_y="6px",
        border_top="1px solid var(--gray-a4)",
    )


def _callout_when(shown: rx.Var[bool], *content: rx.Component, colour: str, box_id: str):  # noqa: ANN202
    """A small full-width callout holding `content`, when `shown`."""
    return rx.cond(
        shown,
        rx.callout.root(*content, color_scheme=colour, size="1", width="100%", id=box_id),
    )


def _warnings() -> rx.Component:
    """The reader's warnings on the file, when it has some."""
    p = FecState.preview
    return _callout_when(
        p.warnings.length() > 0,
        rx.callout.icon(rx.icon("triangle-alert")),
        _part(
            "set.fec.warnings",
            rx.foreach(p.warnings, lambda w: rx.text(w, size="1", word_break="break-word")),
        ),
        colour="amber",
        box_id="fec-preview-warnings",
    )


def _deletions() -> rx.Component:
    """The entries the import would delete, to be confirmed first."""
    s, p = FecState, FecState.preview
    return _callout_when(
        p.deletions > 0,
        check_label(
            rx.checkbox(
                checked=s.confirm_deletions,
                on_change=s.set_confirm_deletions,
                id="fec-confirm-deletions",
            ),
            p.deletions_text,
            cursor="pointer",
        ),
        colour="red",
        box_id="fec-preview-deletions",
    )


def _preview_buttons() -> rx.Component:
    """Import the file, or drop it."""
    s, p = FecState, FecState.preview
    return row(
        button(
            "file-check",
            "set.fec.import",
            icon_size=14,
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
    )


def _preview_panel() -> rx.Component:
    s, p = FecState, FecState.preview
    return rx.card(
        column(
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
            _part(
                "set.fec.excluded",
                rx.cond(
                    p.excluded.length() > 0,
                    rx.foreach(p.excluded, _excluded_row),
                    rx.text(t("set.fec.excluded_none", UiState.lang), size="2"),
                ),
                id="fec-preview-excluded",
            ),
            _warnings(),
            rx.cond(
                p.accounts.length() > 0,
                _part(
                    "set.fec.accounts",
                    rx.text(t("set.fec.accounts_intro", UiState.lang), size="1"),
                    rx.foreach(p.accounts, _account_row),
                    id="fec-preview-accounts",
                ),
            ),
            _part(
                "set.fec.changes",
                rx.text(p.changes, size="2", id="fec-preview-changes"),
                rx.text(p.new_customers, size="2", id="fec-preview-new-customers"),
            ),
            _deletions(),
            _reading(s.reading),
            _preview_buttons(),
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
        _reading(s.reading & ~s.has_preview),
        error_note(s.error, "fec-error"),
        rx.cond(s.has_preview, _preview_panel()),
        ok_note(s.done, "fec-done"),
        note(s.recon, rx.cond(s.recon_ok, "green", "red"), "fec-reconciliation", icon="scale"),
        section_id="fec-section",
    )
