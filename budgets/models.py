"""Budget tables: plans per scope and period, and proposed changes with their approval.

A plan's scope is a campaign, a program, a channel, an ad account (`scope_key` such as "campaign:12") or a named
mix of campaigns, programs and channels across platforms ("mix:<name>", its `members` listing their keys);
amounts are major units in the plan's currency. Table names are unchanged from when these lived in
`campaigns.models`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, Versioned
from db.types import JSONData, Money, UTCDateTime, utcnow

# Budget plan scopes.
SCOPE_CAMPAIGN = "campaign"
SCOPE_PROGRAM = "program"
SCOPE_CHANNEL = "channel"
SCOPE_ACCOUNT = "account"
SCOPE_MIX = "mix"  # a named plan over several campaigns, programs and channels (`members`)


class BudgetPlan(Versioned, Timestamps, Base):
    """Planned spend for one scope (campaign, program, channel or account) over one period."""

    __tablename__ = "budget_plan"
    __table_args__ = (
        UniqueConstraint("scope_key", "period_start", "period_end"),
        Index("ix_budget_plan_period", "period_start", "period_end"),
        Index("ix_budget_plan_campaign_id", "campaign_id"),
        Index("ix_budget_plan_program_id", "program_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope_type: Mapped[str] = mapped_column(String(20))
    # "campaign:12", "program:3", "channel:meta_ads", "account:4": one key makes the upsert natural.
    scope_key: Mapped[str] = mapped_column(String(80))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("ad_account.id", ondelete="CASCADE"))
    channel: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))  # mixed plans only
    members: Mapped[list[str] | None] = mapped_column(JSONData)  # mixed plans: "campaign:12", "channel:tiktok_ads"
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # inclusive
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(320))


class BudgetChange(Versioned, Timestamps, Base):
    """A proposed change to a budget plan (or a Meta budget), and its approval."""

    __tablename__ = "budget_change"
    __table_args__ = (
        Index("ix_budget_change_status", "status"),
        Index("ix_budget_change_campaign_id", "campaign_id"),
        Index("ix_budget_change_budget_plan_id", "budget_plan_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_plan_id: Mapped[int | None] = mapped_column(ForeignKey("budget_plan.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    # What changes: "plan" (the plan amount), "meta_daily_budget" or "meta_lifetime_budget".
    target: Mapped[str] = mapped_column(String(30), default="plan")
    old_amount: Mapped[Decimal | None] = mapped_column(Money)
    new_amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed approved rejected
    proposed_by: Mapped[str] = mapped_column(String(320))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    push_to_meta: Mapped[bool] = mapped_column(Boolean, default=False)
    meta_push_status: Mapped[str | None] = mapped_column(String(20))  # pushed failed
    meta_push_result: Mapped[str | None] = mapped_column(Text)
