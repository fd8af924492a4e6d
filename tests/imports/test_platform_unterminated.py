"""The TikTok, Google Ads and LinkedIn report imports warn, never refuse, when the file's last row has no line break
after it: a download cut inside the last cell (`398` clicks cut to `39`) reads as a complete row. The preview, the
Sync page's report upload and `cli.py import googleads` say so, naming the row and the column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaigns.models import CampaignInsight
from campaigns.platform_import import apply_report, preview_report
from campaigns.platform_reports import GOOGLE_ADS, LINKEDIN, TIKTOK, ReportFormat
from db.engine import session_scope
from db.roles import CLI_ACTOR
from db.tabular import UNTERMINATED
from tests.cli_run import run_cli

SYNC = "pages/sync/sync.py"
# Google Ads' download: two title lines, the header on line 3; a report without conversion columns ends at Clicks.
GOOGLE = (
    b"Campaign report\r\n"
    b'"July 1, 2026 - July 3, 2026"\r\n'
    b"Day,Campaign,Campaign ID,Campaign status,Currency code,Cost,Impr.,Clicks\r\n"
    b'2026-07-01,Search - Brand ID,20345678901,Enabled,IDR,"1,250,000.00","12,340",410\r\n'
    b'2026-07-02,Search - Brand ID,20345678901,Enabled,IDR,"980,250.00","10,020",366\r\n'
    b'2026-07-03,Search - Brand ID,20345678901,Enabled,IDR,"1,102,000.00","11,230",398'
)
# TikTok Ads Manager's export: the header on line 1, Conversions last.
TIKTOK_FILE = (
    b"Date,Campaign name,Currency,Cost,Impressions,Clicks (destination),Conversions\n"
    b"2026-07-01,Spark Ads - KOL Ramadan,IDR,1250000.00,215000,3120,41\n"
    b"2026-07-02,Spark Ads - KOL Ramadan,IDR,1198000.00,209870,2987,37"
)
# LinkedIn Campaign Manager's export: five title lines, the header on line 6.
LINKEDIN_FILE = (
    b"Campaign Performance Report\n"
    b"Report Start: 6/1/2026\n"
    b"Report End: 6/2/2026\n"
    b"Date Generated: 7/1/2026 9:30 AM\n"
    b"Account: Acme Indonesia (508812345)\n"
    b"Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Campaign Type,Currency,"
    b"Total Spent,Impressions,Clicks,Conversions,Total Conversion Value\n"
    b"6/1/2026,Acme Indonesia,Always on,Decision makers - Jakarta,234567891,Sponsored Content,USD,152.40,10211,87,3,"
    b"450.00\n"
    b"6/2/2026,Acme Indonesia,Always on,Decision makers - Jakarta,234567891,Sponsored Content,USD,149.85,9987,79,2,"
    b"300.00"
)
# (format, complete file without its last characters, row, column, the value as cut)
CASES = [
    pytest.param(GOOGLE_ADS, GOOGLE[:-1], 6, "Clicks", "39", id="googleads"),
    pytest.param(TIKTOK, TIKTOK_FILE[:-1], 3, "Conversions", "3", id="tiktok"),
    pytest.param(LINKEDIN, LINKEDIN_FILE[:-4], 8, "Total Conversion Value", "30", id="linkedin"),
]


@pytest.mark.parametrize(("fmt", "cut", "row", "column", "value"), CASES)
def test_a_cut_last_cell_is_imported_with_a_warning_naming_row_and_column(
    session, fmt: ReportFormat, cut: bytes, row: int, column: str, value: str
) -> None:
    preview = preview_report(session, fmt, cut, f"{fmt.platform}.csv", account="Kopi")
    assert [(w.text, w.params["row"], w.params["column"], w.params["value"]) for w in preview.warnings] == [
        (UNTERMINATED, row, column, value)
    ]
    assert preview.errors == []  # a warning, never a refusal
    apply_report(session, CLI_ACTOR, preview)
    assert session.scalar(select(func.count(CampaignInsight.id))) == len(preview.rows)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [(GOOGLE_ADS, GOOGLE), (TIKTOK, TIKTOK_FILE), (LINKEDIN, LINKEDIN_FILE)],
    ids=["googleads", "tiktok", "linkedin"],
)
def test_a_complete_file_ending_with_a_line_break_gives_no_warning(session, fmt: ReportFormat, data: bytes) -> None:
    preview = preview_report(session, fmt, data + b"\r\n", f"{fmt.platform}.csv", account="Kopi")
    assert preview.warnings == []
    assert preview.errors == []
    assert preview.rows


def test_the_command_line_prints_the_warning(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "googleads.csv"
    path.write_bytes(GOOGLE[:-1])
    result = run_cli("import", "googleads", str(path), "--account", "Kopi Google Ads")
    assert result.returncode == 0, result.stderr.decode()
    expected = (
        "warning: The file does not end with a line break, so its last row (row 6) may have been cut off inside its "
        "last cell (Clicks: 39); check that value against the original, or download the file again."
    )
    assert expected in " ".join(result.stderr.decode().split())
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 3
    path.write_bytes(GOOGLE + b"\r\n")
    again = run_cli("import", "googleads", str(path), "--account", "Kopi Google Ads", "--dry-run")
    assert again.returncode == 0, again.stderr.decode()
    assert "does not end with a line break" not in again.stderr.decode()


def test_the_report_upload_shows_the_warning(migrated_url: str, app_test) -> None:
    from campaigns.platform_reports import FORMATS

    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    at.selectbox(key="sync_report_platform").select_index(list(FORMATS).index("googleads")).run()
    at.file_uploader(key="sync_report_upload").set_value(("googleads.csv", GOOGLE[:-1], "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    warnings = " | ".join(str(w.value) for w in at.warning)
    assert "its last row (row 6) may have been cut off inside its last cell (Clicks: 39)" in warnings
    at.button(key="sync_report_import").click().run()
    assert not at.exception, at.exception
    assert "(Clicks: 39)" in " | ".join(str(w.value) for w in at.warning)
    assert at.success
