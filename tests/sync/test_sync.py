"""The sync into the database (SQLite and PostgreSQL) against the fake Graph API through the real SDK."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaigns.conversion_definitions import DefinitionError, set_conversion_definition
from campaigns.meta_connection import meta_client
from campaigns.models import AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight, SyncRun
from campaigns.sync import sync_facebook
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, Actor, PermissionDenied
from tests.fakes.graph_api import FakeGraph

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
NOW = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)  # 12:00 in Jakarta, still 9 March in Los Angeles
PURCHASES = [
    {"action_type": "omni_purchase", "value": "3"},
    {"action_type": "purchase", "value": "3"},
    {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "3"},
    {"action_type": "link_click", "value": "40"},
]
VALUES = [
    {"action_type": "omni_purchase", "value": "450000"},
    {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "450000"},
]


def _world(fake: FakeGraph) -> None:
    fake.add_account("111", "Toko ID", currency="IDR", timezone_name="Asia/Jakarta", amount_spent="2500000")
    fake.add_account("222", "Tokyo", currency="JPY", timezone_name="Asia/Tokyo")
    fake.add_account("333", "US shop", currency="USD", timezone_name="America/Los_Angeles", spend_cap="1000000")
    fake.add_campaign("111", "c_idr", "Ramadan sale", daily_budget="500000", objective="OUTCOME_SALES")
    fake.add_campaign("111", "c_lead", "Leads", objective="OUTCOME_LEADS", status="PAUSED")
    fake.add_campaign("111", "c_del", "Old promo", status="DELETED", lifetime_budget="9000000")
    fake.add_campaign("222", "c_jpy", "Tokyo launch", daily_budget="5000")
    fake.add_campaign("333", "c_usd", "US launch", lifetime_budget="123456", spend_cap="500000")
    fake.add_adset("c_idr", "a_idr1", daily_budget="250000")
    fake.add_adset("c_idr", "a_idr2", daily_budget="250000", status="ARCHIVED")
    fake.add_adset("c_usd", "a_usd", optimization_goal="OFFSITE_CONVERSIONS")
    for day in ("2026-03-01", "2026-03-02", "2026-03-08"):
        fake.add_insight(
            "campaign", "c_idr", day, spend="125000", impressions=10000, clicks=300, inline_link_clicks=40,
            reach=8000, actions=PURCHASES, action_values=VALUES,
        )  # fmt: skip
        fake.add_insight("adset", "a_idr1", day, spend="100000", impressions=8000, clicks=200, actions=PURCHASES)
        fake.add_insight("adset", "a_idr2", day, spend="25000", impressions=2000, clicks=100)
    fake.add_insight("campaign", "c_del", "2026-03-01", spend="7000", impressions=100, clicks=1)
    leads = [{"action_type": "lead", "value": "4"}, {"action_type": "onsite_conversion.lead_grouped", "value": "4"}]
    fake.add_insight("campaign", "c_lead", "2026-03-02", spend="50000", impressions=10, clicks=1, actions=leads)
    fake.add_insight("campaign", "c_jpy", "2026-03-09", spend="3200", impressions=500, clicks=9)
    fake.add_insight("campaign", "c_usd", "2026-03-09", spend="12.34", impressions=700, clicks=12)
    fake.add_insight("adset", "a_usd", "2026-03-09", spend="12.34", impressions=700, clicks=12)


def _sync(**kwargs):
    client = kwargs.pop("client", None) or meta_client(sleep=lambda s: None)
    return sync_facebook(CLI_ACTOR, client, now=NOW, **kwargs)


def _campaign_rows(url: str) -> dict[tuple[str, dt.date], CampaignInsight]:
    with session_scope(url) as s:
        rows = s.execute(select(Campaign.meta_id, CampaignInsight).join(Campaign)).all()
        return {(meta_id, row.date): row for meta_id, row in rows}


def test_first_sync_stores_accounts_entities_and_daily_insights(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    summary = _sync()
    assert summary.ok, summary.errors
    assert summary.accounts == 3
    assert summary.rows == 14
    with session_scope(migrated_url) as s:
        accounts = {a.account_id: a for a in s.scalars(select(AdAccount))}
        assert accounts["111"].currency == "IDR"
        assert accounts["111"].timezone_name == "Asia/Jakarta"
        assert accounts["111"].amount_spent == Decimal("2500000")
        assert accounts["333"].spend_cap == Decimal("10000.00")
        camps = {c.meta_id: c for c in s.scalars(select(Campaign))}
        assert camps["c_idr"].daily_budget == Decimal("500000")  # IDR offset 1
        assert camps["c_jpy"].daily_budget == Decimal("5000")  # JPY offset 1
        assert camps["c_usd"].lifetime_budget == Decimal("1234.56")  # USD offset 100
        assert camps["c_usd"].spend_cap == Decimal("5000.00")
        assert camps["c_del"].status == "DELETED"  # asked for explicitly and kept
        assert camps["c_idr"].start_time == dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC)
        adsets = {a.meta_id: a for a in s.scalars(select(AdSet))}
        assert adsets["a_idr2"].status == "ARCHIVED"
        assert s.scalar(select(func.count(AdSetInsight.id))) == 7
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert [r.status for r in runs] == ["success"] * 3
        assert all(r.requests > 0 for r in runs)
        assert sum(r.rows for r in runs) == 14
    rows = _campaign_rows(migrated_url)
    idr = rows[("c_idr", D(2026, 3, 1))]
    assert (idr.spend, idr.impressions, idr.clicks, idr.link_clicks, idr.reach) == (
        Decimal("125000"),
        10000,
        300,
        40,
        8000,
    )
    # Overlapping purchase types are one event: 3 purchases, not 9.
    assert idr.conversions == Decimal("3")
    assert idr.conversion_value == Decimal("450000")
    assert rows[("c_lead", D(2026, 3, 2))].conversions == Decimal("4")  # objective leads, lead types overlap
    assert rows[("c_del", D(2026, 3, 1))].spend == Decimal("7000")  # a deleted campaign's spend still counts
    assert rows[("c_usd", D(2026, 3, 9))].spend == Decimal("12.34")
    assert rows[("c_usd", D(2026, 3, 9))].currency == "USD"


def test_each_account_window_ends_on_its_own_today(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync()
    with session_scope(migrated_url) as s:
        windows = {
            a.account_id: (r.window_since, r.window_until)
            for r, a in s.execute(select(SyncRun, AdAccount).join(AdAccount, SyncRun.account_id == AdAccount.id))
        }
    assert windows["111"] == (D(2025, 12, 11), D(2026, 3, 10))  # Jakarta: already 10 March, 90 days
    assert windows["333"] == (D(2025, 12, 10), D(2026, 3, 9))  # Los Angeles: still 9 March
    calls = [c for c in fake.requests_to("insights") if "time_range" in c["params"]]
    assert any(json.loads(c["params"]["time_range"])["until"] == "2026-03-09" for c in calls)


def test_rerun_never_duplicates_and_later_runs_reread_the_lookback(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync()
    before = len(_campaign_rows(migrated_url))
    fake.log.clear()
    _sync()
    assert len(_campaign_rows(migrated_url)) == before
    with session_scope(migrated_url) as s:
        last = s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert (last.window_since, last.window_until) == (D(2026, 2, 10), D(2026, 3, 9))  # 28 days


def test_restated_conversions_are_picked_up_by_the_next_sync(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync()
    restated = [{"action_type": "omni_purchase", "value": "5"}, {"action_type": "purchase", "value": "5"}]
    fake.insights[("campaign", "c_idr", "2026-03-02")]["actions"] = restated
    fake.insights[("campaign", "c_idr", "2026-03-02")]["spend"] = "125001.5"
    del fake.insights[("campaign", "c_jpy", "2026-03-09")]  # Meta no longer reports this row
    _sync()
    rows = _campaign_rows(migrated_url)
    assert rows[("c_idr", D(2026, 3, 2))].conversions == Decimal("5")
    assert rows[("c_idr", D(2026, 3, 2))].spend == Decimal("125001.5")
    assert ("c_jpy", D(2026, 3, 9)) not in rows


def test_a_failed_sync_deletes_nothing_and_is_recorded(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync()
    good = {k: (r.spend, r.conversions) for k, r in _campaign_rows(migrated_url).items()}
    fake.insights[("campaign", "c_idr", "2026-03-02")]["spend"] = "1"
    fake.insights.clear()
    fake.fail("insights", code=100, message="Invalid parameter", times=100)
    summary = _sync(accounts=["act_111"])
    assert not summary.ok
    assert "invalid" in summary.errors[0]
    assert {k: (r.spend, r.conversions) for k, r in _campaign_rows(migrated_url).items()} == good
    with session_scope(migrated_url) as s:
        last = s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert last.status == "failed"
        assert "code 100" in last.error


def test_expired_token_stops_the_sync_with_a_clear_error(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    fake.token = "new"
    summary = _sync()
    assert not summary.ok
    assert "access token" in summary.errors[0]
    assert "FB_ACCESS_TOKEN" in summary.errors[0]
    with session_scope(migrated_url) as s:
        assert s.scalar(select(SyncRun.status)) == "failed"


def test_full_sync_and_explicit_window(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(accounts=["333"], full=True)
    _sync(accounts=["222"], since=D(2026, 3, 9), until=D(2026, 3, 9))
    with session_scope(migrated_url) as s:
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert (runs[0].window_since, runs[0].window_until) == (D(2023, 2, 10), D(2026, 3, 9))
        assert (runs[1].window_since, runs[1].window_until) == (D(2026, 3, 9), D(2026, 3, 9))
    assert fake.requests_to("act_333/insights", "POST")  # 37 months go through an async run


def test_changing_a_definition_recomputes_without_resync(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(accounts=["111"])
    requests = len(fake.log)
    with session_scope(migrated_url) as s:
        camp = s.scalar(select(Campaign).where(Campaign.meta_id == "c_lead"))
        account = camp.account
        assert set_conversion_definition(s, CLI_ACTOR, ["purchase"], account_id=account.id) > 0
    rows = _campaign_rows(migrated_url)
    assert rows[("c_lead", D(2026, 3, 2))].conversions == 0  # account default now purchases
    assert rows[("c_idr", D(2026, 3, 1))].conversions == 3
    with session_scope(migrated_url) as s:
        camp = s.scalar(select(Campaign).where(Campaign.meta_id == "c_lead"))
        set_conversion_definition(s, CLI_ACTOR, ["lead", "purchase"], campaign_id=camp.id)
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "conversion_definition")) == 2
    assert _campaign_rows(migrated_url)[("c_lead", D(2026, 3, 2))].conversions == 4  # campaign override wins
    assert len(fake.log) == requests  # no re-sync
    with session_scope(migrated_url) as s:
        with pytest.raises(PermissionDenied):
            set_conversion_definition(s, Actor("v@x", "viewer"), ["lead"], campaign_id=camp.id)
        with pytest.raises(DefinitionError, match="Unknown conversion event"):
            set_conversion_definition(s, CLI_ACTOR, ["clicks"], campaign_id=camp.id)


def test_sync_requires_permission(fake: FakeGraph, migrated_url: str) -> None:
    with pytest.raises(PermissionDenied):
        sync_facebook(Actor("f@x", "finance"), meta_client())


def test_sync_killed_midway_keeps_previous_data_and_next_run_completes(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(accounts=["111"])
    good = {k: r.spend for k, r in _campaign_rows(migrated_url).items()}
    fake.insights[("campaign", "c_idr", "2026-03-08")]["spend"] = "999999"
    fake.add_insight("campaign", "c_idr", "2026-03-09", spend="5")
    fake.hold = __import__("threading").Event()
    fake.hold_match = "act_111/insights"
    fake.held.clear()
    env = {**os.environ, "DATABASE_URL": migrated_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "sync", "facebook", "--account", "act_111", "--since", "2026-03-01"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Wait until the child is reading the ad set level (its readers run in parallel: campaign requests held
    # here are let go, so campaign rows can reach its open transaction), then kill it hard.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if fake.held.is_set() and fake.requests_to("act_111/insights"):
            levels = [c["params"].get("level") for c in fake.requests_to("act_111/insights")]
            if "adset" in levels:
                break
            fake.held.clear()
            fake.hold.set()
            fake.hold = __import__("threading").Event()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    fake.hold.set()
    fake.hold = None
    assert {k: r.spend for k, r in _campaign_rows(migrated_url).items()} == good
    with session_scope(migrated_url) as s:
        assert s.scalars(select(SyncRun.status).order_by(SyncRun.id)).all() == ["success", "running"]
    summary = _sync(accounts=["111"], since=D(2026, 3, 1))
    assert summary.ok
    rows = _campaign_rows(migrated_url)
    assert rows[("c_idr", D(2026, 3, 8))].spend == Decimal("999999")
    assert rows[("c_idr", D(2026, 3, 9))].spend == Decimal("5")
    with session_scope(migrated_url) as s:
        statuses = s.scalars(select(SyncRun.status).order_by(SyncRun.id)).all()
        assert statuses == ["success", "failed", "success"]
        assert "Interrupted" in s.scalars(select(SyncRun.error).order_by(SyncRun.id)).all()[1]


def test_cli_sync_prints_a_summary_and_fails_non_zero(fake: FakeGraph, migrated_url: str) -> None:
    from typer.testing import CliRunner

    from cli import app

    _world(fake)
    runner = CliRunner()
    result = runner.invoke(app, ["sync", "facebook", "--account", "act_222", "--since", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "Synced 1 account(s)" in result.output
    assert "requests" in result.output
    fake.token = "rotated"
    result = runner.invoke(app, ["sync", "facebook", "--account", "act_222"])
    assert result.exit_code == 1
    assert "access token" in result.output
    result = runner.invoke(app, ["sync", "facebook", "--since", "yesterday"])
    assert result.exit_code == 1
    assert "--since 'yesterday' is not a date (YYYY-MM-DD)" in result.output


def test_insight_readers_split_long_windows_and_their_requests_are_counted(fake: FakeGraph, migrated_url: str) -> None:
    from campaigns.sync import insight_ranges

    assert insight_ranges(D(2026, 3, 1), D(2026, 3, 13)) == [
        ("campaign", D(2026, 3, 1), D(2026, 3, 13)),
        ("adset", D(2026, 3, 1), D(2026, 3, 13)),
    ]
    assert insight_ranges(D(2026, 1, 1), D(2026, 3, 31)) == [
        ("campaign", D(2026, 1, 1), D(2026, 3, 31)),
        ("adset", D(2026, 1, 1), D(2026, 2, 14)),
        ("adset", D(2026, 2, 15), D(2026, 3, 31)),
    ]
    _world(fake)
    summary = _sync(accounts=["111"])  # first sync: 90 days, ad sets read as two halves
    assert summary.ok, summary.errors
    adset_reads = [c for c in fake.requests_to("act_111/insights") if c["params"].get("level") == "adset"]
    assert len(adset_reads) == 2
    # Every reader's requests are in the totals (the readers use connections of their own).
    insight_requests = len(fake.requests_to("insights"))
    assert summary.requests > insight_requests
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.sum(SyncRun.requests))) == summary.requests - 1  # minus the account read
    assert len(_campaign_rows(migrated_url)) == 5
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(AdSetInsight.id))) == 6
