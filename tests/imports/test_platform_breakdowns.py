"""Breakdowns of the platform reports (docs/file-formats.md, "Segmented reports"): TikTok custom reports by age,
gender, placement, country or region, province, operating system and device brand, Google Ads reports by ad group,
age range, gender, ad network type, top vs. other (with device, network and hour) are added up into the
campaign-day; a period label beside the day is read as it is; Google click type, a report by day of week or month
without days, LinkedIn's demographic pivots and a split report without days are refused naming the column and what
to download instead. Each fixture is written here, shaped like the platform's download."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from campaigns.models import Campaign, CampaignInsight
from campaigns.platform_import import PlatformImportError, apply_report, preview_report
from campaigns.platform_reports import GOOGLE_ADS, LINKEDIN, TIKTOK
from db.roles import CLI_ACTOR
from tests.bahasa import in_bahasa

D = dt.date
TODAY = D(2026, 12, 4)
DAY, NEXT = D(2026, 11, 3), D(2026, 11, 4)
# One campaign-day in three parts and the next day in one: (cost in sen, impressions, clicks, conversions)
PARTS = [(45_000_000, 4100, 130, 3), (70_000_000, 7900, 260, 8), (10_000_000, 340, 20, 1)]
NEXT_PART = (7_500_000, 1210, 15, 0)
DAY_FIGURES = (Decimal(1250000), 12340, 410, Decimal(12))
NEXT_FIGURES = (Decimal(75000), 1210, 15, Decimal(0))


def _preview(session, fmt, data: str, name: str = "report.csv", **kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("account", "Kopi Nusantara")
    return preview_report(session, fmt, data.encode("utf-8"), name, **kw)


def _figures(session, platform: str) -> dict[tuple[str, dt.date], tuple]:
    stmt = (
        select(Campaign.name, CampaignInsight)
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .where(Campaign.platform == platform)
    )
    return {
        (name, row.date): (row.spend, row.impressions, row.clicks, row.conversions)
        for name, row in session.execute(stmt)
    }


def _money(cents: int, locale: str, grouped: bool) -> str:
    return format_decimal(Decimal(cents).scaleb(-2), format="#,##0.00" if grouped else "0.00", locale=locale)


def _count(value: int, locale: str, grouped: bool) -> str:
    return format_decimal(value, format="#,##0" if grouped else "0", locale=locale)


def _csv_cell(text: str, sep: str) -> str:
    return f'"{text}"' if sep in text else text


def tiktok_file(segment: str | None, values: list[str], *, bahasa: bool = False, parts=None, sep: str = ",") -> str:
    """A TikTok Ads Manager custom report as its CSV export writes it: the header on the first row, the time
    dimension first, the dimensions, then the metrics; Bahasa Indonesia headers with Indonesian numbers when an
    Indonesian Excel saved it again (`;`, `450.000`)."""
    if bahasa:
        head = [
            "Tanggal",
            "Nama kampanye",
            "ID kampanye",
            "Biaya",
            "Tayangan",
            "Klik (tujuan)",
            "Konversi",
            "Mata uang",
        ]
    else:
        head = ["By Day", "Campaign name", "Campaign ID", "Cost", "Impressions", "Clicks (destination)", "Conversions"]
        head.append("Currency")
    if segment is not None:
        head.insert(3, segment)
    locale = "id_ID" if bahasa else "en_US"
    lines = [sep.join(head)]
    rows = [(DAY, v, p) for v, p in zip(values, parts or PARTS, strict=True)] + [(NEXT, values[0], NEXT_PART)]
    for day, value, (cents, impressions, clicks, conversions) in rows:
        cells = [day.isoformat(), "Spark Ads - KOL Ramadan", "1771234567890123"]
        if segment is not None:
            cells.append(value)
        cells += [_money(cents, locale, bahasa), _count(impressions, locale, bahasa), _count(clicks, locale, bahasa)]
        cells += [str(conversions), "IDR"]
        lines.append(sep.join(_csv_cell(c, sep) for c in cells))
    return "\n".join(lines) + "\n"


def google_file(segments: list[tuple[str, list[str]]], *, bahasa: bool = False, parts=None) -> str:
    """A Google Ads report download: the report's name and its date range, the header with the segment columns
    after the campaign, thousands separators, `--` and the `Total:` rows at the end."""
    title, period = (
        ("Laporan kampanye", '"3 November 2026 - 4 November 2026"')
        if bahasa
        else (
            "Campaign report",
            '"November 3, 2026 - November 4, 2026"',
        )
    )
    if bahasa:
        head = ["Hari", "Kampanye", "ID Kampanye", "Kode mata uang", "Biaya", "Tayangan", "Klik", "Konversi"]
    else:
        head = ["Day", "Campaign", "Campaign ID", "Currency code", "Cost", "Impr.", "Clicks", "Conversions"]
    head[3:3] = [name for name, _values in segments]
    locale = "id_ID" if bahasa else "en_US"
    lines = [title, period, ",".join(head)]
    parts = parts or PARTS
    rows = [(DAY, i, p) for i, p in enumerate(parts)] + [(NEXT, 0, NEXT_PART)]
    for day, index, (cents, impressions, clicks, conversions) in rows:
        cells = [day.isoformat(), "Search - Brand ID", "20345678901", *(values[index] for _n, values in segments)]
        cells += ["IDR", _money(cents, locale, True), _count(impressions, locale, True), _count(clicks, locale, True)]
        cells.append(format_decimal(conversions, format="0.00", locale=locale))
        lines.append(",".join(_csv_cell(c, ",") for c in cells))
    total = "Total: Akun" if bahasa else "Total: Account"
    cents = sum(p[0] for p in parts) + NEXT_PART[0]
    lines.append(
        ",".join([total, "--", "--", *("--" for _ in segments), "IDR", _csv_cell(_money(cents, locale, True), ",")])
    )
    return "\n".join(lines) + "\n"


# --- recognised splits: added up into the campaign-day ------------------------------------------------------------

TIKTOK_SPLITS = [
    ("Age", ["18-24", "25-34", "35-44"], False),
    ("Usia", ["18-24", "25-34", "35-44"], True),
    ("Gender", ["Male", "Female", "Unknown"], False),
    ("Jenis kelamin", ["Laki-laki", "Perempuan", "Tidak diketahui"], True),
    ("Placement", ["TikTok", "Pangle", "Global App Bundle"], False),
    ("Penempatan", ["TikTok", "Pangle", "Global App Bundle"], True),
    ("Country/Region", ["Indonesia", "Malaysia", "Singapore"], False),
    ("Negara/Wilayah", ["Indonesia", "Malaysia", "Singapura"], True),
    ("Province", ["DKI Jakarta", "Jawa Barat", "Jawa Timur"], False),
    ("Provinsi", ["DKI Jakarta", "Jawa Barat", "Jawa Timur"], True),
    ("Operating system", ["Android", "iOS", "Others"], False),
    ("Sistem operasi", ["Android", "iOS", "Lainnya"], True),
    ("Device brand", ["Samsung", "Apple", "Xiaomi"], False),
    ("Merek perangkat", ["Samsung", "Apple", "Xiaomi"], True),
]


@pytest.mark.parametrize(("segment", "values", "bahasa"), TIKTOK_SPLITS, ids=[s[0] for s in TIKTOK_SPLITS])
def test_a_tiktok_custom_report_split_by_an_audience_dimension_adds_up_to_the_campaign_day(
    session, segment, values, bahasa
) -> None:
    data = tiktok_file(segment, values, bahasa=bahasa, sep=";" if bahasa else ",")
    preview = _preview(session, TIKTOK, data)
    assert preview.errors == []
    assert [r.lines for r in preview.rows] == [(2, 3, 4), (5,)]
    notes = [str(n) for n in preview.notes]
    assert any(
        n.startswith("4 row(s) split by ") and n.endswith(" were added up into 2 campaign-day(s).") for n in notes
    )
    apply_report(session, CLI_ACTOR, preview)
    stored = _figures(session, "tiktok")
    assert stored == {("Spark Ads - KOL Ramadan", DAY): DAY_FIGURES, ("Spark Ads - KOL Ramadan", NEXT): NEXT_FIGURES}


GOOGLE_SPLITS = [
    ("Age range", ["18 - 24", "25 - 34", "Unknown"], False),
    ("Rentang usia", ["18 - 24", "25 - 34", "Tidak diketahui"], True),
    ("Gender", ["Female", "Male", "Unknown"], False),
    ("Jenis kelamin", ["Perempuan", "Laki-laki", "Tidak diketahui"], True),
    ("Ad network type", ["Google search", "Search partners", "Display Network"], False),
    ("Jenis jaringan iklan", ["Google Penelusuran", "Mitra penelusuran", "Jaringan Display"], True),
    ("Top vs. Other", ["Google search: Top", "Google search: Other", "Search partners: Other"], False),
    ("Atas vs. lainnya", ["Google Penelusuran: Atas", "Google Penelusuran: Lainnya", "Mitra penelusuran: Atas"], True),
    ("Ad group", ["Brand - exact", "Brand - phrase", "Competitors"], False),
    ("Grup iklan", ["Merek - tepat", "Merek - frasa", "Pesaing"], True),
    ("Device", ["Computers", "Mobile phones", "Tablets"], False),
    ("Network (with search partners)", ["Google search", "Search partners", "Display Network"], False),
]


@pytest.mark.parametrize(("segment", "values", "bahasa"), GOOGLE_SPLITS, ids=[s[0] for s in GOOGLE_SPLITS])
def test_a_google_ads_report_split_by_a_segment_adds_up_to_the_campaign_day(session, segment, values, bahasa) -> None:
    preview = _preview(session, GOOGLE_ADS, google_file([(segment, values)], bahasa=bahasa))
    assert (preview.errors, preview.total_rows) == ([], 1)
    assert [r.lines for r in preview.rows] == [(4, 5, 6), (7,)]
    apply_report(session, CLI_ACTOR, preview)
    stored = _figures(session, "google")
    assert stored == {("Search - Brand ID", DAY): DAY_FIGURES, ("Search - Brand ID", NEXT): NEXT_FIGURES}


def test_a_google_demographics_download_by_ad_group_and_age_range_adds_up_and_names_both_columns(session) -> None:
    """Google's age report is one row per ad group and age range: both split the day, so their combinations do."""
    parts = [(20_000_000, 2000, 60, 1), (25_000_000, 2100, 70, 2), (50_000_000, 5000, 180, 6)]
    parts += [(20_000_000, 2900, 80, 2), (10_000_000, 340, 20, 1)]
    segments = [
        ("Ad group", ["Brand - exact", "Brand - exact", "Brand - phrase", "Brand - phrase", "Brand - phrase"]),
        ("Age range", ["18 - 24", "25 - 34", "18 - 24", "25 - 34", "Unknown"]),
    ]
    preview = _preview(session, GOOGLE_ADS, google_file(segments, parts=parts))
    assert (preview.errors, [r.lines for r in preview.rows]) == ([], [(4, 5, 6, 7, 8), (9,)])
    assert "6 row(s) split by Ad group, Age range were added up into 2 campaign-day(s)." in [
        str(n) for n in preview.notes
    ]
    apply_report(session, CLI_ACTOR, preview)
    assert _figures(session, "google")[("Search - Brand ID", DAY)] == DAY_FIGURES


