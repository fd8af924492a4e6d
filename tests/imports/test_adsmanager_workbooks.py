"""Field review of the Ads Manager import, on files shaped like real downloads: 18-digit IDs Excel stored as
numbers, hidden and extra sheets, a download cut mid-row, blank Campaign ID cells beside same-named campaigns,
campaigns really named "Total", and files whose every row is refused."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlwt
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from campaigns.adsmanager import AccountTarget, AdsManagerImportError, apply_import, preview_import
from campaigns.models import AdAccount, Campaign, CampaignInsight
from cli import app
from db.engine import session_scope
from db.roles import CLI_ACTOR
from db.tabular import read_table

HEADER = ["Campaign name", "Campaign ID", "Day", "Amount spent (IDR)", "Impressions"]
LOST = (
    "Row {row}, column Campaign ID: Excel stored this ID as a number ({value}) and lost its last digits; export "
    "the file as CSV or format the column as text, then upload it again."
)


def _xlsx(sheets: list[tuple[str, str, list[list[object]]]]) -> bytes:
    """A workbook as Excel saves it: (title, state, rows) per sheet, numbers as numbers."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls(sheets: list[tuple[str, bool, list[list[object]]]]) -> bytes:
    """An Excel 97-2003 workbook: (title, hidden, rows) per sheet."""
    book = xlwt.Workbook()
    for title, hidden, rows in sheets:
        sheet = book.add_sheet(title)
        sheet.visibility = 1 if hidden else 0
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(session, data: bytes, name: str, target: AccountTarget | None = None):
    preview = preview_import(session, data, name, target)
    return preview, apply_import(session, CLI_ACTOR, preview)


JUNE_1 = dt.datetime(2026, 6, 1)


# --- 1. IDs Excel stored as numbers --------------------------------------------------------------------------------

ID_ROWS = [
    HEADER,
    ["Ramadan Sale", 1.2021000000000013e17, JUNE_1, 625000, 16088],  # 120210000000000123 after Excel
    ["Ramadan Sale 2", 120210000000000124, JUNE_1, 100000, 2000],  # an int of 18 digits: Excel cannot hold it
    ["Brand Q2", 123456789012345, JUNE_1, 50000, 1000],  # 15 digits: exact as a number
    ["Awareness", "120210000000000300", JUNE_1, 1743750.5, 31592],  # a text cell: exact
]


def test_an_xlsx_id_stored_as_a_long_number_is_refused_and_short_numbers_and_text_are_kept(session) -> None:
    data = _xlsx([("Raw Data Report", "visible", ID_ROWS)])
    preview, result = _import(session, data, "Toko-Campaigns.xlsx")
    assert {(e.row, e.column): e.reason for e in preview.errors} == {
        (2, "Campaign ID"): LOST.format(row=2, value="120210000000000100"),
        (3, "Campaign ID"): LOST.format(row=3, value="120210000000000100"),
    }
    assert [(r.campaign_name, r.campaign_id) for r in preview.rows] == [
        ("Brand Q2", "123456789012345"),
        ("Awareness", "120210000000000300"),
    ]
    assert result.campaigns_created == 2
    stored = session.scalars(select(Campaign.meta_id).order_by(Campaign.meta_id)).all()
    assert stored == ["120210000000000300", "123456789012345"]  # no invented ID, no `.0`


def test_the_reader_marks_long_numbers_cell_by_cell(session) -> None:
    table = read_table(_xlsx([("Sheet1", "visible", ID_ROWS)]), "x.xlsx")
    marked = [(row.line, sorted(row.inexact)) for row in table.rows]
    assert marked == [(2, [1]), (3, [1]), (4, []), (5, [])]
    assert table.lost_digits(table.rows[2], "campaign id") is None
    assert table.cell(table.rows[2], "campaign id") == "123456789012345"


def test_an_xls_id_stored_as_a_long_number_is_refused_too(session) -> None:
    rows = [HEADER, ["Ramadan Sale", 1.2021000000000013e17, "2026-06-01", 625000, 16088]]
    rows.append(["Brand Q2", 123456789012345.0, "2026-06-01", 50000, 1000])
    preview = preview_import(session, _xls([("Sheet1", False, rows)]), "Toko-Campaigns.xls")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Campaign ID")]
    assert "lost its last digits" in preview.errors[0].reason
    assert [r.campaign_id for r in preview.rows] == ["123456789012345"]


@settings(max_examples=60, deadline=None)
@given(number=st.integers(min_value=-(10**18), max_value=10**18), as_float=st.booleans())
def test_any_workbook_number_is_either_exact_text_or_marked(number: int, as_float: bool) -> None:
    value = float(number) if as_float else number
    table = read_table(_xlsx([("Sheet1", "visible", [["Campaign ID", "Spend"], [value, 1]])]), "x.xlsx")
    row = table.rows[0]
    if abs(value) >= 10**15:
        assert table.lost_digits(row, "campaign id") is not None
    else:
        assert table.lost_digits(row, "campaign id") is None
        assert table.cell(row, "campaign id") == str(int(value))  # 15 digits or fewer: exact, no `.0`


