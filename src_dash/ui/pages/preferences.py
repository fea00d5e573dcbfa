"""Page "/preferences": every user's display settings (language, formats, time zone)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.services.preferences import (
    CURRENCY_FORMATS,
    DATE_FORMATS,
    InvalidPreference,
    Preferences,
    get_preferences,
    save_preferences,
    timezone_choices,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import AuthState, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.layout import page_frame, page_title
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

ROUTE = "/preferences"
SAMPLE_AMOUNT = Decimal("-12345.67")
SAMPLE_DAY = date(2026, 11, 22)
SAMPLE_MOMENT = datetime(2026, 11, 22, 8, 15, tzinfo=UTC)


def currency_choices(lang: str) -> list[Choice]:
    """Each currency format, shown as a sample amount in it."""
    return [
        Choice(value, Formats(lang, currency_format=value).money(SAMPLE_AMOUNT, "EUR"))
        for value in CURRENCY_FORMATS
    ]


def date_choices(lang: str) -> list[Choice]:
    """Each date format, shown as a sample date in it."""
    return [
        Choice(value, Formats(lang, date_format=value).day(SAMPLE_DAY)) for value in DATE_FORMATS
    ]


class PreferencesState(rx.State):
    """The settings being edited and samples of what they give."""

    language: str = "fr"
    currency_format: str = "symbol"
    date_format: str = "default"
    timezone: str = "Europe/Paris"
    currency_options: list[Choice] = []
    date_options: list[Choice] = []
    timezones: list[str] = []
    sample_money: str = ""
    sample_day: str = ""
    sample_moment: str = ""
    error: str = ""
    saved: bool = False
    loaded: bool = False

    def _refresh_samples(self) -> None:
        fmt = Formats(self.language, self.currency_format, self.date_format, self.timezone)
        self.currency_options = currency_choices(self.language)
        self.date_options = date_choices(self.language)
        self.sample_money = fmt.money(SAMPLE_AMOUNT, "EUR")
        self.sample_day = fmt.day(SAMPLE_DAY)
        self.sample_moment = fmt.moment(SAMPLE_MOMENT)

    @rx.event
    async def load(self) -> None:
        """Read the viewer's own settings."""
        who = await current_viewer(self)
        if who is None:
            return
        prefs = await asyncio.to_thread(get_preferences, get_engine(), who)
        self.language = prefs.language
        self.currency_format = prefs.currency_format
        self.date_format = prefs.date_format
        self.timezone = prefs.timezone
        if not self.timezones:
            self.timezones = timezone_choices()
        self.error = ""
        self.saved = False
        self._refresh_samples()
        self.loaded = True

    @rx.event
    def set_language(self, value: str | list[str]) -> None:
        """Pick the language (the samples follow at once; saving applies it)."""
        if isinstance(value, list):
            value = value[0] if value else ""
        self.language = i18n.normalise_lang(value)
        self.saved = False
        self._refresh_samples()

    @rx.event
    def set_currency_format(self, value: str) -> None:
        """Pick the currency format."""
        self.currency_format = value
        self.saved = False
        self._refresh_samples()

    @rx.event
    def set_date_format(self, value: str) -> None:
        """Pick the date format."""
        self.date_format = value
        self.saved = False
        self._refresh_samples()

    @rx.event
    def set_timezone(self, value: str) -> None:
        """Pick the time zone."""
        self.timezone = value
        self.saved = False
        self._refresh_samples()

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Store the settings for the signed-in user and use them at once."""
        who = await current_viewer(self)
        if who is None:
            return None
        prefs = Preferences(self.language, self.currency_format, self.date_format, self.timezone)
        try:
            prefs = await asyncio.to_thread(save_preferences, get_engine(), who, prefs)
        except (InvalidPreference, AccessDenied) as exc:
            self.error = str(exc)
            return None
        (await self.get_state(AuthState)).set_preferences(prefs)
        (await self.get_state(UiState)).lang = prefs.language
        self.error = ""
        self.saved = True
        return rx.toast.success(i18n.text("prefs.saved", prefs.language), id="prefs-saved")


def _row(label_key: str, control: rx.Component) -> rx.Component:
    return rx.flex(
        rx.text(t(label_key, UiState.lang), size="2", weight="medium", min_width="180px"),
        control,
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="center"),
        gap="var(--space-2)",
        width="100%",
    )


def _select(options: rx.Var[list[Choice]], value: rx.Var[str], on_change, id_: str) -> rx.Component:  # noqa: ANN001
    return rx.select.root(
        rx.select.trigger(id=id_, width="100%"),
        rx.select.content(
            rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value)),
        ),
        value=value,
        on_change=on_change,
    )


def _narrow(control: rx.Component) -> rx.Component:
    """A control full width on a phone, 260px wide beside its label on a larger screen."""
    return rx.box(control, width=rx.breakpoints(initial="100%", sm="260px"))


def _format_row(
    label_key: str,
    options: rx.Var[list[Choice]],
    value: rx.Var[str],
    on_change,  # noqa: ANN001
    id_: str,
) -> rx.Component:
    """A format picked among samples written in it."""
    return _row(label_key, _narrow(_select(options, value, on_change, id_)))


def _samples() -> list[rx.Component]:
    """A sample amount, date and moment in the settings picked."""
    return [
        rx.divider(),
        rx.text(t("prefs.sample", UiState.lang), size="2", color_scheme="gray"),
        rx.flex(
            rx.code(PreferencesState.sample_money, id="sample-money"),
            rx.code(PreferencesState.sample_day, id="sample-day"),
            rx.code(PreferencesState.sample_moment, id="sample-moment"),
            gap="var(--space-2)",
            wrap="wrap",
        ),
    ]


def _save_bar() -> rx.Component:
    """The save button, and the word that the settings are saved."""
    return rx.hstack(
        rx.button(
            rx.icon("save", size=16),
            t("prefs.save", UiState.lang),
            on_click=PreferencesState.save,
            id="prefs-save",
        ),
        rx.cond(
            PreferencesState.saved,
            rx.text(
                t("prefs.saved", UiState.lang),
                size="2",
                color_scheme="green",
                id="prefs-saved-note",
            ),
        ),
        align="center",
        spacing="3",
    )


def _form() -> rx.Component:
    """The settings, their samples, the error of a refused save, and the save button."""
    s = PreferencesState
    return rx.card(
        rx.vstack(
            _row(
                "prefs.language",
                rx.segmented_control.root(
                    rx.segmented_control.item("Français", value="fr", id="pref-lang-fr"),
                    rx.segmented_control.item("English", value="en", id="pref-lang-en"),
                    value=s.language,
                    on_change=s.set_language,
                ),
            ),
            _format_row(
                "prefs.currency_format",
                s.currency_options,
                s.currency_format,
                s.set_currency_format,
                "pref-currency",
            ),
            _format_row(
                "prefs.date_format", s.date_options, s.date_format, s.set_date_format, "pref-date"
            ),
            _row(
                "prefs.timezone",
                _narrow(
                    rx.select(
                        s.timezones,
                        value=s.timezone,
                        on_change=s.set_timezone,
                        id="pref-timezone",
                        width="100%",
                    )
                ),
            ),
            *_samples(),
            rx.cond(
                s.error != "",
                rx.callout.root(rx.callout.text(s.error), color_scheme="red", id="prefs-error"),
            ),
            _save_bar(),
            spacing="4",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )


def preferences_page() -> rx.Component:
    """The settings form and a sample of figures in the chosen formats."""
    return page_frame(
        rx.vstack(
            page_title(t("nav.preferences", UiState.lang)),
            rx.text(t("prefs.intro", UiState.lang), size="2", color_scheme="gray"),
            rx.cond(
                PreferencesState.loaded,
                _form(),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            spacing="4",
            width="100%",
        ),
    )
