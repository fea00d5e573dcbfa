"""The app shell: a side menu on desktops, a drawer menu on phones and tablets, the header with
the language switch, the signed-in user and the logout button, and the page's column.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.event import EventType

from src_dash.ui import routes
from src_dash.ui.auth import AuthState
from src_dash.ui.i18n import CATALOG, LANGS, t
from src_dash.ui.kit.controls import column
from src_dash.ui.kit.widgets import callout, loading
from src_dash.ui.state import UiState

MAX_WIDTH = "1200px"
SIDEBAR_WIDTH = "232px"
# From this breakpoint up the side menu shows; below it the drawer menu does (62em = 992px).
DESKTOP_FROM = "md"


@dataclass(frozen=True)
class NavItem:
    """One link of the menu.

    Attributes:
        route: the page's route.
        label: the key of its label in the catalog.
        icon: a lucide icon name.
        roles: the roles it is shown to (None: every role). Hiding a link is only cosmetic:
            the page checks the role and the scope on the server anyway.
    """

    route: str
    label: str
    icon: str
    roles: tuple[str, ...] | None = None


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(routes.DASHBOARD, "nav.dashboard", "layout-dashboard"),
    NavItem(routes.CUSTOMERS, "nav.customers", "users"),
    NavItem(routes.OPEN_ITEMS, "nav.open_items", "calendar-clock"),
    NavItem(routes.WORKLIST, "nav.actions", "list-checks"),
    NavItem(routes.CAMPAIGNS, "nav.campaigns", "send"),
    NavItem(routes.ALERTS, "nav.alerts", "bell"),
    NavItem(routes.MAILBOX, "nav.mailbox", "inbox", roles=("admin", "collector", "sales_rep")),
    NavItem(routes.SETTINGS, "nav.settings", "settings", roles=("admin",)),
    # Company totals cover the whole base: not for sales reps.
    NavItem(routes.SYNC, "nav.sync", "refresh-cw", roles=("admin", "collector", "read_only")),
    NavItem(routes.PREFERENCES, "nav.preferences", "sliders-horizontal"),
)

# The routes whose page exists: only these are shown in the menu.
LIVE_ROUTES: list[str] = [item.route for item in NAV_ITEMS]


def nav_items() -> list[NavItem]:
    """The menu's links, in order, for the pages that exist."""
    return [item for item in NAV_ITEMS if item.route in LIVE_ROUTES]


def role_label() -> rx.Var[str]:
    """The signed-in user's role in the UI language, resolved in the browser."""
    roles = ("admin", "collector", "sales_rep", "read_only")
    table = rx.Var.create(
        {role: {code: CATALOG[code][f"role.{role}"] for code in LANGS} for role in roles}
    )
    return table[AuthState.user_role].to(dict)[UiState.lang].to(str)


def language_switch(on_change: EventType[()] | None = None) -> rx.Component:
    """A FR / EN switch bound to `UiState.lang`.

    Args:
        on_change: events to run after the language changed, such as the page's reload (its
            figures are formatted on the server, in the chosen language).
    """
    handlers: list = [UiState.set_lang, AuthState.remember_language]
    if on_change is not None:
        handlers.extend(on_change if isinstance(on_change, list) else [on_change])
    return rx.segmented_control.root(
        rx.segmented_control.item("FR", value="fr", id="lang-fr"),
        rx.segmented_control.item("EN", value="en", id="lang-en"),
        value=UiState.lang,
        on_change=handlers,
        size="1",
        radius="full",
        id="lang-switch",
        aria_label=t("lang.label", UiState.lang),
    )


