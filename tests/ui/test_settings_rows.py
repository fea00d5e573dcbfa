"""The settings tabs' pure builders: a company's runs and schedule, a connection test, the
scenario form's steps and amounts, in the viewer's language and formats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from src_dash.dunning.scenarios import StepSpec
from src_dash.services.companies import ConnectionCheck, RunView
from src_dash.services.sync_schedule import Schedule
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.companies.rows import connection_text, run_row, schedule_text
from src_dash.ui.pages.settings.dunning.rows import (
    NONE,
    StepRow,
    amount_text,
    names_in,
    plain_amount,
    step_row,
    step_spec,
)

NBSP = "\u00a0"


def _run(**changes) -> RunView:  # noqa: ANN003
    values = {
        "id": 7,
        "company_id": 1,
        "mode": "full",
        "status": "ok",
        "started_at": datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        "finished_at": datetime(2026, 11, 20, 8, 1, tzinfo=UTC),
        "duration_ms": 1500,
        "added": 1200,
        "changed": 3,
        "deleted": 0,
        "error": "",
    }
    return RunView(**{**values, **changes})


def test_a_run_says_its_mode_counts_and_duration_in_the_viewers_language():
    fr = run_row(_run(), Formats("fr"))
    assert (fr.id, fr.mode, fr.status) == (7, "complète", "ok")
    assert fr.counts == "+1\u202f200 ~3 −0" and fr.duration == "1,5 s"
    en = run_row(_run(), Formats("en"))
    assert en.mode == "full" and en.counts == "+1,200 ~3 −0" and en.duration == "1.5 s"


def test_an_unfinished_run_has_no_duration_and_an_unknown_mode_stays_as_it_is():
    row = run_row(_run(finished_at=None, mode="odd"), Formats("fr"))
    assert row.duration == "" and row.mode == "odd"


def test_the_schedule_says_off_its_interval_and_where_its_default_comes_from():
    fr = Formats("fr")
    assert schedule_text(Schedule(600, enabled=False), fr).startswith(
        "Synchronisation automatique désactivée"
    )
    said = schedule_text(Schedule(600, source="settings"), fr)
    assert said == f"Synchronisation automatique toutes les 10{NBSP}min."
    env = schedule_text(Schedule(600), Formats("en"))
    assert env.startswith("Automatic sync every 10 min.") and "SRC_DASH_SYNC_INTERVAL" in env


def test_a_connection_test_says_the_customers_found_or_why_it_failed():
    ok = connection_text(ConnectionCheck(True, "", customers=1234, company_name="BIJOU"), "en")
    assert "1,234" in ok and "BIJOU" in ok
    failed = connection_text(ConnectionCheck(False, "login refused"), "fr")
    assert failed == f"Connexion impossible{NBSP}: login refused"


def test_names_and_amounts_typed_in_the_scenario_form_are_read_plainly():
    assert names_in(" COMPTA, , DAF ,") == ("COMPTA", "DAF")
    assert names_in("") == ()
    assert plain_amount(f"1{NBSP}234,50") == "1234.50"
    assert plain_amount("1,234.50") == "1234.50"
    assert plain_amount("") == "0"
    assert amount_text(Decimal(0), Formats("fr")) == "0"
    assert amount_text(Decimal("1234.5"), Formats("en")) == "1,234.50"


def test_a_step_goes_to_the_form_and_back_unchanged():
    step = StepSpec(
        phase="relance",
        level=2,
        day_offset=15,
        template_code="R2",
        to_services=("COMPTA",),
        cc_services=("DAF", "DG"),
        needs_approval=True,
        name="Deuxième relance",
        id=4,
    )
    row = step_row(step)
    assert (row.level, row.day_offset, row.to_text, row.cc_text) == ("2", "15", "COMPTA", "DAF, DG")
    back = step_spec(row)
    assert back.to_services == step.to_services and back.cc_services == step.cc_services
    assert (back.id, back.template_code, back.name) == (4, "R2", "Deuxième relance")
    assert step_spec(StepRow(template=NONE)).template_code == ""
