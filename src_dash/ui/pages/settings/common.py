"""Pieces shared by the tabs of the settings page: error texts, running the services, and the
cards, forms and fields the tabs draw.

Each tab has its own small state (flat, straight under `rx.State`, its error, `loaded` and `load`
from `TabState`); every handler runs its services through `call`, `change` or `read_all`, which
pass them the viewer (the services refuse anyone but an admin). A form is a `form_section`: its
fields in a grid (`FormFields` draws those set by one event by name), its error, its button.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.dunning.scenarios import ScenarioError
from src_dash.services.admin import SettingsError
from src_dash.services.followup import InvalidInput
from src_dash.ui import i18n
from src_dash.ui.choice import Choice
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import Label, button, said
from src_dash.ui.kit.service import Done, run_service
from src_dash.ui.state import UiState

# The services' English messages that the French UI says in French (fragments, in order).
_FRENCH = (
    ("must not be empty", "ne doit pas être vide"),
    ("is already in the list", "est déjà dans la liste"),
    ("must be more than 0", "doit être supérieur à 0"),
    ("is not an amount", "n'est pas un montant"),
    ("is not a whole number", "n'est pas un nombre entier"),
    ("must not be negative", "ne doit pas être négatif"),
    ("unknown grade", "note inconnue"),
    ("the grades are A to E", "les notes vont de A à E"),
    ("is not a country name or code", "n'est pas un nom ou un code de pays"),
    ("give the values to match", "donnez les valeurs à reconnaître"),
    ("name the free field the values are for", "nommez le champ libre de ces valeurs"),
    ("no active scenario has the profile", "aucun scénario actif n'a le profil"),
    ("Its customers will not be dunned", "Ses clients ne seront pas relancés"),
    ("no customer has the country", "aucun client n'a le pays"),
    ("no profile rule", "aucune règle de profil"),
    ("no company", "aucune société"),
    ("is too large", "est trop grand"),
    ("per value", "par valeur"),
    ("characters at most", "caractères au plus"),
    ("is taken", "est déjà pris"),
    ("must have at least", "doit avoir au moins"),
    (
        "is too easy to guess (a common word, a sequence, a name)",
        "est trop facile à deviner (mot courant, suite, nom)\u00a0: allongez-le",
    ),
    ("is published: choose your own", "est publié\u00a0: choisissez le vôtre"),
    ("is not one email address", "n'est pas une adresse e-mail"),
    ("is not a date", "n'est pas une date"),
    ("you cannot deactivate yourself", "vous ne pouvez pas vous désactiver vous-même"),
    ("you cannot take away your own admin role", "vous ne pouvez pas retirer votre propre rôle"),
    ("a sales rep user needs the Sage sales rep they are", "choisissez le commercial Sage"),
    ("is not an active collector", "n'est pas un chargé de recouvrement actif"),
    ("give the ODBC connection string of the Sage base", "donnez la chaîne de connexion ODBC"),
    ("1 to 20 characters among A-Z, 0-9, _ and -", "1 à 20 caractères parmi A-Z, 0-9, _ et -"),
    ("the file is empty", "le fichier est vide"),
    ("an email or a letter needs a template", "un e-mail ou un courrier demande un modèle"),
    ("at least one relance step is needed", "il faut au moins une étape de relance"),
    ("must come after", "doit venir après"),
    ("days)", "jours)"),
    ("already exists", "existe déjà"),
    ("already has this profile", "a déjà ce profil"),
    ("steps of level", "les étapes du niveau"),
    ("must share the same delay", "doivent avoir le même délai"),
    ("must be 1 to 80 characters", "doit faire 1 à 80 caractères"),
    ("syntax error:", "erreur de syntaxe\u00a0:"),
    ("unknown variable", "variable inconnue"),
    ("unknown attribute", "attribut inconnu"),
    ("did you mean", "vouliez-vous dire"),
    ("; the variables are:", "\u00a0; les variables sont\u00a0:"),
    ("refused by the sandbox:", "refusé par le bac à sable\u00a0:"),
    ("the subject must be on one line", "l'objet doit tenir sur une ligne"),
    (
        "is refused: names starting with '_' are outside the template's variables",
        "est refusé\u00a0: les noms commençant par «\u00a0_\u00a0» sont hors des variables",
    ),
    ("The template exceeds the limit of", "Le modèle dépasse la limite de"),
    ("characters for a value", "caractères pour une valeur"),
    ("characters of output", "caractères produits"),
    ("loop turns and calls", "tours de boucle et appels"),
    ("seconds of rendering", "secondes de rendu"),
    ("numbers for a range", "nombres pour un range"),
    ("bits for a number", "bits pour un nombre"),
    ("for an exponent", "pour un exposant"),
    ("of nested calls", "d'appels imbriqués"),
    ("of a text is not available in templates", "d'un texte est refusée dans les modèles"),
    ("the method", "la méthode"),
    ("characters", "caractères"),
)
_BETWEEN = re.compile(r"must be between (?P<low>\S+) and (?P<high>\S+)")
_FIELD = re.compile(r"^(?P<field>[A-Za-z_\[\]0-9.]+): (?P<message>.*)$", re.S)


def say(message: str, lang: str) -> str:
    """A service's message in the UI language (known fragments only; the rest as it is)."""
    if i18n.normalise_lang(lang) != "fr":
        return message
    message = _BETWEEN.sub(r"doit être entre \g<low> et \g<high>", message)
    for english, french in _FRENCH:
        message = message.replace(english, french)
    return message


