"""The services' English messages said in French on the settings pages."""

from __future__ import annotations

from src_dash.ui.pages.settings_common import say


def test_a_range_is_said_in_french_whatever_its_bounds() -> None:
    assert say("interval: must be between 5 and 1440 minutes", "fr") == (
        "interval: doit être entre 5 et 1440 minutes"
    )
    assert say("must be between 0 and 365", "fr") == "doit être entre 0 et 365"
    assert say("must be between 0 and 365", "en") == "must be between 0 and 365"
    assert say("name: must not be empty", "fr") == "name: ne doit pas être vide"
