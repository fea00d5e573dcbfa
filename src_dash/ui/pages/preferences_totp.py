"""The preferences' card "Double authentification": an admin or a collector turns the TOTP second
factor on (a QR code and the key to type, then a code to confirm, then the recovery codes shown
once) or off (a current code or their password). See `services.second_factor`."""

from __future__ import annotations

import asyncio

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.services import second_factor
from src_dash.services.second_factor import SecondFactorError
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.kit.controls import button, column, row, soft_button
from src_dash.ui.kit.widgets import error_notice, words


class SecondFactorState(rx.State):
    """The viewer's second factor: off, being set up, just turned on (the codes), or on."""

    allowed: bool = False
    enabled: bool = False
    recovery_left: int = 0
    # Being set up: the key to type, the otpauth URI and its QR code (an SVG data URI).
    secret: str = ""
    uri: str = ""
    qr: str = ""
    code: str = ""
    proof: str = ""
    # Just turned on: the recovery codes, shown this once.
    codes: list[str] = []
    error: str = ""
    _for_user: int = 0  # whose set-up the fields above hold

    async def _lang(self) -> str:
        return (await current_formats(self)).lang

    async def _read(self) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        now = await asyncio.to_thread(second_factor.status, get_engine(), who)
        self.allowed, self.enabled, self.recovery_left = now.allowed, now.enabled, now.recovery_left

    @rx.event
    async def load(self) -> None:
        """Read where the viewer stands (on mount of the card). A set-up in progress, or codes
        not yet acknowledged, stay while the same user is signed in: the card may mount again
        (a page re-rendered) after the "Activer" click; another user starts afresh."""
        who = await current_viewer(self)
        if who is None or who.user_id != self._for_user:
            self.secret, self.uri, self.qr, self.code, self.proof = "", "", "", "", ""
            self.codes, self.error = [], ""
            self._for_user = who.user_id if who is not None else 0
        await self._read()

    @rx.event
    async def begin(self) -> None:
        """A new secret to scan or type."""
        who = await current_viewer(self)
        if who is None:
            return
        try:
            got = await asyncio.to_thread(second_factor.start, get_engine(), who)
        except (AccessDenied, SecondFactorError) as exc:
            self.error = str(exc)
            return
        self.secret, self.uri, self.qr, self.code, self.error = got.secret, got.uri, got.qr, "", ""

    @rx.event
    def set_code(self, value: str) -> None:
        """The code typed to confirm."""
        self.code = value

    @rx.event
    def set_proof(self, value: str) -> None:
        """The code or password typed to turn it off."""
        self.proof = value

    @rx.event
    def cancel(self) -> None:
        """Leave the set-up (the secret is never asked until confirmed)."""
        self.secret, self.uri, self.qr, self.code, self.error = "", "", "", "", ""

    @rx.event
    async def confirm(self) -> rx.event.EventSpec | None:
        """Turn it on with the code the app shows; show the recovery codes."""
        who = await current_viewer(self)
        if who is None:
            return None
        lang = await self._lang()
        try:
            codes = await asyncio.to_thread(
                second_factor.confirm, get_engine(), who, self.code.strip()
            )
        except (AccessDenied, SecondFactorError) as exc:
            wrong = isinstance(exc, SecondFactorError) and exc.code == "wrong"
            self.error = i18n.text("prefs.tf.wrong_code", lang) if wrong else str(exc)
            return None
        self.secret, self.uri, self.qr, self.code, self.error = "", "", "", "", ""
        self.codes = codes
        await self._read()
        return rx.toast.success(i18n.text("prefs.tf.on_done", lang))

    @rx.event
    def codes_kept(self) -> None:
        """The recovery codes are noted: hide them for good."""
        self.codes = []

    @rx.event
    async def turn_off(self) -> rx.event.EventSpec | None:
        """Turn it off, proved by a current code, a recovery code or the password."""
        who = await current_viewer(self)
        if who is None:
            return None
        lang = await self._lang()
        try:
            await asyncio.to_thread(second_factor.turn_off, get_engine(), who, self.proof)
        except SecondFactorError as exc:
            self.error = i18n.text("prefs.tf.wrong", lang) if exc.code == "wrong" else str(exc)
            return None
        self.proof, self.error, self.codes = "", "", []
        await self._read()
        return rx.toast.success(i18n.text("prefs.tf.off_done", lang))


