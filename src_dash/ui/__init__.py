"""The Reflex UI of src_dash: shared state, pages and components (the only Reflex code)."""

from src_dash.ui.pages.overview import OverviewState, overview_page
from src_dash.ui.state import UiState

__all__ = ["OverviewState", "UiState", "overview_page"]
