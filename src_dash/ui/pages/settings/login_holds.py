"""The users tab's "held sign-ins": logins and addresses the login throttle holds now, each login
with a button that lets it try again at once (see `services.login_guard`)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.services.login_guard import Throttled, throttled, unlock
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import ghost_button, header_cell, table
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.settings.common import TabState, call, read_all, section


@dataclasses.dataclass
class HoldRow:
    """A held login or address: what it is, its failures, until when."""

    key: str = ""
    login: str = ""
    what: str = ""
    failures: str = ""
    until: str = ""


def hold_rows(held: list[Throttled], fmt: Formats) -> list[HoldRow]:
    """The holds as the admin reads them: "claire" or "adresse 10.0.0.7", locked or waiting."""
    rows = []
    for h in held:
        kind, _, value = h.key.partition(":")
        login = value if kind == "login" else ""
        what = login or i18n.text("set.holds.address", fmt.lang).format(address=value)
        until = (
            fmt.moment(h.locked_until)
            if h.locked_until is not None
            else i18n.text("set.holds.waiting", fmt.lang)
        )
        rows.append(HoldRow(h.key, login, what, i18n.count(h.failures, fmt.lang), until))
    return rows


class LoginHoldsState(TabState, rx.State):
    """The holds now, read with the users tab."""

    holds: list[HoldRow] = []

    async def _read(self) -> None:
        done = await read_all(self, (throttled,))
        if done is None:
            return
        self.holds = hold_rows(done.value[0], done.fmt)
        self.loaded = True

    @rx.event
    async def release(self, login: str):  # noqa: ANN201
        """Let a held login try again at once."""
        done = await call(self, unlock, login)
        await self._read()
        return done.toast("set.holds.released", login=login)


def _hold(h: HoldRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(h.what),
        rx.table.cell(h.failures, text_align="right"),
        rx.table.cell(h.until, white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                h.login != "",
                ghost_button(
                    "lock-open", "set.holds.release", on_click=LoginHoldsState.release(h.login)
                ),
            )
        ),
        data_testid="login-hold",
        data_key=h.key,
    )


def login_holds() -> rx.Component:
    """The held sign-ins, or a line saying there are none."""
    s = LoginHoldsState
    return section(
        "set.holds.title",
        rx.cond(
            s.holds.length() > 0,
            table(
                (
                    header_cell("set.holds.what"),
                    header_cell("set.holds.failures", right=True),
                    header_cell("set.holds.until"),
                    header_cell(""),
                ),
                rx.foreach(s.holds, _hold),
                id="login-holds",
            ),
            rx.text(words("set.holds.none"), size="2", color_scheme="gray", id="login-holds-none"),
        ),
        section_id="login-holds-section",
        on_mount=s.load,
    )