def test_a_tiktok_report_by_age_and_gender_adds_up_their_combinations(session) -> None:
    lines = ["By Day,Campaign name,Campaign ID,Age,Gender,Cost,Impressions,Clicks (destination),Conversions,Currency"]
    lines += [
        "2026-11-03,Spark Ads - KOL Ramadan,1771234567890123,18-24,Male,300000.00,3000,100,2,IDR",
        "2026-11-03,Spark Ads - KOL Ramadan,1771234567890123,18-24,Female,450000.00,4500,150,5,IDR",
        "2026-11-03,Spark Ads - KOL Ramadan,1771234567890123,25-34,Male,250000.00,2500,90,3,IDR",
        "2026-11-03,Spark Ads - KOL Ramadan,1771234567890123,25-34,Female,250000.00,2340,70,2,IDR",
    ]
    preview = _preview(session, TIKTOK, "\n".join(lines) + "\n")
    assert preview.errors == []
    assert "4 row(s) split by Age, Gender were added up into 1 campaign-day(s)." in [str(n) for n in preview.notes]
    apply_report(session, CLI_ACTOR, preview)
    assert _figures(session, "tiktok") == {("Spark Ads - KOL Ramadan", DAY): DAY_FIGURES}


def test_a_repeated_age_is_refused_and_a_rejected_age_row_rejects_its_whole_campaign_day(session) -> None:
    data = tiktok_file("Age", ["18-24", "25-34", "18-24"])
    preview = _preview(session, TIKTOK, data)
    by_row = {e.row: e.reason for e in preview.errors}
    assert by_row[4] == "The row repeats row 2: the same campaign, day and age; remove one of them."
    assert [(r.day, r.lines) for r in preview.rows] == [(DAY, (2, 3)), (NEXT, (5,))]
    broken = _preview(session, TIKTOK, tiktok_file("Age", ["18-24", "25-34", "35-44"]).replace("700000.00", "7OO"))
    by_row = {e.row: e.reason for e in broken.errors}
    assert "7OO" in by_row[3]
    assert by_row[2].startswith("Row 3 of the same campaign and day was rejected, so this age row alone is not")
    assert by_row[4] == by_row[2]
    assert [(r.day, r.lines) for r in broken.rows] == [(NEXT, (5,))]


