"""Migration 0014 (account name key) on a database holding ad accounts, same-named ones among them: accounts created
from files get their name key, the older of two same-named ones keeps it and the other none (named in the log,
its name untouched), API accounts get none; the unique index then refuses a new same-named file account. Going
down drops the index and the column and nothing else."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from campaigns.account_names import name_key
from campaigns.models import AdAccount
from db.engine import get_engine, session_scope
from migrations.migrate import alembic_config

ACCOUNTS = [  # id, platform, account_id, name, source
    (1, "meta", "111", "Toko Kopi", "meta_api"),
    (2, "meta", "csv-toko-kopi", "Toko Kopi", "ads_manager_csv"),  # like the API account: allowed before
    (3, "meta", "csv-toko-kopi-2", " TOKO  kopi", "ads_manager_csv"),  # the same name again
    (4, "tiktok", "csv-toko-kopi", "toko kopi", "tiktok_file"),  # another platform
    (5, "google", "csv-acme", "Acme", "google_ads_file"),
]


def _accounts(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text("SELECT id, name, source FROM ad_account ORDER BY id"))]


def test_the_account_name_key_migration_up_and_down(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0013_payment_refunds")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        for ident, platform, account_id, name, source in ACCOUNTS:
            conn.execute(
                sa.text(
                    "INSERT INTO ad_account (id, platform, account_id, name, currency, timezone_name, source, "
                    "sync_enabled, version_id, created_at, updated_at) VALUES (:id, :platform, :account_id, :name, "
                    "'IDR', 'Asia/Jakarta', :source, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": ident, "platform": platform, "account_id": account_id, "name": name, "source": source},
            )
        before = _accounts(conn)
    with caplog.at_level(logging.WARNING):
        command.upgrade(config, "0014_account_name_key")
    with engine.connect() as conn:
        assert _accounts(conn) == before  # no account renamed or removed
        keys = dict(conn.execute(sa.text("SELECT id, name_key FROM ad_account")).all())
        indexes = {i["name"]: i for i in sa.inspect(conn).get_indexes("ad_account")}
    assert keys == {1: None, 2: name_key("Toko Kopi"), 3: None, 4: name_key("toko kopi"), 5: name_key("Acme")}
    assert indexes["uq_ad_account_platform_name_key"]["unique"]
    assert indexes["uq_ad_account_platform_name_key"]["column_names"] == ["platform", "name_key"]
    assert "Ad account #3 ' TOKO  kopi' (meta) has the name of ad account #2 'Toko Kopi'" in caplog.text
    with pytest.raises(IntegrityError), session_scope(database_url) as s:
        s.add(AdAccount(account_id="csv-x", name="toko KOPI", currency="IDR", source="ads_manager_csv"))
    with session_scope(database_url) as s:  # renaming the unkeyed one gives it a key like any account
        s.get(AdAccount, 3).name = "Toko Kopi Cabang"
    with session_scope(database_url) as s:
        assert s.get(AdAccount, 3).name_key == name_key("toko kopi cabang")
    command.downgrade(config, "0013_payment_refunds")
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert "name_key" not in {c["name"] for c in inspector.get_columns("ad_account")}
        assert "uq_ad_account_platform_name_key" not in {i["name"] for i in inspector.get_indexes("ad_account")}
        assert len(_accounts(conn)) == len(ACCOUNTS)
    command.upgrade(config, "head")
