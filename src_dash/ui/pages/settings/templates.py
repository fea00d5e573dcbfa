"""The template editor of the settings page: subject, HTML body and text body per language,
Check and Save that name each error's field and line, and a preview on a chosen customer.

The draft is checked and previewed on the server as it is typed, before it is saved; saving
refuses a template with any problem and writes nothing then.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash import clock
from src_dash.access import AccessDenied
from src_dash.dunning.templates import VARIABLES, TemplateError, TemplateInfo, TemplateProblem
from src_dash.services.admin import SettingsError
from src_dash.services.form_choices import find_customers
from src_dash.services.template_drafts import (
    check_draft,
    preview_draft,
    problem_excerpt,
    save_draft,
    templates_for,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import (
    Choice,
    error_note,
    error_text,
    field,
    ok_note,
    say,
)
from src_dash.ui.state import UiState

NEW = "__new__"
LANGUAGES = ("fr", "en")
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class ProblemRow:
    """One problem of the draft, in words: where (field, line) and what."""

    field: str = ""
    where: str = ""
    message: str = ""
    excerpt: str = ""


def problem_rows(
    problems: list[TemplateProblem] | tuple[TemplateProblem, ...],
    sources: dict[str, str],
    lang: str,
) -> list[ProblemRow]:
    """The problems of a template, each with its field's name, its line and the line's text."""
    words = i18n.CATALOG[i18n.normalise_lang(lang)]
    out = []
    for p in problems:
        name = words.get(f"set.tpl.{p.field}", p.field)
        where = words["set.tpl.at_line"].format(field=name, line=p.line) if p.line else name
        out.append(
            ProblemRow(
                field=p.field,
                where=where,
                message=say(p.message, lang),
                excerpt=problem_excerpt(sources.get(p.field, ""), p.line),
            )
        )
    return out


def variables_help() -> str:
    """The variables a template may use, one line per variable."""
    lines = []
    for name, keys in VARIABLES.items():
        lines.append(f"{name}: {', '.join(keys)}" if keys else name)
    return "\n".join(lines)


class TemplateEditorState(rx.State):
    """The template being edited, its problems and its preview."""

    codes: list[Choice] = []
    code: str = ""
    language: str = "fr"
    name: str = ""
    subject: str = ""
    body_html: str = ""
    body_text: str = ""
    is_new: bool = False
    new_code: str = ""
    exists_in_language: bool = True

    problems: list[ProblemRow] = []
    checked: str = ""
    error: str = ""

    customer_query: str = ""
    customers: list[Choice] = []
    customer_id: str = ""
    preview_subject: str = ""
    preview_html: str = ""
    preview_text: str = ""
    preview_error: str = ""
    previewing: bool = False
    loaded: bool = False

    _templates: dict[str, dict[str, str]] = {}

    def _sources(self) -> dict[str, str]:
        return {"subject": self.subject, "body_html": self.body_html, "body_text": self.body_text}

    def _clear_results(self) -> None:
        self.problems = []
        self.checked = ""
        self.error = ""

    def _show(self, code: str, language: str) -> None:
        """Put the stored template of (code, language) in the editor (a copy of the other
        language's when it does not exist yet)."""
        key = f"{code}|{language}"
        found = self._templates.get(key)
        self.exists_in_language = found is not None
        if found is None:
            other = next((v for k, v in self._templates.items() if k.startswith(f"{code}|")), None)
            found = other or {"name": "", "subject": "", "body_html": "", "body_text": ""}
        self.code, self.language = code, language
        self.name = found["name"]
        self.subject = found["subject"]
        self.body_html = found["body_html"]
        self.body_text = found["body_text"]
        self.is_new = False
        self._clear_results()

    def _remember(self, templates: list[TemplateInfo]) -> None:
        self._templates = {
            f"{x.code}|{x.language}": {
                "name": x.name,
                "subject": x.subject,
                "body_html": x.body_html,
                "body_text": x.body_text,
            }
            for x in templates
        }
        names: dict[str, str] = {}
        for x in templates:
            if x.code not in names or x.language == "fr":
                names[x.code] = x.name
        self.codes = [
            Choice(code, f"{name} ({code})" if name else code)
            for code, name in sorted(names.items())
        ]

    @rx.event
    async def load(self) -> None:
        """Read the templates and the first customers to preview on."""
        who = await current_viewer(self)
        if who is None:
            return
        lang = (await current_formats(self)).lang
        try:
            templates = await asyncio.to_thread(templates_for, get_engine(), who)
            customers = await asyncio.to_thread(find_customers, get_engine(), who, "", 30)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            self.loaded = True
            return
        self._remember(templates)
        self.customers = [Choice(str(c.id), f"{c.name} · {c.number}") for c in customers]
        if self.customers and not self.customer_id:
            self.customer_id = self.customers[0].value
        if self.codes and (self.code not in {c.value for c in self.codes}):
            self._show(self.codes[0].value, self.language)
        elif self.code and not self.is_new:
            self._show(self.code, self.language)
        self.loaded = True

    @rx.event
    def choose(self, code: str) -> None:
        """Edit another template."""
        if code == NEW:
            self.start_new()
            return
        self._show(code, self.language)
        self.preview_subject = self.preview_html = self.preview_text = self.preview_error = ""

    @rx.event
    def set_language(self, value: str | list[str]) -> None:
        """Edit the template in another language."""
        if isinstance(value, list):
            value = value[0] if value else ""
        language = value if value in LANGUAGES else "fr"
        if self.is_new:
            self.language = language
            return
        self._show(self.code, language)

    @rx.event
    def start_new(self) -> None:
        """Start a new template from nothing (its code is typed)."""
        self.is_new = True
        self.new_code = ""
        self.name = self.subject = self.body_html = self.body_text = ""
        self.exists_in_language = False
        self._clear_results()

    @rx.event
    def set_new_code(self, value: str) -> None:
        """The code of the new template."""
        self.new_code = value

    @rx.event
    def set_name(self, value: str) -> None:
        """The template's label."""
        self.name = value

    @rx.event
    def set_subject(self, value: str) -> None:
        """The subject (Jinja2)."""
        self.subject = value
        self.checked = ""

    @rx.event
    def set_body_html(self, value: str) -> None:
        """The HTML body (Jinja2)."""
        self.body_html = value
        self.checked = ""

    @rx.event
    def set_body_text(self, value: str) -> None:
        """The text body (Jinja2)."""
        self.body_text = value
        self.checked = ""

    @rx.event
    async def check(self) -> None:
        """Check the draft: syntax, unknown variables, sandbox escapes, each with its line."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        self._clear_results()
        try:
            problems = check_draft(who, self.subject, self.body_html, self.body_text, self.language)
        except AccessDenied as exc:
            self.error = error_text(exc, lang)
            return
        self.problems = problem_rows(problems, self._sources(), lang)
        if not problems:
            self.checked = i18n.text("set.tpl.no_problem", lang)

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the draft; with any problem nothing is saved and the problems show."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        self._clear_results()
        code = (self.new_code if self.is_new else self.code).strip()
        draft = dict(self._sources(), name=self.name)
        try:
            language = self.language
            saved = await asyncio.to_thread(
                lambda: save_draft(get_engine(), who, code, language, **draft)
            )
        except TemplateError as exc:
            self.problems = problem_rows(exc.problems, self._sources(), lang)
            return None
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            return None
        templates = await asyncio.to_thread(templates_for, get_engine(), who)
        self._remember(templates)
        self._show(saved.code, saved.language)
        self.checked = i18n.text("set.tpl.saved", lang)
        return rx.toast.success(i18n.text("set.tpl.saved", lang))

    @rx.event
    async def search_customers(self, value: str) -> None:
        """Find customers to preview on by number or name."""
        self.customer_query = value
        who = await current_viewer(self)
        try:
            found = await asyncio.to_thread(find_customers, get_engine(), who, value, 30)
        except AccessDenied:
            return
        self.customers = [Choice(str(c.id), f"{c.name} · {c.number}") for c in found]
        if self.customers and self.customer_id not in {c.value for c in self.customers}:
            self.customer_id = self.customers[0].value

    @rx.event
    def set_customer(self, value: str) -> None:
        """The customer to preview on."""
        self.customer_id = value

    @rx.event
    async def preview(self) -> None:
        """Render the draft (saved or not) on the chosen customer's items of the day."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        self._clear_results()
        self.preview_error = ""
        if not self.customer_id.isdigit():
            self.preview_error = i18n.text("set.tpl.pick_customer", lang)
            return
        self.previewing = True
        yield
        try:
            draft = self._sources()
            customer_id, language, today = int(self.customer_id), self.language, clock.today()
            rendered = await asyncio.to_thread(
                lambda: preview_draft(
                    get_engine(), who, customer_id, language=language, as_of=today, **draft
                )
            )
        except TemplateError as exc:
            self.problems = problem_rows(exc.problems, self._sources(), lang)
            self.preview_subject = self.preview_html = self.preview_text = ""
        except (AccessDenied, SettingsError, SQLAlchemyError) as exc:
            self.preview_error = error_text(exc, lang)
        else:
            self.preview_subject = rendered.subject
            self.preview_html = rendered.html
            self.preview_text = rendered.text
        self.previewing = False


def _problem(p: ProblemRow) -> rx.Component:
    return rx.box(
        rx.text(p.where, weight="bold", size="2", data_testid="problem-where"),
        rx.text(p.message, size="2", word_break="break-word"),
        rx.cond(
            p.excerpt != "",
            rx.code(
                p.excerpt, size="1", variant="soft", color_scheme="red", word_break="break-all"
            ),
        ),
        padding="8px",
        border_left="3px solid var(--red-9)",
        background_color="var(--red-a2)",
        border_radius="var(--radius-2)",
        width="100%",
        data_testid="template-problem",
        data_field=p.field,
    )


_MONO = {"font_family": "var(--code-font-family)", "font_size": "13px"}


def _body_area(key: str, value: rx.Var[str], on_change, area_id: str, rows: str) -> rx.Component:  # noqa: ANN001
    return field(
        key,
        rx.text_area(
            value=value,
            on_change=on_change,
            id=area_id,
            rows=rows,
            width="100%",
            resize="vertical",
            spell_check=False,
            **_MONO,
        ),
    )


def _editor_fields() -> rx.Component:
    s = TemplateEditorState
    return rx.vstack(
        rx.cond(
            s.is_new,
            field(
                "set.tpl.code",
                rx.input(
                    value=s.new_code,
                    on_change=s.set_new_code,
                    placeholder="relance_r1",
                    id="template-new-code",
                    width="100%",
                ),
            ),
        ),
        field(
            "set.tpl.name",
            rx.input(value=s.name, on_change=s.set_name, id="template-name", width="100%"),
        ),
        field(
            "set.tpl.subject",
            rx.input(
                value=s.subject,
                on_change=s.set_subject,
                id="template-subject",
                width="100%",
                **_MONO,
            ),
        ),
        _body_area("set.tpl.body_html", s.body_html, s.set_body_html, "template-html", "14"),
        _body_area("set.tpl.body_text", s.body_text, s.set_body_text, "template-text", "8"),
        rx.el.details(
            rx.el.summary(
                t("set.tpl.variables", UiState.lang),
                style={"cursor": "pointer", "font_size": "13px", "color": "var(--gray-11)"},
            ),
            rx.code_block(
                variables_help(), language="yaml", wrap_long_lines=True, font_size="12px"
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _preview_pane() -> rx.Component:
    s = TemplateEditorState
    return rx.vstack(
        rx.heading(t("set.tpl.preview", UiState.lang), as_="h3", size="3"),
        rx.input(
            value=s.customer_query,
            on_change=s.search_customers,
            placeholder=t("set.tpl.search_customer", UiState.lang),
            id="preview-search",
            width="100%",
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder=t("set.tpl.pick_customer", UiState.lang),
                id="preview-customer",
                width="100%",
            ),
            rx.select.content(
                rx.foreach(s.customers, lambda c: rx.select.item(c.label, value=c.value)),
            ),
            value=s.customer_id,
            on_change=s.set_customer,
        ),
        rx.button(
            rx.icon("eye", size=14),
            t("set.tpl.show_preview", UiState.lang),
            on_click=s.preview,
            loading=s.previewing,
            variant="soft",
            id="template-preview",
            width="100%",
        ),
        error_note(s.preview_error, "preview-error"),
        rx.cond(
            s.preview_subject != "",
            rx.vstack(
                rx.text(
                    rx.text.span(t("set.tpl.subject", UiState.lang), weight="medium"),
                    " : ",
                    rx.text.span(s.preview_subject, id="preview-subject"),
                    size="2",
                    word_break="break-word",
                ),
                rx.el.iframe(
                    src_doc=s.preview_html,
                    sandbox="",
                    title=t("set.tpl.preview", UiState.lang),
                    id="preview-html",
                    style={
                        "width": "100%",
                        "height": "420px",
                        "border": "1px solid var(--gray-a6)",
                        "border_radius": "var(--radius-2)",
                        "background": "white",
                    },
                ),
                rx.el.pre(
                    s.preview_text,
                    id="preview-text",
                    style={
                        "white_space": "pre-wrap",
                        "word_break": "break-word",
                        "font_size": "12px",
                        "background": "var(--gray-a2)",
                        "padding": "8px",
                        "border_radius": "var(--radius-2)",
                        "width": "100%",
                        "margin": "0",
                        "max_height": "260px",
                        "overflow": "auto",
                    },
                ),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
        min_width="0",
    )


def _template_picker() -> rx.Component:
    """The template to edit (or a new one) and its language."""
    s = TemplateEditorState
    return rx.flex(
        rx.box(
            rx.select.root(
                rx.select.trigger(id="template-code", width="100%"),
                rx.select.content(
                    rx.foreach(s.codes, lambda c: rx.select.item(c.label, value=c.value)),
                    rx.select.separator(),
                    rx.select.item(t("set.tpl.new", UiState.lang), value=NEW),
                ),
                value=rx.cond(s.is_new, NEW, s.code),
                on_change=s.choose,
            ),
            flex="1",
            min_width="0",
        ),
        rx.segmented_control.root(
            rx.segmented_control.item("FR", value="fr", id="template-lang-fr"),
            rx.segmented_control.item("EN", value="en", id="template-lang-en"),
            value=s.language,
            on_change=s.set_language,
            id="template-lang",
        ),
        spacing="3",
        align="center",
        width="100%",
    )


def _template_actions() -> rx.Component:
    s = TemplateEditorState
    return rx.flex(
        rx.button(
            rx.icon("list-checks", size=14),
            t("set.tpl.check", UiState.lang),
            on_click=s.check,
            variant="soft",
            id="template-check",
        ),
        rx.button(
            rx.icon("save", size=14),
            t("set.save", UiState.lang),
            on_click=s.save,
            id="template-save",
        ),
        rx.cond(
            ~s.exists_in_language & ~s.is_new,
            rx.text(t("set.tpl.copy_note", UiState.lang), size="1", color_scheme="amber"),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _editor_column() -> rx.Component:
    """The fields, the buttons, then the problems found or the check's success."""
    s = TemplateEditorState
    return rx.vstack(
        _editor_fields(),
        _template_actions(),
        rx.cond(
            s.problems.length() > 0,
            rx.vstack(
                rx.foreach(s.problems, _problem),
                spacing="2",
                width="100%",
                id="template-problems",
            ),
        ),
        ok_note(s.checked, "template-ok"),
        spacing="3",
        width="100%",
        min_width="0",
    )


def template_editor() -> rx.Component:
    """The template picker, the editor with Check and Save, and the preview pane."""
    s = TemplateEditorState
    return rx.cond(
        s.loaded,
        rx.vstack(
            _template_picker(),
            error_note(s.error, "template-error"),
            rx.grid(
                _editor_column(),
                rx.card(_preview_pane(), width="100%", min_width="0", id="template-preview-pane"),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                align="start",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        rx.center(rx.spinner(size="3"), width="100%", padding="32px"),
    )
