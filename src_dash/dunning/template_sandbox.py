"""Templates' sandbox: the variables a template may use, the formatting filters, the sandboxed
Jinja2 environments, and the checks (static and by rendering on sample contexts).

See `src_dash.dunning.templates` for the variables."""

from __future__ import annotations

import difflib
import functools
import re
import traceback
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from markupsafe import Markup, escape

from src_dash.dunning.model import Rendered
from src_dash.dunning.template_budget import (
    BudgetedEnvironment,
    BudgetExceeded,
    metered,
)
from src_dash.dunning.template_sample import sample_context

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_US"}
MAX_SOURCE = 200_000
MAX_LOGO_BYTES = 512 * 1024
CHECK_SECONDS = 0.3  # the budget of each sample render when a template is checked
RENDER_SECONDS = 2.0  # the budget of each field when a message is rendered

VARIABLES: dict[str, tuple[str, ...]] = {
    "as_of": (),
    "overdue": (),
    "language": (),
    "phase": (),
    "level": (),
    "channel": (),
    "step_name": (),
    "scenario": (),
    "company": (
        "name", "code", "address", "postal_code", "city", "country", "email", "phone", "siret",
        "currency", "logo_path", "logo_url",
    ),
    "customer": (
        "number", "name", "address", "address2", "postal_code", "city", "country", "email",
        "phone", "siret", "vat_number", "language", "profile", "currency", "free_fields",
    ),
    "contact": (
        "civility", "first_name", "last_name", "name", "function", "email", "greeting",
        "salutation", "closing",
    ),
    "sender": ("name", "email", "reply_to", "phone", "signature"),
    "payment": ("iban", "bic", "bank", "reference", "rule"),
    "sales_rep": ("name", "email", "phone"),
    "space_url": (),
    "items": (),
    "credits": (),
    "totals": ("count", "residual", "credits", "net", "currency", "owed"),
    "free_fields": (),
    "penalties": (
        "enabled", "applies", "ecb_rate", "rate", "indemnity_per_invoice", "interest", "indemnity",
        "total", "invoices",
    ),
}  # fmt: skip
ITEM_KEYS = (
    "piece", "reference", "journal", "kind", "posting_date", "due_date", "days_late", "level",
    "previous_level", "amount", "residual", "currency", "residual_currency", "owed", "interest",
    "indemnity", "overdue",
)  # fmt: skip
GLOBALS = ("range",)


@dataclass(frozen=True)
class TemplateProblem:
    """What is wrong in a template, and where."""

    field: str  # subject | body_html | body_text
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.field}, line {self.line}" if self.line else self.field
        return f"{where}: {self.message}"


