"""Message templates: Jinja2 in a sandbox, checked when saved, rendered for a proposal.

A template (table `template`, `MessageTemplate`) has a code, a language (fr, en), a subject, an
HTML body and a plain-text alternative. They are rendered by
`jinja2.sandbox.ImmutableSandboxedEnvironment` with `StrictUndefined`: a template reaches only
the variables below, through their public keys and attributes; a missing name is an error, not
an empty string; names starting with "_" (``''.__class__``) and the default globals (cycler,
joiner, lipsum, namespace) are out of reach. The HTML body is auto-escaped.

Variables (the same for emails and letters, see `letter_context`):

- ``as_of`` (date, the send date), ``language``, ``phase`` (prevenance, relance, remerciement),
  ``level`` (0-6), ``channel``, ``step_name``, ``scenario`` (its name)
- ``overdue``: whether some item of the message is past its due date on the send date; the
  overdue wording ("échue", "malgré notre précédent rappel"), the penalties and the 40 EUR
  indemnity belong under ``{% if overdue %}`` (or an item's ``item.overdue``), never to a
  message about items not yet due
- ``company``: name, code, address, postal_code, city, country, email, phone, siret, currency,
  logo_path, logo_url (a data: URL of the logo, "" when none)
- ``customer``: number, name, address, address2, postal_code, city, country, email, phone,
  siret, vat_number, language, profile, currency, free_fields
- ``contact``: civility, first_name, last_name, name, function, email (the first main
  recipient; empty strings when the message goes to the customer's own address), and the
  courtesy that agrees with them: greeting ("Madame Fournier"; "Madame, Monsieur" without a
  civility; "Dear Ms Fournier"), salutation (whom the closing names: "Madame") and closing (the
  whole closing sentence)
- ``sender``: name, email, reply_to (the collection mailbox), phone, signature (the company's
  messaging settings; see `src_dash.dunning.messaging`)
- ``payment``: iban (grouped by four), bic, bank, reference (what to put on the transfer, by the
  company's rule: the invoice numbers or the customer number), rule
- ``sales_rep``: name, email, phone
- ``items``: each with piece, reference, journal, kind, posting_date, due_date, days_late,
  level, previous_level, amount, residual (book currency), currency (the item's),
  residual_currency (None when the item is in book currency), owed (in the item's currency),
  interest, indemnity (zero for an item not overdue), overdue (past due on the send date)
- ``credits``: the open credits deducted (same keys; residual and owed are negative)
- ``totals``: count, residual (sum of the items), credits (sum of the credits), net, currency
  (book), owed (list of {currency, amount}: what is asked per currency, net of credits)
- ``free_fields``: the customer's free fields (dict)
- ``penalties``: enabled, applies (enabled and some item overdue: what the penalties
  paragraph tests), ecb_rate, rate, indemnity_per_invoice, interest, indemnity, total,
  invoices (zeros when not enabled; only overdue items count)

Filters beyond Jinja's own: ``nl2br`` (lines of a text, e.g. ``sender.signature``, kept in
HTML), ``money`` (``x|money`` in book currency, ``x|money('USD')``),
``date`` (22/11/2026; 22 Nov 2026 in English), ``longdate`` (22 novembre 2026), ``percent``.
"""

from __future__ import annotations

import base64
import difflib
import functools
import mimetypes
import re
import traceback
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

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
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.dunning.courtesy import courtesy, pick_language
from src_dash.dunning.messaging import (
    Messaging,
    companies_messaging,
    payment_variables,
    sender_variables,
)
from src_dash.dunning.model import PlannedItem, Proposal, Rendered
from src_dash.dunning.penalties import ecb_rate, item_penalty, legal_rate
from src_dash.money import ZERO
from src_dash.services.access import ADMIN, Viewer, audit, check_customers, require
from src_dash.store import Company, Contact, Customer, MessageTemplate, SalesRep, Scenario

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_US"}
MAX_SOURCE = 200_000
MAX_LOGO_BYTES = 512 * 1024

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


def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True
    )
    env.globals = {name: env.globals[name] for name in GLOBALS}
    env.filters.update(money=_money, date=_date, longdate=_longdate, percent=_percent)
    env.filters["nl2br"] = _nl2br if autoescape else _keep_lines
    return env


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


def _env(field: str) -> ImmutableSandboxedEnvironment:
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


def _render_field(field: str, source: str, context: dict) -> str:
    """Render one field; any failure becomes a TemplateError naming the field and the line."""
    try:
        return _compiled(field, source).render(context)
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
                _render_field(field, source or "", context)
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


