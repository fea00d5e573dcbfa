"""The letters of a run on /campagnes: how many are to print, printed and posted, with
"confirmer l'impression" and "marquer posté (date)".

`letters_panel(run, allowed, after)` is placed in the run's card; `run` is the run's id var and
`after` an event run after a change (the run's reload), so its lines and counts show the new
statuses; the run's reload calls `LetterPostState.refresh` so the counts follow approvals and
sends.
"""

from __future__ import annotations

import logging
from datetime import date

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.clock import today as clock_today
from src_dash.services import letters
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.kit.controls import button, column, row
from src_dash.ui.kit.service import run_service
from src_dash.ui.kit.widgets import words

logger = logging.getLogger(__name__)


def letter_error(exc: Exception, lang: str) -> str:
    """The words for a letter step refused or failed (a store error is logged)."""
    if isinstance(exc, AccessDenied):
        return i18n.text("letters.denied", lang)
    if isinstance(exc, letters.LetterError):
        detail = str(exc)
    else:
        logger.error("a letter step failed: %s", exc)
        detail = type(exc).__name__
    return i18n.text("letters.error", lang).format(detail=detail)


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
        if not self.run:
            return
        done = await run_service(self, letters.run_letters, self.run)
        if done.signed_out:
            return
        if not done.ok:
            self.to_print = self.printed = self.posted = 0
            self.counts_text = ""
            return
        found, fmt = done.value, done.fmt
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

    async def _change(self, ok_key: str, service, *args):  # noqa: ANN001, ANN202
        """Run a letter step on the run, then read the counts again; a toast either way."""
        if not self.run or self.working:
            return None
        self.working = True
        try:
            done = await run_service(
                self, service, self.run, *args, catch=(letters.LetterError,), describe=letter_error
            )
        finally:
            self.working = False
        await self._read()
        if done.signed_out:
            return None
        if not done.ok:
            return rx.toast.error(done.error)
        return done.toast(ok_key, n=done.fmt.count(done.value))

    @rx.event
    async def confirm_printed(self):  # noqa: ANN201
        """The letters to print came out of the printer."""
        return await self._change("letters.confirmed", letters.confirm_printed)

    @rx.event
    async def mark_posted(self):  # noqa: ANN201
        """The printed letters were posted on the day chosen."""
        try:
            day = date.fromisoformat(self.posted_on)
        except ValueError:
            fmt = await current_formats(self)
            return rx.toast.error(i18n.text("letters.bad_day", fmt.lang))
        return await self._change("letters.done", letters.mark_posted, day)


def _step(icon: str, key: str, step: list, id_: str, **props) -> rx.Component:  # noqa: ANN003
    """A button that moves the letters one step on their way to the post."""
    return button(icon, key, on_click=step, loading=LetterPostState.working, id=id_, **props)


def _buttons(then: list) -> rx.Component:
    s = LetterPostState
    confirm = [LetterPostState.confirm_printed, *then]
    post = [LetterPostState.mark_posted, *then]
    return row(
        rx.cond(
            s.to_print > 0,
            _step("printer", "letters.confirm", confirm, "letters-printed", variant="soft"),
        ),
        rx.cond(
            s.printed > 0,
            row(
                rx.text(words("letters.post_day"), size="2"),
                rx.input(
                    type="date",
                    value=s.posted_on,
                    on_change=LetterPostState.set_posted_on,
                    size="2",
                    id="letters-posted-on",
                ),
                _step("mailbox", "letters.post", post, "letters-posted", color_scheme="green"),
            ),
        ),
    )


def letters_panel(
    run: rx.Var[str], allowed: rx.Var[bool], after: rx.EventSpec | None = None
) -> rx.Component:
    """The letters' way to the post, for the run `run`; the buttons only when `allowed`."""
    then = [after] if after is not None else []
    return rx.box(
        column(
            row(
                rx.icon("file-text", size=16),
                rx.text(words("letters.title"), size="2", weight="bold"),
                rx.text(LetterPostState.counts_text, size="2", id="letters-counts"),
            ),
            rx.text(words("letters.hint"), size="1", color_scheme="gray"),
            rx.cond(allowed, _buttons(then)),
            spacing="2",
        ),
        key=run,
        on_mount=LetterPostState.load(run),
        width="100%",
        id="letters-panel",
    )
