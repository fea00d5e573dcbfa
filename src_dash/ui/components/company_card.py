"""Cards of the sync overview: one per company, and the consolidated total."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.ui.i18n import t
from src_dash.ui.state import UiState

# Radix colour of each sync status; "" is a company never synced.
STATUS_COLORS: dict[str, str] = {
    "ok": "green",
    "failed": "red",
    "running": "blue",
    "interrupted": "amber",
    "": "gray",
}


@dataclasses.dataclass
class Figures:
    """The four figures of a company or of a currency's total, formatted in its currency."""

    currency: str = ""
    customers: str = ""
    open_items: str = ""
    outstanding: str = ""
    overdue: str = ""
    has_overdue: bool = False


@dataclasses.dataclass
class CompanyCard(Figures):
    """What one company card shows, already formatted for the UI language."""

    code: str = ""
    name: str = ""
    last_sync: str = ""
    last_sync_ago: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    error: str = ""
    # The reconciliation of the last run: "0,00 €" (ok) or the gap and the customers concerned.
    reconciliation: str = ""
    reconciliation_ok: bool = True
    reconciliation_customers: list[str] = dataclasses.field(default_factory=list)
    # The last run's report: its lines of class 41 left out ("3 lignes 419 (avances reçues) :
    # 1 200,00 €"), and its warnings.
    left_out: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TotalRow(Figures):
    """The consolidated figures of the companies keeping their books in one currency."""

    companies: str = ""


def _overdue_color(has_overdue: rx.Var[bool]) -> rx.Var[str]:
    return rx.cond(has_overdue, "var(--red-11)", "inherit")


def stat(
    label_key: str,
    value: rx.Var[str],
    field: str,
    color: rx.Var[str] | str = "inherit",
) -> rx.Component:
    """One figure with its label above it.

    Args:
        label_key: the catalog key of the label.
        value: the formatted figure.
        field: name put in `data-testid`, so tests find the figure inside its card.
        color: CSS colour of the figure.
    """
    return rx.vstack(
        rx.text(t(label_key, UiState.lang), size="1", color_scheme="gray", weight="medium"),
        rx.text(
            value,
            size=rx.breakpoints(initial="4", md="5"),
            weight="bold",
            color=color,
            white_space="nowrap",
            custom_attrs={"data-testid": field},
            style={"font_variant_numeric": "tabular-nums"},
        ),
        spacing="1",
        min_width="0",
    )


def _figures(row: rx.Var[Figures], columns: str | dict[str, str]) -> rx.Component:
    """The four figures of a company or of a currency's total: customers, open items,
    outstanding, overdue (in red when there is some)."""
    return rx.grid(
        stat("field.customers", row.customers, "customers"),
        stat("field.open_items", row.open_items, "open-items"),
        stat("field.outstanding", row.outstanding, "outstanding"),
        stat("field.overdue", row.overdue, "overdue", color=_overdue_color(row.has_overdue)),
        columns=columns,
        spacing_x="4",
        spacing_y="3",
        width="100%",
    )


def _caption(icon: rx.Component, label_key: str, *more: rx.Component) -> rx.Component:
    """A small grey caption after its icon, `more` after it, on a line that wraps."""
    return rx.hstack(
        icon,
        rx.text(t(label_key, UiState.lang), size="1", color_scheme="gray"),
        *more,
        align="center",
        spacing="1",
        wrap="wrap",
    )


def _lines(lines: rx.Var[list[str]], field: str, **style: object) -> rx.Component:
    """Each of `lines` in small type, marked `data-testid=field` for the tests."""
    return rx.foreach(
        lines, lambda line: rx.text(line, size="1", custom_attrs={"data-testid": field}, **style)
    )


