"""Meta sync: accounts, campaigns, ad sets and daily insights into the database, one transaction per account.

Each account's window is written in one transaction (entities, then insights page by page, then the
rows Meta no longer reports inside the window): a crash, kill or API error leaves the previous good
data. Every account run is recorded as a SyncRun before and after, in transactions of their own.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, delete, select, text, update
from sqlalchemy.orm import Session

from campaigns import meta_settings as ms
from campaigns.conversion_definitions import EventResolver
from campaigns.conversions import count_conversions
from campaigns.insight_store import InsightUpsert
from campaigns.meta_client import MetaClient, MetaError, minor_to_major
from campaigns.models import SOURCE_META_API, AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight, SyncRun
from db import audit
from db.config import env
from db.engine import session_scope
from db.roles import Actor, require
from db.settings import get_setting
from db.types import utcnow

Progress = Callable[[str, float], None]

# Columns of the daily insight upserts, in the order `_AccountWriter.insight_rows` builds its tuples.
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


@dataclass
class SyncSummary:
    """What a sync did, for the CLI summary and the Sync page."""

    accounts: int = 0
    objects: int = 0
    rows: int = 0
    requests: int = 0
    calls: int = 0
    seconds: float = 0.0
    runs: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def configured_account_ids() -> list[str]:
    """FB_AD_ACCOUNT_IDS as digits (empty: every account the token can see)."""
    raw = env("FB_AD_ACCOUNT_IDS") or ""
    return [a.strip().removeprefix("act_") for a in raw.split(",") if a.strip()]


def account_today(timezone_name: str | None, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the ad account's time zone (Meta's insight days are the account's days)."""
    now = now or utcnow()
    try:
        zone = ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end), plus one day: an inclusive start."""
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def sync_window(
    session: Session,
    account: AdAccount | None,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    full: bool = False,
) -> tuple[dt.date, dt.date]:
    """The (since, until) an account run reads: explicit, full (37 months), first sync, or the lookback."""
    until = until or today
    if since is not None:
        start = since
    elif full:
        start = months_back(until, ms.FULL_SYNC_MONTHS)
    else:
        done = None
        if account is not None and account.id is not None:
            done = session.scalar(
                select(SyncRun.id).where(
                    SyncRun.account_id == account.id, SyncRun.kind == SOURCE_META_API, SyncRun.status == "success"
                )
            )
        days = int(get_setting(session, "lookback_days" if done else "first_sync_days"))
        start = until - dt.timedelta(days=days - 1)
    if start > until:
        raise ValueError(f"--since {start} is after --until {until}")
    return start, until


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_interrupted_runs(session: Session) -> int:
    """Mark runs left 'running' by a process that died (killed, crashed) as failed."""
    count = 0
    host = socket.gethostname()
    for run in session.scalars(select(SyncRun).where(SyncRun.status == "running")):
        details = run.details or {}
        if details.get("host") == host and details.get("pid") and not _pid_alive(int(details["pid"])):
            run.status = "failed"
            run.finished_at = utcnow()
            run.error = "Interrupted: the sync process stopped before finishing; nothing of this window was written."
            count += 1
    return count


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
    account = session.scalar(select(AdAccount).where(AdAccount.account_id == account_id))
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


class _AccountWriter:
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
        self._info: dict[str, tuple[int, tuple[str, ...], Campaign]] = {}
        self._adset_ids: dict[str, int] = {}
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
                self.campaigns[campaign.meta_id] = campaign
            else:
                _assign(campaign, values)
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
                self.adsets[adset.meta_id] = adset
            else:
                _assign(adset, values)
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
        out = []
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
        campaign_ids = select(Campaign.id).where(Campaign.account_id == self.account.id)
        window = and_(
            CampaignInsight.date >= since,
            CampaignInsight.date <= until,
            CampaignInsight.source == SOURCE_META_API,
            CampaignInsight.synced_at < self.stamp,
        )
        removed = self.session.execute(
            delete(CampaignInsight).where(window, CampaignInsight.campaign_id.in_(campaign_ids))
        ).rowcount
        adset_ids = select(AdSet.id).where(AdSet.campaign_id.in_(campaign_ids))
        removed += self.session.execute(
            delete(AdSetInsight).where(
                AdSetInsight.date >= since,
                AdSetInsight.date <= until,
                AdSetInsight.source == SOURCE_META_API,
                AdSetInsight.synced_at < self.stamp,
                AdSetInsight.ad_set_id.in_(adset_ids),
            )
        ).rowcount
        return removed or 0


def _entity_pages(client: MetaClient, account_id: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """("campaigns" | "adsets", page) of one account, campaigns first."""
    campaign_pages, adset_pages = client.campaigns_and_ad_sets(account_id)
    for page in campaign_pages:
        yield "campaigns", page
    for page in adset_pages:
        yield "adsets", page


def insight_ranges(since: dt.date, until: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The (level, since, until) reads of one window, each on a connection of its own.

    The ad set level holds four times the campaign level's rows in a typical account, so a window of
    two weeks or more reads it as two halves: three readers of similar size keep Meta (preparing the
    next page) and Pantau (parsing and writing the last) busy at the same time.
    """
    if (until - since).days + 1 < 14:
        return [("campaign", since, until), ("adset", since, until)]
    middle = since + dt.timedelta(days=(until - since).days // 2)
    return [("campaign", since, until), ("adset", since, middle), ("adset", middle + dt.timedelta(days=1), until)]


def _level_pages(
    client: MetaClient, account_id: str, level: str, since: dt.date, until: dt.date
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for page in client.insights(account_id, level, since, until):
        yield level, page


def prefetch(pages: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """Read the next pages from Meta in a thread while the current one is written (memory: `depth` pages)."""
    with Prefetch([pages], depth) as reader:
        yield from reader


class Prefetch:
    """Several page sources read at once, each in a thread of its own (started right away), into one
    queue (memory: `depth` pages plus one page in flight per source); pages come out as they arrive.
    A reader's error stops every reader and is raised in the consumer; `close()` (or leaving the `with`
    block) stops them too."""

    def __init__(self, sources: list[Iterator[Any]], depth: int = 2) -> None:
        self._box: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = object()
        self._running = len(sources)
        self._workers = [
            threading.Thread(target=self._produce, args=(pages,), daemon=True, name=f"meta-prefetch-{n}")
            for n, pages in enumerate(sources)
        ]
        for worker in self._workers:
            worker.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._box.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, pages: Iterator[Any]) -> None:
        try:
            for page in pages:
                if not self._put(page):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
            return
        self._put(self._done)

    def __iter__(self) -> Iterator[Any]:
        while self._running:
            item = self._box.get()
            if item is self._done:
                self._running -= 1
                continue
            if isinstance(item, BaseException):
                self.close()
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=5)

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _assign(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "last_synced_at" or getattr(obj, key) != value:
            setattr(obj, key, value)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_account(
    session: Session,
    actor: Actor,
    client: MetaClient,
    account: AdAccount,
    since: dt.date,
    until: dt.date,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Read one account window and write it into `session` (the caller commits once): (objects, rows)."""
    require(actor, "sync.run")
    if session.get_bind().dialect.name == "sqlite":
        # A window is one large transaction: a bigger page cache keeps the upsert's index lookups in memory.
        session.execute(text("PRAGMA cache_size=-65536"))
    stamp = utcnow()
    writer = _AccountWriter(session, account, stamp)
    say = progress or (lambda message, fraction: None)
    say(f"{account.name}: campaigns and ad sets", 0.05)
    # Readers in threads of their own while the main thread writes: the entities on this connection, and
    # the insight ranges each on a connection of its own (started now, so Meta prepares their report runs
    # while the entities are written). Insight pages are written only after every entity page.
    readers = [client.clone() for _ in insight_ranges(since, until)]
    insights = Prefetch(
        [
            _level_pages(reader, account.account_id, level, start, end)
            for reader, (level, start, end) in zip(readers, insight_ranges(since, until), strict=True)
        ],
        depth=4,
    )
    try:
        for kind, page in prefetch(_entity_pages(client, account.account_id)):
            if kind == "campaigns":
                writer.campaign_rows(page)
            else:
                writer.adset_rows(page)
        say(f"{account.name}: insights {since}..{until}", 0.2)
        for pages, (kind, page) in enumerate(insights, start=1):
            writer.insight_rows(kind, page)
            # The levels' pages interleave: one bar for all of them, never going back.
            say(f"{account.name}: insights {since}..{until}, {writer.rows} rows", 0.2 + 0.75 * (1 - 0.97**pages))
    finally:
        insights.close()
        for reader in readers:
            client.absorb(reader)
    removed = writer.drop_unreported(since, until)
    account.last_synced_at = stamp
    audit.record(
        session,
        actor,
        "sync",
        "ad_account",
        account.account_id,
        summary=f"Synced {account.name} {since}..{until}: {writer.objects} objects, {writer.rows} rows"
        + (f", {removed} rows Meta no longer reports removed" if removed else ""),
    )
    return writer.objects, writer.rows


def sync_facebook(
    actor: Actor,
    client: MetaClient | None = None,
    *,
    accounts: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    full: bool = False,
    url: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> SyncSummary:
    """Sync every chosen ad account; each account window is one transaction and one SyncRun.

    It manages its own transactions (one per account window) instead of taking a session, so a
    failure in one account never rolls back another's good data.
    """
    require(actor, "sync.run")
    started = time.monotonic()
    summary = SyncSummary()
    client = client or MetaClient()
    first_requests, first_calls = client.requests, client.calls
    say = progress or (lambda message, fraction: None)
    with session_scope(url) as session:
        close_interrupted_runs(session)
    ids = [a.removeprefix("act_") for a in (accounts or configured_account_ids())]
    say("Reading ad accounts", 0.0)
    try:
        found = client.ad_accounts(ids or None)
    except MetaError as exc:
        summary.errors.append(str(exc))
        with session_scope(url) as session:
            run = SyncRun(kind=SOURCE_META_API, status="failed", error=str(exc), triggered_by=actor.email)
            run.finished_at = utcnow()
            session.add(run)
            session.flush()
            summary.runs.append(run.id)
        summary.requests, summary.calls = client.requests - first_requests, client.calls - first_calls
        summary.seconds = time.monotonic() - started
        return summary
    if not found:
        summary.errors.append("The access token sees no ad accounts: assign the system user to an ad account.")
    for index, data in enumerate(found):
        share = 1 / max(1, len(found))

        def account_progress(message: str, fraction: float, index: int = index, share: float = share) -> None:
            say(message, (index + fraction) * share)

        requests_before, calls_before = client.requests, client.calls
        with session_scope(url) as session:
            account = upsert_account(session, data)
            today = account_today(account.timezone_name, now)
            window = sync_window(session, account, today, since, until, full)
            run = SyncRun(
                account_id=account.id,
                kind=SOURCE_META_API,
                window_since=window[0],
                window_until=window[1],
                triggered_by=actor.email,
                details={"pid": os.getpid(), "host": socket.gethostname(), "timezone": account.timezone_name},
            )
            session.add(run)
            session.flush()
            run_id, account_pk, name = run.id, account.id, account.name
        summary.runs.append(run_id)
        error: str | None = None
        objects = rows = 0
        try:
            with session_scope(url) as session:
                account = session.get(AdAccount, account_pk)
                objects, rows = sync_account(session, actor, client, account, *window, progress=account_progress)
        except MetaError as exc:
            error = str(exc)
        except Exception as exc:  # recorded on the run, then re-raised for a real bug's traceback
            _finish(url, run_id, "failed", client, requests_before, calls_before, 0, 0, f"{type(exc).__name__}: {exc}")
            raise
        status = "failed" if error else "success"
        _finish(url, run_id, status, client, requests_before, calls_before, objects, rows, error)
        summary.accounts += 1
        summary.objects += objects
        summary.rows += rows
        if error:
            summary.errors.append(f"{name}: {error}")
            if "access token" in error:  # the same token fails every account: stop early
                break
    summary.requests, summary.calls = client.requests - first_requests, client.calls - first_calls
    summary.seconds = time.monotonic() - started
    say("Done", 1.0)
    return summary


def _finish(url, run_id, status, client, requests_before, calls_before, objects, rows, error) -> None:
    with session_scope(url) as session:
        session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(
                status=status,
                finished_at=utcnow(),
                requests=client.requests - requests_before,
                objects=objects,
                rows=rows,
                error=error,
            )
        )


@dataclass
class ConnectionStatus:
    token_present: bool
    accounts: list[dict[str, Any]] = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)
    error: str | None = None


def connection_status(client: MetaClient | None = None) -> ConnectionStatus:
    """Is a token configured, which accounts does it see, which permissions does it hold?"""
    try:
        client = client or MetaClient()
    except MetaError as exc:
        return ConnectionStatus(token_present=False, error=str(exc))
    status = ConnectionStatus(token_present=True)
    try:
        status.accounts = client.ad_accounts(configured_account_ids() or None)
        status.permissions = client.permissions()
    except MetaError as exc:
        status.error = str(exc)
    return status
