"""The words of the bulk actions of "/echeances", in French and English: a refusal of the
selection (role or portfolio), a stop without its reason, a store's failure; the level choices."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from src_dash.access import AccessDenied
from src_dash.services.followup import InvalidInput
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.open_items.bulk_state import _error


@pytest.mark.parametrize(
    ("exc", "lang", "expected"),
    [
        (AccessDenied("not in scope"), "fr", "hors de votre portefeuille"),
        (AccessDenied("not in scope"), "en", "outside your portfolio"),
        (InvalidInput("reason", "is required"), "fr", "Donnez le motif de l'arrêt"),
        (InvalidInput("reason", "is required"), "en", "Check the reason: is required"),
        (InvalidInput("body", "is required"), "fr", "Écrivez un commentaire"),
        (OperationalError("x", {}, Exception("locked")), "fr", "Rien n'a été modifié"),
        (OperationalError("x", {}, Exception("locked")), "en", "Nothing was changed"),
    ],
)
def test_a_refused_bulk_action_says_why_in_the_viewers_language(exc, lang, expected):
    assert expected in _error(exc, Formats(lang=lang))
