"""The platform report imports read numbers, headers, platforms, segments, days and accounts as the files mean them:
one number rule per file (shared with the Ads Manager import), Bahasa Indonesia headers, a file of another
platform refused, hourly and device rows summed into the campaign-day, future days and two accounts refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from campaigns.models import AdAccount, Campaign, CampaignInsight
from campaigns.platform_import import PlatformImportError, apply_report, preview_report
from campaigns.platform_reports import GOOGLE_ADS, LINKEDIN, TIKTOK
from db.roles import CLI_ACTOR
from pages.components.terms import label
from tests.bahasa import in_bahasa

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
D = dt.date
TODAY = D(2026, 12, 4)


def _preview(session, fmt, name: str, data: bytes | None = None, **kw):
    kw.setdefault("today", TODAY)
    return preview_report(session, fmt, data if data is not None else (FIXTURES / name).read_bytes(), name, **kw)


def _stored(session, platform: str) -> dict[tuple[str, dt.date], CampaignInsight]:
    stmt = (
        select(Campaign.name, CampaignInsight)
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .where(Campaign.platform == platform)
    )
    return {(name, row.date): row for name, row in session.execute(stmt)}


# --- 1. one number rule per file ----------------------------------------------------------------------------------


def test_an_indonesian_excel_tiktok_file_reads_750_000_as_seven_hundred_fifty_thousand_rupiah(session) -> None:
    preview = _preview(session, TIKTOK, "tiktok_report_id_excel.csv")
    assert preview.errors == []
    apply_report(session, CLI_ACTOR, preview)
    rows = _stored(session, "tiktok")
    first = rows[("Spark Ads - KOL Ramadan", D(2026, 7, 1))]
    assert (first.spend, first.impressions, first.clicks, first.conversions) == (Decimal(750000), 215000, 3120, 41)
    assert rows[("In-feed - Katalog", D(2026, 7, 1))].spend == Decimal(1250000)
    assert rows[("Spark Ads - KOL Ramadan", D(2026, 7, 2))].spend == Decimal("1198000.50")
    assert session.scalar(select(AdAccount.currency).where(AdAccount.platform == "tiktok")) == "IDR"


def test_european_usd_figures_and_us_figures_read_the_same(session) -> None:
    header = b"Date,Campaign name,Cost,Impressions,Clicks (destination),Conversions,Currency\n"
    eu = _preview(session, TIKTOK, "eu.csv", header + b'2026-07-01,Brand,"1.234,56","12.340",17,"2,5",USD\n')
    us = _preview(session, TIKTOK, "us.csv", header + b'2026-07-01,Brand,"1,234.56","12,340",17,2.5,USD\n')
    assert eu.errors == us.errors == []
    for preview in (eu, us):
        row = preview.rows[0]
        assert (row.spend, row.impressions, row.actions) == (
            Decimal("1234.56"),
            12340,
            (("conversion", Decimal("2.5")),),
        )


def test_a_figure_the_file_does_not_decide_is_refused_naming_row_column_and_reason(session) -> None:
    """`750.000` under English headers, with no figure proving the convention: 750 or 750000 rupiah."""
    data = (
        b"Date,Campaign name,Cost,Impressions,Currency\n2026-07-01,Brand,750.000,500,IDR\n2026-07-02,Brand,900,40,IDR\n"
    )
    preview = _preview(session, TIKTOK, "t.csv", data, account="Kopi")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Cost")]
    reason = preview.errors[0].reason
    assert "750.000 could be 750 or 750000" in reason
    assert "its headers are in English" in reason
    assert "IDR amounts have no decimals" in reason
    assert [r.line for r in preview.rows] == [3]


def test_a_file_mixing_both_conventions_refuses_every_figure_whose_reading_depends_on_it(session) -> None:
    data = (
        b"Day,Campaign,Currency code,Cost,Impr.,Clicks\n"
        b'2026-07-01,Brand,USD,"1,250.50",100,1\n'
        b'2026-07-02,Brand,USD,"1.250,50",100,1\n'
        b"2026-07-03,Brand,USD,80,100,1\n"
    )
    preview = _preview(session, GOOGLE_ADS, "g.csv", data, account="Kopi US")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Cost"), (3, "Cost")]
    assert "cannot be read for sure" in preview.errors[0].reason
    assert "1,250.50 in row 2" in preview.errors[1].reason
    assert "1.250,50 in row 3" in preview.errors[1].reason
    assert [r.spend for r in preview.rows] == [Decimal(80)]


FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BAHASA = "Tanggal,Nama kampanye,Biaya,Tayangan,Klik,Mata uang\n"
ENGLISH = "Date,Campaign name,Cost,Impressions,Clicks,Currency\n"


@FUZZ
@given(
    locale=st.sampled_from(["en_US", "id"]),
    currency=st.sampled_from(["IDR", "USD"]),
    cents=st.lists(st.integers(0, 10**13), min_size=1, max_size=4),
    impressions=st.integers(0, 10**9),
)
def test_amounts_written_in_either_convention_read_back_exactly(session, locale, currency, cents, impressions) -> None:
    """Random amounts written as Babel writes them in en_US (`1,250,000.50`) or id (`1.250.000,50`), under headers
    in that language, read back as the exact Decimal."""
    amounts = [Decimal(c) if currency == "IDR" else Decimal(c).scaleb(-2) for c in cents]
    pattern = "#,##0" if currency == "IDR" else "#,##0.00"
    lines = [BAHASA if locale == "id" else ENGLISH]
    for n, amount in enumerate(amounts):
        cost = format_decimal(amount, format=pattern, locale=locale)
        shown = format_decimal(impressions, format="#,##0", locale=locale)
        lines.append(f'2026-07-01,C{n},"{cost}","{shown}",1,{currency}\n')
    with session.begin_nested() as savepoint:
        preview = _preview(session, TIKTOK, "p.csv", "".join(lines).encode(), account=f"P {currency}")
        assert preview.errors == []
        assert [r.spend for r in preview.rows] == amounts
        assert {r.impressions for r in preview.rows} == {impressions}
        savepoint.rollback()


# --- 2. Bahasa Indonesia headers ----------------------------------------------------------------------------------


def test_a_google_ads_report_downloaded_in_bahasa_indonesia(session) -> None:
    preview = _preview(session, GOOGLE_ADS, "googleads_campaign_daily_id.csv")
    assert (len(preview.rows), preview.total_rows, preview.errors) == (4, 1, [])
    assert preview.currency == "IDR"
    apply_report(session, CLI_ACTOR, preview)
    rows = _stored(session, "google")
    first = rows[("Search - Brand ID", D(2026, 7, 1))]
    assert (first.spend, first.impressions, first.clicks) == (Decimal(1250000), 12340, 410)
    assert (first.conversions, first.conversion_value) == (Decimal(12), Decimal(3600000))
    assert sum(r.spend for r in rows.values()) == Decimal(6205750)  # the file's `Total: Akun`
    assert sum(r.conversions for r in rows.values()) == Decimal("28.5")


# --- 3. a file of another platform --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "platform", "label_text", "header"),
    [
        (TIKTOK, "googleads_campaign_daily.csv", "google", "Google Ads", "Impr."),
        (GOOGLE_ADS, "linkedin_campaign_performance.csv", "linkedin", "LinkedIn", "Total Spent"),
        (LINKEDIN, "tiktok_report.csv", "tiktok", "TikTok", "Clicks (destination)"),
        (TIKTOK, "adsmanager_daily_en.csv", "meta", "Meta", "Reporting starts"),
    ],
)
def test_a_file_of_another_platform_is_refused_naming_it(session, fmt, name, platform, label_text, header) -> None:
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, fmt, name)
    text = str(caught.value)
    assert f"looks like a {platform} report" in text
    assert header in text
    assert label_text in caught.value.message.render(label=label)  # pages show the platform's name, not its code
    assert session.scalar(select(CampaignInsight.id)) is None


# --- 4. segmented files -------------------------------------------------------------------------------------------


def test_a_tiktok_hourly_report_adds_the_hours_up_into_the_campaign_day(session) -> None:
    preview = _preview(session, TIKTOK, "tiktok_hourly.csv", account="Batik")
    assert preview.errors == []
    assert [r.lines for r in preview.rows] == [(2, 3, 4), (5,), (6,)]
    assert any("added up into 3 campaign-day" in str(n) for n in preview.notes)
    apply_report(session, CLI_ACTOR, preview)
    day = _stored(session, "tiktok")[("Spark Ads - KOL Ramadan", D(2026, 11, 3))]
    assert (day.spend, day.impressions, day.clicks, day.conversions) == (Decimal(750000), 122700, 1834, 25)


@FUZZ
@given(
    hours=st.lists(
        st.tuples(st.integers(0, 10**9), st.integers(0, 10**6), st.integers(0, 10**4)),
        min_size=1,
        max_size=24,
    )
)
def test_any_hours_of_a_day_add_up_exactly_to_the_campaign_day(session, hours) -> None:
    """Random hourly rows (spend in sen, impressions, clicks) of one campaign-day: one row, their exact sums."""
    lines = ["By hour,Campaign name,Campaign ID,Cost,Impressions,Clicks (destination),Currency\n"]
    for hour, (cents, impressions, clicks) in enumerate(hours):
        cost = format_decimal(Decimal(cents).scaleb(-2), format="0.00", locale="en_US")
        lines.append(f"2026-11-03 {hour:02d}:00:00,Brand,1771234567890123,{cost},{impressions},{clicks},IDR\n")
    with session.begin_nested() as savepoint:
        preview = _preview(session, TIKTOK, "h.csv", "".join(lines).encode(), account="Hours")
        assert preview.errors == []
        (row,) = preview.rows
        assert row.spend == sum((Decimal(c).scaleb(-2) for c, _i, _k in hours), Decimal(0))
        assert (row.impressions, row.clicks) == (sum(i for _c, i, _k in hours), sum(k for _c, _i, k in hours))
        assert row.lines == tuple(range(2, 2 + len(hours)))
        savepoint.rollback()


def test_a_google_ads_report_by_device_adds_the_devices_up_and_equals_the_unsegmented_day(session) -> None:
    preview = _preview(session, GOOGLE_ADS, "googleads_device.csv", account="Kopi")
    assert (preview.errors, preview.total_rows) == ([], 1)
    (row,) = preview.rows
    assert (row.spend, row.impressions, row.clicks) == (Decimal(1250000), 12340, 410)
    assert dict(row.actions) == {"conversions": Decimal(12)}
    assert dict(row.action_values) == {"conversions": Decimal(3600000)}


def test_a_rejected_segment_rejects_its_whole_campaign_day_and_a_repeated_segment_is_refused(session) -> None:
    lines = (FIXTURES / "googleads_device.csv").read_text().splitlines(keepends=True)
    broken = [*lines[:4], lines[4].replace('"700,000.00"', "abc"), *lines[5:6]]
    broken += [lines[5].replace("2026-11-03", "2026-11-02"), lines[5].replace("2026-11-03", "2026-11-02")]
    preview = _preview(session, GOOGLE_ADS, "g.csv", "".join(broken).encode(), account="Kopi")
    by_row = {e.row: e.reason for e in preview.errors}
    assert "abc" in by_row[5]
    assert by_row[4].startswith("Row 5 of the same campaign and day was rejected, so this device row alone")
    assert by_row[6] == by_row[4]
    assert by_row[8] == "The row repeats row 7: the same campaign, day and device; remove one of them."
    assert [(r.day, r.lines) for r in preview.rows] == [(D(2026, 11, 2), (7,))]


def test_a_segment_that_does_not_partition_the_day_is_refused_naming_its_column(session) -> None:
    data = b"Day,Campaign,Conversion action,Currency code,Cost,Conversions\n2026-07-01,Brand,Purchase,IDR,100,1\n"
    with pytest.raises(PlatformImportError, match="split by Conversion action"):
        _preview(session, GOOGLE_ADS, "g.csv", data)


# --- 5. future days -----------------------------------------------------------------------------------------------


def test_days_after_the_accounts_today_are_refused(session, monkeypatch) -> None:
    b_account = AdAccount(
        platform="tiktok", account_id="7100", name="Batik", currency="IDR", timezone_name="Asia/Jakarta"
    )
    session.add(b_account)
    session.flush()
    data = (
        b"Date,Campaign name,Cost,Impressions,Currency\n"
        b"2026-12-04,Brand,100,1,IDR\n"
        b"2026-12-05 10:00:00,Brand,100,1,IDR\n"
    )
    preview = _preview(session, TIKTOK, "t.csv", data, account="Batik")
    assert [r.day for r in preview.rows] == [D(2026, 12, 4)]
    ((problem),) = preview.errors
    assert (problem.row, problem.column) == (3, "Date")
    assert problem.reason.startswith("2026-12-05 10:00:00 is after today (2026-12-04) in the account's time zone")
    # on the page the account's today reads as a date; the cell stays as the file wrote it
    assert in_bahasa(monkeypatch, problem.message).startswith("2026-12-05 10:00:00 sesudah hari ini (4 Des 2026) di")
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    real = preview_report(session, TIKTOK, data.replace(b"2026-12-04", tomorrow.isoformat().encode()), "t.csv")
    assert 2 in {e.row for e in real.errors}  # without `today`: the account's own today


# --- 6. two accounts in one file ----------------------------------------------------------------------------------


def test_a_manager_account_file_of_two_accounts_is_refused_naming_them(session) -> None:
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, GOOGLE_ADS, "googleads_mcc.csv")
    assert str(caught.value).startswith(
        "The file holds rows of 2 accounts (Kopi Nusantara (1234567890), Teh Sosro Digital (9876543210));"
    )
    one = "".join(
        line
        for line in (FIXTURES / "googleads_mcc.csv").read_text().splitlines(keepends=True)
        if "Teh Sosro" not in line
    )
    preview = _preview(session, GOOGLE_ADS, "g.csv", one.encode())
    assert (preview.account_name, preview.account_ref, len(preview.rows)) == ("Kopi Nusantara", "1234567890", 1)


def test_a_linkedin_export_of_two_accounts_is_refused(session) -> None:
    text = (FIXTURES / "linkedin_campaign_performance.csv").read_text()
    lines = text.splitlines(keepends=True)
    lines[-1] = lines[-1].replace("Acme Indonesia", "Acme Singapore")
    with pytest.raises(PlatformImportError, match=r"2 accounts \(Acme Indonesia, Acme Singapore\)"):
        _preview(session, LINKEDIN, "l.csv", "".join(lines).encode())
