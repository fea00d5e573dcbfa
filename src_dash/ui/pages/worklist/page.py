"""The worklist's page: its head, the actions or why there are none, and the call sheet."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.layout import page_frame
from src_dash.ui.kit.widgets import error_notice, loading, notice, words
from src_dash.ui.pages.worklist.cards import work_rows, worklist_header
from src_dash.ui.pages.worklist.sheet import sheet_dialog
from src_dash.ui.pages.worklist.state import WorklistState


def worklist_page() -> rx.Component:
    """The worklist: today's and late actions by kind, each opening its call sheet."""
    s = WorklistState
    return page_frame(
        rx.vstack(
            worklist_header(),
            error_notice(s.error),
            loading(
                s.loaded,
                rx.cond(
                    s.allowed,
                    rx.cond(
                        s.rows.length() > 0,
                        work_rows(),
                        notice("party-popper", words("work.empty"), "worklist-empty"),
                    ),
                    notice("lock", words("work.denied"), "worklist-denied", "gray"),
                ),
            ),
            sheet_dialog(),
            spacing="4",
            width="100%",
        ),
        on_lang_change=s.load,
    )
