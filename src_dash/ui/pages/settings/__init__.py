"""Page "/reglages": the admin's settings, one tab per subject, one module per tab.

- `page`: the tabs, the state that picks the open one, the page itself;
- `common`: what every tab shares (error texts, sections, fields, selects, notes);
- `companies`, `fec`, `messaging`, `dunning` (scenarios, services, thresholds), `profiles`,
  `templates`, `lists` (dispute reasons, cash objectives), `users`: one tab each.
"""

from src_dash.ui.pages.settings.page import ROUTE, TABS, SettingsState, settings_page

__all__ = ["ROUTE", "TABS", "SettingsState", "settings_page"]
