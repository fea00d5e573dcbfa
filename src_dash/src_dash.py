"""The Reflex app: theme, pages, and the scheduler running beside the web server."""

from __future__ import annotations

import asyncio
import logging
import os

import reflex as rx

from src_dash.ui.i18n import CATALOG, DEFAULT_LANG
from src_dash.ui.pages.overview import ROUTE as OVERVIEW_ROUTE
from src_dash.ui.pages.overview import OverviewState, overview_page

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


app = rx.App(
    html_lang=DEFAULT_LANG,
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="theme-color", content="#3e63dd"),
    ],
)
app.add_page(
    overview_page,
    route=OVERVIEW_ROUTE,
    title=f"{CATALOG[DEFAULT_LANG]['overview.title']} · src_dash",
    on_load=OverviewState.load,
)

if scheduler_enabled():
    app.register_lifespan_task(run_scheduler)
