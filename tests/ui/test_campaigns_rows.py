"""The rows and texts of /campagnes, built from what the campaign services return."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from src_dash.services.campaigns import (
    CampaignPreview,
    ExclusionLine,
    ProposalLine,
    RunMessage,
    RunStatus,
    RunSummary,
    SendOutcome,
    Total,
    UnitCount,
    UnitReason,
)
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.campaigns.rows import (
    EXCLUSIONS_SHOWN,
    campaign_name,
    channel_chips,
    data_text,
    exclusion_rows,
    exclusions_more,
    parse_amount,
    preview_kpis,
    preview_totals,
    proposal_rows,
    reason_rows,
    recent_rows,
    run_progress,
    run_rows,
    selected_text,
    send_outcome,
    status_chips,
)

FR, EN = Formats("fr"), Formats("en")


def _proposal(key: str = "k1", channel: str = "email") -> ProposalLine:
    return ProposalLine(
        key=key,
        customer_id=7,
        customer_number="C007",
        customer_name="Dupont SA",
        scenario_name="PME",
        step_name="",
        phase="",
        level=2,
        channel=channel,
        items=3,
        total=Decimal("1200.50"),
        currency="EUR",
        to=("a@x.fr",),
        cc=("b@x.fr",),
    )


def _exclusion(n: int) -> ExclusionLine:
    return ExclusionLine(
        customer_id=n,
        customer_number=f"C{n}",
        customer_name=f"Client {n}",
        reason="in_credit",
        entry_id=None,
        piece="",
        detail="balance -10.00",
        residual=Decimal("-10"),
        currency="EUR",
        amount=Decimal("-10"),
    )


def _preview(proposals=(), exclusions=(), totals=()) -> CampaignPreview:  # noqa: ANN001
    return CampaignPreview(
        as_of=date(2026, 11, 22),
        proposals=tuple(proposals),
        exclusions=tuple(exclusions),
        reasons=(),
        totals=tuple(totals),
        by_channel={"letter": 1, "email": 2},
        by_level={2: 3},
        customers=3,
        items=5,
        customer_counts=UnitCount(
            "customer", 2, 1, (UnitReason("in_credit", 1, Decimal("-10"), "EUR"),)
        ),
        item_counts=UnitCount("item", 4, 1, (UnitReason("disputed", 1, Decimal("50"), "EUR"),)),
    )


def _message(message_id: int | None, status: str, channel: str = "email") -> RunMessage:
    return RunMessage(
        message_id=message_id,
        action_id=9,
        customer_id=7,
        customer_number="C007",
        customer_name="Dupont SA",
        channel=channel,
        level=1,
        subject="Relance",
        status=status,
        total=Decimal("10"),
        currency="EUR",
        to=("a@x.fr",),
        sent_at=None,
        server_answer="550",
        attempts=1,
        has_pdf=False,
        leaves="",
    )


def _status(page=(), counts=None, messages: int = 4) -> RunStatus:  # noqa: ANN001
    return RunStatus(
        run="r1",
        as_of=date(2026, 11, 22),
        created_at=None,
        counts=counts or {},
        messages=messages,
        calls=0,
        letters=0,
        in_flight=0,
        held=0,
        page=tuple(page),
    )


def test_an_amount_typed_in_is_read_with_spaces_and_a_comma() -> None:
    assert parse_amount("1\u202f200,50") == Decimal("1200.50")
    assert parse_amount(" ") is None
    for bad in ("abc", "-3", "inf"):
        with pytest.raises(ValueError):
            parse_amount(bad)


def test_a_run_is_named_after_its_scenarios_levels_and_day() -> None:
    assert campaign_name(("PME",), (2,), date(2026, 11, 22), FR) == "PME · Relance 2 · 22/11/2026"
    name = campaign_name((), (), None, FR)
    assert name.endswith(" · –") and "PME" not in name


def test_the_data_a_run_is_checked_against_says_when_it_is_stale() -> None:
    at = datetime(2026, 11, 22, 9, 14)
    assert data_text(at, False, FR).startswith("Données du 22/11/2026")
    assert data_text(at, True, FR) != data_text(at, False, FR)
    assert data_text(None, False, FR) != ""


def test_the_proposals_are_formatted_with_their_addressees_and_counts() -> None:
    (row,) = proposal_rows(_preview([_proposal()]), FR)
    assert (row.key, row.href, row.customer) == ("k1", "/clients/7", "Dupont SA")
    assert row.subtitle == "C007 · PME" and row.to_text == "a@x.fr, b@x.fr"
    assert row.items_text == "3 échéances" and "1\u202f200,50" in row.total_text
    assert row.checked


def test_the_preview_counts_customers_and_items_apart() -> None:
    found = _preview([_proposal()], totals=[Total("EUR", 1, Decimal("5"))])
    kpis = preview_kpis(found, FR)
    assert kpis["messages"] == "1" and kpis["customers"] == "2" and kpis["items"] == "4"
    assert kpis["customers_note"] == "sur 3 · 1 écarté(s)"
    assert kpis["excluded"] == "1" and kpis["excluded_note"] == "1 échéance"
    assert preview_totals(found, FR) == [FR.money(Decimal("5"), "EUR")]
    assert preview_totals(_preview(), FR) == [FR.money(Decimal(0), "EUR")]
    assert [c.key for c in channel_chips(found, FR)] == ["email", "letter"]
    assert [r.reason for r in reason_rows(found, FR)] == ["in_credit", "disputed"]
    assert reason_rows(found, EN)[0].count_text == "1 customer"


def test_no_more_exclusions_are_listed_than_the_table_shows() -> None:
    found = _preview(exclusions=[_exclusion(n) for n in range(EXCLUSIONS_SHOWN + 12)])
    rows = exclusion_rows(found, FR)
    assert len(rows) == EXCLUSIONS_SHOWN and rows[0]["_href"] == "/clients/0"
    assert rows[0]["_color.reason"] == "gray" and "balance" not in rows[0]["detail"]
    assert exclusions_more(found, FR) == "… et 12 de plus"
    assert exclusions_more(_preview(), FR) == ""
    assert selected_text(2, 3, EN) == "2 of 3 ticked"


def test_only_held_messages_can_be_ticked_and_a_call_has_no_total() -> None:
    page = [_message(1, "held"), _message(2, "failed"), _message(None, "proposed", "phone")]
    rows = run_rows(_status(page), FR, {1, 2})
    assert [r.row_id for r in rows] == ["m1", "m2", "a9"]
    assert [(r.checkable, r.checked) for r in rows] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    assert rows[1].answer == "550" and rows[0].answer == ""
    assert rows[2].total_text == "" and rows[2].message_id == 0


def test_status_chips_follow_the_outbox_order_and_the_progress_leaves_cancelled_aside() -> None:
    counts = {"sent": 2, "held": 1, "cancelled": 1, "zzz": 1}
    assert [c.key for c in status_chips(counts, FR)] == ["held", "sent", "cancelled", "zzz"]
    assert run_progress(_status(counts=counts, messages=5), EN) == (50, "2 of 4 sent")
    assert run_progress(_status(counts={"cancelled": 2}, messages=2), EN)[0] == 0
    (recent,) = recent_rows([RunSummary("r1", date(2026, 11, 22), None, 4, counts)], FR)
    assert recent.subtitle == "r1" and len(recent.chips) == 4


def test_a_send_says_what_went_and_warns_when_something_failed() -> None:
    def outcome(**kw) -> SendOutcome:  # noqa: ANN003
        base = dict(
            busy=False,
            sent=3,
            retried=0,
            failed=0,
            bounced=0,
            letters_printed=0,
            server_error="",
            store_error="",
        )
        return SendOutcome(**{**base, **kw})

    text, warn = send_outcome(outcome(), EN)
    assert text == "Sending done: 3 sent, 0 failed" and not warn
    assert send_outcome(outcome(bounced=1), EN)[1]
    text, warn = send_outcome(outcome(server_error="down", synced=("A",)), EN)
    assert "down" in text and text.endswith("Synced before sending: A.") and warn
    assert not send_outcome(outcome(busy=True), EN)[1]