# --- 2. which sheet is read ----------------------------------------------------------------------------------------

DATA_ROWS = [HEADER, ["Ramadan Sale", "120210000000000100", JUNE_1, 625000, 16088]]
HIDDEN_ROWS = [HEADER, ["Old lookup", "120210000000000999", JUNE_1, 999999, 1]]


def test_a_hidden_sheet_is_not_read_and_the_other_visible_sheets_are_named(session) -> None:
    data = _xlsx(
        [
            ("Lookup", "hidden", HIDDEN_ROWS),
            ("Kampanye", "visible", DATA_ROWS),
            ("Catatan", "visible", [["Dibuat oleh tim iklan"], ["Periksa angka sebelum tutup buku"]]),
        ]
    )
    preview = preview_import(session, data, "Toko-Kampanye.xlsx")
    assert (preview.layout.table.sheet, preview.layout.table.unread_sheets) == ("Kampanye", ("Catatan",))
    assert [r.campaign_name for r in preview.rows] == ["Ramadan Sale"]
    notes = [str(note) for note in preview.notes]
    assert "Sheet read: 'Kampanye'." in notes
    assert (
        "Other visible sheets not read: 'Catatan'. Only one sheet is imported; to import another, save it as a "
        "file of its own." in notes
    )


def test_a_hidden_sheet_is_not_read_even_when_it_comes_first_with_the_better_header(session) -> None:
    hidden = [[*HEADER, "Link clicks", "Reach"], ["Old", "120210000000000999", JUNE_1, 1, 1, 1, 1]]
    data = _xlsx([("Data", "hidden", hidden), ("Campaigns", "visible", DATA_ROWS)])
    table = read_table(data, "x.xlsx")
    assert (table.sheet, table.unread_sheets) == ("Campaigns", ())
    assert read_table(data, "x.xlsx", sheet="Data").sheet == "Data"  # asked for by name: read


def test_an_xls_hidden_sheet_is_skipped(session) -> None:
    rows = [HEADER, ["Ramadan Sale", "120210000000000100", "2026-06-01", 625000, 16088]]
    data = _xls([("Lookup", True, [HEADER, ["Old", "1", "2026-06-01", 1, 1]]), ("Sheet1", False, rows)])
    table = read_table(data, "x.xls")
    assert (table.sheet, table.unread_sheets) == ("Sheet1", ())


# --- 3. a download cut mid-row -------------------------------------------------------------------------------------

ID_CSV = (
    "\ufeffAwal pelaporan,Akhir pelaporan,Nama kampanye,ID kampanye,Jumlah yang dibelanjakan (IDR),Impresi\r\n"
    "2026-06-01,2026-06-01,Promo Lebaran,120210000000000100,625000,16088\r\n"
    "2026-06-02,2026-06-02,Promo Lebaran,120210000000000100,625000,16088\r\n"
)
CUT_ROW = "2026-06-03,2026-06-03,Promo Lebaran,120210000000000100,62"


def test_a_last_row_cut_off_is_refused_not_padded(session) -> None:
    data = (ID_CSV + CUT_ROW).encode("utf-8")
    preview = preview_import(session, data, "Toko-Kampanye.csv")
    assert [(e.row, e.reason) for e in preview.errors] == [
        (4, "Row 4 ends early: 5 of 6 columns; the file may be cut off, so download it again.")
    ]
    assert [r.start.day for r in preview.rows] == [1, 2]


def test_a_utf16_tab_file_cut_off_is_refused_too(session) -> None:
    text = (ID_CSV + CUT_ROW).replace(",", "\t").replace("\ufeff", "")
    preview = preview_import(session, b"\xff\xfe" + text.encode("utf-16-le"), "Toko-Kampanye.txt")
    assert [e.row for e in preview.errors] == [4]
    assert "ends early: 5 of 6 columns" in preview.errors[0].reason


def test_a_complete_last_row_without_a_newline_imports(session) -> None:
    data = (ID_CSV + "2026-06-03,2026-06-03,Promo Lebaran,120210000000000100,625000,16088").encode("utf-8")
    preview = preview_import(session, data, "Toko-Kampanye.csv")
    assert preview.errors == []
    assert len(preview.rows) == 3


def test_wherever_the_download_stops_the_cut_row_is_never_imported_short() -> None:
    last = "2026-06-03,2026-06-03,Promo Lebaran,120210000000000100,625000,16088"
    for cut in range(1, len(last)):
        table = read_table((ID_CSV + last[:cut]).encode("utf-8"), "cut.csv")
        row = table.rows[-1]
        if row.line != 4:
            continue
        if last[:cut].count(",") < 5:
            assert any("ends early" in str(p) for p in row.problems), last[:cut]
        else:
            assert row.problems == ()  # every column there (the last one perhaps short: nothing says so)


# --- 4. a blank Campaign ID beside same-named campaigns ---------------------------------------------------------

TWO_PROMOS = (
    "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
    "2026-07-01,2026-07-01,Promo Juli,120210000000000201,25.00,1800\n"
    "2026-07-01,2026-07-01,Promo Juli,120210000000000202,75.50,5200\n"
)


