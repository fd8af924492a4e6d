"""The Campaigns page's data in one call: its table (`campaigns.performance.campaign_performance`) and its pacing
column (`budgets.overview.campaign_statuses`), read side by side.

The table's statement runs on a session of its own on another thread (`db.reads.alongside`) while the pacing
column's scan and maths run here, so a cold Campaigns page waits for the longer of the two instead of their sum
(docs/budgets.md, "The Campaigns page's table beside its pacing column"). Both are exactly what the two functions
return when called one after the other; nothing of either rule lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session

from budgets.overview import campaign_statuses
from campaigns import performance
from db.calendar import Period
from db.reads import alongside


def campaign_page_data(
    session: Session,
    filters: performance.CampaignFilters,
    month: Period,
    now: dt.datetime | None = None,
    statuses: Callable[[], dict[int, str]] | None = None,
) -> tuple[pd.DataFrame, dict[int, str]]:
    """The Campaigns table for `filters` and each campaign's pacing status for `month` (as of `now`).

    `statuses`: how to get those statuses (default `campaign_statuses(session, month, now)`); the page passes its
    cached reader, so a change of filters reads the table alone and a cold page reads both at once."""
    table = alongside(session, performance.campaign_performance, filters)
    paced = campaign_statuses(session, month, now) if statuses is None else statuses()
    return table.result(), paced