# ---- saving


@dataclass(frozen=True)
class TemplateInfo:
    """A stored template."""

    id: int
    code: str
    language: str
    name: str
    subject: str
    body_html: str
    body_text: str


def _info(row: object) -> TemplateInfo:
    return TemplateInfo(
        id=row.id,
        code=row.code,
        language=row.language,
        name=row.name,
        subject=row.subject,
        body_html=row.body_html,
        body_text=row.body_text,
    )


def list_templates(engine: Engine) -> list[TemplateInfo]:
    """Every template, by code then language."""
    t = MessageTemplate.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.code, t.c.language)).all()
    return [_info(r) for r in rows]


def get_template(conn: Connection, template_id_or_code: int | str, language: str = "fr"):  # noqa: ANN201
    """A template row by id, or by code in a language (falling back to French, then any)."""
    t = MessageTemplate.__table__
    if isinstance(template_id_or_code, int) or str(template_id_or_code).isdigit():
        return conn.execute(select(t).where(t.c.id == int(template_id_or_code))).first()
    rows = conn.execute(select(t).where(t.c.code == template_id_or_code)).all()
    by_language = {r.language: r for r in rows}
    return by_language.get(language) or by_language.get("fr") or (rows[0] if rows else None)


def save_template(
    engine: Engine,
    code: str,
    language: str,
    *,
    subject: str,
    body_html: str,
    body_text: str,
    name: str = "",
    template_id: int | None = None,
    viewer: Viewer | None = None,
) -> TemplateInfo:
    """Create or update a template after checking it; nothing is written when it is refused.

    Args:
        engine: the store.
        code: the template's code (letters, digits, "_" and "-").
        language: fr or en.
        subject, body_html, body_text: the Jinja2 sources.
        name: a label for the settings page.
        template_id: the template to update (None: create, or update the (code, language) one).
        viewer: the user saving it (must be an admin when given).

    Raises:
        TemplateError: with every problem found (field, line, message).
        AccessDenied: when the viewer is not an admin.
    """
    if viewer is not None:
        require(viewer, ADMIN)
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,40}", code or ""):
        problems.append(
            TemplateProblem("code", None, f"invalid code {code!r}: 1-40 of A-Z 0-9 _ -")
        )
    if language not in LANGUAGES:
        problems.append(TemplateProblem("language", None, f"language must be one of {LANGUAGES}"))
    if len(subject or "") > 300:
        problems.append(TemplateProblem("subject", None, "longer than 300 characters"))
    problems += check_template(
        subject, body_html, body_text, language if language in LANGUAGES else "fr"
    )
    if problems:
        raise TemplateError(problems)
    t = MessageTemplate.__table__
    values = {
        "code": code,
        "language": language,
        "name": name,
        "subject": subject.strip(),
        "body_html": body_html,
        "body_text": body_text,
        "updated_by": viewer.user_id if viewer else None,
        "updated_at": utcnow(),
    }
    with engine.begin() as conn:
        where = (
            t.c.id == template_id
            if template_id is not None
            else (t.c.code == code) & (t.c.language == language)
        )
        current = conn.execute(select(t.c.id).where(where)).scalar_one_or_none()
        clash = conn.execute(
            select(t.c.id).where(t.c.code == code, t.c.language == language)
        ).scalar_one_or_none()
        if clash is not None and clash != current:
            raise TemplateError(
                [TemplateProblem("code", None, f"a template {code}/{language} already exists")]
            )
        if template_id is not None and current is None:
            raise TemplateError([TemplateProblem("id", None, f"no template {template_id}")])
        if current is None:
            current = conn.execute(t.insert().values(**values).returning(t.c.id)).scalar_one()
        else:
            conn.execute(t.update().where(t.c.id == current).values(**values))
        audit(conn, viewer, "template.save", "template", current, code=code, language=language)
        row = conn.execute(select(t).where(t.c.id == current)).one()
    return _info(row)


# ---- the context


