"""Page "/reglages": the admin's settings, one tab per subject.

Companies and their Sage connection (test, sync now, last runs, schedule) with the FEC upload;
scenarios and steps; the profile rules that pick each customer's scenario; templates (editor,
check, preview); contact services in To or Cc; thresholds; dispute reasons; cash objectives;
users and portfolios. Admins only: the page's on_load sends anyone else home, and every handler
passes the viewer to services that refuse anyone but an admin. `/reglages?tab=templates` opens a
tab directly.
"""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.auth import AuthState, current_viewer
from src_dash.ui.components.layout import page_frame, page_title
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import loading
from src_dash.ui.pages.settings.companies import CompaniesState, companies_tab
from src_dash.ui.pages.settings.dunning import (
    ScenariosState,
    ServicesState,
    scenarios_tab,
    services_tab,
    thresholds_tab,
)
from src_dash.ui.pages.settings.forecast import ForecastQualityState, forecast_tab
from src_dash.ui.pages.settings.lists import (
    ObjectivesState,
    ReasonsState,
    objectives_tab,
    reasons_tab,
)
from src_dash.ui.pages.settings.messaging import MessagingState, messaging_tab
from src_dash.ui.pages.settings.privacy import PrivacyState, privacy_tab
from src_dash.ui.pages.settings.profiles import ProfileRulesState, profiles_tab
from src_dash.ui.pages.settings.space_brand import SpaceBrandState, space_brand_tab
from src_dash.ui.pages.settings.templates import TemplateEditorState, template_editor
from src_dash.ui.pages.settings.users import UsersState, users_tab
from src_dash.ui.state import UiState

ROUTE = routes.SETTINGS
# Each tab: its key (also `?tab=`), its label, its icon, the state whose `load` reads it.
TABS: tuple[tuple[str, str, str, type[rx.State]], ...] = (
    ("companies", "set.tab.companies", "building-2", CompaniesState),
    ("messaging", "set.tab.messaging", "send", MessagingState),
    ("scenarios", "set.tab.scenarios", "route", ScenariosState),
    ("profiles", "set.tab.profiles", "tags", ProfileRulesState),
    ("templates", "set.tab.templates", "mail", TemplateEditorState),
    ("services", "set.tab.services", "contact", ServicesState),
    ("thresholds", "set.tab.thresholds", "sliders-horizontal", ScenariosState),
    ("reasons", "set.tab.reasons", "message-square-warning", ReasonsState),
    ("objectives", "set.tab.objectives", "target", ObjectivesState),
    ("users", "set.tab.users", "users", UsersState),
    ("forecast", "set.tab.forecast", "chart-line", ForecastQualityState),
    ("privacy", "set.tab.privacy", "shield", PrivacyState),
    ("space", "space.brand.tab", "palette", SpaceBrandState),
)
TAB_KEYS = tuple(key for key, *_ in TABS)
_LOADERS = {key: state for key, _, _, state in TABS}


class SettingsState(rx.State):
    """Which tab is open."""

    tab: str = TAB_KEYS[0]

    def _load_tab(self) -> rx.event.EventSpec:
        return _LOADERS[self.tab].load  # type: ignore[attr-defined]

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        """On load: open the tab named in the URL (or the last one) and read its data."""
        if await current_viewer(self) is None:
            return None
        wanted = self.router.url.query_parameters.get("tab", "")
        if wanted in TAB_KEYS:
            self.tab = wanted
        return self._load_tab()

    @rx.event
    def set_tab(self, value: str) -> rx.event.EventSpec | None:
        """Open another tab and read its data."""
        if value not in TAB_KEYS:
            return None
        self.tab = value
        return self._load_tab()

    @rx.event
    def reload(self) -> rx.event.EventSpec:
        """Read the open tab again (after a language change: figures are formatted)."""
        return self._load_tab()


def _tab_content(key: str, body: rx.Component, state: type[rx.State]) -> rx.Component:
    return rx.tabs.content(
        rx.box(
            rx.cond(state.loaded, body, loading()),  # type: ignore[attr-defined]
            padding_top="16px",
            width="100%",
        ),
        value=key,
        width="100%",
    )


def _phone_picker() -> rx.Component:
    """On phones the nine tabs do not fit a row: a select picks the tab instead."""
    return rx.box(
        rx.select.root(
            rx.select.trigger(id="settings-tab-select", width="100%"),
            rx.select.content(
                *[rx.select.item(t(label, UiState.lang), value=key) for key, label, _, _ in TABS]
            ),
            value=SettingsState.tab,
            on_change=SettingsState.set_tab,
            size="3",
        ),
        display=rx.breakpoints(initial="block", sm="none"),
        width="100%",
    )


def _refusal() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("shield-x")),
        rx.callout.text(t("set.refused", UiState.lang)),
        color_scheme="red",
        id="settings-refused",
    )


def settings_page() -> rx.Component:
    """The settings, one tab per subject (admins only)."""
    bodies = {
        "companies": companies_tab(),
        "messaging": messaging_tab(),
        "scenarios": scenarios_tab(),
        "profiles": profiles_tab(),
        "templates": template_editor(),
        "services": services_tab(),
        "thresholds": thresholds_tab(),
        "reasons": reasons_tab(),
        "objectives": objectives_tab(),
        "users": users_tab(),
        "forecast": forecast_tab(),
        "privacy": privacy_tab(),
        "space": space_brand_tab(),
    }
    tabs = rx.tabs.root(
        rx.box(
            rx.tabs.list(
                *[
                    rx.tabs.trigger(
                        rx.hstack(
                            rx.icon(icon, size=15),
                            rx.text.span(t(label, UiState.lang)),
                            spacing="2",
                            align="center",
                            white_space="nowrap",
                        ),
                        value=key,
                        id=f"tab-{key}",
                    )
                    for key, label, icon, _ in TABS
                ],
                size="2",
                style={"flex_wrap": "nowrap", "min_width": "max-content"},
            ),
            display=rx.breakpoints(initial="none", sm="block"),
            width="100%",
            overflow_x="auto",
            id="settings-tabs",
        ),
        _phone_picker(),
        *[_tab_content(key, bodies[key], state) for key, _, _, state in TABS],
        value=SettingsState.tab,
        on_change=SettingsState.set_tab,
        width="100%",
    )
    return page_frame(
        rx.vstack(
            rx.vstack(
                page_title(t("set.title", UiState.lang)),
                rx.text(t("set.intro", UiState.lang), size="2", color_scheme="gray"),
                spacing="1",
            ),
            rx.cond(
                AuthState.is_admin,
                tabs,
                rx.cond(AuthState.user_role != "", _refusal(), loading()),
            ),
            spacing="4",
            width="100%",
        ),
        on_lang_change=SettingsState.reload,
    )