def brand(compact: bool = False) -> rx.Component:
    """The logo, the name and the tagline (the tagline hidden on phones when `compact`)."""
    return rx.link(
        rx.hstack(
            rx.image(src="/logo.svg", alt="", width="28px", height="28px"),
            rx.vstack(
                rx.text("src_dash", weight="bold", size="3", line_height="1"),
                rx.text(
                    t("app.tagline", UiState.lang),
                    size="1",
                    color_scheme="gray",
                    line_height="1",
                    white_space="nowrap",
                    display=rx.breakpoints(initial="none", sm="block") if compact else "block",
                ),
                spacing="1",
            ),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        color="var(--gray-12)",
    )


def _nav_link(item: NavItem, in_drawer: bool) -> rx.Component:
    path = rx.State.router.url.path
    active = (path == "/") if item.route == "/" else path.startswith(item.route)
    link = rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(t(item.label, UiState.lang), size="2", weight="medium"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="9px",
            border_radius="var(--radius-3)",
            width="100%",
            background_color=rx.cond(active, "var(--accent-a3)", "transparent"),
            color=rx.cond(active, "var(--accent-11)", "var(--gray-12)"),
            _hover={"background_color": "var(--accent-a4)"},
        ),
        href=item.route,
        underline="none",
        width="100%",
        data_testid="nav-link",
        data_route=item.route,
        id=f"{'drawer' if in_drawer else 'side'}-nav{item.route.replace('/', '-') or '-home'}",
    )
    if in_drawer:
        link = rx.drawer.close(link)
    if item.roles is not None:
        return rx.cond(rx.Var.create(list(item.roles)).contains(AuthState.user_role), link)
    return link


def nav_links(in_drawer: bool = False) -> rx.Component:
    """The menu's links, the current page's highlighted."""
    return rx.vstack(
        *[_nav_link(item, in_drawer) for item in nav_items()],
        spacing="1",
        width="100%",
        as_="nav",
        aria_label=t("nav.menu", UiState.lang),
    )


def user_block(prefix: str = "") -> rx.Component:
    """The signed-in user's name and role (ids `user-name`, `user-role`, after `prefix`)."""
    return rx.vstack(
        rx.text(AuthState.user_name, size="2", weight="medium", id=f"{prefix}user-name"),
        rx.text(role_label(), size="1", color_scheme="gray", id=f"{prefix}user-role"),
        spacing="1",
        min_width="0",
    )


def _quiet_button(icon: str, size: int, label: rx.Var[str] | str, **props: object) -> rx.Component:
    """A grey, flat icon button of the shell; `label` is its accessible name."""
    return rx.icon_button(
        rx.icon(icon, size=size), variant="ghost", color_scheme="gray", aria_label=label, **props
    )


def logout_button(in_drawer: bool = False) -> rx.Component:
    """The logout button (an icon in the header, a full button in the drawer)."""
    if in_drawer:
        return rx.button(
            rx.icon("log-out", size=16),
            t("nav.logout", UiState.lang),
            on_click=AuthState.log_out,
            variant="soft",
            color_scheme="gray",
            width="100%",
            id="drawer-logout",
        )
    return rx.tooltip(
        _quiet_button(
            "log-out", 18, t("nav.logout", UiState.lang), on_click=AuthState.log_out, id="logout"
        ),
        content=t("nav.logout", UiState.lang),
    )


def sidebar() -> rx.Component:
    """The side menu of desktops: full height, its links staying in view while the page scrolls."""
    return rx.box(
        rx.vstack(
            rx.box(brand(), padding_x="12px", padding_y="14px"),
            nav_links(),
            width="100%",
            spacing="3",
            padding="12px",
            position="sticky",
            top="0",
        ),
        display=rx.breakpoints(initial="none", **{DESKTOP_FROM: "block"}),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        align_self="stretch",
        border_right="1px solid var(--gray-a5)",
        background_color="var(--color-panel-solid)",
        id="sidebar",
    )


def drawer_menu() -> rx.Component:
    """The menu button and drawer of phones and tablets."""
    return rx.drawer.root(
        rx.drawer.trigger(_quiet_button("menu", 20, t("nav.menu", UiState.lang), id="menu-button")),
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        brand(),
                        rx.spacer(),
                        rx.drawer.close(_quiet_button("x", 18, "×")),
                        width="100%",
                        align="center",
                    ),
                    nav_links(in_drawer=True),
                    rx.spacer(),
                    user_block("drawer-"),
                    logout_button(in_drawer=True),
                    spacing="4",
                    height="100%",
                    width="100%",
                ),
                id="drawer",
                top="0",
                left="0",
                height="100%",
                width="min(300px, 85vw)",
                padding="16px",
                background_color="var(--color-panel-solid)",
                z_index="50",
            )
        ),
        direction="left",
    )


