"""Promo code sales per shop (influencers/promo_sales.py `shop=`): a program's codes sell on several shops at once,
so a TikTok Shop file of November adds to November's Shopee sales, and re-importing the Shopee file replaces only
Shopee's. Totals per creator (ROI, commission) add up every shop's, whatever order the files come in. The shop
codes, the shop a file's shape suggests, the merge of two creators, and the command line's --shop. Every data
test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.errors import FieldErrors
from db.models import AuditEntry
from influencers import roi
from influencers.models import SHOPS, PromoSale
from influencers.promo_sales import (
    import_promo_sales,
    sales_by_creator,
    sales_by_shop,
    shop_code,
    suggested_shop,
)
from tests import builders as b
from tests.influencers import test_promo_sales as base
from tests.influencers.conftest import SPECIALIST

D = dt.date
shop = base.shop  # the IDR program with Ayu (KOPIAYU, 10% commission) and Budi (KOPIBUDI)

# November on Shopee (a hand-made export by day) and on TikTok Shop (the same days, other orders)
SHOPEE_NOV = (
    b"code,date,orders,revenue\nKOPIAYU,2026-11-03,2,200000\nKOPIAYU,2026-11-20,1,100000\nKOPIBUDI,2026-11-03,1,50000\n"
)
TIKTOK_NOV = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,3,450000\nKOPIBUDI,2026-11-28,2,80000\n"


def _by_shop(session, collab_id: int) -> dict[str, tuple[int, Decimal]]:
    rows = session.execute(
        select(PromoSale.shop, func.sum(PromoSale.orders), func.sum(PromoSale.revenue))
        .where(PromoSale.collaboration_id == collab_id)
        .group_by(PromoSale.shop)
    )
    return {s: (int(o), Decimal(r)) for s, o, r in rows}


def _creator(session, program_id: int, name: str) -> tuple[int, Decimal]:
    results = roi.collaboration_results(session, program_id=program_id).set_index("influencer")
    return int(results.loc[name, "conversions"]), Decimal(results.loc[name, "revenue"])


def test_a_tiktok_shop_file_after_the_shopee_file_of_the_same_month_adds_up(session, shop) -> None:
    program, ayu, _budi = shop
    first = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    second = import_promo_sales(session, SPECIALIST, program.id, TIKTOK_NOV, shop="tiktok_shop")
    assert (first.replaced, first.other_shops) == (0, 0)
    # the TikTok file covers 3-28 November: Shopee's three rows of those days stay
    assert (second.replaced, second.other_shops) == (0, 3)
    assert _by_shop(session, ayu.id) == {
        "shopee": (3, Decimal("300000")),
        "tiktok_shop": (3, Decimal("450000")),
    }
    # ROI and commission count every shop's sales: Ayu 6 orders, Rp750.000; 10% of that on her fixed fee
    assert _creator(session, program.id, "Ayu") == (6, Decimal("750000"))
    assert _creator(session, program.id, "Budi") == (3, Decimal("130000"))
    results = roi.collaboration_results(session, program_id=program.id).set_index("influencer")
    assert results.loc["Ayu", "fee_cost"] == Decimal("1000000") + Decimal("75000")
    assert roi.program_summary(session, program.id).loc[0, "creator_conversions"] == 9
    # the sales table: a row per creator and shop; the breakdown: a row per shop
    table = sales_by_creator(session, program.id)
    assert [(r.influencer, r.shop, r.orders, r.revenue) for r in table.itertuples()] == [
        ("Ayu", "shopee", 3, Decimal("300000")),
        ("Ayu", "tiktok_shop", 3, Decimal("450000")),
        ("Budi", "shopee", 1, Decimal("50000")),
        ("Budi", "tiktok_shop", 2, Decimal("80000")),
    ]
    assert set(table["source_file"]) == {"sales.csv"}
    shops = sales_by_shop(session, program.id)
    assert [tuple(r) for r in shops.itertuples(index=False)] == [
        ("shopee", "IDR", 2, 4, Decimal("350000")),
        ("tiktok_shop", "IDR", 2, 5, Decimal("530000")),
    ]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promo_sale")).all()
    assert [a.after["shop"] for a in audit] == ["shopee", "tiktok_shop"]


def test_re_importing_a_shops_file_replaces_that_shops_sales_only(session, shop) -> None:
    program, ayu, budi = shop
    import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    import_promo_sales(session, SPECIALIST, program.id, TIKTOK_NOV, shop="tiktok_shop")
    corrected = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,90000\nKOPIAYU,2026-11-20,1,100000\n"
    again = import_promo_sales(session, SPECIALIST, program.id, corrected, shop=" SHOPEE ")  # trimmed, any case
    assert again.shop == "shopee"
    # Shopee's three rows of 3-20 November are replaced (Ayu's two days, Budi's 3 Nov); TikTok's 3 Nov stays
    assert (again.replaced, again.other_shops) == (3, 1)
    assert _by_shop(session, ayu.id) == {
        "shopee": (2, Decimal("190000")),
        "tiktok_shop": (3, Decimal("450000")),
    }
    # Budi's Shopee day (3 Nov) was in the corrected file's period without a row: he has no Shopee sales then
    assert _by_shop(session, budi.id) == {"tiktok_shop": (2, Decimal("80000"))}
    # the same file twice: never counted twice
    import_promo_sales(session, SPECIALIST, program.id, TIKTOK_NOV, shop="TikTok Shop")
    assert _creator(session, program.id, "Ayu") == (5, Decimal("640000"))


def test_a_stored_period_another_shop_holds_across_the_file_refuses_nothing(session, shop) -> None:
    program, _ayu, _budi = shop
    # Tokopedia by month, Shopee by day inside that month: different shops, so no "covers only in part"
    import_promo_sales(
        session, SPECIALIST, program.id, b"code,month,orders,revenue\nKOPIAYU,2026-11,9,900000\n", shop="tokopedia"
    )
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    assert report.written
    assert report.other_shops == 1
    assert _creator(session, program.id, "Ayu") == (12, Decimal("1200000"))
    # the same shop's days inside its stored month are still refused
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="tokopedia")
    assert "stored as one period that this file covers only in part" in refused.value.errors["file"]


SHOP_FILES = ("shopee", "tokopedia", "tiktok_shop")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.fixed_dictionaries(
        {
            name: st.tuples(
                st.booleans(),  # by month (one row per creator) rather than by day
                st.lists(
                    st.tuples(
                        st.sampled_from(["A", "B"]), st.integers(1, 30), st.integers(0, 9), st.integers(0, 10**6)
                    ),
                    min_size=1,
                    max_size=6,
                ),
            )
            for name in SHOP_FILES
        }
    ),
    order=st.lists(st.sampled_from(SHOP_FILES), min_size=3, max_size=6).filter(lambda o: set(o) == set(SHOP_FILES)),
)
def test_any_order_of_the_shops_files_gives_the_same_totals(session, files, order) -> None:
    program = b.program(session, currency="IDR")
    b.collaboration(session, program, b.influencer(session, name="A"), promo_code="CODEA")
    b.collaboration(session, program, b.influencer(session, name="B"), promo_code="CODEB")
    session.flush()
    data: dict[str, bytes] = {}
    expected = {"A": (0, Decimal(0)), "B": (0, Decimal(0))}
    for name, (monthly, rows) in files.items():
        if monthly:
            sums: dict[str, tuple[int, int]] = {}
            for who, _day, orders, revenue in rows:
                o, r = sums.get(who, (0, 0))
                sums[who] = (o + orders, r + revenue)
            lines = [f"CODE{who},2026-11,{o},{r}" for who, (o, r) in sorted(sums.items())]
            data[name] = "\n".join(["code,month,orders,revenue", *lines]).encode()
        else:
            lines = [f"code{who},2026-11-{day:02d},{o},{r}" for who, day, o, r in rows]
            data[name] = "\n".join(["code,date,orders,revenue", *lines]).encode()
        for who, _day, orders, revenue in rows:
            o, r = expected[who]
            expected[who] = (o + orders, r + Decimal(revenue))
    for name in order:  # every shop at least once, some again: a re-import replaces, never adds
        import_promo_sales(session, SPECIALIST, program.id, data[name], shop=name)
    results = roi.collaboration_results(session, program_id=program.id).set_index("influencer")
    sold = {who for rows in (r for _m, r in files.values()) for who, *_rest in rows}
    for who, (orders, revenue) in expected.items():
        if who in sold:
            assert (results.loc[who, "conversions"], results.loc[who, "revenue"]) == (orders, revenue)
        else:  # no row in any shop's file: no promo sales, nothing attributed
            assert results.loc[who, "conversions"] is None
    shops = sales_by_shop(session, program.id)
    assert int(sum(shops["orders"])) == sum(o for o, _r in expected.values())
    assert sum(shops["revenue"], Decimal(0)) == sum((r for _o, r in expected.values()), Decimal(0))


def test_the_shop_is_required_and_read_as_a_code() -> None:
    assert shop_code("shopee") == "shopee"
    assert shop_code("  TikTok Shop ") == "tiktok_shop"
    assert shop_code("tiktok-shop") == "tiktok_shop"
    assert shop_code("WooCommerce") == "woocommerce"
    with pytest.raises(FieldErrors) as missing:
        shop_code("  ")
    assert missing.value.errors["shop"] == (
        "say which shop the sales are from: one of shopee, tokopedia, tiktok_shop, lazada, blibli, shopify, "
        "woocommerce, website, other"
    )
    with pytest.raises(FieldErrors) as unknown:
        shop_code("Bukalapak")
    assert unknown.value.errors["shop"].startswith("Bukalapak is not a shop; use one of shopee, tokopedia")


def test_an_import_without_a_known_shop_is_refused_and_writes_nothing(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(TypeError):
        import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV)  # type: ignore[call-arg]
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="bukalapak")
    assert "bukalapak is not a shop" in refused.value.errors["shop"]
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_shopify_report_or_a_woocommerce_export_suggests_its_shop() -> None:
    assert suggested_shop(base.SHOPIFY, "sales_by_discount.csv") == "shopify"
    assert suggested_shop(base.WOOCOMMERCE, "orders.csv") == "woocommerce"
    # the marketplaces' exports and hand-made sheets suggest nothing: the person chooses
    assert suggested_shop(base.SHOPEE, "Order.all.csv") is None
    assert suggested_shop(base.TIKTOK, "tiktok.csv") is None
    assert suggested_shop(base.BAHASA, "penjualan.csv") is None
    assert suggested_shop(b"\x00\x01 not a table", "x.xlsx") is None
    assert set(SHOPS) >= {"shopify", "woocommerce"}


def test_merging_two_creators_keeps_each_sales_shop_and_adds_up_the_same_shops(session, shop) -> None:
    from influencers.contacts import merge_influencers

    program, ayu, budi = shop
    import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    import_promo_sales(session, SPECIALIST, program.id, TIKTOK_NOV, shop="tiktok_shop")
    merge_influencers(session, SPECIALIST, ayu.influencer_id, budi.influencer_id)
    session.flush()
    session.expire_all()
    [kept] = roi.collaboration_results(session, program_id=program.id)["collaboration_id"]
    # Shopee 3 Nov: Ayu's 2 and Budi's 1 under both codes add up; TikTok's days stay TikTok's
    assert _by_shop(session, kept) == {
        "shopee": (4, Decimal("350000")),
        "tiktok_shop": (5, Decimal("530000")),
    }
    rows = session.execute(
        select(PromoSale.shop, PromoSale.period_start, PromoSale.orders)
        .where(PromoSale.collaboration_id == kept)
        .order_by(PromoSale.shop, PromoSale.period_start)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("shopee", D(2026, 11, 3), 3),
        ("shopee", D(2026, 11, 20), 1),
        ("tiktok_shop", D(2026, 11, 3), 3),
        ("tiktok_shop", D(2026, 11, 28), 2),
    ]


def test_the_command_line_needs_a_known_shop(migrated_url: str, tmp_path) -> None:
    from db.engine import session_scope
    from tests.cli_run import run_cli

    program_id, ayu_id = base._cli_program(migrated_url)
    shopee, tiktok = tmp_path / "shopee.csv", tmp_path / "tiktok.csv"
    shopee.write_bytes(SHOPEE_NOV)
    tiktok.write_bytes(TIKTOK_NOV)
    missing = run_cli("import", "promo-sales", "--program", str(program_id), str(shopee))
    assert missing.returncode == 2
    assert missing.stderr == (
        b"error: --shop: say which shop the sales are from: one of shopee, tokopedia, tiktok_shop, lazada, blibli, "
        b"shopify, woocommerce, website, other\n"
    )
    unknown = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "bukalapak", str(shopee))
    assert unknown.returncode == 2
    assert b"error: --shop: bukalapak is not a shop; use one of shopee, tokopedia, tiktok_shop" in unknown.stderr
    assert b"Traceback" not in missing.stderr + unknown.stderr
    done = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "shopee", str(shopee))
    assert done.returncode == 0, done.stderr
    both = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(tiktok))
    assert both.returncode == 0, both.stderr
    assert (
        b"Imported for 2026-11-03..2026-11-28 from tiktok_shop: 2 sale rows (5 orders), 0 stored rows of tiktok_shop "
        b"replaced, 3 stored rows of other shops kept" in both.stdout
    )
    with session_scope(migrated_url) as s:
        assert _by_shop(s, ayu_id) == {"shopee": (3, Decimal("300000")), "tiktok_shop": (3, Decimal("450000"))}
