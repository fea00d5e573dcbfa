"""Settings tabs "Scénarios", "Seuils" and "Services": the scenarios and their steps, the
thresholds of every scenario, the contact services in To or Cc.

`rows` builds the texts and rows (no Reflex), `state` holds the tab's state, `views` draws it.
"""

from src_dash.ui.pages.settings.dunning.state import ScenariosState, ServicesState
from src_dash.ui.pages.settings.dunning.views import scenarios_tab, services_tab, thresholds_tab

__all__ = ["ScenariosState", "ServicesState", "scenarios_tab", "services_tab", "thresholds_tab"]
