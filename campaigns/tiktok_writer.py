"""Writes one TikTok advertiser window inside the caller's transaction: the advertiser as an ad account, campaigns
and ad groups (stored as ad sets) with their budgets (TikTok sends major units) and statuses, daily report rows as
driver-level upserts on (object, date), and the rows TikTok no longer reports inside the window removed.

Statuses are written in the vocabulary the budget rules read (campaigns.meta_budgets): `ACTIVE` (TikTok's
operation status ENABLE), `PAUSED` (DISABLE) or `DELETED` (a `*_DELETE` secondary status); TikTok's own
secondary status is kept as the effective status. Conversion metrics are kept as raw action lists named after
their report metric (campaigns.conversions), so a changed definition needs no re-read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns import tiktok_settings as ts
from campaigns.conversion_definitions import EventResolver
from campaigns.conversions import conversion_events
from campaigns.insight_store import InsightUpsert, assign_changed, drop_unreported
from campaigns.meta_writer import ADSET_COLUMNS, CAMPAIGN_COLUMNS
from campaigns.models import SOURCE_TIKTOK_API, AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight
from campaigns.platforms import PLATFORM_TIKTOK

ACTIVE, PAUSED, DELETED = "ACTIVE", "PAUSED", "DELETED"
_ZERO = Decimal(0)
# (count metric, value metric or None) of every conversion event, in a fixed order.
_CONVERSION_METRICS = tuple(dict.fromkeys(ts.CONVERSION_METRICS.values()))
_VALUE_METRIC = dict(_CONVERSION_METRICS)


def status_of(item: dict[str, Any]) -> str:
    """A TikTok campaign's or ad group's status in the words the budget rules read."""
    if item.get("deleted"):
        return DELETED
    return ACTIVE if item.get("operation_status") == ts.OPERATION_ENABLE else PAUSED


def utc_time(value: Any) -> dt.datetime | None:
    """TikTok's "2026-01-01 00:00:00" (UTC+0, as TikTok documents schedule and create times) or epoch seconds."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def raw_actions(row: dict[str, Any]) -> tuple[list[dict[str, str]] | None, list[dict[str, str]] | None]:
    """(actions, action values) of a report row: one entry per conversion metric with something in it.

    Zeros and TikTok's "-" (not applicable) are left out, as Meta leaves out actions that did not happen: they
    count for nothing under any definition, and most rows have most events at zero.
    """
    actions = [
        {"action_type": count_metric, "value": str(row[count_metric])}
        for count_metric, _value in _CONVERSION_METRICS
        if row.get(count_metric)
    ]
    values = [
        {"action_type": count_metric, "value": str(row[value_metric])}
        for count_metric, value_metric in _CONVERSION_METRICS
        if value_metric and row.get(value_metric)
    ]
    return actions or None, values or None


