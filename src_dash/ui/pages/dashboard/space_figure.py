"""The dashboard's "clients actifs sur leur espace": how many customers of the viewer's scope used
their space (espace client) lately, live with the other figures (refreshed on the same poll)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import row
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.dashboard.state import DashboardState


def space_figure() -> rx.Component:
    """A slim card under the KPIs: the count, its words and the period."""
    return rx.card(
        row(
            rx.icon("globe", size=16, color="var(--indigo-9)"),
            rx.text(words("dash.space"), size="2"),
            rx.text(
                DashboardState.kpis["space"],
                weight="bold",
                size="4",
                id="space-active-value",
            ),
            rx.text("(", DashboardState.hints["space"], ")", size="1", color_scheme="gray"),
        ),
        id="space-active",
        width="100%",
        size="1",
    )
