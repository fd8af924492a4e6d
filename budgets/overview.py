"""The Budgets overview for a period: every scope paced, totals per currency, and spend by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgets import pacing
from budgets.models import SCOPE_CAMPAIGN, SCOPE_PROGRAM
from budgets.pacing_frame import ScopeFrame, pace_all, statuses
from budgets.plans import plans_for_period
from budgets.scopes import _as_date, _dec, _rows, campaign_scopes, program_inputs, rollup_inputs
from campaigns.models import CampaignInsight
from db.calendar import Period, workspace_today
from db.errors import Message
from db.money import Converter, quantize
from influencers import fees


@dataclass(frozen=True)
class CurrencyTotals:
    """Planned, spent, committed, projected and remaining in one currency."""

    currency: str
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    remaining: Decimal = Decimal(0)
    unplanned_actual: Decimal = Decimal(0)


@dataclass(frozen=True)
class BudgetOverview:
    """Everything the Budgets page shows for one period."""

    period: Period
    today: dt.date  # the workspace's today
    pacings: list[pacing.Pacing]
    totals: list[CurrencyTotals]
    daily: list[dict]  # {date, currency, spend}: ad spend plus influencer payments per day
    notes: list[Message] = field(default_factory=list)


_ADDED_UP = (SCOPE_CAMPAIGN, SCOPE_PROGRAM)  # channel and account plans overlap their members


def totals_by_currency(
    pacings: Iterable[pacing.Pacing], converter: Converter | None = None, reporting_currency: str | None = None
) -> list[CurrencyTotals]:
    """Tiles: campaign and program scopes added up per currency (channel and account plans overlap
    them, so they are left out). With a converter and a reporting currency, one row in that currency."""
    sums: dict[str, list[Decimal]] = {}  # per currency: planned, actual, committed, projected, unplanned actual
    convert, target = (converter, reporting_currency) if converter and reporting_currency else (None, "")
    zero = Decimal(0)
    for p in pacings:
        scope = p.scope
        if scope.scope_type not in _ADDED_UP:
            continue
        cur, planned, actual = scope.currency, scope.planned, scope.actual
        values = [planned or zero, actual, scope.committed, p.projected, actual if planned is None else zero]
        if convert is not None and cur != target:
            converted = [convert(v, cur, target, scope.period.start) for v in values]
            if not any(v is None for v in converted):
                values, cur = [v for v in converted if v is not None], target
        acc = sums.get(cur)
        if acc is None:
            acc = sums[cur] = [zero] * 5
        acc[0] += values[0]
        acc[1] += values[1]
        acc[2] += values[2]
        acc[3] += values[3]
        acc[4] += values[4]
    return [
        CurrencyTotals(
            currency=cur,
            planned=quantize(planned, cur),
            actual=quantize(actual, cur),
            committed=quantize(committed, cur),
            projected=quantize(projected, cur),
            remaining=quantize(planned - actual, cur),
            unplanned_actual=quantize(unplanned, cur),
        )
        for cur, (planned, actual, committed, projected, unplanned) in sorted(sums.items())
    ]


def daily_spend(session: Session, period: Period, until: dt.date, *, recognition: str | None = None) -> list[dict]:
    """Per day and currency: ad spend plus influencer fees recognised (`influencers.fees`, as the program scopes
    count them), from the period start to `until`."""
    end = min(period.end, until)
    if end < period.start:
        return []
    ads = (
        select(CampaignInsight.date, CampaignInsight.currency, func.sum(CampaignInsight.spend))
        .where(CampaignInsight.date >= period.start, CampaignInsight.date <= end)
        .group_by(CampaignInsight.date, CampaignInsight.currency)
    )
    merged: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for day, currency, amount in _rows(session, ads):
        merged[(_as_date(day), currency)] += _dec(amount)
    for item in fees.fee_amounts(session, period.start, end, recognition=recognition):
        if item.kind == fees.RECOGNISED and item.channel == fees.CHANNEL_FEES:
            merged[(item.day, item.currency)] += item.amount
    return [{"date": d, "currency": c, "spend": v} for (d, c), v in sorted(merged.items())]


def budget_overview(
    session: Session,
    period: Period,
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    converter: Converter | None = None,
    reporting_currency: str | None = None,
    recognition: str | None = None,
) -> BudgetOverview:
    """Pacing for every campaign, program, channel and account plan in the period, with totals.

    Campaigns are paced on their ad account's today; programs and the page on the workspace's today."""
    plans = plans_for_period(session, period)
    scopes = campaign_scopes(session, period, plans, now)
    campaigns = scopes.inputs()
    today_here = today or workspace_today(session, now)
    programs, seeding = program_inputs(session, period, plans, today_here, converter, recognition=recognition)
    rollups, notes = rollup_inputs(plans, period, today_here, campaigns, programs, converter, seeding)
    others = [*programs, *rollups]
    # One vectorised pass (budgets/pacing_frame.py) over the campaigns' columns as read and the other scopes'.
    frame = ScopeFrame.concat([scopes.frame, ScopeFrame.of(others)])
    results = pace_all([*campaigns, *others], frame)
    results.sort(key=lambda p: (p.scope.scope_type, p.scope.currency, p.scope.name.lower()))
    return BudgetOverview(
        period=period,
        today=today_here,
        pacings=results,
        totals=totals_by_currency(results, converter, reporting_currency),
        daily=daily_spend(session, period, today_here - dt.timedelta(days=1), recognition=recognition),
        notes=notes,
    )


def campaign_statuses(session: Session, period: Period, now: dt.datetime | None = None) -> dict[int, str]:
    """Each campaign's pacing status for the period (campaigns without plan or spend are absent)."""
    scopes = campaign_scopes(session, period, None, now)  # columns only: no PacingInput or Pacing objects
    return dict(zip(scopes.ids, statuses(scopes.frame), strict=True))
