"""Writes one Meta account window inside the caller's transaction: accounts, campaigns and ad sets from Graph
fields (budgets from Meta's minor units), daily insight pages as driver-level upserts, and the rows Meta no longer
reports removed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.conversion_definitions import EventResolver
from campaigns.conversions import count_conversions
from campaigns.insight_store import InsightUpsert, assign_changed, drop_unreported
from campaigns.meta_client import minor_to_major
from campaigns.models import SOURCE_META_API, AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight
from campaigns.platforms import PLATFORM_META

# Columns of the daily insight upserts, in the order `AccountWriter.insight_rows` builds its tuples.
_DAILY_COLUMNS = (
    "date",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "link_clicks",
    "actions",
    "action_values",
    "conversions",
    "conversion_value",
    "source",
    "synced_at",
)
CAMPAIGN_COLUMNS = ("campaign_id", *_DAILY_COLUMNS, "reach")
ADSET_COLUMNS = ("ad_set_id", *_DAILY_COLUMNS)


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    text = str(value)
    if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return int(Decimal(str(value)))


def _link_clicks(row: dict[str, Any]) -> int | None:
    if row.get("inline_link_clicks") not in (None, ""):
        return _int(row["inline_link_clicks"])
    for action in row.get("actions") or ():
        if action.get("action_type") == "link_click":
            return _int(action.get("value"))
    return None


def upsert_account(session: Session, data: dict[str, Any]) -> AdAccount:
    """Insert or update an ad account from Graph fields (currency and time zone included)."""
    account_id = str(data.get("account_id") or str(data.get("id", "")).removeprefix("act_"))
    account = session.scalar(
        select(AdAccount).where(AdAccount.platform == PLATFORM_META, AdAccount.account_id == account_id)
    )
    currency = (data.get("currency") or (account.currency if account else "USD")).upper()
    values = {
        "name": data.get("name") or f"act_{account_id}",
        "currency": currency,
        "timezone_name": data.get("timezone_name") or "UTC",
        "account_status": _int(data.get("account_status")),
        "amount_spent": minor_to_major(data.get("amount_spent"), currency),
        "spend_cap": minor_to_major(data.get("spend_cap"), currency) or None,
        "source": SOURCE_META_API,
    }
    if account is None:
        account = AdAccount(account_id=account_id, **values)
        session.add(account)
    else:
        for key, value in values.items():
            if getattr(account, key) != value:
                setattr(account, key, value)
    session.flush()
    return account


class AccountWriter:
    """Writes one account window inside the caller's transaction."""

    def __init__(self, session: Session, account: AdAccount, stamp: dt.datetime) -> None:
        self.session = session
        self.account = account
        self.stamp = stamp
        self.currency = account.currency
        self.campaigns: dict[str, Campaign] = {
            c.meta_id: c
            for c in session.scalars(select(Campaign).where(Campaign.account_id == account.id))
            if c.meta_id
        }
        ids = [c.id for c in self.campaigns.values()]
        self.adsets: dict[str, AdSet] = {}
        if ids:
            for chunk in _chunks(ids, 500):
                for a in session.scalars(select(AdSet).where(AdSet.campaign_id.in_(chunk))):
                    if a.meta_id:
                        self.adsets[a.meta_id] = a
        self.objects = 0
        self.rows = 0
        self.resolver = EventResolver(session, account)
        # Keyed by the row's raw id (None when Meta leaves it out).
        self._info: dict[str | None, tuple[int, tuple[str, ...], Campaign]] = {}
        self._adset_ids: dict[str | None, int] = {}
        self._stores: dict[str, InsightUpsert] = {}
        self._days: dict[str, dt.date] = {}

    def campaign_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.objects += 1
            campaign = self.campaigns.get(str(row["id"]))
            values = {
                "name": row.get("name") or str(row["id"]),
                "status": row.get("status"),
                "effective_status": row.get("effective_status"),
                "objective": row.get("objective"),
                "buying_type": row.get("buying_type"),
                "currency": self.currency,
                "daily_budget": minor_to_major(row.get("daily_budget"), self.currency),
                "lifetime_budget": minor_to_major(row.get("lifetime_budget"), self.currency),
                "budget_remaining": minor_to_major(row.get("budget_remaining"), self.currency),
                "spend_cap": minor_to_major(row.get("spend_cap"), self.currency),
                "start_time": _parse_time(row.get("start_time")),
                "stop_time": _parse_time(row.get("stop_time")),
                "created_time": _parse_time(row.get("created_time")),
                "updated_time": _parse_time(row.get("updated_time")),
                "source": SOURCE_META_API,
                "last_synced_at": self.stamp,
            }
            if campaign is None:
                campaign = Campaign(account_id=self.account.id, meta_id=str(row["id"]), **values)
                self.session.add(campaign)
                self.campaigns[str(row["id"])] = campaign  # its meta_id
            else:
                assign_changed(campaign, values)
        self.session.flush()

    def adset_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.objects += 1
            campaign = self._campaign(str(row.get("campaign_id")), None)
            adset = self.adsets.get(str(row["id"]))
            values = {
                "campaign_id": campaign.id,
                "name": row.get("name") or str(row["id"]),
                "status": row.get("status"),
                "effective_status": row.get("effective_status"),
                "optimization_goal": row.get("optimization_goal"),
                "billing_event": row.get("billing_event"),
                "bid_strategy": row.get("bid_strategy"),
                "currency": self.currency,
                "daily_budget": minor_to_major(row.get("daily_budget"), self.currency),
                "lifetime_budget": minor_to_major(row.get("lifetime_budget"), self.currency),
                "budget_remaining": minor_to_major(row.get("budget_remaining"), self.currency),
                "start_time": _parse_time(row.get("start_time")),
                "end_time": _parse_time(row.get("end_time")),
                "source": SOURCE_META_API,
                "last_synced_at": self.stamp,
            }
            if adset is None:
                adset = AdSet(meta_id=str(row["id"]), **values)
                self.session.add(adset)
                self.adsets[str(row["id"])] = adset  # its meta_id
            else:
                assign_changed(adset, values)
        self.session.flush()

    def _campaign(self, meta_id: str, name: str | None) -> Campaign:
        """A known campaign, or a placeholder for one Meta reports insights for but did not list."""
        campaign = self.campaigns.get(meta_id)
        if campaign is None:
            campaign = Campaign(
                account_id=self.account.id, meta_id=meta_id, name=name or meta_id, currency=self.currency
            )
            self.session.add(campaign)
            self.session.flush()
            self.campaigns[meta_id] = campaign
            self.objects += 1
        return campaign

    def _adset(self, meta_id: str, name: str | None, campaign: Campaign) -> AdSet:
        adset = self.adsets.get(meta_id)
        if adset is None:
            adset = AdSet(campaign_id=campaign.id, meta_id=meta_id, name=name or meta_id, currency=self.currency)
            self.session.add(adset)
            self.session.flush()
            self.adsets[meta_id] = adset
            self.objects += 1
        return adset

    def _campaign_info(self, raw_id: Any, name: str | None) -> tuple[int, tuple[str, ...], Campaign]:
        """(primary key, conversion events, campaign) of a campaign id as Meta sent it (cached)."""
        info = self._info.get(raw_id)
        if info is None:
            campaign = self._campaign(str(raw_id), name)
            info = self._info[raw_id] = (campaign.id, self.resolver.events(campaign), campaign)
        return info

    def _adset_id(self, raw_id: Any, name: str | None, campaign: Campaign) -> int:
        pk = self._adset_ids.get(raw_id)
        if pk is None:
            pk = self._adset_ids[raw_id] = self._adset(str(raw_id), name, campaign).id
        return pk

    def _upsert(self, level: str) -> InsightUpsert:
        store = self._stores.get(level)
        if store is None:
            if level == "campaign":
                store = InsightUpsert(self.session, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS)
            else:
                store = InsightUpsert(self.session, AdSetInsight, ("ad_set_id", "date"), ADSET_COLUMNS)
            self._stores[level] = store
        return store

    def _day(self, text: str) -> dt.date:
        day = self._days.get(text)
        if day is None:
            day = self._days[text] = dt.date.fromisoformat(text)
        return day

    def insight_rows(self, level: str, rows: list[dict[str, Any]]) -> None:
        """Upsert one page of daily rows (tuples in the store's column order, no ORM objects)."""
        out: list[tuple[Any, ...]] = []
        append = out.append
        campaign_level = level == "campaign"
        default_currency, source, stamp = self.currency, SOURCE_META_API, self.stamp
        info_of, adset_of, day_of = self._info.get, self._adset_ids.get, self._days.get
        for row in rows:
            info = info_of(row.get("campaign_id"))
            if info is None:
                info = self._campaign_info(row.get("campaign_id"), row.get("campaign_name"))
            actions = row.get("actions") or None
            action_values = row.get("action_values") or None
            conversions, value = count_conversions(actions, action_values, info[1])
            object_pk: int | None
            if campaign_level:
                object_pk = info[0]
            else:
                object_pk = adset_of(row.get("adset_id"))
                if object_pk is None:
                    object_pk = self._adset_id(row.get("adset_id"), row.get("adset_name"), info[2])
            day = day_of(row["date_start"])
            if day is None:
                day = self._day(row["date_start"])
            currency = row.get("account_currency") or default_currency
            spend = row.get("spend") or "0"
            values = (
                object_pk,
                day,
                currency if currency.isupper() else currency.upper(),
                Decimal(spend if isinstance(spend, str) else str(spend)),
                _int(row.get("impressions")) or 0,
                _int(row.get("clicks")) or 0,
                _link_clicks(row),
                actions,
                action_values,
                conversions,
                value,
                source,
                stamp,
            )
            append((*values, _int(row.get("reach"))) if campaign_level else values)
        self.rows += self._upsert(level).write(out)

    def drop_unreported(self, since: dt.date, until: dt.date) -> int:
        """Delete Meta rows inside the window that this (successful) read no longer returned."""
        return drop_unreported(self.session, self.account.id, SOURCE_META_API, since, until, self.stamp)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
