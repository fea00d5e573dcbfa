"""Who is signed in: the session token in the browser, the viewer checked on the server.

The browser keeps only an opaque token (LocalStorage); the store keeps the session (see
`src_dash.services.auth`). Every page loader and event handler of another state asks for the
viewer with `await current_viewer(self)` and passes it to the services, which apply the role and
the portfolio. Every event checks the session in the store (a logout, a password change or a
disabled user stops every open socket at once); the viewer's role and portfolio are re-read every
few seconds.

A login held by the throttle says how long to wait; a user on the published demo password, when
the app listens on the network, chooses their own in a second step of the same form; a user whose
second factor is on gives its code in a last step (the login and password kept on the server
meanwhile, checked again with the code).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from urllib.parse import quote, urlsplit

import reflex as rx

from src_dash.access import AccessDenied, Viewer
from src_dash.clock import utcnow
from src_dash.services.auth import (
    AuthError,
    LoginHeld,
    PasswordChangeRequired,
    SecondFactorRequired,
    WeakPassword,
    WrongCode,
    listens_publicly,
    log_in,
    log_out,
    on_published_password,
    signed_in,
    viewer_for_token,
)
from src_dash.services.preferences import Preferences, get_preferences, save_preferences
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats
from src_dash.ui.state import UiState

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/"
TOKEN_STORAGE_KEY = "src_dash_session"
# How long a checked viewer's role and portfolio are trusted before the store is asked again
# (the session itself is checked on every event).
RECHECK_SECONDS = 10.0
# How long the admin banner's count of users on the published password is kept.
PUBLISHED_CHECK_SECONDS = 60.0
logger = logging.getLogger(__name__)
_published: tuple[float, tuple[str, ...]] = (0.0, ())


def _log_in(
    login: str, password: str, address: str, new_password: str | None, code: str | None
) -> str:
    """`services.auth.log_in` on the app's store (blocking; run in a thread)."""
    return log_in(
        get_engine(), login, password, address=address, new_password=new_password, code=code
    )


def _session_alive(token: str) -> bool:
    """Whether the session of `token` still works (blocking; run in a thread)."""
    return signed_in(get_engine(), token) is not None


def published_logins() -> tuple[str, ...]:
    """The users still on the published password when the app listens on the network (none on
    the loopback), kept a minute (a hash each; blocking, run in a thread)."""
    global _published  # noqa: PLW0603  (a process-wide cache of a slow answer)
    if not listens_publicly():
        return ()
    if time.time() - _published[0] > PUBLISHED_CHECK_SECONDS:
        _published = (time.time(), tuple(on_published_password(get_engine())))
    return _published[1]


def refusal(exc: AuthError, lang: str) -> str:
    """What the login form says of a refused attempt, in the viewer's language."""
    if isinstance(exc, LoginHeld):
        if exc.locked:
            return i18n.text("login.locked", lang).format(time=exc.until.strftime("%H:%M UTC"))
        seconds = max(1, int((exc.until - utcnow()).total_seconds() + 0.999))
        return i18n.text("login.held", lang).format(n=seconds)
    if isinstance(exc, WeakPassword):
        return i18n.text(f"login.pw.{exc.code}", lang)
    if isinstance(exc, WrongCode):
        return i18n.text("login.code.wrong", lang)
    return i18n.text("login.failed", lang)


def safe_next(value: str | None) -> str:
    """The page to go to after login: a path of this site, else the home page.

    Only a local absolute path is accepted ("/clients/12?x=1"), never another site
    ("//evil.example", "https://..."), nor the login page itself.
    """
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return HOME_ROUTE
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.rstrip("/") == LOGIN_ROUTE:
        return HOME_ROUTE
    return value


def login_url(next_path: str | None) -> str:
    """The login page's URL, with the page to come back to after signing in."""
    target = safe_next(next_path)
    if target == HOME_ROUTE:
        return LOGIN_ROUTE
    return f"{LOGIN_ROUTE}?next={quote(target, safe='/')}"


def _read_viewer(token: str) -> tuple[Viewer | None, Preferences]:
    """The viewer of a token and their display settings (blocking; run in a thread)."""
    engine = get_engine()
    who = viewer_for_token(engine, token)
    if who is None:
        return None, Preferences()
    try:
        return who, get_preferences(engine, who)
    except AccessDenied:
        return None, Preferences()


