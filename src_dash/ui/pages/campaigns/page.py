"""The page /campagnes: its title and day, the error line, then the criteria and the preview,
or the run opened, and the recent runs."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.kit.controls import column
from src_dash.ui.kit.widgets import error_notice, loading, notice, words
from src_dash.ui.pages.campaigns.criteria_view import criteria_card
from src_dash.ui.pages.campaigns.message_view import message_box
from src_dash.ui.pages.campaigns.notice import NoticeState
from src_dash.ui.pages.campaigns.preview_state import PreviewState
from src_dash.ui.pages.campaigns.preview_view import preview_section
from src_dash.ui.pages.campaigns.recent_view import recent_card
from src_dash.ui.pages.campaigns.run_state import RunState
from src_dash.ui.pages.campaigns.run_view import run_card
from src_dash.ui.pages.campaigns.state import CampaignsState


def _error() -> rx.Component:
    return error_notice(NoticeState.error, "campaign-error")


def _screens() -> rx.Component:
    s, no_run = CampaignsState, RunState.run == ""
    return column(
        rx.cond(
            s.allowed,
            rx.cond(no_run, criteria_card()),
            notice("lock", words("camp.denied"), "campaigns-denied", "gray"),
        ),
        rx.cond(
            no_run,
            rx.cond(s.allowed & PreviewState.has_preview, preview_section()),
            run_card(),
        ),
        rx.cond(no_run, recent_card()),
        spacing="4",
    )


def campaigns_page() -> rx.Component:
    """Dunning campaigns: criteria, preview, draft run, approval, sending, live delivery."""
    s = CampaignsState
    return page_frame(
        column(
            rx.vstack(
                page_title(words("camp.title")),
                as_of_line(words("camp.as_of"), s.as_of),
                spacing="1",
            ),
            _error(),
            loading(s.loaded, _screens()),
            message_box(),
            spacing="4",
        ),
        on_lang_change=CampaignsState.load,
    )
