"""Conversion definitions: which events count for a campaign (campaign override -> account -> objective),
among the events of the campaign's platform (campaigns.conversions).

Changing a definition recomputes the stored daily rows from their raw `actions` / `action_values`:
no re-sync needed. Rows imported from Ads Manager files keep the conversions the file reported
(their raw lists hold only the file's result indicator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from campaigns.conversions import conversion_events, count_conversions, default_events
from campaigns.models import (
    SOURCE_ADS_MANAGER_CSV,
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    ConversionDefinition,
)
from campaigns.platforms import DEFAULT_PLATFORM
from db import audit
from db.errors import N_, DomainError
from db.roles import Actor, require
from db.types import utcnow
from db.versioning import check_version


class DefinitionError(DomainError):
    """A conversion definition that cannot be saved (unknown event, no target)."""


class EventResolver:
    """The events in force for each campaign of one account (loaded once per sync)."""

    def __init__(self, session: Session, account: AdAccount) -> None:
        self.platform = account.platform or DEFAULT_PLATFORM
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
        return default_events(campaign.objective, self.platform)

    def count(self, campaign: Campaign, actions: Any, action_values: Any) -> tuple[Decimal, Decimal]:
        return count_conversions(actions, action_values, self.events(campaign), self.platform)


def events_for(session: Session, campaign: Campaign) -> tuple[tuple[str, ...], str]:
    """(events, where they come from: "campaign", "account" or "objective") for one campaign."""
    resolver = EventResolver(session, campaign.account)
    if campaign.id in resolver.campaign_events:
        return resolver.campaign_events[campaign.id], "campaign"
    if resolver.account_events is not None:
        return resolver.account_events, "account"
    return default_events(campaign.objective, resolver.platform), "objective"


def set_conversion_definition(
    session: Session,
    actor: Actor,
    events: Sequence[str] | None,
    *,
    account_id: int | None = None,
    campaign_id: int | None = None,
    progress: Progress | None = None,
    version_id: int | None = None,
) -> int:
    """Set (or with `events=None` remove) the account default or a campaign override; returns rows recomputed.

    `progress(done, total)` is called after each campaign's rows are recomputed (for a progress bar).
    `version_id` is the version of the definition the form showed: a definition saved since is a ConflictError.
    """
    require(actor, "campaign.edit")
    if (account_id is None) == (campaign_id is None):
        raise DefinitionError(N_("Choose either an ad account (default) or a campaign (override)."))
    if events is not None:
        events = list(dict.fromkeys(events))  # the same event twice would be counted twice
    account: AdAccount | None
    if campaign_id is not None:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise DefinitionError(N_("No campaign with id {id}."), id=campaign_id)
        account = campaign.account
        where = ConversionDefinition.campaign_id == campaign_id
    else:
        account = session.get(AdAccount, account_id)
        if account is None:
            raise DefinitionError(N_("No ad account with id {id}."), id=account_id)
        where = (ConversionDefinition.account_id == account_id) & ConversionDefinition.campaign_id.is_(None)
    known = conversion_events(account.platform)
    unknown = [e for e in events or () if e not in known]
    if unknown:
        raise DefinitionError(
            N_("Unknown conversion event(s) for {platform}: {events}. Known events: {known}."),
            platform=account.platform,
            events=", ".join(unknown),
            known=", ".join(known),
        )
    row = session.scalar(select(ConversionDefinition).where(where))
    if row is not None:
        check_version("conversion definition", row, version_id)
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
        row.updated_at = utcnow()  # a save is a write: the version moves on even when the events are the same
    session.flush()
    target = f"campaign {campaign_id}" if campaign_id else f"account {account.name}"
    after = audit.snapshot(row) if events is not None and row is not None else None
    changed = recompute_conversions(session, account, [campaign_id] if campaign_id else None, progress)
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


Progress = Callable[[int, int], None]  # (campaigns done, campaigns in all)


def recompute_conversions(
    session: Session,
    account: AdAccount,
    campaign_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute conversions and value of stored Meta rows from raw actions; returns rows changed.

    Rows are read as plain tuples (no ORM objects) and only changed rows are written back, in
    batches by primary key; `synced_at` is kept (a recompute is not a sync).
    """
    resolver = EventResolver(session, account)
    query = select(Campaign).where(Campaign.account_id == account.id).order_by(Campaign.id)
    if campaign_ids:
        query = query.where(Campaign.id.in_(campaign_ids))
    campaigns = session.scalars(query).all()
    changed = 0
    for done, campaign in enumerate(campaigns, start=1):
        events = resolver.events(campaign)
        platform = resolver.platform
        for model, rows in (
            (
                CampaignInsight,
                select(
                    CampaignInsight.id,
                    CampaignInsight.actions,
                    CampaignInsight.action_values,
                    CampaignInsight.conversions,
                    CampaignInsight.conversion_value,
                ).where(CampaignInsight.campaign_id == campaign.id, CampaignInsight.source != SOURCE_ADS_MANAGER_CSV),
            ),
            (
                AdSetInsight,
                select(
                    AdSetInsight.id,
                    AdSetInsight.actions,
                    AdSetInsight.action_values,
                    AdSetInsight.conversions,
                    AdSetInsight.conversion_value,
                )
                .join(AdSet, AdSet.id == AdSetInsight.ad_set_id)
                .where(AdSet.campaign_id == campaign.id, AdSetInsight.source != SOURCE_ADS_MANAGER_CSV),
            ),
        ):
            updates = []
            for pk, actions, action_values, old_count, old_value in session.execute(rows):
                conversions, value = count_conversions(actions, action_values, events, platform)
                if old_count != conversions or old_value != value:
                    updates.append({"row_id": pk, "new_conversions": conversions, "new_value": value})
            table = cast(Table, model.__table__)
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(
                    conversions=bindparam("new_conversions"),
                    conversion_value=bindparam("new_value"),
                    synced_at=table.c.synced_at,  # not a sync: keep the column's on-update stamp away
                )
            )
            for start in range(0, len(updates), 1000):
                session.execute(statement, updates[start : start + 1000])
            changed += len(updates)
        if progress is not None:
            progress(done, len(campaigns))
    for obj in list(session.identity_map.values()):  # rows loaded earlier must not keep the old figures
        if isinstance(obj, (CampaignInsight, AdSetInsight)):
            session.expire(obj, ["conversions", "conversion_value"])
    return changed