def test_a_blank_id_with_two_campaigns_of_that_name_is_refused_naming_both(session) -> None:
    _import(session, TWO_PROMOS.encode(), "Shop-Campaigns.csv")
    blank = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-02,2026-07-02,Promo Juli,,30.00,2000\n"
    )
    preview = preview_import(session, blank.encode(), "Shop-Campaigns.csv")
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [
        (
            2,
            "Campaign ID",
            "The Campaign ID is blank and 2 campaigns are named 'Promo Juli' (120210000000000201, "
            "120210000000000202); fill in the Campaign ID so the row goes to the right one.",
        )
    ]
    with pytest.raises(AdsManagerImportError, match="nothing was written"):
        apply_import(session, CLI_ACTOR, preview)
    assert session.scalar(select(func.count(Campaign.id))) == 2  # no phantom campaign


def test_a_blank_id_goes_to_the_one_campaign_of_its_name(session) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,Summer Sale,120210000000000001,60.10,5010\n"
        "2026-07-02,2026-07-02,Summer Sale,,40.00,3000\n"
        "2026-07-02,2026-07-02,Winter Sale,,10.00,100\n"
    )
    preview, result = _import(session, text.encode(), "Shop-Campaigns.csv")
    assert [(e.row, e.column) for e in preview.errors] == [(4, "Campaign ID")]
    assert "no campaign named 'Winter Sale' is known" in preview.errors[0].reason
    assert result.campaigns_created == 1
    stored = session.execute(
        select(Campaign.meta_id, CampaignInsight.date, CampaignInsight.spend)
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .order_by(CampaignInsight.date)
    ).all()
    assert stored == [
        ("120210000000000001", dt.date(2026, 7, 1), Decimal("60.10")),
        ("120210000000000001", dt.date(2026, 7, 2), Decimal("40.00")),
    ]


def test_a_blank_id_row_repeating_a_day_of_its_campaign_is_refused(session) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,Summer Sale,120210000000000001,60.10,5010\n"
        "2026-07-01,2026-07-01,Summer Sale,,60.10,5010\n"
    )
    preview = preview_import(session, text.encode(), "Shop-Campaigns.csv")
    assert [e.row for e in preview.errors] == [3]
    assert "which row 2 already gives for the same days" in preview.errors[0].reason
    assert preview.spend == Decimal("60.10")


# --- 5. a campaign named "Total" ---------------------------------------------------------------------------------


def test_a_campaign_named_total_with_an_id_is_imported_and_a_blank_total_row_is_skipped(session) -> None:
    text = (
        "\ufeffAwal pelaporan,Akhir pelaporan,Nama kampanye,ID kampanye,Jumlah yang dibelanjakan (IDR),Impresi\n"
        "2026-06-01,2026-06-01,Jumlah,,350000,9000\n"
        "2026-06-01,2026-06-01,Total,120210000000000500,250000,6000\n"
        "2026-06-01,2026-06-01,Promo Lebaran,120210000000000100,100000,3000\n"
    )
    preview, _result = _import(session, text.encode(), "Toko-Kampanye.csv")
    assert preview.errors == []
    assert preview.export.summary_lines == [2]
    assert preview.export.file_total == Decimal("350000") == preview.spend
    names = session.scalars(select(Campaign.name).order_by(Campaign.name)).all()
    assert names == ["Promo Lebaran", "Total"]


# --- 6. every row refused ------------------------------------------------------------------------------------------


def test_a_file_whose_every_row_is_refused_creates_nothing_and_says_why(session) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,Summer Sale,1.20253E+17,60.10,5010\n"
        "2026-07-02,2026-07-02,Summer Sale,120210000000000001,ten,3000\n"
    )
    preview = preview_import(session, text.encode(), "Brand-New-Shop-Campaigns.csv")
    assert preview.rows == []
    message = preview.nothing_to_import()
    assert message is not None
    assert str(message) == (
        "None of the file's 2 data row(s) can be imported, so nothing was written (no account or campaign was "
        "created). The first reasons: row 2, Campaign ID: Campaign ID '1.20253E+17' looks changed by Excel (a "
        "long number shown in scientific notation); export the file again and upload it without opening and "
        "saving it in Excel.; row 3, Amount spent (USD): ten is not an amount; type it like 1,250.50."
    )
    with pytest.raises(AdsManagerImportError) as caught:
        apply_import(session, CLI_ACTOR, preview)
    assert str(caught.value) == str(message)
    assert session.scalar(select(func.count(AdAccount.id))) == 0


def test_the_cli_says_why_nothing_was_written_and_exits_1(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "Brand-New-Shop-Campaigns.csv"
    path.write_bytes(
        b"\xef\xbb\xbfReporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\r\n"
        b"2026-07-01,2026-07-01,Summer Sale,1.20253E+17,60.10,5010\r\n"
    )
    result = CliRunner().invoke(app, ["import", "adsmanager", str(path)])
    assert result.exit_code == 1
    assert "None of the file's 1 data row(s) can be imported, so nothing was written" in result.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(AdAccount.id))) == 0
