"""Which days a sync run reads: the configured accounts, the first-sync span, the lookback window the platform
restates (the same setting for Meta and TikTok), an explicit range or a full 37-month history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns import meta_settings as ms
from campaigns.models import SOURCE_META_API, AdAccount, SyncRun
from db.config import env
from db.settings import get_setting


def configured_account_ids() -> list[str]:
    """FB_AD_ACCOUNT_IDS as digits (empty: every account the token can see)."""
    raw = env("FB_AD_ACCOUNT_IDS") or ""
    return [a.strip().removeprefix("act_") for a in raw.split(",") if a.strip()]


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
    kind: str = SOURCE_META_API,
) -> tuple[dt.date, dt.date]:
    """The (since, until) an account run reads: explicit, full (37 months), first sync, or the lookback.

    `kind` is the SyncRun kind of this sync (`meta_api`, `tiktok_api`): an account's first successful run of
    that kind ends its first sync; later runs re-read the lookback window.
    """
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
                    SyncRun.account_id == account.id, SyncRun.kind == kind, SyncRun.status == "success"
                )
            )
        days = int(get_setting(session, "lookback_days" if done else "first_sync_days"))
        start = until - dt.timedelta(days=days - 1)
    if start > until:
        raise ValueError(f"--since {start} is after --until {until}")
    return start, until
