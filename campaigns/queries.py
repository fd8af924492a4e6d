"""Read-only campaign queries (aggregated in SQL) for pages and exports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight, SyncRun


def workspace_counts(session: Session) -> dict[str, int]:
    """How much data the workspace holds (drives the empty states)."""
    return {
        "accounts": session.scalar(select(func.count(AdAccount.id))) or 0,
        "campaigns": session.scalar(select(func.count(Campaign.id))) or 0,
        "insights": session.scalar(select(func.count(CampaignInsight.id))) or 0,
    }


def spend_by_currency(session: Session, since: dt.date, until: dt.date) -> pd.DataFrame:
    """Spend, conversions and value per currency between two dates (inclusive)."""
    stmt = (
        select(
            CampaignInsight.currency,
            func.sum(CampaignInsight.spend).label("spend"),
            func.sum(CampaignInsight.conversions).label("conversions"),
            func.sum(CampaignInsight.conversion_value).label("conversion_value"),
            func.sum(CampaignInsight.impressions).label("impressions"),
            func.sum(CampaignInsight.clicks).label("clicks"),
        )
        .where(CampaignInsight.date.between(since, until))
        .group_by(CampaignInsight.currency)
        .order_by(CampaignInsight.currency)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def campaign_table(session: Session, since: dt.date, until: dt.date) -> pd.DataFrame:
    """One row per campaign with its totals between two dates."""
    totals = (
        select(
            CampaignInsight.campaign_id,
            func.sum(CampaignInsight.spend).label("spend"),
            func.sum(CampaignInsight.impressions).label("impressions"),
            func.sum(CampaignInsight.clicks).label("clicks"),
            func.sum(CampaignInsight.conversions).label("conversions"),
            func.sum(CampaignInsight.conversion_value).label("conversion_value"),
        )
        .where(CampaignInsight.date.between(since, until))
        .group_by(CampaignInsight.campaign_id)
        .subquery()
    )
    stmt = (
        select(
            Campaign.id,
            AdAccount.name.label("account"),
            Campaign.name,
            Campaign.status,
            Campaign.objective,
            Campaign.currency,
            func.coalesce(totals.c.spend, 0).label("spend"),
            func.coalesce(totals.c.impressions, 0).label("impressions"),
            func.coalesce(totals.c.clicks, 0).label("clicks"),
            func.coalesce(totals.c.conversions, 0).label("conversions"),
            func.coalesce(totals.c.conversion_value, 0).label("conversion_value"),
        )
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .outerjoin(totals, totals.c.campaign_id == Campaign.id)
        .order_by(AdAccount.name, Campaign.name, Campaign.id)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def last_sync(session: Session) -> SyncRun | None:
    return session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))


def sync_runs(session: Session, limit: int = 50) -> list[dict]:
    """The newest sync and import runs with their account name, for the Sync page's history."""
    stmt = (
        select(
            SyncRun.started_at,
            SyncRun.kind,
            AdAccount.name.label("account"),
            SyncRun.window_since,
            SyncRun.window_until,
            SyncRun.status,
            SyncRun.objects,
            SyncRun.rows,
            SyncRun.requests,
            SyncRun.error,
        )
        .outerjoin(AdAccount, AdAccount.id == SyncRun.account_id)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in session.execute(stmt).mappings()]
