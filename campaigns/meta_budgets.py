"""Meta's budget rules in one place: which budget a campaign spends against (the campaign's own under CBO,
else the sum of its ACTIVE ad sets'), which states stop spend, and what a budget implies for a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select

from campaigns.models import AdSet, Campaign
from db.calendar import Period

ACTIVE = "ACTIVE"
# Campaign states (configured or effective) that stop accruing spend.
STOPPED_STATES = frozenset({"PAUSED", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "ARCHIVED", "DELETED", "DISAPPROVED"})
ZERO = Decimal(0)
# A campaign without a status (imported from a file with no status column: TikTok, Google Ads, LinkedIn reports, an
# Ads Manager export without Delivery) is taken as running when it spent on at least one of this many completed
# days before its account's today (a day's figures may still be missing from the latest file), else as stopped.
UNKNOWN_STATUS_SPEND_DAYS = 2


@dataclass(frozen=True)
class MetaBudget:
    """The budget Meta spends against: the campaign's (CBO) or the sum of its active ad sets' (ABO)."""

    level: str  # "campaign" | "adset" | "none"
    daily: Decimal | None = None
    lifetime: Decimal | None = None

    @property
    def kind(self) -> str | None:
        if self.daily:
            return "daily"
        if self.lifetime:
            return "lifetime"
        return None

    @property
    def export_level(self) -> str:
        """`budget_level` in exports: `campaign` (CBO) or `adset` (the ad sets hold the budget)."""
        return "campaign" if self.level == "campaign" else "adset"


def is_active(status: str | None) -> bool:
    """A configured status that spends (Meta's codes, compared case-insensitively)."""
    return (status or "").upper() == ACTIVE


def effective_budget(
    campaign_daily: Decimal | None,
    campaign_lifetime: Decimal | None,
    ad_sets: Iterable[tuple[str | None, Decimal | None, Decimal | None]] = (),
) -> MetaBudget:
    """CBO reads the campaign; otherwise the budgets of its ACTIVE ad sets `(status, daily, lifetime)` add up."""
    if campaign_daily or campaign_lifetime:
        return _budget(campaign_daily, campaign_lifetime, None, None)
    daily = lifetime = ZERO
    for status, ad_daily, ad_lifetime in ad_sets:
        if not is_active(status):
            continue
        daily += ad_daily or ZERO
        lifetime += ad_lifetime or ZERO
    return _budget(None, None, daily, lifetime)


def campaign_budget(
    campaign_daily: Decimal | None,
    campaign_lifetime: Decimal | None,
    adset_sums: tuple[Decimal | None, Decimal | None] | None,
) -> MetaBudget:
    """The budget of a campaign from its own columns and its active ad sets' sums (`active_adset_budget_columns`)."""
    return _budget(campaign_daily, campaign_lifetime, *(adset_sums or (None, None)))


NO_BUDGET = MetaBudget("none")  # shared: MetaBudget is frozen


def _budget(
    campaign_daily: Decimal | None,
    campaign_lifetime: Decimal | None,
    adset_daily: Decimal | None,
    adset_lifetime: Decimal | None,
) -> MetaBudget:
    """The rule both of the above apply: the campaign's own budget when it has one (CBO), else its active ad sets'
    sums (ABO), else none; a zero amount is no budget."""
    if campaign_daily or campaign_lifetime:
        return MetaBudget("campaign", campaign_daily or None, campaign_lifetime or None)
    if adset_daily or adset_lifetime:
        return MetaBudget("adset", adset_daily or None, adset_lifetime or None)
    return NO_BUDGET


def active_adset_budget_columns() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """`daily` and `lifetime`, the sums of a campaign's ACTIVE ad sets' budgets, as correlated subqueries for a
    select from `Campaign`: NULL for a campaign with a budget of its own (CBO), whose ad sets `campaign_budget`
    ignores, so the ad sets are read (by index) only for the campaigns that need them (ABO); on SQLite about a
    quarter cheaper than joining every campaign's ad-set sums, the same on PostgreSQL (bench/pages_bench.py)."""
    own = or_(func.coalesce(Campaign.daily_budget, 0) != 0, func.coalesce(Campaign.lifetime_budget, 0) != 0)
    active = func.upper(AdSet.status) == ACTIVE

    def total(column: Any) -> ColumnElement[Any]:
        summed = select(func.sum(column)).where(AdSet.campaign_id == Campaign.id, active).scalar_subquery()
        return case((own, None), else_=summed)

    return total(AdSet.daily_budget), total(AdSet.lifetime_budget)


def status_known(status: str | None) -> bool:
    """Whether a campaign has a status at all (None or blank: imported from a file without one)."""
    return bool((status or "").strip())


def is_accruing(
    status: str | None,
    effective: str | None,
    run_end: dt.date | None,
    today: dt.date,
    spent_lately: bool = False,
) -> bool:
    """Whether a campaign still spends: not stopped by an effective state, not past its end, and ACTIVE; a
    campaign with no status (`status_known`) instead when it spent lately (`spent_lately`: spend on one of the
    UNKNOWN_STATUS_SPEND_DAYS completed days before `today`, see `spent_lately_window`)."""
    if not (is_active(status) if status_known(status) else spent_lately):
        return False
    if (effective or "").upper() in STOPPED_STATES:
        return False
    return run_end is None or run_end >= today


def spent_lately_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days (first, last) whose spend makes a campaign with no status count as running (`is_accruing`)."""
    return today - dt.timedelta(days=UNKNOWN_STATUS_SPEND_DAYS), today - dt.timedelta(days=1)


def budget_for_period(
    budget: MetaBudget, period: Period, run_start: dt.date | None, run_end: dt.date | None
) -> Decimal | None:
    """What Meta would spend in the period at most on average: daily x scheduled days, or the
    lifetime budget's share of the period (by scheduled days when the schedule is known)."""
    if budget.daily:
        return budget.daily * period.overlap_days(run_start, run_end)
    if budget.lifetime:
        if run_start and run_end and run_end >= run_start:
            schedule = (run_end - run_start).days + 1
            return budget.lifetime * period.overlap_days(run_start, run_end) / schedule
        return budget.lifetime
    return None
