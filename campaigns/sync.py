"""Meta sync: accounts, campaigns, ad sets and daily insights into the database, one transaction per account.

Each account's window is written in one transaction (entities, then insights page by page, then the
rows Meta no longer reports inside the window): a crash, kill or API error leaves the previous good
data. The loop over accounts (each under its sync lock, a SyncRun before and after in transactions of their own,
the summary, the early stop on a bad token) is `campaigns.sync_loop`, shared with TikTok; the window comes from
`campaigns.sync_window`, the writes from `campaigns.meta_writer`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from campaigns.adsmanager_accounts import settle_account_days
from campaigns.meta_client import MetaClient, MetaError
from campaigns.meta_connection import meta_client
from campaigns.meta_writer import AccountWriter, upsert_account
from campaigns.models import SOURCE_META_API, AdAccount
from campaigns.prefetch import Prefetch, prefetch
from campaigns.sync_loop import (
    Account,
    Platform,
    Progress,
    SyncSummary,
    failed_run,
    finish_summary,
    sync_accounts,
)
from campaigns.sync_runs import close_interrupted_runs
from campaigns.sync_window import configured_account_ids, sync_window
from db import audit
from db.engine import session_scope
from db.errors import N_, Message
from db.roles import Actor, require
from db.text import FROM_API
from db.types import utcnow

NO_AD_ACCOUNTS = N_("The access token sees no ad accounts: assign the system user to an ad account.")


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
    session.info[FROM_API] = True  # names come from the platform: control characters shown, never refused
    stamp = utcnow()
    writer = AccountWriter(session, account, stamp)
    say = progress or (lambda message, fraction: None)
    say(Message(N_("{account}: campaigns and ad sets"), {"account": account.name}), 0.05)
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
        say(
            Message(
                N_("{account}: insights {since} to {until}"), {"account": account.name, "since": since, "until": until}
            ),
            0.2,
        )
        for pages, (kind, page) in enumerate(insights, start=1):
            writer.insight_rows(kind, page)
            # The levels' pages interleave: one bar for all of them, never going back.
            say(
                Message(
                    N_("{account}: insights {since} to {until}, {rows} rows"),
                    {"account": account.name, "since": since, "until": until, "rows": writer.rows},
                ),
                0.2 + 0.75 * (1 - 0.97**pages),
            )
    finally:
        insights.close()
        for reader in readers:
            client.absorb(reader)
    removed = writer.drop_unreported(since, until)
    settle_account_days(session, account, since, until)  # imported account-level days the sync now covers
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


META = Platform(
    code="meta",
    kind=SOURCE_META_API,
    expected=MetaError,
    stops=lambda error: getattr(error, "kind", None) in ("token", "config"),  # the same token fails every account
    calls=lambda client: client.calls,
)


def _account(
    actor: Actor, client: MetaClient, data: dict[str, Any], since: dt.date | None, until: dt.date | None, full: bool
) -> Account:
    """One ad account of Meta's answer for the shared loop (campaigns/sync_loop.py)."""
    account_id = str(data.get("account_id") or str(data.get("id", "")).removeprefix("act_"))
    return Account(
        ident=account_id,
        label=f"act_{account_id}",
        store=lambda session: upsert_account(session, data),
        window=lambda session, account, today: sync_window(session, account, today, since, until, full),
        work=lambda session, account, first, last, progress: sync_account(
            session, actor, client, account, first, last, progress=progress
        ),
    )


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
    if client is None:
        try:
            client = meta_client()
        except MetaError as exc:
            summary.fail(exc.message)
            return summary
    first_requests, first_calls = client.requests, client.calls
    say = progress or (lambda message, fraction: None)
    with session_scope(url) as session:
        close_interrupted_runs(session)
    ids = [a.removeprefix("act_") for a in (accounts or configured_account_ids())]
    say(Message(N_("Reading ad accounts")), 0.0)
    try:
        found = client.ad_accounts(ids or None)
    except MetaError as exc:
        summary.fail(exc.message)
        summary.runs.append(failed_run(url, actor, SOURCE_META_API, exc))
        return finish_summary(summary, client.requests - first_requests, client.calls - first_calls, started)
    if not found:
        summary.fail(NO_AD_ACCOUNTS)
    chosen = [_account(actor, client, data, since, until, full) for data in found]
    sync_accounts(META, url, actor, client, chosen, summary, say, now)
    finish_summary(summary, client.requests - first_requests, client.calls - first_calls, started)
    say(Message(N_("Done")), 1.0)
    return summary


@dataclass
class ConnectionStatus:
    token_present: bool
    accounts: list[dict[str, Any]] = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)
    error: Message | None = None


def connection_status(client: MetaClient | None = None) -> ConnectionStatus:
    """Is a token configured, which accounts does it see, which permissions does it hold?"""
    try:
        client = client or meta_client()
    except MetaError as exc:
        return ConnectionStatus(token_present=False, error=exc.message)
    status = ConnectionStatus(token_present=True)
    try:
        status.accounts = client.ad_accounts(configured_account_ids() or None)
        status.permissions = client.permissions()
    except MetaError as exc:
        status.error = exc.message
    return status
