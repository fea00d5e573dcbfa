"""The letters of a run on /campagnes: how many are to print, printed and posted, with
"confirmer l'impression" and "marquer posté (date)".

`letters_panel(run, allowed, after)` is placed in the run's card; `run` is the run's id var and
`after` an event run after a change (the run's reload), so its lines and counts show the new
statuses; the run's reload calls `LetterPostState.refresh` so the counts follow approvals and
sends.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.clock import today as clock_today
from src_dash.services import letters
from src_dash.services.access import AccessDenied
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import t
from src_dash.ui.state import UiState

logger = logging.getLogger(__name__)


class LetterPostState(rx.State):
    """The letters of the run shown: their counts, and the day they were posted."""

    run: str = ""
    to_print: int = 0
    printed: int = 0
    posted: int = 0
    counts_text: str = ""
    posted_on: str = ""  # YYYY-MM-DD, from the date input
    working: bool = False

    async def _read(self) -> None:
        who = await current_viewer(self)
        if who is None or not self.run:
            return
        fmt = await current_formats(self)
        try:
            found = await asyncio.to_thread(letters.run_letters, get_engine(), who, self.run)
        except (AccessDenied, SQLAlchemyError):
            self.to_print = self.printed = self.posted = 0
            self.counts_text = ""
            return
        self.to_print, self.printed, self.posted = found.to_print, found.printed, found.posted
        self.counts_text = i18n.text("letters.counts", fmt.lang).format(
            to_print=fmt.count(found.to_print),
            printed=fmt.count(found.printed),
            posted=fmt.count(found.posted),
        )

    async def refresh(self, run: str) -> None:
        """Read the letters of a run again (the campaign's state calls it on every reload)."""
        self.run = run
        if not self.posted_on:
            self.posted_on = clock_today().isoformat()
        await self._read()

    @rx.event
    async def load(self, run: str) -> None:
        """Read the letters of a run."""
        await self.refresh(run)

    @rx.event
    def set_posted_on(self, value: str) -> None:
        """The day the letters were posted (from the date input)."""
        self.posted_on = value

    async def _change(self, action: str):  # noqa: ANN202
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if who is None or not self.run or self.working:
            return None
        self.working = True
        try:
            if action == "print":
                n = await asyncio.to_thread(letters.confirm_printed, get_engine(), who, self.run)
                return rx.toast.success(
                    i18n.text("letters.confirmed", fmt.lang).format(n=fmt.count(n))
                )
            try:
                day = date.fromisoformat(self.posted_on)
            except ValueError:
                return rx.toast.error(i18n.text("letters.bad_day", fmt.lang))
            n = await asyncio.to_thread(letters.mark_posted, get_engine(), who, self.run, day)
            return rx.toast.success(i18n.text("letters.done", fmt.lang).format(n=fmt.count(n)))
        except AccessDenied:
            return rx.toast.error(i18n.text("letters.denied", fmt.lang))
        except letters.LetterError as exc:
            return rx.toast.error(i18n.text("letters.error", fmt.lang).format(detail=str(exc)))
        except SQLAlchemyError as exc:
            logger.error("a letter step failed: %s", exc)
            return rx.toast.error(
                i18n.text("letters.error", fmt.lang).format(detail=type(exc).__name__)
            )
        finally:
            self.working = False
            await self._read()

    @rx.event
    async def confirm_printed(self):  # noqa: ANN201
        """The letters to print came out of the printer."""
        return await self._change("print")

    @rx.event
    async def mark_posted(self):  # noqa: ANN201
        """The printed letters were posted on the day chosen."""
        return await self._change("post")


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def letters_panel(
    run: rx.Var[str], allowed: rx.Var[bool], after: rx.EventSpec | None = None
) -> rx.Component:
    """The letters' way to the post, for the run `run`; the buttons only when `allowed`."""
    s = LetterPostState
    then = [after] if after is not None else []
    buttons = rx.flex(
        rx.cond(
            s.to_print > 0,
            rx.button(
                rx.icon("printer", size=16),
                _w("letters.confirm"),
                on_click=[LetterPostState.confirm_printed, *then],
                loading=s.working,
                variant="soft",
                id="letters-printed",
            ),
        ),
        rx.cond(
            s.printed > 0,
            rx.hstack(
                rx.text(_w("letters.post_day"), size="2"),
                rx.input(
                    type="date",
                    value=s.posted_on,
                    on_change=LetterPostState.set_posted_on,
                    size="2",
                    id="letters-posted-on",
                ),
                rx.button(
                    rx.icon("mailbox", size=16),
                    _w("letters.post"),
                    on_click=[LetterPostState.mark_posted, *then],
                    loading=s.working,
                    color_scheme="green",
                    id="letters-posted",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("file-text", size=16),
                rx.text(_w("letters.title"), size="2", weight="bold"),
                rx.text(s.counts_text, size="2", id="letters-counts"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(_w("letters.hint"), size="1", color_scheme="gray"),
            rx.cond(allowed, buttons),
            spacing="2",
            width="100%",
        ),
        key=run,
        on_mount=LetterPostState.load(run),
        width="100%",
        id="letters-panel",
    )
