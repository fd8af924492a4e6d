"""Read-only campaign queries (aggregated in SQL) for pages and exports; every campaign read carries its platform
and can be narrowed to some platforms (codes from campaigns.platforms; empty means all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight, SyncRun
from campaigns.platforms import PLATFORMS


def workspace_counts(session: Session) -> dict[str, int]:
    """How much data the workspace holds (drives the empty states)."""
    return {
        "accounts": session.scalar(select(func.count(AdAccount.id))) or 0,
        "campaigns": session.scalar(select(func.count(Campaign.id))) or 0,
        "insights": session.scalar(select(func.count(CampaignInsight.id))) or 0,
    }


def platforms_present(session: Session) -> list[str]:
    """The platforms with at least one ad account, in display order."""
    present = set(session.scalars(select(AdAccount.platform).distinct()))
    return [p for p in PLATFORMS if p in present]


def spend_by_currency(session: Session, since: dt.date, until: dt.date, platforms: Sequence[str] = ()) -> pd.DataFrame:
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
    if platforms:
        ids = select(Campaign.id).where(Campaign.platform.in_(list(platforms)))
        stmt = stmt.where(CampaignInsight.campaign_id.in_(ids))
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def spend_by_platform(session: Session, since: dt.date, until: dt.date) -> pd.DataFrame:
    """Spend, conversions and value per platform and currency between two dates (inclusive): the channels side
    by side, each in its own currency (amounts in different currencies are never added here)."""
    stmt = (
        select(
            Campaign.platform,
            CampaignInsight.currency,
            func.count(func.distinct(CampaignInsight.campaign_id)).label("campaigns"),
            func.sum(CampaignInsight.spend).label("spend"),
            func.sum(CampaignInsight.conversions).label("conversions"),
            func.sum(CampaignInsight.conversion_value).label("conversion_value"),
            func.sum(CampaignInsight.impressions).label("impressions"),
            func.sum(CampaignInsight.clicks).label("clicks"),
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .where(CampaignInsight.date.between(since, until))
        .group_by(Campaign.platform, CampaignInsight.currency)
    )
    frame = pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))
    if frame.empty:
        return frame
    order = {p: i for i, p in enumerate(PLATFORMS)}
    frame = frame.sort_values(["platform", "currency"], key=lambda c: c.map(order) if c.name == "platform" else c)
    return frame.reset_index(drop=True)


def campaign_table(session: Session, since: dt.date, until: dt.date, platforms: Sequence[str] = ()) -> pd.DataFrame:
    """One row per campaign with its platform and totals between two dates."""
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
            Campaign.platform,
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
    if platforms:
        stmt = stmt.where(Campaign.platform.in_(list(platforms)))
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def last_sync(session: Session) -> SyncRun | None:
    return session.scalar(select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))


def sync_runs(session: Session, limit: int = 50, kinds: Sequence[str] = ()) -> list[dict]:
    """The newest sync and import runs with their account's name and platform, for the Sync page's history
    (`details` carries the error as a translatable message: campaigns.sync_runs.run_error)."""
    stmt = (
        select(
            SyncRun.started_at,
            SyncRun.kind,
            AdAccount.platform,
            AdAccount.name.label("account"),
            SyncRun.window_since,
            SyncRun.window_until,
            SyncRun.status,
            SyncRun.objects,
            SyncRun.rows,
            SyncRun.requests,
            SyncRun.error,
            SyncRun.details,
        )
        .outerjoin(AdAccount, AdAccount.id == SyncRun.account_id)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(limit)
    )
    if kinds:
        stmt = stmt.where(SyncRun.kind.in_(list(kinds)))
    return [dict(r) for r in session.execute(stmt).mappings()]


def campaign_identities(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Per campaign id: its ad account's name and the platform's own campaign id (None when only known by name),
    what pages need to tell same-named campaigns apart (`pages/components/campaign_names.py`)."""
    if not ids:
        return {}
    stmt = (
        select(Campaign.id, AdAccount.name, Campaign.meta_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(Campaign.id.in_(list(ids)))
    )
    return {int(i): (str(account), meta_id) for i, account, meta_id in session.execute(stmt)}
