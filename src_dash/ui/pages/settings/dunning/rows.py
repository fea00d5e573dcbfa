"""The scenarios, thresholds and services tabs' rows and choices: a scenario and its steps to
and from the form (also a row of the thresholds tab), services (no Reflex).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from src_dash.dunning.scenarios import ScenarioSpec, StepSpec
from src_dash.ui.i18n import Formats

NEW = "new"
NONE = "-"  # a select's "nothing" (Radix refuses empty values)
CUSTOMER_LANGUAGE = "customer"
PHASES = ("prevenance", "relance", "remerciement")
CHANNELS = ("email", "letter", "phone", "other")
OFFSET_FROM = ("due_date", "previous_step")
THRESHOLDS = ("min_item", "min_customer", "min_gap")
TEXT_FIELDS = ("name", "profile", "description", "language", "journals", *THRESHOLDS)
FLAGS = ("active", "account_situation", "penalties", "include_credit_notes")
STEP_TEXT = (
    "phase",
    "level",
    "day_offset",
    "offset_from",
    "channel",
    "template",
    "to_text",
    "cc_text",
    "name",
)
STEP_FLAGS = ("cc_sales_rep", "needs_approval")


@dataclasses.dataclass
class StepRow:
    """One step as edited (every value as text, as the inputs give it)."""

    id: int = 0
    phase: str = "relance"
    level: str = "1"
    day_offset: str = "0"
    offset_from: str = "due_date"
    channel: str = "email"
    template: str = NONE
    to_text: str = ""
    cc_text: str = ""
    cc_sales_rep: bool = False
    needs_approval: bool = False
    name: str = ""


@dataclasses.dataclass
class ScenarioRow:
    """A scenario's settings as edited (amounts and days as text, as the inputs give them): the
    scenarios tab's form, a row of the thresholds tab."""

    id: int = 0
    name: str = ""
    profile: str = ""
    description: str = ""
    language: str = CUSTOMER_LANGUAGE
    journals: str = ""
    min_item: str = "0"
    min_customer: str = "0"
    min_gap: str = "5"
    active: bool = True
    account_situation: bool = True
    penalties: bool = True
    include_credit_notes: bool = False


@dataclasses.dataclass
class ServiceRow:
    """A contact service and its dunning role."""

    id: int = 0
    company: str = ""
    code: str = ""
    name: str = ""
    role: str = "cc"


def names_in(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def amount_text(value: Decimal, fmt: Formats) -> str:
    return fmt.number(value, 2) if value else "0"


def plain_amount(text: str) -> str:
    """ "1 234,50" -> "1234.50" (what the scenario's checks read)."""
    cleaned = (text or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    return cleaned.replace(",", ".") or "0"


def step_row(step: StepSpec) -> StepRow:
    """A stored step as the form shows it."""
    return StepRow(
        id=step.id or 0,
        phase=step.phase,
        level=str(step.level),
        day_offset=str(step.day_offset),
        offset_from=step.offset_from,
        channel=step.channel,
        template=step.template_code or NONE,
        to_text=", ".join(step.to_services),
        cc_text=", ".join(step.cc_services),
        cc_sales_rep=step.cc_sales_rep,
        needs_approval=step.needs_approval,
        name=step.name,
    )


def step_spec(row: StepRow) -> StepSpec:
    """The step to save from the form's row (bad numbers are left for the checks to name)."""
    return StepSpec(
        id=row.id or None,
        phase=row.phase,
        level=row.level.strip(),  # type: ignore[arg-type]
        day_offset=row.day_offset.strip(),  # type: ignore[arg-type]
        offset_from=row.offset_from,
        channel=row.channel,
        template_code="" if row.template == NONE else row.template,
        to_services=names_in(row.to_text),
        cc_services=names_in(row.cc_text),
        cc_sales_rep=row.cc_sales_rep,
        needs_approval=row.needs_approval,
        name=row.name.strip(),
    )


def scenario_row(spec: ScenarioSpec, fmt: Formats) -> ScenarioRow:
    """A stored scenario's settings as the form shows them (amounts in the viewer's format)."""
    return ScenarioRow(
        id=spec.id or 0,
        name=spec.name,
        profile=spec.profile,
        description=spec.description,
        language=spec.language or CUSTOMER_LANGUAGE,
        journals=", ".join(spec.journals),
        min_item=amount_text(spec.min_item_amount, fmt),
        min_customer=amount_text(spec.min_customer_amount, fmt),
        min_gap=str(spec.min_gap_days),
        active=spec.active,
        account_situation=spec.account_situation,
        penalties=spec.penalties,
        include_credit_notes=spec.include_unexpired_credit_notes,
    )


def scenario_spec(
    row: ScenarioRow, steps: list[StepRow], base: ScenarioSpec | None = None
) -> ScenarioSpec:
    """The scenario to save from the form (`base`: the stored one it edits, whose document kinds
    the form does not show); bad numbers are left for the checks to name."""
    return ScenarioSpec(
        id=base.id if base else None,
        name=row.name.strip(),
        profile=row.profile.strip(),
        description=row.description.strip(),
        language="" if row.language == CUSTOMER_LANGUAGE else row.language,
        account_situation=row.account_situation,
        min_item_amount=plain_amount(row.min_item),  # type: ignore[arg-type]
        min_customer_amount=plain_amount(row.min_customer),  # type: ignore[arg-type]
        min_gap_days=row.min_gap.strip(),  # type: ignore[arg-type]
        journals=names_in(row.journals),
        document_kinds=base.document_kinds if base else (),
        include_unexpired_credit_notes=row.include_credit_notes,
        penalties=row.penalties,
        active=row.active,
        steps=tuple(step_spec(r) for r in steps),
    )
