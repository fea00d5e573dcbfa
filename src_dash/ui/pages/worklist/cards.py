"""The worklist's head (title, counts, "only mine", refresh) and its actions, one card each
under the heading of their kind."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.layout import title_bar
from src_dash.ui.kit.controls import column, customer_link, row
from src_dash.ui.kit.widgets import item_card, refresh_button, switch_field, words
from src_dash.ui.pages.worklist.rows import KIND_ICONS
from src_dash.ui.pages.worklist.state import WorklistState


def _kind_icon(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        *[
            (k, rx.icon(icon, size=18, color="var(--accent-11)"))
            for k, icon in KIND_ICONS.items()
            if k != "other"
        ],
        rx.icon("list", size=18, color="var(--accent-11)"),
    )


def _group_heading(r: rx.Var) -> rx.Component:
    return row(
        _kind_icon(r.kind),
        rx.heading(r.group_label, as_="h2", size="4"),
        rx.badge(r.group_count, variant="soft", radius="full"),
        padding_top="8px",
        data_testid="work-group",
        data_kind=r.kind,
    )


def _title_line(r: rx.Var) -> rx.Component:
    return row(
        customer_link(r.customer, r.href, size="3"),
        rx.badge(
            rx.cond(r.late, rx.icon("clock-alert", size=12), rx.icon("clock", size=12)),
            r.due_text,
            color_scheme=rx.cond(r.late, "red", "blue"),
            variant="soft",
            data_testid="due-badge",
        ),
        rx.cond(r.level_text != "", rx.badge(r.level_text, variant="outline")),
        rx.cond(r.kind_text != "", rx.badge(r.kind_text, variant="surface", color_scheme="gray")),
        _markers(r),
    )


def _markers(r: rx.Var) -> rx.Component:
    """The marks of a customer with comments or a next action planned."""
    return rx.fragment(
        rx.cond(
            r.comments_text != "",
            rx.badge(
                rx.icon("message-square", size=12),
                r.comments_text,
                color_scheme="violet",
                variant="soft",
                data_testid="marker-comments",
            ),
        ),
        rx.cond(
            r.next_text != "",
            rx.badge(
                rx.icon("calendar-clock", size=12),
                r.next_text,
                color_scheme="teal",
                variant="soft",
                data_testid="marker-next",
            ),
        ),
    )


def _work_card(r: rx.Var) -> rx.Component:
    lines = (
        _title_line(r),
        rx.text(r.subtitle, " · ", r.assigned_text, size="1", color_scheme="gray"),
        rx.cond(
            r.items_text != "",
            rx.text(r.items_text, " · ", rx.text.span(r.amount_text, weight="bold"), size="2"),
        ),
        rx.cond(
            r.promise_text != "",
            rx.text(r.promise_text, size="2", color_scheme="amber"),
        ),
        rx.cond(
            r.note != "",
            rx.text(r.note, size="2", color_scheme="gray", font_style="italic"),
        ),
    )
    return item_card(
        lines,
        rx.button(
            rx.cond(r.kind == "call", rx.icon("phone", size=16), rx.icon("circle-check", size=16)),
            rx.cond(r.kind == "call", words("work.sheet"), words("work.open")),
            on_click=WorklistState.open_sheet(r.action_id),
            width=rx.breakpoints(initial="100%", sm="auto"),
            data_testid="open-sheet",
        ),
        testid="work-item",
        data_action_id=r.action_id,
        data_kind=r.kind,
    )


def work_rows(rows: rx.Var, id_: str) -> rx.Component:
    """Open actions, each kind under its heading (when the rows carry one)."""
    return column(
        rx.foreach(
            rows,
            lambda r: rx.fragment(
                rx.cond(r.first_of_group, _group_heading(r)),
                _work_card(r),
            ),
        ),
        spacing="2",
        id=id_,
    )


def _count(icon: str, value: rx.Var[str], value_id: str, key: str, color: str) -> rx.Component:
    return rx.badge(
        rx.icon(icon, size=14),
        rx.text.span(value, weight="bold", id=value_id),
        words(key),
        color_scheme=color,
        size="2",
        # On a phone the sections' tabs carry the counts.
        display=rx.breakpoints(initial="none", md="inline-flex"),
    )


def worklist_header() -> rx.Component:
    """The title and the day; for those who work the accounts, the counts, the "only mine"
    switch and the refresh button."""
    s = WorklistState
    return title_bar(
        words("work.title"),
        (words("work.as_of"), s.as_of),
        rx.cond(
            s.allowed,
            row(
                _count("calendar-check", s.due_today, "count-today", "work.due_today", "blue"),
                _count("clock-alert", s.late, "count-late", "work.late", "red"),
                switch_field("work.mine_only", s.only_mine, s.set_only_mine, "only-mine"),
                refresh_button(s.load, "work.refresh", "worklist-refresh"),
                spacing="3",
            ),
        ),
        gap="var(--space-3)",
    )
