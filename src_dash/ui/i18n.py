"""Words of the UI in French and English, and Babel formatting of amounts, counts and dates.

Static labels are looked up in the browser (see `t`), so switching the language changes them at
once; figures are formatted on the server with Babel, because the browser's number formatting in
Reflex is not locale-aware.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

import reflex as rx
from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.numbers import format_currency, format_decimal

LANGS: Final = ("fr", "en")
DEFAULT_LANG: Final = "fr"
DISPLAY_TZ: Final = ZoneInfo("Europe/Paris")

# Babel locale and date style of each UI language.
_BABEL_LOCALE: Final = {"fr": "fr_FR", "en": "en"}
_DATE_STYLE: Final = {"fr": "short", "en": "medium"}

CATALOG: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "app.tagline": "Recouvrement de créances",
        "lang.label": "Langue",
        "overview.title": "Synchronisation — vue d'ensemble",
        "overview.as_of": "Situation au",
        "overview.tz_note": "Heures affichées à l'heure de Paris",
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
    },
    "en": {
        "app.tagline": "Credit collection",
        "lang.label": "Language",
        "overview.title": "Sync — overview",
        "overview.as_of": "As of",
        "overview.tz_note": "Times shown in Paris time",
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
    },
}

# Each area of the UI keeps its words in its own module (`src_dash/ui/words_<area>.py`, a plain
# `WORDS = {"fr": {...}, "en": {...}}`), merged into the catalog here.
WORD_MODULES: Final = ("app", "customers", "working")
for _area in WORD_MODULES:
    try:
        _module = importlib.import_module(f"src_dash.ui.words_{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"src_dash.ui.words_{_area}":
            raise
        continue
    for _code, _words in _module.WORDS.items():
        _clash = CATALOG[_code].keys() & _words.keys()
        if _clash:
            raise KeyError(f"UI labels defined twice: {sorted(_clash)}")
        CATALOG[_code].update(_words)

# Nouns counted on the server: (singular, plural), the form picked by the locale's plural rule.
NOUNS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "fr": {"company": ("société", "sociétés")},
    "en": {"company": ("company", "companies")},
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


def money(amount: Decimal, currency: str, lang: str) -> str:
    """Format an amount with its currency: "12 345,67 €" in French, "€12,345.67" in English."""
    return format_currency(amount, currency or "EUR", locale=_BABEL_LOCALE[normalise_lang(lang)])


def count(value: int, lang: str) -> str:
    """Format a whole number with the locale's grouping: "12 345" or "12,345"."""
    return format_decimal(value, locale=_BABEL_LOCALE[normalise_lang(lang)])


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
    lang = normalise_lang(lang)
    return format_date(value, _DATE_STYLE[lang], locale=_BABEL_LOCALE[lang])


def moment(value: datetime, lang: str) -> str:
    """Format a UTC timestamp in Paris time: "22/11/2026 09:15" or "Nov 22, 2026, 9:15 AM".

    Args:
        value: a timezone-aware datetime (naive ones are taken as UTC, as the store keeps them).
        lang: the UI language.
    """
    lang = normalise_lang(lang)
    locale = _BABEL_LOCALE[lang]
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    local = value.astimezone(DISPLAY_TZ)
    style = _DATE_STYLE[lang]
    pattern = get_datetime_format(style, locale=locale)
    return pattern.replace("{0}", format_time(local, "short", locale=locale)).replace(
        "{1}", format_date(local, style, locale=locale)
    )


def ago(value: datetime, now: datetime, lang: str) -> str:
    """Say how long ago `value` was, seen from `now`: "il y a 3 heures", "3 hours ago"."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return format_timedelta(
        value - now, add_direction=True, locale=_BABEL_LOCALE[normalise_lang(lang)]
    )
