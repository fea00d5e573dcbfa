"""The settings tabs' shared form pieces render their parts, in order, with their ids."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.pages.settings import common


class _S(rx.State):
    on: bool = False
    error: str = ""
    items: list[str] = []

    @rx.event
    def flip(self) -> None:
        self.on = not self.on


def _render(component: rx.Component) -> str:
    return str(component.render())


def test_form_section_draws_heading_fields_error_and_button_in_order():
    out = _render(
        common.form_section(
            "set.us.new",
            (rx.input(id="f-one"), rx.input(id="f-two")),
            rx.text("more", id="f-more"),
            submit=rx.button("go", id="f-go"),
            error=_S.error,
            error_id="f-error",
            section_id="f-section",
            columns=rx.breakpoints(initial="1", lg="4"),
        )
    )
    places = [out.index(f'"{i}"') for i in ("f-one", "f-two", "f-more", "f-error", "f-go")]
    assert places == sorted(places)
    assert '"f-section"' in out and '"4"' in out


def test_field_grid_is_two_columns_from_a_small_screen_by_default():
    out = _render(common.field_grid(rx.input(), id="g"))
    assert '"sm"' in out and '"2"' in out and '"g"' in out


def test_card_grid_draws_a_card_per_item():
    out = _render(common.card_grid(_S.items, lambda i: rx.card(i), "cards"))
    assert '"cards"' in out and "lg" in out


def test_check_label_wraps_its_control_and_words_in_one_label():
    out = _render(common.check_label(rx.switch(checked=_S.on, id="sw"), "set.save", size="1"))
    assert '"label"' in out and '"sw"' in out
    assert "Enregistrer" in out and "Save" in out
