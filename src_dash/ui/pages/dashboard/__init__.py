"""Page "/": the dashboard of the signed-in viewer's scope.

KPI cards, the aging chart, the cash forecast against the objective, the top 10s, the promises
falling due, the open disputes and the latest events, filtered by company, sales rep and
currency. Everything comes from `src_dash.services.dashboard`, which applies the viewer's scope;
this module only formats the rows. The page polls the store's data version every few seconds
and reloads its figures only when it changed (after a sync or a colleague's action).
"""

from src_dash.ui.pages.dashboard.state import DashboardState
from src_dash.ui.pages.dashboard.views import dashboard_page
from src_dash.ui.routes import DASHBOARD as ROUTE

__all__ = ["ROUTE", "DashboardState", "dashboard_page"]
