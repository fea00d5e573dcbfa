"""Settings tab "Sociétés": each company, its Sage connection (test it, sync now), its last runs
with their errors, the schedule of the automatic sync, and the upload of a FEC file (`fec`).

`rows` builds the texts and rows (no Reflex), `state` holds the tab's state, `views` draws it.
"""

from src_dash.ui.pages.settings.companies.state import CompaniesState
from src_dash.ui.pages.settings.companies.views import companies_tab

__all__ = ["CompaniesState", "companies_tab"]
