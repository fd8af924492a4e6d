"""The `campaigns` export: every campaign scheduled or spending in the period, its budget level and budgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import and_, exists, or_, select

from campaigns.meta_budgets import active_adset_budget_columns, campaign_budget
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import local_datetime
from db.money import plain
from finance.exports.context import ExportContext, ExportSpec


def _local_iso(value: dt.datetime | None, tz: str | None) -> str:
    local = local_datetime(value, tz)
    return "" if local is None else local.isoformat(timespec="seconds")


def build(ctx: ExportContext) -> Iterator[list[str]]:
    s = ctx.session
    start = dt.datetime.combine(ctx.since, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(days=1)
    end = dt.datetime.combine(ctx.until, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(days=2)
    had_spend = exists().where(
        CampaignInsight.campaign_id == Campaign.id, CampaignInsight.date.between(ctx.since, ctx.until)
    )
    scheduled = and_(
        or_(Campaign.start_time.is_(None), Campaign.start_time < end),
        or_(Campaign.stop_time.is_(None), Campaign.stop_time >= start),
    )
    set_daily, set_lifetime = active_adset_budget_columns()
    stmt = (
        select(Campaign, AdAccount.account_id, AdAccount.name, AdAccount.timezone_name, set_daily, set_lifetime)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(or_(had_spend, scheduled))
        .order_by(AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    for c, acct, acct_name, tz, set_daily, set_lifetime in s.execute(stmt):
        budget = campaign_budget(c.daily_budget, c.lifetime_budget, (set_daily, set_lifetime))
        daily, lifetime = budget.daily, budget.lifetime
        yield [
            acct,
            c.meta_id or f"pantau-{c.id}",
            c.name,
            c.status or "",
            c.objective or "",
            c.currency,
            budget.export_level,
            plain(daily, c.currency) if daily is not None else "",
            plain(lifetime, c.currency) if lifetime is not None else "",
            _local_iso(c.start_time, tz),
            _local_iso(c.stop_time, tz),
            acct_name,
            c.effective_status or "",
            c.source,
            c.platform,
        ]


SPEC = ExportSpec(
    "campaigns",
    "Campaigns and budgets",
    "Every campaign scheduled or spending in the period, with its budget level and budgets (major units).",
    (
        "account_id",
        "campaign_id",
        "campaign_name",
        "status",
        "objective",
        "currency",
        "budget_level",
        "daily_budget",
        "lifetime_budget",
        "start_time",
        "stop_time",
        "account_name",
        "effective_status",
        "source",
        "platform",
    ),
    frozenset(
        {"account_id", "campaign_id", "campaign_name", "status", "objective", "account_name", "source"}
        | {"effective_status", "budget_level", "platform"}
    ),
    build,
    by_month=False,
    amount_columns=(("daily_budget", "currency"), ("lifetime_budget", "currency")),
)