@dataclass
class DefinitionRow:
    """One campaign of an account and the conversion events in force for it."""

    campaign_id: int
    name: str
    objective: str | None
    status: str | None
    events: tuple[str, ...]
    origin: str  # "campaign", "account" or "objective"
    override: tuple[str, ...] | None
    updated_by: str | None
    updated_at: dt.datetime | None
    # Imported from an Ads Manager file: its file rows keep the file's Results column (the recompute skips them).
    from_file: bool = False


@dataclass
class AccountDefinitions:
    """An ad account's default definition and every campaign's definition in force (for the editor)."""

    account_id: int
    name: str
    currency: str
    events: tuple[str, ...] | None  # the account default; None: each campaign follows its objective
    updated_by: str | None
    updated_at: dt.datetime | None
    campaigns: list[DefinitionRow] = field(default_factory=list)
    platform: str = DEFAULT_PLATFORM  # whose events apply (campaigns.conversions.conversion_events)


def account_definitions(session: Session, account_id: int) -> AccountDefinitions:
    """The account default, the campaign overrides and what is in force for each campaign."""
    account = session.get(AdAccount, account_id)
    if account is None:
        raise DefinitionError(N_("No ad account with id {id}."), id=account_id)
    rows = session.scalars(
        select(ConversionDefinition).where(
            (ConversionDefinition.account_id == account.id)
            | ConversionDefinition.campaign_id.in_(select(Campaign.id).where(Campaign.account_id == account.id))
        )
    ).all()
    default = next((r for r in rows if r.campaign_id is None), None)
    overrides = {r.campaign_id: r for r in rows if r.campaign_id is not None}
    result = AccountDefinitions(
        account_id=account.id,
        name=account.name,
        currency=account.currency,
        events=None if default is None else tuple(default.events or ()),
        updated_by=None if default is None else default.updated_by,
        updated_at=None if default is None else default.updated_at,
        platform=account.platform or DEFAULT_PLATFORM,
    )
    campaigns = session.execute(
        select(Campaign.id, Campaign.name, Campaign.objective, Campaign.status, Campaign.source)
        .where(Campaign.account_id == account.id)
        .order_by(Campaign.name, Campaign.id)
    ).all()
    for campaign_id, name, objective, status, source in campaigns:
        own = overrides.get(campaign_id)
        if own is not None:
            events, origin = tuple(own.events or ()), "campaign"
        elif result.events is not None:
            events, origin = result.events, "account"
        else:
            events, origin = default_events(objective, result.platform), "objective"
        result.campaigns.append(
            DefinitionRow(
                campaign_id=campaign_id,
                name=name,
                objective=objective,
                status=status,
                events=events,
                origin=origin,
                override=None if own is None else tuple(own.events or ()),
                updated_by=None if own is None else own.updated_by,
                updated_at=None if own is None else own.updated_at,
                from_file=source == SOURCE_ADS_MANAGER_CSV,
            )
        )
    return result
