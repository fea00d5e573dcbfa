"""The kit's shared rows: their fields as state vars (inherited ones too), and their helpers."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.ui.i18n import Formats
from src_dash.ui.kit import rows, widgets
from src_dash.ui.pages.customer.rows import OpenedMessage
from src_dash.ui.pages.worklist.rows import SheetLine


class _Rows(rx.State):
    shown: rows.ShownMessage = rows.ShownMessage()
    opened: OpenedMessage = OpenedMessage()
    lines: list[SheetLine] = []


def test_an_inherited_field_is_a_var_of_the_row():
    out = str(rx.foreach(_Rows.lines, lambda h: rx.badge(h.status, color=h.status_color)).render())
    assert "status_color" in out
    assert "status_color" in str(_Rows.opened.status_color) and "copies" in str(_Rows.opened.copies)


def test_the_message_dialog_takes_a_shown_message():
    out = str(
        widgets.message_dialog(
            _Rows.shown,
            head=widgets.message_addressees(_Rows.shown, "card.message.to", "card.message.cc"),
            open_=True,
            on_open_change=rx.console_log,
            close_key="card.close",
        ).render()
    )
    assert all(f'?.["{name}"]' in out for name in ("subject", "recipients", "copies", "html"))


def test_a_figure_is_a_labelled_value_with_its_key_and_tone():
    assert dataclasses.astuple(rows.Figure("Dû", "12 €", "due")) == ("Dû", "12 €", "due", "")


def test_role_colors_days_and_catalogue_follow_the_viewer():
    assert (rows.role_color("to"), rows.role_color("cc"), rows.role_color("odd")) == (
        "green",
        "blue",
        "gray",
    )
    assert rows.days(3, Formats(lang="en")) == "3\xa0d"
    assert rows.catalog("fr-FR")["card.close"] == rows.catalog("fr")["card.close"]
