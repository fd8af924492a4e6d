"""Core inserts skip the ORM's before_flush text rule, so they apply the same rule to their rows
(db.text.store_rows): the influencer import's bulk insert and the insights' bulk upsert, on SQLite and
PostgreSQL. A bidi override or an escape sequence is removed; a NUL is a FieldErrors naming the column and nothing
is written; text a platform's API sends (a sync session) has the NUL shown as ␀ instead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from campaigns.insight_store import upsert_rows
from campaigns.models import CampaignInsight
from db.engine import session_scope
from db.errors import FieldErrors
from db.roles import Actor
from db.text import FROM_API, store_rows
from influencers.contacts import ContactInput, HandleInput
from influencers.csv_import import _insert_new, apply_import, preview_import
from influencers.models import Influencer, InfluencerLabel, SocialHandle
from tests import builders

ADMIN = Actor("admin@example.com", "admin")
DAY = dt.date(2026, 11, 2)


def test_rows_that_need_nothing_come_back_as_they_are() -> None:
    rows = [{"name": "Ayu", "notes": "a\n\tb"}, {"name": "Budi", "notes": None}]
    assert store_rows(Influencer.__table__, rows) is rows
    tuples = [("IDR", "meta_api", 1)]
    assert store_rows(CampaignInsight.__table__, tuples, ("currency", "source", "impressions")) is tuples


def test_the_import_bulk_insert_removes_bidi_and_escapes_and_refuses_a_nul(migrated_url: str) -> None:
    # What reaches the Core insert when a caller skipped the reader's cleaning (another importer, a script).
    hostile = ContactInput(
        name="Ayu \u202eLestari\x1b[31m",
        notes="kontrak\u2066 baru",
        tags=["vip\u202e"],
        handles={"instagram": HandleInput(handle="ayu.lestari")},
    )
    with session_scope(migrated_url) as s:
        _insert_new(s, ADMIN, [hostile])
    with session_scope(migrated_url) as s:
        person = s.scalars(select(Influencer)).one()
        assert (person.name, person.notes) == ("Ayu Lestari", "kontrak baru")
        assert s.scalars(select(InfluencerLabel.value)).all() == ["vip"]
        assert s.scalar(select(func.count(SocialHandle.id))) == 1

    with pytest.raises(FieldErrors) as caught, session_scope(migrated_url) as s:
        _insert_new(s, ADMIN, [ContactInput(name="Budi\x00 Santoso")])
    assert caught.value.errors == {
        "name": "name contains the invisible control character U+0000 at position 5; remove it."
    }
    with session_scope(migrated_url) as s:
        assert s.scalars(select(Influencer.name)).all() == ["Ayu Lestari"]  # nothing of Budi was written


def test_a_csv_import_stores_names_without_bidi_overrides(migrated_url: str) -> None:
    data = "Name,Email,Instagram\nRara \u202eSatu,rara@example.com,rara.satu\n".encode()
    with session_scope(migrated_url) as s:
        preview = preview_import(s, data, file_name="kreator.csv")
        assert apply_import(s, ADMIN, preview)["imported"] == 1
    with session_scope(migrated_url) as s:
        assert s.scalars(select(Influencer.name)).all() == ["Rara Satu"]


def _insight(campaign_id: int, currency: str, source: str) -> dict:
    return {
        "campaign_id": campaign_id,
        "date": DAY,
        "currency": currency,
        "spend": Decimal("1000"),
        "impressions": 10,
        "clicks": 1,
        "conversions": Decimal("0"),
        "conversion_value": Decimal("0"),
        "source": source,
        "synced_at": dt.datetime(2026, 11, 3, tzinfo=dt.UTC),
    }


def test_the_insights_bulk_upsert_cleans_text_like_the_orm(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        campaign_id = builders.campaign(s, builders.account(s)).id
    with session_scope(migrated_url) as s:
        upsert_rows(s, CampaignInsight, ("campaign_id", "date"), [_insight(campaign_id, "ID\u202eR", "csv\x1b[2J")])
    with session_scope(migrated_url) as s:
        assert s.execute(select(CampaignInsight.currency, CampaignInsight.source)).one() == ("IDR", "csv")

    with pytest.raises(FieldErrors) as caught, session_scope(migrated_url) as s:
        upsert_rows(s, CampaignInsight, ("campaign_id", "date"), [_insight(campaign_id, "IDR", "c\x00sv")])
    assert set(caught.value.errors) == {"source"}
    with session_scope(migrated_url) as s:
        assert s.scalar(select(CampaignInsight.source)) == "csv"  # the refused row changed nothing

    with session_scope(migrated_url) as s:
        s.info[FROM_API] = True  # a sync: the platform keeps sending it, so it is shown, not refused
        upsert_rows(s, CampaignInsight, ("campaign_id", "date"), [_insight(campaign_id, "IDR", "api\x00")])
    with session_scope(migrated_url) as s:
        assert s.scalar(select(CampaignInsight.source)) == "api\u2400"
