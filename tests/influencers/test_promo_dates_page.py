"""The Programs page's promo code import of an English TikTok Shop order export whose order times read both ways
(`03/11/2026 10:12:31 AM`, no day above 12): refused naming the column in the user's language, read once the
"Date order" is chosen, imported on the day chosen; a file whose dates settle the order shows no such choice
(AppTest in Bahasa Indonesia, real database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from db.engine import session_scope
from influencers.models import PromoSale
from tests.influencers.conftest import program_tab
from tests.influencers.test_promo_order_dates import TIKTOK_AMBIGUOUS, TIKTOK_DAY_FIRST, TIKTOK_MAP
from tests.influencers.test_promo_sales_page import PROGRAMS, _cells, _picker, _program, _shop, _texts
from tests.pages import open_page

DATE_ORDER = "prog_promo_date_order"


def _upload(app_test, data: bytes):
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("tiktok_orders.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    _shop(at).select("tiktok_shop").run()
    for column, name in TIKTOK_MAP.items():
        _picker(at, column).select(name).run()
        assert not at.exception, at.exception
    return at


def test_an_ambiguous_english_file_asks_for_the_date_order_then_imports_on_the_day_chosen(
    migrated_url: str, app_test
) -> None:
    _program(migrated_url)
    at = _upload(app_test, TIKTOK_AMBIGUOUS)
    order = at.selectbox(key=DATE_ORDER)
    assert order.label == "Urutan tanggal"
    assert order.value is None
    assert order.options == [
        "Hari/bulan/tahun (03/11/2026 adalah 3 November 2026)",
        "Bulan/hari/tahun (03/11/2026 adalah 11 Maret 2026)",
    ]
    errors = _texts(at.error)
    assert (
        "tanggal di kolom 'Created Time' bisa berarti hari/bulan/tahun atau bulan/hari/tahun (03/11/2026 10:12:31 AM "
        "di baris 2, 03/11/2026 07:40:02 PM di baris 3)" in errors
    ), errors
    assert "pilih di Urutan tanggal di atas" in errors
    assert "--date-order" not in errors
    assert not [b for b in at.button if b.key == "prog_promo_go"]  # nothing to import yet
    order.select("dmy").run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert at.selectbox(key=DATE_ORDER).value == "dmy"  # the choice stays
    assert "Tanggal di kolom 'Created Time' dibaca hari/bulan/tahun, sesuai pilihan." in _texts(at.caption)
    preview = _cells(at, "preview")
    assert "Rp275.000" in preview
    with session_scope(migrated_url) as s:
        assert s.scalars(select(PromoSale)).all() == []  # the preview writes nothing
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    assert at.success, _texts(at.error)
    with session_scope(migrated_url) as s:
        stored = {(r.code, r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale))}
    assert stored == {
        ("KOPIAYU", dt.date(2026, 11, 3), 2, Decimal("275000")),
        ("KOPIBUDI", dt.date(2026, 11, 5), 1, Decimal("250000")),
    }


def test_a_file_whose_dates_settle_the_order_shows_no_date_order_choice(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = _upload(app_test, TIKTOK_DAY_FIRST)
    assert not [box for box in at.selectbox if box.key == DATE_ORDER]
    assert not at.error, _texts(at.error)
    captions = _texts(at.caption)
    assert "Tanggal di kolom 'Created Time' dibaca hari/bulan/tahun (25/11/2026 09:01:00 AM di baris 5)." in captions
    assert "Rp250.000" in _cells(at, "preview")