def field_label(field: str, lang: str) -> str:
    """The words of a form field named by a service ("label", "steps[2].level", ...)."""
    words = i18n.CATALOG[i18n.normalise_lang(lang)]
    step = re.fullmatch(r"steps\[(\d+)\]\.(\w+)", field)
    if step:
        name = words.get(f"set.field.{step.group(2)}", step.group(2))
        return words["set.field.step_n"].format(n=int(step.group(1)) + 1, field=name)
    return words.get(f"set.field.{field}", field)


def error_text(exc: Exception, lang: str) -> str:
    """What to tell the admin about a refused action, naming the field when there is one."""
    if isinstance(exc, AccessDenied):
        return i18n.text("set.refused", lang)
    if isinstance(exc, ScenarioError):
        return " · ".join(
            i18n.labelled(field_label(f, lang), say(m, lang), lang) for f, m in exc.problems
        )
    if isinstance(exc, SettingsError | InvalidInput):
        found = _FIELD.match(str(exc))
        message = found.group("message") if found else str(exc)
        return i18n.labelled(field_label(exc.field, lang), say(message, lang), lang)
    return say(str(exc) or type(exc).__name__, lang)


# What the settings' services raise for a refused form, besides refusals and the store's errors.
REFUSED: tuple[type[Exception], ...] = (SettingsError, ScenarioError, InvalidInput)


async def call(
    state: rx.State,
    fn,  # noqa: ANN001
    *args,  # noqa: ANN002
    catch: tuple[type[Exception], ...] = (),
    **kwargs,  # noqa: ANN003
) -> Done:
    """Run a settings service for a handler (`fn(engine, viewer, *args)` on a thread), its
    refusals worded by `error_text`, the field at fault named."""
    return await run_service(
        state, fn, *args, catch=(*REFUSED, *catch), describe=error_text, **kwargs
    )


async def change(state: rx.State, fn, *args) -> Done:  # noqa: ANN001, ANN002
    """Run a settings service that changes something for a tab's handler: its refusal goes to
    the tab's `error`; when it worked the error is cleared and the tab read again (`_read`)."""
    done = await call(state, fn, *args)
    if not done.ok:
        state.error = done.error
        return done
    state.error = ""
    await state._read()  # noqa: SLF001
    return done


class TabState(rx.State, mixin=True):
    """What every settings tab's state holds: its error, whether it has been read, and `load`,
    which reads it again (its `_read`) with the error cleared."""

    error: str = ""
    loaded: bool = False

    async def _read(self) -> None:
        raise NotImplementedError

    @rx.event
    async def load(self) -> None:
        """Read the tab's data."""
        self.error = ""
        await self._read()


