"""Message templates: Jinja2 in a sandbox, checked when saved, rendered for a proposal.

A template (table `template`, `MessageTemplate`) has a code, a language (fr, en), a subject, an
HTML body and a plain-text alternative. They are rendered by
`jinja2.sandbox.ImmutableSandboxedEnvironment` with `StrictUndefined`: a template reaches only
the variables below, through their public keys and attributes; a missing name is an error, not
an empty string; names starting with "_" (``''.__class__``) and the default globals (cycler,
joiner, lipsum, namespace) are out of reach. The HTML body is auto-escaped. Each render keeps
to a budget (`template_budget`): no value over a million characters (``*``, ``**``, ``+``,
``%``, ``~`` and the growing filters are measured before they build it), ``range`` up to
10,000, at most 5 million characters of output and 500,000 loop turns and calls, and a deadline
(0.3 s per sample when checked, 2 s per field when a message is rendered).

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
- ``space_url``: the customer's personal link to their space for this company. A preview shows a
  clearly fake example link; the message kept in the outbox too, and the real link (a new token,
  90 days, renewing the customer's live links) replaces it when the email is sent or the letter
  printed (`outbox.addressed`, `letters.load_letters`). An email whose template does not use it
  gets the link in a last line (`template_context.space_footer`); a letter prints it with a QR
  code in its own block
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

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import ADMIN, Viewer, audit, check_customers, require
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.dunning.courtesy import pick_language
from src_dash.dunning.messaging import (
    Messaging,
    companies_messaging,
    payment_variables,
    sender_variables,
)
from src_dash.dunning.model import Proposal, Rendered
from src_dash.dunning.penalties import ecb_rate
from src_dash.dunning.template_context import (
    _company,
    _contact,
    _customer,
    _sales_rep,
    build_context,
    is_overdue,
    space_footer,
    uses_space_url,
)
from src_dash.dunning.template_sample import sample_context
from src_dash.dunning.template_sandbox import (
    GLOBALS,
    ITEM_KEYS,
    LANGUAGES,
    LOCALES,
    MAX_LOGO_BYTES,
    MAX_SOURCE,
    VARIABLES,
    TemplateError,
    TemplateProblem,
    check_template,
    render_sources,
)
from src_dash.store import Company, Contact, Customer, MessageTemplate, SalesRep, Scenario
from src_dash.store.rows import from_row

__all__ = [
    "GLOBALS",
    "ITEM_KEYS",
    "LANGUAGES",
    "LOCALES",
    "MAX_LOGO_BYTES",
    "MAX_SOURCE",
    "VARIABLES",
    "Renderer",
    "TemplateError",
    "TemplateInfo",
    "TemplateProblem",
    "build_context",
    "check_template",
    "get_template",
    "is_overdue",
    "letter_context",
    "list_templates",
    "preview",
    "render",
    "render_sources",
    "sample_context",
    "save_template",
]


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
    return from_row(TemplateInfo, row)


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
        body_html, body_text = rendered.html, rendered.text
        if proposal.channel == "email" and not uses_space_url(row.body_html, row.body_text):
            body_html, body_text = space_footer(
                body_html, body_text, proposal.language, context["space_url"]
            )
        return Rendered(rendered.subject, body_html, body_text, proposal.language)


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
