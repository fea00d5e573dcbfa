"""The second factor's words and parts: the login form's refusal of a wrong code, the code step of
the login page, the preferences card's controls and the users tab's reset."""

from __future__ import annotations

import pytest

from src_dash.services.auth import AuthError, WrongCode
from src_dash.ui import i18n
from src_dash.ui.auth import refusal

WRONG = {"fr": "Code incorrect ou déjà utilisé.", "en": "Wrong or already used code."}
SAME_IN_BOTH = {"login.code.label"}  # "Code"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_wrong_code_is_said_apart_from_a_wrong_password(lang):
    assert refusal(WrongCode("x"), lang) == WRONG[lang]
    assert refusal(AuthError("x"), lang) != WRONG[lang]


def test_every_second_factor_word_is_in_both_languages():
    prefixes = ("login.code.", "prefs.tf.", "set.us.tf")
    keys = [k for k in i18n.CATALOG["fr"] if k.startswith(prefixes)]
    assert len(keys) >= 25
    for key in keys:
        english = i18n.CATALOG["en"][key]
        assert english and (english != i18n.CATALOG["fr"][key] or key in SAME_IN_BOTH), key


def test_the_login_page_has_the_code_step():
    from src_dash.ui.pages.login import login_page

    page = str(login_page().render())
    assert "login-code" in page and "one-time-code" in page


def test_the_preferences_card_and_the_users_tab_have_their_controls():
    from src_dash.ui.pages.preferences_totp import second_factor_card
    from src_dash.ui.pages.settings.users import users_tab

    card = str(second_factor_card().render())
    for id_ in ("totp-start", "totp-qr", "totp-secret", "totp-code", "totp-confirm", "totp-off"):
        assert id_ in card, id_
    assert "recovery-code" in card
    assert "user-2fa-reset" in str(users_tab().render())