def test_a_period_label_beside_the_day_is_no_split_and_each_day_is_read_as_it_is(session) -> None:
    data = (
        "Campaign report\n"
        '"November 3, 2026 - November 4, 2026"\n'
        "Day,Day of week,Month,Campaign,Campaign ID,Currency code,Cost,Impr.,Clicks,Conversions\n"
        '2026-11-03,Tuesday,November 2026,Search - Brand ID,20345678901,IDR,"1,250,000.00","12,340",410,12.00\n'
        '2026-11-04,Wednesday,November 2026,Search - Brand ID,20345678901,IDR,75000.00,"1,210",15,0.00\n'
        'Total: Account,--,--,--,--,IDR,"1,325,000.00","13,550",425,12.00\n'
    )
    preview = _preview(session, GOOGLE_ADS, data)
    assert (preview.errors, [r.lines for r in preview.rows]) == ([], [(4,), (5,)])
    assert not any("split by" in str(n) for n in preview.notes)
    apply_report(session, CLI_ACTOR, preview)
    assert _figures(session, "google") == {
        ("Search - Brand ID", DAY): DAY_FIGURES,
        ("Search - Brand ID", NEXT): NEXT_FIGURES,
    }


# --- refused splits: one sentence naming the column and what to download ------------------------------------------