def _field(label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(words(label_key), size="2", weight="medium"), control, spacing="1", width="100%"
    )


def _setting_up() -> rx.Component:
    """The QR code, the key, the code to confirm."""
    s = SecondFactorState
    return column(
        rx.text(words("prefs.tf.scan"), size="2"),
        rx.image(
            src=s.qr,
            alt=words("prefs.tf.qr"),
            width="200px",
            height="200px",
            id="totp-qr",
            data_uri=s.uri,
        ),
        _field(
            "prefs.tf.key",
            rx.code(s.secret, id="totp-secret", word_break="break-all", size="3"),
        ),
        _field(
            "prefs.tf.code",
            rx.input(
                value=s.code,
                on_change=s.set_code,
                id="totp-code",
                auto_complete="one-time-code",
                input_mode="numeric",
                max_length=6,
                width=rx.breakpoints(initial="100%", sm="160px"),
            ),
        ),
        row(
            button("shield-check", "prefs.tf.confirm", on_click=s.confirm, id="totp-confirm"),
            soft_button("x", "prefs.tf.cancel", on_click=s.cancel, color_scheme="gray"),
        ),
        spacing="3",
    )


def _recovery_codes() -> rx.Component:
    """The ten codes, once."""
    s = SecondFactorState
    return rx.callout.root(
        column(
            rx.text(words("prefs.tf.codes_title"), weight="bold", size="2"),
            rx.text(words("prefs.tf.codes_intro"), size="2"),
            rx.grid(
                rx.foreach(s.codes, lambda c: rx.code(c, size="2", data_testid="recovery-code")),
                columns="2",
                spacing="2",
                id="totp-recovery-codes",
            ),
            soft_button("check", "prefs.tf.codes_done", on_click=s.codes_kept, id="totp-kept"),
            spacing="2",
        ),
        color_scheme="amber",
        width="100%",
    )


def _on() -> rx.Component:
    """On: what is left, and turning it off."""
    s = SecondFactorState
    return column(
        rx.text(
            words("prefs.tf.on_intro").replace("{n}", s.recovery_left.to_string()),
            size="2",
            id="totp-on",
        ),
        rx.cond(s.codes.length() > 0, _recovery_codes()),
        _field(
            "prefs.tf.proof",
            rx.input(
                value=s.proof,
                on_change=s.set_proof,
                type="password",
                id="totp-proof",
                auto_complete="current-password",
                width=rx.breakpoints(initial="100%", sm="260px"),
            ),
        ),
        soft_button(
            "shield-off",
            "prefs.tf.turn_off",
            on_click=s.turn_off,
            color_scheme="red",
            id="totp-off",
        ),
        spacing="3",
    )


def _off() -> rx.Component:
    s = SecondFactorState
    return rx.cond(
        s.secret != "",
        _setting_up(),
        column(
            rx.text(words("prefs.tf.off_intro"), size="2", color_scheme="gray"),
            button("shield-plus", "prefs.tf.start", on_click=s.begin, id="totp-start"),
            spacing="3",
        ),
    )


def second_factor_card() -> rx.Component:
    """The card, for an admin or a collector (or a user whose role changed while it was on)."""
    s = SecondFactorState
    return rx.box(
        rx.cond(
            s.allowed | s.enabled,
            rx.card(
                column(
                    rx.heading(words("prefs.tf.title"), as_="h2", size="4"),
                    rx.cond(s.enabled, _on(), _off()),
                    error_notice(s.error, "totp-error"),
                    spacing="3",
                ),
                width="100%",
                max_width="640px",
                id="totp-card",
            ),
        ),
        on_mount=s.load,
        width="100%",
    )
