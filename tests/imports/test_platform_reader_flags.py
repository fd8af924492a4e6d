"""The platform report imports (TikTok, Google Ads, LinkedIn) honour what the tabular reader flags: a workbook ID of
more than 15 digits (Excel lost its last digits) is refused by row and column, never merged or invented, and a
download cut mid-row is refused, never padded, never skipped as a total, never deciding the file's currency."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from campaigns.models import Campaign, CampaignInsight
from campaigns.platform_import import PlatformImportError, apply_report, preview_report
from campaigns.platform_reports import GOOGLE_ADS, TIKTOK
from db.roles import CLI_ACTOR

TIKTOK_HEADER = ["Date", "Advertiser ID", "Campaign ID", "Campaign name", "Cost", "Impressions", "Clicks", "Currency"]
# Two real TikTok campaign IDs that differ only in their last digits: as Excel numbers they become one.
FIRST_ID, SECOND_ID = 1_780_123_456_789_012_345, 1_780_123_456_789_012_399
ADVERTISER = "7301234567890123456"


def _xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    """A workbook as TikTok Ads Manager's export looks after Excel: a title line, then the table; numbers as
    numbers (a float for a long ID, as Excel stores it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_numeric_19_digit_campaign_ids_are_refused_by_row_and_column_not_merged(session) -> None:
    data = _xlsx(
        [
            ["Laporan Kampanye TikTok 2026-07-01 - 2026-07-02"],
            TIKTOK_HEADER,
            ["2026-07-01", ADVERTISER, float(FIRST_ID), "Spark Ads - KOL", 1250000, 215000, 3120, "IDR"],
            ["2026-07-01", ADVERTISER, float(SECOND_ID), "In-feed - Katalog", 830500, 164210, 2210, "IDR"],
            ["2026-07-02", ADVERTISER, "1780123456789012345", "Spark Ads - KOL", 1198000, 209870, 2987, "IDR"],
        ]
    )
    preview = preview_report(session, TIKTOK, data, "tiktok.xlsx", account="Kopi TikTok")
    by_row = {e.row: (e.column, e.reason) for e in preview.errors}
    assert sorted(by_row) == [3, 4]
    for row in (3, 4):
        column, reason = by_row[row]
        assert column == "Campaign ID"
        assert reason.startswith(f"Row {row}, column Campaign ID: Excel stored this ID as a number (")
        assert "export the file as CSV or format the column as text" in reason
    # The ID written as text is exact and imports; no campaign is made from a rounded number.
    assert [(r.line, r.campaign_id) for r in preview.rows] == [(5, "1780123456789012345")]
    result = apply_report(session, CLI_ACTOR, preview)
    assert result.inserted == 1
    assert set(session.scalars(select(Campaign.meta_id).where(Campaign.platform == "tiktok"))) == {
        "1780123456789012345"
    }


def test_a_workbook_of_only_rounded_ids_writes_nothing(session) -> None:
    data = _xlsx(
        [
            TIKTOK_HEADER,
            ["2026-07-01", ADVERTISER, float(FIRST_ID), "A", 1000, 10, 1, "IDR"],
            ["2026-07-01", ADVERTISER, float(SECOND_ID), "B", 2000, 10, 1, "IDR"],
        ]
    )
    preview = preview_report(session, TIKTOK, data, "tiktok.xlsx", account="Kopi TikTok")
    assert preview.rows == []
    assert {e.row for e in preview.errors} == {2, 3}
    apply_report(session, CLI_ACTOR, preview)
    assert (_count(session, Campaign), _count(session, CampaignInsight)) == (0, 0)


def test_an_integer_cell_of_19_digits_is_refused_too(session) -> None:
    """openpyxl (and LibreOffice) may store the digits exactly, but Excel would not: the column is a number column
    and the next save rounds it, so it is refused the same way."""
    data = _xlsx([TIKTOK_HEADER, ["2026-07-01", ADVERTISER, FIRST_ID, "A", 1000, 10, 1, "IDR"]])
    preview = preview_report(session, TIKTOK, data, "tiktok.xlsx", account="Kopi TikTok")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Campaign ID")]
    assert "lost its last digits" in preview.errors[0].reason


def test_a_numeric_advertiser_id_refuses_the_file_naming_the_row_and_column(session) -> None:
    row = ["2026-07-01", float(ADVERTISER), "1780123456789012345", "A", 1, 1, 1, "IDR"]
    data = _xlsx([TIKTOK_HEADER, row])
    with pytest.raises(PlatformImportError, match=r"Row 2, column Advertiser ID: Excel stored this ID as a number"):
        preview_report(session, TIKTOK, data, "tiktok.xlsx")


def test_short_numeric_ids_are_exact_and_import(session) -> None:
    """A Google Ads campaign ID has 11 digits: as a workbook number it is exact (`20345678901`, not `...901.0`)."""
    data = _xlsx(
        [
            ["Campaign performance report"],
            ["Day", "Campaign ID", "Campaign", "Cost", "Impr.", "Clicks", "Currency code"],
            ["2026-07-01", 20345678901, "Search - Brand ID", 1250000, 12340, 410, "IDR"],
        ]
    )
    preview = preview_report(session, GOOGLE_ADS, data, "google.xlsx", account="Kopi Google")
    assert preview.errors == []
    assert [r.campaign_id for r in preview.rows] == ["20345678901"]


# --- a download cut mid-row ---------------------------------------------------------------------------------------

TIKTOK_CSV = (
    b"\xef\xbb\xbfDate,Campaign name,Cost,Impressions,Clicks (destination),Conversions,Currency\r\n"
    b"2026-07-01,Spark Ads - KOL Ramadan,1250000.00,215000,3120,41,IDR\r\n"
    b"2026-07-01,In-feed - Katalog,830500.00,164210,2210,18,IDR\r\n"
)
LAST = b"2026-07-02,Spark Ads - KOL Ramadan,1198000.00,209870,2987,37,IDR"


def test_a_tiktok_csv_cut_mid_row_rejects_that_row_and_keeps_the_others(session) -> None:
    data = TIKTOK_CSV + LAST[: LAST.index(b",209870")]  # stops after the cost: 3 of 7 columns
    preview = preview_report(session, TIKTOK, data, "tiktok.csv", account="Kopi TikTok")
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [
        (4, "", "Row 4 ends early: 3 of 7 columns; the file may be cut off, so download it again.")
    ]
    assert [r.line for r in preview.rows] == [2, 3]


@pytest.mark.parametrize("cut", range(1, len(LAST)))
def test_wherever_the_download_stops_the_short_row_is_never_imported_or_skipped(session, cut: int) -> None:
    preview = preview_report(session, TIKTOK, TIKTOK_CSV + LAST[:cut], "tiktok.csv", account="Kopi TikTok")
    assert preview.total_rows == 0
    last = [r for r in preview.rows if r.line == 4]
    if last:  # only when every figure is whole: the cut took nothing but the per-file currency cell (`...,37,`)
        assert LAST[:cut].endswith(b",37,")
        row = last[0]
        assert (row.spend, row.impressions, row.clicks) == (1198000, 209870, 2987)
    else:
        assert any(e.row == 4 for e in preview.errors)  # rejected and reported, never skipped without a word
    if LAST[:cut].count(b",") < 6:
        assert any("ends early" in e.reason for e in preview.errors if e.row == 4)


def test_a_cut_row_with_only_figures_is_not_taken_for_a_total(session) -> None:
    """Columns in the order Cost, ..., Campaign name: a row cut after the cost has figures and no campaign, which
    would read as an unlabelled total line and be skipped without a word."""
    data = b"Cost,Impressions,Date,Campaign name,Currency\n1000,10,2026-07-01,Kopi,IDR\n1250000,215"
    preview = preview_report(session, TIKTOK, data, "tiktok.csv", account="Kopi TikTok")
    assert preview.total_rows == 0
    assert {e.row for e in preview.errors} == {3}
    assert any("ends early" in e.reason for e in preview.errors)


def test_a_currency_cut_in_the_last_row_does_not_refuse_the_file(session) -> None:
    data = b"Date,Campaign name,Cost,Currency,Impressions\n2026-07-01,Kopi,1000,IDR,10\n2026-07-02,Kopi,2000,ID"
    preview = preview_report(session, TIKTOK, data, "tiktok.csv")  # a new account in the file's currency
    assert preview.currency == "IDR"
    assert [r.line for r in preview.rows] == [2]
    assert {e.row for e in preview.errors} == {3}


def test_a_cut_currency_in_a_whole_width_row_rejects_that_row_only(session) -> None:
    """`...,37,ID`: every column is there, so the reader cannot tell; `ID` is not a currency, and the row says so."""
    preview = preview_report(session, TIKTOK, TIKTOK_CSV + LAST[:-1], "tiktok.csv", account="Kopi TikTok")
    assert [r.line for r in preview.rows] == [2, 3]
    assert [(e.row, e.column) for e in preview.errors] == [(4, "Currency")]


def test_a_cut_figure_does_not_decide_the_files_decimal_mark(session) -> None:
    """`1.250.000` proves ',' decimals; the last row, cut to `1.25`, would prove '.' and make every figure of the
    file ambiguous. A flagged row takes no part in the file's number rule: it alone is rejected."""
    data = (
        b"Tanggal;Nama kampanye;Biaya;Tayangan;Mata uang\r\n"
        b"2026-07-01;Promo Kopi;1.250.000;215.000;IDR\r\n"
        b"2026-07-02;Promo Kopi;1.198.000;209.870;IDR\r\n"
        b"2026-07-03;Promo Kopi;1.25"
    )
    preview = preview_report(session, TIKTOK, data, "tiktok.csv", account="Kopi TikTok")
    assert [(r.line, r.spend, r.impressions) for r in preview.rows] == [(2, 1250000, 215000), (3, 1198000, 209870)]
    assert {e.row for e in preview.errors} == {4}
    assert any("ends early" in e.reason for e in preview.errors)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=10**19 - 1), st.booleans())
def test_a_numeric_id_is_read_exactly_or_refused_never_another_id(session, ident: int, as_float: bool) -> None:
    value: int | float = float(ident) if as_float else ident
    data = _xlsx([TIKTOK_HEADER, ["2026-07-01", ADVERTISER, value, "A", 1000, 10, 1, "IDR"]])
    preview = preview_report(session, TIKTOK, data, "tiktok.xlsx", account="Kopi TikTok")
    if abs(value) >= 10**15:
        assert [(e.row, e.column) for e in preview.errors] == [(2, "Campaign ID")]
        assert preview.rows == []
    elif as_float and float(ident) != ident:
        pytest.fail("below 10**15 every integer is an exact float")
    else:
        assert preview.errors == []
        assert [r.campaign_id for r in preview.rows] == [str(ident)]