def header(on_lang_change: EventType[()] | None = None) -> rx.Component:
    """The top bar: the menu button and logo on small screens, the language and the user."""
    small_only = rx.breakpoints(initial="flex", **{DESKTOP_FROM: "none"})
    return rx.box(
        rx.hstack(
            rx.hstack(
                drawer_menu(), brand(compact=True), align="center", spacing="3", display=small_only
            ),
            rx.spacer(),
            language_switch(on_lang_change),
            rx.cond(
                AuthState.user_name != "",
                rx.hstack(
                    rx.box(
                        user_block(),
                        display=rx.breakpoints(initial="none", sm="block"),
                        text_align="right",
                    ),
                    logout_button(),
                    align="center",
                    spacing="3",
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
            padding_x=rx.breakpoints(initial="12px", md="24px"),
            padding_y="10px",
        ),
        as_="header",
        border_bottom="1px solid var(--gray-a5)",
        background_color="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def page_title(title: rx.Var[str] | str) -> rx.Component:
    """The page's h1: the same size and id (`page-title`) on every page."""
    return rx.heading(title, as_="h1", size=rx.breakpoints(initial="6", md="7"), id="page-title")


def as_of_line(
    label: rx.Var[str] | str, as_of: rx.Var[str], *more: rx.Component | str
) -> rx.Component:
    """The grey line under a page's title: "Situation au <date>" (id `as-of`), then `more`."""
    return rx.text(
        label,
        " ",
        rx.text.span(as_of, id="as-of", weight="medium"),
        *more,
        size="2",
        color_scheme="gray",
    )


def title_block(
    title: rx.Var[str] | str,
    as_of: tuple[rx.Var[str] | str, rx.Var[str], *tuple[rx.Component | str, ...]],
) -> rx.Component:
    """A page's title over its "as of" line (`as_of`: `as_of_line`'s arguments)."""
    return rx.vstack(page_title(title), as_of_line(*as_of), spacing="1")


def title_bar(
    title: rx.Var[str] | str,
    as_of: tuple[rx.Var[str] | str, rx.Var[str], *tuple[rx.Component | str, ...]],
    *aside: rx.Component,
    gap: str = "var(--space-2)",
) -> rx.Component:
    """A page's head: its `title_block`, and `aside` on the right (under it on a phone)."""
    return rx.flex(
        title_block(title, as_of),
        rx.spacer(),
        *aside,
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="end"),
        gap=gap,
        width="100%",
    )


def error_or(error: rx.Var[str], content: rx.Component) -> rx.Component:
    """The page's load error in a red callout (id `load-error`) when there is one, else
    `content`."""
    return rx.cond(
        error != "",
        callout("triangle-alert", error, color_scheme="red", id="load-error"),
        content,
    )


def loaded_page(
    *head: rx.Component,
    loaded: rx.Var[bool],
    content: rx.Component,
    on_lang_change: EventType[()],
    spacing: str = "4",
    extra: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """A signed-in page: `head` stacked over `content` (a spinner until `loaded`), then `extra`
    (dialogs mounted once), in the app shell; `on_lang_change` reloads it."""
    return page_frame(
        column(*head, loading(loaded, content), *extra, spacing=spacing),
        on_lang_change=on_lang_change,
    )


def published_banner() -> rx.Component:
    """For an admin, when the app listens on the network: the users still on the published demo
    password (they must choose their own at their next sign-in)."""
    return rx.cond(
        AuthState.published_warning != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("shield-alert")),
            rx.callout.text(AuthState.published_warning),
            color_scheme="orange",
            width="100%",
            margin_bottom="16px",
            id="published-password-banner",
        ),
    )


def page_frame(
    *children: rx.Component, on_lang_change: EventType[()] | None = None
) -> rx.Component:
    """Wrap a signed-in page's content in the app shell: menu, header and a centred column.

    Use it with `on_load=[AuthState.require_login, <the page's loader>]`; the loader checks the
    viewer again (`current_viewer`), since a page load is not the only way in.

    Args:
        *children: the page's content.
        on_lang_change: events the language switch runs after changing the language (the
            page's reload, as its figures are formatted on the server).
    """
    return rx.flex(
        sidebar(),
        rx.box(
            header(on_lang_change),
            rx.box(
                published_banner(),
                *children,
                as_="main",
                width="100%",
                max_width=MAX_WIDTH,
                margin_x="auto",
                padding_x=rx.breakpoints(initial="12px", md="24px"),
                padding_y=rx.breakpoints(initial="16px", md="28px"),
            ),
            flex="1",
            min_width="0",
        ),
        min_height="100vh",
        width="100%",
        background_color="var(--gray-2)",
    )
