"""Templates' budgets (issue 14): a template that would freeze the server or fill its memory is
refused quickly, with a bounded memory, when it is checked and when it is rendered; normal
templates render byte for byte as the plain sandbox renders them."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from src_dash.dunning import template_sandbox as sandbox
from src_dash.dunning.defaults import TEMPLATES
from src_dash.dunning.template_sample import sample_context
from src_dash.dunning.templates import TemplateError, check_template, render_sources

ATTACKS = {
    "name repeated": "{{ (customer.name ~ 'x') * 10**8 }}",
    "text repeated": "{{ 'x' * 10**9 }}",
    "list repeated": "{{ [1, 2] * 10**9 }}",
    "power tower": "{{ 10 ** (10 ** 10) }}",
    "big product": "{% set a = 7 ** 5000 %}{{ a * a * a * a * a * a * a * a }}",
    "nested loops": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    ),
    "nested loops writing": (
        "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}"
    ),
    "range of a million": "{% for i in range(10**6) %}{{ i }}{% endfor %}",
    "filter chain": "{{ ([range(10000) | list] * 10000) | sum(start=[]) | length }}",
    "join of shared texts": "{{ (['x' * 100000] * 100) | join }}",
    "mapped center": "{{ range(10000) | map('center', 100000) | list | length }}",
    "center": "{{ 'x' | center(10**9) }}",
    "ljust": "{{ customer.name.ljust(10**9) }}",
    "brace format": "{{ '{:>999999999}'.format(1) }}",
    "nested brace format": "{{ '{:{}}'.format(1, 10**9) }}",
    "percent format": "{{ '%*s' % (999999999, 1) }}",
    "format filter": "{{ '%999999999s' | format(1) }}",
    "doubling by ~": "{% set a = 'x' * 1000 %}" + "{% set a = a ~ a %}" * 40 + "{{ a }}",
    "doubling by +": "{% set a = 'x' * 1000 %}" + "{% set a = a + a %}" * 40 + "{{ a }}",
    "doubling a list": "{% set a = ['x' * 1000] %}" + "{% set a = [a, a] %}" * 40 + "{{ a }}",
    "macro fork": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}"
    ),
    "macro buffer": (
        "{% macro f() %}{% for i in range(10000) %}" + "y" * 1000 + "{% endfor %}{% endmacro %}"
        "{% for i in range(100) %}{% set x = f() %}{% endfor %}"
    ),
    "replace": "{{ ('x' * 100000) | replace('x', 'y' * 1000) }}",
    "indent": "{{ ('a\\n' * 100000) | indent(100000) }}",
    "expandtabs": "{{ ('\\t' * 100000).expandtabs(100000) }}",
    "wordwrap": "{{ ('ab ' * 100000) | wordwrap(1) }}",
    "translate": "{{ 'abc'.translate({97: 'x'}) }}",
    "batch filling": "{{ [1] | batch(10**9, 'x') | list | length }}",
    "many slices": "{{ [1] | slice(10**9, 'x') | list | length }}",
    "block recursion": "{% block a %}{{ self.a() }}{{ self.a() }}{% endblock %}",
}


def _refusal(problems: list) -> str:
    assert problems, "the template was accepted"
    return " ".join(str(p) for p in problems)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_is_refused_quickly_when_checked(name: str) -> None:
    started = time.monotonic()
    problems = check_template("Relance", ATTACKS[name], "texte")
    elapsed = time.monotonic() - started
    message = _refusal(problems)
    assert "body_html" in message
    assert "exceeds the limit" in message or "not available in templates" in message
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"


def test_attacks_keep_the_memory_bounded() -> None:
    tracemalloc.start()
    try:
        for name, source in ATTACKS.items():
            tracemalloc.reset_peak()
            _refusal(check_template("Relance", source, "texte"))
            peak = tracemalloc.get_traced_memory()[1]
            assert peak < 64 * 1024 * 1024, f"{name}: {peak / 1e6:.0f} MB"
    finally:
        tracemalloc.stop()


def test_the_attack_of_the_issue_is_refused_in_the_subject_and_the_text_too() -> None:
    attack = ATTACKS["name repeated"]
    problems = check_template(attack, "<p>ok</p>", attack)
    assert {p.field for p in problems} == {"subject", "body_text"}


def test_a_render_of_a_stored_attack_stops_within_its_budget() -> None:
    """A template stored before the budgets existed is refused when a message is rendered."""
    context = sample_context("fr")
    for name in ("name repeated", "nested loops writing", "macro fork"):
        started = time.monotonic()
        with pytest.raises(TemplateError, match="exceeds the limit"):
            render_sources("Relance", ATTACKS[name], "texte", context)
        assert time.monotonic() - started < sandbox.RENDER_SECONDS + 2.0  # a loaded machine


def test_a_check_on_a_worker_thread_leaves_the_event_loop_free() -> None:
    """What the settings page does (`run_service`): the loop keeps ticking during the check."""

    async def scenario() -> float:
        gaps, last = [], time.monotonic()
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal last
            while not stop.is_set():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        task = asyncio.create_task(ticker())
        for name in ("nested loops", "macro fork", "name repeated"):
            await asyncio.to_thread(check_template, "Relance", ATTACKS[name], "texte")
        stop.set()
        await task
        return max(gaps)

    assert asyncio.run(scenario()) < 0.25


def _plain_environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    """The sandbox as it was before the budgets: the reference of the byte-for-byte test."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True
    )
    env.globals = {"range": env.globals["range"]}
    env.filters.update(
        money=sandbox._money,
        date=sandbox._date,
        longdate=sandbox._longdate,
        percent=sandbox._percent,
        nl2br=sandbox._nl2br if autoescape else sandbox._keep_lines,
    )
    return env


def test_default_templates_render_byte_for_byte_as_before() -> None:
    html_env, text_env = _plain_environment(True), _plain_environment(False)
    compared = 0
    for tpl in TEMPLATES:
        for context in (
            sample_context(tpl["language"]),
            sample_context(tpl["language"], minimal=True),
            sample_context(tpl["language"], not_due=True),
        ):
            rendered = render_sources(tpl["subject"], tpl["html"], tpl["text"], context)
            assert rendered.html == html_env.from_string(tpl["html"]).render(context)
            assert rendered.text == text_env.from_string(tpl["text"]).render(context)
            subject = text_env.from_string(tpl["subject"]).render(context)
            assert rendered.subject == " ".join(subject.split())
            compared += 1
    assert compared == 3 * len(TEMPLATES) > 0


def test_everyday_constructs_still_work() -> None:
    source = (
        "{% for item in items %}{{ loop.index }}. {{ item.piece }} {{ item.residual|money }}"
        "{% if not loop.last %}, {% endif %}{% endfor %}|{{ range(3)|join('-') }}"
        "|{{ '%05.1f' % 3.14159 }}|{{ '{:>6}'.format('ab') }}|{{ 2 ** 10 }}|{{ 'ab' * 3 }}"
        "|{{ [1, 2] + [3] }}|{{ customer.name|upper|center(40)|trim }}|{{ '-' * 20 }}"
    )
    context = sample_context("fr")
    assert check_template("Relance", source, "texte") == []
    html = render_sources("s", source, "t", context).html
    tail = html.split("|", 1)[1]
    assert tail == (
        f"0-1-2|003.1|    ab|1024|ababab|[1, 2, 3]|{context['customer']['name'].upper()}"
        "|--------------------"
    )
    assert html.startswith("1. ")
