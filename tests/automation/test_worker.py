"""The worker on a fake clock: slots in the workspace time zone, once each, catch-up after downtime, runs whose
worker died, failures recorded, schedules validated; and the real Meta sync job against the fake Graph API."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from automation import runs
from automation.jobs import JOBS
from automation.schedules import ScheduleError, due_slot, load_schedules, save_schedule, upcoming_slot
from automation.worker import Worker
from campaigns.models import SyncRun
from db.engine import session_scope
from db.models import JobRun
from db.settings import set_setting
from tests.automation.conftest import ADMIN, FakeClock

JKT = dt.timezone(dt.timedelta(hours=7))  # Asia/Jakarta has no DST


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in November 2026, Jakarta time, as aware UTC."""
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=JKT).astimezone(dt.UTC)


def _schedule(url: str, spec, clock: FakeClock, **timing) -> None:
    with session_scope(url) as s:
        save_schedule(s, ADMIN, spec, enabled=True, now=clock(), **timing)


def _runs(url: str) -> list[JobRun]:
    with session_scope(url) as s:
        return list(s.scalars(select(JobRun).order_by(JobRun.id)))


def test_interval_schedule_runs_each_slot_once_and_catches_up_after_downtime(migrated_url, recorder) -> None:
    spec = recorder.job("test.sync", every=6)
    clock = FakeClock(at(2, 10, 30))
    _schedule(migrated_url, spec, clock, every_hours=6)
    worker = Worker(migrated_url, clock=clock, jobs={spec.key: spec})

    assert worker.tick().claimed == []  # enabled at 10:30: the 06:00 slot before it does not count
    clock.set(at(2, 11, 59, 59))
    assert worker.tick().claimed == []
    clock.set(at(2, 12, 0, 5))
    first = worker.tick()
    assert [c.scheduled_for for c in first.claimed] == [at(2, 12)]
    assert first.outcomes == {first.claimed[0].run_id: "success"}
    clock.advance(minutes=1)
    assert worker.tick().claimed == []  # the same slot never runs twice
    clock.set(at(2, 18, 0, 30))
    assert [c.scheduled_for for c in worker.tick().claimed] == [at(2, 18)]

    # Down from 18:01 until 13:10 the next day: 00:00, 06:00 and 12:00 were missed; the latest runs once.
    clock.set(at(3, 13, 10))
    caught = worker.tick()
    assert [c.scheduled_for for c in caught.claimed] == [at(3, 12)]
    assert worker.tick().claimed == []
    assert [slot for _key, slot in recorder.calls] == [at(2, 12), at(2, 18), at(3, 12)]
    rows = _runs(migrated_url)
    assert [(r.status, r.attempt, r.trigger) for r in rows] == [("success", 1, "schedule")] * 3
    assert rows[-1].details == {"slots_caught_up": 3, "ran": True}


def test_daily_digest_runs_at_the_hour_in_the_workspace_time_zone(migrated_url, recorder) -> None:
    spec = recorder.job("test.digest", schedule="daily", every=None, hour=8)
    clock = FakeClock(at(2, 9))
    with session_scope(migrated_url) as s:
        set_setting(s, ADMIN, "workspace_timezone", "Asia/Jakarta")
    _schedule(migrated_url, spec, clock, hour=8)
    worker = Worker(migrated_url, clock=clock, jobs={spec.key: spec})
    assert worker.tick().claimed == []  # 08:00 today had passed when it was switched on
    clock.set(at(3, 7, 59))
    assert worker.tick().claimed == []
    clock.set(at(3, 8, 0, 1))
    (claim,) = worker.tick().claimed
    assert claim.scheduled_for == dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)  # 08:00 in Jakarta
    with session_scope(migrated_url) as s:
        (schedule,) = load_schedules(s, [spec])
        assert upcoming_slot(schedule, "Asia/Jakarta", clock()) == dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC)


def test_daily_slot_follows_daylight_saving_time() -> None:
    from automation.schedules import Schedule

    schedule = Schedule("x", "daily", True, hour=8, since=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    winter, _ = due_slot(schedule, "Europe/Berlin", dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC))
    summer, _ = due_slot(schedule, "Europe/Berlin", dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC))
    assert (winter.hour, summer.hour) == (7, 6)  # 08:00 CET is 07:00 UTC; 08:00 CEST is 06:00 UTC


def test_a_disabled_schedule_never_runs(migrated_url, recorder) -> None:
    spec = recorder.job("test.sync", every=1)
    clock = FakeClock(at(2, 10))
    _schedule(migrated_url, spec, clock, every_hours=1)
    with session_scope(migrated_url) as s:
        save_schedule(s, ADMIN, spec, enabled=False, every_hours=1, now=clock())
    clock.advance(hours=5)
    assert Worker(migrated_url, clock=clock, jobs={spec.key: spec}).tick().claimed == []
    assert recorder.calls == []


