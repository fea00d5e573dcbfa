"""The send screen: the run's name and data, its progress, the chips per status, approve /
reject / send, the letters' way to the post, and its messages page by page."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.letter_post import letters_panel
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.campaigns.message_state import MessageState
from src_dash.ui.pages.campaigns.parts import (
    channel_icon,
    chip,
    customer_link,
    grey,
    line,
    middle,
    small_pager,
)
from src_dash.ui.pages.campaigns.run_state import RunState
from src_dash.ui.pages.campaigns.state import CampaignsState


def _subject(r: rx.Var) -> rx.Component:
    """A message's subject opens it; a call's words do not."""
    return rx.cond(
        r.message_id > 0,
        rx.el.button(
            rx.text(r.subject, size="2", color_scheme="indigo", text_align="left"),
            on_click=MessageState.open_message(r.message_id),
            type="button",
            style={"all": "unset", "cursor": "pointer", "maxWidth": "100%"},
            data_testid="open-message",
        ),
        grey(r.subject, "2"),
    )


def _row_body(r: rx.Var) -> rx.Component:
    return middle(
        rx.hstack(
            customer_link(r),
            grey(r.subtitle),
            spacing="2",
            align="baseline",
            wrap="wrap",
        ),
        rx.hstack(
            rx.badge(channel_icon(r.channel), r.channel_label, color_scheme="indigo"),
            rx.badge(r.level_label, variant="outline"),
            rx.badge(
                r.status_label,
                color_scheme=r.status_color,
                variant="solid",
                data_testid="status",
                data_status=r.status,
            ),
            spacing="2",
            wrap="wrap",
        ),
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
            rx.checkbox(
                checked=r.checked,
                on_change=lambda _v: RunState.toggle_message(r.message_id),
                size="2",
                margin_top="3px",
                aria_label=r.title,
            ),
            rx.box(width="16px", flex_shrink="0"),
        ),
        _row_body(r),
        rx.text(r.total_text, size="2", weight="bold", white_space="nowrap"),
        data_testid="run-message",
        data_row_id=r.row_id,
        data_status=r.status,
    )


def _button(icon: str, key: str, on_click: rx.EventHandler, id_: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.button(rx.icon(icon, size=16), words(key), on_click=on_click, id=id_, **props)


def _approve_buttons() -> rx.Component:
    none_ticked = RunState.run_checked.length() == 0
    return rx.fragment(
        _button("check-check", "camp.run.approve_all", RunState.approve_all, "approve-all"),
        _button(
            "check",
            "camp.run.approve_selected",
            RunState.approve_selected,
            "approve-selected",
            disabled=none_ticked,
            variant="soft",
        ),
        _button(
            "ban",
            "camp.run.reject_selected",
            RunState.reject_selected,
            "reject-selected",
            disabled=none_ticked,
            variant="soft",
            color_scheme="red",
        ),
    )


def _run_buttons() -> rx.Component:
    s = RunState
    send = _button(
        "send",
        "camp.run.send",
        RunState.send_run,
        "send",
        disabled=s.sending,
        loading=s.sending,
        color_scheme="green",
    )
    pdf = _button(
        "file-down",
        "camp.run.pdf",
        RunState.download_letters,
        "letters-pdf",
        variant="soft",
        color_scheme="gray",
    )
    return rx.flex(
        rx.cond(
            CampaignsState.allowed,
            rx.fragment(
                rx.cond(s.held > 0, _approve_buttons()),
                rx.cond((s.in_flight > 0) | s.sending, send),
            ),
        ),
        rx.cond(s.letters > 0, pdf),
        spacing="2",
        wrap="wrap",
        width="100%",
        id="run-buttons",
    )


def _run_head() -> rx.Component:
    s = RunState
    return rx.flex(
        rx.vstack(
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
        ),
        rx.spacer(),
        rx.cond(
            s.live,
            rx.badge(
                rx.spinner(size="1"),
                words("camp.run.live"),
                color_scheme="green",
                variant="soft",
                id="live",
            ),
        ),
        rx.icon_button(
            rx.icon("x", size=16),
            on_click=CampaignsState.close_run,
            variant="ghost",
            color_scheme="gray",
            aria_label=words("camp.run.close"),
            id="close-run",
        ),
        spacing="2",
        align="start",
        width="100%",
    )


def _progress() -> rx.Component:
    s = RunState
    return rx.vstack(
        rx.hstack(
            rx.text(s.progress_text, size="2", weight="medium", id="run-progress"),
            rx.spacer(),
            rx.foreach(s.run_totals, lambda x: rx.text(x, size="2", weight="bold")),
            width="100%",
        ),
        rx.progress(value=s.progress, max=100, width="100%"),
        spacing="2",
        width="100%",
    )


def _check_page() -> rx.Component:
    return rx.hstack(
        rx.checkbox(on_change=RunState.check_page, id="check-page"),
        grey(words("camp.select_all")),
        spacing="2",
        align="center",
    )


def run_card() -> rx.Component:
    """The run shown, its messages and what can be done with them."""
    s = RunState
    return rx.card(
        rx.vstack(
            _run_head(),
            _progress(),
            rx.flex(rx.foreach(s.run_chips, chip), spacing="2", wrap="wrap", id="run-chips"),
            _run_buttons(),
            rx.cond(
                s.letters > 0,
                letters_panel(s.run, CampaignsState.allowed, RunState.run_page_step(0)),
            ),
            rx.cond(CampaignsState.allowed & (s.held > 0), _check_page()),
            rx.vstack(
                rx.foreach(s.run_rows, _run_row), spacing="0", width="100%", id="run-messages"
            ),
            small_pager(s.run_page, s.run_pages, RunState.run_page_step, "run-pager"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="run",
    )
