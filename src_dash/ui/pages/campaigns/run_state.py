"""The send screen: a run's messages page by page, their approval or rejection, the sending,
and the delivery followed live until nothing is on its way."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignError, RunStatus
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.components.letter_post import LetterPostState
from src_dash.ui.kit.service import ALWAYS_CAUGHT, run_service
from src_dash.ui.pages.campaigns.notice import campaign_error, say
from src_dash.ui.pages.campaigns.rows import (
    RUN_PAGE,
    Chip,
    RunRow,
    campaign_name,
    data_text,
    money_lines,
    run_progress,
    run_rows,
    run_subtitle,
    send_outcome,
    status_chips,
)

POLL_SECONDS = 1.5
POLL_IDLE_LIMIT = 120  # polls without any change before the live follow-up gives up


class RunState(rx.State):
    """The run shown ("" when none): its counts, the page of its messages, those ticked."""

    run: str = ""
    run_title: str = ""
    run_subtitle: str = ""
    run_chips: list[Chip] = []
    run_rows: list[RunRow] = []
    run_page: int = 0
    run_pages: int = 1
    run_checked: list[int] = []
    held: int = 0
    in_flight: int = 0
    letters: int = 0
    progress: int = 0
    progress_text: str = ""
    run_totals: list[str] = []
    run_data: str = ""  # "Données du 22/11/2026 09:14": the data the run is checked against
    run_data_stale: bool = False
    live: bool = False
    sending: bool = False
    busy: str = ""

    _polling: bool = False

    def show(self, run: str) -> None:
        """Show the run `run` from its first page, nothing ticked (`refresh` reads it)."""
        self.run, self.run_page, self.run_checked = run, 0, []

    async def refresh(self) -> RunStatus | None:
        """Read the run's counts and current page again (None when it cannot be read)."""
        if not self.run:
            return None
        done = await run_service(
            self, campaigns.run_status, self.run, self.run_page, RUN_PAGE, describe=campaign_error
        )
        if done.signed_out:
            return None
        if not done.ok:
            await say(self, done.error)
            self.run = ""
            return None
        status, fmt = done.value, done.fmt
        held_here = {m.message_id for m in status.page if m.status == "held"}
        checked = {i for i in self.run_checked if i in held_here}
        self.run_checked = sorted(checked)
        self.run_page, self.run_pages = status.page_number, status.pages
        self.run_rows = run_rows(status, fmt, checked)
        self.run_chips = status_chips(status.counts, fmt)
        self.run_title = campaign_name(status.scenarios, status.levels, status.as_of, fmt)
        self.run_subtitle = run_subtitle(status, fmt)
        self.run_data = data_text(status.data_at, status.stale, fmt)
        self.run_data_stale = status.stale
        self.held, self.in_flight, self.letters = status.held, status.in_flight, status.letters
        if status.letters:
            await (await self.get_state(LetterPostState)).refresh(self.run)
        self.progress, self.progress_text = run_progress(status, fmt)
        self.run_totals = money_lines(status.totals, fmt)
        return status

    @rx.event
    async def run_page_step(self, step: int) -> None:
        """Show the previous (-1) or next (+1) page of the run (0: read this page again)."""
        self.run_page = max(0, self.run_page + int(step))
        await self.refresh()

    def _tick(self, chosen: set[int]) -> None:
        self.run_checked = sorted(chosen)
        self.run_rows = [
            dataclasses.replace(r, checked=r.checkable and r.message_id in chosen)
            for r in self.run_rows
        ]

    @rx.event
    def toggle_message(self, message_id: int) -> None:
        """Tick or untick a message waiting for approval."""
        self._tick(set(self.run_checked) ^ {int(message_id)})

    @rx.event
    def check_page(self, value: bool) -> None:
        """Tick (True) or untick (False) every message waiting on this page."""
        self._tick({r.message_id for r in self.run_rows if r.checkable} if value else set())

    async def _decide(self, approve: bool, every: bool):  # noqa: ANN202
        if not self.run:
            return None
        ids = None if every else list(self.run_checked)
        if ids is not None and not ids:
            fmt = await current_formats(self)
            return rx.toast.warning(i18n.text("camp.run.nothing_selected", fmt.lang))
        service = campaigns.approve if approve else campaigns.cancel
        done = await run_service(
            self, service, self.run, ids, catch=(CampaignError,), describe=campaign_error
        )
        if done.signed_out:
            return None
        await say(self, done.error)
        if not done.ok:
            return rx.toast.error(done.error)
        self.run_checked = []
        status = await self.refresh()
        key = "camp.run.approved" if approve else "camp.run.rejected"
        events = [done.toast(key, n=done.fmt.count(done.value))]
        if status is not None and status.in_flight:
            events.append(RunState.poll_run)
        return events

    @rx.event
    async def approve_selected(self):  # noqa: ANN201
        """Approve the ticked messages: they are queued to be sent."""
        return await self._decide(approve=True, every=False)

    @rx.event
    async def approve_all(self):  # noqa: ANN201
        """Approve every message of the run still waiting."""
        return await self._decide(approve=True, every=True)

    @rx.event
    async def reject_selected(self):  # noqa: ANN201
        """Reject the ticked messages: cancelled, their items back to their level."""
        return await self._decide(approve=False, every=False)

    @rx.event(background=True)
    async def send_run(self):  # noqa: ANN201
        """Send the approved messages now, following the delivery live meanwhile."""
        # Not `run_service`: the state must not stay locked while the messages go, so that
        # the live follow-up can read the run meanwhile.
        async with self:
            if self.sending or not self.run:
                return
            who = await current_viewer(self)
            fmt = await current_formats(self)
            if who is None:
                return
            run = self.run
            self.sending = True
            self.busy = ""
        yield RunState.poll_run
        try:
            outcome = await asyncio.to_thread(campaigns.send, get_engine(), who, run)
        except (*ALWAYS_CAUGHT, CampaignError) as exc:
            error = campaign_error(exc, fmt.lang)
            async with self:
                await say(self, error)
            toast = rx.toast.error(error)
        else:
            text, warn = send_outcome(outcome, fmt)
            toast = rx.toast.warning(text) if warn else rx.toast.success(text)
        async with self:
            self.sending = False
            if self.run == run:
                await self.refresh()
        yield toast

    @rx.event(background=True)
    async def poll_run(self):  # noqa: ANN201
        """Read the run's statuses every second or two while messages are on their way."""
        async with self:
            if self._polling or not self.run:
                return
            self._polling = True
            self.live = True
            run = self.run
        last: tuple = ()
        idle = 0
        try:
            while idle < POLL_IDLE_LIMIT:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if self.run != run:
                        break
                    status = await self.refresh()
                    if status is None or (not status.in_flight and not self.sending):
                        break
                seen = tuple(sorted(status.counts.items()))
                idle = idle + 1 if seen == last else 0
                last = seen
        finally:
            async with self:
                self._polling = False
                self.live = False

    @rx.event
    async def download_letters(self):  # noqa: ANN201  (yields the file)
        """Download the run's letters in one PDF."""
        if not self.run:
            return
        done = await run_service(
            self,
            campaigns.letters_pdf,
            self.run,
            catch=(CampaignError, OSError),
            describe=campaign_error,
        )
        if done.error:
            await say(self, done.error)
        yield done.download("application/pdf")
