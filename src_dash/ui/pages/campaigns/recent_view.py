"""The recent runs: their names, when they were prepared, their counts per status."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.campaigns.parts import chip, grey, line, middle
from src_dash.ui.pages.campaigns.recent_state import RecentState
from src_dash.ui.pages.campaigns.state import CampaignsState


def _row(r: rx.Var) -> rx.Component:
    return line(
        middle(
            rx.text(r.title, size="2", weight="medium"),
            grey(r.subtitle),
            rx.flex(rx.foreach(r.chips, chip), spacing="1", wrap="wrap"),
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
    return rx.card(
        rx.vstack(
            rx.heading(words("camp.recent"), as_="h2", size="3"),
            rx.cond(
                RecentState.recent.length() > 0,
                rx.vstack(rx.foreach(RecentState.recent, _row), spacing="0", width="100%"),
                grey(words("camp.recent.empty"), "2"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="recent-runs",
    )
