"""Reconciliation: spend summed from daily campaign insights against Meta's account-level spend, per month.

The Meta side is a callable `account_spend(account_id, since, until) -> Decimal` (account_id is the digits,
without "act_"): one account-level insights call per account and month, wired by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import month_end, month_start
from db.money import precision, quantize
from finance.periods import provisional_since

AccountSpend = Callable[[str, dt.date, dt.date], Decimal]


@dataclass
class Reconciliation:
    """One account and month: our sum, Meta's figure, the difference and what may explain it."""

    account_id: str
    account_name: str
    currency: str
    since: dt.date
    until: dt.date
    insights_spend: Decimal
    meta_spend: Decimal | None
    status: str  # match | difference | error
    explanations: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        return None if self.meta_spend is None else self.meta_spend - self.insights_spend


def reconcile_month(
    session: Session,
    month: dt.date,
    account_spend: AccountSpend,
    *,
    account_ids: list[str] | None = None,
    now: dt.datetime | None = None,
) -> list[Reconciliation]:
    """Compare each (synced) account's insight spend for `month` with Meta's account-level spend."""
    now = now or dt.datetime.now(dt.UTC)
    first, last = month_start(month), month_end(month)
    stmt = select(AdAccount).order_by(AdAccount.account_id)
    if account_ids:
        stmt = stmt.where(AdAccount.account_id.in_([a.removeprefix("act_") for a in account_ids]))
    out: list[Reconciliation] = []
    for account in session.scalars(stmt):
        row = session.execute(
            select(
                func.coalesce(func.sum(CampaignInsight.spend), 0),
                func.count(func.distinct(CampaignInsight.date)),
                func.min(CampaignInsight.date),
                func.max(CampaignInsight.date),
            )
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .where(Campaign.account_id == account.id, CampaignInsight.date.between(first, last))
        ).one()
        ours = quantize(Decimal(row[0]), account.currency)
        days, min_day, max_day = row[1], row[2], row[3]
        item = Reconciliation(account.account_id, account.name, account.currency, first, last, ours, None, "error")
        try:
            theirs = quantize(Decimal(account_spend(account.account_id, first, last)), account.currency)
        except Exception as exc:  # the adapter's error, shown per account
            item.explanations.append(f"Meta's account spend could not be read: {exc}")
            out.append(item)
            continue
        item.meta_spend = theirs
        tolerance = Decimal(1).scaleb(-precision(account.currency))
        if abs(theirs - ours) <= tolerance:
            item.status = "match"
            out.append(item)
            continue
        item.status = "difference"
        item.explanations.extend(_explain(session, account, first, last, days, min_day, max_day, theirs - ours, now))
        out.append(item)
    return out


def _explain(
    session: Session,
    account: AdAccount,
    first: dt.date,
    last: dt.date,
    days: int,
    min_day: dt.date | None,
    max_day: dt.date | None,
    diff: Decimal,
    now: dt.datetime,
) -> list[str]:
    notes: list[str] = []
    expected_last = min(last, provisional_since(account.timezone_name, now) + dt.timedelta(days=27))
    expected_days = (expected_last - first).days + 1
    if days < expected_days:
        notes.append(
            f"Daily insights cover {days} of {expected_days} days ({min_day or '-'}..{max_day or '-'}): "
            "sync the missing days."
        )
    tz = account.timezone_name or "UTC"
    sources = set(
        session.scalars(
            select(CampaignInsight.source)
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .where(Campaign.account_id == account.id, CampaignInsight.date.between(first, last))
            .distinct()
        )
    )
    if sources - {"meta_api", "demo"}:
        notes.append(
            f"Time zone: some rows come from {', '.join(sorted(sources - {'meta_api', 'demo'}))}; Ads Manager "
            f"files may be cut in another time zone than the account's ({tz})."
        )
    else:
        notes.append(f"Time zone: both figures should be days in the account's time zone ({tz}).")
    if diff > 0:
        deleted = session.scalar(
            select(func.count(Campaign.id)).where(
                Campaign.account_id == account.id, Campaign.status.in_(("DELETED", "ARCHIVED"))
            )
        )
        notes.append(
            f"Deleted objects: Meta's account total includes deleted and archived campaigns ({deleted} known here); "
            "a sync that skipped them misses their spend."
        )
    if last >= provisional_since(account.timezone_name, now):
        notes.append(
            "Restatement: the month is inside Meta's 28-day restatement window; re-sync to pick up restated figures."
        )
    elif account.last_synced_at is not None:
        notes.append(f"Restatement: the account was last synced {account.last_synced_at:%Y-%m-%d %H:%M} UTC.")
    return notes
