"""Page "/preferences": every user's display settings (language, formats, time zone), and for an
admin or a collector their TOTP second factor (`preferences_totp`)."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from collections.abc import Callable
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
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import button, column, row
from src_dash.ui.kit.widgets import error_notice, loading, words
from src_dash.ui.pages.preferences_totp import second_factor_card
from src_dash.ui.state import UiState

ROUTE = "/preferences"
SAMPLE_AMOUNT = Decimal("-12345.67")
SAMPLE_DAY = date(2026, 11, 22)
SAMPLE_MOMENT = datetime(2026, 11, 22, 8, 15, tzinfo=UTC)
SETTINGS = tuple(f.name for f in dataclasses.fields(Preferences))  # what `pick` may set


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

    prefs: Preferences = Preferences()
    currency_options: list[Choice] = []
    date_options: list[Choice] = []
    timezones: list[str] = []
    samples: dict[str, str] = {}  # "money", "day", "moment": the samples in the settings
    error: str = ""
    saved: bool = False
    loaded: bool = False

    def _refresh_samples(self) -> None:
        p = self.prefs
        fmt = Formats(p.language, p.currency_format, p.date_format, p.timezone)
        self.currency_options = currency_choices(p.language)
        self.date_options = date_choices(p.language)
        self.samples = {
            "money": fmt.money(SAMPLE_AMOUNT, "EUR"),
            "day": fmt.day(SAMPLE_DAY),
            "moment": fmt.moment(SAMPLE_MOMENT),
        }

    @rx.event
    async def load(self) -> None:
        """Read the viewer's own settings."""
        who = await current_viewer(self)
        if who is None:
            return
        self.prefs = await asyncio.to_thread(get_preferences, get_engine(), who)
        if not self.timezones:
            self.timezones = timezone_choices()
        self.error = ""
        self.saved = False
        self._refresh_samples()
        self.loaded = True

    @rx.event
    def pick(self, setting: str, value: str | list[str]) -> None:
        """Pick a setting (one of `SETTINGS`): the language, the currency or date format, the
        time zone. The samples follow at once; saving applies it."""
        if setting not in SETTINGS:
            return
        if isinstance(value, list):  # the language's segmented control
            value = value[0] if value else ""
        if setting == "language":
            value = i18n.normalise_lang(value)
        self.prefs = dataclasses.replace(self.prefs, **{setting: value})
        self.saved = False
        self._refresh_samples()

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Store the settings for the signed-in user and use them at once."""
        who = await current_viewer(self)
        if who is None:
            return None
        try:
            mine = copy.copy(self.prefs)  # a plain copy of the state's value, for the thread
            prefs = await asyncio.to_thread(save_preferences, get_engine(), who, mine)
        except (InvalidPreference, AccessDenied) as exc:
            self.error = str(exc)
            return None
        (await self.get_state(AuthState)).set_preferences(prefs)
        (await self.get_state(UiState)).lang = prefs.language
        self.error = ""
        self.saved = True
        return rx.toast.success(i18n.text("prefs.saved", prefs.language), id="prefs-saved")


def _picked(setting: str) -> Callable[[rx.Var], rx.event.EventSpec]:
    """What picks a setting from a control's new value."""
    return lambda value: PreferencesState.pick(setting, value)


def _row(label_key: str, control: rx.Component) -> rx.Component:
    return rx.flex(
        rx.text(words(label_key), size="2", weight="medium", min_width="180px"),
        control,
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="center"),
        gap="var(--space-2)",
        width="100%",
    )


def _narrow(control: rx.Component) -> rx.Component:
    """A control full width on a phone, 260px wide beside its label on a larger screen."""
    return rx.box(control, width=rx.breakpoints(initial="100%", sm="260px"))


def _format_row(
    label_key: str, options: rx.Var[list[Choice]], setting: str, id_: str
) -> rx.Component:
    """A format picked among samples written in it."""
    return _row(
        label_key,
        _narrow(
            rx.select.root(
                rx.select.trigger(id=id_, width="100%"),
                rx.select.content(
                    rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value)),
                ),
                value=PreferencesState.prefs[setting],
                on_change=_picked(setting),
            )
        ),
    )


def _samples() -> list[rx.Component]:
    """A sample amount, date and moment in the settings picked."""
    return [
        rx.divider(),
        rx.text(words("prefs.sample"), size="2", color_scheme="gray"),
        rx.flex(
            *[
                rx.code(PreferencesState.samples[kind], id=f"sample-{kind}")
                for kind in ("money", "day", "moment")
            ],
            gap="var(--space-2)",
            wrap="wrap",
        ),
    ]


def _save_bar() -> rx.Component:
    """The save button, and the word that the settings are saved."""
    return row(
        button("save", "prefs.save", on_click=PreferencesState.save, id="prefs-save"),
        rx.cond(
            PreferencesState.saved,
            rx.text(words("prefs.saved"), size="2", color_scheme="green", id="prefs-saved-note"),
        ),
        spacing="3",
    )


def _form() -> rx.Component:
    """The settings, their samples, the error of a refused save, and the save button."""
    s = PreferencesState
    return rx.card(
        column(
            _row(
                "prefs.language",
                rx.segmented_control.root(
                    rx.segmented_control.item("Français", value="fr", id="pref-lang-fr"),
                    rx.segmented_control.item("English", value="en", id="pref-lang-en"),
                    value=s.prefs.language,
                    on_change=_picked("language"),
                ),
            ),
            _format_row(
                "prefs.currency_format", s.currency_options, "currency_format", "pref-currency"
            ),
            _format_row("prefs.date_format", s.date_options, "date_format", "pref-date"),
            _row(
                "prefs.timezone",
                _narrow(
                    rx.select(
                        s.timezones,
                        value=s.prefs.timezone,
                        on_change=_picked("timezone"),
                        id="pref-timezone",
                        width="100%",
                    )
                ),
            ),
            *_samples(),
            error_notice(s.error, "prefs-error"),
            _save_bar(),
            spacing="4",
        ),
        width="100%",
        max_width="640px",
    )


def preferences_page() -> rx.Component:
    """The settings form and a sample of figures in the chosen formats."""
    return page_frame(
        column(
            page_title(words("nav.preferences")),
            rx.text(words("prefs.intro"), size="2", color_scheme="gray"),
            loading(PreferencesState.loaded, _form()),
            second_factor_card(),
            spacing="4",
        ),
    )
