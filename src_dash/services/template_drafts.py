"""Templates being edited, admin-only: list them, check, save and preview a draft on a real
customer before it is saved.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.clock import today as clock_today
from src_dash.dunning.model import Rendered
from src_dash.dunning.templates import (
    LANGUAGES as TEMPLATE_LANGUAGES,
)
from src_dash.dunning.templates import (
    Renderer,
    TemplateError,
    TemplateInfo,
    TemplateProblem,
    check_template,
    list_templates,
    render_sources,
    save_template,
)
from src_dash.services.admin import SettingsError
from src_dash.services.admin import require_admin as _admin

# ---- templates


def templates_for(engine: Engine, who: Viewer) -> list[TemplateInfo]:
    """Every template, by code then language.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return list_templates(engine)


def check_draft(
    who: Viewer, subject: str, body_html: str, body_text: str, language: str = "fr"
) -> list[TemplateProblem]:
    """The problems of a template being edited (syntax, unknown variables, sandbox escapes).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    lang = language if language in TEMPLATE_LANGUAGES else "fr"
    return check_template(subject or "", body_html or "", body_text or "", lang)


def save_draft(
    engine: Engine,
    who: Viewer,
    code: str,
    language: str,
    *,
    subject: str,
    body_html: str,
    body_text: str,
    name: str = "",
) -> TemplateInfo:
    """Check and save a template (created when its code and language are new).

    Raises:
        AccessDenied: for a non-admin.
        TemplateError: with every problem (field, line); nothing is written then.
    """
    _admin(who)
    return save_template(
        engine,
        (code or "").strip(),
        language,
        subject=subject or "",
        body_html=body_html or "",
        body_text=body_text or "",
        name=(name or "").strip()[:120],
        viewer=who,
    )


def preview_draft(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    *,
    subject: str,
    body_html: str,
    body_text: str,
    language: str = "fr",
    as_of: date | None = None,
) -> Rendered:
    """Render a template being edited (not yet saved) on a real customer's items of the day.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: when the customer does not exist.
        TemplateError: what fails in the template, with its field and line.
    """
    from src_dash.dunning.planner import PlanError, customer_proposal

    _admin(who)
    problems = check_draft(who, subject, body_html, body_text, language)
    if problems:
        raise TemplateError(problems)
    as_of = as_of or clock_today()
    try:
        proposal = customer_proposal(engine, int(customer_id), as_of)
    except (PlanError, TypeError, ValueError) as exc:
        raise SettingsError("customer", f"no customer {customer_id}") from exc
    lang = language if language in TEMPLATE_LANGUAGES else proposal.language
    proposal = replace(proposal, language=lang)
    with engine.connect() as conn:
        context = Renderer(conn).context(proposal)
    return render_sources(subject or "", body_html or "", body_text or "", context)


def problem_excerpt(source: str, line: int | None) -> str:
    """The text of a template's line (for an error), cut to 160 characters."""
    if not line or line < 1:
        return ""
    lines = (source or "").splitlines()
    if line > len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= 160 else text[:159] + "…"
