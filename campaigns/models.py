"""Paid-ads tables for every ad platform (`platform`: meta, tiktok, google, linkedin; see campaigns/platforms.py):
ad accounts, campaigns, ad sets, ads, daily insights, conversion definitions, sync runs, and the account-level and
finer-than-campaign rows of imported Ads Manager files.

Money columns are major units (Decimal) with the currency beside them; Meta's minor units are
converted on the way in. Dates of insights are calendar days in the ad account's time zone.
TikTok's and Google's ad groups are stored as ad sets; `meta_id` holds the platform's own object id
(the column kept its first name).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from campaigns.account_names import name_key
from campaigns.platform_reports import SOURCE_GOOGLE_ADS_FILE, SOURCE_LINKEDIN_FILE, SOURCE_TIKTOK_FILE
from campaigns.platforms import DEFAULT_PLATFORM, platform_check
from db.base import Base, Timestamps, Versioned
from db.types import JSONData, Money, Quantity, UTCDateTime, utcnow

# Where a row came from; shown next to every figure.
SOURCE_META_API = "meta_api"
SOURCE_TIKTOK_API = "tiktok_api"  # also the SyncRun kind of a TikTok sync
SOURCE_ADS_MANAGER_CSV = "ads_manager_csv"
SOURCE_MANUAL = "manual"
SOURCE_DEMO = "demo"
# The campaign that carries an account's account-level rows (spend an export does not attribute to a campaign).
SOURCE_ACCOUNT_LEVEL = "account_level"
# Accounts created from a file import: their names are unique per platform (AdAccount.name_key).
FILE_ACCOUNT_SOURCES = frozenset(
    {SOURCE_ADS_MANAGER_CSV, SOURCE_TIKTOK_FILE, SOURCE_GOOGLE_ADS_FILE, SOURCE_LINKEDIN_FILE}
)


def _platform_column() -> Mapped[str]:
    """The platform code; rows from before the column existed (and Meta's writers) get `meta`."""
    return mapped_column(String(20), default=DEFAULT_PLATFORM, server_default=DEFAULT_PLATFORM)


class AdAccount(Versioned, Timestamps, Base):
    """An ad account on one platform (a Meta `act_<id>`, a TikTok advertiser, a Google Ads customer ...),
    with its currency and time zone; its id is unique per platform.

    An account created from a file (`FILE_ACCOUNT_SOURCES`) carries `name_key` (campaigns/account_names.py), kept
    here whenever its name or source is set; the database refuses a second such account of the platform with the
    same key, so two imports at once cannot create two accounts of one name. Accounts from the platforms' APIs
    (and the demo's) have no key: a platform may have two accounts of one name, and the sync stores what it reads.
    """

    __tablename__ = "ad_account"
    __table_args__ = (
        UniqueConstraint("platform", "account_id"),
        Index("uq_ad_account_platform_name_key", "platform", "name_key", unique=True),
        CheckConstraint(platform_check(), name="platform"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = _platform_column()
    account_id: Mapped[str] = mapped_column(String(40))  # the platform's id (Meta: digits, without "act_")
    name: Mapped[str] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    timezone_name: Mapped[str] = mapped_column(String(64), default="UTC")
    account_status: Mapped[int | None] = mapped_column(Integer)
    business_name: Mapped[str | None] = mapped_column(String(300))
    amount_spent: Mapped[Decimal | None] = mapped_column(Money)
    spend_cap: Mapped[Decimal | None] = mapped_column(Money)
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_META_API)
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    name_key: Mapped[str | None] = mapped_column(String(64))

    campaigns: Mapped[list[Campaign]] = relationship(back_populates="account")

    @validates("name", "source")
    def _keep_name_key(self, field: str, value: str | None) -> str | None:
        name = value if field == "name" else self.name
        source = value if field == "source" else self.source
        self.name_key = name_key(name) if name is not None and source in FILE_ACCOUNT_SOURCES else None
        return value


class Campaign(Versioned, Timestamps, Base):
    """A campaign; deleted and archived ones are kept (their past spend is still spend)."""

    __tablename__ = "campaign"
    __table_args__ = (
        # Per account, and an account belongs to one platform: the key is per platform too.
        UniqueConstraint("account_id", "meta_id"),
        Index("ix_campaign_account_name", "account_id", "name"),
        Index("ix_campaign_platform", "platform"),
        CheckConstraint(platform_check(), name="platform"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = _platform_column()  # always its account's platform
    account_id: Mapped[int] = mapped_column(ForeignKey("ad_account.id", ondelete="CASCADE"))
    meta_id: Mapped[str | None] = mapped_column(String(40))  # None for campaigns only known by name
    name: Mapped[str] = mapped_column(String(400))
    status: Mapped[str | None] = mapped_column(String(20))  # configured: ACTIVE PAUSED ARCHIVED DELETED
    effective_status: Mapped[str | None] = mapped_column(String(40))
    objective: Mapped[str | None] = mapped_column(String(60))
    buying_type: Mapped[str | None] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    daily_budget: Mapped[Decimal | None] = mapped_column(Money)  # set when the campaign owns the budget (CBO)
    lifetime_budget: Mapped[Decimal | None] = mapped_column(Money)
    budget_remaining: Mapped[Decimal | None] = mapped_column(Money)
    spend_cap: Mapped[Decimal | None] = mapped_column(Money)
    start_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    stop_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_META_API)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[AdAccount] = relationship(back_populates="campaigns")
    ad_sets: Mapped[list[AdSet]] = relationship(back_populates="campaign")


class AdSet(Versioned, Timestamps, Base):
    """An ad set (a TikTok or Google ad group); holds the budget when the campaign does not (ABO)."""

    __tablename__ = "ad_set"
    __table_args__ = (
        UniqueConstraint("campaign_id", "meta_id"),
        CheckConstraint(platform_check(), name="platform"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = _platform_column()  # always its campaign's platform
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    meta_id: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(400))
    status: Mapped[str | None] = mapped_column(String(20))
    effective_status: Mapped[str | None] = mapped_column(String(40))
    optimization_goal: Mapped[str | None] = mapped_column(String(60))
    billing_event: Mapped[str | None] = mapped_column(String(40))
    bid_strategy: Mapped[str | None] = mapped_column(String(60))
    currency: Mapped[str] = mapped_column(String(3))
    daily_budget: Mapped[Decimal | None] = mapped_column(Money)
    lifetime_budget: Mapped[Decimal | None] = mapped_column(Money)
    budget_remaining: Mapped[Decimal | None] = mapped_column(Money)
    start_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    end_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_META_API)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    campaign: Mapped[Campaign] = relationship(back_populates="ad_sets")


@event.listens_for(Session, "before_flush")
def _platform_from_the_parent(session: Session, flush_context: Any, instances: Any) -> None:
    """A new campaign without a platform gets its account's, a new ad set its campaign's (one query per flush),
    so no writer can file a TikTok campaign under Meta by forgetting the column."""
    campaigns = [o for o in session.new if isinstance(o, Campaign) and o.platform is None]
    ad_sets = [o for o in session.new if isinstance(o, AdSet) and o.platform is None]
    if not campaigns and not ad_sets:
        return
    with session.no_autoflush:
        account_ids = {c.account_id for c in campaigns if c.account_id is not None}
        query = select(AdAccount.id, AdAccount.platform).where(AdAccount.id.in_(account_ids))
        accounts = dict(list(session.execute(query))) if account_ids else {}
        for campaign in campaigns:
            parent = campaign.__dict__.get("account")
            campaign.platform = (
                parent.platform if parent is not None and parent.platform else accounts.get(campaign.account_id)
            ) or DEFAULT_PLATFORM
        campaign_ids = {a.campaign_id for a in ad_sets if a.campaign_id is not None}
        query = select(Campaign.id, Campaign.platform).where(Campaign.id.in_(campaign_ids))
        parents = dict(list(session.execute(query))) if campaign_ids else {}
        for ad_set in ad_sets:
            parent = ad_set.__dict__.get("campaign")
            ad_set.platform = (
                parent.platform if parent is not None and parent.platform else parents.get(ad_set.campaign_id)
            ) or DEFAULT_PLATFORM


class Ad(Timestamps, Base):
    """An ad (optional detail; budgets and insights live on campaigns and ad sets)."""

    __tablename__ = "ad"
    __table_args__ = (UniqueConstraint("ad_set_id", "meta_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ad_set_id: Mapped[int] = mapped_column(ForeignKey("ad_set.id", ondelete="CASCADE"), index=True)
    meta_id: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(400))
    status: Mapped[str | None] = mapped_column(String(20))
    effective_status: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_META_API)


class _DailyMetrics:
    """Columns every daily insight row carries (raw action lists kept for re-definition)."""

    date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int | None] = mapped_column(BigInteger)
    actions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    action_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    # Derived from the raw lists with the conversion definition in force; recomputed when it changes.
    conversions: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_META_API)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CampaignInsight(_DailyMetrics, Base):
    """One campaign's figures for one day in the account's time zone."""

    __tablename__ = "campaign_insight"
    __table_args__ = (
        UniqueConstraint("campaign_id", "date"),
        # Cover the pacing and daily-spend aggregations (index-only scans): by date range, with the
        # daily chart's GROUP BY date, currency in index order, and by campaign (migration 0005).
        Index("ix_campaign_insight_date_cover", "date", "currency", "campaign_id", "spend"),
        Index("ix_campaign_insight_campaign_spend", "campaign_id", "date", "spend"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    reach: Mapped[int | None] = mapped_column(BigInteger)  # per day and campaign only: never summed


class AdSetInsight(_DailyMetrics, Base):
    """One ad set's figures for one day in the account's time zone."""

    __tablename__ = "ad_set_insight"
    __table_args__ = (
        UniqueConstraint("ad_set_id", "date"),
        Index("ix_ad_set_insight_date", "date"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ad_set_id: Mapped[int] = mapped_column(ForeignKey("ad_set.id", ondelete="CASCADE"))


class ConversionDefinition(Versioned, Timestamps, Base):
    """Which events count as conversions: per account (default) or per campaign (override).

    `events` lists event names such as "purchase", "lead", "app_install"; the overlapping Meta
    action types of each event and their precedence live in the settings module.
    """

    __tablename__ = "conversion_definition"
    __table_args__ = (UniqueConstraint("account_id", "campaign_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("ad_account.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    events: Mapped[list[str]] = mapped_column(JSONData)
    updated_by: Mapped[str | None] = mapped_column(String(320))


class SyncRun(Base):
    """One sync or import run: what window, how it went, how many requests and rows."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("ad_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))  # meta_api tiktok_api ads_manager_csv demo
    window_since: Mapped[dt.date | None] = mapped_column(Date)
    window_until: Mapped[dt.date | None] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="running")  # running success failed
    requests: Mapped[int] = mapped_column(Integer, default=0)
    objects: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    triggered_by: Mapped[str | None] = mapped_column(String(320))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONData)


class CampaignPeriodInsight(Base):
    """A campaign's totals over a whole reporting period, from an Ads Manager export without a daily
    breakdown. Kept apart from daily rows: spreading totals over days would invent figures."""

    __tablename__ = "campaign_period_insight"
    __table_args__ = (UniqueConstraint("campaign_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # inclusive
    currency: Mapped[str] = mapped_column(String(3))
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int | None] = mapped_column(BigInteger)
    reach: Mapped[int | None] = mapped_column(BigInteger)
    actions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    action_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    conversions: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_ADS_MANAGER_CSV)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AccountInsight(Base):
    """An ad account's figures for one day from an account-level Ads Manager export (no campaign column).

    Kept as the file gave them. They count in totals only for account-days without any campaign rows: the
    precedence lives in `campaigns.adsmanager_accounts.settle_account_days`, which mirrors them onto the
    account's "not by campaign" campaign so every total, pacing figure and ledger line reads one table.
    """

    __tablename__ = "account_insight"
    __table_args__ = (UniqueConstraint("account_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ad_account.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int | None] = mapped_column(BigInteger)
    reach: Mapped[int | None] = mapped_column(BigInteger)
    actions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    action_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    conversions: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_ADS_MANAGER_CSV)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InsightDetail(Base):
    """One row of an Ads Manager export finer than a campaign-day, as the file gave it: an ad set or ad row, or
    a breakdown row (age, gender, region, placement, platform...) of any level.

    Their sums per campaign-day are what `CampaignInsight` holds for that day; the rows themselves are kept so a
    page can show the breakdown. `row_key` (a hash of level, object identity, breakdown and period) is unique per
    account: importing an overlapping file replaces rows instead of adding them.
    """

    __tablename__ = "insight_detail"
    __table_args__ = (
        UniqueConstraint("account_id", "row_key", name="uq_insight_detail_row"),
        Index("ix_insight_detail_campaign", "campaign_id", "period_start"),
        Index("ix_insight_detail_set", "account_id", "set_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ad_account.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    ad_set_id: Mapped[int | None] = mapped_column(ForeignKey("ad_set.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(10))  # account campaign adset ad
    row_key: Mapped[str] = mapped_column(String(64))
    set_key: Mapped[str] = mapped_column(String(64))  # rows one file replaces together: object, breakdown, period
    object_name: Mapped[str | None] = mapped_column(String(400))
    object_meta_id: Mapped[str | None] = mapped_column(String(40))
    parent_name: Mapped[str | None] = mapped_column(String(400))  # the ad set of an ad row
    breakdown: Mapped[str] = mapped_column(String(200), default="")  # "age,gender"; "" for none
    breakdown_value: Mapped[str] = mapped_column(String(400), default="")  # "18-24 | female"
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # inclusive; equal to period_start for a daily row
    currency: Mapped[str] = mapped_column(String(3))
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int | None] = mapped_column(BigInteger)
    reach: Mapped[int | None] = mapped_column(BigInteger)
    actions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    action_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONData)
    conversions: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_ADS_MANAGER_CSV)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
