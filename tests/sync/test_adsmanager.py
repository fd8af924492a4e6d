"""Ads Manager export import: English and Bahasa Indonesia headers, BOM, summary rows, daily and whole-period
files, Excel-mangled values, idempotent re-imports, matching by ID or name, CSV and XLSX, the CLI."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from campaigns.adsmanager import account_name_from_filename, apply_import, preview_import
from campaigns.models import SOURCE_META_API, AdAccount, Campaign, CampaignInsight, CampaignPeriodInsight, SyncRun
from cli import app
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, Actor, PermissionDenied

EN_DAILY = (
    "\ufeffReporting starts,Reporting ends,Campaign name,Campaign ID,Campaign delivery,Results,Result indicator,"
    'Reach,Amount spent (IDR),Impressions,Link clicks,Clicks (all),"CPM (cost per 1,000 impressions) (IDR)"\n'
    "2026-07-01,2026-07-02,,,,,,,250000,20000,,700,12.5\n"
    "2026-07-01,2026-07-01,Ramadan sale,120253000000000001,active,3,actions:offsite_conversion.fb_pixel_purchase,"
    "8000,150000,12000,40,400,12.5\n"
    "2026-07-02,2026-07-02,Ramadan sale,120253000000000001,active,50,actions:link_click,,100000.5,8000,50,300,12.5\n"
)
ID_DAILY = (
    "\ufeffAwal Pelaporan,Akhir pelaporan,Nama kampanye,Penayangan kampanye,Hasil,Indikator Hasil,Jangkauan,"
    "Jumlah yang dibelanjakan (IDR),Impresi,Klik Tautan,Klik (semua)\n"
    "2026-07-01,2026-07-01,Promo Lebaran,active,7,actions:onsite_conversion.lead_grouped,,99000,5000,20,80\n"
)


def _import(url: str, text: str | bytes, name: str = "Toko-Campaigns-Jul-1-2026-Jul-2-2026.csv", **kw):
    data = text.encode() if isinstance(text, str) else text
    preview = preview_import(data, name, **kw)
    with session_scope(url) as s:
        result = apply_import(s, CLI_ACTOR, preview)
    return preview, result


def test_english_daily_file_with_bom_and_summary_row(migrated_url: str) -> None:
    preview, result = _import(migrated_url, EN_DAILY)
    assert preview.errors == []
    assert preview.summary_rows == 1
    assert preview.currency == "IDR"
    assert preview.kind == "daily"
    assert result.inserted == 2
    assert result.campaigns_created == 1
    with session_scope(migrated_url) as s:
        account = s.scalar(select(AdAccount))
        assert (account.name, account.currency) == ("Toko", "IDR")
        rows = {r.date: r for r in s.scalars(select(CampaignInsight))}
        assert rows[dt.date(2026, 7, 1)].spend == Decimal("150000")
        assert rows[dt.date(2026, 7, 1)].conversions == 3  # purchase indicator: a conversion
        assert rows[dt.date(2026, 7, 2)].conversions == 0  # link clicks are results, not conversions
        assert rows[dt.date(2026, 7, 2)].spend == Decimal("100000.5")
        assert sum(r.spend for r in rows.values()) == Decimal("250000.5")  # summary row not counted twice
        campaign = s.scalar(select(Campaign))
        assert campaign.meta_id == "120253000000000001"
        assert campaign.source == "ads_manager_csv"
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 1


def test_reimporting_the_same_file_changes_nothing(migrated_url: str) -> None:
    _import(migrated_url, EN_DAILY)
    with session_scope(migrated_url) as s:
        before = [(r.id, r.spend, r.synced_at) for r in s.scalars(select(CampaignInsight).order_by(CampaignInsight.id))]
    _, result = _import(migrated_url, EN_DAILY)
    assert (result.inserted, result.updated, result.unchanged, result.campaigns_created) == (0, 0, 2, 0)
    with session_scope(migrated_url) as s:
        after = [(r.id, r.spend, r.synced_at) for r in s.scalars(select(CampaignInsight).order_by(CampaignInsight.id))]
        assert after == before
        assert s.scalar(select(func.count(Campaign.id))) == 1
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 1


def test_bahasa_indonesia_headers(migrated_url: str) -> None:
    preview, _result = _import(migrated_url, ID_DAILY, name="Toko-Kampanye-Jul-1-2026.csv")
    assert preview.errors == []
    assert preview.currency == "IDR"
    with session_scope(migrated_url) as s:
        row = s.scalar(select(CampaignInsight))
        assert (row.spend, row.impressions, row.clicks, row.link_clicks, row.conversions) == (
            Decimal("99000"),
            5000,
            80,
            20,
            Decimal("7"),
        )
        assert s.scalar(select(AdAccount.name)) == "Toko"


def test_whole_period_rows_are_stored_as_period_totals(migrated_url: str) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions,Purchases,"
        "Purchases conversion value\n2026-07-01,2026-07-31,Summer,1234.56,99000,12,600.25\n"
    )
    preview, result = _import(migrated_url, text, name="Shop-Campaigns.csv")
    assert preview.kind == "period"
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 0  # never spread over days
        row = s.scalar(select(CampaignPeriodInsight))
        assert (row.period_start, row.period_end, row.spend, row.currency) == (
            dt.date(2026, 7, 1),
            dt.date(2026, 7, 31),
            Decimal("1234.56"),
            "USD",
        )
        assert (row.conversions, row.conversion_value) == (Decimal("12"), Decimal("600.25"))


def test_bad_rows_are_reported_with_row_column_and_reason_and_good_rows_kept(migrated_url: str) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,A,1.20253E+17,10,100\n"
        "7/1/2026,7/1/2026,B,,10,100\n"
        "2026-07-01,2026-07-01,C,,ten,100\n"
        "2026-07-01,2026-07-01,D,,10.5,100\n"
    )
    preview, result = _import(migrated_url, text)
    problems = {(e.row, e.column): e.reason for e in preview.errors}
    assert "Excel" in problems[(2, "Campaign ID")]
    assert "Excel" in problems[(3, "Reporting starts")]
    assert "not a number" in problems[(4, "Amount spent (USD)")]
    assert [r.campaign_name for r in preview.rows] == ["D"]
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        run = s.scalar(select(SyncRun))
        assert run.status == "partial"
        assert "row 2" in run.error


def test_rows_match_synced_campaigns_by_id_then_by_name_and_never_overwrite_api_rows(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        account = AdAccount(account_id="111", name="Toko", currency="IDR")
        s.add(account)
        s.flush()
        synced = Campaign(account_id=account.id, meta_id="120253000000000001", name="Renamed in Meta", currency="IDR")
        by_name = Campaign(account_id=account.id, meta_id="555", name="Promo Lebaran", currency="IDR")
        s.add_all([synced, by_name])
        s.flush()
        s.add(
            CampaignInsight(
                campaign_id=synced.id, date=dt.date(2026, 7, 1), currency="IDR", spend=Decimal("150000"),
                source=SOURCE_META_API,
            )
        )  # fmt: skip
    _, result = _import(migrated_url, EN_DAILY, name="whatever.csv", account_name="Toko")
    assert result.campaigns_created == 0
    assert result.skipped_synced == 1
    assert result.inserted == 1
    _, result = _import(migrated_url, ID_DAILY, account_name="Toko")
    assert result.campaigns_created == 0
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Campaign.id))) == 2


def test_xlsx_raw_data_sheet_with_header_not_on_first_row(migrated_url: str) -> None:
    book = Workbook()
    book.active.title = "Summary"
    sheet = book.create_sheet("Raw Data Report")
    sheet.append(["Report: Toko"])
    sheet.append([])
    sheet.append(["Campaign name", "Ad set name", "Day", "Amount spent (JPY)", "Impressions", "Reach"])
    sheet.append(["Tokyo", "A", dt.datetime(2026, 7, 1), 3200, 500, 400])
    sheet.append(["Tokyo", "B", dt.datetime(2026, 7, 1), 800, 100, 90])
    buffer = io.BytesIO()
    book.save(buffer)
    preview, _result = _import(migrated_url, buffer.getvalue(), name="Tokyo-Ads.xlsx")
    assert preview.errors == []
    assert preview.currency == "JPY"
    with session_scope(migrated_url) as s:
        row = s.scalar(select(CampaignInsight))
        assert (row.spend, row.impressions, row.reach) == (Decimal("4000"), 600, None)  # ad sets added; reach not


def test_import_requires_permission(migrated_url: str) -> None:
    preview = preview_import(EN_DAILY.encode(), "x.csv")
    with session_scope(migrated_url) as s, pytest.raises(PermissionDenied):
        apply_import(s, Actor("v@x", "viewer"), preview)


def test_account_name_from_filename() -> None:
    assert account_name_from_filename("Toko Baju-Campaigns-Jan-1-2026-Jul-11-2026.csv") == "Toko Baju"
    assert account_name_from_filename("Toko-Kampanye-Jan-1-2026.xlsx") == "Toko"


def test_cli_dry_run_writes_nothing_and_import_reports(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "Toko-Campaigns-Jul-1-2026.csv"
    path.write_text(EN_DAILY, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "adsmanager", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    assert "2 valid row(s)" in result.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 0
    result = runner.invoke(app, ["import", "adsmanager", str(path), "--account", "My shop"])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(AdAccount.name)) == "My shop"
    bad = tmp_path / "bad.csv"
    bad.write_text("Campaign name,Amount spent (USD),Reporting starts\nX,1,7/1/2026\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "adsmanager", str(bad)])
    assert result.exit_code == 1
    assert "row 2, Reporting starts" in result.output
