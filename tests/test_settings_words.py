"""The services' English messages said in French on the settings pages."""

from __future__ import annotations

from src_dash.ui.pages.settings.common import say


def test_a_range_is_said_in_french_whatever_its_bounds() -> None:
    assert say("interval: must be between 5 and 1440 minutes", "fr") == (
        "interval: doit être entre 5 et 1440 minutes"
    )
    assert say("must be between 0 and 365", "fr") == "doit être entre 0 et 365"
    assert say("must be between 0 and 365", "en") == "must be between 0 and 365"
    assert say("name: must not be empty", "fr") == "name: ne doit pas être vide"


def test_the_profile_rules_messages_are_said_in_french() -> None:
    assert say("'Fr4nce' is not a country name or code", "fr") == (
        "'Fr4nce' n'est pas un nom ou un code de pays"
    )
    assert say("unknown grade 'Z' (the grades are A to E)", "fr") == (
        "note inconnue 'Z' (les notes vont de A à E)"
    )
    assert say(
        "no active scenario has the profile 'X'. Its customers will not be dunned", "fr"
    ) == ("aucun scénario actif n'a le profil 'X'. Ses clients ne seront pas relancés")
    assert say("80 characters at most per value", "fr") == "80 caractères au plus par valeur"
