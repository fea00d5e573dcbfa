"""The card kept live, as the dashboard is: every second, when the store's data version moved
(a colleague's change, a customer's action in their space, a sync), the card and its space
section are read again, leaving open whatever dialog the viewer has open."""

from __future__ import annotations

import asyncio

import reflex as rx

from src_dash.services.dashboard import store_version
from src_dash.store.engine import get_engine
from src_dash.ui.kit.widgets import live_clock
from src_dash.ui.pages.customer.space_state import CardSpaceState
from src_dash.ui.pages.customer.state import CardState

# Every second: what a customer does in their space shows on the collector's open card within
# 2 s (one indexed read of the data version per poll; the card is read again only when it moved).
CARD_POLL_MS = 1000


class CardLiveState(rx.State):
    """The poll of the card's data version."""

    @rx.event
    async def poll(self, _tick: str = "") -> None:
        """Read the card again when the store changed since it was read."""
        card = await self.get_state(CardState)
        if not (card.loaded and card.found):
            return
        if await asyncio.to_thread(store_version, get_engine()) == card._version:
            return
        await card._reload()  # noqa: SLF001  (the card's own reload, dialogs left as they are)
        space = await self.get_state(CardSpaceState)
        if space.loaded:
            await space._reload()  # noqa: SLF001


def live_poller() -> rx.Component:
    """The invisible clock that polls while the card is shown."""
    return live_clock(CardLiveState.poll, CARD_POLL_MS)
