"""Views of the settings tab "Qualité des prévisions"."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import header_cell, row, soft_button, table
from src_dash.ui.kit.widgets import small_label, words
from src_dash.ui.pages.settings.common import error_note, section
from src_dash.ui.pages.settings.forecast.rows import CheckRow, CutoffRow, MethodRow
from src_dash.ui.pages.settings.forecast.state import ForecastQualityState as S


def _figure(value: rx.Var[str], best: rx.Var[bool]) -> rx.Component:
    return rx.table.cell(
        rx.text(value, weight=rx.cond(best, "bold", "regular")),
        text_align="right",
        white_space="nowrap",
    )


def _method_row(m: MethodRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.label),
        _figure(m.auc, m.best_auc),
        _figure(m.mae, m.best_mae),
        data_testid="fq-method",
        data_key=m.key,
    )


def _cutoff_row(c: CutoffRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(c.cutoff, white_space="nowrap"),
        *[
            rx.table.cell(v, text_align="right", white_space="nowrap")
            for v in (c.invoices, c.auc, c.auc_rule, c.mae, c.mae_rule)
        ],
        rx.table.cell(c.wins),
        data_testid="fq-cutoff",
    )


def _check_row(c: CheckRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(c.month),
        *[
            rx.table.cell(v, text_align="right", white_space="nowrap")
            for v in (c.made_on, c.expected, c.collected)
        ],
        rx.table.cell(
            rx.badge(c.gap, " (", c.share, ")", color_scheme=c.tone, variant="soft"),
            text_align="right",
            white_space="nowrap",
        ),
        data_testid="fq-check",
    )


def _heads(*keys: str) -> tuple[rx.Component, ...]:
    """Headings: the first on the left, the others over figures."""
    return (header_cell(keys[0]), *[header_cell(k, right=True) for k in keys[1:]])


def _models() -> rx.Component:
    return section(
        "fq.title",
        rx.text(words("fq.intro"), size="2", color_scheme="gray"),
        row(
            rx.text(S.run_line, size="2", id="fq-run-at"),
            rx.spacer(),
            soft_button("refresh-cw", "fq.run", on_click=S.run, loading=S.running, id="fq-run"),
            width="100%",
        ),
        error_note(S.error, "fq-error"),
        rx.cond(
            S.has_report,
            rx.vstack(
                table(_heads("fq.method", "fq.auc", "fq.mae"), rx.foreach(S.methods, _method_row)),
                small_label("fq.auc_hint"),
                small_label("fq.mae_hint"),
                rx.callout.root(
                    rx.callout.icon(rx.icon("scale")),
                    rx.callout.text(S.verdict),
                    width="100%",
                    id="fq-verdict",
                ),
                rx.heading(words("fq.cutoffs"), as_="h3", size="3"),
                table(
                    (
                        *_heads("fq.cutoff", "fq.items"),
                        header_cell(rx.text.span(words("fq.model"), " AUC"), right=True),
                        header_cell(rx.text.span(words("fq.rule"), " AUC"), right=True),
                        header_cell(rx.text.span(words("fq.model"), " (j)"), right=True),
                        header_cell(rx.text.span(words("fq.rule"), " (j)"), right=True),
                        header_cell("fq.wins"),
                    ),
                    rx.foreach(S.cutoffs, _cutoff_row),
                    id="fq-cutoffs",
                ),
                spacing="3",
                width="100%",
            ),
            rx.text(words("fq.none"), size="2", color_scheme="gray", id="fq-none"),
        ),
        section_id="fq-models",
    )


def _cash() -> rx.Component:
    return section(
        "fq.cash",
        rx.cond(
            S.checks.length() > 0,
            table(
                _heads("fq.month", "fq.made_on", "fq.expected", "fq.collected", "fq.gap"),
                rx.foreach(S.checks, _check_row),
                id="fq-checks",
            ),
            rx.text(words("fq.cash.none"), size="2", color_scheme="gray", id="fq-cash-none"),
        ),
        section_id="fq-cash",
    )


def forecast_tab() -> rx.Component:
    """The model against the simple rules, cutoff by cutoff, and the cash-in forecast's record."""
    return rx.vstack(_models(), _cash(), spacing="4", width="100%")
