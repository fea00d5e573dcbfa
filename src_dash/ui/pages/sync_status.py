"""Page "/synchronisation": the sync overview, one card per company and the consolidated total."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from src_dash import clock
from src_dash.services.status import CompanyStatus, company_statuses
from src_dash.sources.left_out import LeftOutLines
from src_dash.store.engine import get_engine
from src_dash.ui import i18n, routes
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.components.company_card import (
    STATUS_COLORS,
    CompanyCard,
    TotalRow,
    company_card,
    total_card,
)
from src_dash.ui.components.layout import error_or, loaded_page, title_bar
from src_dash.ui.i18n import Formats, t
from src_dash.ui.kit.controls import column, soft_button
from src_dash.ui.kit.widgets import callout
from src_dash.ui.state import UiState

ROUTE = routes.SYNC
ERROR_MAX_CHARS = 400
# A card shows this many of a run's warnings (the CLI's status gives them all).
WARNINGS_SHOWN = 5
logger = logging.getLogger(__name__)


def _short(error: str) -> str:
    """Cut a long technical error (SQL and all) to what fits a card; the log has the rest."""
    error = error.strip()
    return error if len(error) <= ERROR_MAX_CHARS else error[: ERROR_MAX_CHARS - 1] + "…"


def _formats(fmt: Formats | str) -> Formats:
    return fmt if isinstance(fmt, Formats) else Formats(i18n.normalise_lang(fmt))


def _figures(
    currency: str,
    customers: int,
    open_items: int,
    outstanding: Decimal,
    overdue: Decimal,
    fmt: Formats,
) -> dict[str, str | bool]:
    """The fields of `Figures`, formatted in `currency`."""
    return {
        "currency": currency,
        "customers": fmt.count(customers),
        "open_items": fmt.count(open_items),
        "outstanding": fmt.money(outstanding, currency),
        "overdue": fmt.money(overdue, currency),
        "has_overdue": overdue > 0,
    }


def left_out_line(item: LeftOutLines, currency: str, fmt: Formats) -> str:
    """Say one group of lines left out: "3 lignes 419 (avances reçues) : 1 200,00 €".

    The account group is named in the viewer's language; a FEC's accounts set aside as not
    customers are named by their keys.
    """
    lang = fmt.lang
    key = f"sync.acct.{item.account}"
    what = i18n.text(key, lang) if key in i18n.CATALOG[lang] else item.account
    reason = f"sync.reason.{item.reason}"
    if reason in i18n.CATALOG[lang]:
        what = f"{what}, {i18n.text(reason, lang)}"
    head = f"{i18n.count_of(item.lines, 'line', lang)} {what}"
    return i18n.labelled(head, fmt.money(item.amount, currency), lang)


def warning_lines(warnings: Sequence[str], lang: str) -> list[str]:
    """A run's warnings as a card shows them: the first few, each cut to fit, then how many more."""
    shown = [_short(w) for w in warnings[:WARNINGS_SHOWN]]
    if len(warnings) > WARNINGS_SHOWN:
        more = len(warnings) - WARNINGS_SHOWN
        shown.append(i18n.text("sync.warnings.more", lang).format(n=i18n.count(more, lang)))
    return shown


def company_cards(
    statuses: Sequence[CompanyStatus], fmt: Formats | str, now: datetime
) -> list[CompanyCard]:
    """Format the status of each company for its card.

    Args:
        statuses: what `company_statuses` returned.
        fmt: the user's display formats (or just a UI language).
        now: the current time (UTC), to say how long ago the last sync was.
    """
    fmt = _formats(fmt)
    lang = fmt.lang
    cards = []
    for s in statuses:
        cards.append(
            CompanyCard(
                **_figures(s.currency, s.customers, s.open_items, s.outstanding, s.overdue, fmt),
                code=s.code,
                name=s.name,
                last_sync=fmt.moment(s.last_sync_at) if s.last_sync_at else "",
                last_sync_ago=i18n.ago(s.last_sync_at, now, lang) if s.last_sync_at else "",
                status=s.last_sync_status,
                status_label=i18n.sync_status_label(s.last_sync_status, lang),
                status_color=STATUS_COLORS.get(s.last_sync_status, "gray"),
                error=_short(s.last_sync_error) if s.last_sync_status != "ok" else "",
                reconciliation=(
                    fmt.money(s.reconciliation_gap, s.currency)
                    if s.reconciliation_gap is not None
                    else ""
                ),
                reconciliation_ok=s.reconciliation_gap == 0 and not s.reconciliation_customers,
                reconciliation_customers=[
                    f"{number} {name}\u00a0: {fmt.money(gap, s.currency)}"
                    for number, name, gap in s.reconciliation_examples
                ],
                left_out=[left_out_line(item, s.currency, fmt) for item in s.left_out],
                warnings=warning_lines(s.warnings, lang),
            )
        )
    return cards


