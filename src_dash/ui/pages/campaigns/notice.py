"""The error line at the top of /campagnes, and the words for what a campaign step raised: every
state of the page says its errors there."""

from __future__ import annotations

import logging

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.services.campaigns import CampaignError
from src_dash.ui import i18n

logger = logging.getLogger(__name__)


def campaign_error(exc: Exception, lang: str) -> str:
    """The words for an error a service raised: a refusal, a campaign's own error with its
    detail, else the store did not answer (logged)."""
    if isinstance(exc, AccessDenied):
        return i18n.text("camp.error.denied", lang)
    if isinstance(exc, CampaignError):
        return i18n.text("camp.error", lang).format(detail=str(exc))
    logger.error("a campaign step failed: %s", exc)
    return i18n.text("camp.error.store", lang)


class NoticeState(rx.State):
    """The error shown above the page ("" when none)."""

    error: str = ""


async def say(state: rx.State, error: str) -> None:
    """Show `error` above the page ("" clears it)."""
    (await state.get_state(NoticeState)).error = error
