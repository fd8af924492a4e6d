"""The TikTok sync takes the same per-account lock as the Meta sync: an advertiser another process is syncing
is refused after the waiting time with who and since, and the other advertisers are still synced."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from campaigns.models import AdAccount, SyncRun
from campaigns.sync_lock import lock_name
from campaigns.tiktok_sync import sync_tiktok, tiktok_client
from db.engine import session_scope
from db.locks import named_lock
from db.roles import CLI_ACTOR
from tests.fakes.tiktok_api import FakeTikTok

NOW = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)


def test_an_advertiser_being_synced_elsewhere_is_refused_the_other_is_synced(
    configured: FakeTikTok, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANTAU_LOCK_WAIT_SECONDS", "0.3")
    with named_lock(lock_name("tiktok", configured.idr), url=migrated_url, who="ana@toko.id"):
        summary = sync_tiktok(CLI_ACTOR, tiktok_client(sleep=lambda s: None), now=NOW)
    assert summary.accounts == 1
    assert [m.params["account"] for m in summary.refused] == [f"TikTok {configured.idr}"]
    assert summary.refused[0].params["who"] == "ana@toko.id"
    assert summary.errors == [str(summary.refused[0])]
    assert str(summary.refused[0]).startswith(f"A sync of TikTok {configured.idr} has been running since ")
    with session_scope(migrated_url) as s:
        synced = s.scalars(select(AdAccount.account_id).join(SyncRun, SyncRun.account_id == AdAccount.id)).all()
    assert synced == [configured.usd]  # the refused advertiser has no run and no rows
