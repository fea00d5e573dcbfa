"""The message dialog: a proposal's message rendered now, or a run's message as it is kept."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignError
from src_dash.services.customer_card import message_detail
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.campaigns.notice import campaign_error, say
from src_dash.ui.pages.campaigns.preview_state import PreviewState


class MessageState(rx.State):
    """The message shown in the dialog."""

    msg_open: bool = False
    msg_subject: str = ""
    msg_channel: str = ""
    msg_to: str = ""
    msg_cc: str = ""
    msg_html: str = ""
    msg_text: str = ""

    def _show(
        self, subject: str, channel: str, to: Sequence[str], cc: Sequence[str], html: str, text: str
    ) -> None:
        self.msg_subject, self.msg_channel = subject, channel
        self.msg_to, self.msg_cc = ", ".join(to), ", ".join(cc)
        self.msg_html, self.msg_text = html, text
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
        if done.error:
            await say(self, done.error)
        if done.ok:
            m = done.value
            self._show(m.subject, m.channel, m.to, m.cc, m.html, m.text)

    @rx.event
    async def open_message(self, message_id: int) -> None:
        """Show a message of the run as it is kept (before or after it went)."""
        done = await run_service(self, message_detail, int(message_id), describe=campaign_error)
        if done.error:
            await say(self, done.error)
        if done.ok:
            m = done.value
            self._show(m.subject, m.channel, m.to, m.cc, m.body_html, m.body_text)

    @rx.event
    def set_msg_open(self, value: bool) -> None:
        """Close the message."""
        self.msg_open = bool(value)
