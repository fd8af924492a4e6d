"""Conversion definitions: which events count for a campaign (campaign override -> account -> objective).

Changing a definition recomputes the stored daily rows from their raw `actions` / `action_values`:
no re-sync needed. Rows imported from Ads Manager files keep the conversions the file reported
(their raw lists hold only the file's result indicator).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.conversions import count_conversions, default_events
from campaigns.meta_settings import CONVERSION_EVENTS
from campaigns.models import (
    SOURCE_ADS_MANAGER_CSV,
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    ConversionDefinition,
)
from db import audit
from db.roles import Actor, require


class DefinitionError(ValueError):
    """A conversion definition that cannot be saved (unknown event, no target)."""


class EventResolver:
    """The events in force for each campaign of one account (loaded once per sync)."""

    def __init__(self, session: Session, account: AdAccount) -> None:
        self.account_events: tuple[str, ...] | None = None
        self.campaign_events: dict[int, tuple[str, ...]] = {}
        rows = session.scalars(
            select(ConversionDefinition).where(
                (ConversionDefinition.account_id == account.id)
                | ConversionDefinition.campaign_id.in_(select(Campaign.id).where(Campaign.account_id == account.id))
            )
        )
        for row in rows:
            if row.campaign_id is not None:
                self.campaign_events[row.campaign_id] = tuple(row.events or ())
            else:
                self.account_events = tuple(row.events or ())

    def events(self, campaign: Campaign) -> tuple[str, ...]:
        if campaign.id in self.campaign_events:
            return self.campaign_events[campaign.id]
        if self.account_events is not None:
            return self.account_events
        return default_events(campaign.objective)

    def count(self, campaign: Campaign, actions: Any, action_values: Any) -> tuple[Decimal, Decimal]:
        return count_conversions(actions, action_values, self.events(campaign))


def events_for(session: Session, campaign: Campaign) -> tuple[tuple[str, ...], str]:
    """(events, where they come from: "campaign", "account" or "objective") for one campaign."""
    resolver = EventResolver(session, campaign.account)
    if campaign.id in resolver.campaign_events:
        return resolver.campaign_events[campaign.id], "campaign"
    if resolver.account_events is not None:
        return resolver.account_events, "account"
    return default_events(campaign.objective), "objective"


def set_conversion_definition(
    session: Session,
    actor: Actor,
    events: Sequence[str] | None,
    *,
    account_id: int | None = None,
    campaign_id: int | None = None,
) -> int:
    """Set (or with `events=None` remove) the account default or a campaign override; returns rows recomputed."""
    require(actor, "campaign.edit")
    if (account_id is None) == (campaign_id is None):
        raise DefinitionError("Choose either an ad account (default) or a campaign (override).")
    unknown = [e for e in events or () if e not in CONVERSION_EVENTS]
    if unknown:
        raise DefinitionError(
            f"Unknown conversion event(s): {', '.join(unknown)}. Known events: {', '.join(CONVERSION_EVENTS)}."
        )
    if campaign_id is not None:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise DefinitionError(f"No campaign with id {campaign_id}.")
        account = campaign.account
        where = ConversionDefinition.campaign_id == campaign_id
    else:
        account = session.get(AdAccount, account_id)
        if account is None:
            raise DefinitionError(f"No ad account with id {account_id}.")
        where = (ConversionDefinition.account_id == account_id) & ConversionDefinition.campaign_id.is_(None)
    row = session.scalar(select(ConversionDefinition).where(where))
    before = audit.snapshot(row) if row is not None else None
    if events is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = ConversionDefinition(
            account_id=None if campaign_id else account_id,
            campaign_id=campaign_id,
            events=list(events),
            updated_by=actor.email,
        )
        session.add(row)
    else:
        row.events = list(events)
        row.updated_by = actor.email
    session.flush()
    target = f"campaign {campaign_id}" if campaign_id else f"account {account.name}"
    after = audit.snapshot(row) if events is not None and row is not None else None
    changed = recompute_conversions(session, account, [campaign_id] if campaign_id else None)
    audit.record(
        session,
        actor,
        "conversion_definition",
        "conversion_definition",
        row.id if row is not None else None,
        before=before,
        after=after,
        summary=f"Conversions for {target}: {', '.join(events) if events else 'default'}; {changed} rows recomputed",
    )
    return changed


def recompute_conversions(session: Session, account: AdAccount, campaign_ids: Sequence[int] | None = None) -> int:
    """Recompute conversions and value of stored Meta rows from raw actions; returns rows changed."""
    resolver = EventResolver(session, account)
    query = select(Campaign).where(Campaign.account_id == account.id)
    if campaign_ids:
        query = query.where(Campaign.id.in_(campaign_ids))
    changed = 0
    for campaign in session.scalars(query).all():
        events = resolver.events(campaign)
        insights = session.scalars(
            select(CampaignInsight).where(
                CampaignInsight.campaign_id == campaign.id, CampaignInsight.source != SOURCE_ADS_MANAGER_CSV
            )
        )
        adset_insights = session.scalars(
            select(AdSetInsight)
            .join(AdSet, AdSet.id == AdSetInsight.ad_set_id)
            .where(AdSet.campaign_id == campaign.id, AdSetInsight.source != SOURCE_ADS_MANAGER_CSV)
        )
        for row in [*insights, *adset_insights]:
            conversions, value = count_conversions(row.actions, row.action_values, events)
            if row.conversions != conversions or row.conversion_value != value:
                row.conversions, row.conversion_value = conversions, value
                changed += 1
    session.flush()
    return changed
