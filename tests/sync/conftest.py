"""Fixtures for the sync tests: the fake Graph API server, with the environment pointing the SDK at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from campaigns.meta_connection import meta_client
from tests.fakes.graph_api import TOKEN, FakeGraph


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    """A running fake Graph API; FB_* variables point at it with short waits."""
    with FakeGraph() as server:
        monkeypatch.setenv("FB_GRAPH_URL", server.url)
        monkeypatch.setenv("FB_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("FB_MAX_WAIT_SECONDS", "0.01")
        monkeypatch.setenv("FB_ASYNC_POLL_SECONDS", "0.01")
        monkeypatch.setenv("FB_ASYNC_MAX_WAIT_SECONDS", "5")
        monkeypatch.delenv("FB_AD_ACCOUNT_IDS", raising=False)
        monkeypatch.delenv("FB_APP_SECRET", raising=False)
        yield server


@pytest.fixture
def client(fake: FakeGraph):
    """A MetaClient on the fake server (waits recorded, not slept)."""

    return meta_client(sleep=lambda seconds: None)
