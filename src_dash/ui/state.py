"""State shared by every page: the UI language, kept in the browser's LocalStorage.

Per the Reflex guidance this module imports no other module of the app's UI, so pages and
components can import it without cycles.
"""

from __future__ import annotations

import reflex as rx

from src_dash.ui.i18n import DEFAULT_LANG, normalise_lang

LANG_STORAGE_KEY = "src_dash_lang"


class UiState(rx.State):
    """The user's display preferences."""

    # Survives reloads and is shared by the tabs of a browser; read on hydration.
    lang: str = rx.LocalStorage(DEFAULT_LANG, name=LANG_STORAGE_KEY, sync=True)

    @rx.event
    def set_lang(self, lang: str | list[str]) -> None:
        """Switch the UI language.

        Args:
            lang: "fr" or "en" (a segmented control may send a one-item list); anything else
                falls back to French.
        """
        if isinstance(lang, list):
            lang = lang[0] if lang else ""
        self.lang = normalise_lang(lang)
