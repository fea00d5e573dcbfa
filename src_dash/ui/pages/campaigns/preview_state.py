"""The preview: what the campaign would send as of today (its key figures, one page of
proposals to tick or untick, the reasons and the list of what is left out), and the draft run
prepared from the proposals ticked."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria, CampaignError
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.components.data_table import TableColumn
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.campaigns.criteria_state import CriteriaState
from src_dash.ui.pages.campaigns.notice import campaign_error, say
from src_dash.ui.pages.campaigns.recent_state import RecentState
from src_dash.ui.pages.campaigns.rows import (
    PROPOSALS_PAGE,
    Chip,
    ProposalRow,
    ReasonRow,
    channel_chips,
    exclusion_columns,
    exclusion_rows,
    exclusions_more,
    level_chips,
    preview_kpis,
    preview_totals,
    proposal_rows,
    reason_rows,
    selected_text,
    words,
)
from src_dash.ui.pages.campaigns.run_state import RunState


class PreviewState(rx.State):
    """The preview shown: its figures, the page of proposals, those unticked, what is left out."""

    previewing: bool = False
    has_preview: bool = False
    kpis: dict[str, str] = {}
    totals: list[str] = []
    channel_chips: list[Chip] = []
    level_chips: list[Chip] = []
    rows: list[ProposalRow] = []
    prop_page: int = 0
    prop_pages: int = 1
    proposals: int = 0
    unchecked: list[str] = []
    checked_text: str = ""
    reasons: list[ReasonRow] = []
    exclusion_header: list[TableColumn] = []
    exclusions: list[dict[str, str]] = []
    exclusions_more: str = ""
    show_exclusions: bool = False
    drafting: bool = False

    _criteria: CampaignCriteria | None = None
    _lines: list[ProposalRow] = []

    @rx.var
    def checked_count(self) -> int:
        """How many proposals are ticked."""
        return max(0, self.proposals - len(self.unchecked))

    async def show(self, criteria: CampaignCriteria) -> None:
        """Plan the campaign on `criteria` as of today and show it."""
        done = await run_service(
            self, campaigns.preview, criteria, catch=(CampaignError,), describe=campaign_error
        )
        if done.signed_out:
            return
        await say(self, done.error)
        if not done.ok:
            self.has_preview = False
            return
        found, fmt = done.value, done.fmt
        self._criteria = criteria
        self._lines = proposal_rows(found, fmt)
        self.proposals = len(self._lines)
        self.unchecked = []
        self.prop_page = 0
        self.kpis = preview_kpis(found, fmt)
        self.totals = preview_totals(found, fmt)
        self.channel_chips = channel_chips(found, fmt)
        self.level_chips = level_chips(found, fmt)
        self.reasons = reason_rows(found, fmt)
        self.exclusion_header = exclusion_columns(fmt.lang)
        self.exclusions = exclusion_rows(found, fmt)
        self.exclusions_more = exclusions_more(found, fmt)
        self.has_preview = True
        self._show_proposals(fmt)

    def _show_proposals(self, fmt: Formats) -> None:
        pages = max(1, -(-len(self._lines) // PROPOSALS_PAGE))
        self.prop_pages = pages
        self.prop_page = max(0, min(self.prop_page, pages - 1))
        start = self.prop_page * PROPOSALS_PAGE
        off = set(self.unchecked)
        self.rows = [
            dataclasses.replace(r, checked=r.key not in off)
            for r in self._lines[start : start + PROPOSALS_PAGE]
        ]
        self.checked_text = selected_text(self.proposals - len(off), self.proposals, fmt)

    @rx.event
    async def run_preview(self):  # noqa: ANN201  (yields to show the spinner)
        """Plan the campaign as of today and show what it would do."""
        criteria = await self.get_state(CriteriaState)
        if criteria.amount_error:
            return
        self.previewing = True
        (await self.get_state(RunState)).run = ""
        yield
        await self.show(criteria.criteria())
        self.previewing = False

    @rx.event
    async def proposals_page(self, step: int) -> None:
        """Show the previous (-1) or next (+1) page of proposals."""
        self.prop_page += int(step)
        self._show_proposals(await current_formats(self))

    @rx.event
    async def toggle_proposal(self, key: str) -> None:
        """Tick or untick a proposal."""
        self.unchecked = sorted(set(self.unchecked) ^ {key})
        self._show_proposals(await current_formats(self))

    @rx.event
    async def check_all(self, value: bool) -> None:
        """Tick (True) or untick (False) every proposal."""
        self.unchecked = [] if value else [r.key for r in self._lines]
        self._show_proposals(await current_formats(self))

    @rx.event
    def toggle_exclusions(self) -> None:
        """Show or hide the customers and items left out, one by one."""
        self.show_exclusions = not self.show_exclusions

    @rx.event
    async def prepare(self):  # noqa: ANN201  (yields to show the spinner, then a toast)
        """Write the ticked proposals as a run whose messages wait for approval."""
        if self._criteria is None:
            return
        off = set(self.unchecked)
        keys = [r.key for r in self._lines if r.key not in off]
        self.drafting = True
        yield
        done = await run_service(
            self,
            campaigns.create_draft,
            self._criteria,
            keys,
            catch=(CampaignError,),
            describe=campaign_error,
        )
        self.drafting = False
        if done.signed_out:
            return
        await say(self, done.error)
        if not done.ok:
            return
        draft, fmt = done.value, done.fmt
        self.has_preview = False
        self._lines, self.rows = [], []
        run = await self.get_state(RunState)
        run.show(draft.run)
        await run.refresh()
        await (await self.get_state(RecentState)).reload()
        if draft.errors:
            await say(
                self, i18n.text("camp.error", fmt.lang).format(detail="; ".join(draft.errors))
            )
        yield rx.toast.success(words(fmt.lang)["camp.drafted"].format(n=fmt.count(draft.messages)))
