"""The FEC upload of the companies tab: drop a file, see its preview, import it.

`rows` builds the texts and rows (no Reflex), `state` holds the tab's state, `views` draws it.
"""

from src_dash.ui.pages.settings.fec.rows import imported_texts, preview_view
from src_dash.ui.pages.settings.fec.state import FecState
from src_dash.ui.pages.settings.fec.views import fec_section

__all__ = ["FecState", "fec_section", "imported_texts", "preview_view"]
