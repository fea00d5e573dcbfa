"""Words of the letters' way to the post ("letters.") on /campagnes and on the customer card."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "letters.title": "Courriers",
        "letters.to_print": "À imprimer",
        "letters.printed": "Imprimé",
        "letters.posted": "Posté",
        "letters.posted_on": "Posté le {day}",
        "letters.counts": "{to_print} à imprimer · {printed} imprimé(s) · {posted} posté(s)",
        "letters.hint": "Un courrier ne compte comme envoyé qu'une fois posté.",
        "letters.confirm": "Confirmer l'impression",
        "letters.post": "Marquer posté",
        "letters.post_day": "Posté le",
        "letters.confirmed": "{n} courrier(s) imprimé(s)",
        "letters.done": "{n} courrier(s) posté(s)",
        "letters.error": "Impossible\u00a0: {detail}",
        "letters.denied": "Seuls les administrateurs et les chargés de recouvrement le peuvent.",
        "letters.bad_day": "Choisissez le jour où les courriers ont été postés.",
    },
    "en": {
        "letters.title": "Letters",
        "letters.to_print": "To print",
        "letters.printed": "Printed",
        "letters.posted": "Posted",
        "letters.posted_on": "Posted on {day}",
        "letters.counts": "{to_print} to print · {printed} printed · {posted} posted",
        "letters.hint": "A letter counts as sent only once it is posted.",
        "letters.confirm": "Confirm printing",
        "letters.post": "Mark posted",
        "letters.post_day": "Posted on",
        "letters.confirmed": "{n} letter(s) printed",
        "letters.done": "{n} letter(s) posted",
        "letters.error": "Could not do it: {detail}",
        "letters.denied": "Only admins and collectors may do this.",
        "letters.bad_day": "Choose the day the letters were posted.",
    },
}
