"""Page "/campagnes": dunning campaigns (agir par critère).

Choose a scenario or criteria (company, sales rep, grade, minimum outstanding, minimum days late,
level) and preview, as of today, the messages proposed with their counts and totals and the
customers and items left out with the reason; open any message; prepare the campaign (a run
whose messages all wait for approval); approve all or some, reject some; send; follow the
delivery live; download the grouped PDF of the letters. `?items=1,2,3` starts from items chosen
on the open items page, `?run=<id>` opens a run.

`services.campaigns` does the work and checks the role and the portfolio on every call, so a
read-only user or a sales rep who sends the events by hand is refused. The package, one concept
a pair of modules (its state, its view):
- `rows`: the rows and texts shown, built from what the services return (no state, no view);
- `state` (the page: who may work, on load, a run opened or closed), `page` (its view);
- `criteria_state` / `criteria_view`: the criteria;
- `preview_state` / `preview_view`: the preview, the proposals to tick, the draft run;
- `run_state` / `run_view`: the send screen, its progress followed live;
- `message_state` / `message_view`: the message dialog;
- `recent_state` / `recent_view`: the recent runs;
- `notice`: the error line every state writes to; `parts`: small shared view pieces.
"""

from __future__ import annotations

from src_dash.ui.pages.campaigns.page import campaigns_page
from src_dash.ui.pages.campaigns.rows import campaign_name, run_rows
from src_dash.ui.pages.campaigns.state import CampaignsState
from src_dash.ui.routes import CAMPAIGNS as ROUTE

__all__ = ["ROUTE", "CampaignsState", "campaign_name", "campaigns_page", "run_rows"]
