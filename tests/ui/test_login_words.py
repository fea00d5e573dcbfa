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


def test_the_published_password_banner_only_on_a_network_address(monkeypatch):
    from src_dash.ui import auth
    from src_dash.ui.components.layout import published_banner

    calls = []
    monkeypatch.setattr(auth, "get_engine", lambda: "engine")
    monkeypatch.setattr(auth, "on_published_password", lambda e: calls.append(e) or ["admin"])
    monkeypatch.setattr(auth, "_published", (0.0, ()))
    monkeypatch.setenv("SRC_DASH_HOST", "127.0.0.1")
    assert auth.published_logins() == () and calls == []
    monkeypatch.setenv("SRC_DASH_HOST", "0.0.0.0")
    assert auth.published_logins() == ("admin",)
    assert auth.published_logins() == ("admin",) and calls == ["engine"]  # kept a minute
    assert "published-password-banner" in str(published_banner().render())
