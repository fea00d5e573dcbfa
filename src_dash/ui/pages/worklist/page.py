"""The worklist's page: its head, the day in sections (or why there is none for this role), and
the call sheet."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.layout import loaded_page
from src_dash.ui.kit.widgets import error_notice, live_clock, notice, words
from src_dash.ui.pages.worklist.cards import worklist_header
from src_dash.ui.pages.worklist.day_view import day_sections
from src_dash.ui.pages.worklist.sheet import sheet_dialog
from src_dash.ui.pages.worklist.state import WorklistState


def worklist_page() -> rx.Component:
    """The worklist: today's, late and coming actions by kind (each opening its call sheet),
    what customers did in their space, and what was done today."""
    s = WorklistState
    return loaded_page(
        worklist_header(),
        error_notice(s.error),
        loaded=s.loaded,
        content=rx.cond(
            s.allowed,
            day_sections(),
            notice("lock", words("work.denied"), "worklist-denied", "gray"),
        ),
        on_lang_change=s.load,
        extra=(sheet_dialog(), live_clock(s.poll)),
    )
