"""The criteria's card: the selects, the grades, the minimum amount, the items chosen on the
open items page, "Réinitialiser" and "Prévisualiser"."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import button, buttons, column, ghost_button, row, toggle_button
from src_dash.ui.kit.widgets import labelled, select_field, words
from src_dash.ui.pages.campaigns.criteria_state import CriteriaState
from src_dash.ui.pages.campaigns.parts import card, grey, hinted, title
from src_dash.ui.pages.campaigns.preview_state import PreviewState
from src_dash.ui.pages.campaigns.rows import ALL, DAY_STEPS, GRADES, LEVELS


def _grades() -> rx.Component:
    def grade(letter: str) -> rx.Component:
        on = CriteriaState.grades.contains(letter)
        return toggle_button(
            letter, pressed=on, on_click=CriteriaState.toggle_grade(letter), id=f"grade-{letter}"
        )

    return labelled("camp.grades", rx.hstack(*[grade(g) for g in GRADES], spacing="1"))


def _items_chip() -> rx.Component:
    return rx.cond(
        CriteriaState.items.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("list-checks")),
            row(
                rx.text(
                    rx.text.span(CriteriaState.items.length(), weight="bold"),
                    " ",
                    words("camp.items_chosen"),
                    size="2",
                    id="items-chosen",
                ),
                ghost_button(
                    "x", "camp.items_clear", on_click=CriteriaState.clear_items, id="items-clear"
                ),
                spacing="3",
            ),
            width="100%",
            size="1",
        ),
    )


def _choice(label_key: str, name: str, options: rx.Var, id_: str, all_key: str = "camp.all"):  # noqa: ANN202
    return select_field(
        label_key,
        options,
        getattr(CriteriaState, name),
        lambda value: CriteriaState.set_choice(name, value),
        id_,
        all_key=all_key,
    )


def _fixed_select(name: str, all_key: str, items: list[tuple[str, rx.Var | str]], id_: str):  # noqa: ANN202
    """A select over a fixed list of (value, words), "all" first."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=id_),
        rx.select.content(
            rx.select.item(words(all_key), value=ALL),
            *[rx.select.item(label, value=value) for value, label in items],
        ),
        value=getattr(CriteriaState, name),
        on_change=lambda value: CriteriaState.set_choice(name, value),
    )


def _level() -> rx.Component:
    """The level, "forced" when items were chosen (they are sent at that level)."""
    caption = rx.cond(
        CriteriaState.items.length() > 0, words("camp.level.forced"), words("camp.level")
    )
    levels = [(lv, words(f"camp.level.{lv}")) for lv in LEVELS]
    return column(
        grey(caption),
        _fixed_select("level", "camp.any_level", levels, "crit-level"),
        spacing="1",
        min_width="0",
    )


def _fields() -> rx.Component:
    s = CriteriaState
    return rx.grid(
        _choice("camp.scenario", "scenario", s.scenario_options, "crit-scenario"),
        _choice("camp.company", "company", s.company_options, "crit-company", "camp.all_f"),
        _choice("camp.sales_rep", "sales_rep", s.rep_options, "crit-sales-rep"),
        _grades(),
        labelled(
            "camp.min_amount",
            rx.input(
                value=s.min_amount,
                on_change=s.set_min_amount.debounce(300),
                placeholder="0",
                inputmode="decimal",
                color_scheme=rx.cond(s.amount_error, "red", "gray"),
                width="100%",
                id="crit-min-amount",
            ),
        ),
        labelled(
            "camp.min_days",
            _fixed_select(
                "min_days", "camp.all", [(d, f"≥ {d}") for d in DAY_STEPS], "crit-min-days"
            ),
        ),
        _level(),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="3",
        width="100%",
    )


def _buttons() -> rx.Component:
    reset = ghost_button(
        "eraser",
        "camp.reset",
        size="2",
        color_scheme="gray",
        on_click=CriteriaState.reset_criteria,
        id="crit-reset",
    )
    preview = button(
        "eye",
        "camp.preview",
        on_click=PreviewState.run_preview,
        loading=PreviewState.previewing,
        disabled=CriteriaState.amount_error,
        id="run-preview",
    )
    return hinted(
        "camp.intro",
        buttons(
            reset,
            preview,
            spacing="3",
            align="center",
            width=rx.breakpoints(initial="100%", sm="auto"),
        ),
        align=rx.breakpoints(initial="stretch", sm="center"),
    )


def criteria_card() -> rx.Component:
    """The criteria of the campaign."""
    return card(title("camp.criteria"), _items_chip(), _fields(), _buttons(), id="criteria")
