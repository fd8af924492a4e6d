"""Meta sync: accounts, campaigns, ad sets and daily insights into the database, one transaction per account.

Each account's window is written in one transaction (entities, then insights page by page, then the
rows Meta no longer reports inside the window): a crash, kill or API error leaves the previous good
data. Every account run is recorded as a SyncRun before and after, in transactions of their own
(`campaigns.sync_runs`); the window comes from `campaigns.sync_window`, the writes from `campaigns.meta_writer`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from campaigns.adsmanager_accounts import settle_account_days
from campaigns.meta_client import MetaClient, MetaError
from campaigns.meta_connection import meta_client
from campaigns.meta_writer import AccountWriter, upsert_account
from campaigns.models import SOURCE_META_API, AdAccount, SyncRun
from campaigns.prefetch import Prefetch, prefetch
from campaigns.sync_lock import SyncBusy, account_sync_lock
from campaigns.sync_runs import close_interrupted_runs, error_details, finish_run
from campaigns.sync_window import configured_account_ids, sync_window
from db import audit
from db.calendar import local_today
from db.engine import session_scope
from db.errors import N_, Message, as_message
from db.roles import Actor, require
from db.text import FROM_API
from db.types import utcnow

Progress = Callable[[Message, float], None]  # (step in words, fraction done): pages translate, the CLI prints
NO_AD_ACCOUNTS = N_("The access token sees no ad accounts: assign the system user to an ad account.")


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
    errors: list[str] = field(default_factory=list)  # every failure in English (the CLI prints them)
    # The same failures as translatable messages for the Sync page, apart from `refused`.
    problems: list[Message] = field(default_factory=list)
    # Accounts another sync was still writing after the waiting time (also in `errors`, in English).
    refused: list[Message] = field(default_factory=list)

    def fail(self, problem: Message | str, account: str | None = None) -> None:
        """Record a failure (of one account when `account` names it)."""
        message = as_message(problem)
        if account is not None:
            message = Message(N_("{account}: {error}"), {"account": account, "error": message})
        self.problems.append(message)
        self.errors.append(str(message))

    def refuse(self, busy: SyncBusy) -> None:
        self.refused.append(busy.message)
        self.errors.append(str(busy))

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _sync_one(
    url: str | None,
    actor: Actor,
    client: MetaClient,
    data: dict[str, Any],
    since: dt.date | None,
    until: dt.date | None,
    full: bool,
    now: dt.datetime | None,
    summary: SyncSummary,
    account_progress: Progress,
) -> bool:
    """One account window under its sync lock: a SyncRun, the window's transaction, the run's outcome.
    True when the remaining accounts should not be tried (the token failed)."""
    requests_before, calls_before = client.requests, client.calls
    with session_scope(url) as session:
        session.info[FROM_API] = True
        account = upsert_account(session, data)
        today = local_today(account.timezone_name, now)
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
    failure: MetaError | None = None
    objects = rows = 0
    try:
        with session_scope(url) as session:
            account = session.get_one(AdAccount, account_pk)
            objects, rows = sync_account(session, actor, client, account, *window, progress=account_progress)
    except MetaError as exc:
        failure = exc
    except Exception as exc:  # recorded on the run, then re-raised for a real bug's traceback
        finish_run(url, run_id, "failed", client, requests_before, calls_before, 0, 0, f"{type(exc).__name__}: {exc}")
        raise
    error = None if failure is None else failure.message
    finish_run(
        url, run_id, "failed" if error else "success", client, requests_before, calls_before, objects, rows, error
    )
    summary.accounts += 1
    summary.objects += objects
    summary.rows += rows
    if failure is not None:
        summary.fail(failure.message, account=name)
        if failure.kind in ("token", "config"):  # the same token fails every account: stop early
            return True
    return False


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
        with session_scope(url) as session:
            run = SyncRun(
                kind=SOURCE_META_API,
                status="failed",
                error=str(exc),
                details=error_details(exc.message),
                triggered_by=actor.email,
            )
            run.finished_at = utcnow()
            session.add(run)
            session.flush()
            summary.runs.append(run.id)
        summary.requests, summary.calls = client.requests - first_requests, client.calls - first_calls
        summary.seconds = time.monotonic() - started
        return summary
    if not found:
        summary.fail(NO_AD_ACCOUNTS)
    for index, data in enumerate(found):
        share = 1 / max(1, len(found))

        def account_progress(message: Message, fraction: float, index: int = index, share: float = share) -> None:
            say(message, (index + fraction) * share)

        account_id = str(data.get("account_id") or str(data.get("id", "")).removeprefix("act_"))
        try:
            with account_sync_lock(url, "meta", account_id, f"act_{account_id}", actor.email):
                stop = _sync_one(url, actor, client, data, since, until, full, now, summary, account_progress)
        except SyncBusy as busy:
            summary.refuse(busy)
            continue
        if stop:
            break
    summary.requests, summary.calls = client.requests - first_requests, client.calls - first_calls
    summary.seconds = time.monotonic() - started
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
