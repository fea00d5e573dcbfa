"""Greeting and closing that agree, and the language a message is written in.

French letters open and close on the same person: "Madame Fournier," ... "Veuillez agréer,
Madame, ..."; with no known civility (or no contact), "Madame, Monsieur," for both. Sage keeps
civilities as "M.", "Mme", "Mlle" or spelled out, and names often in capitals: both are put right.
"""

from __future__ import annotations

from collections.abc import Iterable

# Sage's and the usual written forms of a civility -> (French word, English title).
_CIVILITIES = {
    "m": ("Monsieur", "Mr"),
    "m.": ("Monsieur", "Mr"),
    "mr": ("Monsieur", "Mr"),
    "mr.": ("Monsieur", "Mr"),
    "monsieur": ("Monsieur", "Mr"),
    "mme": ("Madame", "Ms"),
    "mme.": ("Madame", "Ms"),
    "mrs": ("Madame", "Mrs"),
    "mrs.": ("Madame", "Mrs"),
    "ms": ("Madame", "Ms"),
    "ms.": ("Madame", "Ms"),
    "madame": ("Madame", "Ms"),
    "mlle": ("Madame", "Ms"),  # "Mademoiselle" is no longer used in business letters
    "mademoiselle": ("Madame", "Ms"),
    "miss": ("Madame", "Ms"),
}
BOTH = {"fr": "Madame, Monsieur", "en": "Sir or Madam"}
CLOSING_FR = "Veuillez agréer, {salutation}, l'expression de nos salutations distinguées."


def civility(value: str) -> tuple[str, str] | None:
    """The (French, English) civility of a written one, or None when it is not one."""
    return _CIVILITIES.get(" ".join((value or "").split()).lower())


def proper_name(name: str) -> str:
    """A name as written in a letter: "FOURNIER" -> "Fournier", "LE GALL" -> "Le Gall".

    A name already in mixed case ("McBride", "de La Tour") is kept as it is.
    """
    name = " ".join((name or "").split())
    if not name or not name.isupper():
        return name

    def word(w: str) -> str:
        return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))

    return " ".join(
        "'".join(word(p) for p in w.split("'")) if "'" in w else word(w) for w in name.split(" ")
    )


def greeting_and_salutation(civility_text: str, last_name: str, language: str) -> tuple[str, str]:
    """The greeting (without its comma) and the person the closing names.

    >>> greeting_and_salutation("Mme", "FOURNIER", "fr")
    ('Madame Fournier', 'Madame')
    >>> greeting_and_salutation("", "Fournier", "fr")
    ('Madame, Monsieur', 'Madame, Monsieur')
    >>> greeting_and_salutation("M.", "Durand", "en")
    ('Dear Mr Durand', 'Sir')
    """
    found = civility(civility_text)
    name = proper_name(last_name)
    if language == "en":
        if found and name:
            return f"Dear {found[1]} {name}", "Sir" if found[0] == "Monsieur" else "Madam"
        return f"Dear {BOTH['en']}", BOTH["en"]
    if found and name:
        return f"{found[0]} {name}", found[0]
    if found:
        return found[0], found[0]
    return BOTH["fr"], BOTH["fr"]


def closing(salutation: str, language: str) -> str:
    """The closing sentence naming the person the greeting named.

    >>> closing("Madame", "fr")
    "Veuillez agréer, Madame, l'expression de nos salutations distinguées."
    >>> closing("Sir or Madam", "en")
    'Yours faithfully,'
    """
    if language == "en":
        return "Yours faithfully," if salutation == BOTH["en"] else "Yours sincerely,"
    return CLOSING_FR.format(salutation=salutation or BOTH["fr"])


def courtesy(civility_text: str, last_name: str, language: str) -> dict[str, str]:
    """The template's ``contact.greeting``, ``contact.salutation`` and ``contact.closing``."""
    greeting, salutation = greeting_and_salutation(civility_text, last_name, language)
    return {
        "greeting": greeting,
        "salutation": salutation,
        "closing": closing(salutation, language),
    }


def pick_language(
    scenario_language: str,
    contact_language: str,
    customer_language: str,
    available: Iterable[str],
) -> str:
    """The language a message is written in.

    The scenario's when it sets one (an export scenario writes in English), else the contact's
    when set, else the customer's (Sage CT_Langue); if no template of the step exists in that
    language, French.

    Args:
        scenario_language: the scenario's language ("" : the customer's).
        contact_language: the main contact's language ("" : not set).
        customer_language: the customer's language.
        available: the languages the step's template exists in.
    """
    wanted = (scenario_language or contact_language or customer_language or "fr").lower()[:2]
    languages = set(available)
    if wanted in languages:
        return wanted
    return "fr" if "fr" in languages or not languages else sorted(languages)[0]
