"""The Reflex app: theme, pages, and the scheduler running beside the web server."""

from __future__ import annotations

import asyncio
import logging
import os

import reflex as rx

from src_dash.ui.auth import AuthState
from src_dash.ui.http_headers import with_security_headers
from src_dash.ui.i18n import CATALOG, DEFAULT_LANG
from src_dash.ui.pages import alerts as alerts_page
from src_dash.ui.pages import campaigns as campaigns_page
from src_dash.ui.pages import customer, customer_list, dashboard, login, preferences, sync_status
from src_dash.ui.pages import mailbox as mailbox_page
from src_dash.ui.pages import open_items as open_items_page
from src_dash.ui.pages import settings as settings_page
from src_dash.ui.pages import space as space_page
from src_dash.ui.pages import worklist as worklist_page
from src_dash.ui.upload_guard import admin_tab, guard_uploads

logger = logging.getLogger(__name__)

_OFF = {"0", "false", "no", "off"}


def scheduler_enabled(env: dict[str, str] | None = None) -> bool:
    """Whether the app runs the periodic jobs itself (`SRC_DASH_SCHEDULER=0` turns it off).

    Turn it off when `src-dash scheduler` runs as its own process, and in tests.
    """
    env = os.environ if env is None else env
    return env.get("SRC_DASH_SCHEDULER", "1").strip().lower() not in _OFF


async def run_scheduler() -> None:
    """Run the scheduler's jobs for the lifetime of the app; a crash is logged, not fatal."""
    try:
        from src_dash.scheduler import run_forever_async
    except ModuleNotFoundError as exc:
        if exc.name != "src_dash.scheduler":
            raise
        logger.warning("src_dash.scheduler is not installed: no periodic jobs in the app")
        return
    try:
        await run_forever_async()
    except asyncio.CancelledError:
        raise
    except Exception:
        # The web app stays up; the sync overview shows how stale the data becomes.
        logger.exception("the scheduler stopped")


WARM_EVERY_SECONDS = 5.0


def _import_senders() -> None:
    import importlib

    for name in (
        "src_dash.dunning.dispatch",
        "src_dash.dunning.letters",
        "src_dash.dunning.runs",
        "src_dash.dunning.templates",
    ):
        importlib.import_module(name)


def _train_models() -> None:
    """Train today's pay-date models when they are missing (the scores switch from the rules to
    the models once they are there); `SRC_DASH_TRAIN_MODELS=0` leaves it to the scheduler."""
    from src_dash.config import load_settings
    from src_dash.services.predictions import retrain
    from src_dash.store.engine import get_engine

    if load_settings().train_models:
        logger.info("pay-date models: %s", retrain(get_engine()))


async def keep_dashboard_warm() -> None:
    """Load the ledger and the whole-base dashboard at start, and again after each sync or
    change of the parties (customers, contacts, users...) and each new day.

    A million-entry ledger takes seconds to load: done here, in the background, the first
    viewer after the start or after a sync finds the figures ready. A collector's action needs
    no warming (`warm_key`). Errors are logged, not fatal.
    """
    from src_dash.services.dashboard import warm, warm_key
    from src_dash.store.engine import get_engine

    # What "dun now" and the campaigns import on first use (the PDF and mail makers take a
    # good part of a second): imported here, the first collectors to send do not wait for it.
    await asyncio.to_thread(_import_senders)
    seen = None
    while True:
        try:
            key = await asyncio.to_thread(warm_key, get_engine())
            if key != seen:
                await asyncio.to_thread(warm, get_engine())
                seen = key
                await asyncio.to_thread(_train_models)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("warming the dashboard's figures failed")
        await asyncio.sleep(WARM_EVERY_SECONDS)


app = rx.App(
    html_lang=DEFAULT_LANG,
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="theme-color", content="#3e63dd"),
    ],
    # Every response with the security headers; uploads only from an admin's tab, capped.
    api_transformer=[
        lambda asgi: guard_uploads(asgi, admin_tab(lambda: app)),
        with_security_headers,
    ],
)


def title(key: str) -> str:
    """The browser tab's title of a page (in French: the tab title is not switched live)."""
    return f"{CATALOG[DEFAULT_LANG][key]} · src_dash"


# One add_page per page; every private page checks the login first, then loads its figures.
app.add_page(
    login.login_page,
    route=login.ROUTE,
    title=title("login.title"),
    on_load=AuthState.leave_login_page,
)
app.add_page(
    dashboard.dashboard_page,
    route=dashboard.ROUTE,
    title=title("nav.dashboard"),
    on_load=[AuthState.require_login, dashboard.DashboardState.load],
)
app.add_page(
    sync_status.sync_status_page,
    route=sync_status.ROUTE,
    title=title("nav.sync"),
    on_load=[AuthState.require_login, sync_status.SyncStatusState.load],
)
app.add_page(
    preferences.preferences_page,
    route=preferences.ROUTE,
    title=title("nav.preferences"),
    on_load=[AuthState.require_login, preferences.PreferencesState.load],
)
app.add_page(
    customer_list.customers_page,
    route=customer_list.ROUTE,
    title=title("customers.title"),
    on_load=[AuthState.require_login, customer_list.CustomersState.load],
)
app.add_page(
    customer.customer_page,
    route=customer.ROUTE,
    title=title("card.title"),
    on_load=[AuthState.require_login, customer.CardState.load],
)

app.add_page(
    open_items_page.open_items_page,
    route=open_items_page.ROUTE,
    title=title("items.title"),
    on_load=[AuthState.require_login, open_items_page.OpenItemsState.load],
)

app.add_page(
    settings_page.settings_page,
    route=settings_page.ROUTE,
    title=title("nav.settings"),
    on_load=[AuthState.require_admin, settings_page.SettingsState.load],
)

app.add_page(
    worklist_page.worklist_page,
    route=worklist_page.ROUTE,
    title=title("work.title"),
    on_load=[AuthState.require_login, worklist_page.WorklistState.load],
)
app.add_page(
    campaigns_page.campaigns_page,
    route=campaigns_page.ROUTE,
    title=title("camp.title"),
    on_load=[AuthState.require_login, campaigns_page.CampaignsState.load],
)

app.add_page(
    alerts_page.alerts_page,
    route=alerts_page.ROUTE,
    title=title("alerts.title"),
    on_load=[AuthState.require_login, alerts_page.AlertsState.load],
)
app.add_page(
    mailbox_page.mailbox_page,
    route=mailbox_page.ROUTE,
    title=title("mailbox.title"),
    on_load=[AuthState.require_login, mailbox_page.MailboxState.load],
)

# The customer's space: public, no staff login (every event checks the link's token).
app.add_page(
    space_page.space_page,
    route=space_page.ROUTE,
    title=title("space.title"),
    on_load=space_page.SpaceState.load,
)

app.register_lifespan_task(keep_dashboard_warm)
if scheduler_enabled():
    app.register_lifespan_task(run_scheduler)
