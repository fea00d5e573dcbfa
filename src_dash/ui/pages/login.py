"""Page "/login": sign in with a login and a password; a user on the published demo password
(when the app listens on the network) then chooses their own in the same form, and a user whose
second factor is on then gives its code (or a recovery code)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.auth import LOGIN_ROUTE, AuthState
from src_dash.ui.components.layout import brand, language_switch
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import button
from src_dash.ui.state import UiState

ROUTE = LOGIN_ROUTE


def _sign_in_fields() -> rx.Component:
    """The first step: the login and the password."""
    return rx.fragment(
        rx.heading(t("login.title", UiState.lang), as_="h1", size="6", id="page-title"),
        rx.text(t("login.intro", UiState.lang), size="2", color_scheme="gray"),
        _field("login.login", "login", "text", "username"),
        _field("login.password", "password", "password", "current-password"),
    )


def _new_password_fields() -> rx.Component:
    """The second step: a new password, twice, in place of the published one."""
    return rx.fragment(
        rx.heading(t("login.change.title", UiState.lang), as_="h1", size="6", id="page-title"),
        rx.text(t("login.change.intro", UiState.lang), size="2", color_scheme="gray"),
        _field("login.change.new", "new_password", "password", "new-password"),
        _field("login.change.again", "new_password_again", "password", "new-password"),
    )


def _code_fields() -> rx.Component:
    """The last step: the code of the authenticator app, or a recovery code."""
    return rx.fragment(
        rx.heading(t("login.code.title", UiState.lang), as_="h1", size="6", id="page-title"),
        rx.text(t("login.code.intro", UiState.lang), size="2", color_scheme="gray"),
        _field("login.code.label", "code", "text", "one-time-code"),
    )


def _steps() -> rx.Component:
    """The form's step: the code, a new password, or the login and password."""
    return rx.cond(
        AuthState.asking_code,
        _code_fields(),
        rx.cond(AuthState.changing_password, _new_password_fields(), _sign_in_fields()),
    )


def _submit_words() -> rx.Var:
    return rx.cond(
        AuthState.asking_code,
        t("login.code.submit", UiState.lang),
        rx.cond(
            AuthState.changing_password,
            t("login.change.submit", UiState.lang),
            t("login.submit", UiState.lang),
        ),
    )


def _field(label_key: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text(t(label_key, UiState.lang), size="2", weight="medium"),
            html_for=f"login-{name}",
        ),
        rx.input(
            name=name,
            id=f"login-{name}",
            type=kind,
            auto_complete=autocomplete,
            required=True,
            size="3",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def login_page() -> rx.Component:
    """The login form, centred, with the language switch."""
    return rx.box(
        rx.hstack(
            brand(),
            rx.spacer(),
            language_switch(),
            align="center",
            width="100%",
            padding_x=rx.breakpoints(initial="12px", md="24px"),
            padding_y="10px",
        ),
        rx.center(
            rx.card(
                rx.form(
                    rx.vstack(
                        _steps(),
                        rx.cond(
                            AuthState.login_error != "",
                            rx.callout.root(
                                rx.callout.icon(rx.icon("triangle-alert")),
                                rx.callout.text(AuthState.login_error),
                                color_scheme="red",
                                role="alert",
                                id="login-error",
                                width="100%",
                            ),
                        ),
                        button(
                            "log-in",
                            _submit_words(),
                            type="submit",
                            size="3",
                            width="100%",
                            loading=AuthState.signing_in,
                            id="login-submit",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=AuthState.log_in,
                    reset_on_submit=False,
                    id="login-form",
                ),
                size="4",
                width="100%",
                max_width="400px",
            ),
            padding_x="16px",
            padding_top=rx.breakpoints(initial="32px", md="96px"),
            width="100%",
        ),
        min_height="100vh",
        background_color="var(--gray-2)",
    )
