"""The Sync page's TikTok section through streamlit_app.py: token status, the connection check, Sync now against
the fake TikTok API, and TikTok runs in the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from campaigns.models import CampaignInsight, SyncRun
from db.engine import session_scope
from tests.fakes.tiktok_api import APP_ID, APP_SECRET, TOKEN, FakeTikTok

PAGE = "pages/sync/sync.py"


@pytest.fixture
def recent(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTikTok]:
    """The seeded world with its 75 days ending two weeks from now (so a sync of "today" finds rows)."""
    with FakeTikTok.seeded(16, start=dt.date.today() - dt.timedelta(days=60)) as server:
        monkeypatch.setenv("TIKTOK_API_URL", server.url)
        monkeypatch.setenv("TIKTOK_MAX_WAIT_SECONDS", "0.05")
        monkeypatch.setenv("TIKTOK_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("TIKTOK_APP_ID", APP_ID)
        monkeypatch.setenv("TIKTOK_APP_SECRET", APP_SECRET)
        monkeypatch.delenv("TIKTOK_ADVERTISER_IDS", raising=False)
        yield server


def _open(app_test):
    at = app_test(timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_tiktok_check_and_sync_now_against_the_fake(recent: FakeTikTok, migrated_url: str, app_test) -> None:
    at = _open(app_test)
    assert any("TikTok access token is configured" in s.value for s in at.success)
    at.button(key="sync_tiktok_check").click().run()
    assert not at.exception, at.exception
    assert any("2 TikTok advertiser(s)" in i.value for i in at.info)
    advertisers = next(d.value for d in at.dataframe if "Advertiser" in d.value.columns)
    assert set(advertisers["Currency"]) == {"IDR", "USD"}
    assert set(advertisers["Time zone"]) == {"Asia/Jakarta", "America/Los_Angeles"}
    at.button(key="sync_tiktok_run").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("2 advertiser(s)" in s.value for s in at.success)
    with session_scope(migrated_url) as s:
        assert s.scalars(select(SyncRun.kind)).all() == ["tiktok_api", "tiktok_api"]
        assert s.scalar(select(func.count(CampaignInsight.id))) > 0
    history = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert set(history["kind"]) == {"TikTok API sync"}
    assert set(history["platform"]) == {"TikTok"}
    assert set(history["status"]) == {"success"}


def test_tiktok_errors_are_one_sentence_on_the_page(recent: FakeTikTok, migrated_url: str, app_test) -> None:
    recent.token_state = "expired"
    at = _open(app_test)
    at.button(key="sync_tiktok_check").click().run()
    assert any("has expired" in e.value for e in at.error)
    at.button(key="sync_tiktok_run").click().run()
    assert not at.exception, at.exception
    assert any("has expired" in e.value and "TIKTOK_ACCESS_TOKEN" in e.value for e in at.error)
    assert not any("Traceback" in e.value for e in at.error)


def test_without_a_token_the_page_says_how_to_set_one(
    recent: FakeTikTok, migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIKTOK_ACCESS_TOKEN")
    at = _open(app_test)
    assert any("No TikTok access token yet" in w.value for w in at.warning)
    assert not any(b.key == "sync_tiktok_run" for b in at.button)
