"""Influencer tables: contacts, social handles, tags, interactions, programs, collaborations,
stage history, the follower counts a collaboration was contracted on, deliverables, payments and their refunds, and
the shop's sales by promo code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned
from db.types import Money, UTCDateTime, percent, utcnow

PLATFORMS = ("instagram", "tiktok", "youtube", "facebook", "x", "linkedin", "twitch", "other")
INFLUENCER_STATUSES = ("active", "do_not_contact")
STAGES = (
    "prospect",
    "contacted",
    "negotiating",
    "contracted",
    "content_in_review",
    "live",
    "completed",
    "declined",
)
# Collaborations whose fee is committed: contracted or any later stage, never declined.
CONTRACTED_STAGES = tuple(s for s in STAGES[STAGES.index("contracted") :] if s != "declined")
FEE_TYPES = ("flat", "per_deliverable", "commission", "product_only")
DELIVERABLE_TYPES = ("post", "reel", "story", "video", "short", "live")
DELIVERABLE_STATUSES = ("planned", "draft_submitted", "approved", "published")
PAYMENT_STATUSES = ("pending", "approved", "paid", "cancelled")
PROGRAM_STATUSES = ("planned", "active", "completed", "cancelled")
INTERACTION_CHANNELS = ("email", "dm", "whatsapp", "call", "meeting", "other")
# The shops a program's promo code sales come from (PromoSale.shop; labels in influencers.labels.SHOP_LABELS)
SHOPS = ("shopee", "tokopedia", "tiktok_shop", "lazada", "blibli", "shopify", "woocommerce", "website", "other")


class Influencer(Versioned, Timestamps, Base):
    """A creator in the CRM."""

    __tablename__ = "influencer"
    __table_args__ = (
        Index("ix_influencer_name", "name"),
        # directory filters (migration 0002_crm)
        Index("ix_influencer_country", "country"),
        Index("ix_influencer_status", "status"),
        Index("ix_influencer_merged_into_id", "merged_into_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)  # normalised, lowercase
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    city: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    agency_name: Mapped[str | None] = mapped_column(String(200))
    agency_contact: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default="active")
    owner: Mapped[str | None] = mapped_column(String(320))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("influencer.id", ondelete="SET NULL"))

    handles: Mapped[list[SocialHandle]] = relationship(back_populates="influencer", cascade="all, delete-orphan")
    labels: Mapped[list[InfluencerLabel]] = relationship(cascade="all, delete-orphan")


class InfluencerLabel(Base):
    """A niche or a tag on an influencer (a row each, so filters stay indexed SQL)."""

    __tablename__ = "influencer_label"
    __table_args__ = (
        UniqueConstraint("influencer_id", "kind", "value"),
        Index("ix_influencer_label_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    influencer_id: Mapped[int] = mapped_column(ForeignKey("influencer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # niche | tag
    value: Mapped[str] = mapped_column(String(80))


class SocialHandle(Timestamps, Base):
    """A handle on one platform, normalised (lowercase, no @) and unique per platform."""

    __tablename__ = "social_handle"
    __table_args__ = (
        UniqueConstraint("platform", "handle"),
        Index("ix_social_handle_influencer", "influencer_id"),
        Index("ix_social_handle_followers", "followers"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    influencer_id: Mapped[int] = mapped_column(ForeignKey("influencer.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(200))
    profile_url: Mapped[str | None] = mapped_column(String(500))
    followers: Mapped[int | None] = mapped_column(BigInteger)
    engagement_rate: Mapped[Decimal | None] = mapped_column(percent(8))  # 3.5 = 3.5 %
    avg_views: Mapped[int | None] = mapped_column(BigInteger)
    metrics_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    influencer: Mapped[Influencer] = relationship(back_populates="handles")


class Interaction(Timestamps, Base):
    """A touch point with an influencer (email, DM, call, ...)."""

    __tablename__ = "interaction"
    __table_args__ = (Index("ix_interaction_influencer_at", "influencer_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    influencer_id: Mapped[int] = mapped_column(ForeignKey("influencer.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    channel: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    by_user: Mapped[str | None] = mapped_column(String(320))


class Program(Versioned, Timestamps, Base):
    """An influencer program: a brief, dates and a budget."""

    __tablename__ = "program"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    brand: Mapped[str | None] = mapped_column(String(200))
    objective: Mapped[str | None] = mapped_column(String(60))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    owner: Mapped[str | None] = mapped_column(String(320))
    brief: Mapped[str | None] = mapped_column(Text)
    promo_code_prefix: Mapped[str | None] = mapped_column(String(40))
    landing_url: Mapped[str | None] = mapped_column(String(500))
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="planned")

    collaborations: Mapped[list[Collaboration]] = relationship(back_populates="program")


class ProgramCampaign(Base):
    """A Meta campaign linked to a program (boosted or allowlisted creator content)."""

    __tablename__ = "program_campaign"
    __table_args__ = (UniqueConstraint("program_id", "campaign_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    collaboration_id: Mapped[int | None] = mapped_column(ForeignKey("collaboration.id", ondelete="SET NULL"))


class Collaboration(Versioned, Timestamps, Base):
    """An influencer in a program: stage, fee terms, promo code and tracking link."""

    __tablename__ = "collaboration"
    __table_args__ = (
        UniqueConstraint("program_id", "influencer_id"),
        Index("ix_collaboration_stage", "stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    influencer_id: Mapped[int] = mapped_column(ForeignKey("influencer.id", ondelete="RESTRICT"), index=True)
    stage: Mapped[str] = mapped_column(String(30), default="prospect")
    stage_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    stage_changed_by: Mapped[str | None] = mapped_column(String(320))
    fee_type: Mapped[str] = mapped_column(String(20), default="flat")
    fee: Mapped[Decimal | None] = mapped_column(Money)
    commission_rate: Mapped[Decimal | None] = mapped_column(percent(7))  # 12.5 = 12.5 %
    product_value: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    start_date: Mapped[dt.date | None] = mapped_column(Date)  # flight dates (fee recognition)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    promo_code: Mapped[str | None] = mapped_column(String(60))
    tracking_url: Mapped[str | None] = mapped_column(String(1000))
    notes: Mapped[str | None] = mapped_column(Text)

    program: Mapped[Program] = relationship(back_populates="collaborations")
    influencer: Mapped[Influencer] = relationship()
    deliverables: Mapped[list[Deliverable]] = relationship(back_populates="collaboration")
    payments: Mapped[list[Payment]] = relationship(back_populates="collaboration")


class StageChange(Base):
    """A collaboration's move from one stage to another: who and when."""

    __tablename__ = "stage_change"
    __table_args__ = (Index("ix_stage_change_collaboration", "collaboration_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user: Mapped[str | None] = mapped_column(String(320))


class CollaborationReach(Base):
    """The creator's follower count on one platform when the collaboration first entered a contracted stage (the
    reach its fee was priced on; the largest count when the creator has several handles there), recorded by
    `influencers.reach.record_contract_reach` and never updated: fee benchmarks tier the deal by it."""

    __tablename__ = "collaboration_reach"
    __table_args__ = (UniqueConstraint("collaboration_id", "platform", name="uq_collaboration_reach_platform"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    followers: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Deliverable(Versioned, Timestamps, Base):
    """A piece of content a creator owes, and its results once published."""

    __tablename__ = "deliverable"
    __table_args__ = (Index("ix_deliverable_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_post_date: Mapped[dt.date | None] = mapped_column(Date)  # when it should go live (content calendar)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    url: Mapped[str | None] = mapped_column(String(1000))
    published_date: Mapped[dt.date | None] = mapped_column(Date)
    fee: Mapped[Decimal | None] = mapped_column(Money)  # per-deliverable fee, in the collaboration currency
    reach: Mapped[int | None] = mapped_column(BigInteger)
    impressions: Mapped[int | None] = mapped_column(BigInteger)
    views: Mapped[int | None] = mapped_column(BigInteger)
    likes: Mapped[int | None] = mapped_column(BigInteger)
    comments: Mapped[int | None] = mapped_column(BigInteger)
    shares: Mapped[int | None] = mapped_column(BigInteger)
    saves: Mapped[int | None] = mapped_column(BigInteger)
    clicks: Mapped[int | None] = mapped_column(BigInteger)
    conversions: Mapped[int | None] = mapped_column(BigInteger)
    revenue: Mapped[Decimal | None] = mapped_column(Money)
    results_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    collaboration: Mapped[Collaboration] = relationship(back_populates="deliverables")


class Payment(Versioned, Timestamps, Base):
    """A payment to a creator: pending -> approved (manager) -> paid (finance)."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_status_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    approved_by: Mapped[str | None] = mapped_column(String(320))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    paid_date: Mapped[dt.date | None] = mapped_column(Date)
    paid_by: Mapped[str | None] = mapped_column(String(320))
    invoice_number: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    collaboration: Mapped[Collaboration] = relationship(back_populates="payments")
    refunds: Mapped[list[PaymentRefund]] = relationship(back_populates="payment", order_by="PaymentRefund.id")


class PaymentRefund(Timestamps, Base):
    """Money a creator returned on a paid payment (a cancelled job, a payment made twice), in the payment's
    currency, on its own date. Never edited: a refund recorded by mistake is undone by nobody but the database
    admin, and the payment itself stays as it was paid."""

    __tablename__ = "payment_refund"
    __table_args__ = (Index("ix_payment_refund_date", "refund_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)  # more than zero; the export writes it negative
    currency: Mapped[str] = mapped_column(String(3))  # the payment's
    refund_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str | None] = mapped_column(String(320))

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class PromoSale(Base):
    """The shop's sales under a collaboration's promo code over one day or period (a month, or the dates a file
    covers), as imported from a shop's report (`influencers.promo_sales`): orders and net sales (gross sales less
    discounts and returns) in the collaboration's currency, from one shop (`SHOPS`). Replaced whole by a later
    import of the same shop and period; other shops' sales of the period stay and add up."""

    __tablename__ = "promo_sale"
    __table_args__ = (
        UniqueConstraint("collaboration_id", "shop", "period_start", name="uq_promo_sale_collaboration_shop_period"),
        Index("ix_promo_sale_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaboration.id", ondelete="CASCADE"), index=True)
    shop: Mapped[str] = mapped_column(String(20))  # a code of SHOPS: the shop the file came from
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # the same day for a day's sales
    code: Mapped[str] = mapped_column(String(60))  # as the file wrote it
    orders: Mapped[int] = mapped_column(BigInteger)
    revenue: Mapped[Decimal] = mapped_column(Money)  # net sales; negative when returns exceed the period's sales
    currency: Mapped[str] = mapped_column(String(3))  # the collaboration's
    source_file: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(320))

    collaboration: Mapped[Collaboration] = relationship()


__all__ = [
    "Collaboration",
    "CollaborationReach",
    "Deliverable",
    "Influencer",
    "InfluencerLabel",
    "Interaction",
    "Payment",
    "PaymentRefund",
    "Program",
    "ProgramCampaign",
    "PromoSale",
    "SocialHandle",
    "StageChange",
]
