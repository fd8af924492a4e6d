"""Promo code sales from an order export with a row per product line (influencers/promo_sales.py): Shopee's
"Pesanan" export and TikTok Shop's order export repeat the order's columns (order number, status, creation time,
voucher code, the order's totals) on each of its lines, the line's own columns (product, quantity, its subtotal)
differ. Each order counts once; the person says whether the sales column is the order's amount (`net`, the same on
each line, counted once) or each line's (`line_net`, added up); lines of one order that disagree are refused naming
the row and field. Every data test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.errors import FieldErrors
from db.models import AuditEntry
from influencers.models import PromoSale
from influencers.promo_sales import import_promo_sales
from tests.influencers import test_promo_sales as base
from tests.influencers.conftest import SPECIALIST

D = dt.date
shop = base.shop  # the IDR program with Ayu (KOPIAYU) and Budi (KOPIBUDI)
_stored = base._stored

# A Shopee order export (Seller Centre, Pesanan Saya > Ekspor, Bahasa Indonesia) with a row per product line, saved
# as CSV by Excel on an Indonesian Windows: a title line, `;` between cells, `1.250.000` amounts, a totals row. The
# order's columns repeat on each of its lines: No. Pesanan, Status Pesanan, Waktu Pesanan Dibuat, Kode Voucher,
# Subtotal Pesanan (the order's product subtotal) and Total Pembayaran (with shipping); the line's own: Nama Produk,
# Jumlah, Harga Setelah Diskon, Total Harga Produk (the line's subtotal). Order ...01 has three lines, ...02 two,
# ...03 is cancelled (two lines), ...05 has no voucher. The header row is modelled on the seller centre's column
# names, not copied from a real download.
SHOPEE_LINES = (
    "Daftar Pesanan - Toko Kopi Nusantara (01-11-2026 s/d 30-11-2026)\r\n"
    "No. Pesanan;Status Pesanan;Waktu Pesanan Dibuat;Nama Produk;Jumlah;Harga Setelah Diskon;Total Harga Produk;"
    "Kode Voucher;Subtotal Pesanan;Total Pembayaran\r\n"
    "2611030ABCDE01;Selesai;2026-11-03 10:12;Kopi Gayo 250g;2;90.000;180.000;KOPIAYU;1.250.000;1.260.000\r\n"
    "2611030ABCDE01;Selesai;2026-11-03 10:12;Kopi Toraja 1kg;1;320.000;320.000;KOPIAYU;1.250.000;1.260.000\r\n"
    "2611030ABCDE01;Selesai;2026-11-03 10:12;Kopi Aceh 1kg;3;250.000;750.000;KOPIAYU;1.250.000;1.260.000\r\n"
    "2611030ABCDE02;Selesai;2026-11-03 15:30;Kopi Gayo 250g;1;90.000;90.000;kopiayu;185.000;195.000\r\n"
    "2611030ABCDE02;Selesai;2026-11-03 15:30;Kopi Toraja 250g;1;95.000;95.000;kopiayu;185.000;195.000\r\n"
    "2611040ABCDE03;Batal;2026-11-04 09:05;Kopi Gayo 1kg;1;300.000;300.000;KOPIBUDI;390.000;400.000\r\n"
    "2611040ABCDE03;Batal;2026-11-04 09:05;Kopi Gayo 250g;1;90.000;90.000;KOPIBUDI;390.000;400.000\r\n"
    "2611040ABCDE04;Selesai;2026-11-04 11:00;Kopi Toraja 1kg;1;320.000;320.000;KOPIBUDI;320.000;330.000\r\n"
    "2611040ABCDE05;Sedang Dikirim;2026-11-04 12:45;Kopi Toraja 250g;1;95.000;95.000;;95.000;105.000\r\n"
    "Total;;;;12;;2.240.000;;;\r\n"
).encode("cp1252")
# No. Pesanan, Status Pesanan and Kode Voucher are recognised; the person names the day and which amount it is
SHOPEE_LINES_MAP = {"Waktu Pesanan Dibuat": "day", "Total Harga Produk": "line_net"}
SHOPEE_ORDER_MAP = {"Waktu Pesanan Dibuat": "day", "Subtotal Pesanan": "net"}

# A TikTok Shop order export (Seller Center, Orders > Export, English) with a row per SKU: Order Amount (what the
# buyer paid, shipping included) repeats on each line of the order, SKU Subtotal After Discount is the SKU line's own
# (recognised as net sales per line). Order ...01 has two lines, ...03 is cancelled (two lines), ...04 has three.
TIKTOK_LINES = (
    b"Order ID,Order Status,Order Substatus,Cancelation/Return Type,Created Time,Paid Time,Buyer Username,"
    b"Product Name,Quantity,SKU Subtotal After Discount,SKU Seller Discount,Seller Voucher Code,"
    b"Shipping Fee After Discount,Order Amount,Order Refund Amount\r\n"
    b"576912345678901001,Completed,Completed,,2026-11-03 10:12:31,2026-11-03 10:13:02,sari_k,Kopi Gayo 250g,2,"
    b"180000,20000,KOPIAYU,10000,285000,0\r\n"
    b"576912345678901001,Completed,Completed,,2026-11-03 10:12:31,2026-11-03 10:13:02,sari_k,Kopi Toraja 250g,1,"
    b"95000,5000,KOPIAYU,10000,285000,0\r\n"
    b"576912345678901002,Completed,Completed,,2026-11-03 19:40:02,2026-11-03 19:41:10,dewi.r,Kopi Gayo 250g,1,"
    b"90000,10000,kopiayu,10000,100000,0\r\n"
    b"576912345678901003,Cancelled,Cancelled,Cancel,2026-11-03 21:05:44,,rina_s,Kopi Gayo 250g,1,90000,10000,"
    b"KOPIAYU,10000,195000,0\r\n"
    b"576912345678901003,Cancelled,Cancelled,Cancel,2026-11-03 21:05:44,,rina_s,Kopi Toraja 250g,1,95000,5000,"
    b"KOPIAYU,10000,195000,0\r\n"
    b"576912345678901004,Completed,Delivered,,2026-11-04 09:01:00,2026-11-04 09:01:30,tono88,Kopi Gayo 1kg,1,"
    b"250000,0,KOPIBUDI,0,435000,0\r\n"
    b"576912345678901004,Completed,Delivered,,2026-11-04 09:01:00,2026-11-04 09:01:30,tono88,Kopi Gayo 250g,1,"
    b"90000,10000,KOPIBUDI,0,435000,0\r\n"
    b"576912345678901004,Completed,Delivered,,2026-11-04 09:01:00,2026-11-04 09:01:30,tono88,Kopi Toraja 250g,1,"
    b"95000,5000,KOPIBUDI,0,435000,0\r\n"
    b"576912345678901006,Completed,Completed,,2026-11-04 13:00:00,2026-11-04 13:00:40,lina,Kopi Gayo 250g,1,"
    b"90000,10000,WELCOME10,10000,100000,0\r\n"
)
TIKTOK_LINES_MAP = {"Created Time": "day", "Seller Voucher Code": "code"}


def _lines(data: bytes, line: int, old: str, new: str) -> bytes:
    """The file with one of its lines (1-based, as the problems name rows) changed."""
    rows = data.decode("cp1252").split("\r\n")
    assert old in rows[line - 1], rows[line - 1]
    rows[line - 1] = rows[line - 1].replace(old, new, 1)
    return "\r\n".join(rows).encode("cp1252")


def _problems(report) -> list[tuple[int, str, str]]:
    return [(line, name, str(reason)) for line, name, reason in report.problems]


def test_a_shopee_order_lines_export_counts_each_order_once_and_adds_up_its_line_sales(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_LINES, mapping=SHOPEE_LINES_MAP, shop="shopee")
    assert report.rejected == 0, report.problems
    assert report.order_lines
    assert report.numbers is not None
    assert report.numbers.decimal == ","
    # the cancelled order counts once (two lines), the order without a voucher is a row, the totals row skipped
    assert (report.totals, report.not_sold, report.without_code, report.unmatched) == (1, 1, 1, 0)
    assert (report.orders, report.rows) == (3, 6)  # 3 orders in 6 lines
    # Ayu: order ...01 (180.000 + 320.000 + 750.000) and ...02 (90.000 + 95.000), one order each
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1435000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("320000"))]
    assert [sale.rows for sale in report.sales] == [(3, 4, 5, 6, 7), (10,)]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promo_sale")).one()
    assert (entry.after["orders"], entry.after["not_sold"]) == (3, 1)


def test_an_order_amount_repeated_on_each_line_is_counted_once(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_LINES, mapping=SHOPEE_ORDER_MAP, shop="shopee")
    assert report.rejected == 0, report.problems
    assert (report.orders, report.rows) == (3, 6)
    # the order's subtotal once per order: 1.250.000 + 185.000, never 3 x 1.250.000 + 2 x 185.000
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1435000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("320000"))]


def test_a_tiktok_shop_export_with_a_row_per_sku_adds_up_the_sku_subtotals(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, TIKTOK_LINES, mapping=TIKTOK_LINES_MAP, shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert (report.not_sold, report.unmatched) == (1, 1)
    assert _problems(report) == [(10, "code", "no creator in this program has the code WELCOME10")]
    assert (report.orders, report.rows) == (3, 6)
    # SKU Subtotal After Discount is recognised as net sales per line: 180000 + 95000 and 90000; 250000 + 90000 + 95000
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("365000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("435000"))]
    # the person may say the order's amount is the sales instead: the recognised line column is then not read, and
    # the order amount (repeated on each line) counts once per order
    as_order = {**TIKTOK_LINES_MAP, "Order Amount": "net"}
    report = import_promo_sales(
        session, SPECIALIST, program.id, TIKTOK_LINES, mapping=as_order, dry_run=True, shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert [(s.influencer, s.orders, s.revenue) for s in report.sales] == [
        ("Ayu", 2, Decimal("385000")),
        ("Budi", 1, Decimal("435000")),
    ]


def test_a_line_amount_read_as_the_orders_net_sales_is_refused_saying_to_map_it_per_line(session, shop) -> None:
    program, _ayu, _budi = shop
    mapping = {"Waktu Pesanan Dibuat": "day", "Total Harga Produk": "net"}
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_LINES, mapping=mapping, shop="shopee")
    assert report.refused
    assert not report.written
    line, name, reason = _problems(report)[0]
    assert (line, name) == (4, "net")
    assert reason.startswith(
        "the net sales differ from row 3's for the same order 2611030ABCDE01 (320000 IDR here, 180000 IDR there)"
    )
    assert reason.endswith("map it as net sales per line: --map COLUMN=line_net")
    assert [(line, name) for line, name, _reason in report.problems] == [(4, "net"), (5, "net"), (7, "net")]
    page = report.problems[0][2].page_text
    assert page is not None
    assert "choose Net sales per line for it in the list of columns" in page
    # gross sales and discounts are an order's amounts too
    mapping = {"Waktu Pesanan Dibuat": "day", "Total Harga Produk": "gross"}
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_LINES, mapping=mapping, shop="shopee")
    line, name, reason = _problems(report)[0]
    assert (line, name) == (4, "gross")
    assert reason.startswith("this amount differs from row 3's for the same order 2611030ABCDE01")
    assert session.scalar(select(func.count(PromoSale.id))) == 0


@pytest.mark.parametrize(
    ("line", "old", "new", "field", "reason"),
    [
        (5, "KOPIAYU", "KOPIBUDI", "code", "the promo code differs from row 3's for the same order 2611030ABCDE01"),
        (
            4,
            "2026-11-03 10:12",
            "2026-11-04 10:12",
            "day",
            "the day differs from row 3's for the same order 2611030ABCDE01",
        ),
        (7, "Selesai", "Batal", "status", "the order status differs from row 6's for the same order 2611030ABCDE02"),
        (9, "Batal", "Selesai", "status", "the order status differs from row 8's for the same order 2611040ABCDE03"),
    ],
)
def test_lines_of_one_order_that_disagree_are_refused_naming_the_row_and_field(
    session, shop, line: int, old: str, new: str, field: str, reason: str
) -> None:
    program, _ayu, _budi = shop
    data = _lines(SHOPEE_LINES, line, old, new)
    report = import_promo_sales(session, SPECIALIST, program.id, data, mapping=SHOPEE_LINES_MAP, shop="shopee")
    assert report.refused
    assert not report.written
    assert _problems(report) == [(line, field, reason)]
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_voucher_missing_on_one_line_of_an_order_is_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    data = _lines(SHOPEE_LINES, 4, ";KOPIAYU;", ";;")
    report = import_promo_sales(session, SPECIALIST, program.id, data, mapping=SHOPEE_LINES_MAP, shop="shopee")
    assert _problems(report) == [(4, "code", "the promo code differs from row 3's for the same order 2611030ABCDE01")]


def test_an_order_amount_and_line_amounts_mapped_at_once_are_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    both = {**SHOPEE_ORDER_MAP, "Total Harga Produk": "line_net"}
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, SHOPEE_LINES, mapping=both, shop="shopee")
    assert refused.value.errors["file"] == (
        "columns 'Subtotal Pesanan' (an amount per order) and 'Total Harga Produk' (net sales per line) both give the "
        'sales; the sales are read one way: map one of them to ignore (--map "Total Harga Produk=ignore" or --map '
        '"Subtotal Pesanan=ignore")'
    )
    assert "choose Do not import for one of them" in (refused.value.messages["file"].page_text or "")
    # a recognised column of each kind, nothing mapped: refused the same way
    data = b"Order ID,Discount code,Day,Net sales,SKU Subtotal After Discount\n1,KOPIAYU,2026-11-03,100,100\n"
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, data, shop="website")
    assert refused.value.errors["file"].startswith(
        "columns 'Net sales' (an amount per order) and 'SKU Subtotal After Discount' (net sales per line)"
    )
    assert session.scalar(select(func.count(PromoSale.id))) == 0


def test_a_row_per_order_file_is_still_read_with_line_sales(session, shop) -> None:
    program, ayu, _budi = shop
    # one line an order: net sales per line are the order's; nothing is refused for being one line
    report = import_promo_sales(
        session, SPECIALIST, program.id, base.TIKTOK, mapping=TIKTOK_LINES_MAP, shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert not report.order_lines
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]


def test_the_command_line_maps_line_sales_with_map(migrated_url: str, tmp_path) -> None:
    from db.engine import session_scope
    from tests.cli_run import run_cli

    program_id, ayu_id = base._cli_program(migrated_url)
    path = tmp_path / "Order.all.csv"
    path.write_bytes(SHOPEE_LINES)
    maps = [arg for column, name in SHOPEE_LINES_MAP.items() for arg in ("--map", f"{column}={name}")]
    done = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "shopee", str(path), *maps)
    assert done.returncode == 0, done.stderr
    assert b"Read as a row per product line: 3 orders in 6 lines, each order counted once." in done.stdout
    assert b"Ayu (KOPIAYU) 2026-11-03: 2 orders, 1435000 IDR" in done.stdout
    assert b"1 cancelled or refunded orders skipped" in done.stdout
    wrong = run_cli(
        "import", "promo-sales", "--program", str(program_id), "--shop", "shopee", str(path),
        "--map", "Waktu Pesanan Dibuat=day", "--map", "Total Harga Produk=net",
    )  # fmt: skip
    assert wrong.returncode == 2
    assert b"row 4, net: the net sales differ from row 3's for the same order 2611030ABCDE01" in wrong.stderr
    assert b"--map COLUMN=line_net" in wrong.stderr
    both = run_cli(
        "import",
        "promo-sales",
        "--program",
        str(program_id),
        "--shop",
        "shopee",
        str(path),
        *maps,
        "--map",
        "Subtotal Pesanan=net",
    )
    assert both.returncode == 2
    assert b"both give the sales" in both.stderr
    with session_scope(migrated_url) as s:
        assert _stored(s, ayu_id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1435000"))]