class TemplateError(ValueError):
    """A template cannot be saved or rendered; `problems` says what and where."""

    def __init__(self, problems: list[TemplateProblem] | tuple[TemplateProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# ---- formatting filters


def _language(ctx: Context) -> str:
    lang = ctx.get("language") or "fr"
    return lang if lang in LOCALES else "fr"


def _book_currency(ctx: Context) -> str:
    totals = ctx.get("totals")
    if isinstance(totals, dict) and totals.get("currency"):
        return str(totals["currency"])
    return "EUR"


@pass_context
def _money(ctx: Context, value: object, currency: str | None = None) -> str:
    if value is None or value == "":
        return ""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return format_currency(amount, currency or _book_currency(ctx), locale=LOCALES[_language(ctx)])


@pass_context
def _date(ctx: Context, value: object) -> str:
    if not isinstance(value, date):
        return "" if value is None else str(value)
    pattern = "dd/MM/yyyy" if _language(ctx) == "fr" else "d MMM yyyy"
    return format_date(value, pattern, locale=LOCALES[_language(ctx)])


@pass_context
def _longdate(ctx: Context, value: object) -> str:
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return format_date(value, "d MMMM yyyy", locale=LOCALES[_language(ctx)])


@pass_context
def _percent(ctx: Context, value: object) -> str:
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format_decimal(number, "#,##0.00", locale=LOCALES[_language(ctx)]) + " %"


def _nl2br(value: object) -> Markup:
    """A text of several lines (a signature) in HTML: escaped, its lines joined by <br>."""
    return Markup("<br>\n").join(escape(line) for line in str(value or "").splitlines())


def _keep_lines(value: object) -> str:
    """``nl2br`` in a text part: the text as it is."""
    return str(value or "")


def _environment(autoescape: bool) -> BudgetedEnvironment:
    env = BudgetedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True
    )
    env.globals = {name: env.globals[name] for name in GLOBALS}
    env.add_filters(money=_money, date=_date, longdate=_longdate, percent=_percent)
    env.add_filters(nl2br=_nl2br if autoescape else _keep_lines)
    return env


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


def _env(field: str) -> BudgetedEnvironment:
    return _HTML_ENV if field == "body_html" else _TEXT_ENV


# ---- checking


def _first_line(ast: nodes.Template, name: str) -> int | None:
    lines = [n.lineno for n in ast.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else None


def _static_problems(field: str, source: str) -> list[TemplateProblem]:
    """Syntax, unknown variables and reaches outside the sandbox, found without rendering."""
    if len(source) > MAX_SOURCE:
        return [TemplateProblem(field, None, f"too long ({len(source)} characters)")]
    try:
        ast = _env(field).parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(field, exc.lineno, f"syntax error: {exc.message}")]
    problems: list[TemplateProblem] = []
    refused = "is refused: names starting with '_' are outside the template's variables"
    for node in ast.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            problems.append(
                TemplateProblem(field, node.lineno, f"access to '{node.attr}' {refused}")
            )
    for node in ast.find_all(nodes.Getitem):
        arg = node.arg
        if (
            isinstance(arg, nodes.Const)
            and isinstance(arg.value, str)
            and arg.value.startswith("_")
        ):
            problems.append(
                TemplateProblem(field, node.lineno, f"access to '{arg.value}' {refused}")
            )
    for node in ast.find_all(nodes.Const):
        if isinstance(node.value, str) and "__" in node.value:
            problems.append(
                TemplateProblem(field, node.lineno, f"the text {node.value!r} {refused}")
            )
    known = set(VARIABLES) | set(GLOBALS)
    for name in sorted(meta.find_undeclared_variables(ast) - known):
        line = _first_line(ast, name)
        hint = difflib.get_close_matches(name, sorted(known), n=1)
        more = f" (did you mean '{hint[0]}'?)" if hint else ""
        known_list = ", ".join(sorted(VARIABLES))
        problems.append(
            TemplateProblem(
                field, line, f"unknown variable '{name}'{more}; the variables are: {known_list}"
            )
        )
    problems.sort(key=lambda p: (p.line or 0, p.message))
    return problems


def _error_line(exc: BaseException) -> int | None:
    """The template line of an error raised while rendering (Jinja rewrites the traceback)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None


_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']*)'")


def _render_problem(field: str, exc: Exception) -> TemplateProblem:
    line = _error_line(exc)
    if isinstance(exc, BudgetExceeded):
        return TemplateProblem(field, line, str(exc))
    if isinstance(exc, RecursionError):
        return TemplateProblem(field, line, "The template exceeds the limit of nested calls")
    if isinstance(exc, SecurityError):
        return TemplateProblem(field, line, f"refused by the sandbox: {exc}")
    if isinstance(exc, UndefinedError):
        found = _NO_ATTRIBUTE.search(str(exc))
        if found:
            return TemplateProblem(field, line, f"unknown attribute '{found.group(1)}' ({exc})")
        return TemplateProblem(field, line, f"unknown variable: {exc}")
    return TemplateProblem(field, line, f"{type(exc).__name__}: {exc}")


@functools.lru_cache(maxsize=256)
def _compiled(field: str, source: str) -> Template:
    """A template compiled once per field kind and source (compiling costs far more than
    rendering: a run renders the same few templates thousands of times)."""
    return _env(field).from_string(source)


def _render_field(field: str, source: str, context: dict, seconds: float = RENDER_SECONDS) -> str:
    """Render one field within its budget (`template_budget`: `seconds`, at most `MAX_OUTPUT`
    characters); any failure becomes a TemplateError naming the field and the line."""
    try:
        template = _compiled(field, source)
        with metered(seconds) as budget:
            parts = []
            for part in template.generate(context):
                budget.produce(len(part))
                parts.append(part)
        return "".join(parts)
    except TemplateSyntaxError as exc:
        problem = TemplateProblem(field, exc.lineno, f"syntax error: {exc.message}")
        raise TemplateError([problem]) from exc
    except Exception as exc:  # noqa: BLE001  (any error inside a user's template)
        raise TemplateError([_render_problem(field, exc)]) from exc


def check_template(
    subject: str, body_html: str, body_text: str, language: str = "fr"
) -> list[TemplateProblem]:
    """Check a template before it is saved: syntax, unknown variables, sandbox escapes.

    Each field is parsed and scanned, then rendered on a sample context where every variable
    has a value (two items, a credit, penalties on), on a minimal one and on one whose item is
    not yet due, so an unknown attribute in a branch one of them takes is found too.

    Returns:
        The problems, each naming its field and line; empty when the template is good.
    """
    sources = {"subject": subject, "body_html": body_html, "body_text": body_text}
    problems: list[TemplateProblem] = []
    for field, source in sources.items():
        found = _static_problems(field, source or "")
        if found:
            problems += found
            continue
        samples = (
            sample_context(language),
            sample_context(language, minimal=True),
            sample_context(language, not_due=True),
        )
        for context in samples:
            try:
                _render_field(field, source or "", context, CHECK_SECONDS)
            except TemplateError as exc:
                problems += exc.problems
                break
    if subject is not None and "\n" in subject.strip():
        problems.append(TemplateProblem("subject", None, "the subject must be on one line"))
    return problems


def render_sources(subject: str, body_html: str, body_text: str, context: dict) -> Rendered:
    """Render the three fields of a template on a context.

    Raises:
        TemplateError: naming the field and the line of what failed.
    """
    return Rendered(
        subject=" ".join(_render_field("subject", subject, context).split()),
        html=_render_field("body_html", body_html, context),
        text=_render_field("body_text", body_text, context),
        language=str(context.get("language") or "fr"),
    )
