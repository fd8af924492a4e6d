"""The Meta adapter wired into the rest of Pantau: the stored token, the approved budget push,
reconciliation against Meta's account-level spend, and the sync -> export check, on the fake Graph API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from cryptography.fernet import Fernet
from sqlalchemy import select

from budgets.changes import TARGET_META_DAILY, approve_change, propose_change
from budgets.models import BudgetChange
from campaigns.meta_connection import account_spend, meta_client, push_campaign_budget, resolve_token
from campaigns.models import Campaign
from campaigns.sync import sync_facebook
from db.engine import session_scope
from db.roles import CLI_ACTOR, LOCAL_ADMIN, Actor
from db.secrets import store_meta_token
from db.settings import set_setting
from finance.exports import write_export
from finance.models import FxRate
from finance.reconcile import reconcile_month
from tests.fakes.graph_api import TOKEN, FakeGraph

SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
MANAGER = Actor("manager@example.com", "manager")
SPECIALIST = Actor("specialist@example.com", "specialist")


def _world(fake: FakeGraph) -> None:
    fake.add_account("111", "Toko ID", currency="IDR", timezone_name="Asia/Jakarta")
    fake.add_account("333", "US shop", currency="USD", timezone_name="America/New_York")
    fake.add_campaign("111", "c_idr", 'Payday, "big" sale', daily_budget="500000", objective="OUTCOME_SALES")
    fake.add_campaign("333", "c_usd", "=US launch", daily_budget="2500", objective="OUTCOME_SALES")
    for day in range(1, 32):
        date = f"2026-10-{day:02d}"
        purchases = [
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(day % 4)},
            {"action_type": "omni_purchase", "value": str(day % 4)},
        ]
        fake.add_insight(
            "campaign", "c_idr", date, spend=str(100000 + day), impressions=9000, clicks=120, actions=purchases
        )
        fake.add_insight("campaign", "c_usd", date, spend=f"{20 + day}.37", impressions=1500, clicks=30)


def _sync(url: str) -> None:
    summary = sync_facebook(CLI_ACTOR, meta_client(sleep=lambda s: None), since=SINCE, until=UNTIL, url=url, now=NOW)
    assert not summary.errors, summary.errors


def test_token_stored_in_the_app_is_used_when_the_environment_has_none(
    fake: FakeGraph, migrated_url: str, monkeypatch
) -> None:
    monkeypatch.delenv("FB_ACCESS_TOKEN")
    monkeypatch.setenv("PANTAU_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("PANTAU_SECRETS_FILE", "/nonexistent/secrets.toml")
    assert resolve_token() is None
    with session_scope(migrated_url) as s:
        store_meta_token(s, LOCAL_ADMIN, TOKEN)
    assert resolve_token() == TOKEN
    fake.add_account("111", "Toko ID", currency="IDR")
    assert account_spend("111", SINCE, UNTIL) == Decimal(0)


def test_an_approved_meta_budget_is_pushed_to_the_campaign(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(migrated_url)
    with session_scope(migrated_url) as s:
        set_setting(s, LOCAL_ADMIN, "meta_budget_push", True)
        ids = {c.meta_id: c.id for c in s.scalars(select(Campaign))}
        idr = propose_change(
            s,
            SPECIALIST,
            new_amount="750000",
            reason="Payday weekend",
            campaign_id=ids["c_idr"],
            target=TARGET_META_DAILY,
            push_to_meta=True,
        )
        usd = propose_change(
            s,
            SPECIALIST,
            new_amount="40.50",
            reason="Scale winners",
            campaign_id=ids["c_usd"],
            target=TARGET_META_DAILY,
            push_to_meta=True,
        )
        change_ids = (idr.id, usd.id)
    with session_scope(migrated_url) as s:
        for change_id in change_ids:
            approve_change(s, MANAGER, change_id, note="ok", push=push_campaign_budget)
    assert fake.campaigns["c_idr"]["daily_budget"] == "750000"  # IDR: offset 1
    assert fake.campaigns["c_usd"]["daily_budget"] == "4050"  # USD: cents
    with session_scope(migrated_url) as s:
        changes = s.scalars(select(BudgetChange).order_by(BudgetChange.id)).all()
        assert [c.meta_push_status for c in changes] == ["pushed", "pushed"]
        assert TOKEN not in " ".join(c.meta_push_result for c in changes)
        assert s.get(Campaign, ids["c_idr"]).daily_budget == Decimal("750000")


def test_a_refused_push_is_recorded_and_the_approval_stands(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(migrated_url)
    fake.fail("c_idr", code=200, message="(#200) Requires ads_management permission", status=403, method="POST")
    with session_scope(migrated_url) as s:
        set_setting(s, LOCAL_ADMIN, "meta_budget_push", True)
        campaign_id = s.scalar(select(Campaign.id).where(Campaign.meta_id == "c_idr"))
        change = propose_change(
            s,
            SPECIALIST,
            new_amount="600000",
            reason="more",
            campaign_id=campaign_id,
            target=TARGET_META_DAILY,
            push_to_meta=True,
        )
        approve_change(s, MANAGER, change.id, push=push_campaign_budget)
    with session_scope(migrated_url) as s:
        change = s.scalar(select(BudgetChange))
        assert change.status == "approved"
        assert change.meta_push_status == "failed"
        assert "ads_management" in change.meta_push_result
        assert TOKEN not in change.meta_push_result
    assert fake.campaigns["c_idr"]["daily_budget"] == "500000"


def test_reconciliation_matches_meta_then_flags_a_restatement(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(migrated_url)
    with session_scope(migrated_url) as s:
        results = {r.account_id: r for r in reconcile_month(s, SINCE, account_spend, now=NOW)}
    assert results["111"].status == "match"
    assert results["111"].meta_spend == sum(Decimal(100000 + d) for d in range(1, 32))
    assert results["333"].status == "match"
    fake.add_insight("campaign", "c_usd", "2026-10-15", spend="99.99", impressions=1500, clicks=30)
    with session_scope(migrated_url) as s:
        results = {r.account_id: r for r in reconcile_month(s, SINCE, account_spend, now=NOW)}
    assert results["333"].status == "difference"
    assert results["333"].difference is not None
    assert results["333"].explanations


def test_campaign_daily_export_equals_the_servers_data(fake: FakeGraph, migrated_url: str) -> None:
    _world(fake)
    _sync(migrated_url)
    with session_scope(migrated_url) as s:
        for day in range(1, 32):
            s.add(FxRate(date=dt.date(2026, 10, day), from_currency="IDR", to_currency="USD", rate=Decimal("0.00006")))
        buffer = io.BytesIO()
        write_export(s, LOCAL_ADMIN, "campaign-daily", SINCE, UNTIL, "USD", buffer, bom=False, now=NOW)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert len(rows) == 62
    names = {"c_idr": 'Payday, "big" sale', "c_usd": "'=US launch"}
    for row in rows:
        server = fake.insights[("campaign", row["campaign_id"], row["date"])]
        assert row["campaign_name"] == names[row["campaign_id"]]
        assert Decimal(row["spend"]) == Decimal(server["spend"])
        assert int(row["impressions"]) == server["impressions"]
        assert int(row["clicks"]) == server["clicks"]
        expected = int(dt.date.fromisoformat(row["date"]).day % 4) if row["campaign_id"] == "c_idr" else 0
        assert Decimal(row["conversions"]) == expected
    assert {r["currency"] for r in rows} == {"IDR", "USD"}
    assert all("." not in r["spend"] for r in rows if r["currency"] == "IDR")
