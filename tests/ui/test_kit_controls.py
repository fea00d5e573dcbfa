"""The kit's controls render with the house style and let a call override it."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit import controls


class _S(rx.State):
    on: bool = False
    label: str = "x"

    @rx.event
    def flip(self) -> None:
        self.on = not self.on


def _render(component: rx.Component) -> str:
    return str(component.render())


def test_button_has_its_icon_and_the_words_of_its_key():
    out = _render(controls.ghost_button("pencil", "set.save", on_click=_S.flip, id="b"))
    assert "LucidePencil" in out
    assert "Enregistrer" in out and "Save" in out
    assert 'variant:"ghost"' in out


def test_a_call_overrides_the_house_style():
    out = _render(controls.soft_button("save", _S.label, variant="solid"))
    assert '"solid"' in out and '"soft"' not in out


def test_table_heads_its_columns_and_scrolls_sideways():
    out = _render(
        controls.table(
            ("set.save", controls.header_cell("set.cancel", right=True)),
            rx.foreach(["a"], lambda x: rx.table.row(rx.table.cell(x))),
            id="t",
        )
    )
    assert "Enregistrer" in out and "Annuler" in out
    assert "right" in out and "auto" in out


def test_dialog_with_state_or_trigger():
    held = _render(controls.dialog("set.save", rx.text("b"), open_=_S.on, on_open_change=_S.flip))
    assert "Enregistrer" in held
    free = _render(controls.dialog("set.save", rx.text("b"), trigger=rx.button("go")))
    assert "Dialog.Trigger" in free


def test_text_input_under_its_caption():
    out = _render(controls.text_input("set.save", _S.label, _S.flip, id="i"))
    assert "Enregistrer" in out and "RadixThemesTextField" in out


def test_toggle_button_is_solid_and_pressed_while_on():
    out = _render(controls.toggle_button("A", pressed=_S.on, on_click=_S.flip, id="grade-A"))
    assert '"solid"' in out and '"soft"' in out and "aria-pressed" in out.replace("_", "-")
    assert '"button"' in out and "grade-A" in out


def test_customer_link_is_bold_grey_and_takes_its_size():
    out = _render(controls.customer_link(_S.label, "/clients/1", size="3", data_testid="c"))
    assert 'weight:"bold"' in out and 'size:"3"' in out and '"/clients/1"' in out


def test_text_button_opens_with_its_words_in_the_link_colour():
    out = _render(controls.text_button(_S.label, _S.flip, "open-message", weight="medium"))
    assert '"open-message"' in out and '"indigo"' in out and '"medium"' in out and "unset" in out


def test_check_label_wraps_the_box_and_its_words():
    out = _render(
        controls.check_label({"checked": _S.on, "data_key": "k"}, rx.text("x"), data_testid="c")
    )
    assert out.index("label") < out.index("Checkbox") < out.index('"x"')


def test_phone_icon_button_hides_its_words_on_a_phone():
    out = _render(controls.phone_icon_button("columns-3", "set.save", id="b"))
    assert "LucideColumns3" in out and '"none"' in out and "aria-label" in out.replace("_", "-")
