"""Templates: checked with line numbers when saved, sandboxed, rendered, previewed; penalties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import TODAY, days
from sqlalchemy import func, select

from src_dash.dunning.defaults import TEMPLATES
from src_dash.dunning.penalties import (
    PenaltyConfigError,
    ecb_rate,
    item_penalty,
    legal_rate,
    penalties,
)
from src_dash.dunning.planner import plan
from src_dash.dunning.templates import (
    TemplateError,
    check_template,
    list_templates,
    preview,
    render,
    render_sources,
    sample_context,
    save_template,
)
from src_dash.store import Company, MessageTemplate

D = Decimal
GOOD_HTML = "<p>Bonjour {{ customer.name }}</p>\n<p>{{ totals.net|money }}</p>\n"


def _one(problems):  # noqa: ANN001, ANN202
    assert len(problems) == 1, problems
    return problems[0]


def test_a_syntax_error_is_reported_with_its_field_and_line():
    html = "<p>Bonjour</p>\n<p>{{ customer.name }</p>\n{% if %}\n"
    problem = _one(check_template("Relance", html, "texte"))
    assert (problem.field, problem.line) == ("body_html", 2)
    assert problem.message.startswith("syntax error")
    problem = _one(check_template("Relance", GOOD_HTML, "ligne 1\n{% for i in items %}\n"))
    assert (problem.field, problem.line) == ("body_text", 2)
    assert "body_text, line 2: syntax error" in str(problem)


def test_unknown_variables_and_attributes_are_reported_with_their_line():
    text = "Bonjour,\n\n{{ custommer.name }}\n"
    problem = _one(check_template("Relance", GOOD_HTML, text))
    assert (problem.field, problem.line) == ("body_text", 3)
    assert "unknown variable 'custommer'" in problem.message
    assert "did you mean 'customer'" in problem.message
    html = "<p>\n{{ customer.name }}\n</p>\n{{ customer.nmae }}\n"
    problem = _one(check_template("Relance", html, "ok"))
    assert (problem.field, problem.line) == ("body_html", 4)
    assert "unknown attribute 'nmae'" in problem.message
    loop = "{% for item in items %}\n{{ item.piece }}\n{{ item.amout }}\n{% endfor %}"
    problem = _one(check_template("Relance", GOOD_HTML, loop))
    assert (problem.field, problem.line) == ("body_text", 3)
    # Variables a template defines itself are fine, and so are all the documented ones.
    ok = "{% set n = items|length %}{{ n }} {% for c in credits %}{{ c.owed|money }}{% endfor %}"
    assert check_template("{{ company.name }} {{ as_of|date }}", GOOD_HTML, ok) == []


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ customer._secret }}",
        "{{ customer['__class__'] }}",
        "{{ items|attr('__class__') }}",
        "{{ '{0.__class__}'.format(customer) }}",
        "{{ lipsum.__globals__ }}",
        "{{ joiner().__init__ }}",
        "{{ items.append(1) }}",
    ],
)
def test_reaching_outside_the_sandbox_is_refused(source):
    text = f"Bonjour\n{source}\n"
    problems = check_template("Relance", GOOD_HTML, text)
    assert problems, source
    assert all(p.field == "body_text" and p.line == 2 for p in problems), problems
    messages = " ".join(p.message for p in problems)
    assert "refused" in messages or "unknown variable" in messages or "unsafe" in messages


def test_rendering_refuses_escapes_even_unchecked():
    with pytest.raises(TemplateError) as err:
        render_sources("s", "x", "a\n{{ ''.__class__.__mro__ }}", sample_context())
    (problem,) = err.value.problems
    assert (problem.field, problem.line) == ("body_text", 2)
    assert "refused by the sandbox" in problem.message


def test_html_is_escaped_and_text_is_not():
    context = sample_context()
    context["customer"]["name"] = "Dupont & <Fils>"
    out = render_sources(
        "{{ customer.name }}", "{{ customer.name }}", "{{ customer.name }}", context
    )
    assert out.html == "Dupont &amp; &lt;Fils&gt;"
    assert out.text == "Dupont & <Fils>" and out.subject == "Dupont & <Fils>"


def test_every_default_template_checks_in_both_sample_contexts():
    assert {(t["code"], t["language"]) for t in TEMPLATES} >= {
        (code, lang)
        for code in ("prevenance", "relance1", "relance2", "relance3", "mise_en_demeure")
        for lang in ("fr", "en")
    }
    for t in TEMPLATES:
        assert check_template(t["subject"], t["html"], t["text"], t["language"]) == [], t["code"]


def test_save_refuses_a_bad_template_and_leaves_the_store_as_it_was(store):
    saved = save_template(
        store, "ma_relance", "fr", subject="Relance {{ customer.number }}",
        body_html=GOOD_HTML, body_text="Bonjour {{ contact.name }}", name="Ma relance",
    )  # fmt: skip
    with pytest.raises(TemplateError) as err:
        save_template(
            store, "ma_relance", "fr", subject="Relance", body_html="{{ x }}",
            body_text="{{ ''.__class__ }}", template_id=saved.id,
        )  # fmt: skip
    fields = sorted((p.field, p.line) for p in err.value.problems)
    assert fields == [("body_html", 1), ("body_text", 1)]
    (row,) = [t for t in list_templates(store) if t.code == "ma_relance"]
    assert row.subject == "Relance {{ customer.number }}" and row.body_html == GOOD_HTML
    with pytest.raises(TemplateError, match="language"):
        save_template(store, "x", "de", subject="s", body_html="h", body_text="t")
    with pytest.raises(TemplateError, match="invalid code"):
        save_template(store, "bad code!", "fr", subject="s", body_html="h", body_text="t")
    with store.connect() as conn:
        count = conn.execute(select(func.count()).select_from(MessageTemplate.__table__))
        assert count.scalar_one() == 1
    # The same code in another language is another template; updating keeps its id.
    english = save_template(
        store, "ma_relance", "en", subject="Reminder", body_html="<p>Hi</p>", body_text="Hi"
    )
    again = save_template(
        store, "ma_relance", "fr", subject="Relance !", body_html=GOOD_HTML, body_text="x"
    )
    assert english.id != saved.id and again.id == saved.id and again.subject == "Relance !"


def test_render_a_proposal_in_its_language_with_the_company_contact_and_items(world):
    cid = world.customer("RENDER", name="Boulangerie Martin")
    world.contact(
        cid, "anne@render.test", "Comptabilité", civility="Madame", first_name="Anne",
        last_name="Martin",
    )  # fmt: skip
    world.item(cid, "1234.50", days(-40), piece="FA0042")
    (proposal,) = world.plan().proposals
    out = render(world.engine, proposal)
    assert out.language == "fr"
    assert out.subject == "Hand SA – rappel de facture échue"
    assert out.text.startswith("Madame Martin,")
    assert "FA0042" in out.text and "1\u202f234,50\xa0€" in out.text and "40 jours" in out.text
    assert '<td style="padding:4px 6px">FA0042</td>' in out.html
    assert "Hand SA" in out.text and "04 00 00 00 00" in out.text
    english = render(world.engine, proposal.__class__(**{**proposal.__dict__, "language": "en"}))
    assert english.subject == "Hand SA – payment reminder" and "Dear Ms Martin," in english.text
    assert "Yours sincerely," in english.text


def test_a_template_failing_on_a_real_customer_names_field_and_line(world):
    cid = world.customer("FAILS")
    world.item(cid, "100.00", days(-40))
    # Written around the check (as an old version could have been): rendering still refuses.
    t = MessageTemplate.__table__
    with world.engine.begin() as conn:
        conn.execute(
            t.update()
            .where(t.c.code == "relance1", t.c.language == "fr")
            .values(body_text="ligne\n{{ items[0].nope }}")
        )
    (proposal,) = world.plan().proposals
    with pytest.raises(TemplateError) as err:
        render(world.engine, proposal)
    (problem,) = err.value.problems
    assert (problem.field, problem.line) == ("body_text", 2)


def test_preview_on_a_real_customer(world):
    cid = world.customer("PREV")
    world.item(cid, "250.00", days(-40), piece="FA-PREV")
    out = preview(world.engine, "mise_en_demeure", cid, TODAY)
    assert "Mise en demeure" in out.subject and "FA-PREV" in out.text
    assert "article 1344 du Code civil" in out.text
    quiet = world.customer("QUIETPREV")
    world.item(quiet, "80.00", days(30), piece="FA-LATER")
    template = next(t for t in list_templates(world.engine) if t.code == "prevenance")
    out = preview(world.engine, template.id, quiet, TODAY, language="en")
    assert "FA-LATER" in out.text and out.language == "en" and "falling due" in out.subject
    with pytest.raises(TemplateError, match="no template"):
        preview(world.engine, "nope", cid, TODAY)


def test_penalties_are_ecb_plus_ten_points_and_40_eur_per_late_invoice(monkeypatch):
    # 1000.00 EUR, 30 days late, ECB 2.15 %: 1000 x 12.15 % x 30 / 365 = 9.986... -> 9.99
    part = item_penalty(D("1000.00"), date(2026, 10, 23), TODAY, ecb=D("2.15"))
    assert (part.days_late, part.interest, part.indemnity) == (30, D("9.99"), D("40.00"))
    assert part.total == D("49.99")
    assert item_penalty(D("1000.00"), TODAY, TODAY).interest == D("0.00")  # not late yet
    assert item_penalty(D("-50.00"), date(2026, 1, 1), TODAY).total == D("0.00")  # a credit
    other = item_penalty(D("500.00"), date(2026, 11, 12), TODAY, is_invoice=False, ecb=D("4"))
    # 500 x 14 % x 10 / 365 = 1.9178... -> 1.92; no indemnity on a rejected payment
    assert (other.interest, other.indemnity) == (D("1.92"), D("0.00"))
    total = penalties(
        [
            (D("1000.00"), date(2026, 10, 23), True),
            (D("200.00"), date(2026, 11, 21), True),  # 200 x 12.15 % x 1 / 365 = 0.0666 -> 0.07
            (D("300.00"), date(2026, 12, 1), True),  # not due: nothing
        ],
        TODAY,
        ecb=D("2.15"),
    )
    assert (total.interest, total.indemnity, total.invoices) == (D("10.06"), D("80.00"), 2)
    assert total.rate == D("12.15") and legal_rate(D("3.5")) == D("13.5")
    monkeypatch.setenv("SRC_DASH_ECB_RATE", "3,75")
    assert ecb_rate() == D("3.75")
    monkeypatch.setenv("SRC_DASH_ECB_RATE", "abc")
    with pytest.raises(PenaltyConfigError, match="SRC_DASH_ECB_RATE"):
        ecb_rate()
    monkeypatch.delenv("SRC_DASH_ECB_RATE")
    assert ecb_rate() == D("2.15")


def test_penalties_in_a_message_follow_the_scenario_and_the_customer(world, monkeypatch):
    monkeypatch.setenv("SRC_DASH_ECB_RATE", "2.15")
    cid = world.customer("PENAL")
    world.item(cid, "1000.00", days(-30))
    exempt = world.customer("EXEMPT", no_penalties=True)
    world.item(exempt, "1000.00", days(-30))
    p = plan(world.engine, TODAY, force_level=2, customer_ids=[cid, exempt])
    by_customer = {x.customer_id: x for x in p.proposals}
    assert by_customer[cid].penalties and not by_customer[exempt].penalties
    text = render(world.engine, by_customer[cid]).text
    assert "12,15 %" in text and "9,99\xa0€" in text and "40,00\xa0€" in text
    assert "L441-10" not in render(world.engine, by_customer[exempt]).text


def test_the_company_logo_goes_into_the_message_as_a_data_url(world, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    c = Company.__table__
    with world.engine.begin() as conn:
        conn.execute(c.update().where(c.c.id == world.company_id).values(logo_path=str(logo)))
    cid = world.customer("LOGO")
    world.item(cid, "100.00", days(-40))
    (proposal,) = world.plan().proposals
    html = render(world.engine, proposal).html
    assert '<img src="data:image/png;base64,iVBORw0KGgpmYWtl"' in html
    logo.unlink()  # a missing file: no image, no error
    assert "<img" not in render(world.engine, proposal).html
