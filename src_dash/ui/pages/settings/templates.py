"""The template editor of the settings page: subject, HTML body and text body per language,
Check and Save that name each error's field and line, and a preview on a chosen customer.

The draft is checked and previewed on the server as it is typed, before it is saved; saving
refuses a template with any problem and writes nothing then.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlalchemy.engine import Engine

from src_dash import clock
from src_dash.access import Viewer
from src_dash.dunning.templates import VARIABLES, TemplateError, TemplateInfo, TemplateProblem
from src_dash.services.form_choices import find_customers
from src_dash.services.template_drafts import (
    check_draft,
    preview_draft,
    problem_excerpt,
    save_draft,
    templates_for,
)
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import button, column, row, soft_button
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.common import (
    Choice,
    call,
    error_note,
    field,
    ok_note,
    say,
)
from src_dash.ui.state import UiState

NEW = "__new__"
LANGUAGES = ("fr", "en")
PARTS = ("name", "subject", "body_html", "body_text")  # a draft's texts, as typed
RENDERED = ("subject", "html", "text")  # a preview's parts


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


def _check(engine: Engine, who: Viewer, sources: dict[str, str], language: str):  # noqa: ANN202
    """The draft's problems (the check reads no store: `engine` is the services' first word)."""
    return check_draft(who, language=language, **sources)


def _customer_choices(customers: list) -> list[Choice]:  # noqa: ANN001
    return [Choice(str(c.id), f"{c.name} · {c.number}") for c in customers]


def _first_read(engine: Engine, who: Viewer) -> tuple[list[TemplateInfo], list]:
    """The templates and the first customers to preview on, read together."""
    return templates_for(engine, who), find_customers(engine, who, "", 30)


class TemplateEditorState(rx.State):
    """The template being edited, its problems and its preview."""

    codes: list[Choice] = []
    code: str = ""
    language: str = "fr"
    draft: dict[str, str] = dict.fromkeys(PARTS, "")
    is_new: bool = False
    new_code: str = ""
    exists_in_language: bool = True

    problems: list[ProblemRow] = []
    checked: str = ""
    error: str = ""

    customer_query: str = ""
    customers: list[Choice] = []
    customer_id: str = ""
    rendered: dict[str, str] = dict.fromkeys(RENDERED, "")
    preview_error: str = ""
    previewing: bool = False
    loaded: bool = False

    _templates: dict[str, dict[str, str]] = {}

    def _sources(self) -> dict[str, str]:
        return {k: self.draft[k] for k in PARTS if k != "name"}

    def _clear_results(self) -> None:
        self.problems = []
        self.checked = ""
        self.error = ""

    def _show(self, code: str, language: str) -> None:
        """Put the stored template of (code, language) in the editor (a copy of the other
        language's when it does not exist yet)."""
        found = self._templates.get(f"{code}|{language}")
        self.exists_in_language = found is not None
        if found is None:
            other = next((v for k, v in self._templates.items() if k.startswith(f"{code}|")), None)
            found = other or dict.fromkeys(PARTS, "")
        self.code, self.language = code, language
        self.draft = dict(found)
        self.is_new = False
        self._clear_results()

    def _remember(self, templates: list[TemplateInfo]) -> None:
        self._templates = {
            f"{x.code}|{x.language}": {k: getattr(x, k) for k in PARTS} for x in templates
        }
        names: dict[str, str] = {}
        for x in templates:
            if x.code not in names or x.language == "fr":
                names[x.code] = x.name
        self.codes = [
            Choice(code, f"{name} ({code})" if name else code)
            for code, name in sorted(names.items())
        ]

    def _problems(self, done: Done) -> bool:
        """Show the template's problems when the service found some (`done` refused by them)."""
        if not isinstance(done.exception, TemplateError):
            return False
        self.problems = problem_rows(done.exception.problems, self._sources(), done.lang)
        return True

    @rx.event
    async def load(self) -> None:
        """Read the templates and the first customers to preview on."""
        done = await call(self, _first_read)
        if not done.settle(self):
            return
        templates, customers = done.value
        self._remember(templates)
        self.customers = _customer_choices(customers)
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
        self.rendered = dict.fromkeys(RENDERED, "")
        self.preview_error = ""

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
        self.draft = dict.fromkeys(PARTS, "")
        self.exists_in_language = False
        self._clear_results()

    @rx.event
    def set_new_code(self, value: str) -> None:
        """The code of the new template."""
        self.new_code = value

    @rx.event
    def set_part(self, part: str, value: str) -> None:
        """One of the draft's texts: its label, or its subject or a body (Jinja2), which the
        last check no longer speaks for."""
        if part in PARTS:
            self.draft = {**self.draft, part: value}
            if part != "name":
                self.checked = ""

    @rx.event
    async def check(self) -> None:
        """Check the draft: syntax, unknown variables, sandbox escapes, each with its line."""
        self._clear_results()
        done = await call(self, _check, self._sources(), self.language)
        if not done.ok:
            self.error = done.error
            return
        self.problems = problem_rows(done.value, self._sources(), done.lang)
        if not done.value:
            self.checked = i18n.text("set.tpl.no_problem", done.lang)

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the draft; with any problem nothing is saved and the problems show."""
        self._clear_results()
        code = (self.new_code if self.is_new else self.code).strip()
        done = await call(
            self, save_draft, code, self.language, **dict(self.draft), catch=(TemplateError,)
        )
        if self._problems(done):
            return None
        if done.ok:
            saved = done.value
            done = await call(self, templates_for)
        if not done.ok:
            self.error = done.error
            return None
        self._remember(done.value)
        self._show(saved.code, saved.language)
        self.checked = i18n.text("set.tpl.saved", done.lang)
        return rx.toast.success(self.checked)

    @rx.event
    async def search_customers(self, value: str) -> None:
        """Find customers to preview on by number or name."""
        self.customer_query = value
        done = await call(self, find_customers, value, 30)
        if not done.ok:
            return
        self.customers = _customer_choices(done.value)
        if self.customers and self.customer_id not in {c.value for c in self.customers}:
            self.customer_id = self.customers[0].value

    @rx.event
    def set_customer(self, value: str) -> None:
        """The customer to preview on."""
        self.customer_id = value

    @rx.event
    async def preview(self):  # noqa: ANN201  (an event generator)
        """Render the draft (saved or not) on the chosen customer's items of the day."""
        self._clear_results()
        self.preview_error = ""
        if not self.customer_id.isdigit():
            lang = (await current_formats(self)).lang
            self.preview_error = i18n.text("set.tpl.pick_customer", lang)
            return
        self.previewing = True
        yield
        done = await call(
            self,
            preview_draft,
            int(self.customer_id),
            language=self.language,
            as_of=clock.today(),
            catch=(TemplateError,),
            **self._sources(),
        )
        if self._problems(done):
            self.rendered = dict.fromkeys(RENDERED, "")
        elif not done.ok:
            self.preview_error = done.error
        else:
            self.rendered = {k: getattr(done.value, k) for k in RENDERED}
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


def _input(
    key: str, value: rx.Var[str], on_change, control_id: str, rows: str = "", **props
) -> rx.Component:  # noqa: ANN001
    """A text under its label: an input, or a text area of `rows` lines."""
    area = {"rows": rows, "resize": "vertical", "spell_check": False} if rows else {}
    return field(
        key,
        (rx.text_area if rows else rx.input)(
            value=value, on_change=on_change, id=control_id, width="100%", **area, **props
        ),
    )


def _part(part: str, key: str, control_id: str, rows: str = "", **props) -> rx.Component:
    """One of the draft's texts (`PARTS`) under its label."""
    s = TemplateEditorState
    return _input(
        key, s.draft[part], lambda v: s.set_part(part, v), control_id, rows, **_MONO, **props
    )


def _editor_fields() -> rx.Component:
    s = TemplateEditorState
    return column(
        rx.cond(
            s.is_new,
            _input(
                "set.tpl.code",
                s.new_code,
                s.set_new_code,
                "template-new-code",
                placeholder="relance_r1",
            ),
        ),
        _input("set.tpl.name", s.draft["name"], lambda v: s.set_part("name", v), "template-name"),
        _part("subject", "set.tpl.subject", "template-subject"),
        _part("body_html", "set.tpl.body_html", "template-html", "14"),
        _part("body_text", "set.tpl.body_text", "template-text", "8"),
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
    )


def _rendered() -> rx.Component:
    """The preview: its subject, its HTML body in a sandboxed frame, its text body."""
    shown = TemplateEditorState.rendered
    return column(
        rx.text(
            rx.text.span(t("set.tpl.subject", UiState.lang), weight="medium"),
            " : ",
            rx.text.span(shown["subject"], id="preview-subject"),
            size="2",
            word_break="break-word",
        ),
        rx.el.iframe(
            src_doc=shown["html"],
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
            shown["text"],
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
    )


def _preview_pane() -> rx.Component:
    s = TemplateEditorState
    return column(
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
        soft_button(
            "eye",
            "set.tpl.show_preview",
            icon_size=14,
            on_click=s.preview,
            loading=s.previewing,
            id="template-preview",
            width="100%",
        ),
        error_note(s.preview_error, "preview-error"),
        rx.cond(s.rendered["subject"] != "", _rendered()),
        min_width="0",
    )


def _template_picker() -> rx.Component:
    """The template to edit (or a new one) and its language."""
    s = TemplateEditorState
    return row(
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
        width="100%",
    )


def _editor_column() -> rx.Component:
    """The fields, Check and Save, then the problems found or the check's success."""
    s = TemplateEditorState
    return column(
        _editor_fields(),
        row(
            soft_button(
                "list-checks", "set.tpl.check", icon_size=14, on_click=s.check, id="template-check"
            ),
            button("save", "set.save", icon_size=14, on_click=s.save, id="template-save"),
            rx.cond(
                ~s.exists_in_language & ~s.is_new,
                rx.text(t("set.tpl.copy_note", UiState.lang), size="1", color_scheme="amber"),
            ),
        ),
        rx.cond(
            s.problems.length() > 0,
            column(rx.foreach(s.problems, _problem), spacing="2", id="template-problems"),
        ),
        ok_note(s.checked, "template-ok"),
        min_width="0",
    )


def template_editor() -> rx.Component:
    """The template picker, the editor with Check and Save, and the preview pane (the page shows
    it once the tab is loaded)."""
    return column(
        _template_picker(),
        error_note(TemplateEditorState.error, "template-error"),
        rx.grid(
            _editor_column(),
            rx.card(_preview_pane(), width="100%", min_width="0", id="template-preview-pane"),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            align="start",
            width="100%",
        ),
    )
