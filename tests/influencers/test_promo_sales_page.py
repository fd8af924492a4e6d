"""The Programs page's Results tab: a shop's sales by promo code uploaded, its columns each given a field (a picker
per column, recognised fields first), previewed (sales per creator, the rows left out and why, in the user's
language) and imported, then listed per creator (AppTest, real database)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from db.engine import session_scope
from influencers.models import PromoSale
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.influencers.test_promo_order_lines import SHOPEE_LINES, SHOPEE_LINES_MAP
from tests.influencers.test_promo_sales import BAHASA, SHOPEE, SHOPEE_MAP, SHOPIFY
from tests.influencers.test_promo_sales_shops import SHOPEE_NOV, TIKTOK_NOV
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"


def _program(url: str) -> None:
    with session_scope(url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        b.collaboration(s, program, b.influencer(s, name="Budi"), promo_code="KOPIBUDI")


TABLES = {  # a column only that table has: the preview, the stored sales per creator, the rows left out
    "preview": "rows",
    "sales": "promo_code",
    "problems": {"en": "Reason", "id": "Alasan"},
}


def _cells(at, table: str, language: str = "en") -> list[str]:
    column = TABLES[table]
    name = column if isinstance(column, str) else column[language]
    frame = next(e.value for e in at.dataframe if name in e.value.columns)
    return [str(v) for c in frame.columns for v in frame[c]]


def test_a_shopify_file_is_previewed_then_imported_and_listed_per_creator(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS), "results")
    at.file_uploader(key="prog_promo_csv").upload("sales_by_discount.csv", SHOPIFY, "text/csv").run()
    assert not at.exception, at.exception
    assert _shop(at).value == "shopify"  # a Shopify report's shape: its shop is chosen already (it can be changed)
    infos = " | ".join(str(i.value) for i in at.info)
    assert "sales_by_discount.csv: 3 sale row(s) for 6 order(s), 0 row(s) with a code no creator" in infos
    assert "1 total row(s) were skipped." in " | ".join(str(c.value) for c in at.caption)
    preview = _cells(at, "preview")
    assert "IDR405,000" in preview
    assert "KOPIBUDI" in preview
    with session_scope(migrated_url) as s:
        assert s.scalars(select(PromoSale)).all() == []  # a preview writes nothing
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    assert "Promo code sales imported: 3 sale row(s), 0 replaced." in " | ".join(str(x.value) for x in at.success)
    with session_scope(migrated_url) as s:
        stored = {(r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale))}
    assert (dt.date(2026, 11, 3), 3, Decimal("405000")) in stored
    assert len(stored) == 3
    at.run()
    listed = _cells(at, "sales")
    assert "Ayu" in listed
    assert "IDR405,000" in listed
    assert "IDR270,000" in listed


def test_an_unknown_code_is_shown_by_row_in_bahasa(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("penjualan.csv", BAHASA, "text/csv").run()
    assert not at.exception, at.exception
    _shop(at).select("tokopedia").run()
    problems = _cells(at, "problems", "id")
    assert "5" in problems
    assert "tidak ada kreator di program ini yang memiliki kode WELCOME10" in problems, problems
    assert "Rp1.250.000" in _cells(at, "preview")


def _shop(at):
    """The select of the shop the uploaded file's sales are from (its key carries the file's token)."""
    (found,) = [box for box in at.selectbox if str(box.key).startswith("prog_promo_shop_")]
    return found


def _picker(at, column: str):
    """The field picker of one column of the file (its label is the column's header)."""
    found = [box for box in at.selectbox if box.label == column]
    assert len(found) == 1, [box.label for box in at.selectbox]
    return found[0]


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_a_shopee_export_in_bahasa_is_read_once_its_columns_are_chosen(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("Order.all.csv", SHOPEE, "text/csv").run()
    assert not at.exception, at.exception
    _shop(at).select("shopee").run()
    assert "Kolom di file" in _texts(at.subheader)
    # recognised columns come with their field, the others wait for a choice; field names in Bahasa Indonesia
    assert _picker(at, "No. Pesanan").value == "order_id"
    assert _picker(at, "Status Pesanan").value == "status"
    assert _picker(at, "Kode Voucher").value == "code"
    waiting = _picker(at, "Waktu Pesanan Dibuat")
    assert waiting.value is None
    assert waiting.options[0] == "Jangan impor"
    assert {"Kode promo", "Penjualan bersih", "Penjualan bersih per baris", "Penjualan kotor"} <= set(waiting.options)
    assert "net" not in waiting.options  # labels, never codes
    assert "mis. 180.000, 90.000, 1.250.000" in _texts(at.caption)  # sample values of Total Harga Produk
    assert "Tidak dibaca sampai Anda memilih bidangnya: Waktu Pesanan Dibuat, Nama Produk" in _texts(at.caption)
    # nothing says which column holds the sales yet: refused naming the missing field, in the page's words
    errors = _texts(at.error)
    assert "berkas ini memerlukan kolom penjualan bersih, atau penjualan kotor: pilih Penjualan bersih" in errors
    assert "--map" not in errors
    for column, name in SHOPEE_MAP.items():
        _picker(at, column).select(name).run()
        assert not at.exception, at.exception
    assert _picker(at, "Waktu Pesanan Dibuat").value == "day"  # the choice stays on the next runs
    assert not at.error, _texts(at.error)
    captions = _texts(at.caption)
    assert "1 baris total dilewati." in captions
    assert "2 pesanan yang batal, dikembalikan, diretur, atau belum dibayar dilewati" in captions
    preview = _cells(at, "preview")
    assert "Rp1.360.000" in preview  # KOPIAYU and kopiayu: gross less the seller's vouchers
    assert "Rp300.000" in preview
    with session_scope(migrated_url) as s:
        assert s.scalars(select(PromoSale)).all() == []  # the preview writes nothing
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    with session_scope(migrated_url) as s:
        stored = sorted((r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale)))
    assert stored == [(dt.date(2026, 11, 3), 2, Decimal("1360000")), (dt.date(2026, 11, 4), 1, Decimal("300000"))]


def test_a_column_chosen_to_be_left_out_is_not_read(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS), "results")
    at.file_uploader(key="prog_promo_csv").upload("Order.all.csv", SHOPEE, "text/csv").run()
    _shop(at).select("shopee").run()
    for column, name in {**SHOPEE_MAP, "Status Pesanan": "ignore"}.items():
        _picker(at, column).select(name).run()
    assert not at.exception, at.exception
    assert "cancelled, refunded" not in _texts(at.caption)  # the status is not read: every order counts
    preview = _cells(at, "preview")
    assert "IDR1,440,000" in preview  # Ayu's cancelled order of 90,000 less 10,000 counts now
    assert "IDR390,000" in preview  # and Budi's returned one (code KopiBudi)


