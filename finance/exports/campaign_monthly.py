"""The `campaign-monthly` export: one row per campaign and month with its planned budget and converted spend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgets.models import BudgetPlan
from budgets.plans import prorate
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import month_segments, month_start
from db.money import plain, quantize
from finance.exports.context import REPORTING, ZERO, ExportContext, ExportSpec, insight_needs, quantity_text, rate_text
from finance.fx import RATE_PLACES
from finance.periods import month_key


def build(ctx: ExportContext) -> Iterator[list[str]]:
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
            func.sum(CampaignInsight.spend),
            func.sum(CampaignInsight.conversions),
            func.sum(CampaignInsight.conversion_value),
            func.max(CampaignInsight.date),
            func.min(CampaignInsight.source),
            func.max(CampaignInsight.source),
            AdAccount.id,
            Campaign.id,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .group_by(mk, AdAccount.account_id, AdAccount.name, Campaign.meta_id, Campaign.name, CampaignInsight.currency)
        .group_by(AdAccount.id, Campaign.id)
        .order_by(mk, AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    rows = s.execute(stmt).all()
    budgets = _campaign_budgets(s, ctx.since, ctx.until)
    by_day: dict[tuple[int, str], list[tuple[dt.date, Decimal]]] = {}
    if ctx.policy == "daily":
        daily = select(
            CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend, CampaignInsight.currency
        ).where(CampaignInsight.date.between(ctx.since, ctx.until))
        for cid, day, spend, day_cur in s.execute(daily):
            # Each day as campaign-daily writes it, so the monthly row adds up from the daily file.
            by_day.setdefault((cid, day.strftime("%Y-%m")), []).append((day, quantize(spend, day_cur)))
    target = ctx.currency
    for month, acct, acct_name, meta_id, name, cur, spend, conv, value, last, src_min, src_max, acct_pk, cid in rows:
        spend = quantize(Decimal(spend or 0), cur)
        first = dt.date.fromisoformat(month + "-01")
        if ctx.policy == "daily" and cur != target:
            total = sum((amt * ctx.book.rate(cur, day).rate for day, amt in by_day.get((cid, month), [])), ZERO)
            converted = quantize(total, target)
            rate = (total / spend).quantize(RATE_PLACES) if spend else ctx.book.rate(cur, last).rate
            rate_date, policy = "daily", "daily"
        else:
            used = ctx.book.rate(cur, first)
            converted = quantize(spend * used.rate, target)
            rate, rate_date, policy = used.rate, used.rate_date, used.policy
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
            plain(value or 0, cur),
            plain(budget, cur) if budget is not None else "",
            target,
            rate_text(rate),
            plain(converted, target),
            rate_date,
            policy,
            ctx.provisional(last, cutoffs.get(acct_pk)),
            src_min if src_min == src_max else "mixed",
        ]


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
            key = (plan.campaign_id, month_start(a))
            out[key] = out.get(key, ZERO) + prorate(plan, a, b)  # type: ignore[index]
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
    ),
    frozenset({"account_id", "account_name", "campaign_id", "campaign_name", "source"}),
    build,
    needs=insight_needs,
    amount_columns=(("spend", "currency"), ("budget", "currency"), ("spend_reporting", "reporting_currency")),
)
