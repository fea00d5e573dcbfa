"""Words of the UI in French and English, and Babel formatting of amounts, counts and dates.

Static labels are looked up in the browser (see `t`), so switching the language changes them at
once; figures are formatted on the server with Babel, because the browser's number formatting in
Reflex is not locale-aware.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

import reflex as rx
from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.numbers import format_currency, format_decimal, format_percent

LANGS: Final = ("fr", "en")
DEFAULT_LANG: Final = "fr"
DISPLAY_TZ: Final = ZoneInfo("Europe/Paris")

# Babel locale and date style of each UI language.
_BABEL_LOCALE: Final = {"fr": "fr_FR", "en": "en"}
_DATE_STYLE: Final = {"fr": "short", "en": "medium"}

DEFAULT_TIMEZONE: Final = "Europe/Paris"

CATALOG: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "app.tagline": "Recouvrement de créances",
        "lang.label": "Langue",
        "overview.title": "Synchronisation — vue d'ensemble",
        "overview.as_of": "Situation au",
        "overview.tz_note": "Fuseau horaire\u00a0: ",
        "overview.denied": "La synchronisation montre les totaux de toute la base\u00a0: "
        "elle est réservée aux utilisateurs qui voient tous les clients.",
        "overview.refresh": "Actualiser",
        "overview.empty": "Aucune société n'est encore enregistrée. "
        "Lancez «\u00a0src-dash demo\u00a0» ou déclarez une base Sage 100.",
        "overview.load_error": "Impossible de lire la situation des sociétés",
        "overview.total": "Total consolidé",
        "field.customers": "Clients",
        "field.open_items": "Échéances ouvertes",
        "field.outstanding": "Encours",
        "field.overdue": "Échu",
        "sync.last": "Dernière synchronisation\u00a0:",
        "sync.error": "Erreur\u00a0:",
        "sync.reconciliation": "Rapprochement\u00a0:",
        "sync.reconciliation.gap": "écart",
    },
    "en": {
        "app.tagline": "Credit collection",
        "lang.label": "Language",
        "overview.title": "Sync — overview",
        "overview.as_of": "As of",
        "overview.tz_note": "Time zone: ",
        "overview.denied": "The sync overview shows the totals of the whole base: it is for "
        "users who see every customer.",
        "overview.refresh": "Refresh",
        "overview.empty": "No company is registered yet. Run “src-dash demo” or declare a "
        "Sage 100 base.",
        "overview.load_error": "Could not read the companies' status",
        "overview.total": "Consolidated total",
        "field.customers": "Customers",
        "field.open_items": "Open items",
        "field.outstanding": "Outstanding",
        "field.overdue": "Overdue",
        "sync.last": "Last sync:",
        "sync.error": "Error:",
        "sync.reconciliation": "Reconciliation:",
        "sync.reconciliation.gap": "difference",
    },
}

# Each area of the UI keeps its words in its own module (`src_dash/ui/words_<area>.py`, a plain
# `WORDS = {"fr": {...}, "en": {...}}`), merged into the catalog here.
WORD_MODULES: Final = (
    "app",
    "customers",
    "followup",
    "campaigns",
    "settings",
    "settings_fec",
    "messaging",
    "alerts",
    "sync",
    "replies",
    "letters",
    "login",
    "forecast",
    "space",
    "space_staff",
    "privacy",
    "risk",
)
for _area in WORD_MODULES:
    _module = importlib.import_module(f"src_dash.ui.words_{_area}")
    for _code, _words in _module.WORDS.items():
        _clash = CATALOG[_code].keys() & _words.keys()
        if _clash:
            raise KeyError(f"UI labels defined twice: {sorted(_clash)}")
        CATALOG[_code].update(_words)

# Nouns counted on the server: (singular, plural), the form picked by the locale's plural rule.
NOUNS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "fr": {"company": ("société", "sociétés"), "line": ("ligne", "lignes")},
    "en": {"company": ("company", "companies"), "line": ("line", "lines")},
}

SYNC_STATUS_LABELS: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "ok": "Réussie",
        "failed": "Échec",
        "running": "En cours",
        "interrupted": "Interrompue",
        "": "Jamais synchronisée",
    },
    "en": {
        "ok": "Succeeded",
        "failed": "Failed",
        "running": "Running",
        "interrupted": "Interrupted",
        "": "Never synced",
    },
}


def normalise_lang(lang: str | None) -> str:
    """Return a supported UI language for `lang` ("fr-FR" -> "fr"), French when unknown."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGS else DEFAULT_LANG


def t(key: str, lang: rx.Var[str] | str) -> rx.Var[str]:
    """Return the label `key` in the language held by `lang`, resolved in the browser.

    Args:
        key: a key of `CATALOG` (checked now, so a typo fails at compile time).
        lang: the language var (usually `UiState.lang`) or a fixed language code.

    Raises:
        KeyError: when `key` is not in the catalog.
    """
    if key not in CATALOG[DEFAULT_LANG]:
        raise KeyError(f"unknown UI label: {key!r}")
    # Only this label's translations are inlined, not the whole catalog.
    choices = rx.Var.create({code: CATALOG[code][key] for code in LANGS})
    return choices[lang].to(str)


def text(key: str, lang: str) -> str:
    """Return the label `key` in `lang`, on the server."""
    return CATALOG[normalise_lang(lang)][key]


def labelled(label: str, value: str, lang: str) -> str:
    """Join a label and its value with the language's colon: "Erreur : x" or "Error: x"."""
    colon = "\u00a0: " if normalise_lang(lang) == "fr" else ": "
    return f"{label}{colon}{value}"


