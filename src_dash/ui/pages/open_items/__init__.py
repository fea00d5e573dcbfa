"""Page "/echeances": follow-up by due date (suivre par échéance).

Every open item of the viewer's customers with its due date, days late, the level reached, the
last action, a promise or a dispute; filtered, sorted and paged on the server
(`services.open_items`). Each row has its inline actions (`components.item_actions`): dun now,
promise, dispute, comment, stop or resume, call; after one, only that row is read again
(`services.dun_now.item_status`), so it refreshes at once. Rows may be selected to start a
campaign on them (`/campagnes?items=1,2,3`).

Only admins and collectors see the actions and the selection; read-only users and sales reps see
the rows only (a sales rep comments on the customer card). Hiding is only cosmetic: the handlers
and the services check the viewer's role and scope again.

- `rows`: the service's filters from the filters' values, the rows and texts formatted (no
  Reflex);
- `state`: `OpenItemsState`, the query, the current page, the selection;
- `views`, `views_filters`, `views_table`: the page, its filters' panel, its rows.
"""

from src_dash.ui.pages.open_items.state import OpenItemsState
from src_dash.ui.pages.open_items.views import open_items_page
from src_dash.ui.routes import OPEN_ITEMS as ROUTE

__all__ = ["ROUTE", "OpenItemsState", "open_items_page"]