def test_a_run_whose_worker_died_is_claimed_again_after_its_lease(migrated_url, recorder) -> None:
    spec = recorder.job("test.sync", every=6)
    clock = FakeClock(at(2, 11))
    _schedule(migrated_url, spec, clock, every_hours=6)
    clock.set(at(2, 12, 0, 1))
    dead = Worker(migrated_url, clock=clock, jobs={spec.key: spec}, owner="dead-host:1")
    (claim,) = dead.due_claims()  # claimed, then the process is killed before it runs
    alive = Worker(migrated_url, clock=clock, jobs={spec.key: spec}, owner="other-host:2")
    clock.advance(minutes=5)
    assert alive.tick().claimed == []  # still within the lease: the slot is someone else's
    clock.advance(minutes=6)
    (retry,) = alive.tick().claimed
    assert (retry.scheduled_for, retry.attempt) == (claim.scheduled_for, 2)
    rows = _runs(migrated_url)
    assert [(r.attempt, r.status, r.claimed_by) for r in rows] == [
        (1, "abandoned", "dead-host:1"),
        (2, "success", "other-host:2"),
    ]
    assert recorder.calls == [("test.sync", at(2, 12))]


def test_heartbeats_keep_a_long_run_alive(migrated_url, recorder) -> None:
    spec = recorder.job("test.sync", every=6)
    clock = FakeClock(at(2, 11))
    _schedule(migrated_url, spec, clock, every_hours=6)
    clock.set(at(2, 12, 0, 1))
    busy = Worker(migrated_url, clock=clock, jobs={spec.key: spec})
    (claim,) = busy.due_claims()
    other = Worker(migrated_url, clock=clock, jobs={spec.key: spec}, owner="other:2")
    for _ in range(5):  # 25 minutes of work with a heartbeat every 5
        clock.advance(minutes=5)
        runs.heartbeat(migrated_url, [claim.run_id], clock())
        assert other.tick().claimed == []
    assert [r.status for r in _runs(migrated_url)] == ["running"]


def test_failures_and_crashes_are_recorded_and_wait_for_the_next_slot(migrated_url, recorder) -> None:
    spec = recorder.job("test.sync", every=6)
    clock = FakeClock(at(2, 11))
    _schedule(migrated_url, spec, clock, every_hours=6)
    worker = Worker(migrated_url, clock=clock, jobs={spec.key: spec})
    recorder.fail = True
    clock.set(at(2, 12, 0, 1))
    assert list(worker.tick().outcomes.values()) == ["failed"]
    recorder.fail, recorder.crash = False, True
    clock.advance(minutes=30)
    assert worker.tick().claimed == []  # a failed slot is not retried: the next slot is the retry
    clock.set(at(2, 18, 0, 1))
    assert list(worker.tick().outcomes.values()) == ["failed"]
    rows = _runs(migrated_url)
    assert [(r.status, r.error) for r in rows] == [("failed", "it failed"), ("failed", "RuntimeError: boom")]


def test_schedules_refuse_impossible_timings(session) -> None:
    with pytest.raises(ScheduleError, match="from 1 to 168"):
        save_schedule(session, ADMIN, JOBS["sync.facebook"], enabled=True, every_hours=0)
    with pytest.raises(ScheduleError, match="from 0 to 23"):
        save_schedule(session, ADMIN, JOBS["alerts.digest"], enabled=True, hour=24)
    from db.roles import Actor, PermissionDenied

    with pytest.raises(PermissionDenied):
        save_schedule(session, Actor("s@example.com", "specialist"), JOBS["sync.facebook"], enabled=True, every_hours=6)


def test_a_timing_change_starts_the_schedule_afresh(session) -> None:
    spec = JOBS["sync.facebook"]
    first = save_schedule(session, ADMIN, spec, enabled=True, every_hours=6, now=at(2, 10))
    same = save_schedule(session, ADMIN, spec, enabled=True, every_hours=6, now=at(2, 11))
    changed = save_schedule(session, ADMIN, spec, enabled=True, every_hours=4, now=at(2, 12))
    assert first.since == same.since == at(2, 10)
    assert changed.since == at(2, 12)
    (loaded,) = [s for s in load_schedules(session, JOBS.values()) if s.job == spec.key]
    assert (loaded.enabled, loaded.every_hours, loaded.since) == (True, 4, at(2, 12))


def test_the_scheduled_meta_sync_records_its_sync_runs(migrated_url, fake) -> None:
    fake.add_account("111", currency="IDR", timezone_name="Asia/Jakarta")
    fake.add_campaign("111", "c1", daily_budget="500000")
    fake.add_insight("campaign", "c1", "2026-11-01", spend="12500", impressions=1000, clicks=30)
    clock = FakeClock(at(2, 11))
    spec = JOBS["sync.facebook"]
    _schedule(migrated_url, spec, clock, every_hours=12)
    clock.set(at(2, 12, 0, 1))
    result = Worker(migrated_url, clock=clock, jobs={spec.key: spec}).tick()
    assert list(result.outcomes.values()) == ["success"]
    (run,) = _runs(migrated_url)
    with session_scope(migrated_url) as s:
        sync_runs = list(s.scalars(select(SyncRun)))
    assert [r.status for r in sync_runs] == ["success"]
    assert sync_runs[0].triggered_by == "worker@pantau"
    assert run.details["sync_runs"] == [sync_runs[0].id]
    assert "1 account(s)" in run.summary


def test_a_scheduled_sync_without_a_token_fails_in_words(migrated_url, monkeypatch) -> None:
    monkeypatch.delenv("FB_ACCESS_TOKEN", raising=False)
    clock = FakeClock(at(2, 11))
    spec = JOBS["sync.facebook"]
    _schedule(migrated_url, spec, clock, every_hours=12)
    clock.set(at(2, 12, 0, 1))
    assert list(Worker(migrated_url, clock=clock, jobs={spec.key: spec}).tick().outcomes.values()) == ["failed"]
    (run,) = _runs(migrated_url)
    assert "No Meta access token" in run.error
