"""The shared builders make what they say, with the defaults tests rely on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from budgets.overview import budget_overview
from campaigns.models import CampaignInsight
from db.calendar import Period
from tests import builders as b


def test_builders_make_a_small_workspace(session) -> None:
    acct = b.account(session, currency="USD", timezone_name="America/New_York")
    camp = b.campaign(session, acct, daily_budget="100")
    b.ad_set(session, camp, daily_budget="30")
    b.insights(session, camp, b.days(dt.date(2026, 11, 1), dt.date(2026, 11, 10)), spend="99.50")
    total = session.scalar(select(func.sum(CampaignInsight.spend)).where(CampaignInsight.campaign_id == camp.id))
    assert total == Decimal("995.00")
    assert camp.currency == "USD"
    assert camp.daily_budget == Decimal("100")
    prog = b.program(session, currency="IDR")
    collab = b.collaboration(session, prog, fee="1000000", contract_date=dt.date(2026, 11, 2))
    b.deliverable(session, collab, status="published", published_date=dt.date(2026, 11, 5))
    b.payment(session, collab, "1000000", status="paid", paid_date=dt.date(2026, 11, 6))
    b.plan(session, prog, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "3000000")
    now = dt.datetime(2026, 11, 20, 5, tzinfo=dt.UTC)
    scopes = {p.scope.scope_key: p for p in budget_overview(session, Period.month(2026, 11), now=now).pacings}
    fees = scopes[f"program:{prog.id}"]
    million = Decimal(1000000)
    assert (fees.scope.committed, fees.actual, fees.scope.paid) == (million, million, million)
    assert fees.planned == Decimal(3000000)
