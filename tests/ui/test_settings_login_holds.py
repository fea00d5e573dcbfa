"""The users tab's held sign-ins: worded for the admin, a login unlockable, an address not."""

from __future__ import annotations

from datetime import UTC, datetime

from src_dash.services.login_guard import Throttled
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.login_holds import hold_rows, login_holds

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_holds_say_what_is_held_and_until_when():
    rows = hold_rows(
        [
            Throttled("login:claire", 10, AT, datetime(2026, 12, 7, 9, 15, tzinfo=UTC)),
            Throttled("addr:10.0.0.7", 12, AT, None),
        ],
        Formats("fr"),
    )
    assert (rows[0].what, rows[0].login, rows[0].failures) == ("claire", "claire", "10")
    assert rows[0].until.endswith("10:15")  # Paris time
    assert (rows[1].what, rows[1].login) == ("adresse 10.0.0.7", "")
    assert rows[1].until == "attente de quelques secondes"
    assert hold_rows([Throttled("addr:x", 1, AT, None)], Formats("en"))[0].what == "address x"


def test_the_section_renders():
    out = str(login_holds().render())
    assert "login-holds-section" in out and "login-holds-none" in out
