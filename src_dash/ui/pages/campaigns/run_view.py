"""The send screen: the run's name and data, its progress, the chips per status, approve /
reject / send, the letters' way to the post, and its messages page by page."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.letter_post import letters_panel
from src_dash.ui.kit.controls import (
    button,
    column,
    customer_link,
    round_button,
    row,
    soft_button,
    text_button,
)
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.campaigns.message_state import MessageState
from src_dash.ui.pages.campaigns.parts import (
    card,
    channel_and_level,
    chips,
    grey,
    line,
    middle,
    small_pager,
    tick,
)
from src_dash.ui.pages.campaigns.run_state import RunState
from src_dash.ui.pages.campaigns.state import CampaignsState


def _subject(r: rx.Var) -> rx.Component:
    """A message's subject opens it; a call's words do not."""
    return rx.cond(
        r.message_id > 0,
        text_button(r.subject, MessageState.open_message(r.message_id), "open-message"),
        grey(r.subject, "2"),
    )


def _row_body(r: rx.Var) -> rx.Component:
    status = rx.badge(
        r.status_label,
        color_scheme=r.status_color,
        variant="solid",
        data_testid="status",
        data_status=r.status,
    )
    return middle(
        row(customer_link(r.customer, r.href), grey(r.subtitle), align="baseline"),
        row(*channel_and_level(r), status),
        _subject(r),
        rx.cond(
            (r.to_text != "") | (r.when != ""),
            rx.text(
                r.to_text,
                rx.cond((r.to_text != "") & (r.when != ""), " · ", ""),
                r.when,
                size="1",
                color_scheme="gray",
                word_break="break-all",
            ),
        ),
        rx.cond(r.answer != "", rx.text(r.answer, size="1", color_scheme="red")),
    )


def _run_row(r: rx.Var) -> rx.Component:
    return line(
        rx.cond(
            CampaignsState.allowed & r.checkable,
            tick(r, lambda _v: RunState.toggle_message(r.message_id)),
            rx.box(width="16px", flex_shrink="0"),
        ),
        _row_body(r),
        rx.text(r.total_text, size="2", weight="bold", white_space="nowrap"),
        data_testid="run-message",
        data_row_id=r.row_id,
        data_status=r.status,
    )


def _approve_buttons() -> rx.Component:
    none_ticked = RunState.run_checked.length() == 0
    return rx.fragment(
        button(
            "check-check", "camp.run.approve_all", on_click=RunState.approve_all, id="approve-all"
        ),
        soft_button(
            "check",
            "camp.run.approve_selected",
            on_click=RunState.approve_selected,
            id="approve-selected",
            disabled=none_ticked,
        ),
        soft_button(
            "ban",
            "camp.run.reject_selected",
            on_click=RunState.reject_selected,
            id="reject-selected",
            disabled=none_ticked,
            color_scheme="red",
        ),
    )


def _run_buttons() -> rx.Component:
    s = RunState
    send = button(
        "send",
        "camp.run.send",
        on_click=RunState.send_run,
        id="send",
        disabled=s.sending,
        loading=s.sending,
        color_scheme="green",
    )
    pdf = soft_button(
        "file-down",
        "camp.run.pdf",
        on_click=RunState.download_letters,
        id="letters-pdf",
        color_scheme="gray",
    )
    return row(
        rx.cond(
            CampaignsState.allowed,
            rx.fragment(
                rx.cond(s.held > 0, _approve_buttons()),
                rx.cond((s.in_flight > 0) | s.sending, send),
            ),
        ),
        rx.cond(s.letters > 0, pdf),
        width="100%",
        id="run-buttons",
    )


def _run_name() -> rx.Component:
    """The run's name, when it was prepared, and the data it is checked against."""
    s = RunState
    return rx.vstack(
        rx.heading(s.run_title, as_="h2", size="4", id="run-title"),
        grey(s.run_subtitle, "2"),
        rx.hstack(
            rx.icon("database", size=14),
            rx.text(s.run_data, size="2"),
            spacing="1",
            align="center",
            color=rx.cond(s.run_data_stale, "var(--orange-11)", "var(--gray-11)"),
            id="run-data",
        ),
        spacing="1",
        min_width="0",
    )


def _run_head() -> rx.Component:
    live = rx.badge(
        rx.spinner(size="1"),
        words("camp.run.live"),
        color_scheme="green",
        variant="soft",
        id="live",
    )
    close = round_button(
        "x",
        "camp.run.close",
        on_click=CampaignsState.close_run,
        variant="ghost",
        color_scheme="gray",
        id="close-run",
    )
    return rx.flex(
        _run_name(),
        rx.spacer(),
        rx.cond(RunState.live, live),
        close,
        spacing="2",
        align="start",
        width="100%",
    )


def _progress() -> rx.Component:
    s = RunState
    return column(
        rx.hstack(
            rx.text(s.progress_text, size="2", weight="medium", id="run-progress"),
            rx.spacer(),
            rx.foreach(s.run_totals, lambda x: rx.text(x, size="2", weight="bold")),
            width="100%",
        ),
        rx.progress(value=s.progress, max=100, width="100%"),
        spacing="2",
    )


def _check_page() -> rx.Component:
    return row(
        rx.checkbox(on_change=RunState.check_page, id="check-page"), grey(words("camp.select_all"))
    )


def run_card() -> rx.Component:
    """The run shown, its messages and what can be done with them."""
    s = RunState
    return card(
        _run_head(),
        _progress(),
        chips(s.run_chips, id="run-chips"),
        _run_buttons(),
        rx.cond(
            s.letters > 0,
            letters_panel(s.run, CampaignsState.allowed, RunState.run_page_step(0)),
        ),
        rx.cond(CampaignsState.allowed & (s.held > 0), _check_page()),
        column(rx.foreach(s.run_rows, _run_row), spacing="0", id="run-messages"),
        small_pager(s.run_page, s.run_pages, RunState.run_page_step, "run-pager"),
        id="run",
    )
