"""The scenario form's row: a stored scenario shown in the viewer's formats, and the scenario
saved back from it (also a row of the thresholds tab)."""

from __future__ import annotations

from decimal import Decimal

from src_dash.dunning.scenarios import ScenarioSpec, StepSpec
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.dunning.rows import (
    CUSTOMER_LANGUAGE,
    scenario_row,
    scenario_spec,
    step_row,
)

NNBSP = "\u202f"  # the French thousands separator

_SPEC = ScenarioSpec(
    id=4,
    name="Grands comptes",
    profile="gc",
    steps=(StepSpec("relance", 1, 10, template_code="r1"),),
    description="Les clients importants",
    language="",
    account_situation=False,
    min_item_amount=Decimal("1234.50"),
    min_customer_amount=Decimal("0"),
    min_gap_days=7,
    journals=("VTE", "VT2"),
    document_kinds=("invoice",),
    include_unexpired_credit_notes=True,
    penalties=False,
    active=True,
)


def test_a_stored_scenario_shows_its_amounts_in_the_viewers_format():
    row = scenario_row(_SPEC, Formats("fr"))
    assert (row.id, row.name, row.profile, row.language) == (
        4,
        "Grands comptes",
        "gc",
        CUSTOMER_LANGUAGE,
    )
    assert row.journals == "VTE, VT2"
    assert (row.min_item, row.min_customer, row.min_gap) == (f"1{NNBSP}234,50", "0", "7")
    assert (row.account_situation, row.penalties, row.include_credit_notes) == (False, False, True)


def test_the_form_saves_back_the_scenario_it_shows_with_the_stored_document_kinds():
    row = scenario_row(_SPEC, Formats("fr"))
    steps = [step_row(s) for s in _SPEC.steps]
    spec = scenario_spec(row, steps, base=_SPEC)
    assert spec.min_item_amount == "1234.50" and spec.min_gap_days == "7"
    assert spec.language == "" and spec.journals == ("VTE", "VT2")
    assert spec.document_kinds == ("invoice",) and spec.id == 4
    assert spec.steps[0].template_code == "r1"
    new = scenario_spec(row, steps)
    assert new.id is None and new.document_kinds == ()
