"""A stopped campaign with a plan this month is "Stopped, below plan", never "Under-pacing" ("Terlalu lambat"):
the rule in `budgets.pacing.classify` (and `pacing_frame`), read on the Campaigns page's detail of the demo's
archived campaign in Bahasa Indonesia."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from budgets import pacing
from budgets.models import BudgetPlan
from budgets.pacing import PacingInput
from budgets.pacing_frame import pace_all
from campaigns.models import Campaign
from db.calendar import Period
from db.engine import session_scope
from pages.components.data import month_bounds
from pages.components.i18n import _catalog
from tests.pages import open_page

NOV = Period.month(2026, 11)


def _scope(accruing: bool) -> PacingInput:
    return PacingInput(
        scope_key="campaign:1",
        scope_type="campaign",
        name="Brand Awareness",
        currency="IDR",
        period=NOV,
        today=dt.date(2026, 11, 20),
        planned=Decimal(3_000_000),
        actual=Decimal(0),
        accruing=accruing,
        run_start=dt.date(2026, 7, 1),
        run_end=dt.date(2026, 10, 16),
    )


def test_a_stopped_scope_short_of_its_plan_is_stopped_below_plan_on_both_paths() -> None:
    stopped, running = _scope(False), _scope(True)
    running = PacingInput(**{**running.__dict__, "run_end": None})
    assert pacing.pace(stopped).status == pacing.STOPPED_BELOW_PLAN
    assert pacing.pace(running).status == pacing.UNDER_PACING  # Rp0 so far and no budget: projects 0
    assert [p.status for p in pace_all([stopped, running])] == [pacing.STOPPED_BELOW_PLAN, pacing.UNDER_PACING]


def test_the_archived_campaigns_detail_says_stopped_not_too_slow(demo_url: str, app_test) -> None:
    from pages.components.data import today

    start, end = month_bounds(today())
    with session_scope() as session:
        archived = session.scalars(
            select(Campaign)
            .join(BudgetPlan, BudgetPlan.campaign_id == Campaign.id)
            .where(Campaign.status == "ARCHIVED", BudgetPlan.period_start <= end, BudgetPlan.period_end >= start)
        ).first()
        assert archived is not None, "the demo has an archived campaign with a plan this month"
        campaign_id = archived.id
    at = open_page(app_test(timeout=90), "pages/campaigns/campaigns.py", language="id")
    at.selectbox(key="campaigns_detail").set_value(campaign_id).run()
    assert not at.exception, at.exception
    catalog = _catalog("id")
    shown = [m.value for m in at.markdown]
    stopped = catalog["**Pacing this month:** {status}"].format(status=catalog["Stopped, below plan"])
    assert stopped in shown
    too_slow = catalog["**Pacing this month:** {status}"].format(status=catalog["Under-pacing"])
    assert too_slow not in shown
