"""Page "/clients/[customer_id]": the customer card (fiche client).

Identity, contacts by service with their To/Cc role (add one by hand), balances and aging, the
score and its parts, open items, the timeline, comments, promises, disputes, messages sent (the
email and the PDF), flags, the dunning stop, the profile and the scenario. The loader asks
`services.customer_card` with the signed-in viewer: a customer outside their portfolio gives
nothing but "not found". Changes go through `services.customer_edit` and `services.followup`,
which check the role and the portfolio again.

- `rows`: the card formatted (plain functions, no Reflex);
- `state`: `CardState`, the card of the URL's customer (one `CardView`) and the handlers that
  change it;
- `header`, `summary`, `follow`, `messages`: the views, from the pieces of `parts`; `page`: the
  tabs and the page.
"""

from src_dash.ui.pages.customer.page import customer_page
from src_dash.ui.pages.customer.rows import CardView, customer_id_of, format_card
from src_dash.ui.pages.customer.state import CardState
from src_dash.ui.routes import CUSTOMER as ROUTE

__all__ = ["ROUTE", "CardState", "CardView", "customer_id_of", "customer_page", "format_card"]
