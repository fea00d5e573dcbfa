"""Settings tab "Profils": the ordered rules that pick each customer's profile (and so its
scenario), the counts per profile, applying the rules now.

`rows` builds the texts and rows (no Reflex), `state` holds the tab's state, `views` draws it.
"""

from src_dash.ui.pages.settings.profiles.state import ProfileRulesState
from src_dash.ui.pages.settings.profiles.views import profiles_tab

__all__ = ["ProfileRulesState", "profiles_tab"]