async def read_all(state: rx.State, *reads: tuple) -> Done | None:
    """Run a tab's reads in turn (each `(fn, *args)`, run by `call`), stopping at the first
    refused: a `Done` whose value is the tuple of their values, or None when the viewer is signed
    out or a read was refused (its error then in the tab's `error`, the tab `loaded`)."""
    values = []
    done = Done()
    for fn, *args in reads:
        done = await call(state, fn, *args)
        if done.signed_out:
            return None
        if not done.ok:
            state.error = done.error
            state.loaded = True
            return None
        values.append(done.value)
    return dataclasses.replace(done, value=tuple(values))


def section(title_key: str, *children: rx.Component, section_id: str, **props) -> rx.Component:
    """A card with a heading, the block of one subject in a tab."""
    return rx.card(
        rx.vstack(
            rx.heading(t(title_key, UiState.lang), as_="h2", size="4"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        id=section_id,
        **props,
    )


def red_line(text: rx.Var[str], **props) -> rx.Component:
    """A small red line of words (a field's error, a run's), shown only when it has some;
    `props` go to the text (its id, role or data-testid)."""
    return rx.cond(
        text != "",
        rx.text(text, size="1", color_scheme="red", word_break="break-word", **props),
    )


def field(
    label_key: str,
    control: rx.Component,
    error: rx.Var[str] | None = None,
    error_id: str = "",
    **props,
) -> rx.Component:
    """A labelled form control (label above it), with its error under it when given one; `props`
    go to the stack (a `width` replaces the full width)."""
    below = [] if error is None else [red_line(error, role="alert", id=error_id or None)]
    return rx.vstack(
        rx.text(t(label_key, UiState.lang), size="1", weight="medium", color_scheme="gray"),
        control,
        *below,
        **{"spacing": "1", "width": "100%", "min_width": "0", **props},
    )


def input_field(
    label_key: str,
    value: rx.Var[str],
    on_change,  # noqa: ANN001
    input_id: str,
    error: rx.Var[str] | None = None,
    **props,
) -> rx.Component:
    """A text input under its label, the full width, with its error under it when given one
    (its id: `input_id` + "-error"); `props` go to the input."""
    control = rx.input(value=value, on_change=on_change, id=input_id, **{"width": "100%", **props})
    return field(
        label_key, control, error, error_id=f"{input_id}-error" if error is not None else ""
    )


def choice_field(
    label_key: str,
    options: rx.Var[list[Choice]],
    value: rx.Var[str],
    on_change,  # noqa: ANN001
    select_id: str,
    error: rx.Var[str] | None = None,
) -> rx.Component:
    """A select over `Choice` options under its label, with its error when given one."""
    return field(label_key, select(options, value, on_change, select_id), error)


@dataclasses.dataclass(frozen=True)
class FormFields:
    """The fields of a form whose values one event sets by name (`set_field(name, value)`):
    a field's id is `prefix` + its name (dashes for underscores), its error `errors[name]` when
    the form has a dict of errors, its value `values[name]` when the form keeps its texts in a
    dict (else the value given)."""

    set_field: Callable
    prefix: str
    errors: rx.Var | None = None
    values: rx.Var | None = None

    def _id(self, name: str) -> str:
        return self.prefix + name.replace("_", "-")

    def _error(self, name: str) -> rx.Var[str] | None:
        return None if self.errors is None else self.errors[name]

    def text(
        self, label_key: str, name: str, value: rx.Var[str] | None = None, **props
    ) -> rx.Component:
        """A text input (`props` go to it)."""
        on_change = lambda v: self.set_field(name, v)  # noqa: E731
        value = self.values[name] if value is None else value
        return input_field(label_key, value, on_change, self._id(name), self._error(name), **props)

    def choice(
        self, label_key: str, name: str, options: rx.Var[list[Choice]], value: rx.Var[str]
    ) -> rx.Component:
        """A select over `Choice` options."""
        on_change = lambda v: self.set_field(name, v)  # noqa: E731
        return choice_field(label_key, options, value, on_change, self._id(name), self._error(name))


def save_button(**props) -> rx.Component:
    """The button that saves a form: its disk icon and "Enregistrer" (`props`: on_click, id)."""
    return button("save", "set.save", icon_size=14, **props)


def input_and_button(submit: rx.Component, **input_props) -> rx.Component:
    """A text input taking the width left beside its button (`input_props` go to the input)."""
    return rx.flex(
        rx.input(**{"flex": "1", "min_width": "0", **input_props}),
        submit,
        spacing="2",
        width="100%",
    )


def field_grid(*fields: rx.Component, columns: rx.Var | str | None = None, **props) -> rx.Component:
    """Form fields side by side: one column on a phone, two from a small screen (`columns`: the
    breakpoints of another layout); `props` go to the grid."""
    return rx.grid(
        *fields,
        columns=rx.breakpoints(initial="1", sm="2") if columns is None else columns,
        spacing="3",
        width="100%",
        **props,
    )


def form_section(
    title_key: str,
    fields: tuple[rx.Component, ...],
    *more: rx.Component,
    submit: rx.Component,
    error: rx.Var[str],
    error_id: str,
    section_id: str,
    columns: rx.Var | str | None = None,
    **props,
) -> rx.Component:
    """A form in a card: its heading, its `fields` in a grid (`field_grid`), `more` under them,
    its error when there is one, then `submit` (its button, or a row of them)."""
    return section(
        title_key,
        field_grid(*fields, columns=columns),
        *more,
        error_note(error, error_id),
        submit,
        section_id=section_id,
        **props,
    )


def card_grid(items: rx.Var, card, grid_id: str) -> rx.Component:  # noqa: ANN001
    """A card per item (`card(item)`): one column, two on a large screen."""
    return rx.grid(
        rx.foreach(items, card),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="3",
        width="100%",
        id=grid_id,
    )


def card_head(lines: tuple[rx.Component, ...], side: rx.Component) -> rx.Component:
    """A card's head: its `lines` stacked on the left, `side` (a switch, a select) on the right,
    under them on a phone."""
    return rx.flex(
        rx.vstack(*lines, spacing="1", min_width="0"),
        rx.spacer(),
        side,
        spacing="2",
        width="100%",
        direction=rx.breakpoints(initial="column", sm="row"),
    )


def check_label(
    control: rx.Component, label: Label, *, spacing: str = "2", **props
) -> rx.Component:
    """A switch or a checkbox followed by its words (a catalogue key, or a var already worded),
    the whole line one label that toggles it; `props` go to the label's text (its size)."""
    return rx.text(
        rx.flex(control, said(label), as_="span", spacing=spacing, align="center"),
        **{"as_": "label", "size": "2", **props},
    )


def note(text: rx.Var[str] | str, color: str, note_id: str, icon: str = "info") -> rx.Component:
    """A callout (red for errors, green for success, ...), shown only when it has words."""
    return rx.cond(
        text != "",
        rx.callout.root(
            rx.callout.icon(rx.icon(icon)),
            rx.callout.text(text, white_space="pre-wrap", word_break="break-word"),
            color_scheme=color,
            size="1",
            width="100%",
            id=note_id,
        ),
    )


def error_note(text: rx.Var[str], note_id: str) -> rx.Component:
    """A red callout with the error, when there is one."""
    return note(text, "red", note_id, icon="triangle-alert")


def ok_note(text: rx.Var[str], note_id: str) -> rx.Component:
    """A green callout saying what was done, when something was."""
    return note(text, "green", note_id, icon="circle-check")


def select(
    options: rx.Var[list[Choice]],
    value: rx.Var[str],
    on_change,
    select_id: str = "",
    **props,  # noqa: ANN001
) -> rx.Component:
    """A select over `Choice` options (values must not be empty strings); `props` go to its
    root (size, disabled)."""
    return rx.select.root(
        rx.select.trigger(id=select_id or None, width="100%"),
        rx.select.content(
            rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value)),
        ),
        value=value,
        on_change=on_change,
        **props,
    )


def loading() -> rx.Component:
    """The spinner shown while a tab reads its data."""
    return rx.center(rx.spinner(size="3"), width="100%", padding="32px")
