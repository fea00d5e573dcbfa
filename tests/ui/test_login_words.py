"""What the login form says of a refused attempt, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from src_dash.clock import utcnow
from src_dash.services.auth import AuthError, LoginHeld, WeakPassword
from src_dash.ui.auth import refusal


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_refusal_has_its_words(lang):
    soon = refusal(LoginHeld(utcnow() + timedelta(seconds=4), locked=False), lang)
    assert "4 s" in soon
    locked = refusal(LoginHeld(utcnow() + timedelta(minutes=15), locked=True), lang)
    assert "UTC" in locked and ("administrateur" in locked or "administrator" in locked)
    for code in ("short", "long", "published", "guessable"):
        said = refusal(WeakPassword(code, "x"), lang)
        assert said and "login." not in said
    assert refusal(AuthError("x"), lang) != refusal(WeakPassword("short", "x"), lang)
