"""Promo code sales from order exports that write the order's moment with a time (influencers/promo_sales.py,
`db.parse.parse_date_with_time` and `decide_date_order`): the time is dropped, the order counts on the day written,
and the day/month order of a numeric date column is decided once per column: a day above 12 makes it day first, a
second part above 12 month first, else the file's language (Bahasa Indonesia headers: day first), else the person
chooses (`date_order=`, the command line's `--date-order`, the page's "Date order"). Every data test runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.errors import FieldErrors
from influencers.promo_sales import date_order_needed, import_promo_sales
from tests.influencers import test_promo_sales as base
from tests.influencers.conftest import SPECIALIST

D = dt.date
shop = base.shop  # the IDR program with Ayu (KOPIAYU) and Budi (KOPIBUDI)
_stored = base._stored

# A TikTok Shop order export in English (Seller Center, Orders > Export) as a seller outside the US gets it: the
# order's creation and payment moments written `03/11/2026 10:12:31 AM`, day first, a row per order. Row 5's
# 25/11/2026 settles the column's order; the other rows alone could be March or November. The header row is
# modelled on the seller centre's column names, not copied from a real download.
TIKTOK_HEADER = (
    "Order ID,Order Status,Created Time,Paid Time,Product Name,Quantity,SKU Subtotal After Discount,"
    "Seller Voucher Code,Order Amount\r\n"
)
TIKTOK_ROWS = [
    "576912345678902001,Completed,03/11/2026 10:12:31 AM,03/11/2026 10:13:02 AM,Kopi Gayo 250g,2,180000,KOPIAYU,190000",
    "576912345678902002,Completed,03/11/2026 07:40:02 PM,03/11/2026 07:41:10 PM,Kopi Toraja 250g,1,95000,kopiayu,"
    "105000",
    "576912345678902003,Cancelled,04/11/2026 09:05:44 PM,,Kopi Gayo 250g,1,90000,KOPIAYU,100000",
    "576912345678902004,Completed,25/11/2026 09:01:00 AM,25/11/2026 09:01:30 AM,Kopi Gayo 1kg,1,250000,KOPIBUDI,250000",
]
TIKTOK_DAY_FIRST = (TIKTOK_HEADER + "\r\n".join(TIKTOK_ROWS) + "\r\n").encode()
# The same export of early November only: every date could be day first or month first.
TIKTOK_AMBIGUOUS = (TIKTOK_HEADER + "\r\n".join([*TIKTOK_ROWS[:3], TIKTOK_ROWS[3].replace("25/11", "05/11")])).encode()
TIKTOK_MAP = {"Created Time": "day", "Seller Voucher Code": "code", "Order Amount": "ignore"}
# TikTok Shop in English for a US seller: month first, `11/03/2026 10:12:31 PM`; row 3's 11/25 settles it.
TIKTOK_US = (
    TIKTOK_HEADER + "576912345678903001,Completed,11/03/2026 10:12:31 PM,,Kopi Gayo 250g,2,180000,KOPIAYU,190000\r\n"
    "576912345678903002,Completed,11/25/2026 08:00:00 AM,,Kopi Gayo 1kg,1,250000,KOPIBUDI,250000\r\n"
).encode()

# A Shopee order export in Bahasa Indonesia (`base.SHOPEE`) whose creation time is written `03-11-2026 10:12`, as
# Excel on an Indonesian Windows writes it: no day above 12, the headers decide (day first).
SHOPEE_DASHES = (
    base.SHOPEE.decode("cp1252")
    .replace(";2026-11-03 ", ";03-11-2026 ")
    .replace(";2026-11-04 ", ";04-11-2026 ")
    .encode("cp1252")
)


def test_a_day_above_12_makes_an_english_tiktok_column_day_first(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(
        session, SPECIALIST, program.id, TIKTOK_DAY_FIRST, mapping=TIKTOK_MAP, shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert report.not_sold == 1
    # the times are dropped: 10:12 AM and 07:40 PM of 3 November are one day's orders
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 25), D(2026, 11, 25), 1, Decimal("250000"))]
    assert [str(note) for note in report.dates] == [
        "Dates of column 'Created Time' are read day/month/year (25/11/2026 09:01:00 AM in row 5)."
    ]


def test_a_second_part_above_12_makes_a_us_tiktok_column_month_first(session, shop) -> None:
    program, ayu, budi = shop
    report = import_promo_sales(session, SPECIALIST, program.id, TIKTOK_US, mapping=TIKTOK_MAP, shop="tiktok_shop")
    assert report.rejected == 0, report.problems
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal("180000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 25), D(2026, 11, 25), 1, Decimal("250000"))]


def test_an_all_ambiguous_english_file_is_refused_naming_the_column_then_read_in_the_order_chosen(
    session, shop
) -> None:
    program, ayu, budi = shop
    assert date_order_needed(TIKTOK_AMBIGUOUS, "orders.csv", TIKTOK_MAP)
    assert not date_order_needed(TIKTOK_DAY_FIRST, "orders.csv", TIKTOK_MAP)
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, TIKTOK_AMBIGUOUS, mapping=TIKTOK_MAP, shop="tiktok_shop")
    assert refused.value.errors == {
        "day": "the dates of column 'Created Time' could be day/month/year or month/day/year (03/11/2026 10:12:31 AM "
        "in row 2, 03/11/2026 07:40:02 PM in row 3): none of them has a part above 12, and the file's language does "
        "not say which; give the order: --date-order dmy (day/month/year) or --date-order mdy (month/day/year)"
    }
    assert _stored(session, ayu.id) == []  # nothing written
    report = import_promo_sales(
        session,
        SPECIALIST,
        program.id,
        TIKTOK_AMBIGUOUS,
        mapping=TIKTOK_MAP,
        date_order="mdy",
        dry_run=True,
        shop="tiktok_shop",
    )
    assert [(s.influencer, s.period_start) for s in report.sales] == [("Ayu", D(2026, 3, 11)), ("Budi", D(2026, 5, 11))]
    report = import_promo_sales(
        session, SPECIALIST, program.id, TIKTOK_AMBIGUOUS, mapping=TIKTOK_MAP, date_order="dmy", shop="tiktok_shop"
    )
    assert report.rejected == 0, report.problems
    assert [str(note) for note in report.dates] == [
        "Dates of column 'Created Time' are read day/month/year, as chosen."
    ]
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 5), D(2026, 11, 5), 1, Decimal("250000"))]


def test_a_chosen_order_refuses_the_rows_written_the_other_way(session, shop) -> None:
    program, _ayu, _budi = shop
    report = import_promo_sales(
        session,
        SPECIALIST,
        program.id,
        TIKTOK_DAY_FIRST,
        mapping=TIKTOK_MAP,
        date_order="mdy",
        dry_run=True,
        shop="tiktok_shop",
    )
    assert report.refused
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (5, "day", "25/11/2026 09:01:00 AM is not a date in month/day/year order; type it like 2026-01-31.")
    ]


def test_a_column_written_both_ways_is_refused_naming_the_two_rows(session, shop) -> None:
    program, ayu, _budi = shop
    mixed = TIKTOK_DAY_FIRST + b"576912345678902005,Completed,11/25/2026 08:00:00 AM,,Kopi,1,90000,KOPIAYU,90000\r\n"
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(session, SPECIALIST, program.id, mixed, mapping=TIKTOK_MAP, shop="tiktok_shop")
    assert refused.value.errors == {
        "day": "the dates of column 'Created Time' are written both day first (25/11/2026 09:01:00 AM in row 5) and "
        "month first (11/25/2026 08:00:00 AM in row 6); export the file again with one date format"
    }
    assert _stored(session, ayu.id) == []


def test_a_shopee_file_in_bahasa_reads_03_11_2026_10_12_day_first(session, shop) -> None:
    program, ayu, budi = shop
    assert not date_order_needed(SHOPEE_DASHES, "pesanan.csv", base.SHOPEE_MAP)
    report = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_DASHES, mapping=base.SHOPEE_MAP, shop="shopee")
    assert report.rejected == 0, report.problems
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("1360000"))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 1, Decimal("300000"))]
    assert [str(note) for note in report.dates] == [
        "Dates of column 'Waktu Pesanan Dibuat' are read day/month/year (its headers are in Bahasa Indonesia)."
    ]


def test_a_bahasa_file_with_plain_figures_still_reads_dates_day_first(session, shop) -> None:
    """The number convention (`1250000.00`, a `.` decimal mark) says nothing about the date order."""
    program, _ayu, _budi = shop
    plain = b"Kode promo;Tanggal;Pesanan;Penjualan bersih\nKOPIAYU;03/11/2026 10:12;2;1250000.00\n"
    report = import_promo_sales(session, SPECIALIST, program.id, plain, dry_run=True, shop="website")
    assert report.numbers is not None
    assert report.numbers.decimal == "."
    assert [(s.period_start, s.orders) for s in report.sales] == [(D(2026, 11, 3), 2)]


def test_an_unknown_date_order_is_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(FieldErrors) as refused:
        import_promo_sales(
            session, SPECIALIST, program.id, TIKTOK_DAY_FIRST, mapping=TIKTOK_MAP, date_order="ymd", shop="tiktok_shop"
        )  # type: ignore[arg-type]
    assert refused.value.errors == {
        "date_order": "ymd is not a date order; use dmy (day/month/year) or mdy (month/day/year)"
    }


def test_the_command_line_refuses_an_ambiguous_file_until_date_order_is_given(migrated_url: str, tmp_path) -> None:
    from db.engine import session_scope
    from tests.cli_run import run_cli

    program_id, ayu_id = base._cli_program(migrated_url)
    path = tmp_path / "tiktok_orders.csv"
    path.write_bytes(TIKTOK_AMBIGUOUS)
    maps = [arg for column, name in TIKTOK_MAP.items() for arg in ("--map", f"{column}={name}")]
    refused = run_cli("import", "promo-sales", "--program", str(program_id), "--shop", "tiktok_shop", str(path), *maps)
    assert refused.returncode == 2
    assert b"the dates of column 'Created Time' could be day/month/year or month/day/year" in refused.stderr
    assert b"--date-order dmy (day/month/year) or --date-order mdy (month/day/year)" in refused.stderr
    wrong = run_cli(
        "import",
        "promo-sales",
        "--program",
        str(program_id),
        "--shop",
        "tiktok_shop",
        str(path),
        *maps,
        "--date-order",
        "ymd",
    )
    assert wrong.returncode == 2
    assert b"--date-order ymd: use dmy (day/month/year) or mdy (month/day/year)" in wrong.stderr
    done = run_cli(
        "import",
        "promo-sales",
        "--program",
        str(program_id),
        "--shop",
        "tiktok_shop",
        str(path),
        *maps,
        "--date-order",
        "dmy",
    )
    assert done.returncode == 0, done.stderr
    assert b"Dates of column 'Created Time' are read day/month/year, as chosen." in done.stdout
    assert b"Ayu (KOPIAYU) 2026-11-03: 2 orders, 275000 IDR" in done.stdout
    with session_scope(migrated_url) as s:
        assert _stored(s, ayu_id) == [(D(2026, 11, 3), D(2026, 11, 3), 2, Decimal("275000"))]
