"""TikTok sync: advertisers, campaigns, ad groups and daily reports into the database, one transaction per
advertiser window.

Like the Meta sync (campaigns/sync.py): each advertiser's window is written in one transaction (campaigns, ad
groups, the campaign-level then the ad-group-level daily reports in 30-day requests, then the rows TikTok no
longer reports inside the window): a crash, kill or API error leaves the previous good data. Every advertiser run
is a SyncRun of kind `tiktok_api`, opened before and finished after in transactions of their own; the window is
the same lookback re-read as Meta's (campaigns.sync_window) in the advertiser's own time zone.

Configuration: TIKTOK_ACCESS_TOKEN (environment or secrets.toml), TIKTOK_ADVERTISER_IDS (empty: every
advertiser that authorised the app, which needs TIKTOK_APP_ID and TIKTOK_APP_SECRET), TIKTOK_API_URL and
TIKTOK_MAX_WAIT_SECONDS (read by the adapter).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from campaigns import tiktok_settings as ts
from campaigns.models import SOURCE_TIKTOK_API, AdAccount
from campaigns.prefetch import prefetch
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
from campaigns.sync_window import sync_window
from campaigns.tiktok_client import (
    TikTokClient,
    TikTokError,
    TikTokTokenError,
    advertiser_id,
    report_windows,
)
from campaigns.tiktok_writer import AdvertiserWriter, upsert_advertiser
from db import audit
from db.config import env
from db.engine import session_scope
from db.errors import N_, Message
from db.roles import Actor, require
from db.secrets import read_secrets_files, remember
from db.text import FROM_API
from db.types import utcnow

TOKEN_NAME = "TIKTOK_ACCESS_TOKEN"
APP_ID_NAME = "TIKTOK_APP_ID"
APP_SECRET_NAME = "TIKTOK_APP_SECRET"
NO_ADVERTISERS = N_(
    "The TikTok access token sees no advertisers: authorise an advertiser for the app, or list the advertisers "
    "in TIKTOK_ADVERTISER_IDS."
)


def _setting(name: str) -> str | None:
    """An environment variable, else the same name in .streamlit/secrets.toml."""
    value = env(name)
    if value:
        return value
    found = read_secrets_files().get(name)
    return str(found).strip() or None if found else None


def resolve_tiktok_token() -> str | None:
    """The TikTok access token: TIKTOK_ACCESS_TOKEN in the environment, then in secrets.toml (None when unset)."""
    token = _setting(TOKEN_NAME)
    if token:
        remember(token)  # hidden from every log record from now on
    return token


def configured_advertiser_ids() -> list[str]:
    """TIKTOK_ADVERTISER_IDS as a list of advertiser IDs (empty: every advertiser the token can see)."""
    raw = env("TIKTOK_ADVERTISER_IDS") or ""
    return list(dict.fromkeys(advertiser_id(part) for part in raw.split(",") if part.strip()))


def tiktok_client(**options: Any) -> TikTokClient:
    """A TikTokClient on the configured token and app (TikTokConfigError when there is no token)."""
    secret = _setting(APP_SECRET_NAME)
    if secret:
        remember(secret)
    return TikTokClient(resolve_tiktok_token() or "", app_id=_setting(APP_ID_NAME), app_secret=secret, **options)


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _report_pages(
    client: TikTokClient, advertiser: str, since: dt.date, until: dt.date
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(level, up to a page of rows): the campaign level first, then the ad-group level."""
    for level in ts.REPORT_LEVELS:
        for chunk in _chunks(client.daily_report(advertiser, level, since, until), ts.PAGE_SIZE):
            yield level, chunk


