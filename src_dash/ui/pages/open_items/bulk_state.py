"""The bulk actions of "/echeances" on the selected items: stop their dunning (a reason, maybe an
end date), one comment on each, the level of their next reminder. Each runs one service call for
the whole selection (`stop_dunning`, `comment_items`, `set_next_level`), which checks the role and
the portfolio of every item before writing anything; then the changed rows are read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.clock import today as clock_today
from src_dash.services import followup
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.choice import Choice
from src_dash.ui.components.item_actions.wording import error_text, level_name
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.open_items.rows import count_text
from src_dash.ui.pages.open_items.state import OpenItemsState

KINDS = ("stop", "comment", "level")
# The level choices: "auto" lets the scenario decide, 1..5 sets the next reminder's level.
AUTO = "auto"


def _error(exc: Exception | None, fmt: Formats) -> str:
    """What to say on top of the dialog when the selection was refused (nothing written)."""
    if isinstance(exc, AccessDenied):
        return i18n.text("items.bulk.denied", fmt.lang)
    if isinstance(exc, followup.InvalidInput):
        if exc.field == "reason":  # a stop's reason (the catalogue's "reason" is a dispute's)
            detail = str(exc).removeprefix("reason: ")
            exc = followup.InvalidInput("stop_reason", detail)
        return error_text(exc, fmt.lang, fmt)
    return i18n.text("items.bulk.store", fmt.lang)


class BulkState(rx.State):
    """Which bulk dialog is open, its error, and the minimum end date of a stop."""

    dialog: str = ""
    error: str = ""
    saving: bool = False
    today: str = ""
    for_text: str = ""
    levels: list[Choice] = []

    @rx.event
    async def open(self, kind: str) -> None:
        """Open the dialog of a bulk action."""
        page = await self.get_state(OpenItemsState)
        fmt = await current_formats(self)
        self.dialog = kind if kind in KINDS else ""
        self.error = ""
        self.saving = False
        self.today = clock_today().isoformat()
        n = count_text(len(page.selected), fmt)
        self.for_text = i18n.text("items.bulk.for", fmt.lang).format(n=n)
        auto = Choice(AUTO, i18n.text("items.bulk.level_auto", fmt.lang))
        self.levels = [auto] + [
            Choice(str(v), level_name(v, fmt.lang)) for v in range(1, followup.MAX_LEVEL + 1)
        ]

    @rx.event
    def set_open(self, value: bool) -> None:
        """Closed by the dialog itself (escape, outside click)."""
        if not value:
            self.dialog = ""

    async def _apply(self, done_key: str, action: Callable, *args: Any):  # noqa: ANN202, ANN401
        page = await self.get_state(OpenItemsState)
        ids = list(page.selected)
        self.saving = True
        done = await run_service(
            self, action, ids, *args, catch=(followup.InvalidInput,), log="a bulk action failed"
        )
        self.saving = False
        if done.signed_out:
            return None
        if not done.ok:
            self.error = _error(done.exception, done.fmt)
            return None
        self.dialog = ""
        self.error = ""
        await page.items_changed(ids)
        n = count_text(len(ids), done.fmt)
        return rx.toast.success(i18n.text(done_key, done.lang).format(n=n))

    @rx.event
    async def submit_stop(self, form: dict[str, str]):  # noqa: ANN201
        """Stop dunning the selected items."""
        return await self._apply(
            "items.bulk.done.stop",
            followup.stop_dunning,
            form.get("reason") or "",
            form.get("until") or None,
        )

    @rx.event
    async def submit_comment(self, form: dict[str, str]):  # noqa: ANN201
        """The same comment on each selected item."""
        return await self._apply(
            "items.bulk.done.comment", followup.comment_items, form.get("body") or ""
        )

    @rx.event
    async def submit_level(self, form: dict[str, str]):  # noqa: ANN201
        """The level of the next reminder of the selected items (none: the scenario's)."""
        level = form.get("level") or ""
        return await self._apply(
            "items.bulk.done.level",
            followup.set_next_level,
            int(level) if level.isdigit() else None,
        )
