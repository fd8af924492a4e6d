"""The TikTok sync into the database (SQLite and PostgreSQL) against the fake TikTok API over real HTTP: advertisers
in their own currencies and time zones, budgets and statuses, a deleted campaign's spend, paging, reruns that never
duplicate, throttling, token errors, and a kill in the middle of an advertiser window."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from campaigns import tiktok_settings as ts
from campaigns.conversions import count_conversions
from campaigns.models import AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight, SyncRun
from campaigns.tiktok_client import TikTokClient
from campaigns.tiktok_sync import sync_tiktok, tiktok_client, tiktok_connection
from db.engine import get_engine, session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, Actor, PermissionDenied
from tests.fakes.tiktok_api import TOKEN, FakeTikTok

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
NOW = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)  # 12:00 in Jakarta, still 9 March (21:00) in Los Angeles
CAMPAIGN, AD_GROUP = ts.LEVEL_CAMPAIGN, ts.LEVEL_AD_GROUP


def _sync(**kwargs):
    client = kwargs.pop("client", None) or tiktok_client(sleep=lambda s: None)
    return sync_tiktok(CLI_ACTOR, client, now=kwargs.pop("now", NOW), **kwargs)


def _window(url: str, advertiser: str) -> tuple[dt.date, dt.date]:
    with session_scope(url) as s:
        run = s.scalars(
            select(SyncRun).join(AdAccount).where(AdAccount.account_id == advertiser).order_by(SyncRun.id.desc())
        ).first()
        return run.window_since, run.window_until


def _stored(url: str, advertiser: str, level: str, column: str = "spend") -> Decimal:
    with session_scope(url) as s:
        if level == CAMPAIGN:
            stmt = select(func.sum(getattr(CampaignInsight, column))).join(Campaign)
        else:
            stmt = select(func.sum(getattr(AdSetInsight, column))).join(AdSet).join(Campaign)
        stmt = stmt.join(AdAccount, AdAccount.id == Campaign.account_id).where(AdAccount.account_id == advertiser)
        return Decimal(str(s.scalar(stmt) or 0))


def _rows(url: str) -> dict[tuple[str, dt.date], tuple]:
    with session_scope(url) as s:
        found = s.execute(
            select(Campaign.meta_id, CampaignInsight.date, CampaignInsight.spend, CampaignInsight.conversions).join(
                Campaign
            )
        ).all()
        return {(meta_id, day): (spend, conversions) for meta_id, day, spend, conversions in found}


def _writing(url: str, application: str) -> bool:
    """Whether the child holds an open transaction that has written (a write lock on SQLite, a transaction id on
    PostgreSQL): proof that the kill lands in the middle of a window, not before it."""
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
        return False
    with get_engine(url).connect() as conn:
        return bool(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND backend_xid IS NOT NULL"
                ),
                {"name": application},
            )
        )


def _deleted_campaign(fake: FakeTikTok, advertiser: str) -> str:
    return next(
        c["campaign_id"]
        for c in fake.campaigns.values()
        if c["advertiser_id"] == advertiser and c["secondary_status"] == "CAMPAIGN_STATUS_DELETE"
    )


def test_first_sync_stores_advertisers_campaigns_ad_groups_and_daily_rows(
    configured: FakeTikTok, migrated_url: str
) -> None:
    fake = configured
    summary = _sync()
    assert summary.ok, summary.errors
    assert summary.accounts == 2
    with session_scope(migrated_url) as s:
        accounts = {a.account_id: a for a in s.scalars(select(AdAccount))}
        assert {a.platform for a in accounts.values()} == {"tiktok"}
        assert (accounts[fake.idr].currency, accounts[fake.idr].timezone_name) == ("IDR", "Asia/Jakarta")
        assert (accounts[fake.usd].currency, accounts[fake.usd].timezone_name) == ("USD", "America/Los_Angeles")
        assert accounts[fake.idr].name == "Toko Batik Nusantara"
        campaigns = {c.meta_id: c for c in s.scalars(select(Campaign))}
        assert len(campaigns) == len(fake.campaigns) == 6
        assert {c.platform for c in campaigns.values()} == {"tiktok"}
        groups = {a.meta_id: a for a in s.scalars(select(AdSet))}
        assert len(groups) == len(fake.ad_groups) == 12
        assert {g.platform for g in groups.values()} == {"tiktok"}
        # Budgets in TikTok's major units, by budget mode.
        by_mode = {
            (fake.campaigns[c]["advertiser_id"], fake.campaigns[c]["budget_mode"]): campaigns[c]
            for c in fake.campaigns
            if fake.campaigns[c]["secondary_status"] != "CAMPAIGN_STATUS_DELETE"
        }
        assert by_mode[(fake.idr, "BUDGET_MODE_DAY")].daily_budget == Decimal("1500000")
        assert by_mode[(fake.idr, "BUDGET_MODE_TOTAL")].lifetime_budget == Decimal("30000000")
        assert by_mode[(fake.usd, "BUDGET_MODE_DAY")].daily_budget == Decimal("250.5")
        infinite = by_mode[(fake.usd, "BUDGET_MODE_INFINITE")]
        assert (infinite.daily_budget, infinite.lifetime_budget) == (None, None)
        for adgroup_id, source in fake.ad_groups.items():
            stored = groups[adgroup_id]
            assert stored.campaign.meta_id == source["campaign_id"]
            mode = source["budget_mode"]
            if mode in ("BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"):
                assert stored.daily_budget == Decimal(str(source["budget"]))
                assert stored.lifetime_budget is None
            elif mode == "BUDGET_MODE_TOTAL":
                assert stored.lifetime_budget == Decimal(str(source["budget"]))
                assert stored.daily_budget is None
                assert stored.end_time == dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=dt.UTC)
            else:
                assert (stored.daily_budget, stored.lifetime_budget) == (None, None)
            assert stored.start_time == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        # A campaign runs from its first ad group's start; open-ended while an ad group has no end.
        assert all(c.start_time == dt.datetime(2026, 1, 1, tzinfo=dt.UTC) for c in campaigns.values())
        assert all(c.stop_time is None for c in campaigns.values())
        statuses = {c.status for c in campaigns.values()}
        assert statuses == {"ACTIVE", "DELETED"}
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert [(r.kind, r.status) for r in runs] == [("tiktok_api", "success")] * 2
        # campaign/get + adgroup/get + 3 windows of 30 days at two levels; advertiser/info is shared.
        assert [r.requests for r in runs] == [8, 8]
        assert summary.requests == 1 + 1 + 8 + 8  # advertiser list, info, two advertisers
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "sync")) == 2
    # Each advertiser's window ends on its own today: 10 March in Jakarta, 9 March in Los Angeles, 90 days.
    assert _window(migrated_url, fake.idr) == (D(2025, 12, 11), D(2026, 3, 10))
    assert _window(migrated_url, fake.usd) == (D(2025, 12, 10), D(2026, 3, 9))
    for advertiser in (fake.idr, fake.usd):
        since, until = _window(migrated_url, advertiser)
        for level in (CAMPAIGN, AD_GROUP):
            expected = fake.expected_total(advertiser, level, "spend", since, until)
            assert expected > 0
            assert _stored(migrated_url, advertiser, level) == expected
        # Objective WEB_CONVERSIONS counts complete payments, and their value, by default.
        assert _stored(migrated_url, advertiser, CAMPAIGN, "conversions") == fake.expected_total(
            advertiser, CAMPAIGN, "complete_payment", since, until
        )
        assert _stored(migrated_url, advertiser, CAMPAIGN, "conversion_value") == fake.expected_total(
            advertiser, CAMPAIGN, "total_complete_payment_rate", since, until
        )
    with session_scope(migrated_url) as s:
        usd_days = s.scalars(
            select(CampaignInsight.date).join(Campaign).join(AdAccount).where(AdAccount.account_id == fake.usd)
        ).all()
        assert max(usd_days) == D(2026, 3, 9)  # the fake has 10 March too: outside Los Angeles' today
        assert s.scalar(select(func.count()).where(CampaignInsight.source != "tiktok_api")) == 0
        # What the writer counted from the metrics is what the stored raw lists give under the same events
        # (so a changed definition recomputes to the same figures), at both levels.
        for model in (CampaignInsight, AdSetInsight):
            stored = s.execute(
                select(model.actions, model.action_values, model.conversions, model.conversion_value).limit(500)
            ).all()
            assert stored
            for actions, values, conversions, value in stored:
                expected = count_conversions(actions, values, ("complete_payment",), "tiktok")
                assert (conversions, value) == expected
            assert all(a is None or all(int(x["value"]) > 0 for x in a) for a, *_rest in stored)  # no zeros kept


def test_a_deleted_campaign_keeps_its_spend_and_its_ad_groups(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    deleted = _deleted_campaign(fake, fake.idr)
    assert _sync(advertisers=[fake.idr]).ok
    since, until = _window(migrated_url, fake.idr)
    with session_scope(migrated_url) as s:
        campaign = s.scalar(select(Campaign).where(Campaign.meta_id == deleted))
        assert campaign.status == "DELETED"
        assert campaign.effective_status == "CAMPAIGN_STATUS_DELETE"
        assert {g.status for g in campaign.ad_sets} == {"DELETED"}
        spend = s.scalar(select(func.sum(CampaignInsight.spend)).where(CampaignInsight.campaign_id == campaign.id))
        days = s.scalar(select(func.count()).where(CampaignInsight.campaign_id == campaign.id))
    expected = fake.expected_total(fake.idr, CAMPAIGN, "spend", since, until, object_id=deleted)
    assert expected > 0
    assert Decimal(str(spend)) == expected
    assert days == 40


def test_rerun_never_duplicates_rereads_the_lookback_and_follows_restatements(
    configured: FakeTikTok, migrated_url: str
) -> None:
    fake = configured
    assert _sync().ok
    first = _rows(migrated_url)
    with session_scope(migrated_url) as s:
        group_rows = s.scalar(select(func.count(AdSetInsight.id)))
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.idr)
    fake.add_row(CAMPAIGN, campaign, "2026-03-05", spend=Decimal("1234567"), complete_payment=9)  # restated
    fake.remove_row(CAMPAIGN, campaign, "2026-03-06")  # no longer reported
    fake.add_row(CAMPAIGN, campaign, "2026-01-10", spend=Decimal("1"))  # outside the lookback: not re-read
    summary = _sync()
    assert summary.ok, summary.errors
    assert _window(migrated_url, fake.idr) == (D(2026, 2, 11), D(2026, 3, 10))  # 28-day lookback
    second = _rows(migrated_url)
    assert second[(campaign, D(2026, 3, 5))] == (Decimal("1234567"), Decimal(9))
    assert (campaign, D(2026, 3, 6)) not in second
    assert second[(campaign, D(2026, 1, 10))] == first[(campaign, D(2026, 1, 10))]
    changed = {k for k in first if first[k] != second.get(k)}
    assert changed == {(campaign, D(2026, 3, 5)), (campaign, D(2026, 3, 6))}
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(AdSetInsight.id))) == group_rows
        assert s.scalar(select(func.count(Campaign.id))) == 6
    assert _sync().ok  # and once more: nothing moves
    assert _rows(migrated_url) == second


def test_a_window_with_more_than_a_page_of_rows_pages_to_the_end(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.usd)
    for g in range(40):
        adgroup_id = f"18900000000{g:06d}"
        fake.add_ad_group(campaign, adgroup_id, budget_mode="BUDGET_MODE_DAY", budget=20.0)
        for n in range(30):
            fake.add_row(AD_GROUP, adgroup_id, D(2026, 2, 1) + dt.timedelta(days=n), spend=Decimal("1.25"))
    summary = _sync(advertisers=[fake.usd], since=D(2026, 2, 1), until=D(2026, 3, 2))  # one 30-day window
    assert summary.ok, summary.errors
    pages = [c["params"]["page"] for c in fake.requests_to("report/integrated/get/")]
    assert pages == ["1", "1", "2"]  # campaigns: 1 page; ad groups: 30 x 44 rows = 2 pages
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(AdSetInsight.id))) == 30 * 44
    assert _stored(migrated_url, fake.usd, AD_GROUP) == fake.expected_total(
        fake.usd, AD_GROUP, "spend", D(2026, 2, 1), D(2026, 3, 2)
    )


def test_throttling_is_retried_and_counted_on_the_run(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    fake.throttle("report/", times=2)
    fake.throttle("adgroup/get/", times=1, status=429, json_body=False, message="Too Many Requests")
    summary = _sync(advertisers=[fake.idr])
    assert summary.ok, summary.errors
    with session_scope(migrated_url) as s:
        assert s.scalar(select(SyncRun.requests)) == 8 + 3
    since, until = _window(migrated_url, fake.idr)
    assert _stored(migrated_url, fake.idr, CAMPAIGN) == fake.expected_total(fake.idr, CAMPAIGN, "spend", since, until)


def test_an_expired_token_is_one_clear_error_and_deletes_nothing(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    assert _sync().ok
    good = _rows(migrated_url)
    fake.token_state = "expired"
    summary = _sync()
    assert not summary.ok
    (error,) = summary.errors
    assert "has expired (code 40102" in error
    assert "TIKTOK_ACCESS_TOKEN" in error
    assert TOKEN not in error
    assert _rows(migrated_url) == good
    with session_scope(migrated_url) as s:
        last = s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert (last.status, last.account_id) == ("failed", None)
        assert "has expired" in last.error


def test_a_token_revoked_mid_sync_fails_that_window_whole_and_stops(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    window = {"since": D(2026, 2, 10), "until": D(2026, 3, 9)}  # one 28-day request per level
    assert _sync(advertisers=[fake.idr, fake.usd], **window).ok
    good = _rows(migrated_url)
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.idr)
    fake.add_row(CAMPAIGN, campaign, "2026-03-09", spend=Decimal("42"))
    # The campaign level is read and written into the open transaction, then the ad-group level is refused.
    fake.fail("report/", 40105, "Access token is incorrect or has been revoked.", after=1)
    summary = _sync(advertisers=[fake.idr, fake.usd], **window)
    assert not summary.ok
    assert len(summary.errors) == 1
    assert "rejected the access token (code 40105" in summary.errors[0]
    assert _rows(migrated_url) == good  # the campaign rows read before the failure were not kept
    with session_scope(migrated_url) as s:
        statuses = s.scalars(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert statuses == ["success", "success", "failed"]  # the USD advertiser was not tried with a dead token


def test_an_advertiser_the_token_may_not_read_is_named(configured: FakeTikTok, migrated_url: str) -> None:
    fake = configured
    fake.add_advertiser("7300000000000000003", "Not ours", authorised=False)
    summary = _sync(advertisers=["7300000000000000003"])
    assert not summary.ok
    assert "may not read advertiser 7300000000000000003" in summary.errors[0]
    summary = _sync(advertisers=["act_123"])
    assert summary.errors == ["act_123 is not a TikTok advertiser ID (digits only)."]


def test_sync_requires_permission(configured: FakeTikTok, migrated_url: str) -> None:
    with pytest.raises(PermissionDenied):
        sync_tiktok(Actor("f@example.com", "finance"), TikTokClient(TOKEN))


def test_the_connection_check_lists_advertisers_with_currency_and_time_zone(
    configured: FakeTikTok, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = configured
    status = tiktok_connection(check=True)
    assert status.token_present
    assert status.error is None
    assert {(a["currency"], a["timezone"]) for a in status.advertisers} == {
        ("IDR", "Asia/Jakarta"),
        ("USD", "America/Los_Angeles"),
    }
    monkeypatch.setenv("TIKTOK_ADVERTISER_IDS", f" {fake.usd} ,")
    assert [a["advertiser_id"] for a in tiktok_connection(check=True).advertisers] == [fake.usd]
    monkeypatch.delenv("TIKTOK_ACCESS_TOKEN")
    assert tiktok_connection(check=True) == tiktok_connection()
    assert not tiktok_connection().token_present


def test_sync_killed_mid_window_keeps_previous_data_and_next_run_completes(
    configured: FakeTikTok, migrated_url: str
) -> None:
    fake = configured
    assert _sync(advertisers=[fake.idr], since=D(2026, 3, 1), until=D(2026, 3, 10)).ok
    good = _rows(migrated_url)
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.idr)
    fake.add_row(CAMPAIGN, campaign, "2026-03-08", spend=Decimal("999999"))
    fake.hold = threading.Event()
    # Hold the first ad-group report request: by then the campaign rows are in the child's open transaction.
    fake.hold_if = lambda endpoint, params: endpoint.startswith("report/") and params.get("data_level") == AD_GROUP
    application = f"pantau-kill-{uuid.uuid4().hex[:8]}"
    child_url = migrated_url
    if not migrated_url.startswith("sqlite"):
        child_url = (
            make_url(migrated_url)
            .update_query_dict({"application_name": application})
            .render_as_string(hide_password=False)
        )
    env = {**os.environ, "DATABASE_URL": child_url, "PYTHONPATH": str(ROOT), "TIKTOK_ADVERTISER_IDS": fake.idr}
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "sync", "tiktok", "--since", "2026-03-01", "--until", "2026-03-10"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert fake.held.wait(timeout=120), "the child never reached the ad-group report"
        deadline = time.monotonic() + 60
        while not _writing(migrated_url, application) and time.monotonic() < deadline:
            time.sleep(0.05)  # the campaign rows it read before are being written into its transaction
        assert _writing(migrated_url, application), "the child had written nothing when it was killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        fake.hold.set()
        fake.hold = None
        if proc.poll() is None:
            proc.kill()
    assert _rows(migrated_url) == good
    with session_scope(migrated_url) as s:
        assert s.scalars(select(SyncRun.status).order_by(SyncRun.id)).all() == ["success", "running"]
    summary = _sync(advertisers=[fake.idr], since=D(2026, 3, 1), until=D(2026, 3, 10))
    assert summary.ok, summary.errors
    assert _rows(migrated_url)[(campaign, D(2026, 3, 8))][0] == Decimal("999999")
    with session_scope(migrated_url) as s:
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert [r.status for r in runs] == ["success", "failed", "success"]
        assert "Interrupted" in runs[1].error


def test_cli_sync_tiktok_prints_a_summary_and_fails_non_zero(configured: FakeTikTok, migrated_url: str) -> None:
    from typer.testing import CliRunner

    from cli import app

    fake = configured
    runner = CliRunner()
    result = runner.invoke(app, ["sync", "tiktok", "--advertiser", fake.usd, "--since", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "Synced 1 TikTok advertiser(s)" in result.output
    assert "requests" in result.output
    fake.token_state = "revoked"
    result = runner.invoke(app, ["sync", "tiktok", "--advertiser", fake.usd])
    assert result.exit_code == 1
    assert "rejected the access token" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["sync", "tiktok", "--since", "yesterday"])
    assert result.exit_code == 1
    assert "--since 'yesterday' is not a date (YYYY-MM-DD)" in result.output
    result = runner.invoke(app, ["sync", "tiktok", "--advertiser", "nope"])
    assert result.exit_code == 1
    assert "nope is not a TikTok advertiser ID" in result.output
