"""Promo code sales import (influencers/promo_sales.py) on files shaped like the shops' downloads: a Shopify
"Sales by discount" CSV (BOM, totals row), a Bahasa Indonesia sheet with `1.250.000` amounts, a WooCommerce orders
export, a TikTok Shop order export (English headers) and a Shopee one (Bahasa Indonesia, a title line) read with the
person's column mapping; re-import idempotence, unknown codes reported by row, another currency refused, and ROI /
commission counting the sales. Every test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.column_map import MappingError
from db.errors import FieldErrors
from db.models import AuditEntry
from db.roles import PermissionDenied
from influencers import roi
from influencers.models import PromoSale
from influencers.promo_sales import code_key, file_columns, import_promo_sales, not_sold, read_month, sales_by_creator
from tests import builders as b
from tests.influencers.conftest import SPECIALIST, VIEWER

D = dt.date

SHOPIFY = (
    "\ufeffDiscount name,Discount code,Day,Orders,Gross sales,Discounts,Returns,Net sales,Taxes,Shipping,"
    "Total sales\r\n"
    "KOPIAYU,KOPIAYU,2026-11-03,3,450000.00,-45000.00,0.00,405000.00,44550.00,30000.00,479550.00\r\n"
    "KOPIAYU,KOPIAYU,2026-11-04,1,150000.00,-15000.00,-135000.00,0.00,0.00,10000.00,10000.00\r\n"
    "KOPIBUDI,KOPIBUDI,2026-11-04,2,300000.00,-30000.00,0.00,270000.00,29700.00,20000.00,319700.00\r\n"
    "Total,,,6,900000.00,-90000.00,-135000.00,675000.00,74250.00,60000.00,809250.00\r\n"
).encode()

BAHASA = (
    "Laporan penjualan per kode promo\n"
    "Kode promo;Tanggal;Pesanan;Penjualan bersih\n"
    " kopiayu ;03/11/2026;2;1.250.000\n"
    "KopiBudi;04/11/2026;1;Rp 300.000\n"
    "WELCOME10;04/11/2026;5;2.000.000\n"
    "Jumlah;;8;3.550.000\n"
).encode("cp1252")

WOOCOMMERCE = (
    b"Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net Sales\n"
    b"2026-11-03 10:12:31,1001,Completed,Sari,new,Kopi Gayo,2,kopiayu,200000\n"
    b'2026-11-03 18:40:02,1002,Completed,Dewi,returning,"Kopi Gayo, Kopi Toraja",3,"kopiayu, freeship",350000\n'
    b"2026-11-04 09:01:00,1003,Processing,Rina,new,Kopi Toraja,1,,120000\n"
    b"2026-11-04 11:30:00,1004,Completed,Tono,new,Kopi Gayo,1,KOPIBUDI,100000\n"
)

# A TikTok Shop order export (Seller Center, Orders > Export, English): one row per order, its seller voucher code,
# the subtotal after discounts (net of discounts, before shipping) and the order amount the buyer paid (shipping
# included). Headers the vocabulary knows: Order ID, Order Status; the person maps the rest.
TIKTOK = (
    b"Order ID,Order Status,Order Substatus,Cancelation/Return Type,Created Time,Paid Time,Buyer Username,"
    b"Product Name,Quantity,SKU Subtotal After Discount,SKU Seller Discount,Seller Voucher Code,"
    b"Shipping Fee After Discount,Order Amount,Order Refund Amount\r\n"
    b"576912345678901001,Completed,Completed,,2026-11-03 10:12:31,2026-11-03 10:13:02,sari_k,Kopi Gayo 250g,2,"
    b"180000,20000,KOPIAYU,10000,190000,0\r\n"
    b"576912345678901002,Completed,Completed,,2026-11-03 19:40:02,2026-11-03 19:41:10,dewi.r,Kopi Toraja 250g,1,"
    b"95000,5000,kopiayu,10000,105000,0\r\n"
    b"576912345678901003,Cancelled,Cancelled,Cancel,2026-11-03 21:05:44,,rina_s,Kopi Gayo 250g,1,90000,10000,"
    b"KOPIAYU,10000,100000,0\r\n"
    b"576912345678901004,Completed,Delivered,,2026-11-04 09:01:00,2026-11-04 09:01:30,tono88,Kopi Gayo 1kg,1,"
    b"250000,0,KOPIBUDI,0,250000,0\r\n"
    b"576912345678901005,Shipped,In transit,,2026-11-04 11:30:00,2026-11-04 11:31:00,budi_w,Kopi Toraja 250g,1,"
    b"100000,0,,10000,110000,0\r\n"
    b"576912345678901006,Completed,Completed,,2026-11-04 13:00:00,2026-11-04 13:00:40,lina,Kopi Gayo 250g,1,"
    b"90000,10000,WELCOME10,10000,100000,0\r\n"
)
TIKTOK_MAP = {
    "Created Time": "day",
    "Seller Voucher Code": "code",
    "SKU Subtotal After Discount": "net",
    "Order Amount": "ignore",
}

# A Shopee order export (Seller Centre, Pesanan Saya > Ekspor, Bahasa Indonesia) saved as CSV by Excel on an
# Indonesian Windows: a title line, `;` between cells, `1.250.000` amounts, codes in different case, a totals row.
# Headers the vocabulary knows: No. Pesanan, Status Pesanan, Kode Voucher; the person maps the day and the sales.
SHOPEE = (
    "Daftar Pesanan - Toko Kopi Nusantara (01-11-2026 s/d 30-11-2026)\r\n"
    "No. Pesanan;Status Pesanan;Waktu Pesanan Dibuat;Nama Produk;Jumlah;Total Harga Produk;Kode Voucher;"
    "Voucher Ditanggung Penjual;Ongkos Kirim Dibayar oleh Pembeli;Total Pembayaran\r\n"
    "2611030ABCDE01;Selesai;2026-11-03 10:12;Kopi Gayo 250g;2;180.000;KOPIAYU;20.000;10.000;170.000\r\n"
    "2611030ABCDE02;Batal;2026-11-03 11:00;Kopi Gayo 250g;1;90.000;KOPIAYU;10.000;10.000;90.000\r\n"
    "2611030ABCDE03;Selesai;2026-11-03 15:30;Kopi Toraja 1kg;5;1.250.000;kopiayu;50.000;0;1.200.000\r\n"
    "2611040ABCDE04;Selesai;2026-11-04 09:05;Kopi Gayo 1kg;1;300.000;KOPIBUDI;0;10.000;310.000\r\n"
    "2611040ABCDE05;Pengembalian Barang/Dana;2026-11-04 10:00;Kopi Gayo 250g;1;90.000;KopiBudi;0;10.000;"
    "100.000\r\n"
    "2611040ABCDE06;Sedang Dikirim;2026-11-04 12:45;Kopi Toraja 250g;1;95.000;;0;10.000;105.000\r\n"
    "Total;;;;11;2.005.000;;80.000;50.000;1.975.000\r\n"
).encode("cp1252")
SHOPEE_MAP = {
    "Waktu Pesanan Dibuat": "day",
    "Total Harga Produk": "gross",
    "Voucher Ditanggung Penjual": "discounts",
}


@pytest.fixture
def shop(session):
    """An IDR program with two creators: Ayu (a commission deal, code KOPIAYU) and Budi (flat fee, KOPIBUDI)."""
    program = b.program(session, name="Kopi Launch", currency="IDR")
    ayu = b.collaboration(
        session,
        program,
        b.influencer(session, name="Ayu"),
        promo_code="KOPIAYU",
        fee_type="commission",
        fee="1000000",
        commission_rate=Decimal("10"),
        contract_date=D(2026, 10, 20),
    )
    budi = b.collaboration(
        session,
        program,
        b.influencer(session, name="Budi"),
        promo_code="KOPIBUDI",
        fee="500000",
        contract_date=D(2026, 10, 20),
    )
    session.flush()
    return program, ayu, budi


def _stored(session, collab_id: int) -> list[tuple[dt.date, dt.date, int, Decimal]]:
    rows = session.scalars(
        select(PromoSale).where(PromoSale.collaboration_id == collab_id).order_by(PromoSale.period_start)
    )
    return [(r.period_start, r.period_end, r.orders, r.revenue) for r in rows]


def _totals(session, program_id: int) -> tuple[int, Decimal]:
    frame = sales_by_creator(session, program_id)
    return int(sum(frame["orders"])), sum(frame["revenue"], Decimal(0))


def test_a_shopify_sales_by_discount_csv_is_stored_by_day_as_net_sales(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, SHOPIFY, file_name="sales_by_discount.csv", shop="shopify"
    )
    assert report.totals == 1
    assert report.rejected == 0
    assert report.unmatched == 0
    assert report.written
    assert report.span == (D(2026, 11, 3), D(2026, 11, 4))
    # net sales (gross less discounts and returns), never total sales with tax and shipping
    assert _stored(session, ayu.id) == [
        (D(2026, 11, 3), D(2026, 11, 3), 3, Decimal("405000")),
        (D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("0")),
    ]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 2, Decimal("270000"))]
    sale = session.scalars(select(PromoSale).where(PromoSale.collaboration_id == budi.id)).one()
    assert (sale.currency, sale.source_file, sale.imported_by, sale.code) == (
        "IDR",
        "sales_by_discount.csv",
        SPECIALIST.email,
        "KOPIBUDI",
    )
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promo_sale")).one()
    assert entry.action == "import"
    assert entry.actor == SPECIALIST.email
    assert entry.after["orders"] == 6
    assert entry.after["period"] == "2026-11-03..2026-11-04"


def test_without_a_net_sales_column_net_is_gross_less_discounts_and_returns(session, shop) -> None:
    program, ayu, _budi = shop
    data = b"Discount code,Month,Orders,Gross sales,Discounts,Returns\nKOPIAYU,2026-11,4,600000,-60000,-135000\n"
    import_promo_sales(session, SPECIALIST, program.id, data, shop="website")
    assert _stored(session, ayu.id) == [(D(2026, 11, 1), D(2026, 11, 30), 4, Decimal("405000"))]


def test_a_bahasa_sheet_reads_dotted_thousands_and_reports_an_unknown_code_by_row(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(session, SPECIALIST, program.id, BAHASA, file_name="penjualan.csv", shop="tokopedia")
    assert report.numbers is not None
    assert report.numbers.decimal == ","
    assert report.totals == 1
    assert report.unmatched == 1
    assert report.rejected == 0
    [(line, name, reason)] = report.problems
    assert (line, name, str(reason)) == (5, "code", "no creator in this program has the code WELCOME10")
    # codes match trimmed and case-insensitively; days are day first in a Bahasa file
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1250000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("300000"))]


def test_a_woocommerce_orders_export_adds_up_each_creators_orders_per_day(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, WOOCOMMERCE, file_name="wc-orders.csv", shop="woocommerce"
    )
    assert report.without_code == 1
    assert report.rejected == 0
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("550000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("100000"))]
    assert [sale.code for sale in report.sales] == ["kopiayu", "KOPIBUDI"]  # the creator's own of `kopiayu, x`


def test_a_cut_row_without_a_code_is_refused_not_skipped(session, shop) -> None:
    program, _ayu, _budi = shop
    cut = WOOCOMMERCE + b"2026-11-05 09:00:00,1005,Completed"  # the download stopped mid-row
    report = import_promo_sales(session, SPECIALIST, program.id, cut, shop="website")
    assert report.refused
    assert report.without_code == 1  # order 1003 only
    assert [(line, name) for line, name, _reason in report.problems] == [(6, "row")]


def test_an_order_listed_again_on_another_day_refuses_the_file_and_writes_nothing(session, shop) -> None:
    program, ayu, _budi = shop
    twice = WOOCOMMERCE + b"2026-11-05 09:00:00,1001,Completed,Sari,new,Kopi Gayo,2,kopiayu,200000\n"
    report = import_promo_sales(session, SPECIALIST, program.id, twice, shop="website")
    assert report.refused
    assert not report.written
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (6, "day", "the day differs from row 2's for the same order 1001")
    ]
    assert _stored(session, ayu.id) == []


def test_importing_the_same_file_again_replaces_its_period_never_adds(session, shop) -> None:
    program, _ayu, _budi = shop
    import_promo_sales(session, SPECIALIST, program.id, SHOPIFY, shop="shopify")
    again = import_promo_sales(session, SPECIALIST, program.id, SHOPIFY, shop="shopify")
    assert again.replaced == 3
    assert session.scalar(select(func.count(PromoSale.id))) == 3
    assert _totals(session, program.id) == (6, Decimal("675000"))


def test_a_month_file_replaces_the_days_stored_inside_it(session, shop) -> None:
    program, ayu, budi = shop
    import_promo_sales(session, SPECIALIST, program.id, SHOPIFY, shop="shopify")
    month = b"Discount code,Month,Orders,Net sales\nKOPIAYU,November 2026,9,900000\n"
    report = import_promo_sales(session, SPECIALIST, program.id, month, shop="shopify")
    assert report.replaced == 3
    assert _stored(session, ayu.id) == [(D(2026, 11, 1), D(2026, 11, 30), 9, Decimal("900000"))]
    assert _stored(session, budi.id) == []  # the month's file holds no sales of Budi: none in that month


def test_days_inside_a_stored_month_are_refused_naming_the_stored_period(session, shop) -> None:
    program, ayu, _budi = shop
    import_promo_sales(
        session, SPECIALIST, program.id, b"code,month,orders,revenue\nKOPIAYU,2026-11,9,900000\n", shop="shopify"
    )
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, SHOPIFY, shop="shopify")
    assert refused.value.errors["file"] == (
        "Ayu's sales of 2026-11-01 to 2026-11-30 are stored as one period that this file covers only in part "
        "(2026-11-03 to 2026-11-04); import a file that covers that whole period"
    )
    assert _stored(session, ayu.id) == [(D(2026, 11, 1), D(2026, 11, 30), 9, Decimal("900000"))]


def test_sales_in_another_currency_are_refused_naming_it(session, shop) -> None:
    program, _ayu, _budi = shop
    column = b"code,date,orders,revenue,currency\nKOPIAYU,2026-11-03,1,12.50,USD\nKOPIBUDI,2026-11-03,1,5000,IDR\n"
    report = import_promo_sales(session, SPECIALIST, program.id, column, shop="website")
    assert report.refused
    assert not report.written
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (2, "currency", "these sales are in USD; Ayu's collaboration is in IDR")
    ]
    header = b"Discount code,Day,Orders,Net sales (USD)\nKOPIAYU,2026-11-03,1,12.50\n"
    report = import_promo_sales(session, SPECIALIST, program.id, header, shop="website")
    assert report.refused
    assert "these sales are in USD" in str(report.problems[0][2])
    sign = b'code,date,orders,revenue\nKOPIAYU,2026-11-03,1,"$1,200.00"\n'
    report = import_promo_sales(session, SPECIALIST, program.id, sign, shop="website")
    assert report.refused
    assert report.problems[0][1] == "net"
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_file_with_total_sales_only_is_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(
            session,
            SPECIALIST,
            program.id,
            b"Discount code,Day,Orders,Total sales\nKOPIAYU,2026-11-03,1,5\n",
            shop="website",
        )
    assert "total sales only" in refused.value.errors["file"]


def test_a_file_without_dates_needs_the_period_it_covers(session, shop) -> None:
    program, ayu, _budi = shop
    undated = b"Discount code,Orders,Net sales\nKOPIAYU,3,405000\n"
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, undated, shop="website")
    assert "no day or month column" in refused.value.errors["file"]
    import_promo_sales(
        session, SPECIALIST, program.id, undated, period=(D(2026, 11, 1), D(2026, 11, 15)), shop="website"
    )
    assert _stored(session, ayu.id) == [(D(2026, 11, 1), D(2026, 11, 15), 3, Decimal("405000"))]


def test_a_dry_run_writes_nothing_and_a_viewer_may_not_import(session, shop) -> None:
    program, _ayu, _budi = shop
    preview = import_promo_sales(session, SPECIALIST, program.id, SHOPIFY, dry_run=True, shop="shopify")
    assert len(preview.sales) == 3
    assert not preview.written
    assert session.scalar(select(func.count(PromoSale.id))) == 0
    with pytest.raises(PermissionDenied):
        import_promo_sales(session, VIEWER, program.id, SHOPIFY, shop="shopify")


def test_codes_compare_trimmed_and_case_insensitively_and_months_read_in_both_languages() -> None:
    assert code_key("  KopiAyu ") == code_key("kopiayu")
    assert read_month("Januari 2026", "id") == D(2026, 1, 1)
    assert read_month("11/2026", "en_US") == D(2026, 11, 1)
    assert read_month("2026-11-01", "en_US") == D(2026, 11, 1)


def test_roi_counts_promo_orders_and_net_sales_and_commission_earns_on_them(session, shop) -> None:
    program, ayu, budi = shop
    # a figure typed on a deliverable: Ayu's is replaced by the shop's, Budi (no promo sales) keeps his own
    b.deliverable(session, ayu, status="published", url="https://x.example/1", conversions=50, revenue=Decimal("9"))
    b.deliverable(session, budi, status="published", url="https://x.example/2", conversions=7, revenue=Decimal("70000"))
    session.flush()
    import_promo_sales(
        session, SPECIALIST, program.id, BAHASA, shop="tokopedia"
    )  # Ayu 2 orders Rp1.250.000, Budi 1 order Rp300.000
    results = roi.collaboration_results(session, program_id=program.id).set_index("influencer")
    assert (results.loc["Ayu", "conversions"], results.loc["Ayu", "revenue"]) == (2, Decimal("1250000"))
    assert (results.loc["Ayu", "content_conversions"], results.loc["Ayu", "content_revenue"]) == (50, Decimal("9"))
    assert (results.loc["Budi", "conversions"], results.loc["Budi", "revenue"]) == (1, Decimal("300000"))
    # commission: 10% of the shop's net sales on top of the fixed fee
    assert results.loc["Ayu", "fee_cost"] == Decimal("1000000") + Decimal("125000")
    assert results.loc["Ayu", "cpa"] == Decimal("1125000") / 2
    summary = roi.program_summary(session, program.id)
    assert summary.loc[0, "creator_conversions"] == 3


def test_commission_never_goes_negative() -> None:
    assert roi.commission_earned("commission", Decimal("10"), Decimal("-5000")) == 0
    assert roi.commission_earned("commission", Decimal("10"), Decimal("5000")) == Decimal("500")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 20), st.integers(-50_000, 2_000_000)), min_size=1, max_size=12
    )
)
def test_sales_split_over_days_and_imported_again_give_the_same_totals(session, days) -> None:
    program = b.program(session, currency="IDR")
    collab = b.collaboration(session, program, promo_code="RANDOM")
    session.flush()
    lines = ["code,date,orders,revenue"] + [f"random,2026-11-{d:02d},{o},{r}" for d, o, r in days]
    daily = "\n".join(lines).encode()
    orders, revenue = sum(o for _d, o, _r in days), Decimal(sum(r for _d, _o, r in days))
    import_promo_sales(session, SPECIALIST, program.id, daily, shop="website")
    assert _totals(session, program.id) == (orders, revenue)
    import_promo_sales(
        session, SPECIALIST, program.id, daily, shop="website"
    )  # the same file again: no double counting
    assert _totals(session, program.id) == (orders, revenue)
    monthly = f"code,month,orders,revenue\nRANDOM,2026-11,{orders},{revenue}\n".encode()
    import_promo_sales(session, SPECIALIST, program.id, monthly, shop="website")  # the same sales as one month
    assert _totals(session, program.id) == (orders, revenue)
    results = roi.collaboration_results(session, program_id=program.id)
    assert (results.loc[0, "conversions"], results.loc[0, "revenue"]) == (orders, revenue)
    assert len(_stored(session, collab.id)) == 1


def _cli_program(url: str) -> tuple[int, int]:
    from db.engine import session_scope

    with session_scope(url) as s:
        program = b.program(s, currency="IDR")
        collab = b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        b.collaboration(s, program, b.influencer(s, name="Budi"), promo_code="KOPIBUDI")
        s.flush()
        return program.id, collab.id


def test_the_command_line_imports_reports_rows_and_exits_0_1_or_2(migrated_url: str, tmp_path) -> None:
    from db.engine import session_scope
    from tests.cli_run import run_cli

    program_id, ayu_id = _cli_program(migrated_url)
    shopify = tmp_path / "sales_by_discount.csv"
    shopify.write_bytes(SHOPIFY)
    dry = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "shopify", str(shopify), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert b"(dry run: nothing written)" in dry.stdout
    done = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "shopify", str(shopify))
    assert done.returncode == 0, done.stderr
    assert (
        b"Imported for 2026-11-03..2026-11-04 from shopify: 3 sale rows (6 orders), 0 stored rows of shopify replaced"
        in done.stdout
    )
    bahasa = tmp_path / "penjualan.csv"
    bahasa.write_bytes(BAHASA)
    # the same shop (its code compared case-insensitively): the Bahasa file replaces the Shopify file's days
    some = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", " Shopify ", str(bahasa))
    assert some.returncode == 1  # WELCOME10 is nobody's: reported, the others imported
    assert b"row 5, code: no creator in this program has the code WELCOME10" in some.stderr
    usd = tmp_path / "usd.csv"
    usd.write_bytes(b"code,date,orders,revenue,currency\nKOPIAYU,2026-11-10,1,12.50,USD\n")
    refused = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(usd))
    assert refused.returncode == 2
    assert b"these sales are in USD; Ayu's collaboration is in IDR" in refused.stderr
    total_only = tmp_path / "totals.csv"
    total_only.write_bytes(b"Discount code,Day,Orders,Total sales\nKOPIAYU,2026-11-03,1,5\n")
    bad = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(total_only))
    assert bad.returncode == 2
    assert b"total sales only" in bad.stderr
    with session_scope(migrated_url) as s:
        # the Bahasa file covers 3-4 Nov and replaced the Shopify file's days: Ayu sold nothing on the 4th there
        assert _stored(s, ayu_id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1250000"))]


def test_a_woocommerce_coupon_report_has_no_sales_and_is_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    coupons = b"Coupon code,Orders,Amount discounted,Created,Expires,Type\nkopiayu,12,180000,2026-10-01,,Percentage\n"
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, coupons, shop="website")
    assert refused.value.errors["file"].startswith("the file needs a net sales column")


def test_a_code_two_creators_share_or_an_order_with_two_creators_codes_refuses_the_row(session, shop) -> None:
    program, _ayu, budi = shop
    b.collaboration(session, program, b.influencer(session, name="Citra"), promo_code="kopibudi ")
    session.flush()
    shared = b"code,date,orders,revenue\nKOPIBUDI,2026-11-03,1,100000\n"
    report = import_promo_sales(session, SPECIALIST, program.id, shared, shop="website")
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (2, "code", "the code KOPIBUDI is given to more than one creator of this program")
    ]
    budi.promo_code = "KOPIBUDI2"
    session.flush()
    both = b'Date,Order #,Coupon(s),Net Sales\n2026-11-03,1,"KOPIAYU, KOPIBUDI2",100000\n'
    report = import_promo_sales(session, SPECIALIST, program.id, both, shop="website")
    assert report.refused
    assert str(report.problems[0][2]) == (
        "the row names codes of several creators (KOPIAYU, KOPIBUDI2); give each order one creator's code"
    )
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_month_row_beside_that_months_days_is_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    data = b"code,date,month,orders,revenue\nKOPIAYU,,2026-11,9,900000\nKOPIAYU,2026-11-03,,1,100000\n"
    report = import_promo_sales(session, SPECIALIST, program.id, data, shop="website")
    assert report.refused
    assert [(line, str(reason)) for line, _name, reason in report.problems] == [
        (3, "Ayu's sales of 2026-11-03 to 2026-11-03 overlap those of row 2")
    ]


def test_merging_two_creators_keeps_their_promo_sales_added_up(session, shop) -> None:
    from influencers.contacts import merge_influencers

    program, ayu, budi = shop
    data = (
        b"code,date,orders,revenue\n"
        b"KOPIAYU,2026-11-03,2,200000\nKOPIBUDI,2026-11-03,1,50000\nKOPIBUDI,2026-11-05,1,70000\n"
    )
    import_promo_sales(session, SPECIALIST, program.id, data, shop="website")
    merge_influencers(session, SPECIALIST, ayu.influencer_id, budi.influencer_id)
    session.flush()
    session.expire_all()
    [kept] = roi.collaboration_results(session, program_id=program.id)["collaboration_id"]
    assert _stored(session, kept) == [
        (D(2026, 11, 3), D(2026, 11, 3), 3, Decimal("250000")),
        (D(2026, 11, 5), D(2026, 11, 5), 1, Decimal("70000")),
    ]
    assert _totals(session, program.id) == (4, Decimal("320000"))


def test_a_merge_refuses_sales_it_cannot_add_up(session, shop) -> None:
    from db.errors import DomainError
    from influencers.contacts import merge_influencers

    program, ayu, budi = shop
    # one file may give one creator a month and another a day of it: a merge cannot add those up
    both = b"code,date,month,orders,revenue\nKOPIAYU,,2026-11,2,200000\nKOPIBUDI,2026-11-01,,1,50000\n"
    import_promo_sales(session, SPECIALIST, program.id, both, shop="website")
    with pytest.raises(DomainError, match="Both collaborations hold promo code sales of website from 2026-11-01"):
        merge_influencers(session, SPECIALIST, ayu.influencer_id, budi.influencer_id)


def test_a_tiktok_shop_order_export_reads_once_its_columns_are_mapped(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, TIKTOK, file_name="tiktok.csv", mapping=TIKTOK_MAP, shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert (report.not_sold, report.without_code, report.unmatched) == (1, 1, 1)
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (7, "code", "no creator in this program has the code WELCOME10")
    ]
    # one row an order, the subtotal after discounts as net sales (the order amount with shipping not read)
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("250000"))]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promo_sale")).one()
    assert entry.after["not_sold"] == 1


def test_a_column_mapped_to_ignore_is_not_read(session, shop) -> None:
    program, ayu, _budi = shop
    # the status column ignored: the cancelled order counts again
    mapping = {**TIKTOK_MAP, "Order Status": "ignore"}
    report = import_promo_sales(session, SPECIALIST, program.id, TIKTOK, mapping=mapping, shop="tiktok_shop")
    assert report.not_sold == 0
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 3, Decimal("365000"))]
    # an ignored recognised column is not read: its unreadable figures refuse nothing
    data = b"code,date,orders,Net sales,revenue\nKOPIAYU,2026-11-03,1,not a figure,100000\n"
    assert import_promo_sales(
        session, SPECIALIST, program.id, data, dry_run=True, shop="tiktok_shop"
    ).refused  # Net sales read first
    report = import_promo_sales(
        session, SPECIALIST, program.id, data, mapping={"Net sales": "ignore"}, shop="tiktok_shop"
    )
    assert not report.refused
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal("100000"))]


def test_an_explicit_mapping_comes_before_a_recognised_header(session, shop) -> None:
    program, ayu, _budi = shop
    data = b"code,date,orders,revenue,Paid out\nKOPIAYU,2026-11-03,1,999999,90000\n"
    import_promo_sales(
        session, SPECIALIST, program.id, data, mapping={"paid_out": "net"}, shop="website"
    )  # headers fold
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal("90000"))]


def test_a_shopee_export_in_bahasa_reads_gross_less_seller_vouchers_and_skips_cancelled_orders(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, SHOPEE, file_name="Order.all.csv", mapping=SHOPEE_MAP, shop="shopee"
    )
    assert report.rejected == 0, report.problems
    assert report.numbers is not None
    assert report.numbers.decimal == ","
    assert (report.totals, report.not_sold, report.without_code, report.unmatched) == (1, 2, 1, 0)
    # KOPIAYU and kopiayu are one creator's code: 180.000 - 20.000 + 1.250.000 - 50.000
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1360000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("300000"))]
    assert [sale.code for sale in report.sales] == ["KOPIAYU", "KOPIBUDI"]


def test_without_a_mapping_an_order_export_is_refused_naming_the_missing_field(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, TIKTOK, shop="tiktok_shop")
    assert refused.value.errors["file"].startswith("the file needs a discount code column")
    assert "--map COLUMN=code" in refused.value.errors["file"]
    assert refused.value.messages["file"].page_text is not None  # the page names its list of columns instead
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, SHOPEE, shop="shopee")
    assert refused.value.errors["file"].startswith("the file needs a net sales column")
    # a field that needs its partner is still refused: net sales without a code, discounts without gross sales
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(
            session,
            SPECIALIST,
            program.id,
            TIKTOK,
            mapping={"Created Time": "day", "Order Amount": "net"},
            shop="tiktok_shop",
        )
    assert refused.value.errors["file"].startswith("the file needs a discount code column")
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(
            session, SPECIALIST, program.id, SHOPEE, mapping={"Voucher Ditanggung Penjual": "discounts"}, shop="shopee"
        )
    assert refused.value.errors["file"].startswith("the file needs a net sales column")
    undated = {k: v for k, v in TIKTOK_MAP.items() if v != "day"}
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, TIKTOK, mapping=undated, shop="tiktok_shop")
    assert "no day or month column" in refused.value.errors["file"]
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_mapping_naming_no_field_is_refused_naming_each(session, shop) -> None:
    program, _ayu, _budi = shop
    mapping = {**TIKTOK_MAP, "Created Time": "Tanggal", "Paid Time": "paid"}
    with pytest.raises(MappingError) as refused:
        import_promo_sales(session, SPECIALIST, program.id, TIKTOK, mapping=mapping, shop="tiktok_shop")
    assert str(refused.value) == (
        "The column mapping names 'paid', 'tanggal', which are not fields (fields: code, name, day, month, orders, "
        "order_id, net, line_net, gross, discounts, returns, total, currency, status, ignore)."
    )
    two = {**TIKTOK_MAP, "Order Refund Amount": "net"}
    with pytest.raises(MappingError) as refused:
        import_promo_sales(session, SPECIALIST, program.id, TIKTOK, mapping=two, shop="tiktok_shop")
    assert str(refused.value).startswith(
        "Columns 'SKU Subtotal After Discount' and 'Order Refund Amount' are both mapped to net"
    )
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_the_file_columns_come_with_their_recognised_field_and_samples() -> None:
    columns = {c.name: c for c in file_columns(SHOPEE, "Order.all.csv")}
    assert "Daftar Pesanan - Toko Kopi Nusantara (01-11-2026 s/d 30-11-2026)" not in columns  # the title line
    assert columns["No. Pesanan"].field == "order_id"
    assert columns["Status Pesanan"].field == "status"
    assert columns["Kode Voucher"].field == "code"
    assert columns["Waktu Pesanan Dibuat"].field is None  # waits for the person's choice
    assert columns["Total Harga Produk"].samples == ("180.000", "90.000", "1.250.000")
    tiktok = [c.field for c in file_columns(TIKTOK, "tiktok.csv")]
    assert tiktok[:2] == ["order_id", "status"]
    # `SKU Subtotal After Discount` is each SKU line's own amount in TikTok Shop's export: net sales per line
    assert [c.name for c in file_columns(TIKTOK, "tiktok.csv") if c.field == "line_net"] == [
        "SKU Subtotal After Discount"
    ]
    assert set(tiktok[2:]) == {None, "line_net"}


def test_order_statuses_that_are_no_sale() -> None:
    for status in ("Cancelled", "Canceled", "Batal", "Dibatalkan", "Pengembalian Barang/Dana", "Refunded", "Unpaid"):
        assert not_sold(status), status
    for status in ("Completed", "Selesai", "Sedang Dikirim", "Delivered", "Shipped", "Processing", ""):
        assert not not_sold(status), status


def test_the_command_line_maps_columns_with_map(migrated_url: str, tmp_path) -> None:
    from db.engine import session_scope
    from tests.cli_run import run_cli

    program_id, ayu_id = _cli_program(migrated_url)
    path = tmp_path / "tiktok_orders.csv"
    path.write_bytes(TIKTOK)
    maps = [arg for column, name in TIKTOK_MAP.items() for arg in ("--map", f"{column}={name}")]
    unmapped = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(path))
    assert unmapped.returncode == 2
    assert b"the file needs a discount code column" in unmapped.stderr
    assert b"--map COLUMN=code" in unmapped.stderr
    bad = run_cli(
        "import",
        "promo-sales",
        "--program",
        str(program_id),
        "--shop",
        "tiktok_shop",
        str(path),
        "--map",
        "Created Time=tanggal",
    )
    assert bad.returncode == 2
    assert b"--map Created Time=tanggal: 'tanggal' is not a field" in bad.stderr
    done = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(path), *maps)
    assert done.returncode == 1, done.stderr  # WELCOME10 is nobody's: reported, the others imported
    assert b"1 cancelled or refunded orders skipped" in done.stdout
    assert b"Ayu (KOPIAYU) 2026-11-03: 2 orders, 275000 IDR" in done.stdout
    with session_scope(migrated_url) as s:
        assert _stored(s, ayu_id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]
