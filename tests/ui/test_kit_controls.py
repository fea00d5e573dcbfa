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
