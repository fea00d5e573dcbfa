"""Page "/espace/[space_token]": the customer's space, public (no staff login), opened by a personal
link; see `src_dash.services.customer_space`."""

from src_dash.ui.pages.space.page import space_page
from src_dash.ui.pages.space.state import SpaceState
from src_dash.ui.routes import SPACE as ROUTE

__all__ = ["ROUTE", "SpaceState", "space_page"]
