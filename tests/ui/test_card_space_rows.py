"""The card's "Espace client" section formatted (no Reflex state): the link's line, the activity's
lines in French and English, and what may be answered; the section renders with its ids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from src_dash.services.customer_space.staff import (
    ActivityLine,
    AttachmentInfo,
    LinkStatus,
    SpaceActivity,
)
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.customer import customer_page
from src_dash.ui.pages.customer.space_rows import FileRef, format_space

NB = "\u00a0"
AT = datetime(2026, 11, 22, 13, 5, tzinfo=UTC)  # 14:05 in Paris


def _activity(live: int = 1, can_answer: bool = True) -> SpaceActivity:
    link = LinkStatus(
        live=live,
        expires_at=datetime(2027, 2, 20, 23, 30, tzinfo=UTC) if live else None,
        last_used_at=AT,
        uses=3,
        revoked_at=None if live else AT,
    )
    lines = (
        ActivityLine("answer", AT, 9, text="Oui", by="Collector One", status="queued"),
        ActivityLine("message", AT, 7, text="Est-ce juste ?", answered=True),
        ActivityLine(
            "dispute", AT, 4, text="Erreur — prix", attachments=(AttachmentInfo(2, "a.pdf", "", 1),)
        ),
        ActivityLine(
            "promise", AT, 3, amount=Decimal("250.00"), currency="EUR", on=date(2026, 12, 5)
        ),
        ActivityLine("visit", AT, None),
    )
    return SpaceActivity(5, link, lines, can_work=True, can_answer=can_answer)


def test_the_link_line_says_until_when_and_the_last_visit_in_the_viewers_formats():
    fr = format_space(_activity(), Formats("fr"))
    assert fr.live and fr.can_work
    # The expiry is a day in Paris (00:30 on the 21st), the visit a moment in Paris.
    assert fr.status == (
        "valable jusqu'au 21/02/2027 · dernière visite le 22/11/2026 14:05 · 3 ouverture(s)"
    )
    en = format_space(_activity(), Formats("en", timezone="UTC"))
    assert en.status.startswith("valid until Feb 20, 2027 · last visit ")
    revoked = format_space(_activity(live=0), Formats("fr"))
    assert not revoked.live and revoked.status.endswith("accès révoqué le 22/11/2026 14:05")


def test_the_activity_lines_are_formatted_and_only_messages_are_answerable():
    lines = format_space(_activity(), Formats("fr")).lines
    assert [x.kind for x in lines] == ["answer", "message", "dispute", "promise", "visit"]
    answer, message, dispute, promised, visit = lines
    assert answer.detail == "par Collector One · en attente d'envoi" and not answer.answerable
    assert (message.answerable, message.answered, message.ref_id) == (True, True, 7)
    assert dispute.files == [FileRef(2, "a.pdf")] and dispute.color == "orange"
    assert promised.detail == f"250,00{NB}€ au 05/12/2026"
    assert visit.when == "22/11/2026 14:05" and visit.ref_id == 0
    read_only = format_space(_activity(can_answer=False), Formats("fr")).lines
    assert not any(x.answerable for x in read_only)


def test_the_card_renders_the_space_section_with_its_ids():
    card = str(customer_page())
    for id_ in ("space-section", "space-link-state", "space-send", "space-revoke",
                "space-revoke-confirm", "space-answer-body", "space-answer-send"):  # fmt: skip
        assert f'"{id_}"' in card, id_
