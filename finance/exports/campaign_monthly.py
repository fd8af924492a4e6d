"""The `campaign-monthly` export: one row per campaign and month with its planned budget and converted spend."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgets.models import BudgetPlan
from budgets.plans import prorate
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import month_segments, month_start
from db.money import plain, quantize
from finance.exports.context import (
    FX_TRAIL,
    REPORTING,
    YIELD_PER,
    ZERO,
    ExportContext,
    ExportSpec,
    convert,
    insight_needs,
    quantity_text,
    rate_text,
    source_of,
)
from finance.fx import round_rate
from finance.periods import month_key


def build(ctx: ExportContext) -> Iterator[list[str]]:
    """Per campaign and month: the sums of what campaign-daily writes for the same rows. Each day's spend and
    conversion value are rounded to the currency as the daily file writes them, each day's spend is converted
    and rounded as its daily row is, and those rounded figures are added: the monthly row equals the sum of its
    daily rows, under every policy."""
    s = ctx.session
    dialect = s.get_bind().dialect.name
    mk = month_key(CampaignInsight.date, dialect)
    cutoffs = ctx.cutoffs()
    stmt = (
        select(
            mk.label("month"),
            AdAccount.account_id,
            AdAccount.name,
            Campaign.meta_id,
            Campaign.name,
            CampaignInsight.currency,
            func.sum(CampaignInsight.conversions),
            func.max(CampaignInsight.date),
            func.min(CampaignInsight.source),
            func.max(CampaignInsight.source),
            AdAccount.id,
            Campaign.id,
            Campaign.platform,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .group_by(mk, AdAccount.account_id, AdAccount.name, Campaign.meta_id, Campaign.name, CampaignInsight.currency)
        .group_by(AdAccount.id, Campaign.id, Campaign.platform)
        .order_by(mk, AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    rows = s.execute(stmt).all()
    budgets = _campaign_budgets(s, ctx.since, ctx.until)
    target = ctx.currency
    sums = _daily_sums(ctx)
    for month, acct, acct_name, meta_id, name, cur, conv, last, src_min, src_max, acct_pk, cid, platform in rows:
        first = dt.date.fromisoformat(month + "-01")
        day_sums = sums[(cid, first.year, first.month, cur)]
        spend = day_sums.spend
        if day_sums.missing:
            rate_cell = rate_date = reporting_cell = fx_source = ""
            policy, fx_missing = ctx.policy, "true"
        elif ctx.policy == "daily" and cur != target:
            # The effective rate (converted / original); without spend, the rate of the newest day.
            rate = round_rate(day_sums.reporting / spend) if spend else ctx.book.rate(cur, last).rate
            rate_date, policy = "daily", "daily"
        else:
            used = ctx.book.rate(cur, first)  # the month's rate (or 1), which every day of the month used
            rate, rate_date, policy = used.rate, used.rate_date, used.policy
        if not day_sums.missing:
            rate_cell, reporting_cell = rate_text(rate), plain(day_sums.reporting, target)
            fx_source, fx_missing = source_of(day_sums.sources), "false"
        budget = budgets.get((cid, first))
        yield [
            month,
            acct,
            acct_name,
            meta_id or f"pantau-{cid}",
            name,
            cur,
            plain(spend, cur),
            quantity_text(conv),
            plain(day_sums.value, cur),
            plain(budget, cur) if budget is not None else "",
            target,
            rate_cell,
            reporting_cell,
            rate_date,
            policy,
            ctx.provisional(last, cutoffs.get(acct_pk)),
            src_min if src_min == src_max else "mixed",
            fx_source,
            fx_missing,
            platform,
        ]


@dataclass
class _DaySums:
    """One campaign, month and currency: the sums of its days as campaign-daily writes them."""

    spend: Decimal = ZERO
    value: Decimal = ZERO
    reporting: Decimal = ZERO
    missing: bool = False
    sources: set[str] = field(default_factory=set)


def _daily_sums(ctx: ExportContext) -> dict[tuple[int, int, int, str], _DaySums]:
    """Rounded daily figures added per (campaign, year, month, currency), converted at each day's rate."""
    target = ctx.currency
    daily = select(
        CampaignInsight.campaign_id,
        CampaignInsight.date,
        CampaignInsight.currency,
        CampaignInsight.spend,
        CampaignInsight.conversion_value,
    ).where(CampaignInsight.date.between(ctx.since, ctx.until))
    sums: dict[tuple[int, int, int, str], _DaySums] = defaultdict(_DaySums)
    for cid, day, cur, spend, value in ctx.session.execute(daily, execution_options={"yield_per": YIELD_PER}):
        entry = sums[(cid, day.year, day.month, cur)]
        spend = quantize(spend, cur)
        entry.spend += spend
        entry.value += quantize(value, cur)
        if entry.missing:
            continue
        used = ctx.rate(cur, day)
        if used is None:
            entry.missing = True
            continue
        entry.reporting += convert(spend, cur, used, target)
        entry.sources.add(used.source)
    return sums


def _campaign_budgets(s: Session, since: dt.date, until: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    """Planned budget per campaign and month (campaign-scope plans, prorated by day)."""
    out: dict[tuple[int, dt.date], Decimal] = {}
    plans = s.scalars(
        select(BudgetPlan).where(
            BudgetPlan.scope_type == "campaign",
            BudgetPlan.campaign_id.is_not(None),
            BudgetPlan.period_start <= until,
            BudgetPlan.period_end >= since,
        )
    )
    for plan in plans:
        for a, b in month_segments(max(since, plan.period_start), min(until, plan.period_end)):
            if plan.campaign_id is None:  # the query keeps campaign plans only
                continue
            key = (plan.campaign_id, month_start(a))
            out[key] = out.get(key, ZERO) + prorate(plan, a, b)
    return out


SPEC = ExportSpec(
    "campaign-monthly",
    "Campaign spend by month",
    "One row per campaign and month with its planned budget and spend in the reporting currency.",
    (
        "month",
        "account_id",
        "account_name",
        "campaign_id",
        "campaign_name",
        "currency",
        "spend",
        "conversions",
        "conversion_value",
        "budget",
        "reporting_currency",
        "fx_rate",
        "spend_reporting",
        *REPORTING,
        "provisional",
        "source",
        *FX_TRAIL,
        "platform",
    ),
    frozenset({"account_id", "account_name", "campaign_id", "campaign_name", "source", "platform"}),
    build,
    needs=insight_needs,
    amount_columns=(("spend", "currency"), ("budget", "currency"), ("spend_reporting", "reporting_currency")),
    date_columns=frozenset({"month", "fx_rate_date"}),
    number_columns=frozenset({"conversions", "fx_rate"}),
    more_money=(("conversion_value", "currency"),),
)
