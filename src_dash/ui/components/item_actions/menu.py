"""The "…" menu of an item's row: the actions the item allows (dun, promise, dispute, call,
stop or resume, comment), each opening its dialog."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.item_actions.state import ItemActionsState
from src_dash.ui.kit.controls import round_button
from src_dash.ui.kit.widgets import words


def _menu_item(icon: str, key: str, kind: str, entry_id: rx.Var[int], **props) -> rx.Component:  # noqa: ANN003
    return rx.menu.item(
        rx.icon(icon, size=15),
        words(key),
        on_click=ItemActionsState.open_action(kind, entry_id),
        id=f"act-{kind.replace('_', '-')}",
        **props,
    )


def row_menu(
    entry_id: rx.Var[int],
    state: rx.Var[str],
    item_stopped: rx.Var[bool],
    can_work: rx.Var[bool],
    debit: rx.Var[bool] | bool = True,
) -> rx.Component:
    """The "…" menu of a row, for the roles that work the items (others see no button at all).

    Args:
        entry_id: the row's item.
        state: its state (disputed, promised, stopped, none).
        item_stopped: whether dunning of the item itself is stopped.
        can_work: whether the viewer may dun, promise, dispute, stop, call and comment here
            (hiding is only cosmetic: the services check the role again).
        debit: whether the item is owed (credits are not dunned, promised nor disputed).
    """
    return rx.cond(
        can_work,
        rx.menu.root(
            rx.menu.trigger(
                round_button(
                    "ellipsis",
                    "act.menu",
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    data_testid="row-actions",
                )
            ),
            rx.menu.content(
                rx.cond(
                    debit,
                    rx.fragment(
                        _menu_item("send", "act.dun", "dun", entry_id),
                        _menu_item(
                            "hand-coins",
                            "act.promise",
                            "promise",
                            entry_id,
                            disabled=state == "promised",
                        ),
                    ),
                ),
                rx.cond(
                    state == "disputed",
                    _menu_item("circle-check", "act.dispute_close", "dispute_close", entry_id),
                    rx.cond(
                        debit,
                        _menu_item("triangle-alert", "act.dispute_open", "dispute_open", entry_id),
                    ),
                ),
                _menu_item("phone", "act.call", "call", entry_id),
                rx.cond(
                    item_stopped,
                    _menu_item("circle-play", "act.resume", "resume", entry_id),
                    _menu_item("circle-pause", "act.stop", "stop", entry_id),
                ),
                rx.menu.separator(),
                _menu_item("message-square", "act.comment", "comment", entry_id),
                align="end",
                id="row-actions-menu",
            ),
        ),
    )
