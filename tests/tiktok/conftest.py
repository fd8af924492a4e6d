"""Fixtures for the TikTok tests: the seeded fake TikTok API on loopback, a client pointed at it, and the
TIKTOK_* configuration the sync reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from campaigns.tiktok_client import TikTokClient
from tests.fakes.tiktok_api import APP_ID, APP_SECRET, TOKEN, FakeTikTok


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTikTok]:
    """The seeded world (IDR and USD advertisers) on a running fake server; TIKTOK_* point at it."""
    with FakeTikTok.seeded(16) as server:
        monkeypatch.setenv("TIKTOK_API_URL", server.url)
        monkeypatch.setenv("TIKTOK_MAX_WAIT_SECONDS", "0.05")
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    """The back-off waits the client asked for (recorded, not slept)."""
    return []


@pytest.fixture
def client(fake: FakeTikTok, sleeps: list[float]) -> Iterator[TikTokClient]:
    with TikTokClient(TOKEN, app_id=APP_ID, app_secret=APP_SECRET, sleep=sleeps.append) as tiktok:
        yield tiktok


@pytest.fixture
def configured(fake: FakeTikTok, monkeypatch: pytest.MonkeyPatch) -> FakeTikTok:
    """The fake plus the configuration the sync reads: the token and the app (no advertiser list: all of them)."""
    monkeypatch.setenv("TIKTOK_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("TIKTOK_APP_ID", APP_ID)
    monkeypatch.setenv("TIKTOK_APP_SECRET", APP_SECRET)
    monkeypatch.delenv("TIKTOK_ADVERTISER_IDS", raising=False)
    return fake