class AuthState(rx.State):
    """The signed-in user: the token in the browser, the checked viewer on the server only."""

    # Opaque session token; shared by the browser's tabs, so logging out in one logs out all.
    token: str = rx.LocalStorage("", name=TOKEN_STORAGE_KEY, sync=True)
    # What the shell shows; never used to decide access.
    user_name: str = ""
    user_role: str = ""
    login_error: str = ""
    signing_in: bool = False
    # The second step of the login form: the published password to replace.
    changing_password: bool = False
    # The last step: the code of the second factor.
    asking_code: bool = False
    # For an admin, when the app listens on the network: who is still on the published password.
    published_warning: str = ""

    _viewer: Viewer | None = None
    _viewer_token: str = ""
    _pending: tuple[str, str] = ("", "")
    _pending_new: str | None = None
    _checked_at: float = 0.0
    _prefs: Preferences = Preferences()

    @rx.var
    def is_admin(self) -> bool:
        """Whether the shell shows the admin's links (the pages check again on the server)."""
        return self.user_role == "admin"

    def _remember(self, who: Viewer | None, prefs: Preferences, token: str) -> None:
        self._viewer = who
        self._viewer_token = token if who is not None else ""
        self._checked_at = time.time()
        self._prefs = prefs
        # Assign only on a change: every assignment goes to the browser in the next delta.
        name, role = (who.name, who.role) if who else ("", "")
        if self.user_name != name:
            self.user_name = name
        if self.user_role != role:
            self.user_role = role

    def forget(self) -> None:
        """Drop the cached viewer, so the next `viewer()` asks the store again."""
        self._viewer = None
        self._viewer_token = ""
        self._checked_at = 0.0

    async def viewer(self) -> Viewer | None:
        """The signed-in viewer, checked against the store at most `RECHECK_SECONDS` ago.

        Returns:
            None when there is no token, or it is unknown, expired or its user disabled.
        """
        token = self.token
        if not token:
            if self._viewer is not None or self.user_name:
                self._remember(None, Preferences(), "")
            return None
        fresh = time.time() - self._checked_at < RECHECK_SECONDS
        if self._viewer is not None and self._viewer_token == token and fresh:
            if await asyncio.to_thread(_session_alive, token):
                return self._viewer
            self._remember(None, Preferences(), "")
            return None
        who, prefs = await asyncio.to_thread(_read_viewer, token)
        self._remember(who, prefs, token)
        return who

    async def formats(self) -> Formats:
        """How the viewer wants figures shown: the UI language and their saved formats."""
        await self.viewer()
        lang = i18n.normalise_lang((await self.get_state(UiState)).lang)
        prefs = self._prefs
        return Formats(lang, prefs.currency_format, prefs.date_format, prefs.timezone)

    def set_preferences(self, prefs: Preferences) -> None:
        """Use new display settings at once (after the preferences page saved them)."""
        self._prefs = prefs

    @rx.event
    async def remember_language(self) -> None:
        """Keep the language just chosen with the header's switch as the user's setting."""
        who = await self.viewer()
        if who is None:
            return
        lang = i18n.normalise_lang((await self.get_state(UiState)).lang)
        if lang == self._prefs.language:
            return
        prefs = dataclasses.replace(self._prefs, language=lang)
        self._prefs = await asyncio.to_thread(save_preferences, get_engine(), who, prefs)

    def _here(self) -> str:
        url = self.router.url
        return f"{url.path}?{url.query}" if url.query else url.path

    @rx.event
    async def require_login(self) -> rx.event.EventSpec | None:
        """On load of every private page: go to the login page when nobody is signed in."""
        who = await self.viewer()
        if who is None:
            return rx.redirect(login_url(self._here()), replace=True)
        await self._warn_admin(who)
        return None

    @rx.event
    async def require_admin(self) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        """On load of an admin page: login when signed out, home when not an admin."""
        who = await self.viewer()
        if who is None:
            return rx.redirect(login_url(self._here()), replace=True)
        if not who.is_admin:
            # Said, not only bounced: the page is the admins' (the toast outlives the redirect).
            lang = (await self.get_state(UiState)).lang
            refused = i18n.text("nav.admin_only", lang)
            home = rx.redirect(HOME_ROUTE, replace=True)
            return [rx.toast.warning(refused, id="admin-only"), home]
        await self._warn_admin(who)
        return None

    async def _warn_admin(self, who: Viewer) -> None:
        """The admin's banner: users still on the published password on a network address."""
        logins = await asyncio.to_thread(published_logins) if who.is_admin else ()
        lang = (await self.get_state(UiState)).lang
        warning = (
            i18n.text("login.banner.published", lang).format(
                n=len(logins), logins=", ".join(logins)
            )
            if logins
            else ""
        )
        if warning != self.published_warning:
            self.published_warning = warning

    @rx.event
    async def leave_login_page(self) -> rx.event.EventSpec | None:
        """On load of the login page: someone already signed in goes where they were heading."""
        self.login_error = ""
        self.signing_in = False
        self._reset_steps()
        if await self.viewer() is not None:
            return rx.redirect(safe_next(self.router.url.query_parameters.get("next")))
        return None

    def _reset_steps(self) -> None:
        """Back to the form's first step, nothing kept."""
        self.changing_password = False
        self.asking_code = False
        self._pending = ("", "")
        self._pending_new = None

    def _read_form(self, form: dict[str, str], lang: str) -> tuple[str, str, str | None] | None:
        """The login, password and new password of this step (None: the step's error is set)."""
        if self.asking_code:
            return (*self._pending, self._pending_new)
        if self.changing_password:
            new = form.get("new_password") or ""
            if new != (form.get("new_password_again") or ""):
                self.login_error = i18n.text("login.change.differ", lang)
                return None
            return (*self._pending, new)
        return ((form.get("login") or "").strip(), form.get("password") or "", None)

    @rx.event
    async def log_in(self, form: dict[str, str]) -> rx.event.EventSpec | None:
        """Check the login form; on success keep the token and go to the page asked for.

        Args:
            form: the form's fields of its step: "login" and "password"; "new_password" and
                "new_password_again"; "code".
        """
        ui = await self.get_state(UiState)
        read = self._read_form(form, ui.lang)
        if read is None:
            return None
        login, password, new = read
        code = (form.get("code") or "").strip() if self.asking_code else None
        if not login or not password or (self.asking_code and not code):
            self.login_error = i18n.text("login.missing", ui.lang)
            return None
        self.signing_in = True
        address = self.router.session.client_ip
        try:
            token = await asyncio.to_thread(_log_in, login, password, address, new, code)
        except (PasswordChangeRequired, SecondFactorRequired) as exc:
            self._pending, self._pending_new = (login, password), new
            self.changing_password = isinstance(exc, PasswordChangeRequired)
            self.asking_code = isinstance(exc, SecondFactorRequired)
            self.login_error = ""
            self.signing_in = False
            return None
        except AuthError as exc:
            self.login_error = refusal(exc, ui.lang)
            self.signing_in = False
            keep = isinstance(exc, WeakPassword) or (
                self.asking_code and isinstance(exc, (WrongCode, LoginHeld))
            )
            if not keep:
                self._reset_steps()
            return None
        self._reset_steps()
        self.token = token
        self.login_error = ""
        self.forget()
        who = await self.viewer()
        self.signing_in = False
        if who is None:
            self.login_error = i18n.text("login.failed", ui.lang)
            return None
        ui.lang = i18n.normalise_lang(self._prefs.language)
        logger.info("%s signed in from %s", who.login, address or "?")
        return rx.redirect(safe_next(self.router.url.query_parameters.get("next")))

    @rx.event
    async def log_out(self) -> rx.event.EventSpec:
        """End the session in the store and in the browser, then show the login page."""
        token = self.token
        if token:
            await asyncio.to_thread(log_out, get_engine(), token)
        self.token = ""
        self._remember(None, Preferences(), "")
        return rx.redirect(LOGIN_ROUTE)


async def current_viewer(state: rx.State) -> Viewer | None:
    """The viewer of the client that sent the event `state` is handling (None when signed out).

    Call it first in every page loader and event handler, then pass the viewer to the services.
    """
    return await (await state.get_state(AuthState)).viewer()


async def current_formats(state: rx.State) -> Formats:
    """The display formats of the client that sent the event `state` is handling."""
    return await (await state.get_state(AuthState)).formats()
