"""The marketing ledger: per month, channel and campaign or program, planned / committed / actual / paid.

Channels: the ad platforms' `meta_ads`, `tiktok_ads`, `google_ads` and `linkedin_ads` (per campaign, by the
campaign's platform: `budgets.plans.ad_channel`), `influencer_fees` and `product_seeding` (per program).
- planned: BudgetPlan amounts (campaign, program and channel scopes), prorated by day to each month
  (`budgets.plans.prorate`, the one proration rule);
- committed: ad spend is committed once spent (= actual); influencer fees and product value are committed,
  recognised and paid as `influencers.fees` defines them (the Budgets page reads the same amounts);
- actual: ad spend from daily campaign insights, each day rounded to the currency as campaign-daily writes it;
  influencer fees and product value recognised under the `fee_recognition` setting;
- paid: payments with status `paid`, in the month of their paid date, less refunds in the month of their refund
  date (`influencers.fees`: a closed month keeps its figures, a later refund lowers the later month).
Plans are aggregated in SQL, ad spend is read per campaign and day (one row each); fee amounts come from
`influencers.fees.fee_amounts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgets.models import BudgetPlan
from budgets.plans import CHANNEL_PLATFORMS, CHANNELS, ad_channel, prorate
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import month_segments, month_start
from db.money import quantize
from influencers import fees
from influencers.models import Program

ZERO = Decimal(0)


@dataclass
class LedgerLine:
    """One ledger row. Amounts are in `currency` (None = not applicable to the channel)."""

    month: dt.date
    channel: str
    item_type: str  # campaign | program | channel
    item_id: str
    item_name: str
    currency: str
    planned: Decimal | None = None
    committed: Decimal | None = None
    actual: Decimal = ZERO
    paid: Decimal | None = None
    # Actual amounts by day (each converted and rounded on its own) and the newest day seen (provisional flag).
    actual_days: dict[dt.date, Decimal] = field(default_factory=dict)
    last_day: dt.date | None = None
    timezone_name: str | None = None
    platform: str | None = None  # the ad platform of campaign lines and ad-channel plans (None: creators)

    def add(self, attr: str, amount: Decimal) -> None:
        setattr(self, attr, (getattr(self, attr) or ZERO) + amount)


def build_ledger(
    session: Session,
    since: dt.date,
    until: dt.date,
    *,
    recognition: str | None = None,
) -> list[LedgerLine]:
    """Ledger lines for every month touching since..until (amounts only from days inside the range)."""
    if since > until:
        raise ValueError(f"The period starts ({since}) after it ends ({until})")
    recognition = fees.check_recognition(recognition) if recognition else fees.fee_recognition(session)
    lines: dict[tuple, LedgerLine] = {}

    def line(month: dt.date, channel: str, item_type: str, item_id: object, name: str, currency: str) -> LedgerLine:
        key = (month, channel, item_type, str(item_id), currency)
        found = lines.get(key)
        if found is None:
            found = LedgerLine(month, channel, item_type, str(item_id), name, currency)
            lines[key] = found
        return found

    # Ad spend: actual spend per campaign and month, the sum of each day rounded to the currency as the
    # campaign-daily export writes it (so the ledger, campaign-monthly and campaign-daily agree to the unit).
    daily = (
        select(Campaign.id, Campaign.name, Campaign.meta_id, CampaignInsight.currency, AdAccount.timezone_name)
        .add_columns(CampaignInsight.date, CampaignInsight.spend, Campaign.platform)
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(since, until))
    )
    for cid, name, meta_id, currency, tz, day, spend, platform in session.execute(daily):
        entry = line(month_start(day), ad_channel(platform), "campaign", meta_id or cid, name, currency)
        entry.platform = platform
        amount = quantize(spend, currency)
        entry.add("actual", amount)
        entry.actual_days[day] = entry.actual_days.get(day, ZERO) + amount
        if entry.last_day is None or day > entry.last_day:
            entry.last_day = day
        entry.timezone_name = tz
    for entry in lines.values():
        entry.committed = entry.actual

    # Plans overlapping the range, prorated by day into each month.
    plans = session.execute(
        select(BudgetPlan, Campaign.name, Campaign.meta_id, Program.name, Campaign.platform)
        .outerjoin(Campaign, Campaign.id == BudgetPlan.campaign_id)
        .outerjoin(Program, Program.id == BudgetPlan.program_id)
        .where(BudgetPlan.period_start <= until, BudgetPlan.period_end >= since)
        .order_by(BudgetPlan.id)
    )
    for plan, campaign_name, meta_id, program_name, platform in plans:
        for a, b in month_segments(max(since, plan.period_start), min(until, plan.period_end)):
            share = prorate(plan, a, b)
            month = month_start(a)
            if plan.scope_type == "campaign" and plan.campaign_id:
                channel = ad_channel(platform)
                target = line(month, channel, "campaign", meta_id or plan.campaign_id, campaign_name, plan.currency)
                target.platform = platform
            elif plan.scope_type == "program" and plan.program_id:
                target = line(month, "influencer_fees", "program", plan.program_id, program_name, plan.currency)
            elif plan.scope_type == "channel" and plan.channel in CHANNELS:
                target = line(month, plan.channel, "channel", plan.channel, "(channel budget)", plan.currency)
                target.platform = CHANNEL_PLATFORMS.get(plan.channel)
            else:
                continue
            target.add("planned", share)

    # Influencer fees and product value: committed, recognised and paid, as influencers.fees defines them.
    for item in fees.fee_amounts(session, since, until, recognition=recognition):
        entry = line(month_start(item.day), item.channel, "program", item.program_id, item.program_name, item.currency)
        if item.kind == fees.COMMITTED:
            entry.add("committed", item.amount)
        elif item.kind == fees.RECOGNISED:
            entry.add("actual", item.amount)
            entry.actual_days[item.day] = entry.actual_days.get(item.day, ZERO) + item.amount
        else:
            entry.add("paid", item.amount)

    order = {c: i for i, c in enumerate(CHANNELS)}
    return sorted(
        lines.values(), key=lambda x: (x.month, order.get(x.channel, 9), x.item_name or "", x.item_id, x.currency)
    )
