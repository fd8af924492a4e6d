"""The CLI's import summaries name a platform as people do (TikTok, Google Ads, LinkedIn), from the one label table
of campaigns/platforms.py the pages translate too, never by its code (`tiktok`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaigns.platforms import PLATFORM_LABELS, platform_label
from pages.components import terms
from tests.cli_run import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("command", "name", "label", "code"),
    [
        ("tiktok", "tiktok_report.csv", "TikTok", "tiktok"),
        ("googleads", "googleads_campaign_daily.csv", "Google Ads", "google"),
        ("linkedin", "linkedin_campaign_performance.csv", "LinkedIn", "linkedin"),
    ],
)
def test_cli_summaries_name_the_platform_by_its_label(
    migrated_url: str, command: str, name: str, label: str, code: str
) -> None:
    result = run_cli("import", command, str(FIXTURES / name), "--account", "Kopi Baru", "--dry-run")
    assert result.returncode in (0, 1), result.stderr  # 1: rows rejected, still summarised
    text = result.stdout.decode()
    assert f"new account Kopi Baru ({label})" in text, text
    assert f"A new {label} account 'Kopi Baru' will be created" in text, text
    assert f"({code})" not in text
    assert f"new {code} account" not in text


def test_one_label_table_for_the_command_line_and_the_pages() -> None:
    assert terms.AD_PLATFORM_LABELS is PLATFORM_LABELS
    assert [platform_label(code) for code in PLATFORM_LABELS] == ["Meta", "TikTok", "Google Ads", "LinkedIn"]
    assert platform_label("bing") == "bing"
