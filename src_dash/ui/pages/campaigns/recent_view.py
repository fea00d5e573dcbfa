"""The recent runs: their names, when they were prepared, their counts per status."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.campaigns.parts import card, chips, grey, line, listed, middle, title
from src_dash.ui.pages.campaigns.recent_state import RecentState
from src_dash.ui.pages.campaigns.state import CampaignsState


def _row(r: rx.Var) -> rx.Component:
    return line(
        middle(
            rx.text(r.title, size="2", weight="medium"),
            grey(r.subtitle),
            chips(r.chips, spacing="1"),
        ),
        rx.button(
            words("camp.recent.open"),
            rx.icon("chevron-right", size=14),
            on_click=CampaignsState.open_run(r.run),
            variant="soft",
            size="2",
            data_testid="open-run",
        ),
        align="center",
        padding_y="8px",
        data_testid="recent-run",
        data_run=r.run,
    )


def recent_card() -> rx.Component:
    """The last runs prepared, each with a button to open it."""
    return card(
        title("camp.recent"),
        listed(RecentState.recent, _row, "camp.recent.empty"),
        spacing="2",
        id="recent-runs",
    )
