"""The preview: key figures, chips per channel and level, the proposals to tick, "Préparer la
campagne", and the reasons and the list of the customers and items left out."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.data_table import data_table
from src_dash.ui.kit.controls import column, customer_link, round_button, row
from src_dash.ui.kit.widgets import kpi_tile, words
from src_dash.ui.pages.campaigns.message_state import MessageState
from src_dash.ui.pages.campaigns.parts import (
    big,
    card,
    channel_and_level,
    chips,
    grey,
    hinted,
    line,
    listed,
    middle,
    small_pager,
    tick,
    title,
)
from src_dash.ui.pages.campaigns.preview_state import PreviewState


def _kpi(key: str, value: rx.Component, note: rx.Var | None = None) -> rx.Component:
    return kpi_tile(words(f"camp.kpi.{key}"), value, f"kpi-{key}", note=note)


def _kpis() -> rx.Component:
    s = PreviewState
    return rx.grid(
        _kpi("messages", big(s.kpis["messages"], id="kpi-messages-value")),
        _kpi("customers", big(s.kpis["customers"]), s.kpis["customers_note"]),
        _kpi("items", big(s.kpis["items"]), s.kpis["items_note"]),
        _kpi(
            "total",
            rx.vstack(
                rx.foreach(s.totals, lambda x: big(x, data_testid="total-line")), spacing="0"
            ),
        ),
        _kpi("excluded", big(s.kpis["excluded"], "orange"), s.kpis["excluded_note"]),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="3",
        width="100%",
        id="preview-kpis",
    )


def _proposal(r: rx.Var) -> rx.Component:
    return line(
        tick(r, lambda _v: PreviewState.toggle_proposal(r.key)),
        middle(
            row(customer_link(r.customer, r.href), *channel_and_level(r)),
            grey(r.subtitle),
            rx.cond(r.to_text != "", grey(r.to_text, word_break="break-all")),
        ),
        rx.vstack(
            rx.text(r.total_text, size="2", weight="bold", white_space="nowrap"),
            grey(r.items_text, white_space="nowrap"),
            align="end",
            spacing="0",
        ),
        round_button(
            "eye",
            "camp.open",
            on_click=MessageState.open_proposal(r.key),
            size="2",
            data_testid="open-proposal",
        ),
        data_testid="proposal",
        data_key=r.key,
        data_channel=r.channel,
    )


def _tick_all(key: str, value: bool, **props) -> rx.Component:  # noqa: ANN003
    return rx.button(
        words(key), on_click=PreviewState.check_all(value), variant="ghost", size="1", **props
    )


def _proposals_head() -> rx.Component:
    s = PreviewState
    return row(
        title("camp.proposals"),
        rx.spacer(),
        rx.cond(
            s.proposals > 0,
            row(
                grey(s.checked_text, "2", id="checked"),
                _tick_all("camp.select_all", True),
                _tick_all("camp.select_none", False, id="uncheck-all"),
            ),
        ),
        width="100%",
    )


def _prepare() -> rx.Component:
    s = PreviewState
    return hinted(
        "camp.draft.hint",
        rx.button(
            rx.icon("file-check", size=16),
            words("camp.draft"),
            rx.badge(s.checked_count, variant="solid", color_scheme="gray"),
            on_click=PreviewState.prepare,
            loading=s.drafting,
            disabled=s.checked_count == 0,
            size="3",
            id="prepare",
        ),
        direction=rx.breakpoints(initial="column-reverse", sm="row"),
    )


def _proposals() -> rx.Component:
    s = PreviewState
    pager = small_pager(s.prop_page, s.prop_pages, PreviewState.proposals_page, "proposals-pager")
    return card(
        _proposals_head(),
        listed(s.rows, _proposal, "camp.proposals.empty", pager, id="proposals"),
        rx.cond(s.proposals > 0, _prepare()),
    )


def _reason(r: rx.Var) -> rx.Component:
    return line(
        middle(
            rx.badge(r.label, color_scheme="orange", variant="soft", white_space="normal"),
            grey(r.count_text),
        ),
        rx.text(r.amount_text, size="2", weight="medium", white_space="nowrap"),
        align="center",
        padding_y="4px",
        rule="var(--gray-a3)",
        data_testid="reason",
        data_reason=r.reason,
    )


def _exclusions_toggle() -> rx.Component:
    s = PreviewState
    return rx.button(
        rx.cond(
            s.show_exclusions, rx.icon("chevron-up", size=14), rx.icon("chevron-down", size=14)
        ),
        rx.cond(s.show_exclusions, words("camp.exclusions.hide"), words("camp.exclusions.show")),
        on_click=PreviewState.toggle_exclusions,
        variant="ghost",
        size="2",
        id="exclusions-toggle",
        aria_expanded=s.show_exclusions,
    )


def _exclusions_list() -> rx.Component:
    s = PreviewState
    return column(
        data_table(
            s.exclusion_header,
            s.exclusions,
            table_id="exclusions",
            empty_text=words("camp.exclusions.empty"),
        ),
        rx.cond(s.exclusions_more != "", grey(s.exclusions_more)),
        spacing="2",
    )


def _exclusions() -> rx.Component:
    s = PreviewState
    return card(
        title("camp.exclusions"),
        listed(s.reasons, _reason, "camp.exclusions.empty", spacing="2", id="reasons"),
        rx.cond(s.exclusions.length() > 0, _exclusions_toggle()),
        rx.cond(s.show_exclusions & (s.exclusions.length() > 0), _exclusions_list()),
        id="exclusions-card",
    )


def preview_section() -> rx.Component:
    """What the campaign would send, and what it leaves out."""
    s = PreviewState
    return column(
        _kpis(),
        chips(s.channel_chips, s.level_chips, id="preview-chips"),
        _proposals(),
        _exclusions(),
        id="preview",
    )
