"""The message dialog: a proposal's message rendered now, or a run's message as it is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignError
from src_dash.services.customer_card import message_detail
from src_dash.ui.kit.rows import ShownMessage
from src_dash.ui.kit.service import Done, run_service
from src_dash.ui.pages.campaigns.notice import campaign_error, say
from src_dash.ui.pages.campaigns.preview_state import PreviewState


class MessageState(rx.State):
    """The message shown in the dialog."""

    msg_open: bool = False
    msg: ShownMessage = ShownMessage()

    async def _show(self, done: Done[Any], body: Callable[[Any], tuple[str, str]]) -> None:
        """Say the error of the read, or show the message read (`body`: its HTML and text)."""
        if done.error:
            await say(self, done.error)
        if not done.ok:
            return
        m = done.value
        html, text = body(m)
        to, cc = ", ".join(m.to), ", ".join(m.cc)
        self.msg = ShownMessage(m.subject, m.channel, to, cc, html, text)
        self.msg_open = True

    @rx.event
    async def open_proposal(self, key: str) -> None:
        """Show the message a proposal would send, rendered now."""
        criteria = (await self.get_state(PreviewState))._criteria
        if criteria is None:
            return
        done = await run_service(
            self,
            campaigns.preview_message,
            criteria,
            key,
            catch=(CampaignError,),
            describe=campaign_error,
        )
        await self._show(done, lambda m: (m.html, m.text))

    @rx.event
    async def open_message(self, message_id: int) -> None:
        """Show a message of the run as it is kept (before or after it went)."""
        done = await run_service(self, message_detail, int(message_id), describe=campaign_error)
        await self._show(done, lambda m: (m.body_html, m.body_text))

    @rx.event
    def set_msg_open(self, value: bool) -> None:
        """Close the message."""
        self.msg_open = bool(value)
