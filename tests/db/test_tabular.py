"""The one tabular reader: every fixture shape read exactly, refusals word for word, bombs refused with little
memory, and random or damaged bytes never escaping as anything but TabularError."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import adsmanager_headers as vocabulary
from db.tabular import (
    Limits,
    Table,
    TabularError,
    excel_damage,
    header_key,
    looks_like_total,
    read_table,
    sniff_delimiter,
    split_currency,
    summary_row,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DATA_FILES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in {".csv", ".txt", ".xlsx", ".xls"})


def read(name: str, **options) -> Table:
    return read_table((FIXTURES / name).read_bytes(), name, **options)


def refusal(data: bytes, name: str = "upload.csv", **options) -> str:
    with pytest.raises(TabularError) as caught:
        read_table(data, name, **options)
    return str(caught.value)


# --- every fixture shape, read exactly -------------------------------------------------------------------------

# name: (kind, encoding, delimiter, sheet, header line, data rows, preamble lines)
SHAPES = {
    "adsmanager_account_daily.csv": ("csv", "utf-8-sig", ",", None, 1, 3, []),
    "adsmanager_ad_level_no_campaign.csv": ("csv", "utf-8-sig", ",", None, 1, 2, []),
    "adsmanager_ad_level_with_id.csv": ("csv", "utf-8-sig", ",", None, 1, 3, []),
    "adsmanager_adset_level.csv": ("csv", "utf-8-sig", ",", None, 1, 4, []),
    "adsmanager_age_gender.csv": ("csv", "utf-8-sig", ",", None, 1, 6, []),
    "adsmanager_amount_spent_no_currency.csv": ("csv", "utf-8-sig", ",", None, 1, 2, []),
    "adsmanager_campaign_en_usd.csv": ("csv", "utf-8-sig", ",", None, 1, 4, []),
    "adsmanager_campaign_id_idr.csv": ("csv", "utf-8-sig", ",", None, 1, 3, []),
    "adsmanager_campaign_id_idr_cr.csv": ("csv", "utf-8-sig", ",", None, 1, 3, []),
    "adsmanager_daily_en.csv": ("csv", "utf-8-sig", ",", None, 1, 7, []),
    "adsmanager_daily_en_unicode.txt": ("csv", "utf-16-le", "\t", None, 1, 7, []),
    "adsmanager_placement.csv": ("csv", "utf-8-sig", ",", None, 1, 5, []),
    "adsmanager_region_id.csv": ("csv", "utf-8-sig", ",", None, 1, 7, []),
    "adsmanager_reports.xlsx": ("xlsx", None, None, "Raw Data Report", 5, 4, [1, 2, 3]),
    "adsmanager_result_type_shared_items.csv": ("csv", "utf-8-sig", ",", None, 1, 2, []),
    "adsmanager_same_name_two_ids.csv": ("csv", "utf-8-sig", ",", None, 1, 4, []),
    "adsmanager_title_line_usd.csv": ("csv", "utf-8-sig", ",", None, 3, 4, [1]),
    "contacts_cp1252.csv": ("csv", "cp1252", ";", None, 1, 3, []),
    "contacts_header_line2.csv": ("csv", "utf-8", ",", None, 2, 2, []),
    "contacts_legacy.xls": ("xls", None, None, "Influencers", 2, 2, [1]),
    "contacts_outreach.csv": ("csv", "utf-8", ",", None, 1, 5, []),
    "formula_without_value.xlsx": ("xlsx", None, None, "Data", 1, 4, []),
    "fx_rates_duplicate_rate.csv": ("csv", "utf-8", ",", None, 1, 2, []),
    "fx_rates_en_ambiguous.csv": ("csv", "utf-8", ",", None, 1, 3, []),
    "fx_rates_en_numbers.csv": ("csv", "utf-8", ",", None, 1, 3, []),
    "fx_rates_id_excel.csv": ("csv", "utf-8", ";", None, 1, 4, []),
    "fx_rates_id_excel_numbers.csv": ("csv", "cp1252", ";", None, 1, 4, []),
    "fx_rates_mixed_numbers.csv": ("csv", "utf-8", ";", None, 1, 3, []),
    "googleads_campaign_daily.csv": ("csv", "utf-8", ",", None, 3, 10, [1, 2]),
    "googleads_campaign_daily_utf16.csv": ("csv", "utf-16-le", "\t", None, 3, 10, [1, 2]),
    "googleads_campaign_daily_id.csv": ("csv", "utf-8", ",", None, 3, 5, [1, 2]),  # 4 days + "Total: Akun"
    "googleads_device.csv": ("csv", "utf-8", ",", None, 3, 4, [1, 2]),
    "googleads_mcc.csv": ("csv", "utf-8", ",", None, 3, 3, [1, 2]),
    "tiktok_hourly.csv": ("csv", "utf-8", ",", None, 1, 5, []),
    "tiktok_report_id_excel.csv": ("csv", "utf-8", ";", None, 1, 4, []),  # Indonesian Excel: `;`, CRLF
    "linkedin_campaign_performance.csv": ("csv", "utf-8", ",", None, 6, 4, [1, 2, 3, 4, 5]),
    "tiktok_report.csv": ("csv", "utf-8", ",", None, 1, 4, []),
    "tiktok_report.xlsx": ("xlsx", None, None, "Sheet1", 1, 4, []),
}


def test_every_fixture_has_its_shape_written_down():
    assert sorted(SHAPES) == DATA_FILES


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_fixture_shape(name):
    kind, encoding, delimiter, sheet, header_line, count, preamble = SHAPES[name]
    table = read(name)
    assert (table.kind, table.encoding, table.delimiter, table.sheet) == (kind, encoding, delimiter, sheet)
    assert table.header_line == header_line
    assert len(table.rows) == count
    assert [row.line for row in table.preamble] == preamble
    assert len(set(table.keys)) == len(table.keys) == len(table.header)
    assert all(len(row.cells) == len(table.keys) for row in table.rows)
    lines = [row.line for row in table.rows]
    assert lines == sorted(lines)
    assert lines[0] > header_line


def test_ads_manager_english_campaign_export():
    table = read("adsmanager_campaign_en_usd.csv")
    assert table.header[:3] == ("Reporting starts", "Reporting ends", "Campaign name")  # BOM gone
    assert table.header[15] == "CPM (cost per 1,000 impressions) (USD)"  # a quoted comma stays in its header
    assert table.keys[12] == "amount spent (usd)"
    assert split_currency(table.keys[12]) == ("amount spent", "USD")
    summary, sale, _, leads = table.rows
    assert summary.line == 2
    assert table.cell(summary, "campaign name") == ""
    assert table.cell(summary, "amount spent (usd)") == "1234.56"
    assert table.record(sale)["result indicator"] == "actions:offsite_conversion.fb_pixel_purchase"
    assert table.cell(sale, "ends") == "Ongoing"
    assert leads.cells[2:4] == ("Leads, Jakarta", "inactive")
    assert table.cell(leads, "results") == ""
    assert table.cell(leads, "landing page views") == "401"
    identity = ["campaign name", "campaign id"]
    assert [summary_row(table, row, identity) for row in table.rows] == [True, False, False, False]


def test_ads_manager_indonesian_export_and_its_cr_twin_read_the_same():
    table = read("adsmanager_campaign_id_idr.csv")
    assert table.keys[12] == "jumlah yang dibelanjakan (idr)"
    assert table.header[15] == "CPM (Biaya Per 1.000 Tayangan) (IDR)"
    assert [table.cell(row, "nama kampanye") for row in table.rows] == [
        "",
        "Ramadan Sale - Konversi",
        "Awareness Jabodetabek",
    ]
    assert [table.cell(row, "jumlah yang dibelanjakan (idr)") for row in table.rows] == [
        "4737500",
        "1250000",
        "3487500",
    ]
    assert table.cell(table.rows[1], "berakhir") == "Berlangsung"
    twin = read("adsmanager_campaign_id_idr_cr.csv")
    assert b"\n" not in (FIXTURES / "adsmanager_campaign_id_idr_cr.csv").read_bytes()
    assert (twin.header, [r.cells for r in twin.rows], [r.line for r in twin.rows]) == (
        table.header,
        [r.cells for r in table.rows],
        [2, 3, 4],
    )


def test_utf16_unicode_text_reads_like_the_utf8_original():
    original, unicode_text = read("adsmanager_daily_en.csv"), read("adsmanager_daily_en_unicode.txt")
    assert unicode_text.header == original.header
    assert [r.cells for r in unicode_text.rows] == [r.cells for r in original.rows]
    row = unicode_text.rows[1]
    assert row.line == 3
    assert row.cells == (
        "2026-07-01",
        "2026-07-01",
        "Summer Sale",
        "120210000000000001",
        "3",
        "actions:offsite_conversion.fb_pixel_purchase",
        "60.10",
        "5010",
        "130",
        "3",
        "245.00",
    )


def test_levels_and_breakdowns_keep_their_identity_columns():
    adsets = read("adsmanager_adset_level.csv")
    assert adsets.cell(adsets.rows[0], "ad set id") == "120210000000000111"
    assert adsets.cell(adsets.rows[2], "results") == ""
    ads = read("adsmanager_ad_level_with_id.csv")
    assert [ads.cell(r, "ad id") for r in ads.rows] == [
        "120210000000001111",
        "120210000000001112",
        "120210000000001113",
    ]
    no_campaign = read("adsmanager_ad_level_no_campaign.csv")
    assert not no_campaign.has("campaign name")
    assert no_campaign.has("ad name")
    account = read("adsmanager_account_daily.csv")
    assert account.keys[:3] == ("account name", "account id", "day")
    assert [account.cell(r, "amount spent (idr)") for r in account.rows] == ["412500", "398000", "405250"]
    ages = read("adsmanager_age_gender.csv")
    identity = ["campaign name", "campaign id"]
    assert [summary_row(ages, r, identity) for r in ages.rows] == [True] + [False] * 5
    assert [(ages.cell(r, "age"), ages.cell(r, "gender")) for r in ages.rows[1:3]] == [
        ("18-24", "female"),
        ("18-24", "male"),
    ]


def test_shared_items_same_names_and_bare_amount_spent():
    shared = read("adsmanager_result_type_shared_items.csv")
    assert [shared.cell(r, "purchases with shared items") for r in shared.rows] == ["3", "2"]
    assert [shared.cell(r, "purchases conversion value for shared items only") for r in shared.rows] == [
        "495300",
        "330200",
    ]
    assert shared.cell(shared.rows[0], "result type") == "Purchases with shared items"
    twins = read("adsmanager_same_name_two_ids.csv")
    assert {(twins.cell(r, "campaign name"), twins.cell(r, "campaign id")) for r in twins.rows} == {
        ("Promo Juli", "120210000000000201"),
        ("Promo Juli", "120210000000000202"),
    }
    bare = read("adsmanager_amount_spent_no_currency.csv")
    assert bare.header[2] == "Amount Spent"
    assert split_currency(bare.keys[2]) == ("amount spent", None)


def test_reports_workbook_picks_the_raw_data_sheet_below_its_title_rows():
    table = read("adsmanager_reports.xlsx")
    assert [row.cells for row in table.preamble] == [
        ("Raw Data Report",),
        ("Toko Sumber Makmur (act_1234567890)",),
        ("Reporting period: 2026-06-01 - 2026-06-02",),
    ]
    assert table.header == (
        "Campaign name",
        "Campaign ID",
        "Day",
        "Amount spent (IDR)",
        "Impressions",
        "Results",
        "Result type",
    )
    assert table.rows[0].line == 6
    assert table.rows[0].cells == (
        "Ramadan Sale - Konversi",
        "120210000000000100",
        "2026-06-01",
        "625000",
        "16088",
        "11",
        "Purchases",
    )
    assert table.cell(table.rows[2], "amount spent (idr)") == "1743750.5"  # a float cell, written as exported
    summary = read("adsmanager_reports.xlsx", sheet="campaign performance")
    assert summary.sheet == "Campaign performance"
    # Its first row of names (not a value like "Rp4.737.500") below the title is taken for the header.
    assert summary.header == ("Reporting period", "1 Jun 2026 - 2 Jun 2026")
    assert [row.line for row in summary.preamble] == [1, 3, 4]


def test_formula_without_saved_value_is_a_row_problem_and_a_formula_looking_name_is_data():
    table = read("formula_without_value.xlsx")
    stale, named, cached = table.rows[1], table.rows[2], table.rows[3]
    assert stale.line == 3
    assert table.cell(stale, "amount spent (idr)") == ""
    assert [str(problem) for problem in stale.problems] == [
        "Row 3, column C: the formula =C2*2 has no saved value; open and save the file in Excel first, then upload "
        "it again."
    ]
    assert named.cells == ("=SUM(1)", "2026-07-02", "99000")
    assert named.problems == ()
    assert not summary_row(table, named, ["campaign name"])
    assert cached.cells == ("Promo Agustus", "2026-07-02", "249000")
    assert cached.problems == ()


def test_contact_lists():
    line2 = read("contacts_header_line2.csv")
    assert line2.header == ("Name", "Instagram", "TikTok", "Followers")
    assert line2.rows[1].line == 4
    assert line2.rows[1].cells == ("Budi Santoso", "budisantoso.id", "", "85000")
    outreach = read("contacts_outreach.csv")
    assert [outreach.cell(r, "followers") for r in outreach.rows] == ["10.4M", "977.2K", "1.2M", "45.6K", "12.5K"]
    assert outreach.cell(outreach.rows[1], "link") == "https://www.tiktok.com/@dimaspratama"
    assert outreach.cell(outreach.rows[1], "email") == "NULL"
    assert outreach.cell(outreach.rows[2], "notes") == "Travel, lifestyle"
    cp1252 = read("contacts_cp1252.csv")
    assert cp1252.rows[0].cells == ("Renée Café", "@renee.cafe", "12,5 rb", "Bandung", "2,1%")
    legacy = read("contacts_legacy.xls")
    assert legacy.preamble[0].cells == ("Daftar KOL 2026",)
    assert legacy.rows[1].cells == ("Renée Café", "@renee.cafe", "12500", "Indonesia", "2026-06-30")


def test_duplicate_headers_are_made_unique_and_reported():
    table = read("fx_rates_duplicate_rate.csv")
    assert table.keys == ("date", "currency", "rate", "rate_2")
    assert dict(table.duplicates) == {"rate": (3, 4)}
    assert table.record(table.rows[0]) == {"date": "2026-07-01", "currency": "USD", "rate": "16250", "rate_2": "16300"}
    blank = read_table(b"Name,,Name,name_2\nA,B,C,D\n", "x.csv", header=lambda cells: 1.0)
    assert blank.keys == ("name", "column_2", "name_2", "name_2_2")
    assert dict(blank.duplicates) == {"name": (1, 3)}


def test_google_ads_report_keeps_its_title_and_marks_total_rows():
    table = read("googleads_campaign_daily.csv")
    assert [row.cells for row in table.preamble] == [("Campaign report",), ("July 1, 2026 - July 3, 2026",)]
    assert table.keys[4:] == ("currency code", "cost", "impr.", "clicks", "conversions", "conv. value")
    first = table.rows[0]
    assert first.line == 4
    assert first.cells[5:] == ("1,250,000.00", "12,340", "410", "12.00", "3,600,000.00")
    assert table.cell(table.rows[3], "conv. value") == "--"
    flags = [summary_row(table, row, ["campaign", "campaign id"]) for row in table.rows]
    assert flags == [False] * 6 + [True] * 4
    assert table.cell(table.rows[6], "day") == "Total: Account"
    utf16 = read("googleads_campaign_daily_utf16.csv")
    assert [r.cells for r in utf16.rows] == [r.cells for r in table.rows]
    assert utf16.preamble == table.preamble


def test_linkedin_and_tiktok_exports():
    linkedin = read("linkedin_campaign_performance.csv")
    assert linkedin.preamble[4].cells == ("Account: Acme Indonesia (508812345)",)
    assert linkedin.keys[0] == "start date (in utc)"
    assert linkedin.keys[7] == "total spent"
    assert linkedin.rows[0].line == 7
    assert linkedin.cell(linkedin.rows[0], "total spent") == "152.40"
    assert linkedin.cell(linkedin.rows[0], "start date (in utc)") == "6/1/2026"
    csv_report, xlsx_report = read("tiktok_report.csv"), read("tiktok_report.xlsx")
    assert csv_report.keys == (
        "date",
        "campaign name",
        "cost",
        "impressions",
        "clicks (destination)",
        "conversions",
        "currency",
    )
    assert xlsx_report.keys[0] == "by day"
    assert xlsx_report.rows[1].cells == (
        "2026-07-01",
        "In-feed - Katalog",
        "1771234567890124",
        "830500.5",
        "164210",
        "2210",
        "18",
        "IDR",
    )
    assert xlsx_report.cell(xlsx_report.rows[3], "cost") == "845000.25"


def test_the_ads_manager_vocabulary_finds_every_meta_header():
    aliases = [alias for names in vocabulary.FIELDS.values() for alias in names]
    assert len(aliases) == len(set(aliases)) == len(vocabulary.FIELD_BY_ALIAS)
    assert all(alias == vocabulary.normalise(alias) for alias in aliases)
    expected = {
        "adsmanager_campaign_en_usd.csv": {"campaign_name", "spend", "result_indicator", "reporting_starts"},
        "adsmanager_campaign_id_idr.csv": {"campaign_name", "spend", "result_indicator", "ends"},
        "adsmanager_result_type_shared_items.csv": {"result_type", "shared_purchases", "shared_purchase_value", "day"},
        "adsmanager_age_gender.csv": {"age", "gender", "campaign_id"},
        "adsmanager_account_daily.csv": {"account_name", "account_id", "day"},
        "adsmanager_amount_spent_no_currency.csv": {"spend", "link_clicks"},
        "adsmanager_reports.xlsx": {"campaign_id", "day", "spend", "result_type"},
    }
    for name, fields in expected.items():
        table = read(name, header=vocabulary.ALL_ALIASES)
        found = {vocabulary.FIELD_BY_ALIAS.get(split_currency(key)[0]) for key in table.keys}
        assert fields <= found, name


# --- helpers --------------------------------------------------------------------------------------------------


def test_header_key_and_totals_and_excel_damage():
    assert header_key("\ufeffAmount\u00a0 spent (USD) ") == "amount spent (usd)"
    assert [
        looks_like_total(t) for t in ("Total", "Totals:", "Total: Campaigns", "JUMLAH", "Total of 3 campaigns")
    ] == [True] * 5
    assert [looks_like_total(t) for t in ("Total Wireless Promo", "=SUM(1)", "Totally Fresh", "")] == [False] * 4
    assert str(excel_damage("1.20253E+17", "Campaign ID")) == (
        "Campaign ID '1.20253E+17' looks changed by Excel (a long number shown in scientific notation); "
        "export the file again and upload it without opening and saving it in Excel."
    )
    assert str(excel_damage("7/1/2026", "Day")) == (
        "Day '7/1/2026' looks like a date rewritten by Excel; export the file again and upload it without "
        "opening and saving it in Excel."
    )
    assert excel_damage("120253000000000017", "Campaign ID") is None
    assert excel_damage("2026-07-01", "Day") is None


def test_delimiters_line_endings_and_quoted_newlines():
    assert sniff_delimiter("Nama;Pengikut;ER\nA;1,2 jt;0,017\nB;12,5 rb;0,02\n") == ";"
    assert sniff_delimiter("name\nAyu\nBudi\n") == ","
    table = read_table(b'name,notes\r\nAyu,"line one\r\nline two"\r\nBudi,ok\r\n', "x.csv")
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("Ayu", "line one\r\nline two")), (4, ("Budi", "ok"))]
    single = read_table(b"Name\nAyu\nBudi\n", "x.csv")
    assert single.header == ("Name",)
    assert [r.cells for r in single.rows] == [("Ayu",), ("Budi",)]


def test_encodings_without_bom_and_big_endian():
    text = "Nama,Kota\nRené,Bandung\n"
    assert read_table(text.encode("utf-16-le"), "x.csv").encoding == "utf-16-le"
    be = read_table(b"\xfe\xff" + text.encode("utf-16-be"), "x.csv")
    assert be.encoding == "utf-16-be"
    assert be.rows[0].cells == ("René", "Bandung")
    # 0x81 has no character in cp1252; Latin-1 reads every byte.
    ordinary = "".join(f"Orang {n},kode-{n}\n" for n in range(10)).encode("latin-1")
    latin = read_table("Nama,Kode\nRené,x".encode("latin-1") + b"\x81\n" + ordinary, "x.csv")
    assert latin.encoding == "latin-1"
    assert latin.rows[0].cells == ("René", "x\x81")


def test_header_spec_by_aliases_or_score_and_extra_cells():
    data = b"Export,,\nName,Followers,Notes\nAyu,120500,ok,stray\n"
    by_alias = read_table(data, "x.csv", header={"followers"})
    assert by_alias.header_line == 2
    assert [str(p) for p in by_alias.rows[0].problems] == [
        "Row 3 has 1 more cell(s) than the header; check that row for an unquoted delimiter."
    ]
    by_score = read_table(data, "x.csv", header=lambda cells: float("Notes" in cells))
    assert by_score.header == ("Name", "Followers", "Notes")


def test_a_lying_dimension_tag_does_not_drop_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in [["Campaign name", "Cost"], ["A", 1], ["B", 2], ["C", 3]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = _patch_zip(
        buffer.getvalue(), "xl/worksheets/sheet1.xml", b'<dimension ref="A1:B4" />', b'<dimension ref="A1" />'
    )
    table = read_table(data, "x.xlsx")
    assert [r.cells for r in table.rows] == [("A", "1"), ("B", "2"), ("C", "3")]


# --- refusals, word for word ------------------------------------------------------------------------------------


def test_refusals_of_unreadable_files():
    assert refusal(b"") == "The file is empty; export the report again and upload the new file."
    assert refusal(b"\xef\xbb\xbf\r\n\r\n") == "The file is empty; export the report again and upload the new file."
    big = refusal(b"a,b\n" * (3 * 1024 * 1024 // 4 + 1), limits=Limits(max_bytes=2 * 1024 * 1024))
    assert big == (
        "The file is 3 MB, more than the 2 MB this import accepts; export a shorter date range or split the file."
    )
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"
    assert (
        refusal(png)
        == "Line 3 contains a NUL byte, so the file is damaged or not a text table; export it again as CSV or XLSX."
    )
    assert refusal(bytes(range(1, 9)) * 50) == (
        "The file is not a table (CSV, TSV or Excel workbook); export the report again as CSV or XLSX."
    )
    assert refusal(b"\xef\xbb\xbfname,city\nAyu,Bandung\nBudi,\xe9\n") == (
        "Line 3 is not valid UTF-8-SIG text, so the file is damaged or mixes encodings; save it again as CSV UTF-8 "
        "and upload it."
    )


def test_refusals_of_broken_quotes_and_long_cells():
    swallowed = b'name,notes\nAyu,"starts a quote\nBudi,ok\nCici,ok\n'
    expected = (
        "Line 2 opens a quote that is not closed where it should be, so the lines after it would be read as one "
        "cell; fix or remove that quote and upload the file again."
    )
    assert refusal(swallowed) == expected
    closed_late = b'name,notes\nAyu,"starts a quote\nBudi,ok\nCici,"ok",x\n'
    assert refusal(closed_late) == expected
    runaway = b'name,notes\nAyu,"' + b"more\n" * 300 + b'"\n'
    assert refusal(runaway) == expected
    long_cell = b"name,notes\nAyu," + b"x" * 40_000 + b"\n"
    assert refusal(long_cell) == (
        "Line 2 has a cell longer than 32767 characters, which usually means a quote is not closed; fix that line "
        "and upload the file again."
    )


def test_refusals_by_limits_and_missing_header():
    rows = b"name,value\n" + b"a,1\n" * 30
    assert refusal(rows, limits=Limits(max_rows=10, header_search_rows=5)) == (
        "The file has more than 10 rows; export a shorter date range or split the file."
    )
    assert refusal(b"a," * 20 + b"a\n", limits=Limits(max_columns=10)) == (
        "Row 1 has 21 columns, more than the 10 this import accepts; remove the unused columns."
    )
    assert refusal(rows, limits=Limits(max_cells=40)) == (
        "The file has more than 40 cells; export a shorter date range or fewer columns."
    )
    numbers = b"1,2,3\n4,5,6\n"
    assert refusal(numbers) == (
        "No header row was found in the first 50 rows; the file needs a row of column names above the data."
    )
    assert refusal(b"Name,City\nAyu,Bandung\n", header=("Campaign name", "Amount spent")) == (
        "No header row was found in the first 50 rows; the file needs a row of column names such as "
        "'Campaign name', 'Amount spent'."
    )


def test_refusals_of_damaged_workbooks():
    workbook = (FIXTURES / "tiktok_report.xlsx").read_bytes()
    damaged = (
        "The Excel workbook is damaged or incomplete (it may not have finished downloading); download it again and "
        "upload the new file."
    )
    assert refusal(workbook[: len(workbook) // 2], "report.xlsx") == damaged
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("photo.jpg", b"not a workbook")
    assert refusal(plain_zip.getvalue(), "photos.zip") == (
        "The file is a ZIP archive but not an Excel workbook (.xlsx); upload the .xlsx or .csv file itself."
    )
    ole_junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert refusal(ole_junk, "old.xls") == (
        "The file cannot be read as an Excel 97-2003 workbook (.xls): it is damaged or password-protected; save it "
        "as .xlsx without a password and upload it again."
    )
    assert refusal(workbook, "report.xlsx", sheet="Raw Data Report") == (
        "The workbook has no sheet named 'Raw Data Report'; its sheets are 'Sheet1'."
    )


# --- the 80-million-empty-cell workbook -------------------------------------------------------------------------

ROW_OF_EMPTY_CELLS = b"<row>" + b"<c/>" * 16_384 + b"</row>"  # a cell without `r` takes the next column
BOMB_ROWS = 4_883  # 4,883 x 16,384 = 80,003,072 cells


def _workbook(sheet_xml_parts, *, dimension: bytes = b"") -> bytes:
    """A minimal XLSX whose only sheet is written from `sheet_xml_parts` (streamed into the zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            sheet.write(dimension + b"<sheetData>")
            for part in sheet_xml_parts:
                sheet.write(part)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def empty_cell_bomb() -> bytes:
    return _workbook(ROW_OF_EMPTY_CELLS for _ in range(BOMB_ROWS))


def _peak_memory(call) -> tuple[str, int]:
    tracemalloc.start()
    try:
        with pytest.raises(TabularError) as caught:
            call()
        return str(caught.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_80_million_empty_cell_workbook_is_refused_before_it_is_unpacked(empty_cell_bomb):
    assert len(empty_cell_bomb) < 10 * 1024 * 1024
    message, peak = _peak_memory(lambda: read_table(empty_cell_bomb, "bomb.xlsx"))
    assert message.startswith("The workbook unpacks to 305.2 MB, more than the 256 MB this import accepts;")
    assert peak < len(empty_cell_bomb) + 8 * 1024 * 1024


def test_the_bomb_cells_are_counted_in_the_zip_stream_when_the_size_check_is_lifted(empty_cell_bomb):
    limits = Limits(max_unzipped_bytes=1024 * 1024 * 1024)
    message, peak = _peak_memory(lambda: read_table(empty_cell_bomb, "bomb.xlsx", limits=limits))
    assert message == "The file has more than 5000000 cells; export a shorter date range or fewer columns."
    assert peak < len(empty_cell_bomb) + 16 * 1024 * 1024  # a megabyte of XML at a time, never the sheet


def test_cells_implied_by_far_references_are_counted_while_streaming():
    # One tag per row, but each sits in column XFD: openpyxl hands back 16,384 cells for it.
    rows = (b'<row r="%d"><c r="XFD%d"/></row>' % (n, n) for n in range(1, 2_001))
    data = _workbook(rows)
    limits = Limits(max_cells=100_000)
    message, peak = _peak_memory(lambda: read_table(data, "sparse.xlsx", limits=limits))
    assert message == "The file has more than 100000 cells; export a shorter date range or fewer columns."
    assert peak < 32 * 1024 * 1024


def test_a_declared_dimension_over_the_limits_is_refused_before_reading():
    data = _workbook(
        [b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'],
        dimension=b'<dimension ref="A1:XFD4883"/>',
    )
    assert refusal(data, "wide.xlsx") == (
        "Sheet 'Data' spans 4883 rows and 16384 columns, more than the 5000000 cells this import accepts; delete "
        "the unused rows and columns or export a shorter date range."
    )


def test_rows_far_below_the_data_are_counted_not_expanded():
    data = _workbook(
        [
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>',
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        ]
    )
    assert (
        refusal(data, "tall.xlsx")
        == "The file has more than 200000 rows; export a shorter date range or split the file."
    )


# --- nothing but TabularError, whatever the bytes ----------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLES = [(FIXTURES / name).read_bytes() for name in DATA_FILES]


def _read_or_refuse(data: bytes, name: str) -> None:
    try:
        table = read_table(data, name)
    except TabularError as error:
        message = str(error)
    else:
        assert len(set(table.keys)) == len(table.keys)
        assert all(len(row.cells) == len(table.keys) for row in table.rows)
        return
    assert message
    assert "\n" not in message


@FUZZ
@given(
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(max_size=4096),
)
def test_random_bytes_give_a_table_or_a_tabular_error(signature, data):
    _read_or_refuse(signature + data, "random.csv")  # also behind each format's magic bytes


# Built once, not per draw (hypothesis validates a strategy made afresh again on every draw); same values drawn.
DAMAGES = st.sampled_from(["truncate", "flip", "quote", "nul", "delete"])


@st.composite
def damaged(draw):
    index = draw(st.integers(0, len(SAMPLES) - 1))
    data = bytearray(SAMPLES[index])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(DAMAGES)
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[position:]
        elif kind == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "quote":
            data[position:position] = b'"'
        elif kind == "nul":
            data[position:position] = b"\x00"
        elif data:
            del data[position : position + draw(st.integers(1, 64))]
    return DATA_FILES[index], bytes(data)


@FUZZ
@given(damaged())
def test_damaged_fixtures_give_a_table_or_a_tabular_error(sample):
    name, data = sample
    _read_or_refuse(data, name)


WORKBOOKS = [name for name in DATA_FILES if name.endswith((".xlsx", ".xls"))]


@FUZZ
@given(st.sampled_from(WORKBOOKS), st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=3))
def test_workbooks_with_flipped_bytes_give_a_table_or_a_tabular_error(name, flips):
    data = bytearray((FIXTURES / name).read_bytes())
    for where, mask in flips:
        data[min(int(where * len(data)), len(data) - 1)] ^= mask  # anywhere: headers, deflate streams, directory
    _read_or_refuse(bytes(data), name)


def _patch_zip(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                assert old in content
                content = content.replace(old, new)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_an_xls_that_makes_calamine_abort_its_process_is_one_sentence() -> None:
    """These three flipped bytes make calamine try to allocate hundreds of GB and abort its process: the read runs
    in a child process under a memory cap, so the app lives and the person gets the workbook sentence."""
    data = bytearray((FIXTURES / "contacts_legacy.xls").read_bytes())
    for where, mask in ((0.31369855569597016, 226), (0.7272772367764718, 65), (0.6575553612841176, 255)):
        data[min(int(where * len(data)), len(data) - 1)] ^= mask
    with pytest.raises(TabularError) as refused:
        read_table(bytes(data), "contacts_legacy.xls")
    assert str(refused.value) == (
        "The file cannot be read as an Excel 97-2003 workbook (.xls): it is damaged or password-protected; "
        "save it as .xlsx without a password and upload it again."
    )
