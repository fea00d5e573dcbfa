"""Settings tab "Qualité des prévisions" (issue 15): how good the predictions were on the
company's own ledger, against simple rules, and the cash-in forecast's past record."""

from src_dash.ui.pages.settings.forecast.state import ForecastQualityState
from src_dash.ui.pages.settings.forecast.views import forecast_tab

__all__ = ["ForecastQualityState", "forecast_tab"]
