"""Settings > Espace client: a refused logo or colour is said in the admin's language (the
service's English is never shown), and the settings page builds with the tab."""

from __future__ import annotations

import pytest

from src_dash.services.customer_space.brand import accent_field, check_logo
from src_dash.services.inputs import InvalidInput
from src_dash.ui.i18n import Formats, text
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.page import TAB_KEYS, settings_page
from src_dash.ui.pages.settings.space_brand.state import brand_error

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _done(call, *args, lang: str = "fr") -> Done:  # noqa: ANN001, ANN002
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return Done(error=str(caught.value), fmt=Formats(lang), exception=caught.value)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("key", "args"),
    [
        ("type", ("logo.png", b"GIF89a")),
        ("size", ("logo.png", PNG + b"\x00" * 300_000)),
        ("svg", ("logo.svg", b"<svg><script>alert(1)</script></svg>")),
        ("name", ("logo.svg", PNG)),
        ("name", ("../logo.png", PNG)),
        ("empty", ("logo.png", b"")),
    ],
)
def test_a_refused_logo_is_said_in_the_admins_language(key, args, lang):
    done = _done(check_logo, *args, lang=lang)
    assert brand_error(done) == text(f"space.brand.err.{key}", lang) != done.error


def test_a_refused_colour_and_other_errors():
    assert (
        brand_error(_done(accent_field, "red", lang="en")) == "Colour: enter a colour like #1a4f8b."
    )
    other = Done(error="Accès refusé", fmt=Formats("fr"), exception=PermissionError("x"))
    assert brand_error(other) == "Accès refusé"


def test_the_settings_have_the_tab():
    assert "space" in TAB_KEYS and settings_page() is not None
