"""Page "/clients": who owes what (qui vous doit quoi), the viewer's customers in a server-paged
table: search, filters, sort, columns to choose, export of the current view to CSV and Excel.

- `rows`: the query from the filters and the formatted header, rows, counts and totals (no Reflex);
- `state`: `CustomersState`, the query and the current page;
- `views`: the page.
"""

from src_dash.ui.components.filter_values import GRADE_COLORS
from src_dash.ui.pages.customer_list.state import CustomersState
from src_dash.ui.pages.customer_list.views import customers_page
from src_dash.ui.routes import CUSTOMERS as ROUTE
from src_dash.ui.routes import customer_href

__all__ = ["GRADE_COLORS", "ROUTE", "CustomersState", "customer_href", "customers_page"]
