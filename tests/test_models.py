"""The schema: migrations match the models on both databases, and models round-trip exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.engine import get_engine, session_scope
from finance.models import FxRate
from influencers.models import Influencer, SocialHandle
from migrations.migrate import current_revision, ensure_schema, head_revision
from migrations.schema import metadata


def test_migrations_upgrade_empty_database_and_match_models(migrated_url: str) -> None:
    assert current_revision(migrated_url) == head_revision()
    with get_engine(migrated_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    tables = set(inspect(get_engine(migrated_url)).get_table_names())
    assert {"campaign_insight", "influencer", "payment", "fx_rate", "audit_log", "setting"} <= tables


def test_ensure_schema_creates_schema_once(database_url: str) -> None:
    assert current_revision(database_url) is None
    ensure_schema(database_url)
    assert current_revision(database_url) == head_revision()


def test_money_and_json_round_trip_exactly(migrated_url: str) -> None:
    actions = [{"action_type": "purchase", "value": "3"}, {"action_type": "omni_purchase", "value": "3"}]
    with session_scope(migrated_url) as s:
        account = AdAccount(account_id="42", name="Acme ID", currency="IDR", timezone_name="Asia/Jakarta")
        s.add(account)
        s.flush()
        campaign = Campaign(
            account_id=account.id,
            meta_id="120000000000000001",
            name="Payday",
            currency="IDR",
            daily_budget=Decimal("1250000"),
            start_time=dt.datetime(2026, 1, 1, 17, 0, tzinfo=dt.UTC),
        )
        s.add(campaign)
        s.flush()
        s.add(
            CampaignInsight(
                campaign_id=campaign.id,
                date=dt.date(2026, 1, 2),
                currency="IDR",
                spend=Decimal("123456.78"),
                impressions=10_000_000_000,
                clicks=5,
                actions=actions,
            )
        )
        s.add(FxRate(date=dt.date(2026, 1, 2), from_currency="IDR", to_currency="USD", rate=Decimal("0.0000615432")))
    with session_scope(migrated_url) as s:
        row = s.scalar(select(CampaignInsight))
        assert row.spend == Decimal("123456.7800")
        assert row.impressions == 10_000_000_000
        assert row.actions == actions
        campaign = s.scalar(select(Campaign))
        assert campaign.daily_budget == Decimal("1250000")
        assert campaign.start_time == dt.datetime(2026, 1, 1, 17, 0, tzinfo=dt.UTC)
        assert s.scalar(select(FxRate.rate)) == Decimal("0.0000615432")


def test_one_insight_row_per_campaign_and_day(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        account = AdAccount(account_id="1", name="A", currency="USD")
        s.add(account)
        s.flush()
        campaign = Campaign(account_id=account.id, meta_id="9", name="C", currency="USD")
        s.add(campaign)
        s.flush()
        campaign_id = campaign.id
        s.add(CampaignInsight(campaign_id=campaign_id, date=dt.date(2026, 1, 1), currency="USD"))
    with pytest.raises(IntegrityError), session_scope(migrated_url) as s:
        s.add(CampaignInsight(campaign_id=campaign_id, date=dt.date(2026, 1, 1), currency="USD"))


def test_handles_unique_per_platform(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        s.add(Influencer(name="Ayu", handles=[SocialHandle(platform="instagram", handle="ayu")]))
    with pytest.raises(IntegrityError), session_scope(migrated_url) as s:
        s.add(Influencer(name="Ayu 2", handles=[SocialHandle(platform="instagram", handle="ayu")]))
    with session_scope(migrated_url) as s:
        s.add(Influencer(name="Ayu 3", handles=[SocialHandle(platform="tiktok", handle="ayu")]))


def test_edited_records_refuse_stale_saves(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        s.add(Influencer(name="Budi"))
    with session_scope(migrated_url) as first, session_scope(migrated_url) as second:
        a = first.scalar(select(Influencer))
        b = second.scalar(select(Influencer))
        a.city = "Bandung"
        first.commit()
        b.city = "Jakarta"
        with pytest.raises(StaleDataError):
            second.flush()
        second.rollback()
    with session_scope(migrated_url) as s:
        assert s.scalar(select(Influencer.city)) == "Bandung"