def _reconciliation(card: rx.Var[CompanyCard]) -> rx.Component:
    """The app's outstanding against the books: green at 0,00, red with the customers that
    differ otherwise."""
    color = rx.cond(card.reconciliation_ok, "var(--green-11)", "var(--red-11)")
    return rx.vstack(
        _caption(
            rx.icon(rx.cond(card.reconciliation_ok, "circle-check", "scale"), size=14, color=color),
            "sync.reconciliation",
            rx.text(
                t("sync.reconciliation.gap", UiState.lang),
                " ",
                card.reconciliation,
                size="1",
                weight="medium",
                color=color,
                custom_attrs={"data-testid": "reconciliation"},
            ),
        ),
        _lines(card.reconciliation_customers, "reconciliation-customer", color_scheme="red"),
        spacing="1",
        width="100%",
    )


def _report_lines(
    icon: str, label_key: str, lines: rx.Var[list[str]], field: str, color: str
) -> rx.Component:
    """A labelled list of a run's report: its lines left out, or its warnings."""
    return rx.vstack(
        _caption(rx.icon(icon, size=14, color=f"var(--{color}-11)"), label_key),
        _lines(
            lines,
            field,
            color=f"var(--{color}-11)",
            style={"font_variant_numeric": "tabular-nums", "overflow_wrap": "anywhere"},
        ),
        spacing="1",
        width="100%",
    )


def _report(card: rx.Var[CompanyCard]) -> rx.Component:
    """What the last run left out of class 41 and what it warned of: nothing is dropped
    without a word."""
    return rx.fragment(
        rx.cond(
            card.left_out.length() > 0,
            _report_lines("filter", "sync.left_out", card.left_out, "left-out", "gray"),
        ),
        rx.cond(
            card.warnings.length() > 0,
            _report_lines(
                "triangle-alert", "sync.warnings", card.warnings, "sync-warning", "amber"
            ),
        ),
    )


def company_card(card: rx.Var[CompanyCard]) -> rx.Component:
    """The card of one company: figures, then the last sync and its error if it failed."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(card.code, variant="soft", size="2", custom_attrs={"data-testid": "code"}),
                rx.spacer(),
                rx.badge(
                    card.status_label,
                    color_scheme=card.status_color.to(str),  # type: ignore[arg-type]
                    variant="surface",
                    custom_attrs={"data-testid": "sync-status", "data-status": card.status},
                ),
                align="center",
                width="100%",
            ),
            rx.heading(card.name, size="4", as_="h2", custom_attrs={"data-testid": "name"}),
            _figures(card, "2"),
            rx.separator(size="4"),
            _caption(
                rx.icon("refresh-cw", size=14, color="var(--gray-10)"),
                "sync.last",
                rx.text(
                    rx.cond(card.last_sync != "", card.last_sync, "—"),
                    size="1",
                    weight="medium",
                    custom_attrs={"data-testid": "last-sync"},
                ),
                rx.cond(
                    card.last_sync_ago != "",
                    rx.text("(", card.last_sync_ago, ")", size="1", color_scheme="gray"),
                ),
            ),
            rx.cond(card.reconciliation != "", _reconciliation(card)),
            _report(card),
            rx.cond(
                card.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(
                        rx.text.strong(t("sync.error", UiState.lang)),
                        " ",
                        rx.text.span(card.error, custom_attrs={"data-testid": "sync-error"}),
                    ),
                    color_scheme="red",
                    size="1",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        id="company-" + card.code,
        custom_attrs={"data-testid": "company-card", "data-company": card.code},
        size="2",
        width="100%",
    )


def total_card(total: rx.Var[TotalRow]) -> rx.Component:
    """The consolidated row: the sums over the companies sharing one currency."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("sigma", size=18),
                rx.heading(t("overview.total", UiState.lang), size="4", as_="h2", trim="both"),
                rx.badge(
                    total.currency, variant="outline", custom_attrs={"data-testid": "currency"}
                ),
                rx.spacer(),
                rx.text(
                    total.companies,
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "companies"},
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            _figures(total, rx.breakpoints(initial="2", md="4")),
            spacing="3",
            width="100%",
        ),
        id="total-" + total.currency,
        custom_attrs={"data-testid": "total-card"},
        size="2",
        width="100%",
        variant="classic",
    )
