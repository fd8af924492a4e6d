"""Ads Manager export import: English and Bahasa Indonesia headers, BOM, summary rows, daily and whole-period
files, Excel-mangled values and unbounded numbers refused by row and column, idempotent re-imports that write
nothing, the target account (chosen, matched, created), matching by ID then by name, CSV and XLSX, the CLI."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from campaigns.adsmanager import AccountTarget, account_name_from_filename, apply_import, preview_import
from campaigns.adsmanager_accounts import AccountChoiceError
from campaigns.adsmanager_rows import AdsManagerFileError
from campaigns.models import SOURCE_META_API, AdAccount, Campaign, CampaignInsight, CampaignPeriodInsight, SyncRun
from cli import app
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, Actor, PermissionDenied

EN_DAILY = (
    "\ufeffReporting starts,Reporting ends,Campaign name,Campaign ID,Campaign delivery,Results,Result indicator,"
    'Reach,Amount spent (IDR),Impressions,Link clicks,Clicks (all),"CPM (cost per 1,000 impressions) (IDR)"\n'
    "2026-07-01,2026-07-02,,,,,,,250000.5,20000,,700,12.5\n"
    "2026-07-01,2026-07-01,Ramadan sale,120253000000000001,active,3,actions:offsite_conversion.fb_pixel_purchase,"
    "8000,150000,12000,40,400,12.5\n"
    "2026-07-02,2026-07-02,Ramadan sale,120253000000000001,active,50,actions:link_click,,100000.5,8000,50,300,12.5\n"
)
ID_DAILY = (
    "\ufeffAwal Pelaporan,Akhir pelaporan,Nama kampanye,Penayangan kampanye,Hasil,Indikator Hasil,Jangkauan,"
    "Jumlah yang dibelanjakan (IDR),Impresi,Klik Tautan,Klik (semua)\n"
    "2026-07-01,2026-07-01,Promo Lebaran,active,7,actions:onsite_conversion.lead_grouped,,99000,5000,20,80\n"
)
NAME = "Toko-Campaigns-Jul-1-2026-Jul-2-2026.csv"


def _import(url: str, text: str | bytes, name: str = NAME, target: AccountTarget | None = None):
    data = text.encode() if isinstance(text, str) else text
    with session_scope(url) as s:
        preview = preview_import(s, data, name, target)
        result = apply_import(s, CLI_ACTOR, preview)
    return preview, result


def _row_counts(url: str) -> dict[str, int]:
    from migrations.schema import metadata

    with session_scope(url) as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in metadata.tables.items()}


def test_english_daily_file_with_bom_and_summary_row(migrated_url: str) -> None:
    preview, result = _import(migrated_url, EN_DAILY)
    assert preview.errors == []
    assert preview.summary_rows == 1
    assert preview.currency == "IDR"
    assert preview.kind == "daily"
    assert preview.export.file_total == Decimal("250000.5") == preview.spend  # equal to the file's own total
    assert result.inserted == 2
    assert result.campaigns_created == 1
    assert result.account_created
    with session_scope(migrated_url) as s:
        account = s.scalar(select(AdAccount))
        assert (account.name, account.currency, account.timezone_name) == ("Toko", "IDR", "Asia/Jakarta")
        assert account.account_id == "csv-toko"
        rows = {r.date: r for r in s.scalars(select(CampaignInsight))}
        assert rows[dt.date(2026, 7, 1)].spend == Decimal("150000")
        assert rows[dt.date(2026, 7, 1)].conversions == 3  # purchase indicator: a conversion
        assert rows[dt.date(2026, 7, 2)].conversions == 0  # link clicks are results, not conversions
        assert rows[dt.date(2026, 7, 2)].spend == Decimal("100000.5")  # as Meta wrote it, not rounded to IDR
        assert rows[dt.date(2026, 7, 1)].reach == 8000
        campaign = s.scalar(select(Campaign))
        assert campaign.meta_id == "120253000000000001"
        assert campaign.source == "ads_manager_csv"
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) == 1


def test_reimporting_the_same_file_says_unchanged_and_writes_nothing(migrated_url: str) -> None:
    _import(migrated_url, EN_DAILY)
    with session_scope(migrated_url) as s:
        before = [(r.id, r.spend, r.synced_at) for r in s.scalars(select(CampaignInsight).order_by(CampaignInsight.id))]
    counts = _row_counts(migrated_url)
    preview, result = _import(migrated_url, EN_DAILY)
    assert not preview.account.is_new  # the file name's account is found again
    assert (result.inserted, result.updated, result.unchanged, result.campaigns_created) == (0, 0, 2, 0)
    assert not result.changed
    assert result.describe().endswith("Nothing changed: the data is already stored.")
    assert result.run_id is None
    assert _row_counts(migrated_url) == counts  # no run, no audit entry, no row
    with session_scope(migrated_url) as s:
        after = [(r.id, r.spend, r.synced_at) for r in s.scalars(select(CampaignInsight).order_by(CampaignInsight.id))]
    assert after == before


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
            Decimal("7"),  # a lead indicator: conversions
        )
        assert s.scalar(select(AdAccount.name)) == "Toko"


def test_a_whole_period_export_is_refused_with_the_way_to_export_days(migrated_url: str) -> None:
    # Ads Manager's default export: one total per campaign for the report range, no day column.
    text = (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions,Purchases,"
        "Purchases conversion value\n2026-07-01,2026-07-31,Summer,1234.56,99000,12,600.25\n"
    )
    before = _row_counts(migrated_url)
    with session_scope(migrated_url) as s, pytest.raises(AdsManagerFileError) as caught:
        preview_import(s, text.encode(), "Shop-Campaigns.csv")
    assert str(caught.value) == (
        "The file gives one total per campaign for 2026-07-01 to 2026-07-31, not one row per day; budgets, pacing "
        "and exports need daily spend, so nothing was imported. In Ads Manager choose Breakdown -> By time -> Day "
        "and export again."
    )
    assert _row_counts(migrated_url) == before


def test_a_period_row_among_daily_rows_is_refused_and_the_days_import(migrated_url: str) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,Summer,120210000000000001,10.00,100\n"
        "2026-07-01,2026-07-07,Summer,120210000000000001,70.00,700\n"
    )
    preview, result = _import(migrated_url, text)
    assert [(e.row, e.reason) for e in preview.errors] == [
        (
            3,
            "The row covers 2026-07-01 to 2026-07-07 as one total; spend is kept per day (budgets, pacing and "
            "exports need days), so export the report again with Breakdown -> By time -> Day.",
        )
    ]
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count()).select_from(CampaignPeriodInsight)) == 0


def test_bad_rows_are_counted_as_rows_and_reported_with_row_column_and_reason(migrated_url: str) -> None:
    text = (
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions\n"
        "2026-07-01,2026-07-01,A,1.20253E+17,10,100\n"
        "7/1/2026,7/1/2026,B,,10,100\n"
        "2026-07-01,2026-07-01,C,,ten,100\n"
        "2026-07-01,2026-07-01,D,120210000000000004,10.5,100\n"
        "2026-07-01,2026-07-01,E,,Infinity,100\n"
        "2026-07-01,2026-07-01,F,,NaN,100\n"
        "2026-07-01,2026-07-01,G,,1e30,100\n"
        "2026-07-01,2026-07-01,H,,5,1e30\n"
        "2026-07-01,2026-07-01,I,,-5,100\n"
    )
    with session_scope(migrated_url) as s:
        preview = preview_import(s, text.encode(), NAME)
    problems = {(e.row, e.column): e.reason for e in preview.errors}
    assert problems == {
        (2, "Campaign ID"): "Campaign ID '1.20253E+17' looks changed by Excel (a long number shown in scientific "
        "notation); export the file again and upload it without opening and saving it in Excel.",
        (3, "Reporting starts"): "Reporting starts '7/1/2026' looks like a date rewritten by Excel; export the file "
        "again and upload it without opening and saving it in Excel.",
        (3, "Reporting ends"): "Reporting ends '7/1/2026' looks like a date rewritten by Excel; export the file "
        "again and upload it without opening and saving it in Excel.",
        (4, "Amount spent (USD)"): "ten is not an amount; type it like 1,250.50.",
        (6, "Amount spent (USD)"): "Infinity is not an amount; type it like 1,250.50.",
        (7, "Amount spent (USD)"): "NaN is not an amount; type it like 1,250.50.",
        (8, "Amount spent (USD)"): "1e30 is not an amount; type it like 1,250.50.",
        (9, "Impressions"): "1e30 is not a count; type it like 12,500.",
        (10, "Amount spent (USD)"): "-5 is negative; the amount must be 0 or more.",
    }
    assert len(preview.rejected) == 8  # rows, not reasons: row 3 has two
    assert [r.campaign_name for r in preview.rows] == ["D"]
    with session_scope(migrated_url) as s:
        result = apply_import(s, CLI_ACTOR, preview)
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        run = s.scalar(select(SyncRun))
        assert run.status == "partial"
        assert "row 2, Campaign ID" in run.error


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
    _, result = _import(migrated_url, EN_DAILY, name="whatever.csv", target=AccountTarget(lookup="toko"))
    assert result.campaigns_created == 0
    assert result.skipped_synced == 1
    assert result.inserted == 1
    _, result = _import(migrated_url, ID_DAILY, target=AccountTarget(lookup="111"))
    assert result.campaigns_created == 0
    assert result.inserted == 1
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Campaign.id))) == 2
        assert s.scalar(select(func.count(AdAccount.id))) == 1


def test_a_campaign_id_of_another_account_is_refused_on_its_row(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        other = AdAccount(account_id="222", name="Other shop", currency="IDR")
        mine = AdAccount(account_id="111", name="Toko", currency="IDR")
        s.add_all([other, mine])
        s.flush()
        s.add(Campaign(account_id=other.id, meta_id="120253000000000001", name="Ramadan sale", currency="IDR"))
    with session_scope(migrated_url) as s:
        preview = preview_import(s, EN_DAILY.encode(), NAME, AccountTarget(lookup="Toko"))
    reason = "Campaign ID 120253000000000001 belongs to ad account Other shop, not to Toko; choose that account."
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [
        (3, "Campaign ID", reason),
        (4, "Campaign ID", reason),
    ]
    assert preview.rows == []


def test_a_file_in_another_currency_than_the_chosen_account_is_refused(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        s.add(AdAccount(account_id="333", name="US store", currency="USD"))
    with session_scope(migrated_url) as s, pytest.raises(AccountChoiceError) as caught:
        preview_import(s, EN_DAILY.encode(), NAME, AccountTarget(lookup="us store"))
    assert str(caught.value) == (
        "The file is in IDR but ad account US store is in USD; choose the account the file was exported from."
    )


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
    assert preview.level == "adset"
    with session_scope(migrated_url) as s:
        row = s.scalar(select(CampaignInsight))
        assert (row.spend, row.impressions, row.reach) == (Decimal("4000"), 600, None)  # ad sets added; reach not


def test_import_requires_permission(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        preview = preview_import(s, EN_DAILY.encode(), "x.csv")
    with session_scope(migrated_url) as s, pytest.raises(PermissionDenied):
        apply_import(s, Actor("v@x", "viewer"), preview)


def test_account_name_from_filename() -> None:
    assert account_name_from_filename("Toko Baju-Campaigns-Jan-1-2026-Jul-11-2026.csv") == "Toko Baju"
    assert account_name_from_filename("Toko-Kampanye-Jan-1-2026.xlsx") == "Toko"


def test_cli_dry_run_account_option_and_one_line_errors(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "Toko-Campaigns-Jul-1-2026.csv"
    path.write_text(EN_DAILY, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "adsmanager", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    assert "2 valid row(s)" in result.output
    assert _row_counts(migrated_url)["ad_account"] == 0
    result = runner.invoke(
        app, ["import", "adsmanager", str(path), "--account", "My shop", "--timezone", "Asia/Makassar"]
    )
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    with session_scope(migrated_url) as s:
        assert s.execute(select(AdAccount.name, AdAccount.timezone_name)).one() == ("My shop", "Asia/Makassar")
    # An existing account by its name in other letters, or by its ID: the same account, unchanged.
    for lookup in ("MY SHOP", "csv-my-shop"):
        again = runner.invoke(app, ["import", "adsmanager", str(path), "--account", lookup])
        assert again.exit_code == 0, again.output
        assert "0 new, 0 updated, 2 unchanged" in again.output
    assert _row_counts(migrated_url)["ad_account"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Campaign name,Amount spent (USD),Reporting starts\nX,1,7/1/2026\nY,2,2026-07-01\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", "adsmanager", str(bad)])
    assert result.exit_code == 1
    assert "row 2, Reporting starts: Reporting starts '7/1/2026' looks like a date rewritten by Excel" in result.output
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(1, 256)) * 20)
    result = runner.invoke(app, ["import", "adsmanager", str(binary)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: photo.csv: The file is not a table (CSV, TSV or Excel workbook); export the report again as CSV "
        "or XLSX."
    )
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["import", "adsmanager", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1
    assert "no such file" in missing.output
    no_currency = tmp_path / "spend.csv"
    no_currency.write_text("Campaign Name,Day,Amount Spent\nA,2026-06-01,14.20\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "adsmanager", str(no_currency), "--account", "Brand new"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: spend.csv: The file does not say its currency (the spend column is 'Amount Spent' without '(IDR)' "
        "or '(USD)'); import it into an existing ad account, or give the new account's currency."
    )
    result = runner.invoke(
        app, ["import", "adsmanager", str(no_currency), "--account", "Brand new", "--currency", "usd"]
    )
    assert result.exit_code == 0, result.output
    assert "amounts are read as USD, the currency of Brand new" in result.output
