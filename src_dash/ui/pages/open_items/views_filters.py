"""The filters' panel of "/echeances": company, sales rep, profile, journal, level reached,
grade, state, doubtful receivables, lateness, due dates, residual, the customer's and the
entry's free fields."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.filter_values import ALL, DAY_STEPS
from src_dash.ui.components.filters import (
    Toggle,
    amount_inputs,
    filters_card,
    free_field_filter,
    grade_buttons,
    select_of,
    toggle_buttons,
)
from src_dash.ui.kit.widgets import labelled, select_field, words
from src_dash.ui.pages.open_items.rows import ITEM_STATES, LEVEL_COLORS
from src_dash.ui.pages.open_items.state import OpenItemsState
from src_dash.ui.state import UiState

S = OpenItemsState


def _select(label_key: str, options: rx.Var, name: str, id_: str) -> rx.Component:
    return select_field(
        label_key, options, getattr(S, name), S.set_filter(name), id_, all_key="items.filter.all"
    )


def _choose(label_key: str, items: list[rx.Component], name: str, id_: str) -> rx.Component:
    all_ = rx.select.item(words("items.filter.all"), value=ALL)
    return labelled(label_key, select_of([all_, *items], getattr(S, name), S.set_filter(name), id_))


def _levels() -> rx.Component:
    values: list[Toggle] = [("0", words("items.filter.level0"), "gray")]
    for n in range(1, 6):
        values.append((str(n), rx.cond(UiState.lang == "en", f"L{n}", f"R{n}"), LEVEL_COLORS[n]))
    return toggle_buttons(
        "items.filter.level", values, S.levels, lambda v: S.toggle_in("levels", v), "filter-level",
        size="1",
    )  # fmt: skip


def _days() -> rx.Component:
    items = [
        rx.select.item(words("items.filter.any_days"), value=ALL),
        rx.select.item(words("items.filter.not_due"), value="not_due"),
        *[rx.select.item(words(f"items.days.{d}"), value=d) for d in DAY_STEPS],
    ]
    return labelled(
        "items.filter.days", select_of(items, S.min_days, S.set_filter("min_days"), "filter-days")
    )


def _date_input(name: str, label_key: str) -> rx.Component:
    return rx.input(
        type="date",
        value=getattr(S, name),
        on_change=S.set_filter(name).debounce(400),
        size="2",
        width="100%",
        min_width="0",
        flex="1 1 140px",
        id=f"filter-{name.replace('_', '-')}",
        aria_label=words(label_key),
    )


def _due_range() -> rx.Component:
    # A date input needs about 140px to show its calendar button: side by side when the cell
    # is wide enough, else one under the other (without wrapping, the second one spilled over
    # the next column of the panel on a desktop, four columns).
    return labelled(
        "items.filter.due",
        rx.hstack(
            _date_input("due_from", "items.filter.due"),
            _date_input("due_to", "items.filter.and"),
            spacing="2",
            wrap="wrap",
            width="100%",
            min_width="0",
        ),
    )


def _amounts() -> rx.Component:
    inputs = amount_inputs(
        S.min_amount,
        S.max_amount,
        S.set_filter("min_amount"),
        S.set_filter("max_amount"),
        S.amount_error,
        "items",
    )
    return labelled("items.filter.residual", rx.fragment(*inputs))


def _free_fields() -> list[rx.Component]:
    # The customer's free fields ("free_...") and the entry's ("entry_free_...").
    return [
        free_field_filter(
            f"items.filter.{key}",
            "items.filter.free_none",
            "items.filter.free_value",
            getattr(S, f"{key}_fields"),
            getattr(S, f"{key}_field"),
            getattr(S, f"{key}_value"),
            S.set_filter(f"{key}_field"),
            S.set_filter(f"{key}_value"),
            f"filter-{key.replace('_', '-')}",
        )
        for key in ("free", "entry_free")
    ]


def filters_panel() -> rx.Component:
    """The panel the filters button shows."""
    journals = rx.foreach(S.journal_options, lambda j: rx.select.item(j, value=j))
    states = [rx.select.item(words(f"items.state.{s}"), value=s) for s in ITEM_STATES]
    doubtful = [
        rx.select.item(words(f"items.filter.doubtful.{v}"), value=v) for v in ("only", "without")
    ]
    return filters_card(
        [
            _select("items.filter.company", S.company_options, "company", "filter-company"),
            _select("items.filter.sales_rep", S.rep_options, "sales_rep", "filter-sales-rep"),
            _select("items.filter.profile", S.profile_options, "profile", "filter-profile"),
            _choose("items.filter.journal", [journals], "journal", "filter-journal"),
            _levels(),
            grade_buttons("items.filter.grade", S.grades, lambda g: S.toggle_in("grades", g), "1"),
            _choose("items.filter.state", states, "item_state", "filter-state"),
            _choose("items.filter.doubtful", doubtful, "doubtful", "filter-doubtful"),
            _days(),
            _due_range(),
            _amounts(),
            *_free_fields(),
        ],
        "items.reset",
        S.reset_filters,
    )
