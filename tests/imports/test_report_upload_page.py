"""The Sync page's upload of platform report files (AppTest through streamlit_app.py): the platform choice, the
account found or created on that platform, rejected rows with their reasons, and a re-import that changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from campaigns.models import AdAccount, CampaignInsight
from db.engine import session_scope
from tests.table_dates import assert_dated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SYNC = "pages/sync/sync.py"


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _open(app_test):
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    assert not at.exception, at.exception
    return at


def _upload(at, platform: str, name: str, data: bytes | None = None):
    from campaigns.platform_reports import FORMATS

    at.selectbox(key="sync_report_platform").select_index(list(FORMATS).index(platform)).run()
    data = (FIXTURES / name).read_bytes() if data is None else data
    at.file_uploader(key="sync_report_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_a_google_ads_download_is_previewed_imported_and_reimported_unchanged(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test), "googleads", "googleads_campaign_daily.csv")
    assert at.selectbox(key="sync_report_account").value is None  # no Google account yet: a new one
    assert "6 valid row(s), 0 rejected, 4 total row(s) skipped" in _texts(at.info)
    at.text_input(key="sync_report_new_name").set_value("Kopi Google Ads").run()
    at.button(key="sync_report_import").click().run()
    assert not at.exception, at.exception
    assert "Imported: 6 new" in _texts(at.success)
    with session_scope(migrated_url) as s:
        account = s.scalar(select(AdAccount))
        assert (account.platform, account.name, account.currency) == ("google", "Kopi Google Ads", "IDR")
        assert s.scalar(select(func.sum(CampaignInsight.spend))) == Decimal("9312500")
        account_pk = account.id
    again = _upload(_open(app_test), "googleads", "googleads_campaign_daily_utf16.csv")
    assert again.selectbox(key="sync_report_account").value == account_pk  # found by its campaigns' IDs
    again.button(key="sync_report_import").click().run()
    assert "Nothing changed" in _texts(again.info)


def test_rejected_rows_are_listed_with_their_reasons_in_indonesian(migrated_url: str, app_test) -> None:
    text = (FIXTURES / "linkedin_campaign_performance.csv").read_text("utf-8")
    text += "13/1/2026,Acme Indonesia,Always on,Decision makers - Jakarta,234567891,Sponsored Content,USD,1,1,1,0,0\n"
    at = _upload(_open(app_test), "linkedin", "linkedin.csv", text.encode())
    at.sidebar.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sync_report_timezone").value == "UTC"  # LinkedIn's days are UTC
    assert "4 baris valid, 1 ditolak" in _texts(at.info)
    assert "1 baris akan ditolak:" in _texts(at.warning)
    frames = [d.value for d in at.dataframe]
    errors = next(f for f in frames if "Start Date (in UTC)" in set(f.iloc[:, 1]))
    row, column, reason = list(errors.iloc[0])
    assert (row, column) == (11, "Start Date (in UTC)")
    assert "13/1/2026" in reason


def _preview(at):
    return next(d.value for d in at.dataframe if {"Campaign ID", "ID kampanye"} & set(d.value.columns))


def test_the_google_ads_preview_reads_as_labels_rupiah_and_file_lines_in_bahasa(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test), "googleads", "googleads_campaign_daily.csv")
    at.sidebar.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    preview = _preview(at)
    assert list(preview.columns) == [
        "Baris", "Tanggal", "Kampanye", "ID kampanye", "Belanja iklan", "Impresi", "Klik", "Konversi",
        "Nilai konversi",
    ]  # fmt: skip
    first = preview.iloc[0]
    assert first["Baris"] == "4"  # the file's line: a title and a date range above the header
    assert first["Tanggal"].date() == dt.date(2026, 7, 1)  # a real day (sorts), shown day first in Bahasa
    assert "Tanggal" in assert_dated(next(e for e in at.dataframe if "Tanggal" in e.value.columns), "id")
    assert first["Belanja iklan"] == "Rp1.250.000"
    assert first["Impresi"] == "12.340"
    assert first["Nilai konversi"] == "Rp3.600.000"
    assert first["Konversi"] == "12,00"  # two places in the column: another row has 7,50


def test_the_linkedin_preview_reads_as_labels_and_money_in_english(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test), "linkedin", "linkedin_campaign_performance.csv")
    preview = _preview(at)
    assert list(preview.columns)[:5] == ["Row", "Date", "Campaign", "Campaign ID", "Spend"]
    assert not {"row", "date", "spend", "campaign_id", "conversion_value"} & set(preview.columns)
    assert all(v.startswith("$") for v in preview["Spend"])
    assert all("," in v or len(v) <= 3 for v in preview["Impressions"])
    assert {d.month for d in preview["Date"].dt.date} <= {6, 7}  # real days (sort by date), June and July
    assert "Date" in assert_dated(next(e for e in at.dataframe if "Date" in e.value.columns), "en")


def test_a_google_ads_file_uploaded_as_tiktok_is_refused_naming_google_ads_in_bahasa(
    migrated_url: str, app_test
) -> None:
    at = _upload(_open(app_test), "tiktok", "googleads_campaign_daily.csv")
    at.sidebar.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    error = _texts(at.error)
    assert "tampaknya laporan Google Ads" in error  # the platform's label, not its code `google`
    assert "Impr." in error
    assert "impor sebagai Google Ads" in error
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count()).select_from(CampaignInsight)) == 0


def test_a_tiktok_hourly_report_previews_one_row_per_campaign_day_with_its_file_lines(
    migrated_url: str, app_test
) -> None:
    at = _upload(_open(app_test), "tiktok", "tiktok_hourly.csv")
    preview = next(d.value for d in at.dataframe if "Row" in set(d.value.columns))
    assert list(preview["Row"]) == ["2-4", "5", "6"]
    assert preview["Spend"].iloc[0] == "IDR750,000"  # the three hours of 2026-11-03 added up
    assert "5 row(s) split by hour were added up into 3 campaign-day(s)." in _texts(at.caption)


def test_counts_past_a_thousand_are_grouped_as_the_language_writes_them(migrated_url: str, app_test) -> None:
    """1.200 rows in Bahasa Indonesia (1,200 in English), in the preview, the button and the result alike."""
    lines = ["Campaign report", '"June 1, 2026 - June 30, 2026"', "Day,Campaign,Campaign ID,Currency code,Cost,Impr."]
    for campaign in range(40):
        for day in range(1, 31):
            lines.append(f"2026-06-{day:02d},Search {campaign},{20345600000 + campaign},IDR,1000.00,10")
    data = ("\n".join(lines) + "\n").encode()
    english = _upload(_open(app_test), "googleads", "googleads_june.csv", data)
    assert "1,200 valid row(s), 0 rejected" in _texts(english.info)
    assert english.button(key="sync_report_import").label == "Import 1,200 row(s)"
    at = app_test(timeout=60)
    at.session_state["language"] = "id"
    at.run()
    at.switch_page(SYNC).run()
    at = _upload(at, "googleads", "googleads_june.csv", data)
    assert "1.200 baris valid, 0 ditolak" in _texts(at.info)
    assert at.button(key="sync_report_import").label == "Impor 1.200 baris"
    at.text_input(key="sync_report_new_name").set_value("Kopi Google Ads").run()
    at.button(key="sync_report_import").click().run()
    assert not at.exception, at.exception
    assert "1.200 baru" in _texts(at.success)
