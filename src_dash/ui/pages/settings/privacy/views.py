"""Views of the settings tab "RGPD"."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import header_cell, table
from src_dash.ui.kit.widgets import small_label, words
from src_dash.ui.pages.settings.common import error_note, section
from src_dash.ui.pages.settings.privacy.state import PeriodRow, ProcessingRow
from src_dash.ui.pages.settings.privacy.state import PrivacyState as S


def _fact(label_key: str, value: rx.Var[str]) -> rx.Component:
    return rx.box(small_label(label_key), rx.text(value, size="2"), width="100%")


def _processing(p: ProcessingRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(p.name, as_="h3", size="3"),
            _fact("rgpd.data", p.data),
            _fact("rgpd.purpose", p.purpose),
            _fact("rgpd.basis", p.legal_basis),
            _fact("rgpd.seen_by", p.seen_by),
            _fact("rgpd.retention", p.retention),
            _fact("rgpd.at_end", p.at_end),
            _fact("rgpd.tables", p.tables),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="rgpd-processing",
    )


def _period(p: PeriodRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(p.label),
        rx.table.cell(p.period, text_align="right", white_space="nowrap"),
        rx.table.cell(p.due, text_align="right"),
        data_testid="rgpd-period",
        data_kind=p.kind,
    )


def privacy_tab() -> rx.Component:
    """The retention periods with what is due now, then the register of processing."""
    return rx.vstack(
        error_note(S.error, "rgpd-error"),
        section(
            "rgpd.periods",
            rx.text(words("rgpd.periods.intro"), size="2", color_scheme="gray"),
            table(
                (
                    header_cell("rgpd.kind"),
                    header_cell("rgpd.period", right=True),
                    header_cell("rgpd.due", right=True),
                ),
                rx.foreach(S.periods, _period),
                id="rgpd-periods",
            ),
            section_id="rgpd-retention",
        ),
        section(
            "rgpd.register",
            rx.text(words("rgpd.register.intro"), size="2", color_scheme="gray"),
            rx.grid(
                rx.foreach(S.processing, _processing),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="3",
                width="100%",
            ),
            section_id="rgpd-register",
        ),
        spacing="4",
        width="100%",
    )
