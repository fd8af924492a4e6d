"""Ads Manager exports as Meta writes them (tests/fixtures): every shape imports with totals equal to the file's
own, to the unit; identities by ID; breakdowns summed and kept; overlapping files never counted twice; and
account-level rows counted once, the same way by campaign totals, pacing, the ledger and the finance export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from budgets.overview import daily_spend
from budgets.scopes import campaign_inputs
from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.adsmanager_accounts import UNATTRIBUTED_NAME, generated_account_id, settle_account_days
from campaigns.adsmanager_rows import AdsManagerFileError, open_export
from campaigns.adsmanager_rows import read_rows as read_rows_of
from campaigns.models import (
    SOURCE_ACCOUNT_LEVEL,
    SOURCE_META_API,
    AccountInsight,
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    CampaignPeriodInsight,
    InsightDetail,
)
from campaigns.performance import CampaignFilters, campaign_performance
from campaigns.queries import spend_by_currency
from db.calendar import Period
from db.roles import CLI_ACTOR
from finance.exports import export_chunks, read_rows
from finance.ledger import build_ledger
from tests.bahasa import in_bahasa

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TOKO = "Toko Sumber Makmur"
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
JULY = (dt.date(2026, 7, 1), dt.date(2026, 7, 31))


def _import(session, name: str, target: AccountTarget | None = None):
    preview = preview_import(session, (FIXTURES / name).read_bytes(), name, target)
    return preview, apply_import(session, CLI_ACTOR, preview)


def _daily(session) -> dict[tuple[str, dt.date], Decimal]:
    rows = session.execute(
        select(Campaign.name, CampaignInsight.date, CampaignInsight.spend).join(
            Campaign, Campaign.id == CampaignInsight.campaign_id
        )
    )
    return {(name, day): Decimal(spend).normalize() for name, day, spend in rows}


def _sum(session, column) -> Decimal:
    return Decimal(session.scalar(select(func.coalesce(func.sum(column), 0))) or 0).normalize()


# file, target, level, valid rows, spend stored (= the file's own total where it has one), conversions, value
SHAPES = [
    ("adsmanager_daily_en.csv", None, "campaign", 6, "301.5", "9", "742.3"),
    ("adsmanager_daily_en_unicode.txt", None, "campaign", 6, "301.5", "9", "742.3"),
    ("adsmanager_reports.xlsx", None, "campaign", 4, "4737500", "21", "0"),
    ("adsmanager_adset_level.csv", TOKO, "adset", 4, "456500", "6", "0"),
    ("adsmanager_ad_level_with_id.csv", TOKO, "ad", 3, "223000", "0", "0"),
    ("adsmanager_ad_level_no_campaign.csv", TOKO, "account", 2, "125000", "0", "0"),
    ("adsmanager_account_daily.csv", None, "account", 3, "1215750", "0", "0"),
    ("adsmanager_age_gender.csv", TOKO, "campaign", 5, "250000", "5", "0"),
    ("adsmanager_placement.csv", TOKO, "campaign", 4, "250000", "5", "0"),
    ("adsmanager_region_id.csv", TOKO, "campaign", 6, "3487500", "0", "0"),
    ("adsmanager_result_type_shared_items.csv", TOKO, "adset", 2, "245000", "5", "825500"),
    ("adsmanager_same_name_two_ids.csv", None, "campaign", 4, "197.75", "0", "0"),
    ("adsmanager_title_line_usd.csv", None, "adset", 4, "115.35", "0", "0"),
]


@pytest.mark.parametrize(("name", "target", "level", "rows", "spend", "conversions", "value"), SHAPES)
def test_every_shape_imports_with_the_files_own_totals(
    session, name: str, target, level: str, rows: int, spend: str, conversions: str, value: str
) -> None:
    preview, result = _import(session, name, AccountTarget(lookup=target) if target else None)
    assert preview.errors == []
    assert (preview.level, len(preview.rows)) == (level, rows)
    if preview.export.file_total is not None:
        assert preview.export.file_total == Decimal(spend)  # the file's own total row
    assert result.changed
    columns = (CampaignInsight.spend, CampaignInsight.conversions, CampaignInsight.conversion_value)
    stored = [_sum(session, c) for c in columns]
    assert session.scalar(select(func.count(CampaignPeriodInsight.id))) == 0
    assert stored == [Decimal(spend), Decimal(conversions), Decimal(value)]
    # Importing the same file again changes nothing.
    again_preview = preview_import(
        session, (FIXTURES / name).read_bytes(), name, AccountTarget(lookup=preview.account.name)
    )
    again = apply_import(session, CLI_ACTOR, again_preview)
    assert not again.changed


# Ads Manager's default "Export table data": one total per campaign for the whole report range.
PERIOD_FILES = ["adsmanager_campaign_en_usd.csv", "adsmanager_campaign_id_idr.csv", "adsmanager_campaign_id_idr_cr.csv"]


@pytest.mark.parametrize("name", PERIOD_FILES)
def test_whole_period_exports_are_refused_and_write_nothing(session, name: str) -> None:
    with pytest.raises(AdsManagerFileError, match=r"Breakdown -> By time -> Day"):
        preview_import(session, (FIXTURES / name).read_bytes(), name)
    assert session.scalar(select(func.count(AdAccount.id))) == 0


def test_a_whole_period_export_names_its_days_as_dates_on_the_page(session, monkeypatch) -> None:
    name = "adsmanager_campaign_id_idr.csv"  # Awal/Akhir pelaporan 2026-06-01 .. 2026-06-30, one total per campaign
    with pytest.raises(AdsManagerFileError) as caught:
        preview_import(session, (FIXTURES / name).read_bytes(), name)
    assert "for 2026-06-01 to 2026-06-30, not one row per day" in str(caught.value)  # the command line: ISO
    shown = in_bahasa(monkeypatch, caught.value.message)
    assert "1 Jun 2026 sampai 30 Jun 2026" in shown
    assert "2026-06" not in shown


def test_line_endings_and_encodings_read_the_same_rows(session) -> None:
    def figures(name: str) -> list[tuple]:
        layout = open_export((FIXTURES / name).read_bytes(), name)
        export = read_rows_of(layout, "IDR")
        return [(r.campaign_name, r.campaign_id, r.start, r.end, r.metrics) for r in export.rows]

    assert figures("adsmanager_campaign_id_idr_cr.csv") == figures("adsmanager_campaign_id_idr.csv")
    assert figures("adsmanager_daily_en_unicode.txt") == figures("adsmanager_daily_en.csv")


def test_two_campaigns_with_one_name_and_two_ids_stay_two(session) -> None:
    _import(session, "adsmanager_same_name_two_ids.csv")
    campaigns = session.execute(select(Campaign.meta_id, Campaign.name).order_by(Campaign.meta_id)).all()
    assert campaigns == [("120210000000000201", "Promo Juli"), ("120210000000000202", "Promo Juli")]
    by_id = dict(
        session.execute(
            select(Campaign.meta_id, func.sum(CampaignInsight.spend))
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .group_by(Campaign.meta_id)
        ).all()
    )
    assert {k: Decimal(v).normalize() for k, v in by_id.items()} == {
        "120210000000000201": Decimal("52.25"),
        "120210000000000202": Decimal("145.5"),
    }


def test_two_rows_of_one_name_without_ids_are_refused_not_merged(session) -> None:
    data = b"Campaign name,Day,Amount spent (USD)\nPromo Juli,2026-07-01,25.00\nPromo Juli,2026-07-01,75.50\n"
    preview = preview_import(session, data, "Shop-Campaigns.csv")
    assert [(e.row, e.reason) for e in preview.errors] == [
        (
            3,
            "The row has the same campaign, dates and breakdown as row 2; remove one of them, or export with the "
            "'Campaign ID' column if they are two campaigns sharing a name.",
        )
    ]
    assert len(preview.rows) == 1


def test_overlapping_breakdowns_of_one_campaign_day_never_double_count(session) -> None:
    target = AccountTarget(lookup=TOKO, currency="IDR")
    _import(session, "adsmanager_age_gender.csv", target)
    preview, result = _import(session, "adsmanager_placement.csv", target)
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)  # the campaign-day is the same
    assert _daily(session) == {("Ramadan Sale - Konversi", dt.date(2026, 6, 1)): Decimal("250000")}
    kept = session.execute(
        select(InsightDetail.breakdown, func.count(), func.sum(InsightDetail.spend)).group_by(InsightDetail.breakdown)
    ).all()
    assert sorted((b, n, Decimal(s)) for b, n, s in kept) == [
        ("age,gender", 5, Decimal("250000")),
        ("platform,placement", 4, Decimal("250000")),
    ]
    detail = session.scalar(
        select(InsightDetail).where(
            InsightDetail.breakdown_value == "audience_network | Native, banner and interstitial"
        )
    )
    assert (detail.level, detail.object_name, detail.spend) == ("campaign", "Ramadan Sale - Konversi", Decimal("35000"))
    assert "Breakdown by Platform, Placement: 4 row(s) are added up to 1 campaign-day total(s)" in preview.describe()
    # The same breakdown again replaces its rows instead of adding new ones.
    _import(session, "adsmanager_placement.csv", target)
    assert session.scalar(select(func.count(InsightDetail.id))) == 9


def test_region_breakdown_in_bahasa_indonesia_equals_the_campaign_level_workbook(session) -> None:
    _import(session, "adsmanager_reports.xlsx", AccountTarget(name=TOKO))
    before = _daily(session)
    preview, result = _import(session, "adsmanager_region_id.csv", AccountTarget(lookup=TOKO))
    assert not preview.rejected
    assert preview.rows
    assert result.campaigns_created == 0
    awareness = {k: v for k, v in _daily(session).items() if k[0] == "Awareness Jabodetabek"}
    assert awareness == {
        ("Awareness Jabodetabek", dt.date(2026, 6, 1)): Decimal("1743750.5"),
        ("Awareness Jabodetabek", dt.date(2026, 6, 2)): Decimal("1743749.5"),
    }
    assert awareness == {k: v for k, v in before.items() if k[0] == "Awareness Jabodetabek"}


def test_ad_set_and_ad_files_roll_up_without_double_counting(session) -> None:
    target = AccountTarget(lookup=TOKO, currency="IDR")
    _import(session, "adsmanager_adset_level.csv", target)
    adsets = session.execute(select(AdSet.meta_id, AdSet.name).order_by(AdSet.meta_id)).all()
    assert adsets == [
        ("120210000000000111", "Lookalike 1% - Purchasers"),
        ("120210000000000112", "Retargeting - Add to cart 7d"),
    ]
    assert _daily(session) == {
        ("Ramadan Sale - Konversi", dt.date(2026, 6, 1)): Decimal("223000"),
        ("Ramadan Sale - Konversi", dt.date(2026, 6, 2)): Decimal("233500"),
    }
    _import(session, "adsmanager_ad_level_with_id.csv", target)
    # An ad-level export of the same ads without IDs or campaign column: the same ads, found by ad set and name.
    preview, _result = _import(session, "adsmanager_ad_level_no_campaign.csv", target)
    assert "each ad set's campaign was found in Toko Sumber Makmur" in preview.describe()
    assert _daily(session)[("Ramadan Sale - Konversi", dt.date(2026, 6, 1))] == Decimal("223000")
    lookalike = session.scalar(select(AdSet.id).where(AdSet.meta_id == "120210000000000111"))
    day = select(AdSetInsight.spend).where(
        AdSetInsight.ad_set_id == lookalike, AdSetInsight.date == dt.date(2026, 6, 1)
    )
    assert session.scalar(day) == 125000
    ads = session.scalars(
        select(InsightDetail.object_name).where(InsightDetail.level == "ad").order_by(InsightDetail.object_name)
    ).all()
    assert ads == ["Carousel - Best sellers", "Video 15s - Diskon 50%", "Video 15s - Diskon 50%"]


def test_an_ad_file_without_campaigns_for_an_unknown_account_is_account_level_spend(session) -> None:
    preview, _result = _import(session, "adsmanager_ad_level_no_campaign.csv", AccountTarget(name="Fresh shop"))
    assert str(preview.notes[-1]) == (
        "The file has no campaign column and 1 ad set(s) are not known in Fresh shop (Lookalike 1% - Purchasers): "
        "its rows are stored as account-level spend per day. Export with the Campaign name or Campaign ID column to "
        "see them by campaign."
    )
    assert _daily(session) == {(UNATTRIBUTED_NAME, dt.date(2026, 6, 1)): Decimal("125000")}
    assert Decimal(session.scalar(select(AccountInsight.spend))) == 125000


def test_shared_items_purchases_count_as_conversions(session) -> None:
    _import(session, "adsmanager_result_type_shared_items.csv", AccountTarget(lookup=TOKO, currency="IDR"))
    row = session.execute(
        select(func.sum(CampaignInsight.conversions), func.sum(CampaignInsight.conversion_value))
    ).one()
    assert (Decimal(row[0]), Decimal(row[1])) == (Decimal(5), Decimal(825500))  # 5 purchases, Rp825.500


def test_a_spend_column_without_currency_takes_the_accounts_currency(session) -> None:
    session.add(AdAccount(account_id="987", name="Brand USD", currency="USD", timezone_name="America/New_York"))
    session.flush()
    name = "adsmanager_amount_spent_no_currency.csv"
    preview = preview_import(session, (FIXTURES / name).read_bytes(), name, AccountTarget(lookup="brand usd"))
    assert preview.currency == "USD"
    assert str(preview.notes[0]) == (
        "The spend column 'Amount Spent' names no currency: amounts are read as USD, the currency of Brand USD."
    )
    apply_import(session, CLI_ACTOR, preview)
    assert _daily(session) == {
        ("Brand Awareness Q2", dt.date(2026, 6, 1)): Decimal("14.2"),
        ("Brand Awareness Q2", dt.date(2026, 6, 2)): Decimal("13.95"),
    }


def test_generated_account_ids_never_collide(session) -> None:
    names = [
        "PT Sumber Makmur Sejahtera Abadi Cabang Jakarta",
        "PT Sumber Makmur Sejahtera Abadi Cabang Bandung",
        "PT Sumber Makmur Sejahtera Abadi Cabang Bandung Timur",
    ]
    for name in names:
        data = b"Campaign name,Day,Amount spent (IDR)\nPromo,2026-06-01,1000\n"
        apply_import(session, CLI_ACTOR, preview_import(session, data, f"{name}-Campaigns-Jun-1-2026.csv"))
    accounts = session.execute(select(AdAccount.name, AdAccount.account_id).order_by(AdAccount.id)).all()
    assert [a[0] for a in accounts] == names
    assert [a[1] for a in accounts] == [
        "csv-pt-sumber-makmur-sejahte",
        "csv-pt-sumber-makmur-sejahte-2",
        "csv-pt-sumber-makmur-sejahte-3",
    ]
    assert generated_account_id(session, names[0]) == "csv-pt-sumber-makmur-sejahte-4"


def test_the_files_account_id_is_the_new_accounts_id(session) -> None:
    _import(session, "adsmanager_account_daily.csv")
    account = session.scalar(select(AdAccount))
    assert (account.account_id, account.name, account.currency) == ("1234567890123456", TOKO, "IDR")
    preview = preview_import(
        session,
        (FIXTURES / "adsmanager_account_daily.csv").read_bytes(),
        "x.csv",
        AccountTarget(lookup="act_1234567890123456"),
    )
    assert preview.account.existing_id == account.id


def test_account_level_days_count_only_where_no_campaign_row_covers_them_everywhere(session) -> None:
    _import(session, "adsmanager_account_daily.csv")  # 1, 2 and 3 June: 412500 + 398000 + 405250
    assert _daily(session) == {
        (UNATTRIBUTED_NAME, dt.date(2026, 6, 1)): Decimal("412500"),
        (UNATTRIBUTED_NAME, dt.date(2026, 6, 2)): Decimal("398000"),
        (UNATTRIBUTED_NAME, dt.date(2026, 6, 3)): Decimal("405250"),
    }
    _import(session, "adsmanager_adset_level.csv", AccountTarget(lookup=TOKO))  # campaign rows on 1 and 2 June
    expected = Decimal("223000") + Decimal("233500") + Decimal("405250")
    assert _daily(session) == {
        ("Ramadan Sale - Konversi", dt.date(2026, 6, 1)): Decimal("223000"),
        ("Ramadan Sale - Konversi", dt.date(2026, 6, 2)): Decimal("233500"),
        (UNATTRIBUTED_NAME, dt.date(2026, 6, 3)): Decimal("405250"),
    }
    # One figure, read the same way by every total: campaign table, spend by currency, pacing, the budget chart,
    # the ledger and the finance export.
    table = campaign_performance(session, CampaignFilters(*JUNE))
    assert sum(table["spend"], Decimal(0)) == expected
    assert Decimal(spend_by_currency(session, *JUNE)["spend"].sum()) == expected
    period = Period(*JUNE)
    inputs = campaign_inputs(session, period, [], now=dt.datetime(2026, 7, 15, tzinfo=dt.UTC))
    assert sum((i.actual for i in inputs), Decimal(0)) == expected
    assert sum((d["spend"] for d in daily_spend(session, period, JUNE[1])), Decimal(0)) == expected
    lines = build_ledger(session, *JUNE)
    assert sum((line.actual for line in lines if line.channel == "meta_ads"), Decimal(0)) == expected
    content = b"".join(export_chunks(session, "campaign-daily", *JUNE, "IDR"))
    header, rows = read_rows(content)
    spend = header.index("spend")
    assert sum((Decimal(r[spend]) for r in rows), Decimal(0)) == expected
    assert {r[header.index("campaign_name")] for r in rows} == {"Ramadan Sale - Konversi", UNATTRIBUTED_NAME}


def test_a_meta_sync_covering_an_account_level_day_takes_it_over(session) -> None:
    _import(session, "adsmanager_account_daily.csv")
    account = session.scalar(select(AdAccount))
    synced = Campaign(account_id=account.id, meta_id="999", name="Synced", currency="IDR", source=SOURCE_META_API)
    session.add(synced)
    session.flush()
    session.add(
        CampaignInsight(
            campaign_id=synced.id, date=dt.date(2026, 6, 3), currency="IDR", spend=Decimal("405000"),
            source=SOURCE_META_API,
        )
    )  # fmt: skip
    assert settle_account_days(session, account, dt.date(2026, 6, 3), dt.date(2026, 6, 3)) == 1
    assert _daily(session)[("Synced", dt.date(2026, 6, 3))] == Decimal("405000")
    assert (UNATTRIBUTED_NAME, dt.date(2026, 6, 3)) not in _daily(session)
    assert session.scalar(select(func.count(AccountInsight.id))) == 3  # the file's rows stay as they were
    # When the sync no longer reports that day, the account-level figure counts again.
    session.execute(CampaignInsight.__table__.delete().where(CampaignInsight.campaign_id == synced.id))
    settle_account_days(session, account, dt.date(2026, 6, 3), dt.date(2026, 6, 3))
    assert _daily(session)[(UNATTRIBUTED_NAME, dt.date(2026, 6, 3))] == Decimal("405250")
    unattributed = session.scalar(select(Campaign).where(Campaign.source == SOURCE_ACCOUNT_LEVEL))
    assert (unattributed.name, unattributed.meta_id, unattributed.currency) == (UNATTRIBUTED_NAME, None, "IDR")


def test_a_later_export_with_ids_continues_the_campaigns_imported_without(session) -> None:
    name = "adsmanager_daily_en.csv"
    without_ids = (FIXTURES / name).read_text(encoding="utf-8-sig").replace(",Campaign ID", "")
    without_ids = "\n".join(
        ",".join(cell for i, cell in enumerate(line.split(",")) if i != 3) if n else line
        for n, line in enumerate(without_ids.splitlines())
    )
    apply_import(session, CLI_ACTOR, preview_import(session, without_ids.encode(), "Shop-Campaigns.csv"))
    assert session.scalar(select(func.count(Campaign.id)).where(Campaign.meta_id.is_(None))) == 2
    _preview, result = _import(session, name, AccountTarget(lookup="Shop"))
    assert (result.campaigns_created, result.inserted, result.unchanged) == (0, 0, 6)
    assert set(session.scalars(select(Campaign.meta_id))) == {"120210000000000001", "120210000000000002"}