def test_a_google_click_type_report_is_refused_for_its_overlapping_impressions_not_as_repeated_rows(session) -> None:
    """Google's own download shows `--` totals for it: an impression counts once per click type shown."""
    data = (
        "Campaign report\n"
        '"November 3, 2026 - November 3, 2026"\n'
        "Day,Campaign,Campaign ID,Click type,Currency code,Cost,Impr.,Clicks,Conversions\n"
        '2026-11-03,Search - Brand ID,20345678901,Headline,IDR,"1,100,000.00","12,340",380,11.00\n'
        '2026-11-03,Search - Brand ID,20345678901,Sitelink,IDR,"150,000.00","5,120",30,1.00\n'
        "Total: Account,--,--,--,IDR,--,--,--,--\n"
    )
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, GOOGLE_ADS, data)
    assert str(caught.value) == (
        "The report is split by Click type: Google counts an impression once for every click type the ad showed, so "
        "its rows add up to more than the campaign-day; download it again without the Click type segment."
    )
    assert session.scalar(select(CampaignInsight.id)) is None


@pytest.mark.parametrize("column", ["Day of week", "Month", "Week", "Hari dalam seminggu"])
def test_a_google_report_by_day_of_week_or_month_without_days_is_refused(session, column) -> None:
    data = (
        "Campaign report\n"
        '"November 1, 2026 - November 30, 2026"\n'
        f"{column},Campaign,Campaign ID,Currency code,Cost,Impr.,Clicks,Conversions\n"
        'Tuesday,Search - Brand ID,20345678901,IDR,"4,250,000.00","52,340","1,410",42.00\n'
        'Wednesday,Search - Brand ID,20345678901,IDR,"3,950,000.00","48,010","1,305",37.00\n'
    )
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, GOOGLE_ADS, data)
    assert str(caught.value) == (
        f"The report is split by {column}, not by day, so it gives no campaign-days; download it again segmented by "
        "Day (Segment, Time, Day)."
    )


LINKEDIN_DEMOGRAPHICS = (
    "Demographics Report\n"
    "Report Start: 11/1/2026\n"
    "Report End: 11/30/2026\n"
    "Date Generated: 12/1/2026 9:30 AM\n"
    "Account: Acme Indonesia (508812345)\n"
    "{column},Campaign Name,Campaign ID,Impressions,Clicks,Average CTR,Total Spent,Conversions\n"
    '"{first}",Decision makers - Jakarta,234567891,"4,210",31,0.74%,61.20,1\n'
    '{second},Decision makers - Jakarta,234567891,"2,980",19,0.64%,40.05,0\n'
)


@pytest.mark.parametrize(
    ("column", "first", "second"),
    [
        ("Company Size", "10,001+ employees", "51-200 employees"),
        ("Job Function", "Engineering", "Finance"),
        ("Job Seniority", "Director", "Senior"),
        ("Company Industry", "Software Development", "Banking"),
        ("Job Title", "Chief Financial Officer", "Software Engineer"),
        ("Country/Region", "Indonesia", "Singapore"),
        ("Fungsi pekerjaan", "Teknik", "Keuangan"),
        ("Ukuran perusahaan", "10.001+ karyawan", "51-200 karyawan"),
    ],
)
def test_a_linkedin_demographics_export_is_refused_naming_the_pivot_and_the_report_to_export(
    session, column, first, second
) -> None:
    data = LINKEDIN_DEMOGRAPHICS.format(column=column, first=first, second=second)
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, LINKEDIN, data)
    assert str(caught.value) == (
        f"The file is a LinkedIn demographics report (split by {column}): LinkedIn rounds its figures for privacy, "
        "leaves out small values and gives no days, so its rows do not add up to campaign-days; export the campaign "
        "performance report instead (Campaigns tab, Export, time breakdown Daily)."
    )