def test_a_shopee_export_with_a_row_per_product_line_is_read_in_bahasa(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("Order.all.csv", SHOPEE_LINES, "text/csv").run()
    assert not at.exception, at.exception
    _shop(at).select("shopee").run()
    assert _picker(at, "No. Pesanan").value == "order_id"
    line_sales = _picker(at, "Total Harga Produk")
    assert "Penjualan bersih per baris" in line_sales.options
    # the line subtotal read as the order's net sales: refused by row, saying (in Bahasa) to choose it per line
    _picker(at, "Waktu Pesanan Dibuat").select("day").run()
    _picker(at, "Total Harga Produk").select("net").run()
    assert not at.exception, at.exception
    problems = _cells(at, "problems", "id")
    assert "4" in problems
    reason = next(p for p in problems if "2611030ABCDE01" in p)
    assert "(Rp320.000 di sini, Rp180.000 di sana)" in reason, reason
    assert "Penjualan bersih per baris" in reason, reason
    assert "--map" not in reason
    assert not [b for b in at.button if b.key == "prog_promo_go"]  # refused: no Import button
    for column, name in SHOPEE_LINES_MAP.items():
        _picker(at, column).select(name).run()
        assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    captions = _texts(at.caption)
    assert "3 pesanan dalam 6 baris" in captions, captions
    assert "1 pesanan yang batal, dikembalikan, diretur, atau belum dibayar dilewati" in captions
    preview = _cells(at, "preview")
    assert "Rp1.435.000" in preview  # Ayu: two orders, their lines added up
    assert "Rp320.000" in preview
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    with session_scope(migrated_url) as s:
        stored = sorted((r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale)))
    assert stored == [(dt.date(2026, 11, 3), 2, Decimal("1435000")), (dt.date(2026, 11, 4), 1, Decimal("320000"))]


def test_each_shops_file_is_imported_under_its_shop_and_shown_per_shop_in_bahasa(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("november.csv", SHOPEE_NOV, "text/csv").run()
    assert not at.exception, at.exception
    shop = _shop(at)
    assert shop.label == "Toko asal penjualan"
    assert shop.value is None  # a hand-made sheet says no shop: the import waits for a choice
    assert {"Shopee", "Tokopedia", "TikTok Shop", "Situs web sendiri", "Toko lain"} <= set(shop.options)
    assert "tiktok_shop" not in shop.options  # labels, never codes
    assert "Pilih toko asal penjualan ini untuk melihat apa yang akan diimpor berkas ini." in _texts(at.info)
    assert not [b for b in at.button if b.key == "prog_promo_go"]
    shop.select("shopee").run()
    assert not at.exception, at.exception
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    # November's TikTok Shop file: the same days, another shop; Shopee's sales stay and add up
    at.file_uploader(key="prog_promo_csv").upload("november-tiktok.csv", TIKTOK_NOV, "text/csv").run()
    assert not at.exception, at.exception
    assert _shop(at).value is None  # another file: its own choice
    _shop(at).select("tiktok_shop").run()
    captions = _texts(at.caption)
    assert "3 baris penjualan toko lain yang tersimpan pada hari-hari ini tetap ada dan dijumlahkan" in captions
    assert "Impor ini menggantikan" not in captions  # nothing of TikTok Shop stored yet
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    with session_scope(migrated_url) as s:
        stored = sorted((r.shop, r.period_start, r.orders) for r in s.scalars(select(PromoSale)))
    assert [x[0] for x in stored] == ["shopee"] * 3 + ["tiktok_shop"] * 2
    at.run()
    sales = next(e for e in at.dataframe if "promo_code" in e.value.columns)
    assert list(sales.value["shop"]) == ["Shopee", "TikTok Shop", "Shopee", "TikTok Shop"]  # labels
    assert list(sales.value["influencer"]) == ["Ayu", "Ayu", "Budi", "Budi"]
    assert json.loads(sales.proto.columns)["shop"]["label"] == "Toko"  # the column's header in Bahasa Indonesia
    per_shop = next(e for e in at.dataframe if "creators" in e.value.columns)
    assert [tuple(r) for r in per_shop.value[["shop", "creators", "orders", "revenue"]].itertuples(index=False)] == [
        ("Shopee", "2", "4", "Rp350.000"),
        ("TikTok Shop", "2", "5", "Rp530.000"),
    ]
    assert "Per toko" in _texts(at.markdown)
    # the creators' figures add up every shop's: Ayu 6 orders (3 Shopee + 3 TikTok Shop), Rp750.000
    results = next(e.value for e in at.dataframe if "stage" in e.value.columns)
    assert "Rp750.000" in [str(v) for c in results.columns for v in results[c]]
