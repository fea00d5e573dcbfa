"""The /campagnes page's shared view parts, and the ids its browser tests rely on."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.pages.campaigns import campaigns_page
from src_dash.ui.pages.campaigns.parts import card, listed, title


class _S(rx.State):
    names: list[str] = []


def _render(component: rx.Component) -> str:
    return str(component.render())


def test_a_card_has_its_title_and_its_id():
    out = _render(card(title("camp.recent"), rx.text("x"), id="c"))
    assert "Recent campaigns" in out
    assert '"c"' in out


def test_a_list_shows_its_rows_or_nothing_in_grey():
    out = str(listed(_S.names, lambda n: rx.text(n), "camp.recent.empty", id="names"))
    assert "names_rx_state_.length > 0" in out
    assert 'id:"names"' in out
    assert 'color:"gray"' in out


def test_the_page_keeps_the_ids_its_browser_tests_use():
    out = str(campaigns_page())
    for id_ in (
        "criteria", "crit-reset", "run-preview", "items-clear", "grade-A", "crit-level",
        "preview", "preview-chips", "proposals", "proposals-pager-next", "uncheck-all", "prepare",
        "reasons", "exclusions-card", "exclusions-toggle", "run", "run-chips", "run-buttons",
        "approve-all", "approve-selected", "reject-selected", "send", "letters-pdf", "close-run",
        "check-page", "run-messages", "run-pager-prev", "recent-runs", "campaign-error",
    ):  # fmt: skip
        assert f'id:"{id_}"' in out, id_
    for testid in ("proposal", "open-proposal", "reason", "run-message", "open-run", "chip"):
        assert f'"data-testid":"{testid}"' in out, testid