def totals(statuses: Sequence[CompanyStatus], fmt: Formats | str) -> list[TotalRow]:
    """Sum the companies per book currency: amounts in different currencies are never added.

    Args:
        statuses: what `company_statuses` returned.
        fmt: the user's display formats (or just a UI language).

    Returns:
        One row per currency, in the order the currencies first appear.
    """
    fmt = _formats(fmt)
    groups: dict[str, list[CompanyStatus]] = {}
    for s in statuses:
        groups.setdefault(s.currency, []).append(s)
    rows = []
    for currency, members in groups.items():
        figures = _figures(
            currency,
            sum(s.customers for s in members),
            sum(s.open_items for s in members),
            sum((s.outstanding for s in members), Decimal(0)),
            sum((s.overdue for s in members), Decimal(0)),
            fmt,
        )
        companies = i18n.count_of(len(members), "company", fmt.lang)
        rows.append(TotalRow(**figures, companies=companies))
    return rows


def read_statuses(as_of: date) -> list[CompanyStatus]:
    """Read every active company's status from the store (blocking; run it in a thread)."""
    with Session(get_engine()) as session:
        return company_statuses(session, as_of)


class SyncStatusState(rx.State):
    """The figures shown on the overview: only formatted rows, never the store's rows."""

    cards: list[CompanyCard] = []
    total_rows: list[TotalRow] = []
    as_of: str = ""
    timezone: str = ""
    loaded: bool = False
    error: str = ""

    @rx.event
    async def load(self) -> None:
        """Read the companies' status and format it in the user's language.

        Company totals cover every customer, so only viewers who see every customer get them.
        """
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        lang = fmt.lang
        today = clock.today()
        if not who.scope.is_everything:
            self.error = i18n.text("overview.denied", lang)
            self.cards, self.total_rows, self.loaded = [], [], True
            return
        try:
            statuses = await asyncio.to_thread(read_statuses, today)
        except SQLAlchemyError as exc:
            logger.exception("reading the companies' status failed")
            cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            self.error = i18n.labelled(
                i18n.text("overview.load_error", lang), f"{type(exc).__name__}: {cause}", lang
            )
            self.cards, self.total_rows = [], []
        else:
            self.error = ""
            self.cards = company_cards(statuses, fmt, clock.utcnow())
            self.total_rows = totals(statuses, fmt)
        self.as_of = fmt.day(today)
        self.timezone = fmt.timezone
        self.loaded = True


def _title_block() -> rx.Component:
    return title_bar(
        t("overview.title", UiState.lang),
        (
            t("overview.as_of", UiState.lang),
            SyncStatusState.as_of,
            " · ",
            t("overview.tz_note", UiState.lang),
            rx.text.span(SyncStatusState.timezone, id="timezone"),
        ),
        soft_button(
            "refresh-cw",
            "overview.refresh",
            on_click=SyncStatusState.load,
            loading=~SyncStatusState.loaded,
            id="refresh",
        ),
        gap="var(--space-3)",
    )


def _content() -> rx.Component:
    return error_or(
        SyncStatusState.error,
        rx.cond(
            SyncStatusState.cards.length() > 0,
            column(
                rx.grid(
                    rx.foreach(SyncStatusState.cards, company_card),
                    columns=rx.breakpoints(initial="1", md="2", xl="3"),
                    spacing="4",
                    width="100%",
                    id="company-cards",
                ),
                rx.foreach(SyncStatusState.total_rows, total_card),
                spacing="4",
            ),
            callout("info", t("overview.empty", UiState.lang), id="no-company"),
        ),
    )


def sync_status_page() -> rx.Component:
    """The sync overview: per company, what was read from Sage and when."""
    return loaded_page(
        _title_block(),
        loaded=SyncStatusState.loaded,
        content=_content(),
        on_lang_change=SyncStatusState.load,
        spacing="5",
    )