def _logo_url(path: str) -> str:
    """The logo as a data: URL (what both an email and a PDF can show), "" when unreadable."""
    if not path:
        return ""
    file = Path(path)
    try:
        if not file.is_file() or file.stat().st_size > MAX_LOGO_BYTES:
            return ""
        data = file.read_bytes()
    except OSError:
        return ""
    kind = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _company(row: object | None) -> dict:
    if row is None:
        return dict.fromkeys(VARIABLES["company"], "") | {"currency": "EUR"}
    return {
        "name": row.name,
        "code": row.code,
        "address": row.address,
        "postal_code": row.postal_code,
        "city": row.city,
        "country": row.country,
        "email": row.email,
        "phone": row.phone,
        "siret": row.siret,
        "currency": row.currency or "EUR",
        "logo_path": row.logo_path,
        "logo_url": _logo_url(row.logo_path),
    }


def _customer(row: object, profile: str) -> dict:
    return {
        "number": row.number,
        "name": row.name,
        "address": row.address,
        "address2": row.address2,
        "postal_code": row.postal_code,
        "city": row.city,
        "country": row.country,
        "email": row.email,
        "phone": row.phone,
        "siret": row.siret,
        "vat_number": row.vat_number,
        "language": row.language or "fr",
        "profile": profile or row.profile,
        "currency": row.currency,
        "free_fields": dict(row.free_fields or {}),
    }


def _contact(row: object | None, fallback_name: str = "", fallback_email: str = "") -> dict:
    if row is None:
        return {
            "civility": "",
            "first_name": "",
            "last_name": "",
            "name": fallback_name,
            "function": "",
            "email": fallback_email,
        }
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    return {
        "civility": row.civility,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "name": name,
        "function": row.function,
        "email": row.email,
    }


def _sales_rep(row: object | None) -> dict:
    if row is None:
        return {"name": "", "email": "", "phone": ""}
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    return {"name": name, "email": row.email, "phone": row.phone}


def is_overdue(item: PlannedItem, as_of: date) -> bool:
    """Whether an item is owed and past its due date on the send date (`as_of`)."""
    due = item.due_date or item.posting_date
    return item.residual > 0 and due is not None and due < as_of


def _item(item: PlannedItem, as_of: date, book: str, ecb: Decimal, penalties_on: bool) -> dict:
    currency = item.currency or book
    owed = item.residual_currency if item.residual_currency is not None else item.residual
    overdue = is_overdue(item, as_of)
    if penalties_on and overdue:
        part = item_penalty(
            item.residual, item.due_date, as_of, is_invoice=item.kind == "invoice", ecb=ecb
        )
        interest, indemnity = part.interest, part.indemnity
    else:
        interest = indemnity = ZERO
    return {
        "piece": item.piece,
        "reference": item.reference,
        "journal": item.journal,
        "kind": item.kind,
        "posting_date": item.posting_date,
        "due_date": item.due_date,
        "days_late": item.days_late,
        "level": item.level,
        "previous_level": item.previous_level,
        "amount": item.amount,
        "residual": item.residual,
        "currency": currency,
        "residual_currency": item.residual_currency,
        "owed": owed,
        "interest": interest,
        "indemnity": indemnity,
        "overdue": overdue,
    }


def build_context(
    *,
    as_of: date,
    language: str,
    phase: str,
    level: int,
    channel: str,
    step_name: str,
    scenario: str,
    company: dict,
    customer: dict,
    contact: dict,
    sales_rep: dict,
    items: tuple[PlannedItem, ...],
    credits: tuple[PlannedItem, ...],
    penalties_on: bool,
    ecb: Decimal | None = None,
    sender: dict | None = None,
    payment: dict | None = None,
) -> dict:
    """The template variables from their parts (documented in the module docstring)."""
    ecb = ecb_rate() if ecb is None else ecb
    book = company.get("currency") or "EUR"
    item_rows = [_item(i, as_of, book, ecb, penalties_on) for i in items]
    credit_rows = [_item(i, as_of, book, ecb, False) for i in credits]
    residual = sum((i["residual"] for i in item_rows), ZERO)
    credit_total = sum((i["residual"] for i in credit_rows), ZERO)
    owed: dict[str, Decimal] = {}
    for row in item_rows + credit_rows:
        owed[row["currency"]] = owed.get(row["currency"], ZERO) + row["owed"]
    interest = sum((i["interest"] for i in item_rows), ZERO)
    indemnity = sum((i["indemnity"] for i in item_rows), ZERO)
    overdue = any(i["overdue"] for i in item_rows)
    return {
        "as_of": as_of,
        "overdue": overdue,
        "language": language,
        "phase": phase,
        "level": level,
        "channel": channel,
        "step_name": step_name,
        "scenario": scenario,
        "company": company,
        "customer": customer,
        "contact": contact
        | courtesy(contact.get("civility", ""), contact.get("last_name", ""), language),
        "sender": sender or sender_variables(None, language),
        "payment": payment or payment_variables(None, customer.get("number", ""), items),
        "sales_rep": sales_rep,
        "items": item_rows,
        "credits": credit_rows,
        "totals": {
            "count": len(item_rows),
            "residual": residual,
            "credits": credit_total,
            "net": residual + credit_total,
            "currency": book,
            "owed": [{"currency": c, "amount": a} for c, a in sorted(owed.items())],
        },
        "free_fields": customer.get("free_fields", {}),
        "penalties": {
            "enabled": penalties_on,
            "applies": penalties_on and overdue,
            "ecb_rate": ecb,
            "rate": legal_rate(ecb),
            "indemnity_per_invoice": Decimal("40.00"),
            "interest": interest,
            "indemnity": indemnity,
            "total": interest + indemnity,
            "invoices": sum(1 for i in item_rows if i["indemnity"]),
        },
    }


