"""The platform dimension: the migration turns existing rows into Meta rows and makes account ids unique per
platform; campaigns and ad sets take their parent's platform; queries and filters by platform; conversion events
and defaults per platform; and the Campaigns page's platform filter, column and per-platform conversion editor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from campaigns import performance, queries
from campaigns.conversion_definitions import DefinitionError, account_definitions, set_conversion_definition
from campaigns.conversions import conversion_events, count_conversions, default_events
from campaigns.models import AdAccount, AdSet, Campaign, CampaignInsight
from campaigns.platforms import PLATFORMS, UnknownPlatform, platform_code
from campaigns.tiktok_writer import raw_actions
from db.engine import get_engine, session_scope
from db.roles import CLI_ACTOR
from migrations.migrate import alembic_config
from pages.components import terms

D = dt.date


# -- the migration ------------------------------------------------------------------------------------


def test_the_migration_turns_every_existing_row_into_meta_and_keys_ids_per_platform(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0005_pacing")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO ad_account (id, account_id, name, currency, timezone_name, source, sync_enabled, "
                "version_id, created_at, updated_at) VALUES (101, '7100000000000000001', 'Toko ID', 'IDR', "
                "'Asia/Jakarta', 'meta_api', :yes, 1, :now, :now)"
            ),
            {"yes": True, "now": dt.datetime(2026, 1, 1)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO campaign (id, account_id, meta_id, name, currency, daily_budget, source, version_id, "
                "created_at, updated_at) VALUES (201, 101, '120', 'Sale', 'IDR', 1250000, 'meta_api', 1, :now, :now)"
            ),
            {"now": dt.datetime(2026, 1, 1)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO ad_set (id, campaign_id, meta_id, name, currency, source, version_id, created_at, "
                "updated_at) VALUES (301, 201, '121', 'Broad', 'IDR', 'meta_api', 1, :now, :now)"
            ),
            {"now": dt.datetime(2026, 1, 1)},
        )
        for table, key, pk in (("campaign_insight", "campaign_id", 201), ("ad_set_insight", "ad_set_id", 301)):
            conn.execute(
                sa.text(
                    f"INSERT INTO {table} ({key}, date, currency, spend, impressions, clicks, conversions, "
                    "conversion_value, source, synced_at) VALUES (:pk, :day, 'IDR', 125000, 10, 1, 0, 0, 'meta_api', "
                    ":now)"
                ),
                {"pk": pk, "day": D(2026, 1, 2), "now": dt.datetime(2026, 1, 3)},
            )
        conn.execute(
            sa.text("INSERT INTO sync_run (account_id, kind, started_at, status, requests, objects, rows) "
                    "VALUES (101, 'meta_api', :now, 'success', 3, 2, 2)"),
            {"now": dt.datetime(2026, 1, 3)},
        )  # fmt: skip
    command.upgrade(config, "0007_platforms")
    with engine.connect() as conn:
        # Rebuilding the parent tables deleted none of their children (no cascade) and left no broken reference.
        for table in ("campaign_insight", "ad_set_insight", "sync_run", "ad_set"):
            assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 1, table
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforced again afterwards
    command.upgrade(config, "head")  # the models are the newest schema (0014 adds ad_account.name_key)
    with session_scope(database_url) as s:
        account = s.get(AdAccount, 101)
        assert account.platform == "meta"
        assert (account.name, account.currency, account.timezone_name) == ("Toko ID", "IDR", "Asia/Jakarta")
        campaign = s.get(Campaign, 201)
        assert (campaign.platform, campaign.daily_budget, campaign.meta_id) == ("meta", Decimal("1250000"), "120")
        assert s.get(AdSet, 301).platform == "meta"
        # The same id on another platform is another account; on the same platform it is refused.
        s.add(AdAccount(platform="tiktok", account_id="7100000000000000001", name="Toko TikTok", currency="IDR"))
        s.flush()
    for refused in (
        AdAccount(platform="meta", account_id="7100000000000000001", name="Again", currency="IDR"),  # same key
        AdAccount(platform="snapchat", account_id="1", name="Not a platform", currency="USD"),  # check constraint
    ):
        with session_scope(database_url) as s:
            s.add(refused)
            with pytest.raises(IntegrityError):
                s.flush()
            s.rollback()
    # Back down only without other platforms' accounts (the old schema could not tell them apart).
    with pytest.raises(RuntimeError, match="not Meta accounts"):
        command.downgrade(config, "0005_pacing")
    with session_scope(database_url) as s:
        s.execute(sa.delete(AdAccount).where(AdAccount.platform == "tiktok"))
    command.downgrade(config, "0005_pacing")
    with engine.connect() as conn:
        assert "platform" not in {c["name"] for c in sa.inspect(conn).get_columns("ad_account")}
        assert conn.scalar(sa.text("SELECT name FROM ad_account")) == "Toko ID"


def test_campaigns_and_ad_sets_take_their_parents_platform(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        tiktok = AdAccount(platform="tiktok", account_id="71", name="Toko TikTok", currency="IDR")
        meta = AdAccount(account_id="71", name="Toko Meta", currency="IDR")
        s.add_all([tiktok, meta])
        s.flush()
        assert meta.platform == "meta"
        campaigns = [Campaign(account_id=a.id, name=f"C {a.name}", currency="IDR") for a in (tiktok, meta)]
        s.add_all(campaigns)
        s.flush()
        assert [c.platform for c in campaigns] == ["tiktok", "meta"]
        ad_set = AdSet(campaign_id=campaigns[0].id, name="Group", currency="IDR")
        s.add(ad_set)
        s.flush()
        assert ad_set.platform == "tiktok"


def test_platform_codes_and_their_labels() -> None:
    assert platform_code(" TikTok ") == "tiktok"
    with pytest.raises(UnknownPlatform, match="snapchat is not an ad platform"):
        platform_code("snapchat")
    assert set(terms.AD_PLATFORM_LABELS) == set(PLATFORMS)  # every platform has words on the pages
    assert terms.SYNC_KIND_LABELS["tiktok_api"] == "TikTok API sync"


# -- conversions per platform -------------------------------------------------------------------------


def test_each_platform_has_its_events_and_defaults_by_objective() -> None:
    assert set(conversion_events("tiktok")) == {
        "complete_payment",
        "submit_form",
        "instant_form",
        "app_install",
        "optimization_event",
    }
    assert default_events("PRODUCT_SALES", "tiktok") == ("complete_payment",)
    assert default_events("LEAD_GENERATION", "tiktok") == ("instant_form",)
    assert default_events("APP_PROMOTION", "tiktok") == ("app_install",)
    assert default_events("REACH", "tiktok") == ()
    assert default_events("LEAD_GENERATION") == ("lead",)  # Meta's legacy objective, Meta's event
    assert default_events("PERFORMANCE_MAX", "google") == ("conversions",)  # Google's column, whatever the type
    assert default_events("Lead generation", "linkedin") == ("leads",)
    assert default_events("WEBSITE_VISIT", "linkedin") == ()
    # a campaign with no objective (a report file names none) counts the column the platform labels Conversions
    assert default_events(None, "tiktok") == ("optimization_event",)
    assert default_events(" ", "linkedin") == ("conversions",)
    assert default_events(None, "google") == ("conversions",)
    assert default_events(None) == ()  # Meta: Ads Manager files carry the objective or the result indicator
    # TikTok's metrics as raw action lists: each event counted from its own metric, value from its value metric.
    row = {"complete_payment": 3, "total_complete_payment_rate": Decimal("450000.00"), "form": 2, "conversion": 5}
    actions, values = raw_actions(row)
    assert count_conversions(actions, values, ("complete_payment",), "tiktok") == (Decimal(3), Decimal("450000.00"))
    assert count_conversions(actions, values, ("submit_form", "complete_payment"), "tiktok")[0] == Decimal(5)
    assert count_conversions(actions, values, ("app_install",), "tiktok") == (Decimal(0), Decimal(0))
    google = [{"action_type": "conversions", "value": "2.5"}, {"action_type": "all_conversions", "value": "4"}]
    assert count_conversions(google, None, ("conversions",), "google")[0] == Decimal("2.5")


def test_a_definition_takes_only_its_platforms_events_and_recomputes(demo_url: str) -> None:
    with session_scope(demo_url) as s:
        tiktok = s.scalar(select(AdAccount).where(AdAccount.platform == "tiktok"))
        with pytest.raises(DefinitionError, match="Unknown conversion event\\(s\\) for tiktok: purchase"):
            set_conversion_definition(s, CLI_ACTOR, ["purchase"], account_id=tiktok.id)
        changed = set_conversion_definition(s, CLI_ACTOR, ["complete_payment", "submit_form"], account_id=tiktok.id)
        assert changed > 0
        state = account_definitions(s, tiktok.id)
        assert state.platform == "tiktok"
        assert {c.events for c in state.campaigns} == {("complete_payment", "submit_form")}
        rows = s.execute(
            select(CampaignInsight.actions, CampaignInsight.action_values, CampaignInsight.conversions)
            .join(Campaign)
            .where(Campaign.account_id == tiktok.id)
        ).all()
        events = ("complete_payment", "submit_form")
        assert all(count_conversions(a, v, events, "tiktok")[0] == c for a, v, c in rows)
        forms = sum(count_conversions(a, v, ("submit_form",), "tiktok")[0] for a, v, _c in rows)
        assert forms > 0  # the website forms are counted now, from the stored rows (no re-sync)


# -- queries and filters by platform ------------------------------------------------------------------


def test_filters_and_totals_by_platform(demo_url: str) -> None:
    today = dt.date.today()
    since, until = today - dt.timedelta(days=40), today
    with session_scope(demo_url) as s:
        options = performance.filter_options(s)
        assert options["platforms"] == ["meta", "tiktok", "google"]
        every = performance.campaign_performance(s, performance.CampaignFilters(since, until))
        assert set(every["platform"]) == {"meta", "tiktok", "google"}
        tiktok = performance.campaign_performance(s, performance.CampaignFilters(since, until, platforms=("tiktok",)))
        assert len(tiktok) == 6
        assert set(tiktok["platform"]) == {"tiktok"}
        assert set(tiktok["account"]) == {"Kopi Nusantara TikTok"}
        table = queries.campaign_table(s, since, until, platforms=("google", "tiktok"))
        assert sorted(table["platform"].unique()) == ["google", "tiktok"]
        side_by_side = queries.spend_by_platform(s, since, until)
        assert list(side_by_side["platform"].unique()) == ["meta", "tiktok", "google"]
        for platform in ("tiktok", "google"):
            (row,) = side_by_side[side_by_side["platform"] == platform].itertuples()
            expected = s.scalar(
                select(func.sum(CampaignInsight.spend))
                .join(Campaign)
                .where(Campaign.platform == platform, CampaignInsight.date.between(since, until))
            )
            assert (row.currency, Decimal(str(row.spend))) == ("IDR", Decimal(str(expected)))
            if platform == "tiktok":  # the same figure as the Campaigns table's TikTok rows
                assert sum(tiktok["spend"], Decimal(0)) == Decimal(str(expected))
        idr_meta_only = queries.spend_by_currency(s, since, until, platforms=("meta",))
        idr_all = queries.spend_by_currency(s, since, until)
        meta_idr = idr_meta_only[idr_meta_only["currency"] == "IDR"]["spend"].iloc[0]
        all_idr = idr_all[idr_all["currency"] == "IDR"]["spend"].iloc[0]
        assert Decimal(str(all_idr)) > Decimal(str(meta_idr))
        assert queries.platforms_present(s) == ["meta", "tiktok", "google"]


# -- the Campaigns page -------------------------------------------------------------------------------


def _open(app_test):
    at = app_test(timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/campaigns/campaigns.py").run()
    assert not at.exception, at.exception
    return at


def test_the_campaigns_page_filters_and_shows_the_platform(demo_url: str, app_test) -> None:
    at = _open(app_test)
    table = at.dataframe(key="campaigns_table").value
    assert set(table["Platform"]) == {"Meta", "TikTok", "Google Ads"}
    assert at.multiselect(key="campaigns_platforms").options == ["Meta", "TikTok", "Google Ads"]
    at.multiselect(key="campaigns_platforms").select("tiktok").run()
    assert not at.exception, at.exception
    table = at.dataframe(key="campaigns_table").value
    assert len(table) == 6
    assert set(table["Platform"]) == {"TikTok"}
    assert all(v.startswith("IDR") for v in table["Spend"])


def test_the_conversion_editor_offers_the_accounts_platform_events(demo_url: str, app_test) -> None:
    at = _open(app_test)
    with session_scope() as s:
        tiktok = s.scalar(select(AdAccount.id).where(AdAccount.platform == "tiktok"))
    at.selectbox(key="conv_def_account").select(tiktok).run()
    assert not at.exception, at.exception
    choices = at.multiselect(key=f"conv_def_events_{tiktok}_account").options
    assert "Complete payments" in choices
    assert "Purchases" not in choices
    reference = next(d.value for d in at.dataframe if "Report columns" in d.value.columns)
    assert "total_complete_payment_rate" not in set(reference["Report columns"])  # values travel with counts
    assert "complete_payment" in set(reference["Report columns"])
