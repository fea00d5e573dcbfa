"""The worklist's day in sections: today, late, côté client, coming, done today. On a tablet or
a desktop every section shows (two columns on a wide screen); on a phone, one at a time under a
row of tabs with their counts."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import column, customer_link, row
from src_dash.ui.kit.widgets import item_card, words
from src_dash.ui.pages.worklist.cards import work_rows
from src_dash.ui.pages.worklist.state import WorklistState

# Below this width the sections are tabs (Reflex's "md" breakpoint).
PHONE_MEDIA = "@media screen and (max-width: 47.99em)"
# (key, icon, colour) of each section, in the order of the tabs.
SECTIONS = (
    ("today", "calendar-check", "blue"),
    ("late", "clock-alert", "red"),
    ("client", "user-round", "violet"),
    ("upcoming", "calendar-range", "teal"),
    ("done", "circle-check-big", "green"),
)


def _count(key: str) -> rx.Var[str]:
    s = WorklistState
    return {
        "today": s.due_today,
        "late": s.late,
        "upcoming": s.upcoming,
        "done": s.done_count,
        "client": s.client_count,
    }[key]


def _tab(key: str, icon: str, color: str) -> rx.Component:
    chosen = WorklistState.section == key
    return rx.button(
        rx.icon(icon, size=14),
        words(f"work.section.{key}"),
        rx.badge(_count(key), color_scheme=color, variant="solid", radius="full"),
        variant=rx.cond(chosen, "solid", "soft"),
        color_scheme=rx.cond(chosen, "indigo", "gray"),
        size="2",
        on_click=WorklistState.set_section(key),
        data_testid="section-tab",
        data_section=key,
        aria_pressed=rx.cond(chosen, "true", "false"),
    )


def section_tabs() -> rx.Component:
    """The phone's tabs, one per section with its count (hidden on wider screens)."""
    return rx.flex(
        *[_tab(*section) for section in SECTIONS],
        wrap="wrap",
        gap="var(--space-2)",
        width="100%",
        role="tablist",
        aria_label=words("work.sections"),
        display=rx.breakpoints(initial="flex", md="none"),
        id="section-tabs",
    )


def _section(key: str, icon: str, color: str, body: rx.Component, rows: rx.Var) -> rx.Component:
    """A section under its heading and count, or its "nothing" line; on a phone, shown only
    when its tab is chosen."""
    return rx.box(
        column(
            row(
                rx.icon(icon, size=20, color=f"var(--{color}-11)"),
                rx.heading(words(f"work.section.{key}"), as_="h2", size="5"),
                rx.badge(_count(key), color_scheme=color, variant="soft", radius="full", size="2"),
                data_testid="section-heading",
            ),
            rx.cond(
                rows.length() > 0,
                body,
                rx.text(
                    words(f"work.empty.{key}"),
                    size="2",
                    color_scheme="gray",
                    data_testid="section-empty",
                ),
            ),
            spacing="2",
        ),
        width="100%",
        min_width="0",
        data_testid="work-section",
        data_section=key,
        style={PHONE_MEDIA: {"display": rx.cond(WorklistState.section == key, "block", "none")}},
    )


def _done_line(r: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(r.time, size="1", color_scheme="gray", min_width="3.2em"),
        rx.icon(r.icon, size=16, color="var(--green-11)"),
        rx.vstack(
            row(
                rx.text(r.label, size="2", weight="medium"),
                customer_link(r.customer, r.href),
                spacing="1",
            ),
            rx.cond(r.detail != "", rx.text(r.detail, size="1", color_scheme="gray")),
            spacing="0",
            min_width="0",
        ),
        align="start",
        spacing="2",
        width="100%",
        padding_y="4px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="done-item",
        data_what=r.key,
    )


def _done_list() -> rx.Component:
    return rx.vstack(rx.foreach(WorklistState.done_rows, _done_line), spacing="0", width="100%")


def _client_card(r: rx.Var) -> rx.Component:
    lines = (
        row(
            customer_link(r.customer, r.href, size="3"),
            rx.badge(rx.icon(r.icon, size=12), r.label, color_scheme=r.color, variant="soft"),
        ),
        rx.text(r.subtitle, " · ", r.when, size="1", color_scheme="gray"),
        rx.cond(r.detail != "", rx.text(r.detail, size="2", data_testid="client-detail")),
    )
    return item_card(
        lines,
        rx.button(
            rx.icon("check", size=16),
            words("work.client.handle"),
            on_click=WorklistState.handle_client(r.event_id),
            loading=WorklistState.handling == r.event_id,
            variant="soft",
            width=rx.breakpoints(initial="100%", sm="auto"),
            data_testid="client-handle",
        ),
        testid="client-item",
        data_event_id=r.event_id,
        data_kind=r.kind,
    )


def _client_list() -> rx.Component:
    return column(rx.foreach(WorklistState.client_rows, _client_card), spacing="2")


def day_sections() -> rx.Component:
    """The tabs (phone) and the five sections: today and late on the left, côté client, coming
    and done on the right of a wide screen."""
    s = WorklistState
    today = _section("today", *SECTIONS[0][1:], work_rows(s.rows, "worklist"), s.rows)
    late = _section("late", *SECTIONS[1][1:], work_rows(s.late_rows, "worklist-late"), s.late_rows)
    client = _section("client", *SECTIONS[2][1:], _client_list(), s.client_rows)
    upcoming = _section(
        "upcoming", *SECTIONS[3][1:], work_rows(s.upcoming_rows, "worklist-upcoming"),
        s.upcoming_rows,
    )  # fmt: skip
    done = _section("done", *SECTIONS[4][1:], _done_list(), s.done_rows)
    return column(
        section_tabs(),
        rx.grid(
            column(today, late, spacing="5", min_width="0"),
            column(client, upcoming, done, spacing="5", min_width="0"),
            columns=rx.breakpoints(initial="1", lg="2"),
            # On a phone one section shows: no gap after the column whose sections are hidden.
            gap=rx.breakpoints(initial="0", md="var(--space-5)"),
            width="100%",
            align_items="start",
        ),
        spacing="4",
    )
