"""Settings tab "Espace client" (issue 13): each company's accent colour and logo in its
customers' spaces."""

from src_dash.ui.pages.settings.space_brand.state import SpaceBrandState
from src_dash.ui.pages.settings.space_brand.views import space_brand_tab

__all__ = ["SpaceBrandState", "space_brand_tab"]
