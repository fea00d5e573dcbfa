"""The template editor says a template's budget refusal in French (issue 14)."""

from __future__ import annotations

from src_dash.dunning.templates import check_template
from src_dash.ui.pages.settings.templates import problem_rows


def test_a_refused_template_is_worded_in_french_and_in_english() -> None:
    sources = {"subject": "s", "body_html": "{{ 'x' * 10**9 }}", "body_text": "t"}
    problems = check_template(**sources)
    french = problem_rows(problems, sources, "fr")
    english = problem_rows(problems, sources, "en")
    assert [r.message for r in french] == [
        "Le modèle dépasse la limite de 1000000 caractères pour une valeur"
    ]
    assert [r.message for r in english] == [
        "The template exceeds the limit of 1000000 characters for a value"
    ]
    assert french[0].excerpt == "{{ 'x' * 10**9 }}"


def test_every_limit_is_worded_in_french() -> None:
    loops = "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}"
    cases = {
        # The loops stop at their count, or at the deadline first on a busy machine.
        loops: (
            "Le modèle dépasse la limite de 500000 tours de boucle et appels",
            "Le modèle dépasse la limite de 0.3 secondes de rendu",
        ),
        "{{ range(10**6) }}": "Le modèle dépasse la limite de 10000 nombres pour un range",
        "{{ 10 ** 20000 }}": "Le modèle dépasse la limite de 10000 pour un exposant",
        "{{ 'a'.translate({}) }}": "la méthode 'translate' d'un texte est refusée dans les modèles",
    }
    for source, wanted in cases.items():
        sources = {"subject": "s", "body_html": source, "body_text": "t"}
        rows = problem_rows(check_template(**sources), sources, "fr")
        assert len(rows) == 1, rows
        accepted = wanted if isinstance(wanted, tuple) else (wanted,)
        assert any(w in rows[0].message for w in accepted), rows