def sync_advertiser(
    session: Session,
    actor: Actor,
    client: TikTokClient,
    account: AdAccount,
    since: dt.date,
    until: dt.date,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Read one advertiser window and write it into `session` (the caller commits once): (objects, rows)."""
    require(actor, "sync.run")
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA cache_size=-65536"))  # one large transaction: keep the upsert's lookups in memory
    session.info[FROM_API] = True  # names come from the platform: control characters shown, never refused
    stamp = utcnow()
    writer = AdvertiserWriter(session, account, stamp)
    say = progress or (lambda message, fraction: None)
    say(Message(N_("{account}: campaigns and ad groups"), {"account": account.name}), 0.05)
    writer.campaign_rows(client.campaigns(account.account_id))
    writer.ad_group_rows(client.ad_groups(account.account_id))
    windows = len(report_windows(since, until))
    span = (until - since).days + 1
    say(
        Message(
            N_("{account}: daily reports {since} to {until} ({windows} x 30-day requests per level)"),
            {"account": account.name, "since": since, "until": until, "windows": windows},
        ),
        0.2,
    )
    # The next page is read in a thread while this one is written (the reads are sequential: one session).
    for level, rows in prefetch(_report_pages(client, account.account_id, since, until)):
        writer.report_rows(level, rows)
        done = ts.REPORT_LEVELS.index(level) + ((max(r["date"] for r in rows) - since).days + 1) / span
        say(
            Message(
                N_("{account}: daily reports {since} to {until}, {rows} rows"),
                {"account": account.name, "since": since, "until": until, "rows": writer.rows},
            ),
            0.2 + 0.75 * min(1, done / 2),
        )
    removed = writer.drop_unreported(since, until)
    account.last_synced_at = stamp
    audit.record(
        session,
        actor,
        "sync",
        "ad_account",
        f"tiktok:{account.account_id}",
        summary=f"Synced TikTok {account.name} {since}..{until}: {writer.objects} objects, {writer.rows} rows"
        + (f", {removed} rows TikTok no longer reports removed" if removed else ""),
    )
    return writer.objects, writer.rows


TIKTOK = Platform(
    code="tiktok",
    kind=SOURCE_TIKTOK_API,
    expected=TikTokError,
    stops=lambda error: isinstance(error, TikTokTokenError),  # the same token fails every advertiser
    calls=lambda client: client.requests,
)


def _advertiser(
    actor: Actor, client: TikTokClient, info: dict[str, Any], since: dt.date | None, until: dt.date | None
) -> Account:
    """One advertiser of TikTok's answer for the shared loop (campaigns/sync_loop.py)."""
    advertiser = str(info["advertiser_id"])
    return Account(
        ident=advertiser,
        label=f"TikTok {advertiser}",
        store=lambda session: upsert_advertiser(session, info),
        window=lambda session, account, today: sync_window(
            session, account, today, since, until, kind=SOURCE_TIKTOK_API
        ),
        work=lambda session, account, first, last, progress: sync_advertiser(
            session, actor, client, account, first, last, progress
        ),
        details=lambda account: {"timezone_from_tiktok": info.get("timezone"), "advertiser_id": account.account_id},
    )


def sync_tiktok(
    actor: Actor,
    client: TikTokClient | None = None,
    *,
    advertisers: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    url: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> SyncSummary:
    """Sync every chosen TikTok advertiser; each advertiser window is one transaction and one SyncRun.

    It manages its own transactions (one per advertiser window), so a failure in one advertiser never rolls
    back another's good data. Expected failures (token, permission, throttling that never stops) end up in
    `summary.errors` as one sentence each and on the failed SyncRun.
    """
    require(actor, "sync.run")
    started = time.monotonic()
    summary = SyncSummary()
    try:
        client = client or tiktok_client()
        ids = [advertiser_id(a) for a in advertisers] if advertisers else configured_advertiser_ids()
    except TikTokError as exc:
        summary.fail(exc.message)
        return summary
    first_requests = client.requests
    say = progress or (lambda message, fraction: None)
    with session_scope(url) as session:
        close_interrupted_runs(session)
    say(Message(N_("Reading TikTok advertisers")), 0.0)
    try:
        if not ids:
            ids = [a["advertiser_id"] for a in client.advertisers()]
        found = list(client.advertiser_info(ids)) if ids else []
    except TikTokError as exc:
        summary.fail(exc.message)
        summary.runs.append(failed_run(url, actor, SOURCE_TIKTOK_API, exc))
        return finish_summary(summary, client.requests - first_requests, 0, started)
    if not found:
        summary.fail(NO_ADVERTISERS)
    chosen = [_advertiser(actor, client, info, since, until) for info in found]
    sync_accounts(TIKTOK, url, actor, client, chosen, summary, say, now)
    finish_summary(summary, client.requests - first_requests, client.requests - first_requests, started)
    say(Message(N_("Done")), 1.0)
    return summary


@dataclass
class TikTokConnection:
    """Is a TikTok token configured, which advertisers does the sync read, and what went wrong if anything."""

    token_present: bool
    advertiser_ids: list[str] = field(default_factory=list)  # TIKTOK_ADVERTISER_IDS (empty: all it can see)
    advertisers: list[dict[str, Any]] = field(default_factory=list)
    error: Message | None = None


def tiktok_connection(check: bool = False, client: TikTokClient | None = None) -> TikTokConnection:
    """The configured TikTok connection; with `check`, ask TikTok which advertisers it reads (their currency and
    time zone). Never raises for configuration or API problems: they are in `error`."""
    status = TikTokConnection(token_present=bool(resolve_tiktok_token()) or client is not None)
    try:
        status.advertiser_ids = configured_advertiser_ids()
        if not check or not status.token_present:
            return status
        client = client or tiktok_client()
        ids = status.advertiser_ids or [a["advertiser_id"] for a in client.advertisers()]
        status.advertisers = list(client.advertiser_info(ids)) if ids else []
        if not status.advertisers:
            status.error = Message(NO_ADVERTISERS)
    except TikTokError as exc:
        status.error = exc.message
    return status
