"""The sync overview's words for a run's report: lines left out and warnings, in fr and en."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from src_dash.services.status import CompanyStatus
from src_dash.sources.left_out import ACCOUNT_GROUPS, OTHER_41, REASONS, LeftOutLines
from src_dash.ui.i18n import CATALOG, Formats
from src_dash.ui.pages.sync_status import WARNINGS_SHOWN, company_cards, left_out_line

NNBSP, NBSP = "\u202f", "\u00a0"
ADVANCES = LeftOutLines("customer_advances", "419", 3, Decimal("-1200.00"))
NO_PARTY = LeftOutLines("no_third_party", "411", 1, Decimal("250.00"))
# The FEC's reasons that name an account group, which the group's words say already.
FEC_BY_ACCOUNT = {"bills_receivable", "unbilled_receivables", "customer_advances", "other_class_41"}
SET_ASIDE = LeftOutLines("not_a_customer", "C003, C009", 2, Decimal("19.90"))


def test_each_group_says_lines_account_reason_and_amount_in_the_viewers_language():
    fr, en = Formats("fr"), Formats("en")
    assert left_out_line(ADVANCES, "EUR", fr) == (
        f"3{NBSP}lignes 419 (avances reçues){NBSP}: -1{NNBSP}200,00{NBSP}€"
    )
    assert left_out_line(ADVANCES, "EUR", en) == "3\u00a0lines 419 (customer advances): -€1,200.00"
    assert left_out_line(NO_PARTY, "EUR", fr) == (
        f"1{NBSP}ligne 411 (clients), sans compte tiers{NBSP}: 250,00{NBSP}€"
    )
    assert left_out_line(SET_ASIDE, "EUR", en) == (
        "2\u00a0lines C003, C009, set aside as not customers: €19.90"
    )
    assert left_out_line(ADVANCES, "USD", Formats("fr", currency_format="code")).endswith(
        f"-1{NNBSP}200,00{NBSP}USD"
    )


def test_a_card_carries_the_report_and_the_first_warnings():
    warnings = tuple(f"warning {n}" for n in range(WARNINGS_SHOWN + 2))
    status = CompanyStatus(
        code="FEC1",
        name="Fec",
        currency="EUR",
        customers=2,
        open_items=2,
        outstanding=Decimal("10.00"),
        overdue=Decimal("0.00"),
        last_sync_at=datetime(2026, 11, 22, 8, tzinfo=UTC),
        last_sync_status="ok",
        last_sync_error="",
        left_out=(ADVANCES, NO_PARTY),
        warnings=warnings,
    )
    (card,) = company_cards([status], "en", datetime(2026, 11, 22, 9, tzinfo=UTC))
    assert card.left_out == [
        "3\u00a0lines 419 (customer advances): -€1,200.00",
        "1\u00a0line 411 (customers), without a third-party account: €250.00",
    ]
    assert card.warnings[:WARNINGS_SHOWN] == list(warnings[:WARNINGS_SHOWN])
    assert card.warnings[-1] == "… and 2 more (src-dash status --json)"
    bare = replace(status, left_out=(), warnings=())
    (bare,) = company_cards([bare], "fr", datetime(2026, 11, 22, 9, tzinfo=UTC))
    assert bare.left_out == [] and bare.warnings == []


def test_every_account_group_and_third_party_reason_is_worded_in_both_languages():
    groups = [f"sync.acct.{g}" for g in (*ACCOUNT_GROUPS, OTHER_41)]
    reasons = [f"sync.reason.{r}" for r in REASONS if r not in FEC_BY_ACCOUNT]
    assert len(reasons) == 4
    for key in groups + reasons:
        assert (
            CATALOG["fr"][key] and CATALOG["en"][key] and CATALOG["fr"][key] != CATALOG["en"][key]
        )
    assert set(CATALOG["fr"]) == set(CATALOG["en"])
