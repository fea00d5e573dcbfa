"""Letters on /campagnes and on the customer card: counts to print, printed and posted, the two
steps a collector takes, the roles, and what the card and the run's lines say (SQLite and
PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from dunning.smtp_helpers import make_ledger, proposal
from sqlalchemy import update

from src_dash.access import AccessDenied, viewer
from src_dash.dunning.letter_post import print_batch
from src_dash.dunning.runs import create_run
from src_dash.services import campaigns, letters
from src_dash.services.customer_card import customer_card
from src_dash.store import User
from src_dash.ui.i18n import CATALOG, Formats
from src_dash.ui.words_letters import WORDS

TODAY = date(2026, 11, 22)


@pytest.fixture
def run(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SRC_DASH_TODAY", TODAY.isoformat())
    ids = make_ledger(store, 3)
    done = create_run(
        store,
        [
            proposal(store, ids, 0, channel="letter"),
            proposal(store, ids, 1, channel="letter"),
            proposal(store, ids, 2),
        ],
    )
    ids["run"] = done.run
    return ids


def test_a_collector_confirms_the_printing_then_posts_the_letters_of_a_run(store, run):
    who = viewer(store, run["user"])
    counts = letters.run_letters(store, who, run["run"])
    assert (counts.to_print, counts.printed, counts.posted) == (2, 0, 0)
    # Letters to print are not in flight: the live follow-up waits for the email only.
    assert campaigns.run_status(store, who, run["run"]).in_flight == 1
    with pytest.raises(letters.LetterError, match="printed and waiting"):
        letters.mark_posted(store, who, run["run"], TODAY)
    assert letters.confirm_printed(store, who, run["run"]) == 2
    with pytest.raises(letters.LetterError, match="waiting to be printed"):
        letters.confirm_printed(store, who, run["run"])
    assert letters.mark_posted(store, who, run["run"], date(2026, 11, 21)) == 2
    counts = letters.run_letters(store, who, run["run"])
    assert (counts.to_print, counts.printed, counts.posted) == (0, 0, 2)
    status = campaigns.run_status(store, who, run["run"])
    assert status.counts["sent"] == 2  # posted letters count among the sent

    card = customer_card(store, who, run["customers"][0], as_of=TODAY)
    (letter,) = [m for m in card.messages if m.channel == "letter"]
    assert (letter.status, letter.posted_on) == ("sent", date(2026, 11, 21))


def test_a_read_only_user_sees_the_counts_but_cannot_confirm_or_post(store, run):
    u = User.__table__
    with store.begin() as conn:
        conn.execute(update(u).where(u.c.id == run["user"]).values(role="read_only"))
    who = viewer(store, run["user"])
    assert letters.run_letters(store, who, run["run"]).to_print == 2
    with pytest.raises(AccessDenied):
        letters.confirm_printed(store, who, run["run"])
    with pytest.raises(AccessDenied):
        letters.mark_posted(store, who, run["run"], TODAY)


def test_the_run_lines_and_the_card_say_to_print_printed_and_posted_in_both_languages(store, run):
    from src_dash.ui.pages.campaigns import run_rows
    from src_dash.ui.pages.customer import format_card

    assert set(WORDS["fr"]) == set(WORDS["en"])
    for key in WORDS["fr"]:
        assert CATALOG["fr"][key] != CATALOG["en"][key], key
    who = viewer(store, run["user"])
    fr = Formats(lang="fr")

    def labels() -> list[str]:
        status = campaigns.run_status(store, who, run["run"])
        return [r.status_label for r in run_rows(status, fr, set()) if r.channel == "letter"]

    assert labels() == ["À imprimer", "À imprimer"]
    print_batch(store, campaigns_now())
    assert labels() == ["À imprimer", "À imprimer"]  # in a grouped PDF, not printed yet
    letters.confirm_printed(store, who, run["run"])
    assert labels() == ["Imprimé", "Imprimé"]
    letters.mark_posted(store, who, run["run"], date(2026, 11, 20))
    assert labels() == ["Posté", "Posté"]
    card = customer_card(store, who, run["customers"][0], as_of=TODAY)
    view = format_card(card, fr)
    texts = [m.status for m in view.messages]
    assert "Posté le 20/11/2026" in texts
    en = format_card(card, dataclasses.replace(fr, lang="en"))
    assert any(m.status.startswith("Posted on") for m in en.messages)


def campaigns_now():  # noqa: ANN201
    from src_dash.clock import utcnow

    return utcnow()
