"""The page's own state: who may work, the day, and what the page does on load (the choices,
the recent runs, `?items=` and `?run=`) and between the screens (a run opened, closed)."""

from __future__ import annotations

import reflex as rx

from src_dash.clock import today as clock_today
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.pages.campaigns.criteria_state import CriteriaState
from src_dash.ui.pages.campaigns.message_state import MessageState
from src_dash.ui.pages.campaigns.notice import say
from src_dash.ui.pages.campaigns.preview_state import PreviewState
from src_dash.ui.pages.campaigns.recent_state import RecentState
from src_dash.ui.pages.campaigns.run_state import RunState


class CampaignsState(rx.State):
    """Whether the page is read, whether the viewer may run campaigns, and the day."""

    loaded: bool = False
    allowed: bool = False
    as_of: str = ""

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the choices, the recent runs, `?items=` / `?run=`."""
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        self.as_of = (await current_formats(self)).day(clock_today())
        self.allowed = who.can_work
        (await self.get_state(MessageState)).msg_open = False
        query = self.router.url.query_parameters
        criteria = await self.get_state(CriteriaState)
        error = await criteria.load_choices(query.get("items")) if self.allowed else ""
        if not error:
            error = await (await self.get_state(RecentState)).reload()
        await say(self, error)
        self.loaded = True
        await self._show_screen((query.get("run") or "").strip(), criteria)

    async def _show_screen(self, wanted: str, criteria: CriteriaState) -> None:
        """The run of `?run=` (or the one shown), else the preview shown or that of the items
        chosen on the open items page."""
        run = await self.get_state(RunState)
        if wanted and wanted != run.run:
            run.show(wanted)
        preview = await self.get_state(PreviewState)
        if run.run:
            await run.refresh()
        elif preview.has_preview and preview._criteria is not None:
            await preview.show(preview._criteria)
        elif criteria.items and self.allowed:
            await preview.show(criteria.criteria())

    @rx.event
    async def open_run(self, run_id: str):  # noqa: ANN201  (may start the live follow-up)
        """Show a run's messages and where they are."""
        run = await self.get_state(RunState)
        run.show(run_id)
        (await self.get_state(PreviewState)).has_preview = False
        status = await run.refresh()
        if status is not None and status.in_flight:
            yield RunState.poll_run

    @rx.event
    async def close_run(self) -> None:
        """Back to the criteria."""
        run = await self.get_state(RunState)
        run.run = ""
        run.run_rows = []
        await (await self.get_state(RecentState)).reload()
