"""The Budgets page (AppTest, demo workspace): a channel plan in USD over rupiah and Singapore-dollar campaigns shows
their spend converted, with finance's rates stored only into the reporting currency (IDR)."""

from __future__ import annotations

from sqlalchemy import delete

from budgets.overview import budget_overview
from budgets.plans import ad_channel
from db.calendar import Period, workspace_today
from db.engine import session_scope
from db.money import format_money
from finance import fx
from finance.models import FxRate
from tests.budgets.test_pages import _open, _table


def test_budgets_page_shows_a_usd_channel_plan_converted_through_the_rupiah_rates(demo_url: str, app_test) -> None:
    with session_scope() as s:
        s.execute(delete(FxRate).where(FxRate.to_currency != "IDR"))  # only USD->IDR and SGD->IDR are left
        today = workspace_today(s)
        month = Period.month(today.year, today.month)
        assert fx.reporting_currency(s) == "IDR"
        overview = budget_overview(
            s, month, converter=fx.converter(s, month.start, month.end), reporting_currency="IDR"
        )
        plan = next(p for p in overview.pacings if p.scope.scope_key == "channel:meta_ads")
        fees = next(p for p in overview.pacings if p.scope.scope_key == "channel:influencer_fees")
        fees_in_usd = sum(
            p.actual for p in overview.pacings if p.scope.scope_type == "program" and p.scope.currency == "USD"
        )
        campaigns = [
            p
            for p in overview.pacings
            if p.scope.scope_type == "campaign" and ad_channel(p.scope.platform) == "meta_ads"
        ]
    assert plan.scope.currency == "USD"
    assert {p.scope.currency for p in campaigns} >= {"IDR", "SGD"}  # the plan's members: rupiah and SGD campaigns
    assert not [n for n in overview.notes if "left out" in n.text]

    at = _open(app_test, "pages/budgets/budgets.py")
    assert not at.error, [e.value for e in at.error]
    table = _table(at, "Platform budget")
    channels = table[table["Type"] == "channel"].set_index("Name")
    assert channels.loc["Meta Ads", "Currency"] == "USD"
    assert channels.loc["Meta Ads", "Spent"] == format_money(plan.actual, "USD")
    # The influencer-fee channel plan (USD) adds the rupiah programs' fees too, not only the dollar one.
    assert channels.loc["Influencer fees", "Spent"] == format_money(fees.actual, "USD")
    assert fees.actual > fees_in_usd
    assert plan.actual > sum(p.actual for p in campaigns if p.scope.currency == "USD")  # more than the dollar spend
    captions = " ".join(c.value for c in at.caption)
    assert "is left out until FX rates" not in captions
