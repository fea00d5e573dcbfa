"""What a plan is asked with and built from: the reasons, the criteria of a mass run, the frames."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from src_dash.dunning.scenarios import (
    ScenarioSpec,
)

THANK_YOU_DAYS = 30  # a thank-you is proposed for payments of the last 30 days only
NOT_SENT = ("failed", "bounced", "cancelled")  # messages that do not count for the gap
# The order in which a customer's reasons are tried: the first that applies is shown.
CUSTOMER_REASONS = ("do_not_dun", "dormant", "customer_stopped", "no_scenario", "in_credit")
ITEM_REASONS = (
    "item_stopped",
    "disputed",
    "promised",
    "doubtful",
    "journal_excluded",
    "document_kind_excluded",
    "below_item_threshold",
)


# What a proposal needs of its customer.
_CUSTOMER_COLUMNS = (
    "customer_id", "scenario_id", "company_id", "number", "name", "email", "sales_rep_id",
    "collector_id", "language", "book_currency", "profile", "no_penalties",
)  # fmt: skip


class PlanError(ValueError):
    """A plan asked with wrong arguments (unknown scenario, a forced level without a target)."""


@dataclass(frozen=True)
class Criteria:
    """Which customers and items a mass run covers; None (or empty) means no filter."""

    company_ids: frozenset[int] | None = None
    sales_rep_ids: frozenset[int] | None = None
    collector_ids: frozenset[int] | None = None
    profiles: frozenset[str] | None = None
    grades: frozenset[str] | None = None
    min_score: int | None = None
    max_score: int | None = None
    min_outstanding: Decimal | None = None  # the customer's balance
    max_outstanding: Decimal | None = None
    min_days_late: int | None = None  # per item (days past the due date)
    max_days_late: int | None = None
    min_item_amount: Decimal | None = None  # per item (residual)
    free_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, accepted values)


@dataclass
class _Frames:
    """The frames a plan is built from: customers with their scenario, open debits, credits."""

    as_of: date
    customers: pl.DataFrame
    debits: pl.DataFrame
    credits: pl.DataFrame
    scenarios: dict[int, ScenarioSpec]
