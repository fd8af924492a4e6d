"""The TikTok sync as a scheduled job: the worker on a fake clock runs it against the fake TikTok API."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from automation.jobs import JOBS
from automation.schedules import save_schedule
from automation.worker import Worker
from campaigns.models import AdAccount, CampaignInsight, SyncRun
from db.engine import session_scope
from db.models import JobRun
from tests.automation.conftest import ADMIN, FakeClock
from tests.fakes.tiktok_api import APP_ID, APP_SECRET, TOKEN, FakeTikTok

JKT = dt.timezone(dt.timedelta(hours=7))


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in March 2026 (inside the fake's seeded days), Jakarta time, as aware UTC."""
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=JKT).astimezone(dt.UTC)


def _configure(monkeypatch, server: FakeTikTok, token: str | None = TOKEN) -> None:
    monkeypatch.setenv("TIKTOK_API_URL", server.url)
    monkeypatch.setenv("TIKTOK_MAX_WAIT_SECONDS", "0.05")
    monkeypatch.setenv("TIKTOK_APP_ID", APP_ID)
    monkeypatch.setenv("TIKTOK_APP_SECRET", APP_SECRET)
    monkeypatch.delenv("TIKTOK_ADVERTISER_IDS", raising=False)
    if token is None:
        monkeypatch.delenv("TIKTOK_ACCESS_TOKEN", raising=False)
    else:
        monkeypatch.setenv("TIKTOK_ACCESS_TOKEN", token)


def _scheduled_tick(url: str, clock: FakeClock) -> dict:
    spec = JOBS["sync.tiktok"]
    with session_scope(url) as s:
        save_schedule(s, ADMIN, spec, enabled=True, every_hours=12, now=clock())
    clock.set(at(10, 12, 0, 1))  # the first 12-hour slot after the schedule was saved
    return Worker(url, clock=clock, jobs={spec.key: spec}).tick().outcomes


def test_the_tiktok_sync_is_a_schedulable_sync_job() -> None:
    spec = JOBS["sync.tiktok"]
    assert (spec.kind, spec.schedule, spec.default_every_hours) == ("sync", "interval", 12)
    assert spec.title == "TikTok sync"


def test_the_scheduled_tiktok_sync_records_its_sync_runs(migrated_url, monkeypatch) -> None:
    with FakeTikTok.seeded(16) as server:
        _configure(monkeypatch, server)
        outcomes = _scheduled_tick(migrated_url, FakeClock(at(10, 11)))
    assert list(outcomes.values()) == ["success"]
    with session_scope(migrated_url) as s:
        (run,) = s.scalars(select(JobRun)).all()
        sync_runs = list(s.scalars(select(SyncRun).order_by(SyncRun.id)))
        platforms = set(s.scalars(select(AdAccount.platform)))
        rows = s.scalar(select(func.count()).select_from(CampaignInsight))
        last_day = s.scalar(select(func.max(CampaignInsight.date)))
    assert [(r.kind, r.status, r.triggered_by) for r in sync_runs] == [("tiktok_api", "success", "worker@pantau")] * 2
    assert run.details["sync_runs"] == [r.id for r in sync_runs]
    assert "2 advertiser(s)" in run.summary
    assert platforms == {"tiktok"}
    assert rows > 0
    assert last_day == dt.date(2026, 3, 10)  # the worker's clock is the sync's "now": Jakarta's today


def test_a_scheduled_tiktok_sync_without_a_token_fails_in_words(migrated_url, monkeypatch) -> None:
    with FakeTikTok.seeded(16) as server:
        _configure(monkeypatch, server, token=None)
        outcomes = _scheduled_tick(migrated_url, FakeClock(at(10, 11)))
    assert list(outcomes.values()) == ["failed"]
    with session_scope(migrated_url) as s:
        (run,) = s.scalars(select(JobRun)).all()
    assert "No TikTok access token" in run.error
