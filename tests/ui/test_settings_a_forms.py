"""The settings tabs' forms without a browser: each setter changes only its form's own texts,
and the forms open empty or on the row edited."""

from __future__ import annotations

from src_dash.dunning.profiles import Rule
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.companies.rows import CompanyRow
from src_dash.ui.pages.settings.companies.state import CompaniesState
from src_dash.ui.pages.settings.lists import ObjectivesState
from src_dash.ui.pages.settings.profiles.state import ProfileRulesState
from src_dash.ui.pages.settings.users import UsersState


def test_the_connection_form_opens_empty_or_on_the_company_and_sets_its_texts() -> None:
    s = CompaniesState(_reflex_internal_init=True)
    s.companies = [CompanyRow(id=2, code="SAGE1", name="Durand", encoding="cp1252")]
    s.edit_company(2)
    assert s.form == {"code": "SAGE1", "name": "Durand", "dsn": "", "encoding": "cp1252"}
    assert s.form_open and s.form_existing
    s.set_form("dsn", "DRIVER=x")
    s.set_form("busy", "1")  # not a text of the form
    assert s.form["dsn"] == "DRIVER=x" and "busy" not in s.form
    s.new_company()
    assert s.form == {"code": "", "name": "", "dsn": "", "encoding": ""} and not s.form_existing


def test_the_new_user_form_sets_only_its_fields() -> None:
    s = UsersState(_reflex_internal_init=True)
    s.set_new("login", "jdupont")
    s.set_new("role", "sales_rep")
    s.set_new("is_me", "1")
    assert s.new["login"] == "jdupont" and s.new["role"] == "sales_rep" and "is_me" not in s.new
    assert s.new["rep"] == "-"


def test_the_objective_form_sets_only_its_fields() -> None:
    s = ObjectivesState(_reflex_internal_init=True)
    s.set_form("amount", "150 000")
    s.set_form("year", "1999")
    assert s.amount == "150 000" and s.year == ""


def test_a_rule_fills_the_texts_and_they_make_its_input() -> None:
    s = ProfileRulesState(_reflex_internal_init=True)
    fmt = Formats("fr")
    s._fill(Rule(profile="grands", countries=("France", "Belgique"), min_outstanding=5000), fmt)
    assert s.texts["profile"] == "grands" and s.texts["countries"] == "France, Belgique"
    s.set_text("description", "Les gros")
    s.set_text("active", "no")  # not a text field
    data = s._input(fmt)
    assert (data.profile, data.description, data.countries) == (
        "grands",
        "Les gros",
        ("France", "Belgique"),
    )
    assert data.min_outstanding == 5000 and s.active
