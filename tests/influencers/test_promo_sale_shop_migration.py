"""Migration 0018 (promo sale shop): stored sales get a shop from their file's name (a name naming exactly one shop),
else `other`; afterwards each shop's import replaces only its own sales; going down refuses while two shops hold
one collaboration's period, then drops the column with the old unique key back. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from db.engine import get_engine, session_scope
from influencers.models import PromoSale
from influencers.promo_sales import import_promo_sales
from migrations.migrate import alembic_config
from tests import builders as b
from tests.influencers.conftest import SPECIALIST
from tests.influencers.test_promo_sales_migration import OLD_SALE, old_sale

D = dt.date
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0018_promo_sale_shop.py"


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0018", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_file_name_naming_one_shop_gives_it_else_other() -> None:
    shop_of = _migration().shop_from_file_name
    assert shop_of("Shopee-November.xlsx") == "shopee"
    assert shop_of("tiktok_orders_2026-11.csv") == "tiktok_shop"
    assert shop_of("wc-orders.csv") == "woocommerce"
    assert shop_of("sales_by_discount.csv") == "other"  # a Shopify report's usual name says no shop
    assert shop_of("shopee_vs_tokopedia.csv") == "other"  # two shops: not guessed
    assert shop_of("myshopeefile.csv") == "other"  # a part of a word is no shop's name
    assert shop_of(None) == "other"


def test_the_shop_migration_up_and_down_with_stored_sales(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0017_contract_reach")
    engine = get_engine(database_url)
    with session_scope(database_url) as s:
        program = b.program(s, currency="IDR")
        ayu = b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        budi = b.collaboration(s, program, b.influencer(s, name="Budi"), promo_code="KOPIBUDI")
        s.flush()
        program_id, ayu_id, budi_id = program.id, ayu.id, budi.id
    with engine.begin() as conn:
        conn.execute(
            sa.insert(OLD_SALE),
            [
                old_sale(ayu_id, D(2026, 11, 3), "Shopee-November.csv"),
                old_sale(ayu_id, D(2026, 11, 4), "Shopee-November.csv"),
                old_sale(budi_id, D(2026, 11, 3), "penjualan.csv"),
            ],
        )
    command.upgrade(config, "0018_promo_sale_shop")
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        shop = next(c for c in inspector.get_columns("promo_sale") if c["name"] == "shop")
        assert not shop["nullable"]
        keys = {u["name"]: u["column_names"] for u in inspector.get_unique_constraints("promo_sale")}
        assert keys == {"uq_promo_sale_collaboration_shop_period": ["collaboration_id", "shop", "period_start"]}
        rows = conn.execute(sa.text("SELECT collaboration_id, period_start, shop FROM promo_sale")).all()
    assert sorted((c, str(d)[:10], s) for c, d, s in rows) == [
        (ayu_id, "2026-11-03", "shopee"),
        (ayu_id, "2026-11-04", "shopee"),
        (budi_id, "2026-11-03", "other"),
    ]
    # after the migration a TikTok Shop file of the same days adds up; a Shopee file replaces Shopee's only
    with session_scope(database_url) as s:
        tiktok = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,100000\nKOPIBUDI,2026-11-03,1,50000\n"
        report = import_promo_sales(s, SPECIALIST, program_id, tiktok, shop="tiktok_shop")
        assert (report.replaced, report.other_shops) == (0, 2)
        shopee = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,5,500000\n"
        report = import_promo_sales(s, SPECIALIST, program_id, shopee, shop="shopee")
        assert (report.replaced, report.other_shops) == (1, 3)
    with session_scope(database_url) as s:
        stored = sorted(
            (r.collaboration_id, r.shop, r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale))
        )
    assert stored == [
        (ayu_id, "shopee", D(2026, 11, 3), 5, Decimal("500000")),
        (ayu_id, "shopee", D(2026, 11, 4), 2, Decimal("250000")),
        (ayu_id, "tiktok_shop", D(2026, 11, 3), 1, Decimal("100000")),
        (budi_id, "other", D(2026, 11, 3), 2, Decimal("250000")),
        (budi_id, "tiktok_shop", D(2026, 11, 3), 1, Decimal("50000")),
    ]
    # going down: two shops hold Ayu's and Budi's 3 November, which the old key cannot hold
    with pytest.raises(RuntimeError, match="2 promo code sale period"):
        command.downgrade(config, "0017_contract_reach")
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM promo_sale")) == 5  # nothing was changed
        conn.execute(sa.text("DELETE FROM promo_sale WHERE shop = 'tiktok_shop'"))
    command.downgrade(config, "0017_contract_reach")
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert "shop" not in {c["name"] for c in inspector.get_columns("promo_sale")}
        keys = {u["name"]: u["column_names"] for u in inspector.get_unique_constraints("promo_sale")}
        assert keys == {"uq_promo_sale_collaboration_period": ["collaboration_id", "period_start"]}
        assert conn.scalar(sa.text("SELECT count(*) FROM promo_sale")) == 3
    command.upgrade(config, "head")
