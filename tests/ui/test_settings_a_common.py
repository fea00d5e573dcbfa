"""The settings tabs' shared form pieces render their parts, in order, with their ids."""

from __future__ import annotations

import asyncio

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


class _Tab:
    error = ""
    loaded = False


def _fake_call(refused: set):  # noqa: ANN202
    async def fake(state, fn, *args):  # noqa: ANN001, ANN002, ANN202
        if fn in refused:
            return common.Done(error=f"no {fn.__name__}", exception=ValueError())
        return common.Done(value=fn(*args))

    return fake


def _one() -> int:
    return 1


def _twice(n: int) -> int:
    return 2 * n


def test_read_all_gives_every_value_in_order(monkeypatch):
    monkeypatch.setattr(common, "call", _fake_call(set()))
    done = asyncio.run(common.read_all(_Tab(), (_one,), (_twice, 4)))
    assert done is not None and done.value == (1, 8)


def test_read_all_stops_at_the_first_refused_and_says_it(monkeypatch):
    monkeypatch.setattr(common, "call", _fake_call({_one}))
    tab = _Tab()
    assert asyncio.run(common.read_all(tab, (_one,), (_twice, 4))) is None
    assert tab.error == "no _one" and tab.loaded


def test_input_field_names_its_error_after_its_input():
    out = _render(common.input_field("set.save", _S.error, _S.flip, "f-in", _S.error))
    assert '"f-in"' in out and '"f-in-error"' in out and "Enregistrer" in out
    bare = _render(common.input_field("set.save", _S.error, _S.flip, "f-in"))
    assert '"f-in-error"' not in bare


def test_card_head_puts_its_side_after_its_lines():
    out = _render(common.card_head((rx.text("a", id="h-a"),), rx.box(id="h-side")))
    assert out.index('"h-a"') < out.index('"h-side"') and "column" in out


class _F(rx.State):
    errors: dict[str, str] = {"min_amount": ""}
    value: str = ""
    options: list[common.Choice] = []

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        self.value = f"{name}={value}"


def test_form_fields_name_their_ids_and_errors_after_the_field():
    form = common.FormFields(_F.set_field, "f-", _F.errors)
    out = _render(form.text("set.save", "min_amount", _F.value))
    assert '"f-min-amount"' in out and '"f-min-amount-error"' in out
    kept = common.FormFields(_F.set_field, "k-", values=_F.errors)
    assert '"k-min-amount"' in _render(kept.text("set.save", "min_amount"))
    plain = common.FormFields(_F.set_field, "g-")
    assert '"g-who"' in _render(plain.choice("set.save", "who", _F.options, _F.value))


def test_save_button_and_input_beside_it():
    out = _render(common.input_and_button(common.save_button(id="s-go"), id="s-in"))
    assert out.index('"s-in"') < out.index('"s-go"')
    assert "LucideSave" in out and "Enregistrer" in out


class _ReadTab(common.TabState, rx.State):
    reads: int = 0

    async def _read(self) -> None:
        self.reads += 1


def test_a_tab_state_gets_its_error_loaded_and_load():
    assert {"error", "loaded", "reads"} <= set(_ReadTab.base_vars)
    assert "load" in _ReadTab.event_handlers


def test_red_line_shows_its_words_in_red_with_its_marker():
    out = _render(common.red_line(_S.error, data_testid="r-line"))
    assert '"red"' in out and '"r-line"' in out
