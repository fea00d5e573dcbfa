"""The campaigns page counts customers and items with the locale's plural rule."""

from __future__ import annotations

from src_dash.ui.i18n import Formats
from src_dash.ui.pages.campaigns.rows import counted as _counted
from src_dash.ui.pages.campaigns.rows import words as _words


def test_counts_take_the_singular_or_the_plural_of_each_language() -> None:
    fr, en = Formats("fr"), Formats("en")
    said = [_counted(_words("fr"), "camp.customers", n, fr) for n in (0, 1, 2, 1200)]
    assert said == ["0 client", "1 client", "2 clients", "1\u202f200 clients"]
    said = [_counted(_words("en"), "camp.items", n, en) for n in (0, 1, 1200)]
    assert said == ["0 items", "1 item", "1,200 items"]
