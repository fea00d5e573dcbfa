"""The recent runs listed under the criteria."""

from __future__ import annotations

import reflex as rx

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignError
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.campaigns.notice import campaign_error
from src_dash.ui.pages.campaigns.rows import RecentRow, recent_rows

RECENT_RUNS = 8


class RecentState(rx.State):
    """The last runs prepared, formatted."""

    recent: list[RecentRow] = []

    async def reload(self) -> str:
        """Read the recent runs again; the error in words ("" when none or signed out)."""
        done = await run_service(
            self,
            campaigns.recent_runs,
            RECENT_RUNS,
            catch=(CampaignError,),
            describe=campaign_error,
        )
        if done.ok:
            self.recent = recent_rows(done.value, done.fmt)
        return done.error
