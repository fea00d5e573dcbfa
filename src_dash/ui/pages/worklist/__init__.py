"""Page "/actions": the worklist (actions à mener), the viewer's actions due today and late,
grouped by kind; the call sheet of a customer; marking an action done or skipped with its
outcome.

The state keeps the formatted rows and the open call sheet only. `services.worklist` reads the
actions and the sheet and closes an action; `services.followup.log_call` records a call that
ends in a promise, a dispute or a call back. Both check the role and the portfolio, so an
event sent by hand by a read-only user or a sales rep is refused.

- `rows`: the worklist and the sheet formatted (plain functions, no Reflex);
- `state`: `WorklistState`, its loader and handlers;
- `cards`, `sheet`, `outcome`: the views; `page`: the page.
"""

from src_dash.ui.pages.worklist.page import worklist_page
from src_dash.ui.pages.worklist.rows import format_rows, format_sheet
from src_dash.ui.pages.worklist.state import WorklistState
from src_dash.ui.routes import WORKLIST as ROUTE

__all__ = ["ROUTE", "WorklistState", "format_rows", "format_sheet", "worklist_page"]
