"""Page "/alertes": the viewer's open alerts, newest first, and marking one as handled.

`dunning.alerts.list_alerts` scopes the alerts to the viewer's portfolio (plus those on no
customer); `dunning.alerts.resolve_alert` checks the role (admin or collector) and the scope, so
an event sent by hand by a sales rep or a read-only user is refused.
"""

from __future__ import annotations

import dataclasses
import logging

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.dunning.alerts import AlertRow, list_alerts, resolve_alert
from src_dash.ui import i18n, routes
from src_dash.ui.components.layout import loaded_page, page_title
from src_dash.ui.details import alert_text
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import button, column, customer_link, row, soft_button
from src_dash.ui.kit.rows import CustomerLine
from src_dash.ui.kit.service import plain_error, run_service
from src_dash.ui.kit.widgets import (
    error_notice,
    item_card,
    notice,
    page_head,
    refresh_button,
    words,
)
from src_dash.ui.routes import customer_href

ROUTE = routes.ALERTS
# Colour and icon of each kind of alert; unknown kinds are grey.
KIND_STYLES = {
    "email_failed": ("red", "mail-x"),
    "email_bounced": ("red", "mail-warning"),
    "email_uncertain": ("amber", "mail-question"),
    "smtp_unreachable": ("red", "server-off"),
    "action_overdue": ("amber", "clock-alert"),
    "no_contact": ("orange", "user-x"),
    "do_not_dun": ("gray", "ban"),
    "promise_broken": ("red", "handshake"),
    "no_recipient": ("orange", "user-x"),
    "reconciliation_gap": ("red", "scale"),
}
# The customer card's section where each fix is done (its contacts; its dunning stop).
FIX_SECTIONS = {"add_contact": "contacts", "correct_email": "contacts", "lift_stop": "dunning"}
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class AlertView(CustomerLine):
    """One open alert, formatted."""

    id: int = 0
    kind: str = ""
    kind_label: str = ""
    color: str = "gray"
    icon: str = "bell"
    text: str = ""
    date: str = ""
    fix_label: str = ""  # what fixes the cause ("Ajouter un contact"), "" when nothing here
    fix_href: str = ""  # where it is done: the customer card's contacts or dunning section


def kind_label(kind: str, lang: str) -> str:
    """The words for a kind of alert ("Courriel en erreur"); the code itself when unknown."""
    return i18n.CATALOG[i18n.normalise_lang(lang)].get(f"alerts.kind.{kind}", kind)


def format_alerts(rows: list[AlertRow], fmt: Formats) -> list[AlertView]:
    """The alerts as the page shows them, in the service's order (newest first)."""
    out = []
    for r in rows:
        color, icon = KIND_STYLES.get(r.kind, ("gray", "bell"))
        name = " ".join(p for p in (r.customer_number, r.customer_name) if p)
        fix_href = ""
        if r.fix and r.customer_id:
            section = FIX_SECTIONS.get(r.fix, "")
            fix_href = customer_href(r.customer_id) + (f"#{section}" if section else "")
        out.append(
            AlertView(
                id=r.id,
                kind=r.kind,
                kind_label=kind_label(r.kind, fmt.lang),
                color=color,
                icon=icon,
                customer_id=r.customer_id or 0,
                href=customer_href(r.customer_id) if r.customer_id else "",
                customer=name,
                text=alert_text(r.kind, r.text, r.facts, fmt, r.currency),
                date=fmt.moment(r.created_at),
                fix_label=i18n.text(f"alerts.fix.{r.fix}", fmt.lang) if fix_href else "",
                fix_href=fix_href,
            )
        )
    return out


def load_error(exc: Exception, lang: str) -> str:
    """What the page says when the alerts cannot be read."""
    return i18n.labelled(i18n.text("alerts.error.load", lang), type(exc).__name__, lang)


def resolve_error(exc: Exception, lang: str) -> str:
    """What the toast says when an alert cannot be marked as handled."""
    if isinstance(exc, AccessDenied):
        return i18n.text("alerts.error.denied", lang)
    if isinstance(exc, LookupError):
        return i18n.text("alerts.error.gone", lang)
    return plain_error(exc, lang)


