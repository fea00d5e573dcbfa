"""The replies on the customer card: their words in French and English, and the suggestions
formatted with the sentence they came from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from src_dash.services.replies import ReplyView, SuggestionView
from src_dash.ui.components.replies import format_replies
from src_dash.ui.i18n import CATALOG, Formats
from src_dash.ui.words_replies import WORDS


def test_every_word_is_in_both_languages_and_translated():
    assert set(WORDS["fr"]) == set(WORDS["en"])
    for key in WORDS["fr"]:
        assert CATALOG["fr"][key] and CATALOG["en"][key], key
        assert CATALOG["fr"][key] != CATALOG["en"][key] or key == "replies.suggested", key
    assert CATALOG["fr"]["work.kind.reply"] == "Réponses à traiter"


def _reply() -> ReplyView:
    def s(n, kind, **kw) -> SuggestionView:  # noqa: ANN001
        base = {"on": None, "amount": None, "reference": "", "reason": "", "reason_label": ""}
        return SuggestionView(index=n, kind=kind, quote=f"q{n}", accepted=n == 2, **(base | kw))

    return ReplyView(
        id=7, customer_id=1, message_id=3, action_id=9, kind="reply", subject="RE: Relance",
        from_address="compta@client.fr", from_name="Marie Compta",
        received_at=datetime(2026, 11, 22, 8, 30, tzinfo=UTC), body_text="Bonjour",
        status="new", outcome="", matched_by="token",
        suggestions=(
            s(0, "promise", on=date(2027, 1, 15), amount=Decimal("1250.00")),
            s(1, "paid", on=date(2026, 11, 10), reference="VIR-1187"),
            s(2, "dispute", reason="not_received", reason_label="Livraison incomplète"),
        ),
    )  # fmt: skip


def test_suggestions_are_shown_with_their_day_amount_reference_and_reason():
    lines, suggestions = format_replies([_reply()], Formats("fr"))
    assert lines[0].heading == "De Marie Compta, le 22/11/2026 09:30"
    assert (lines[0].status_label, lines[0].open) == ("À traiter", True)
    got = [(s.label, s.detail, s.quote, s.accepted) for s in suggestions]
    assert got == [
        ("Promesse de paiement", "1\u202f250,00\xa0€ le 15/01/2027", "q0", False),
        ("Déjà payé", "réf. VIR-1187, le 10/11/2026", "q1", False),
        ("Litige", "motif : Livraison incomplète", "q2", True),
    ]
    _, english = format_replies([_reply()], Formats("en"))
    assert english[0].label == "Promise to pay"
    assert english[0].detail == "€1,250.00 on Jan 15, 2027"