def sample_context(language: str = "fr", *, minimal: bool = False, not_due: bool = False) -> dict:
    """A context where every variable has a value, to check and preview templates.

    Args:
        language: fr or en.
        minimal: one item, no credit, no contact, no sales rep, penalties off (the other
            side of the usual branches).
        not_due: one item not yet due (a prévenance), penalties on but not applying.
    """
    as_of = date(2026, 11, 22)

    def item(n: int, level: int, days: int, amount: str, currency: str = "") -> PlannedItem:
        due = date.fromordinal(as_of.toordinal() - days)
        value = Decimal(amount)
        return PlannedItem(
            entry_id=n,
            piece=f"FA{n:05d}",
            reference=f"F2026-{n:04d}",
            journal="VTE",
            posting_date=date.fromordinal(due.toordinal() - 30),
            due_date=due,
            days_late=days,
            amount=value,
            residual=value,
            currency=currency,
            residual_currency=value * Decimal("1.10") if currency else None,
            level=level,
            previous_level=max(0, level - 1),
        )

    items = (
        (item(1, 0, -10, "1200.00"),)
        if not_due
        else (item(1, 2, 20, "1200.00"),)
        if minimal
        else (
            item(1, 2, 20, "1200.00"),
            item(2, 3, 35, "480.50", "USD"),
        )
    )
    credits = () if minimal else (
        PlannedItem(
            entry_id=3, piece="AV00012", reference="AV-12", journal="VTE",
            posting_date=date(2026, 10, 5), due_date=date(2026, 10, 5), days_late=48,
            amount=Decimal("-150.00"), residual=Decimal("-150.00"), currency="",
            residual_currency=None, level=0, previous_level=0, kind="credit_note",
        ),
    )  # fmt: skip
    company = {
        "name": "Atelier Dumas SAS",
        "code": "DEMO1",
        "address": "12 rue de la République",
        "postal_code": "69002",
        "city": "Lyon",
        "country": "France",
        "email": "compta@atelier-dumas.fr",
        "phone": "04 78 00 00 00",
        "siret": "12345678900012",
        "currency": "EUR",
        "logo_path": "",
        "logo_url": "",
    }
    customer = {
        "number": "CDUPONT",
        "name": "Boulangerie Dupont SARL",
        "address": "3 place Bellecour",
        "address2": "",
        "postal_code": "69002",
        "city": "Lyon",
        "country": "France",
        "email": "contact@dupont.fr",
        "phone": "04 78 11 22 33",
        "siret": "98765432100021",
        "vat_number": "FR12987654321",
        "language": language,
        "profile": "PME",
        "currency": "",
        "free_fields": {"Segment": "PME", "Fidélité": "Or"},
    }
    contact = _contact(None) if minimal else {
        "civility": "Madame",
        "first_name": "Claire",
        "last_name": "Martin",
        "name": "Claire Martin",
        "function": "Comptable",
        "email": "claire.martin@dupont.fr",
    }  # fmt: skip
    sales_rep = _sales_rep(None) if minimal else {
        "name": "Paul Girard",
        "email": "p.girard@atelier-dumas.fr",
        "phone": "06 00 00 00 00",
    }  # fmt: skip
    return build_context(
        as_of=as_of,
        language=language if language in LOCALES else "fr",
        phase="prevenance" if not_due else "relance",
        level=max(i.level for i in items),
        channel="email",
        step_name="Prévenance" if not_due else "Relance 3",
        scenario="PME",
        company=company,
        customer=customer,
        contact=contact,
        sales_rep=sales_rep,
        items=items,
        credits=credits,
        penalties_on=not minimal,
        ecb=Decimal("2.15"),
        sender=sender_variables(None, language) if minimal else {
            "name": "Atelier Dumas – Recouvrement",
            "email": "relances@atelier-dumas.fr",
            "reply_to": "relances@atelier-dumas.fr",
            "phone": "04 78 00 00 01",
            "signature": "Claire Recouvre\nService comptabilité clients\nAtelier Dumas SAS",
        },
        payment=payment_variables(None, customer["number"], items) if minimal else {
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "AGRIFRPP",
            "bank": "Crédit Agricole",
            "reference": "F2026-0001, F2026-0002",
            "rule": "invoice",
        },
    )  # fmt: skip