class AlertsState(rx.State):
    """The viewer's open alerts, formatted; whether they may mark them as handled."""

    loaded: bool = False
    can_resolve: bool = False
    error: str = ""
    count: str = ""
    rows: list[AlertView] = []
    busy_id: int = 0

    async def _refresh(self) -> None:
        done = await run_service(self, list_alerts, describe=load_error)
        if done.signed_out:
            self.loaded = False
            self.rows = []
            return
        self.can_resolve = done.viewer.can_work
        self.loaded = True
        if not done.ok:
            logger.error("the alerts could not be read", exc_info=done.exception)
            self.error = done.error
            self.rows = []
            return
        found, fmt = done.value, done.fmt
        self.error = ""
        self.rows = format_alerts(found, fmt)
        key = "alerts.open_one" if len(found) <= 1 else "alerts.open_many"
        self.count = i18n.text(key, fmt.lang).format(count=fmt.count(len(found)))

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: read the alerts again."""
        await self._refresh()

    @rx.event
    async def resolve(self, alert_id: int):  # noqa: ANN201  (yields a toast)
        """Mark an alert as handled; the service refuses viewers who may not work it."""
        self.busy_id = int(alert_id)
        yield
        done = await run_service(
            self, resolve_alert, int(alert_id), catch=(LookupError,), describe=resolve_error
        )
        self.busy_id = 0
        if done.signed_out:
            return
        await self._refresh()
        yield done.toast("alerts.resolved")


def _kind_icon(r: rx.Var) -> rx.Component:
    icons = {icon for _, icon in KIND_STYLES.values()}
    return rx.match(
        r.icon,
        *[(icon, rx.icon(icon, size=14)) for icon in sorted(icons)],
        rx.icon("bell", size=14),
    )


def _alert_card(r: rx.Var) -> rx.Component:
    lines = (
        row(
            rx.badge(
                _kind_icon(r),
                r.kind_label,
                color_scheme=r.color,
                variant="soft",
                size="2",
                data_testid="alert-kind",
            ),
            rx.text(r.date, size="1", color_scheme="gray", data_testid="alert-date"),
        ),
        rx.cond(
            r.href != "",
            customer_link(r.customer, r.href, size="3", data_testid="alert-customer"),
            rx.text(words("alerts.no_customer"), size="2", color_scheme="gray"),
        ),
        rx.text(r.text, size="2", data_testid="alert-text", word_break="break-word"),
    )
    return item_card(
        lines,
        rx.cond(
            AlertsState.can_resolve & (r.fix_href != ""),
            rx.link(
                button("wrench", r.fix_label, variant="solid", width="100%"),
                href=r.fix_href,
                width=rx.breakpoints(initial="100%", sm="auto"),
                data_testid="alert-fix",
            ),
        ),
        rx.cond(
            AlertsState.can_resolve,
            soft_button(
                "check",
                "alerts.resolve",
                on_click=AlertsState.resolve(r.id),
                loading=AlertsState.busy_id == r.id,
                width=rx.breakpoints(initial="100%", sm="auto"),
                data_testid="alert-resolve",
            ),
        ),
        testid="alert-item",
        data_alert_id=r.id,
        data_kind=r.kind,
    )


def _header() -> rx.Component:
    count = rx.badge(
        AlertsState.count,
        id="alerts-count",
        color_scheme=rx.cond(AlertsState.rows.length() > 0, "red", "gray"),
        radius="full",
        size="2",
    )
    return page_head(
        row(page_title(words("alerts.title")), rx.cond(AlertsState.loaded, count), spacing="3"),
        "alerts.subtitle",
        action=refresh_button(AlertsState.load, "alerts.refresh", "alerts-refresh"),
    )


def alerts_page() -> rx.Component:
    """The open alerts of the viewer, each with its customer and a "handled" button."""
    return loaded_page(
        _header(),
        error_notice(AlertsState.error),
        loaded=AlertsState.loaded,
        content=rx.cond(
            AlertsState.rows.length() > 0,
            column(rx.foreach(AlertsState.rows, _alert_card), spacing="2", id="alerts-list"),
            notice("bell-off", words("alerts.empty"), "alerts-empty"),
        ),
        on_lang_change=AlertsState.load,
    )
