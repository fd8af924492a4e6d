"""The FX rates import decides the day/month order of its date column once (`db.parse.decide_date_order`): a rates
file typed by an Indonesian finance team in Excel (`Tanggal;Dari;Ke;Kurs`, `03/11/2026`) reads every row as the
one unambiguous `25/11/2026` says, or day first by its `Tanggal` header; an English-headed file whose dates all
read both ways is refused naming the column and two rows, then read in the order chosen; a column written both
ways is refused naming the two rows; JISDOR downloads follow the same rule. Real database (SQLite and PostgreSQL),
the command line and the Exports page (AppTest in Bahasa Indonesia)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.roles import CLI_ACTOR
from finance.fx import FxError, date_order_needed, import_rates_csv, read_jisdor
from finance.models import FxRate
from tests import builders
from tests.cli_run import run_cli
from tests.finance.test_exports_page_xlsx import CHOICE
from tests.pages import open_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAHASA_EXCEL = (FIXTURES / "fx_rates_id_excel.csv").read_bytes()  # `;`, CRLF, cp1252; 25/11/2026 in row 4
ENGLISH_AMBIGUOUS = (FIXTURES / "fx_rates_en_ambiguous.csv").read_bytes()  # 03/11, 04/11, 05/11/2026 under `date`
D = dt.date
UNKNOWN = (
    "the dates of column 'date' could be day/month/year or month/day/year (03/11/2026 in row 2, 04/11/2026 in row "
    "3): none of them has a part above 12, and the file's language does not say which; give the order: "
    "--date-order dmy (day/month/year) or --date-order mdy (month/day/year)"
)
PAGE = "pages/exports/exports.py"
DATE_ORDER = "exports_fx_date_order"


def _rates(session) -> dict[tuple[dt.date, str], Decimal]:
    rows = session.execute(select(FxRate.date, FxRate.from_currency, FxRate.rate))
    return {(day, source): Decimal(rate) for day, source, rate in rows}


def test_an_indonesian_excel_file_reads_every_row_as_its_one_unambiguous_date_says(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, BAHASA_EXCEL)
    assert (result.created, result.errors, result.format) == (4, [], "pantau")
    assert _rates(session) == {
        (D(2026, 11, 3), "USD"): Decimal(15750),  # 3 November, not 11 March
        (D(2026, 11, 4), "USD"): Decimal(15762),
        (D(2026, 11, 25), "USD"): Decimal(15810),
        (D(2026, 11, 3), "SGD"): Decimal(12105),
    }
    assert [str(note) for note in result.dates] == [
        "Dates of column 'Tanggal' are read day/month/year (25/11/2026 in row 4)."
    ]


def test_a_tanggal_column_whose_dates_all_read_both_ways_is_day_first(session) -> None:
    data = b"Tanggal;Dari;Ke;Kurs\r\n03/11/2026;USD;IDR;15750\r\n04/11/2026;USD;IDR;15762\r\n"
    assert not date_order_needed(data)
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.errors) == (2, [])
    assert set(_rates(session)) == {(D(2026, 11, 3), "USD"), (D(2026, 11, 4), "USD")}
    assert [str(note) for note in result.dates] == [
        "Dates of column 'Tanggal' are read day/month/year (its headers are in Bahasa Indonesia)."
    ]


def test_an_english_file_whose_dates_all_read_both_ways_is_refused_then_read_in_the_order_chosen(session) -> None:
    assert date_order_needed(ENGLISH_AMBIGUOUS)
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, ENGLISH_AMBIGUOUS)
    assert str(caught.value) == UNKNOWN
    assert _rates(session) == {}  # nothing written
    result = import_rates_csv(session, CLI_ACTOR, ENGLISH_AMBIGUOUS, date_order="mdy")
    assert (result.created, result.errors) == (3, [])
    assert set(_rates(session)) == {(D(2026, 3, 11), "USD"), (D(2026, 4, 11), "USD"), (D(2026, 5, 11), "USD")}
    assert [str(note) for note in result.dates] == ["Dates of column 'date' are read month/day/year, as chosen."]


def test_one_unambiguous_value_settles_an_english_column_and_the_other_rows_follow(session) -> None:
    data = b"date,from,to,rate\n11/03/2026,USD,IDR,15750\n11/25/2026,USD,IDR,15810\n"
    assert not date_order_needed(data)
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.errors) == (2, [])
    assert set(_rates(session)) == {(D(2026, 11, 3), "USD"), (D(2026, 11, 25), "USD")}


def test_a_column_written_both_ways_is_refused_naming_the_two_rows(session) -> None:
    data = b"date,from,to,rate\n03/11/2026,USD,IDR,15750\n25/11/2026,USD,IDR,15810\n11/26/2026,USD,IDR,15820\n"
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, data, date_order=None)
    assert str(caught.value) == (
        "the dates of column 'date' are written both day first (25/11/2026 in row 3) and month first (11/26/2026 "
        "in row 4); export the file again with one date format"
    )
    assert _rates(session) == {}


def test_a_date_the_other_way_round_than_the_order_chosen_is_refused_by_row(session) -> None:
    data = b"date,from,to,rate\n03/11/2026,USD,IDR,15750\n25/11/2026,USD,IDR,15810\n"
    result = import_rates_csv(session, CLI_ACTOR, data, date_order="mdy")
    assert result.created == 1
    assert result.errors == ["row 3: date: 25/11/2026 is not a date in month/day/year order; type it like 2026-01-31."]
    assert set(_rates(session)) == {(D(2026, 3, 11), "USD")}


def test_iso_dates_need_no_order_and_an_unknown_order_is_refused(session) -> None:
    data = b"date,from,to,rate\n2026-11-03,USD,IDR,15750\n"
    assert not date_order_needed(data)
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.dates) == (1, [])
    with pytest.raises(FxError, match="ymd is not a date order; use dmy"):
        import_rates_csv(session, CLI_ACTOR, data, date_order="ymd")  # type: ignore[arg-type]


def test_a_file_without_from_and_to_columns_is_refused_naming_them(session) -> None:
    # `Mata uang` alone does not say which way the rate goes (1 USD in IDR, or 1 IDR in USD): not an FX file.
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, b"Tanggal;Mata uang;Kurs\r\n03/11/2026;USD;15750\r\n")
    assert str(caught.value) == "The FX file has no from, to column (header: Tanggal, Mata uang, Kurs)"


def test_jisdor_follows_the_same_rule() -> None:
    ambiguous = read_jisdor([["Tanggal", "Kurs"], ["03/11/2026", "16.234,00"], ["04/11/2026", "16.240,00"]])
    assert ambiguous is not None
    assert [day for _n, day, _r in ambiguous.rates] == [D(2026, 11, 3), D(2026, 11, 4)]  # Indonesian: day first
    us = read_jisdor([["Tanggal", "Kurs"], ["11/03/2026 12:00:00 AM", "16,234.00"], ["11/04/2026 12:00:00 AM", "1"]])
    assert us is not None
    assert [day for _n, day, _r in us.rates] == [D(2026, 11, 3)]  # AM/PM: written in US English, month first
    with pytest.raises(FxError, match=r"both day first \(25/11/2026 in row 2\) and month first \(11/26/2026 in row 3"):
        read_jisdor([["Tanggal", "Kurs"], ["25/11/2026", "16.234,00"], ["11/26/2026", "16.240,00"]])


def test_the_command_line_refuses_then_reads_with_date_order(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes(ENGLISH_AMBIGUOUS)
    refused = run_cli("fx", "import", str(path))
    assert refused.returncode == 1
    assert f"error: {UNKNOWN}" in " ".join(refused.stderr.decode().split())
    bad = run_cli("fx", "import", str(path), "--date-order", "ymd")
    assert bad.returncode == 1
    assert "--date-order ymd: use dmy (day/month/year) or mdy (month/day/year)" in bad.stderr.decode()
    read = run_cli("fx", "import", str(path), "--date-order", "DMY")
    assert read.returncode == 0, read.stderr.decode()
    stdout = " ".join(read.stdout.decode().split())
    assert "Dates of column 'date' are read day/month/year, as chosen." in stdout
    assert "FX rates: 3 added, 0 updated, 0 rejected." in stdout
    with session_scope(migrated_url) as s:
        assert set(_rates(s)) == {(D(2026, 11, 3), "USD"), (D(2026, 11, 4), "USD"), (D(2026, 11, 5), "USD")}


def _exports_page(migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch, data: bytes):
    # AppTest formats each selectbox's value with the page's format_func in the test's own thread, which has no
    # session: that thread reads Bahasa too (as tests/app/test_bahasa_everywhere.py does), so the page's
    # translated pickers survive the reruns; the app's runs read the language from their session as always.
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from pages.components import i18n

    in_session = i18n._session_language
    monkeypatch.setattr(
        i18n, "_session_language", lambda: "id" if get_script_run_ctx(suppress_warning=True) is None else in_session()
    )
    with session_scope(migrated_url) as s:
        builders.campaign(s, builders.account(s))  # the page shows its tabs once there is something to export
    at = app_test(timeout=60)
    for key, value in CHOICE.items():  # chosen before the page runs: no rerun with translated pickers needed
        at.session_state[key] = value
    at = open_page(at, PAGE, language="id")
    at.file_uploader(key="exports_fx_upload").set_value(("kurs.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _texts(elements) -> str:
    return " ".join(" ".join(str(e.value) for e in elements).split())


def test_the_exports_page_asks_for_the_date_order_in_bahasa_indonesia(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, ENGLISH_AMBIGUOUS)
    order = at.selectbox(key=DATE_ORDER)
    assert order.label == "Urutan tanggal"
    assert order.value is None
    assert order.options == [
        "Hari/bulan/tahun (03/11/2026 adalah 3 November 2026)",
        "Bulan/hari/tahun (03/11/2026 adalah 11 Maret 2026)",
    ]
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    errors = _texts(at.error)
    assert (
        "tanggal di kolom 'date' bisa berarti hari/bulan/tahun atau bulan/hari/tahun (03/11/2026 di baris 2, "
        "04/11/2026 di baris 3)" in errors
    ), errors
    assert "pilih di Urutan tanggal di atas" in errors
    assert "--date-order" not in errors
    with session_scope(migrated_url) as s:
        assert _rates(s) == {}
    at.selectbox(key=DATE_ORDER).select("dmy").run()
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert "Kurs valas: 3 ditambahkan" in _texts(at.success), _texts(at.success)
    assert "Tanggal di kolom 'date' dibaca hari/bulan/tahun, sesuai pilihan." in _texts(at.caption)
    with session_scope(migrated_url) as s:
        assert set(_rates(s)) == {(D(2026, 11, 3), "USD"), (D(2026, 11, 4), "USD"), (D(2026, 11, 5), "USD")}


def test_the_exports_page_shows_no_date_order_for_a_file_that_settles_it(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, BAHASA_EXCEL)
    assert not [box for box in at.selectbox if box.key == DATE_ORDER]
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert "Tanggal di kolom 'Tanggal' dibaca hari/bulan/tahun (25/11/2026 di baris 4)." in _texts(at.caption)
    with session_scope(migrated_url) as s:
        assert (D(2026, 11, 25), "USD") in _rates(s)
