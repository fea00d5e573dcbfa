"""The shell's page parts: a page's head, its load error, its spinner, and the sync figures."""

from __future__ import annotations

from decimal import Decimal

import reflex as rx

from src_dash.ui.components import layout
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.sync_status import _figures


class _S(rx.State):
    error: str = ""
    loaded: bool = False
    as_of: str = ""

    @rx.event
    def load(self) -> None:
        self.loaded = True


def _render(component: rx.Component) -> str:
    return str(component.render())


def test_title_bar_puts_the_title_over_the_as_of_line_and_the_aside_beside():
    out = _render(layout.title_bar("Title", ("As of", _S.as_of), rx.text("aside", id="aside")))
    assert '"page-title"' in out and '"as-of"' in out and '"aside"' in out
    assert '"var(--space-2)"' in out


def test_error_or_shows_the_error_in_place_of_the_content():
    out = _render(layout.error_or(_S.error, rx.text("content", id="content")))
    assert '"load-error"' in out and '"content"' in out


def test_loaded_page_waits_with_a_spinner_then_shows_content_and_extra():
    page = layout.loaded_page(
        rx.text("head", id="head"),
        loaded=_S.loaded,
        content=rx.text("content", id="content"),
        on_lang_change=_S.load,
        extra=(rx.text("dialog", id="dialog"),),
    )
    out = _render(page)
    assert all(f'"{i}"' in out for i in ("head", "content", "dialog"))
    assert "RadixThemesSpinner" in out


def test_figures_are_formatted_in_their_currency_and_flag_an_overdue():
    fmt = Formats("fr")
    owed = _figures("EUR", 3, 12, Decimal("1200"), Decimal("0"), fmt)
    late = _figures("EUR", 1, 1, Decimal("10"), Decimal("5"), fmt)
    assert owed["currency"] == "EUR" and owed["customers"] == "3" and owed["open_items"] == "12"
    assert "1" in owed["outstanding"] and "€" in owed["outstanding"]
    assert owed["has_overdue"] is False and late["has_overdue"] is True
