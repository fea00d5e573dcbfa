"""The worklist's page: its head, the actions or why there are none, and the call sheet."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.layout import loaded_page
from src_dash.ui.kit.widgets import error_notice, notice, words
from src_dash.ui.pages.worklist.cards import work_rows, worklist_header
from src_dash.ui.pages.worklist.sheet import sheet_dialog
from src_dash.ui.pages.worklist.state import WorklistState


def worklist_page() -> rx.Component:
    """The worklist: today's and late actions by kind, each opening its call sheet."""
    s = WorklistState
    return loaded_page(
        worklist_header(),
        error_notice(s.error),
        loaded=s.loaded,
        content=rx.cond(
            s.allowed,
            rx.cond(
                s.rows.length() > 0,
                work_rows(),
                notice("party-popper", words("work.empty"), "worklist-empty"),
            ),
            notice("lock", words("work.denied"), "worklist-denied", "gray"),
        ),
        on_lang_change=s.load,
        extra=(sheet_dialog(),),
    )
