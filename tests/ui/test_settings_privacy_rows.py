"""The RGPD tab: the periods worded in both languages, the tab rendered with its ids."""

from __future__ import annotations

from src_dash.ui.pages.settings.privacy import privacy_tab
from src_dash.ui.pages.settings.privacy.state import KINDS, period_rows


def test_periods_in_days_or_kept_with_what_is_due():
    periods = {f"{k}_days": 0 if k == "audit" else 1095 for k in KINDS}
    rows = period_rows(periods, {"replies": 1234}, "fr")
    assert [r.kind for r in rows] == list(KINDS)
    replies = rows[1]
    assert (replies.period, replies.due) == ("1\u202f095 jours", "1\u202f234")
    assert rows[3].period == "sans limite" and rows[3].due == "0"
    assert period_rows(periods, {}, "en")[1].period == "1,095 days"


def test_the_tab_renders_with_its_ids():
    out = str(privacy_tab().render())
    for id_ in ("rgpd-periods", "rgpd-register", "rgpd-retention"):
        assert id_ in out