def test_a_linkedin_demographics_export_with_a_day_or_without_campaigns_is_refused_for_the_same_reason(
    session, monkeypatch
) -> None:
    dated = (
        "Start Date (in UTC),Job Seniority,Campaign Name,Campaign ID,Currency,Total Spent,Impressions,Clicks\n"
        "11/3/2026,Director,Decision makers - Jakarta,234567891,USD,61.20,4210,31\n"
        "11/3/2026,Senior,Decision makers - Jakarta,234567891,USD,40.05,2980,19\n"
    )
    account_level = "Job Function,Impressions,Clicks,Average CTR\nEngineering,4210,31,0.74%\nFinance,2980,19,0.64%\n"
    for data, column in ((dated, "Job Seniority"), (account_level, "Job Function")):
        with pytest.raises(PlatformImportError) as caught:
            _preview(session, LINKEDIN, data)
        assert str(caught.value).startswith(f"The file is a LinkedIn demographics report (split by {column}):")
    assert in_bahasa(monkeypatch, caught.value.message).startswith("File ini laporan demografi LinkedIn")


def test_a_tiktok_audience_report_without_days_is_refused_naming_its_split(session, monkeypatch) -> None:
    data = (
        "Campaign name,Campaign ID,Age,Cost,Impressions,Clicks (destination),Conversions,Currency\n"
        "Spark Ads - KOL Ramadan,1771234567890123,18-24,450000.00,4100,130,3,IDR\n"
        "Spark Ads - KOL Ramadan,1771234567890123,25-34,700000.00,7900,260,8,IDR\n"
    )
    with pytest.raises(PlatformImportError) as caught:
        _preview(session, TIKTOK, data)
    assert str(caught.value).startswith("The report is split by Age but has no day column (looked for by day, date,")
    assert str(caught.value).endswith("download it again by day as well.")
    assert "Age" in in_bahasa(monkeypatch, caught.value.message)


# --- any split of a campaign-day stores what the unsplit file stores ----------------------------------------------

SPLITS = [(TIKTOK, s[0]) for s in TIKTOK_SPLITS] + [(GOOGLE_ADS, s[0]) for s in GOOGLE_SPLITS]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _split(total: int, cuts: list[int]) -> list[int]:
    """`total` cut into len(cuts) + 1 parts (some may be 0) at the given fractions of it."""
    points = sorted(min(total, c * total // 1000) for c in cuts)
    bounds = [0, *points, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


@FUZZ
@given(
    which=st.integers(0, len(SPLITS) - 1),
    totals=st.tuples(st.integers(0, 10**11), st.integers(0, 10**7), st.integers(0, 10**5), st.integers(0, 500)),
    cuts=st.lists(st.tuples(*(st.integers(0, 1000) for _ in range(4))), min_size=0, max_size=7),
)
def test_any_split_of_a_campaign_day_stores_the_figures_of_the_unsplit_file(session, which, totals, cuts) -> None:
    fmt, segment = SPLITS[which]
    count = len(cuts) + 1
    columns = [_split(total, [c[i] for c in cuts]) for i, total in enumerate(totals)]
    parts = list(zip(*columns, strict=True))
    values = [f"part {i}" for i in range(count)]
    if fmt is TIKTOK:
        whole, split = tiktok_file(None, [""], parts=[totals]), tiktok_file(segment, values, parts=parts)
    else:
        whole, split = google_file([], parts=[totals]), google_file([(segment, values)], parts=parts)
    with session.begin_nested() as savepoint:
        first = _preview(session, fmt, whole, account="Split")
        assert first.errors == []
        apply_report(session, CLI_ACTOR, first)
        stored = _figures(session, fmt.platform)
        preview = _preview(session, fmt, split, account="Split")
        assert preview.errors == []
        assert [len(r.lines) for r in preview.rows] == [count, 1]
        result = apply_report(session, CLI_ACTOR, preview)
        assert (result.inserted, result.updated, result.unchanged) == (0, 0, 2)
        assert _figures(session, fmt.platform) == stored
        day = next(v for (_name, day), v in stored.items() if day == DAY)
        assert day == (Decimal(totals[0]).scaleb(-2), totals[1], totals[2], Decimal(totals[3]))
        savepoint.rollback()