def sync_status_label(status: str, lang: str) -> str:
    """Return the words for a sync run status (ok, failed, running, interrupted or "")."""
    labels = SYNC_STATUS_LABELS[normalise_lang(lang)]
    return labels.get(status, status)


@dataclass(frozen=True)
class Formats:
    """How one user wants figures shown: language, currency and date formats, time zone.

    Attributes:
        lang: "fr" or "en".
        currency_format: one of `preferences.CURRENCY_FORMATS`: "symbol" (12 345,67 €), "code"
            (12 345,67 EUR) or "accounting" (negative amounts in parentheses).
        date_format: one of `preferences.DATE_FORMATS`: "default" (the language's usual style:
            22/11/2026, Nov 22, 2026), a Babel style ("short", "medium", "long") or "iso".
        timezone: an IANA zone name; timestamps are shown in it.
    """

    lang: str = DEFAULT_LANG
    currency_format: str = "symbol"
    date_format: str = "default"
    timezone: str = DEFAULT_TIMEZONE

    @property
    def locale(self) -> str:
        """The Babel locale of the language."""
        return _BABEL_LOCALE[normalise_lang(self.lang)]

    @property
    def zone(self) -> ZoneInfo:
        """The time zone (Paris when the name is unknown)."""
        try:
            return ZoneInfo(self.timezone)
        except (ValueError, KeyError):
            return DISPLAY_TZ

    def _date_style(self) -> str:
        if self.date_format in ("short", "medium", "long"):
            return self.date_format
        return _DATE_STYLE[normalise_lang(self.lang)]

    def money(self, amount: Decimal, currency: str) -> str:
        """Format an amount with its currency: "12 345,67 €", "€12,345.67", "EUR 12,345.67"."""
        currency = currency or "EUR"
        if self.currency_format == "accounting":
            return format_currency(amount, currency, locale=self.locale, format_type="accounting")
        if self.currency_format == "code":
            pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
            if pattern.startswith("¤"):
                pattern = "¤¤\u00a0" + pattern[1:]
            else:
                pattern = pattern.replace("¤", "¤¤")
            return format_currency(amount, currency, format=pattern, locale=self.locale)
        return format_currency(amount, currency, locale=self.locale)

    def count(self, value: int) -> str:
        """Format a whole number with the locale's grouping: "12 345" or "12,345"."""
        return format_decimal(value, locale=self.locale)

    def number(self, value: Decimal | float, digits: int = 1) -> str:
        """Format a decimal number with `digits` decimals: "45,3" or "45.3"."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: Decimal | float, digits: int = 1) -> str:
        """Format a percentage given in percent (12.3 -> "12,3 %" or "12.3%")."""
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        if digits > 0:
            pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
        return format_percent(Decimal(str(value)) / 100, format=pattern, locale=self.locale)

    def day(self, value: date) -> str:
        """Format an accounting date in the chosen style: "22/11/2026", "Nov 22, 2026"."""
        if self.date_format == "iso":
            return value.isoformat()
        return format_date(value, self._date_style(), locale=self.locale)

    def local(self, value: datetime) -> datetime:
        """A UTC timestamp (naive ones are taken as UTC, as the store keeps them) in the zone."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(self.zone)

    def moment(self, value: datetime) -> str:
        """Format a UTC time in the user's zone: "22/11/2026 09:15", "Nov 22, 2026, 9:15 AM"."""
        local = self.local(value)
        if self.date_format == "iso":
            return f"{local.date().isoformat()} {local:%H:%M}"
        style = self._date_style()
        pattern = get_datetime_format(style, locale=self.locale)
        return pattern.replace("{0}", format_time(local, "short", locale=self.locale)).replace(
            "{1}", format_date(local, style, locale=self.locale)
        )


def money(amount: Decimal, currency: str, lang: str) -> str:
    """Format an amount with its currency: "12 345,67 €" in French, "€12,345.67" in English."""
    return Formats(lang).money(amount, currency)


def count(value: int, lang: str) -> str:
    """Format a whole number with the locale's grouping: "12 345" or "12,345"."""
    return Formats(lang).count(value)


def count_of(value: int, noun: str, lang: str) -> str:
    """Say how many of `noun` there are: "1 société", "2 sociétés", "1,200 companies".

    Args:
        value: the number.
        noun: a key of `NOUNS`.
        lang: the UI language.
    """
    lang = normalise_lang(lang)
    singular, plural = NOUNS[lang][noun]
    form = Locale.parse(_BABEL_LOCALE[lang]).plural_form(value)
    return f"{count(value, lang)}\u00a0{singular if form == 'one' else plural}"


def day(value: date, lang: str) -> str:
    """Format an accounting date: "22/11/2026" in French, "Nov 22, 2026" in English."""
    return Formats(lang).day(value)


def moment(value: datetime, lang: str) -> str:
    """Format a UTC timestamp in Paris time: "22/11/2026 09:15" or "Nov 22, 2026, 9:15 AM".

    Args:
        value: a timezone-aware datetime (naive ones are taken as UTC, as the store keeps them).
        lang: the UI language.
    """
    return Formats(lang).moment(value)


def ago(value: datetime, now: datetime, lang: str) -> str:
    """Say how long ago `value` was, seen from `now`: "il y a 3 heures", "3 hours ago"."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return format_timedelta(
        value - now, add_direction=True, locale=_BABEL_LOCALE[normalise_lang(lang)]
    )
