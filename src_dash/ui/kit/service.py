"""One way for an event handler to run a service: the viewer, a worker thread, the errors.

Every handler used to write the same prologue: ask for the viewer, stop when signed out, read the
formats, run the service on a thread with the store's engine, catch the refusals and the store's
errors, and turn them into a sentence in the viewer's language. `run_service` does that once:

    done = await run_service(self, list_companies)
    if not done.ok:
        self.error = done.error
        return
    self.companies = [company_row(c, done.fmt) for c in done.value]

The service is called as `fn(engine, viewer, *args, **kwargs)` (`with_viewer=False` leaves the
viewer out). A viewer who is signed out gets `Done(signed_out=True)` without the service being run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied, Viewer
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats

T = TypeVar("T")
logger = logging.getLogger(__name__)

# What every service may raise that a handler must answer without crashing the event.
ALWAYS_CAUGHT: tuple[type[Exception], ...] = (AccessDenied, SQLAlchemyError)


def plain_error(exc: Exception, lang: str) -> str:
    """The default words for a refused or failed service: a refusal in the viewer's language, any
    other error by its own message (the services' messages name the field at fault)."""
    if isinstance(exc, AccessDenied):
        return i18n.text("kit.refused", lang)
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a service run gave a handler: its value, or the error to show, and the viewer's
    formats either way (to format the value, or the toast)."""

    value: T | None = None
    error: str = ""
    fmt: Formats | None = None
    viewer: Viewer | None = None
    exception: Exception | None = None
    signed_out: bool = False

    @property
    def ok(self) -> bool:
        """The service ran and returned."""
        return not self.signed_out and self.exception is None

    @property
    def lang(self) -> str:
        """The viewer's language (the default one when signed out)."""
        return self.fmt.lang if self.fmt is not None else i18n.DEFAULT_LANG

    def toast(self, ok_key: str, **values: Any) -> rx.event.EventSpec:  # noqa: ANN401
        """A success toast with the words of `ok_key`, or an error toast with the error."""
        if self.ok:
            text = i18n.text(ok_key, self.lang)
            return rx.toast.success(text.format(**values) if values else text)
        return rx.toast.error(self.error or i18n.text("kit.refused", self.lang))

    def settle(self, state: rx.State) -> bool:
        """Whether there is a value to show; if not, a failure's error goes to the page's
        `error` and the page counts as loaded (signed out leaves it as it is)."""
        if not self.ok and not self.signed_out:
            state.error, state.loaded = self.error, True
        return self.ok

    def download(self, mime_type: str = "") -> rx.event.EventSpec | None:
        """The file the service made (its `data`, `filename` and, unless given, `mime_type`) as
        a download, or an error toast; nothing when signed out (a handler yields it)."""
        if self.signed_out:
            return None
        if not self.ok:
            return rx.toast.error(self.error)
        file = self.value
        return rx.download(
            data=file.data, filename=file.filename, mime_type=mime_type or file.mime_type
        )


async def run_service(
    state: rx.State,
    fn: Callable[..., T],
    *args: Any,  # noqa: ANN401
    catch: tuple[type[Exception], ...] = (),
    describe: Callable[[Exception, str], str] = plain_error,
    with_viewer: bool = True,
    log: str = "",
    **kwargs: Any,  # noqa: ANN401
) -> Done[T]:
    """Run `fn(engine, viewer, *args, **kwargs)` on a worker thread for the client whose event
    `state` is handling. `catch` adds the service's own errors to the refusals and store errors
    always caught; `describe(exc, lang)` words them; `log`, when given, logs a caught error with
    its traceback under that message."""
    who = await current_viewer(state)
    fmt = await current_formats(state)
    if who is None:
        return Done(fmt=fmt, signed_out=True)
    call_args = (get_engine(), who, *args) if with_viewer else (get_engine(), *args)
    try:
        value = await asyncio.to_thread(fn, *call_args, **kwargs)
    except (*ALWAYS_CAUGHT, *catch) as exc:
        if log:
            logger.exception(log)
        return Done(error=describe(exc, fmt.lang), fmt=fmt, viewer=who, exception=exc)
    return Done(value=value, fmt=fmt, viewer=who)
