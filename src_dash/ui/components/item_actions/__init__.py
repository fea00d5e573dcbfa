"""Inline actions on one open item: the row's menu and one dialog per action.

Dun now (level and channel, a preview of the message, send), record a promise, open or close a
dispute, comment, stop or resume dunning, log a call. Every form goes to the server, where the
services check the viewer's role and scope and the input; an error is shown next to its field
(`InvalidInput.field`), a success closes the dialog with a toast and refreshes the item's row.

The dialogs are mounted once per page (`item_dialogs()`), the menu once per row (`row_menu`).
A page that lists items registers its state with `refresh_rows_of(State)`; the state's
`items_changed(entry_ids)` is then awaited after each change, to refresh those rows.

- `wording`: a level's name, the errors' words (no Reflex);
- `state`: `ItemActionsState`, the open dialog and its handlers;
- `fields`: the dialogs' shared parts; `dialogs`: the follow-up forms; `dun_dialog`: dun now;
- `menu`: the row's menu.
"""

import reflex as rx

from src_dash.ui.components.item_actions.dialogs import followup_dialogs
from src_dash.ui.components.item_actions.dun_dialog import dun_dialog
from src_dash.ui.components.item_actions.menu import row_menu
from src_dash.ui.components.item_actions.state import (
    FIELDS,
    ItemActionsState,
    Target,
    refresh_rows_of,
)
from src_dash.ui.components.item_actions.wording import error_text, level_name


def item_dialogs() -> rx.Component:
    """Every action's dialog, mounted once on the page (one is open at a time)."""
    return rx.fragment(dun_dialog(), *followup_dialogs())


__all__ = [
    "FIELDS",
    "ItemActionsState",
    "Target",
    "error_text",
    "item_dialogs",
    "level_name",
    "refresh_rows_of",
    "row_menu",
]