def metric_plan(events: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """(count metric, value metric) of each event, so a row's conversions are read straight from its metrics.

    TikTok events have one report metric each (campaigns.conversions), so this counts exactly what
    `count_conversions` counts on the stored raw lists; tests compare the two.
    """
    known = conversion_events(PLATFORM_TIKTOK)
    plan = []
    for event in events:
        metric = known.get(event, (event,))[0]
        if metric in _VALUE_METRIC:
            plan.append((metric, _VALUE_METRIC[metric]))
    return tuple(plan)


def _clip(value: Any, length: int) -> str | None:
    return None if value is None else str(value)[:length]


def upsert_advertiser(session: Session, info: dict[str, Any]) -> AdAccount:
    """Insert or update a TikTok advertiser (`TikTokClient.advertiser_info` item) as an ad account."""
    advertiser = str(info["advertiser_id"])
    account = session.scalar(
        select(AdAccount).where(AdAccount.platform == PLATFORM_TIKTOK, AdAccount.account_id == advertiser)
    )
    values = {
        "name": info.get("name") or f"TikTok {advertiser}",
        "currency": info["currency"],
        # Report days are the advertiser's calendar days; an unknown zone falls back to UTC (recorded per run).
        "timezone_name": info.get("timezone") or "UTC",
        "business_name": _clip(info.get("company"), 300),
        "source": SOURCE_TIKTOK_API,
    }
    if account is None:
        account = AdAccount(platform=PLATFORM_TIKTOK, account_id=advertiser, **values)
        session.add(account)
    else:
        assign_changed(account, values)
    session.flush()
    return account


class AdvertiserWriter:
    """Writes one advertiser window inside the caller's transaction."""

    def __init__(self, session: Session, account: AdAccount, stamp: dt.datetime) -> None:
        self.session = session
        self.account = account
        self.stamp = stamp
        self.currency = account.currency
        campaigns = session.scalars(select(Campaign).where(Campaign.account_id == account.id))
        self.campaigns: dict[str, Campaign] = {c.meta_id: c for c in campaigns if c.meta_id}
        self.ad_groups: dict[str, AdSet] = {
            a.meta_id: a
            for a in session.scalars(select(AdSet).join(Campaign).where(Campaign.account_id == account.id))
            if a.meta_id
        }
        self.resolver = EventResolver(session, account)
        self.objects = 0
        self.rows = 0
        self._schedules: dict[str, list[tuple[dt.datetime | None, dt.datetime | None, bool]]] = {}
        self._plans: dict[str, tuple[tuple[str, str | None], ...]] = {}  # campaign id -> its events' metrics
        self._objects: dict[tuple[str, str], tuple[int, str]] = {}  # (level, id) -> (primary key, campaign id)
        self._stores: dict[str, InsightUpsert] = {}

    # -- entities -----------------------------------------------------------------------------------

    def campaign_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Campaigns as `TikTokClient.campaigns` yields them (deleted ones included)."""
        for row in rows:
            self.objects += 1
            values = {
                "name": row.get("name") or row["campaign_id"],
                "status": status_of(row),
                "effective_status": _clip(row.get("secondary_status"), 40),
                "objective": _clip(row.get("objective_type"), 60),
                "currency": self.currency,
                "daily_budget": row.get("daily_budget"),
                "lifetime_budget": row.get("lifetime_budget"),
                "created_time": utc_time(row.get("create_time")),
                "updated_time": utc_time(row.get("modify_time")),
                "source": SOURCE_TIKTOK_API,
                "last_synced_at": self.stamp,
            }
            campaign = self.campaigns.get(row["campaign_id"])
            if campaign is None:
                campaign = Campaign(
                    account_id=self.account.id, platform=PLATFORM_TIKTOK, meta_id=row["campaign_id"], **values
                )
                self.session.add(campaign)
                self.campaigns[row["campaign_id"]] = campaign
            else:
                assign_changed(campaign, values)
        self.session.flush()

    def ad_group_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Ad groups as `TikTokClient.ad_groups` yields them; their schedules become their campaign's."""
        for row in rows:
            self.objects += 1
            campaign = self._campaign(row["campaign_id"], None)
            start, end = utc_time(row.get("schedule_start_time")), utc_time(row.get("schedule_end_time"))
            values = {
                "campaign_id": campaign.id,
                "name": row.get("name") or row["adgroup_id"],
                "status": status_of(row),
                "effective_status": _clip(row.get("secondary_status"), 40),
                "optimization_goal": _clip(row.get("optimization_goal"), 60),
                "billing_event": _clip(row.get("billing_event"), 40),
                "bid_strategy": _clip(row.get("bid_type"), 60),
                "currency": self.currency,
                "daily_budget": row.get("daily_budget"),
                "lifetime_budget": row.get("lifetime_budget"),
                "start_time": start,
                "end_time": end,
                "source": SOURCE_TIKTOK_API,
                "last_synced_at": self.stamp,
            }
            ad_group = self.ad_groups.get(row["adgroup_id"])
            if ad_group is None:
                ad_group = AdSet(platform=PLATFORM_TIKTOK, meta_id=row["adgroup_id"], **values)
                self.session.add(ad_group)
                self.ad_groups[row["adgroup_id"]] = ad_group
            else:
                assign_changed(ad_group, values)
            self._schedules.setdefault(row["campaign_id"], []).append((start, end, bool(row.get("deleted"))))
        self.session.flush()
        self._campaign_schedules()

    def _campaign_schedules(self) -> None:
        """A TikTok campaign has no schedule of its own: it runs from its first ad group's start to its last
        one's end (open-ended while any live ad group has no end)."""
        for campaign_id, schedules in self._schedules.items():
            campaign = self.campaigns[campaign_id]
            live = [s for s in schedules if not s[2]] or schedules
            starts = [s[0] for s in live if s[0] is not None]
            ends = [s[1] for s in live if s[1] is not None]  # shorter than `live` when one is open-ended
            assign_changed(
                campaign,
                {
                    "start_time": min(starts) if starts else None,
                    "stop_time": max(ends) if ends and len(ends) == len(live) else None,
                },
            )
        self.session.flush()

    def _campaign(self, campaign_id: str, name: str | None) -> Campaign:
        """A known campaign, or a placeholder for one TikTok reports figures for but did not list."""
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            campaign = Campaign(
                account_id=self.account.id,
                platform=PLATFORM_TIKTOK,
                meta_id=campaign_id,
                name=name or campaign_id,
                currency=self.currency,
                source=SOURCE_TIKTOK_API,
                last_synced_at=self.stamp,
            )
            self.session.add(campaign)
            self.session.flush()
            self.campaigns[campaign_id] = campaign
            self.objects += 1
        return campaign

    def _ad_group(self, row: dict[str, Any]) -> AdSet:
        ad_group = self.ad_groups.get(row["adgroup_id"])
        if ad_group is None:
            campaign = self._campaign(str(row.get("campaign_id") or row["adgroup_id"]), row.get("campaign_name"))
            ad_group = AdSet(
                campaign_id=campaign.id,
                platform=PLATFORM_TIKTOK,
                meta_id=row["adgroup_id"],
                name=row.get("adgroup_name") or row["adgroup_id"],
                currency=self.currency,
                source=SOURCE_TIKTOK_API,
                last_synced_at=self.stamp,
            )
            self.session.add(ad_group)
            self.session.flush()
            self.ad_groups[row["adgroup_id"]] = ad_group
            self.objects += 1
        return ad_group

    # -- daily rows ---------------------------------------------------------------------------------

    def _object(self, level: str, row: dict[str, Any]) -> tuple[int, str]:
        """(primary key, campaign id) of a report row's campaign or ad group (created when not listed)."""
        if level == ts.LEVEL_CAMPAIGN:
            campaign_id = row["campaign_id"]
            pk = self._campaign(campaign_id, row.get("campaign_name")).id
        else:
            ad_group = self._ad_group(row)
            pk = ad_group.id
            campaign_id = row.get("campaign_id") or next(
                k for k, c in self.campaigns.items() if c.id == ad_group.campaign_id
            )
        if campaign_id not in self._plans:
            events = self.resolver.events(self._campaign(campaign_id, row.get("campaign_name")))
            self._plans[campaign_id] = metric_plan(events)
        found = self._objects[(level, row[ts.REPORT_ID_DIMENSION[level]])] = (pk, campaign_id)
        return found

    def _upsert(self, level: str) -> InsightUpsert:
        store = self._stores.get(level)
        if store is None:
            if level == ts.LEVEL_CAMPAIGN:
                store = InsightUpsert(self.session, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS)
            else:
                store = InsightUpsert(self.session, AdSetInsight, ("ad_set_id", "date"), ADSET_COLUMNS)
            self._stores[level] = store
        return store

    def report_rows(self, level: str, rows: list[dict[str, Any]]) -> None:
        """Upsert report rows of one level (`TikTokClient.daily_report` items) as tuples in the store's order."""
        out = []
        campaign_level = level == ts.LEVEL_CAMPAIGN
        id_key = ts.REPORT_ID_DIMENSION[level]
        currency, source, stamp = self.currency, SOURCE_TIKTOK_API, self.stamp
        objects, plans = self._objects, self._plans
        for row in rows:
            found = objects.get((level, row[id_key]))
            object_pk, campaign_id = found if found is not None else self._object(level, row)
            conversions = value = _ZERO
            for count_metric, value_metric in plans[campaign_id]:
                conversions += row.get(count_metric) or 0
                if value_metric:
                    value += row.get(value_metric) or _ZERO
            actions, action_values = raw_actions(row)
            values = (
                object_pk,
                row["date"],
                currency,
                row.get("spend") or _ZERO,
                row.get("impressions") or 0,
                row.get("clicks") or 0,
                None,  # TikTok's clicks are clicks to the destination; there is no separate link-click count
                actions,
                action_values,
                conversions,
                value,
                source,
                stamp,
            )
            out.append((*values, row.get("reach")) if campaign_level else values)
        self.rows += self._upsert(level).write(out)

    def drop_unreported(self, since: dt.date, until: dt.date) -> int:
        """Delete TikTok rows inside the window that this (successful) read no longer returned."""
        return drop_unreported(self.session, self.account.id, SOURCE_TIKTOK_API, since, until, self.stamp)
