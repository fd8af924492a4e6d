"""The daily token check against the fake Graph API's `debug_token`: expiry within 7 days, a lost permission,
an invalidated token; the result kept on the run (never the token) and turned into alerts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from automation import rules
from automation.jobs import JOBS
from automation.schedules import save_schedule
from automation.token_check import run_check
from automation.worker import Worker
from db.engine import session_scope
from db.models import JobRun
from db.settings import set_setting
from tests.automation.conftest import ADMIN, FakeClock
from tests.fakes.graph_api import TOKEN

NOW = dt.datetime(2026, 11, 16, 0, 30, tzinfo=dt.UTC)


def _run_check_job(url: str, clock: FakeClock) -> JobRun:
    spec = JOBS["token.check"]
    with session_scope(url) as s:
        save_schedule(s, ADMIN, spec, enabled=True, hour=7, now=clock() - dt.timedelta(days=1, hours=1))
    result = Worker(url, clock=clock, jobs={spec.key: spec}).tick()
    assert list(result.outcomes.values()) == ["success"]
    with session_scope(url) as s:
        return s.scalars(select(JobRun).order_by(JobRun.id.desc())).first()


def test_a_token_expiring_within_seven_days_is_an_alert(migrated_url, fake) -> None:
    fake.token_expires_at = int((NOW + dt.timedelta(days=3, hours=2)).timestamp())
    run = _run_check_job(migrated_url, FakeClock(NOW))
    token = run.details["token"]
    assert (token["valid"], token["scopes"], token["missing"]) == (True, ["ads_management", "ads_read"], [])
    assert TOKEN not in str(run.details)
    assert TOKEN not in (run.summary or "")
    assert fake.requests_to("debug_token")[0]["params"]["input_token"] == TOKEN
    with session_scope(migrated_url) as s:
        notices = [n for n in rules.collect_notices(s, NOW) if n.category == "token"]
    (expiring,) = notices
    assert expiring.kind == "token_expiring"
    assert expiring.values == {"day": dt.date(2026, 11, 19), "days": 3}


def test_a_never_expiring_system_user_token_is_quiet(migrated_url, fake) -> None:
    fake.token_expires_at = 0
    _run_check_job(migrated_url, FakeClock(NOW))
    with session_scope(migrated_url) as s:
        assert [n for n in rules.collect_notices(s, NOW) if n.category == "token"] == []


def test_a_lost_permission_is_noticed(migrated_url, fake) -> None:
    report = run_check(migrated_url)
    assert report.scopes == ["ads_management", "ads_read"]
    _run_check_job(migrated_url, FakeClock(NOW))
    fake.permissions = ["ads_read"]
    run = _run_check_job(migrated_url, FakeClock(NOW + dt.timedelta(days=1)))
    assert run.details["token"]["lost"] == ["ads_management"]
    with session_scope(migrated_url) as s:
        (lost,) = [n for n in rules.collect_notices(s, NOW + dt.timedelta(days=1)) if n.category == "token"]
    assert (lost.kind, lost.values) == ("token_permission", {"permission": "ads_management"})


def test_a_required_permission_missing_when_budget_push_is_on(migrated_url, fake) -> None:
    fake.permissions = ["ads_read"]
    with session_scope(migrated_url) as s:
        set_setting(s, ADMIN, "meta_budget_push", True)
    assert run_check(migrated_url).missing == ["ads_management"]


def test_an_invalidated_token_is_reported_not_a_failed_check(migrated_url, fake) -> None:
    fake.token_valid = False
    run = _run_check_job(migrated_url, FakeClock(NOW))
    assert run.details["token"]["valid"] is False
    assert "invalidated" in run.details["token"]["reason"]
    with session_scope(migrated_url) as s:
        (invalid,) = [n for n in rules.collect_notices(s, NOW) if n.category == "token"]
    assert invalid.kind == "token_invalid"


def test_no_token_is_a_failed_check_in_words(migrated_url, monkeypatch) -> None:
    monkeypatch.delenv("FB_ACCESS_TOKEN", raising=False)
    report = run_check(migrated_url)
    assert report.error
    assert "No Meta access token" in report.error