class Renderer:
    """Renders proposals on one connection, keeping companies, scenarios and templates.

    H2's runs render many proposals: use one Renderer for all of them (`prefetch` first loads
    their customers and contacts in a few queries).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._companies: dict[int, dict] = {}
        self._templates: dict[tuple[str, str], object] = {}
        self._scenarios: dict[int, object] = {}
        self._reps: dict[int, object] = {}
        self._customers: dict[int, object] = {}
        self._contacts: dict[int, list] = {}
        self._ecb = ecb_rate()
        self._messaging: dict[int, Messaging] = {}
        self._languages: dict[str, set[str]] = {}

    def prefetch(self, proposals: list[Proposal] | tuple[Proposal, ...]) -> None:
        """Load the customers and contacts of many proposals at once."""
        ids = sorted({p.customer_id for p in proposals} - set(self._customers))
        c, k = Customer.__table__, Contact.__table__
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            for row in self.conn.execute(select(c).where(c.c.id.in_(chunk))):
                self._customers[row.id] = row
                self._contacts.setdefault(row.id, [])
            for row in self.conn.execute(select(k).where(k.c.customer_id.in_(chunk))):
                self._contacts.setdefault(row.customer_id, []).append(row)

    def _customer(self, customer_id: int) -> object:
        if customer_id not in self._customers:
            c, k = Customer.__table__, Contact.__table__
            self._customers[customer_id] = self.conn.execute(
                select(c).where(c.c.id == customer_id)
            ).one()
            self._contacts[customer_id] = list(
                self.conn.execute(select(k).where(k.c.customer_id == customer_id))
            )
        return self._customers[customer_id]

    def _company(self, company_id: int) -> dict:
        if company_id not in self._companies:
            t = Company.__table__
            row = self.conn.execute(select(t).where(t.c.id == company_id)).first()
            self._companies[company_id] = _company(row)
        return self._companies[company_id]

    def _rep(self, rep_id: int | None) -> object | None:
        if rep_id is None:
            return None
        if rep_id not in self._reps:
            t = SalesRep.__table__
            self._reps[rep_id] = self.conn.execute(select(t).where(t.c.id == rep_id)).first()
        return self._reps[rep_id]

    def template(self, code: str, language: str):  # noqa: ANN201
        """The template row of a code in a language (French, then any, when missing).

        Raises:
            TemplateError: when there is no template with that code.
        """
        key = (code, language)
        if key not in self._templates:
            row = get_template(self.conn, code, language)
            if row is None:
                raise TemplateError([TemplateProblem("code", None, f"no template {code!r}")])
            self._templates[key] = row
        return self._templates[key]

    def context(self, proposal: Proposal) -> dict:
        """The template variables of a proposal (also what a letter is rendered with)."""
        customer = self._customer(proposal.customer_id)
        messaging = self._company_messaging(proposal.company_id)
        main = next((r for r in proposal.to if r.source == "contact"), None)
        contact_row = None
        if main is not None:
            wanted = main.email.lower()
            contact_row = next(
                (k for k in self._contacts.get(proposal.customer_id, ())
                 if (k.email or "").lower() == wanted),
                None,
            )  # fmt: skip
        fallback = proposal.to[0] if proposal.to else None
        return build_context(
            as_of=proposal.as_of,
            language=proposal.language,
            phase=proposal.phase,
            level=proposal.level,
            channel=proposal.channel,
            step_name=proposal.step_name,
            scenario=proposal.scenario_name,
            company=self._company(proposal.company_id),
            customer=_customer(customer, proposal.profile),
            contact=_contact(
                contact_row,
                fallback.name if fallback else "",
                fallback.email if fallback else "",
            ),
            sales_rep=_sales_rep(self._rep(customer.sales_rep_id)),
            items=proposal.items,
            credits=proposal.credits,
            penalties_on=proposal.penalties,
            ecb=self._ecb,
            sender=sender_variables(messaging, proposal.language),
            payment=payment_variables(messaging, customer.number, proposal.items),
        )

    def _company_messaging(self, company_id: int) -> Messaging | None:
        if company_id not in self._messaging:
            found = companies_messaging(self.conn, [company_id])
            self._messaging[company_id] = found.get(company_id)
        return self._messaging[company_id]

    def _in_language(self, proposal: Proposal) -> Proposal:
        """The proposal in the language it is written in: the scenario's when it sets one, else
        the main contact's when set, else the proposal's (the customer's); French when the step's
        template does not exist in that language."""
        s = Scenario.__table__
        if proposal.scenario_id not in self._scenarios:
            self._scenarios[proposal.scenario_id] = self.conn.execute(
                select(s.c.language).where(s.c.id == proposal.scenario_id)
            ).scalar_one_or_none()
        if proposal.template_code not in self._languages:
            t = MessageTemplate.__table__
            self._languages[proposal.template_code] = set(
                self.conn.execute(
                    select(t.c.language).where(t.c.code == proposal.template_code)
                ).scalars()
            )
        self._customer(proposal.customer_id)  # loads the contacts
        main = next((r for r in proposal.to if r.source == "contact"), None)
        contact_language = ""
        if main is not None:
            for k in self._contacts.get(proposal.customer_id, ()):
                if (k.email or "").lower() == main.email.lower():
                    contact_language = getattr(k, "language", "") or ""
                    break
        language = pick_language(
            self._scenarios[proposal.scenario_id] or "",
            contact_language,
            proposal.language,
            self._languages[proposal.template_code],
        )
        return proposal if language == proposal.language else replace(proposal, language=language)

    def render(self, proposal: Proposal, template_id_or_code: int | str | None = None) -> Rendered:
        """Render a proposal with its step's template (or another one, for a preview).

        Raises:
            TemplateError: when the template is missing or fails on this proposal.
        """
        if template_id_or_code is None:
            proposal = self._in_language(proposal)
            row = self.template(proposal.template_code, proposal.language)
        else:
            row = get_template(self.conn, template_id_or_code, proposal.language)
            if row is None:
                raise TemplateError(
                    [TemplateProblem("code", None, f"no template {template_id_or_code!r}")]
                )
        if row.language != proposal.language and row.language in LOCALES:
            proposal = replace(proposal, language=row.language)
        context = self.context(proposal)
        rendered = render_sources(row.subject, row.body_html, row.body_text, context)
        return Rendered(rendered.subject, rendered.html, rendered.text, proposal.language)


def letter_context(engine_or_conn: Engine | Connection, proposal: Proposal) -> dict:
    """The template variables of a proposal, for a letter rendered with another template."""
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            return Renderer(conn).context(proposal)
    return Renderer(engine_or_conn).context(proposal)


def render(engine_or_conn: Engine | Connection, proposal: Proposal) -> Rendered:
    """Render a proposal with the template of its step, in its language.

    Raises:
        TemplateError: when the template is missing or fails on this proposal (field, line).
    """
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            return Renderer(conn).render(proposal)
    return Renderer(engine_or_conn).render(proposal)


def preview(
    engine: Engine,
    template_id_or_code: int | str,
    customer_id: int,
    as_of: date | None = None,
    *,
    language: str | None = None,
    viewer: Viewer | None = None,
) -> Rendered:
    """Render a template on a real customer: its proposal of the day, else its open items.

    Args:
        engine: the store.
        template_id_or_code: the template to show (its id, or its code).
        customer_id: the customer.
        as_of: the day (default today).
        language: the language (default the proposal's, i.e. the scenario's or the customer's).
        viewer: the user asking (checked against their portfolio when given).

    Raises:
        TemplateError: when the template is missing or fails on this customer.
        AccessDenied: when the customer is out of the viewer's portfolio.
    """
    from dataclasses import replace

    from src_dash.dunning.planner import customer_proposal

    as_of = as_of or clock_today()
    if viewer is not None:
        with engine.connect() as conn:
            check_customers(conn, viewer, [customer_id])
    proposal = customer_proposal(engine, customer_id, as_of)
    if language:
        proposal = replace(proposal, language=language)
    with engine.connect() as conn:
        return Renderer(conn).render(proposal, template_id_or_code)
