"""Pacing under each platform's budget rules: Meta's 1.75x day, TikTok's 1.25x day (both 7x a Sunday-Saturday week),
and plan-only pacing for platforms whose rules Pantau does not know (Google Ads, LinkedIn imports); and the Budgets
page's plan across channels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

from sqlalchemy import select

from budgets import pacing
from budgets.models import BudgetPlan
from budgets.pacing import PacingInput
from budgets.plans import plans_for_period
from budgets.scopes import campaign_inputs
from campaigns.meta_budgets import MetaBudget
from db.calendar import Period
from db.engine import session_scope
from tests import builders as b

NOV = Period.month(2026, 11)  # starts on a Sunday


def _scope(platform: str, **kw) -> PacingInput:
    values = {
        "scope_key": "campaign:1",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "IDR",
        "period": NOV,
        "today": dt.date(2026, 11, 16),  # a Monday
        "planned": D(100000),
        "budget": MetaBudget("campaign", D(1000)),
        "platform": platform,
    }
    values.update(kw)
    return PacingInput(**values)


def test_a_day_may_pass_the_daily_budget_by_the_platforms_own_allowance() -> None:
    # Run-rate far above the budget: one day (the last of the period) is capped by the day rule.
    last_day = {"today": dt.date(2026, 11, 30), "recent_spend": D(70000), "recent_days": 7}
    assert pacing.project_days(_scope("meta", **last_day), D(10000)) == (D(1750), None)
    assert pacing.project_days(_scope("tiktok", **last_day), D(10000)) == (D(1250), None)


def test_a_week_never_passes_seven_daily_budgets_on_meta_and_tiktok() -> None:
    # Monday 16th to Saturday 21st: 6 days, 1,500 a day allowed by TikTok's day rule... but the week already
    # spent 1,000 on Sunday, so the week adds at most 7,000 - 1,000 = 6,000.
    scope = _scope("tiktok", week_spend=D(1000), period=Period(dt.date(2026, 11, 1), dt.date(2026, 11, 21)))
    extra, _ = pacing.project_days(scope, D(1500))
    assert extra == D(6000)
    assert pacing.project_days(_scope("meta", week_spend=D(1000), period=scope.period), D(1500))[0] == D(6000)


def test_platforms_without_known_rules_are_paced_on_plan_and_spend(session) -> None:
    google = b.account(session, platform="google", account_id="123", name="G")
    meta = b.account(session, account_id="9", name="M")
    imported = b.campaign(session, google, name="Search", daily_budget="50000")
    synced = b.campaign(session, meta, name="Meta", daily_budget="50000")
    b.insights(session, imported, [dt.date(2026, 11, 10)], spend="1000")
    b.insights(session, synced, [dt.date(2026, 11, 10)], spend="1000")
    now = dt.datetime(2026, 11, 16, 5, tzinfo=dt.UTC)
    inputs = {i.campaign_id: i for i in campaign_inputs(session, NOV, plans_for_period(session, NOV), now)}
    assert inputs[imported.id].budget.kind is None  # a budget Pantau cannot hold Google to: plan-only
    assert inputs[imported.id].platform == "google"
    assert inputs[synced.id].budget.daily == D(50000)
    assert pacing.budget_rules("google") is None
    assert pacing.budget_rules(None) == pacing.BUDGET_RULES["meta"]


def test_the_budgets_page_sets_a_plan_across_channels(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        tiktok = b.account(s, platform="tiktok", account_id="71", name="TT")
        meta = b.account(s, account_id="72", name="Meta ID")
        tt = b.campaign(s, tiktok, name="TT Launch")
        mc = b.campaign(s, meta, name="Meta Launch")
        keys = [f"campaign:{tt.id}", f"campaign:{mc.id}", "channel:influencer_fees"]
    at = app_test(timeout=90)
    at.run()
    at.switch_page("pages/budgets/budgets.py").run()
    assert not at.exception, at.exception
    at.text_input(key="budgets_mix_name").input("Launch, all channels")
    at.multiselect(key="budgets_mix_members").set_value(keys)
    at.text_input(key="budgets_mix_currency").input("IDR").run()
    at.text_input(key="budgets_mix_amount").input("25000000")
    at.text_input(key="budgets_mix_reason").input("launch plan").run()
    at.button(key="budgets_mix_submit").click().run()
    assert not at.exception, at.exception
    with session_scope(migrated_url) as s:
        plan = s.scalar(select(BudgetPlan).where(BudgetPlan.scope_type == "mix"))
        assert (plan.name, plan.members, plan.amount, plan.currency) == (
            "Launch, all channels",
            sorted(keys),
            D(25000000),
            "IDR",
        )
