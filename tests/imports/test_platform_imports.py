"""Imports of the platforms' own report files (TikTok, Google Ads, LinkedIn) through the one tabular reader: figures
as the files hold them, totals skipped, accounts and campaigns found by platform, re-imports that change nothing,
bad rows rejected by row and column, and random cells that never end in a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from campaigns.adsmanager import AccountTarget, preview_import
from campaigns.models import AdAccount, Campaign, CampaignInsight, SyncRun
from campaigns.platform_import import PlatformImportError, apply_report, preview_report
from campaigns.platform_reports import GOOGLE_ADS, LINKEDIN, TIKTOK, report_format
from campaigns.platforms import UnknownPlatform
from db.errors import DomainError
from db.roles import CLI_ACTOR
from tests import builders as b
from tests.cli_run import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def _import(session, fmt, name: str, data: bytes | None = None, **kw):
    preview = preview_report(session, fmt, data if data is not None else (FIXTURES / name).read_bytes(), name, **kw)
    return preview, apply_report(session, CLI_ACTOR, preview)


def _stored(session, platform: str) -> dict[tuple[str, dt.date], CampaignInsight]:
    stmt = (
        select(Campaign.name, CampaignInsight)
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .where(Campaign.platform == platform)
    )
    return {(name, row.date): row for name, row in session.execute(stmt)}


def _runs(session) -> int:
    return session.scalar(select(func.count()).select_from(SyncRun))


def test_google_ads_download_title_lines_separators_dashes_and_totals(session) -> None:
    preview, result = _import(session, GOOGLE_ADS, "googleads_campaign_daily.csv")
    assert (len(preview.rows), preview.total_rows, preview.errors) == (6, 4, [])
    assert preview.spend == Decimal("9312500")  # the file's own `Total: Account` row
    assert (result.inserted, result.campaigns_created, result.account_created) == (6, 2, True)
    account = session.scalar(select(AdAccount).where(AdAccount.platform == "google"))
    assert (account.currency, account.timezone_name) == ("IDR", "Asia/Jakarta")
    rows = _stored(session, "google")
    first = rows[("Search - Brand ID", D(2026, 7, 1))]
    assert (first.spend, first.impressions, first.clicks) == (Decimal("1250000"), 12340, 410)
    # Google's Conversions column counts by default, with Conv. value; `--` is empty.
    assert (first.conversions, first.conversion_value) == (Decimal(12), Decimal("3600000"))
    assert rows[("PMax - Katalog", D(2026, 7, 2))].conversion_value == 0
    assert sum(r.conversions for r in rows.values()) == Decimal("45.5")
    assert sum(r.conversion_value for r in rows.values()) == Decimal("13650000")
    assert {r.source for r in rows.values()} == {"google_ads_file"}
    campaign_ids = set(session.scalars(select(Campaign.meta_id).where(Campaign.platform == "google")))
    assert campaign_ids == {"20345678901", "20345678902"}


def test_the_excel_csv_variant_is_the_same_data_and_a_reimport_changes_nothing(session) -> None:
    _import(session, GOOGLE_ADS, "googleads_campaign_daily.csv")
    runs = _runs(session)
    preview, result = _import(session, GOOGLE_ADS, "googleads_campaign_daily_utf16.csv")
    assert preview.account_id is not None  # found by the campaign IDs, not a second account from the file name
    assert (result.inserted, result.updated, result.unchanged, result.changed) == (0, 0, 6, False)
    assert "Nothing changed" in result.describe()
    assert _runs(session) == runs  # nothing written: no run, no audit entry
    assert session.scalar(select(func.count()).select_from(AdAccount)) == 1


def test_a_changed_figure_replaces_the_stored_one(session) -> None:
    _import(session, GOOGLE_ADS, "googleads_campaign_daily.csv")
    data = (FIXTURES / "googleads_campaign_daily.csv").read_bytes().replace(b'"1,250,000.00"', b'"1,300,000.00"')
    _preview, result = _import(session, GOOGLE_ADS, "googleads_campaign_daily.csv", data)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 5)
    assert _stored(session, "google")[("Search - Brand ID", D(2026, 7, 1))].spend == Decimal("1300000")


def test_linkedin_metadata_lines_utc_dates_and_the_account_line(session) -> None:
    preview, result = _import(session, LINKEDIN, "linkedin_campaign_performance.csv")
    assert preview.errors == []
    account = session.scalar(select(AdAccount).where(AdAccount.platform == "linkedin"))
    assert (account.name, account.account_id, account.currency, account.timezone_name) == (
        "Acme Indonesia",
        "508812345",
        "USD",
        "UTC",
    )
    rows = _stored(session, "linkedin")
    day = rows[("Decision makers - Jakarta", D(2026, 6, 2))]  # 6/2/2026 is June 2 (M/D/YYYY)
    assert (day.spend, day.impressions, day.clicks) == (Decimal("149.85"), 9987, 79)
    assert day.actions == [{"action_type": "conversions", "value": "2"}]  # raw, counted by the definition
    # no objective in the file: LinkedIn's Conversions column and its Total Conversion Value count
    assert (day.conversions, day.conversion_value) == (Decimal(2), Decimal(300))
    assert sum(r.spend for r in rows.values()) == Decimal("497.35")
    assert result.inserted == 4


@pytest.mark.parametrize("name", ["tiktok_report.csv", "tiktok_report.xlsx"])
def test_tiktok_report_csv_and_xlsx(session, name: str) -> None:
    preview, result = _import(session, TIKTOK, name, account="Toko Batik TikTok")
    assert preview.errors == []
    rows = _stored(session, "tiktok")
    spark = rows[("Spark Ads - KOL Ramadan", D(2026, 7, 1))]
    assert (spark.spend, spark.impressions, spark.clicks) == (Decimal("1250000"), 215000, 3120)
    # TikTok's Conversions column is the optimisation event, kept raw; a campaign imported without an objective
    # counts it (what TikTok Ads Manager shows as Conversions) until a conversion definition says otherwise.
    assert spark.actions == [{"action_type": "conversion", "value": "41"}]
    assert spark.conversions == Decimal(41)
    account = session.scalar(select(AdAccount).where(AdAccount.platform == "tiktok"))
    assert account.name == "Toko Batik TikTok"
    if name.endswith(".xlsx"):
        assert rows[("In-feed - Katalog", D(2026, 7, 1))].spend == Decimal("830500.5")  # kept as measured
        assert set(session.scalars(select(Campaign.meta_id).where(Campaign.platform == "tiktok"))) == {
            "1771234567890123",
            "1771234567890124",
        }
    assert result.inserted == 4


def test_tiktok_csv_saved_as_utf16_with_tabs_reads_the_same(session) -> None:
    text = (FIXTURES / "tiktok_report.csv").read_text("utf-8").replace(",", "\t")
    preview = preview_report(session, TIKTOK, b"\xff\xfe" + text.encode("utf-16-le"), "tiktok_unicode.csv")
    plain = preview_report(session, TIKTOK, (FIXTURES / "tiktok_report.csv").read_bytes(), "tiktok_unicode.csv")
    assert preview.table() == plain.table()
    assert preview.spend == Decimal("4123500")


def test_bad_rows_are_rejected_by_row_and_column_and_the_valid_rows_written(session) -> None:
    data = (
        b"Date,Campaign name,Cost,Impressions,Clicks (destination),Conversions,Currency\n"
        b"2026-07-01,Good,1000,10,1,0,IDR\n"
        b"2026-07-01,Bad cost,abc,10,1,0,IDR\n"
        b"2026-02-30,Bad day,10,10,1,0,IDR\n"
        b"2026-07-02,,10,10,1,0,IDR\n"
        b"2026-07-01,Good,2000,10,1,0,IDR\n"
        b"2026-07-03,Other currency,10,10,1,0,USD\n"
    )
    with pytest.raises(PlatformImportError, match="IDR, USD"):
        preview_report(session, TIKTOK, data, "t.csv")
    data = data.replace(b",USD\n", b",IDR\n").replace(b"Other currency,10,", b"Inf,1e30,")
    preview, result = _import(session, TIKTOK, "t.csv", data, account="Kopi")
    by_row = {e.row: (e.column, e.reason) for e in preview.errors}
    assert by_row[3][0] == "Cost"
    assert "abc" in by_row[3][1]
    assert by_row[4][0] == "Date"
    assert "names no campaign" in by_row[5][1]
    assert by_row[6] == ("", "The row repeats row 2: the same campaign and day; remove one of them.")
    assert by_row[7][0] == "Cost"
    assert [r.line for r in preview.rows] == [2]
    assert result.inserted == 1
    run = session.scalar(select(SyncRun))
    assert (run.kind, run.status) == ("tiktok_file", "partial")


def test_a_name_two_campaigns_share_is_refused_and_an_id_of_another_account_too(session) -> None:
    mine = b.account(session, platform="google", account_id="1112223333", name="Kopi Google")
    b.campaign(session, mine, name="Brand")
    b.campaign(session, mine, name="Brand")
    other = b.account(session, platform="google", account_id="4445556666", name="Teh Google")
    b.campaign(session, other, name="Elsewhere", meta_id="777")
    data = (
        b"Day,Campaign,Campaign ID,Currency code,Cost,Impr.,Clicks\n"
        b"2026-07-01,Brand,,IDR,100,1,1\n"
        b"2026-07-01,Stolen,777,IDR,100,1,1\n"
        b"2026-07-01,Fresh,888,IDR,100,1,1\n"
    )
    preview, result = _import(session, GOOGLE_ADS, "g.csv", data, account="1112223333")
    reasons = {e.row: e.reason for e in preview.errors}
    assert reasons[2] == "2 campaigns of Kopi Google are named 'Brand'; export the report with the Campaign ID column."
    assert reasons[3] == "Campaign ID 777 belongs to the account Teh Google, not to Kopi Google."
    assert [r.campaign_id for r in preview.rows] == ["888"]
    assert result.campaigns_created == 1


def test_rows_synced_from_the_api_win(session) -> None:
    tiktok = b.account(session, platform="tiktok", account_id="7100", name="Batik", currency="IDR")
    synced = b.campaign(session, tiktok, name="Spark Ads - KOL Ramadan", meta_id="1771234567890123")
    b.insights(session, synced, [D(2026, 7, 1)], spend="1", source="tiktok_api")
    _preview, result = _import(session, TIKTOK, "tiktok_report.xlsx", account="7100")
    assert result.skipped_synced == 1
    assert _stored(session, "tiktok")[("Spark Ads - KOL Ramadan", D(2026, 7, 1))].spend == Decimal(1)


def test_an_account_of_another_platform_is_never_the_target(session) -> None:
    meta = b.account(session, account_id="123", name="Kopi", currency="IDR")
    _preview, _result = _import(session, TIKTOK, "tiktok_report.csv", account="Kopi")
    tiktok = session.scalar(select(AdAccount).where(AdAccount.platform == "tiktok"))
    assert tiktok.id != meta.id
    assert tiktok.name == "Kopi"
    assert session.scalar(select(func.count()).select_from(Campaign).where(Campaign.account_id == meta.id)) == 0


def test_ads_manager_files_look_only_among_meta_accounts(session) -> None:
    """A TikTok advertiser named like the Ads Manager file (and a TikTok campaign with its campaign ID) is not
    where a Meta export goes."""
    tiktok = b.account(session, platform="tiktok", account_id="7001", name="Acme", currency="USD")
    b.campaign(session, tiktok, meta_id="23850001", name="TikTok twin")
    data = (FIXTURES / "adsmanager_daily_en.csv").read_bytes()
    preview = preview_import(session, data, "Acme-Campaigns-Jul-1-2026.csv", AccountTarget())
    assert preview.account.existing is None  # a new Meta account, not the TikTok one of the same name
    with pytest.raises(DomainError, match="no ad account"):
        preview_import(session, data, "x.csv", AccountTarget(account_id=tiktok.id))


def test_a_file_without_the_needed_columns_is_refused_in_one_sentence(session) -> None:
    with pytest.raises(PlatformImportError, match="no campaign column"):
        preview_report(session, LINKEDIN, b"Date,Total Spent\n6/1/2026,10\n", "l.csv")
    with pytest.raises(PlatformImportError, match="does not say its currency"):
        preview_report(session, GOOGLE_ADS, b"Day,Campaign,Cost\n2026-07-01,A,10\n", "g.csv")
    with pytest.raises(UnknownPlatform):
        report_format("bing")
    assert report_format("google") is GOOGLE_ADS


def test_cli_imports_dry_run_writes_nothing_and_exit_codes(migrated_url: str) -> None:
    def script(*args: str) -> subprocess.CompletedProcess:  # the real process: what a shell sees on a failure
        return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, timeout=120)

    cli = run_cli  # the same commands in process (tests/cli_run.py)
    path = str(FIXTURES / "googleads_campaign_daily.csv")
    dry = cli("import", "googleads", path, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert b"Dry run: nothing was written." in dry.stdout
    real = cli("import", "googleads", path, "--account", "Kopi Google")
    assert real.returncode == 0, real.stderr
    assert b"Imported: 6 new" in real.stdout
    again = cli("import", "googleads", path, "--account", "Kopi Google")
    assert b"Nothing changed" in again.stdout
    missing = script("import", "linkedin", "/nonexistent.csv")
    assert missing.returncode != 0
    assert b"no such file" in missing.stderr
    assert b"Traceback" not in missing.stderr


FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
NASTY = [
    "Infinity", "NaN", "1e30", "-0", "0x1F", "١٢٣", "1.20253E+17", "7/1/2026", "2026-02-30", "--", "-", "NULL",
    "=SUM(A1)", "\x00", "\u202e", "x" * 500, "99999999999999999999999999", "-5", "1.23456789", "", '"', "1,2,3",
    "Total: Account", "12.5", "2026-07-01 00:00:00", "$1,250", "Rp 1.000", "IDR 5", "1,250.5.5", "Jul 1, 2026",
]  # fmt: skip
FILES = [(GOOGLE_ADS, "googleads_campaign_daily.csv"), (LINKEDIN, "linkedin_campaign_performance.csv")]
FILES += [(TIKTOK, "tiktok_report.csv")]


@FUZZ
@given(
    which=st.integers(0, len(FILES) - 1),
    edits=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 15), st.one_of(st.sampled_from(NASTY), st.text(max_size=12))),
        max_size=6,
    ),
)
def test_mutated_report_files_give_a_preview_or_one_domain_refusal(session, which: int, edits) -> None:
    fmt, name = FILES[which]
    rows = list(csv.reader(io.StringIO((FIXTURES / name).read_text("utf-8-sig"), newline="")))
    for r, c, value in edits:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    try:
        with session.begin_nested():
            preview = preview_report(session, fmt, buffer.getvalue().encode("utf-8"), name, account="Fuzz")
            apply_report(session, CLI_ACTOR, preview)
            raise _Rollback
    except _Rollback:
        return
    except DomainError as exc:
        refusal = str(exc)
    assert refusal  # one sentence, never empty


class _Rollback(Exception):
    """Leaves each example's writes behind (a savepoint rolled back)."""


def test_every_message_of_the_importer_is_listed_for_translation() -> None:
    from campaigns import platform_import, platform_reports
    from pages.components.terms import REPORT_IMPORT_TEXTS

    templates = {
        value
        for name, value in vars(platform_import).items()
        if name.isupper() and isinstance(value, str) and value.endswith(".") and " " in value
    }
    assert len(templates) > 15
    assert templates <= set(REPORT_IMPORT_TEXTS)
    assert {f.title for f in platform_reports.FORMATS.values()} <= set(REPORT_IMPORT_TEXTS)


def test_amounts_with_a_currency_sign_are_read_as_parse_amount_reads_them(session) -> None:
    data = b'Day,Campaign,Currency code,Cost,Impr.,Clicks\n2026-07-01,Brand,USD,"$1,250.50",1,1\n'
    preview = preview_report(session, GOOGLE_ADS, data, "g.csv", account="Kopi US")
    assert preview.errors == []
    assert preview.rows[0].spend == Decimal("1250.50")
