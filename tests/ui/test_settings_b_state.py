"""The template editor's, the scenario form's and the messaging tab's states without a browser:
a template shown in a language it lacks starts from the other one, typing a text sets only the
draft's texts (a subject or body typed un-checks the draft), the scenario form takes only its own
fields, the messaging texts only the settings typed as text."""

from __future__ import annotations

from decimal import Decimal

from src_dash.dunning.scenarios import ScenarioSpec
from src_dash.dunning.templates import TemplateInfo
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.dunning.rows import NEW
from src_dash.ui.pages.settings.dunning.state import ScenariosState
from src_dash.ui.pages.settings.messaging import TEXTS, MessagingState
from src_dash.ui.pages.settings.templates import TemplateEditorState


def _template(code: str, language: str, subject: str) -> TemplateInfo:
    return TemplateInfo(1, code, language, f"Relance {code}", subject, "<p>html</p>", "text")


def test_a_template_missing_in_a_language_starts_from_the_other_one() -> None:
    s = TemplateEditorState(_reflex_internal_init=True)
    s._remember([_template("r1", "fr", "Objet FR"), _template("r2", "en", "Subject EN")])
    assert [c.value for c in s.codes] == ["r1", "r2"]
    s._show("r1", "fr")
    assert s.exists_in_language and s.draft["subject"] == "Objet FR"
    s._show("r1", "en")
    assert not s.exists_in_language and s.draft["subject"] == "Objet FR"
    assert s._sources() == {"subject": "Objet FR", "body_html": "<p>html</p>", "body_text": "text"}


def test_typing_sets_only_the_drafts_texts_and_a_body_typed_unchecks_it() -> None:
    s = TemplateEditorState(_reflex_internal_init=True)
    s.checked = "Aucune erreur"
    s.set_part("name", "Nouvelle relance")
    assert s.checked == "Aucune erreur" and s.draft["name"] == "Nouvelle relance"
    s.set_part("body_html", "<p>{{ customer.name }}</p>")
    assert s.checked == "" and s.draft["body_html"] == "<p>{{ customer.name }}</p>"
    s.set_part("code", "x")
    assert "code" not in s.draft
    s.start_new()
    assert s.is_new and set(s.draft.values()) == {""}


def test_the_scenario_form_takes_only_its_own_fields() -> None:
    s = ScenariosState(_reflex_internal_init=True)
    s._show(None, Formats("en"))
    assert s.selected == NEW and len(s.steps) == 1 and s.form.name == ""
    s.set_text("name", "Export")
    s.set_text("language", "en")
    s.set_text("selected", "7")
    s.set_flag("penalties", False)
    s.set_flag("name", True)
    assert (s.form.name, s.form.language, s.form.penalties) == ("Export", "en", False)
    assert s.selected == NEW
    s._show(ScenarioSpec(name="Grands comptes", min_item_amount=Decimal("15"), id=3), Formats("en"))
    assert (s.selected, s.form.name, s.form.min_item) == ("3", "Grands comptes", "15.00")


def test_the_messaging_texts_take_only_the_settings_typed_as_text() -> None:
    s = MessagingState(_reflex_internal_init=True)
    assert s.texts["send_start"] == "08:30" and set(s.texts) == set(TEXTS)
    s.set_text("iban", "FR76")
    s.set_text("company", "9")
    assert s.texts["iban"] == "FR76" and "company" not in s.texts and s.company == ""


def test_a_steps_phase_brings_its_level_and_a_step_or_threshold_takes_only_its_fields() -> None:
    s = ScenariosState(_reflex_internal_init=True)
    s._show(None, Formats("en"))
    s.set_step(0, "level", "3")
    s.set_step(0, "phase", "prevenance")
    assert (s.steps[0].phase, s.steps[0].level) == ("prevenance", "0")
    s.set_step(0, "phase", "relance")
    assert s.steps[0].level == "1"
    s.set_step(0, "id", "99")
    s.set_step(5, "name", "nowhere")
    s.set_step_flag(0, "needs_approval", True)
    assert s.steps[0].id == 0 and s.steps[0].needs_approval and len(s.steps) == 1
    s.thresholds = [s.form]
    s.set_threshold(0, "min_gap", "9")
    s.set_threshold(0, "name", "other")
    assert (s.thresholds[0].min_gap, s.thresholds[0].name) == ("9", "")
